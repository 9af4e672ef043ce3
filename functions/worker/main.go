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
	"github.com/landfall/landfall/internal/config"
)

func main() {
	slog.SetDefault(lambdacontext.NewLogger())
	ctx := context.Background()
	cfg, err := config.FromEnvironment()
	if err != nil {
		slog.Error("refusing to start", "error", err)
		os.Exit(1)
	}
	pl, err := app.LoadPlan(cfg)
	if err != nil {
		slog.Error("refusing to start on an invalid plan", "error", err)
		os.Exit(1)
	}
	awsCfg, err := app.AWSConfig(ctx)
	if err != nil {
		slog.Error("refusing to start", "error", err)
		os.Exit(1)
	}
	lambda.Start(app.Worker(awsCfg, cfg, pl, app.Options{}).Handle)
}
