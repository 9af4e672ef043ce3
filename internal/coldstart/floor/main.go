// Command floor is the baseline (./internal/coldstart/baseline) plus the
// clients of the services Landfall's functions must call beyond the field
// note's: Organizations (membership, the organization index) and SQS (the
// work queue). `make bench-coldstart` measures it beside the baseline to show
// how much of the functions' init those services alone cost. Built only by
// the benchmark, never deployed.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		slog.Error("refusing to start", "error", err)
		os.Exit(1)
	}
	clients := struct {
		sts  *sts.Client
		sc   *servicecatalog.Client
		sns  *sns.Client
		orgs *organizations.Client
		sqs  *sqs.Client
	}{sts.NewFromConfig(cfg), servicecatalog.NewFromConfig(cfg), sns.NewFromConfig(cfg), organizations.NewFromConfig(cfg), sqs.NewFromConfig(cfg)}
	lambda.Start(func(context.Context) error {
		_ = clients
		return nil
	})
}
