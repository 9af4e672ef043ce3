// Command launch is the launch Lambda function: the EventBridge target for
// Control Tower lifecycle events and the entry point for manual invocations.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/app/launchfn"
)

func main() {
	slog.SetDefault(lambdacontext.NewLogger())
	d, err := app.Load(context.Background())
	if err != nil {
		slog.Error("refusing to start", "error", err)
		os.Exit(1)
	}
	lambda.Start(launchfn.New(d.AWS, d.Config, d.Plan, app.Options{}).Handle)
}
