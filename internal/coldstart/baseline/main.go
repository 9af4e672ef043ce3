// Command baseline is the cold-start yardstick `make bench-coldstart` measures
// Landfall's functions against: the AWS field note's function initialization
// done in Go, and nothing else. It loads the default AWS configuration, builds
// STS, Service Catalog and SNS clients and starts the Lambda runtime loop.
// It is built only by the benchmark, never deployed.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		slog.Error("refusing to start", "error", err)
		os.Exit(1)
	}
	clients := struct {
		sts *sts.Client
		sc  *servicecatalog.Client
		sns *sns.Client
	}{sts.NewFromConfig(cfg), servicecatalog.NewFromConfig(cfg), sns.NewFromConfig(cfg)}
	lambda.Start(func(context.Context) error {
		_ = clients
		return nil
	})
}
