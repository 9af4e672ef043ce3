// Command worker is the worker Lambda function: it advances account runs
// delivered by the work queue (SQS event source, partial batch responses).
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/app/workerfn"
)

func main() {
	slog.SetDefault(lambdacontext.NewLogger())
	d, err := app.Load(context.Background())
	if err != nil {
		slog.Error("refusing to start", "error", err)
		os.Exit(1)
	}
	lambda.Start(workerfn.New(d.AWS, d.Config, d.Plan, app.Options{}).Handle)
}
