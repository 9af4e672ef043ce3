// Package localaws is the local AWS emulator Landfall is tested against: an
// in-process HTTP server speaking the real wire protocols of STS,
// Organizations, Service Catalog, SNS, SQS, Lambda's Invoke (and
// GetFunction), CloudFormation's DescribeStacks, DynamoDB tables
// (package tables) and Account Management's region opt-in (package
// account), so the real aws-sdk-go-v2
// clients (and the AWS CLI) drive them unchanged. Lambda functions are Go
// handlers registered with RegisterFunction and run in-process when invoked
// (see package lambdafn); CloudFormation stacks, outputs only, are put with
// PutStack (see package stacks).
//
// A World (YAML world file, or DefaultWorld) describes what exists at the
// start; New builds a Cloud from it. In Go tests, use the in-memory client:
//
//	world, err := localaws.DefaultWorld()
//	cloud, err := localaws.New(world, localaws.Options{})
//	cfg := cloud.Config("us-east-1", nil) // the management account's administrator
//	member := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg),
//		"arn:aws:iam::222222222222:role/AWSControlTowerExecution"))
//	sc := servicecatalog.NewFromConfig(cloud.Config("us-west-1", member))
//	cloud.ManualClock() // advance time through provisioning
//
// Any other client reaches a Cloud served on a socket (Serve) through the
// SDKs' standard endpoint override; dummy keys act as the management
// account's administrator (see package identity):
//
//	AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
//	AWS_REGION=us-east-1 aws sts get-caller-identity
//
// config.LoadDefaultConfig reads AWS_ENDPOINT_URL (and per-service variables
// such as AWS_ENDPOINT_URL_SERVICE_CATALOG), so Landfall's own binaries need
// no code change to run against it.
//
// Every call is authorized as IAM would (package authz) with the policies of
// the world file: roles' trust and identity policies, queue and topic
// policies, KMS key policies. The administrator has AdministratorAccess and
// the default member roles trust the management account, so a world without
// policies behaves as before; code acts as a Lambda function's execution
// role through RoleCredentials.
package localaws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/landfall/landfall/internal/localaws/account"
	"github.com/landfall/landfall/internal/localaws/authz"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/localaws/identity"
	"github.com/landfall/landfall/internal/localaws/lambdafn"
	"github.com/landfall/landfall/internal/localaws/model"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/stacks"
	"github.com/landfall/landfall/internal/localaws/tables"
	"github.com/landfall/landfall/internal/localaws/topics"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// Endpoint is the BaseEndpoint of configs returned by Cloud.Config. The
// in-memory client ignores the host; the name only shows up in logs.
const Endpoint = "http://localaws.internal"

// shutdownGrace bounds how long Serve waits for in-flight calls on shutdown.
const shutdownGrace = 5 * time.Second

// Options configures New.
type Options struct {
	// Clock is the emulator clock; nil means a manual clock at the world's
	// start (tests advance it through Cloud.ManualClock).
	Clock clock.Clock
	// Logger logs one line per API call; nil logs nothing.
	Logger *slog.Logger
	// InsecureTransport makes IAM see every request as sent over plain HTTP
	// (aws:SecureTransport "false"). By default requests count as sent over
	// TLS, as the SDKs send them to AWS (see package authz).
	InsecureTransport bool
}

// Cloud is a running emulated AWS. It is safe for concurrent use.
type Cloud struct {
	clock     clock.Clock
	org       *org.Organization
	identity  *identity.Registry
	catalog   *catalog.Catalog
	topics    *topics.Topics
	queues    *queues.Queues
	faults    *faults.Faults
	functions *lambdafn.Functions
	stacks    *stacks.Stacks
	tables    *tables.Tables
	server    *wire.Server
	// iam authorizes calls, and the deliveries services make on their own
	// (SNS to subscribed queues).
	iam *authz.Authorizer
}

// New validates w and builds the emulator it describes.
func New(w *World, opts Options) (*Cloud, error) {
	if w == nil {
		return nil, errors.New("new local aws: world is nil; use localaws.DefaultWorld()")
	}
	if err := w.Validate(); err != nil {
		return nil, fmt.Errorf("new local aws: invalid world: %w", err)
	}
	c := &Cloud{clock: opts.Clock}
	if c.clock == nil {
		c.clock = clock.NewManual(w.Start)
	}
	var err error
	if c.org, err = org.New(w.Organization, w.Start); err != nil {
		return nil, fmt.Errorf("new local aws: %w", err)
	}
	idOpts := identity.Options{}
	if wall, ok := c.clock.(*clock.Wall); ok {
		idOpts.Speed = wall.Speed
	}
	c.identity = identity.New(c.org, idOpts)
	if c.faults, err = faults.New(w.Faults, c.org, c.clock); err != nil {
		return nil, fmt.Errorf("new local aws: %w", err)
	}
	if c.catalog, err = catalog.New(w.Catalog, c.org, catalog.Options{ShareDelay: c.faults.ShareDelay, AssociationDelay: c.faults.AssociationDelay}); err != nil {
		return nil, fmt.Errorf("new local aws: %w", err)
	}
	if c.topics, err = topics.New(w.SNS, topics.WithQueues(snsToSQS{c})); err != nil {
		return nil, fmt.Errorf("new local aws: %w", err)
	}
	if c.queues, err = queues.New(w.SQS, queues.WithClock(c.clock), queues.WithDuplicates(c.faults.Duplicate)); err != nil {
		return nil, fmt.Errorf("new local aws: %w", err)
	}
	c.functions = lambdafn.New(lambdafn.WithClock(c.clock))
	c.stacks = stacks.New(c.clock)
	if c.tables, err = tables.New(w.DynamoDB, w.Start); err != nil {
		return nil, fmt.Errorf("new local aws: %w", err)
	}
	if err := c.serve(w, opts); err != nil {
		return nil, fmt.Errorf("new local aws: %w", err)
	}
	return c, nil
}

