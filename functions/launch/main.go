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
	lambda.Start(app.Launch(awsCfg, cfg, pl, app.Options{}).Handle)
}
