// Package app holds what Landfall's functions share at cold start: loading
// the configuration, the plan and the AWS configuration (Load), the retry
// settings, and the parts both handlers are built from. Each function's own
// wiring is in its own package (internal/app/launchfn, internal/app/workerfn),
// so a function's binary links and initializes only the packages it uses
// (issue #14). The Lambda mains and the local driver (`landfall local`) both
// build their handlers there, so what runs locally is wired exactly as what
// runs in AWS.
package app

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/preflight"
	"github.com/landfall/landfall/internal/provision"
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

// Log is the logger to use: o.Logger, or slog.Default() when it is nil.
func (o Options) Log() *slog.Logger {
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

// NewRetryer returns the retryer every Landfall client uses. It counts its
// retries of throttling errors for the functions' ThrottlesAbsorbed metric
// (metrics.CountingRetryer), without changing when or how often it retries.
func NewRetryer(maxBackoff time.Duration) func() aws.Retryer {
	return func() aws.Retryer {
		return metrics.CountingRetryer(retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = RetryMaxAttempts
			o.MaxBackoff = maxBackoff
		}))
	}
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

// Engine is the provisioning engine both functions run (the worker for real,
// launch for dry runs).
func Engine(pl *plan.Plan, c config.Config, products provision.ProductIDs, o Options) *provision.Engine {
	return &provision.Engine{
		Plan:           pl,
		Products:       products,
		ReaderRoleName: c.ReaderRoleName,
		Concurrency:    c.TargetConcurrency,
		Sleep:          o.Sleep,
		Now:            o.Now,
		Logger:         o.Log(),
	}
}

// Sessions opens member-account sessions through the function's execution
// role (ExecutionRole).
func Sessions(cfg aws.Config, pl *plan.Plan, c config.Config, o Options) *provision.Sessions {
	return &provision.Sessions{Base: cfg, RoleName: ExecutionRole(pl, c), Now: o.Now}
}

// ExecutionRole is the role a function assumes in member accounts: its own
// configuration's, when set, else the plan's executionRoleName. With member
// roles the two functions are configured with different roles (the launch
// function a read-only one), so the role is the function's, not the plan's,
// even where both functions share one plan (the local runner).
func ExecutionRole(pl *plan.Plan, c config.Config) string {
	if c.ExecutionRoleName != "" {
		return c.ExecutionRoleName
	}
	return pl.ExecutionRoleName
}

// CatalogCheck checks the plan against the management account's catalogs
// once per warm container and names each product by its ID in the plan's
// portfolio: the identity runs, dry runs and status launch and describe by.
func CatalogCheck(cfg aws.Config, pl *plan.Plan) *preflight.CatalogCheck {
	return &preflight.CatalogCheck{Plan: pl, Catalogs: preflight.NewCatalogs(cfg)}
}

// Members is the one membership check the functions share: built once per
// function, so its listing of the organization is kept across warm invocations.
func Members(orgs *organizations.Client, pl *plan.Plan, o Options) *membership.Checker {
	return &membership.Checker{API: orgs, ManagementAccount: o.ManagementAccount, IncludeManagement: pl.IncludeManagementAccount, Now: o.Now}
}

// Ledger is the run ledger.
func Ledger(cfg aws.Config, c config.Config, o Options) *ledger.Ledger {
	return &ledger.Ledger{
		DB: dynamodb.NewFromConfig(cfg), Table: c.LedgerTable,
		Retention: time.Duration(c.RunRetentionDays) * 24 * time.Hour, Now: o.Now,
	}
}

// Queue is the work queue.
func Queue(cfg aws.Config, c config.Config) *workqueue.Queue {
	return &workqueue.Queue{URL: c.QueueURL, SQS: sqs.NewFromConfig(cfg)}
}

// Notifier publishes notifications to the summary topic and, when one is
// configured, to the chat topic; a chat failure is logged with o's logger.
func Notifier(cfg aws.Config, c config.Config, o Options) *notify.Notifier {
	return &notify.Notifier{TopicARN: c.TopicARN, ChatTopicARN: c.ChatTopicARN, SNS: sns.NewFromConfig(cfg), Logger: o.Logger}
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
	awsCfg, err := lambdaAWSConfig(os.Getenv)
	if err != nil {
		return nil, err
	}
	return &Deployment{Config: c, Plan: pl, AWS: awsCfg}, nil
}