// serve builds the server and its middleware, in the order AWS's front
// ends apply them: a call to a global endpoint (Account Management) counts
// as made in its region before anything looks at the region; a call from a
// disabled region is refused before it
// reaches (or drains) a throttle bucket; a throttled call is not looked at
// further; a request is checked against its operation's official model
// before IAM, which needs the resource it names, authorizes it.
func (c *Cloud) serve(w *World, opts Options) error {
	validator, err := model.NewValidator()
	if err != nil {
		return err
	}
	keys, err := authz.NewKeys(w.KMS)
	if err != nil {
		return err
	}
	services := []wire.Service{identity.NewService(c.identity), org.NewService(c.org), account.New(c.org), c.catalog, c.topics, c.queues, c.functions, c.stacks, c.tables}
	if err := authz.Check(services); err != nil {
		return err
	}
	iam := authz.New(authz.Config{
		Org: c.org, Identities: c.identity, Queues: c.queues, Topics: c.topics, Keys: keys,
		CatalogOwners: catalogOwners(w.Catalog, c.org.ManagementAccount()), InsecureTransport: opts.InsecureTransport,
	})
	c.iam = iam
	c.server = wire.NewServer(wire.ServerOptions{
		Services:   services,
		Auth:       c.identity,
		Clock:      c.clock,
		Middleware: []wire.Middleware{account.GlobalEndpoint(), faults.DisabledRegions(c.org), tables.Faults(), c.faults.Middleware(), validated(validator), iam.Middleware()},
		Logger:     opts.Logger,
	})
	return nil
}

// validated runs an operation only for requests v accepts.
func validated(v wire.Validator) wire.Middleware {
	return func(next wire.Operation) wire.Operation {
		return func(r *wire.Request) (any, error) {
			if err := v.Validate(r); err != nil {
				return nil, err
			}
			return next(r)
		}
	}
}

// catalogOwners maps "<region>/<id>" of every portfolio and product of the
// world's catalog to the account owning it, for IAM's resource ARNs.
func catalogOwners(spec catalog.Spec, mgmt string) map[string]string {
	owners := map[string]string{}
	owner := func(account string) string {
		if account == "" {
			return mgmt
		}
		return account
	}
	for _, r := range spec.Regions {
		for _, p := range r.Portfolios {
			owners[r.Region+"/"+p.ID] = owner(p.Owner)
		}
		for _, p := range r.Products {
			owners[r.Region+"/"+p.ID] = owner(p.Account)
		}
	}
	return owners
}

// Handler returns the HTTP handler serving every emulated service on a
// socket: a response a fault rule loses as a timeout aborts the connection
// (see faults.Handler). In-memory clients use HTTPClient.
func (c *Cloud) Handler() http.Handler { return faults.Handler(c.server) }

// HTTPClient returns an *http.Client that calls the emulator in memory; a
// response a fault rule loses as a timeout fails its round trip with a
// timeout (see faults.Transport).
func (c *Cloud) HTTPClient() *http.Client {
	return &http.Client{Transport: faults.Transport(c.server.Client().Transport)}
}

