// Package app wires Landfall's functions from configuration and AWS clients.
// The Lambda mains and the local driver (`landfall local`) both build their
// handlers here, so what runs locally is wired exactly as what runs in AWS.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/preflight"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/status"
	"github.com/landfall/landfall/internal/worker"
	"github.com/landfall/landfall/internal/workqueue"
)

// Options are the seams the local driver and tests use; the zero value is
// what runs in Lambda.
type Options struct {
	// Now tells the time (default time.Now).
	Now func() time.Time
	// Sleep waits inside an invocation (default: a real timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives the functions' logs (default slog.Default()).
	Logger *slog.Logger
	// ManagementAccount overrides the account read from the invoked function's ARN.
	ManagementAccount string
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.Default()
}

// Retry settings. Service Catalog publishes no rate limits and answers bursts
// with ThrottlingException; a worker runs up to LANDFALL_TARGET_CONCURRENCY
// targets at once, so it gets more attempts than the SDK default (3) and the
// default 20 s backoff cap. The standard mode (not adaptive) is chosen on
// purpose: adaptive mode's client-side rate limiter lives in one client, and
// Landfall builds a client per account and region, where it would never learn.
const (
	RetryMaxAttempts = 6
	RetryMaxBackoff  = 20 * time.Second
)

// NewRetryer returns the retryer every Landfall client uses.
func NewRetryer(maxBackoff time.Duration) func() aws.Retryer {
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = RetryMaxAttempts
			o.MaxBackoff = maxBackoff
		})
	}
}

// AWSConfig loads the function's AWS configuration from the environment with
// Landfall's retry settings.
func AWSConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRetryer(NewRetryer(RetryMaxBackoff)))
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}

// LoadPlan loads and validates the plan named by the configuration, applying
// the execution-role override.
func LoadPlan(c config.Config) (*plan.Plan, error) {
	pl, err := plan.Load(c.PlanFile)
	if err != nil {
		return nil, err
	}
	if c.ExecutionRoleName != "" {
		pl.ExecutionRoleName = c.ExecutionRoleName
	}
	return pl, nil
}

func engine(pl *plan.Plan, c config.Config, products provision.ProductIDs, o Options) *provision.Engine {
	return &provision.Engine{
		Plan:        pl,
		Products:    products,
		Concurrency: c.TargetConcurrency,
		Sleep:       o.Sleep,
		Now:         o.Now,
		Logger:      o.logger(),
	}
}

func sessions(cfg aws.Config, pl *plan.Plan, o Options) *provision.Sessions {
	return &provision.Sessions{Base: cfg, RoleName: pl.ExecutionRoleName, Now: o.Now}
}

// catalogCheck checks the plan against the management account's catalogs
// once per warm container and names each product by its ID in the plan's
// portfolio: the identity runs, dry runs and status launch and describe by.
func catalogCheck(cfg aws.Config, pl *plan.Plan) *preflight.CatalogCheck {
	return &preflight.CatalogCheck{Plan: pl, Catalogs: preflight.NewCatalogs(cfg)}
}

// members is the one membership check the functions share: built once per
// function, so its listing of the organization is kept across warm invocations.
func members(orgs *organizations.Client, pl *plan.Plan, o Options) *membership.Checker {
	return &membership.Checker{API: orgs, ManagementAccount: o.ManagementAccount, IncludeManagement: pl.IncludeManagementAccount, Now: o.Now}
}

// Launch builds the launch function's handler.
func Launch(cfg aws.Config, c config.Config, pl *plan.Plan, o Options) *launch.Handler {
	orgs := organizations.NewFromConfig(cfg)
	dir := &directory.Directory{API: orgs}
	accounts := sessions(cfg, pl, o)
	products := catalogCheck(cfg, pl)
	return &launch.Handler{
		Plan:      pl,
		Directory: dir,
		Members:   members(orgs, pl, o),
		Preflight: &preflight.Checker{Plan: pl, Org: &preflight.OrgIndex{API: orgs, Now: o.Now}, Catalog: products},
		Queue:     &workqueue.Queue{URL: c.QueueURL, SQS: sqs.NewFromConfig(cfg)},
		Notifier:  &notify.Notifier{TopicARN: c.TopicARN, SNS: sns.NewFromConfig(cfg)},
		DryRunner: provision.DryRunner{Engine: engine(pl, c, products, o), Accounts: accounts},
		Status: &status.Reporter{Plan: pl, Directory: dir, Accounts: status.Opened{Opener: accounts}, Products: products,
			ManagementAccount: o.ManagementAccount},
		ManagementAccount: o.ManagementAccount,
		WorkerConcurrency: c.WorkerConcurrency,
		Now:               o.Now,
		Logger:            o.logger(),
	}
}

// Worker builds the worker function's handler.
func Worker(cfg aws.Config, c config.Config, pl *plan.Plan, o Options) *worker.Handler {
	return &worker.Handler{
		Plan:     pl,
		Engine:   engine(pl, c, catalogCheck(cfg, pl), o),
		Members:  members(organizations.NewFromConfig(cfg), pl, o),
		Accounts: sessions(cfg, pl, o),
		Queue:    &workqueue.Queue{URL: c.QueueURL, SQS: sqs.NewFromConfig(cfg)},
		Notifier: &notify.Notifier{TopicARN: c.TopicARN, SNS: sns.NewFromConfig(cfg)},
		Now:      o.Now,
		Logger:   o.logger(),
	}
}

// Deployment is what a function needs at cold start: its configuration, the
// validated plan and its AWS configuration.
type Deployment struct {
	Config config.Config
	Plan   *plan.Plan
	AWS    aws.Config
}

// Load reads the configuration from the environment, loads and validates the
// plan and the AWS configuration, reporting the first stage that fails with
// everything wrong in it. The functions refuse to start when it fails.
func Load(ctx context.Context) (*Deployment, error) {
	c, err := config.FromEnvironment()
	if err != nil {
		return nil, err
	}
	pl, err := LoadPlan(c)
	if err != nil {
		return nil, err
	}
	awsCfg, err := AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	return &Deployment{Config: c, Plan: pl, AWS: awsCfg}, nil
}