// Config returns an SDK config that sends every call to the emulator in
// memory, in region, signed with creds; nil creds are static dummy keys
// (`test`/`test`), i.e. the management account's administrator. Clients made
// from it, including the STS client of an stscreds.AssumeRoleProvider, talk
// to this Cloud.
//
// The retryer is the SDK's standard one (3 attempts, same retryable errors)
// without backoff sleeps or retry quota: the emulator's throttle buckets
// refill on the emulator clock, so sleeping on the real one would only make
// tests slower, and a quota would make long tests fail differently from short
// ones. Override it per client to test backoff itself.
func (c *Cloud) Config(region string, creds aws.CredentialsProvider) aws.Config {
	if creds == nil {
		creds = credentials.NewStaticCredentialsProvider("test", "test", "")
	}
	return aws.Config{
		Region:       region,
		Credentials:  creds,
		BaseEndpoint: aws.String(Endpoint),
		HTTPClient:   c.HTTPClient(),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// RoleCredentials returns the credentials of a Lambda function's execution
// role, as Lambda hands them to the function: sessions of roleARN named
// sessionName (Lambda uses the function's name), issued only if the role's
// trust policy lets lambda.amazonaws.com assume it; otherwise it answers
// STS's AccessDenied for sts:AssumeRole. The provider renews its session by
// the emulator clock (see identity.ServiceCredentials): pass it as a
// config's credentials as is, without aws.NewCredentialsCache.
func (c *Cloud) RoleCredentials(roleARN, sessionName string) (aws.CredentialsProvider, error) {
	p, err := c.identity.NewServiceCredentials(c.clock, identity.LambdaService, roleARN, sessionName)
	if err != nil {
		return nil, fmt.Errorf("role credentials: %w", err)
	}
	return p, nil
}

// Calls returns the log of API calls answered so far.
func (c *Cloud) Calls() *wire.CallLog { return c.server.Calls() }

// Clock returns the emulator clock.
func (c *Cloud) Clock() clock.Clock { return c.clock }

// ManualClock returns the emulator clock if it is a manual one (the default).
func (c *Cloud) ManualClock() (*clock.Manual, bool) {
	m, ok := c.clock.(*clock.Manual)
	return m, ok
}

// Org returns the organization model.
func (c *Cloud) Org() *org.Organization { return c.org }

// RegionOptStatus returns account's opt-in status of region now, by the
// emulator clock: what the Account Management API's GetRegionOptStatus
// answers, and, through org.Organization.RegionEnabled, whether calls and
// STS credentials work there. The error wraps org.ErrUnknownAccount or
// org.ErrNotOptInTarget.
func (c *Cloud) RegionOptStatus(account, region string) (org.RegionOptStatus, error) {
	st, err := c.org.RegionOptStatus(account, region, c.clock.Now())
	if err != nil {
		return "", fmt.Errorf("region opt-in status: %w", err)
	}
	return st, nil
}

// Identity returns the credential registry.
func (c *Cloud) Identity() *identity.Registry { return c.identity }

// Catalog returns the emulated Service Catalog.
func (c *Cloud) Catalog() *catalog.Catalog { return c.catalog }

// Topics returns the emulated SNS.
func (c *Cloud) Topics() *topics.Topics { return c.topics }

// Queues returns the emulated SQS.
func (c *Cloud) Queues() *queues.Queues { return c.queues }

// Functions returns the emulated Lambda functions.
func (c *Cloud) Functions() *lambdafn.Functions { return c.functions }

// RegisterFunction makes h the Lambda function name in the management
// account and home region, where Landfall's functions are deployed, so that
// Invoke calls on the emulator run it in-process. Registering a name again
// replaces its handler. It panics on an invalid name or a nil handler (see
// lambdafn.Functions.Register).
func (c *Cloud) RegisterFunction(name string, h lambda.Handler) {
	c.functions.Register(c.org.ManagementAccount(), c.org.HomeRegion(), name, h)
}

// RegisterFunctionIn is RegisterFunction in another account or region, with
// per-function options such as lambdafn.WithTimeout.
func (c *Cloud) RegisterFunctionIn(account, region, name string, h lambda.Handler, opts ...lambdafn.FunctionOption) {
	c.functions.Register(account, region, name, h, opts...)
}

// Stacks returns the emulated CloudFormation stacks.
func (c *Cloud) Stacks() *stacks.Stacks { return c.stacks }

// PutStack creates or updates the CloudFormation stack name with the given
// outputs in the management account and home region, where Landfall is
// deployed, so tools that read a deployment's stack outputs (landfall invoke)
// find it. It panics on an invalid stack name or output key (see
// stacks.Stacks.Put).
func (c *Cloud) PutStack(name string, outputs map[string]string) {
	c.stacks.Put(c.org.ManagementAccount(), c.org.HomeRegion(), name, outputs)
}

// Tables returns the emulated DynamoDB.
func (c *Cloud) Tables() *tables.Tables { return c.tables }

// Faults returns the fault rules, which tests may replace while the Cloud runs.
func (c *Cloud) Faults() *faults.Faults { return c.faults }

// Serve serves the emulator on l until ctx is done, then shuts down
// gracefully, letting in-flight calls finish for a few seconds.
func (c *Cloud) Serve(ctx context.Context, l net.Listener) error {
	return ServeHandler(ctx, l, c.server)
}

// ServeHandler serves h (the emulator's Handler, wrapped as a caller
// needs: `landfall local serve` guards it) on l until ctx is done, then shuts
// down gracefully.
func ServeHandler(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve local aws on %s: %w", l.Addr(), err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Connections a client opened but never used keep Shutdown waiting
		// out the grace period; they carry no call, so close them.
		if cerr := srv.Close(); cerr != nil {
			return fmt.Errorf("shut down local aws: %w", cerr)
		}
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve local aws on %s: %w", l.Addr(), err)
	}
	return nil
}
