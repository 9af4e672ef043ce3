// Package localrun runs Landfall end to end on the local AWS emulator: the
// real launch and worker handlers, wired by package app exactly as the Lambda
// mains wire them, invoked through aws-lambda-go's handler machinery, with the
// work queue drained the way Lambda's SQS event source would drain it and the
// emulator's clock fast-forwarded through SQS delays and provisioning time.
//
// It is the engine of `landfall local` and of the end-to-end tests.
package localrun

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/app/launchfn"
	"github.com/landfall/landfall/internal/app/workerfn"
	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/topics"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// Names of the queue, topic and run ledger the functions use in the emulated management account.
const (
	QueueName  = "landfall-work"
	DLQName    = "landfall-work-dlq"
	TopicName  = "landfall-notifications"
	LedgerName = "landfall-ledger"
)

// Payload is one invocation of the launch function.
type Payload struct {
	// Name labels the payload in output (a file name).
	Name string
	Body []byte
}

// Env is a running local Landfall: the emulator and the two handlers.
type Env struct {
	Cloud *localaws.Cloud
	// Clock is the emulator's manual clock; nil when it runs on a wall clock.
	Clock *clock.Manual
	clk   clock.Clock
	Plan  *plan.Plan
	// Config is the launch function's configuration.
	Config       config.Config
	workerConfig config.Config
	// AWS is the management account administrator's configuration, for
	// tests and tools observing the world.
	AWS                  aws.Config
	launchAWS, workerAWS aws.Config
	// launchOnFailure and asyncRetries model the launch function's
	// asynchronous invocation settings (InvokeLaunchAsync).
	launchOnFailure        string
	asyncRetries           int
	launchName, workerName string
	Launch                 *launch.Handler
	Worker                 lambda.Handler
	launchH                lambda.Handler
	sqs                    *sqs.Client
	log                    *slog.Logger
	opts                   app.Options
	start                  time.Time
	reqSeq                 atomic.Int64
	storyMu                sync.Mutex
	// untold holds the subjects of summaries published since the story last
	// told them (guarded by storyMu).
	untold []string
	// finished holds every run the worker finished, in order (guarded by
	// storyMu), for the report: runs that sent no summary included.
	finished []*runstate.Run
	// Story receives one line per thing that happened, for human output. Env
	// serialises the calls.
	Story func(format string, args ...any)
}

func (e *Env) story(format string, args ...any) {
	e.storyMu.Lock()
	defer e.storyMu.Unlock()
	e.Story(format, args...)
}

// New starts an emulator on world with a manual clock set to the world's
// start and wires the functions onto it with pl (see Attach). Logs of the
// functions go to logger (nil discards them).
func New(ctx context.Context, world *localaws.World, pl *plan.Plan, logger *slog.Logger) (*Env, error) {
	cloud, err := localaws.New(world, localaws.Options{Clock: clock.NewManual(world.Start)})
	if err != nil {
		return nil, fmt.Errorf("start local AWS: %w", err)
	}
	return Attach(ctx, cloud, pl, logger)
}

// Attach wires Landfall's functions onto a running emulator, as a deployment
// in its management account and home region: it creates the work queue, its
// dead-letter queue and the summary topic when the world lacks them, and
// runs both functions as the management account's administrator. With a
// manual clock, Drain runs the worker and fast-forwards time; on a wall clock
// (`landfall local serve`), Poll runs the worker as messages become visible.
func Attach(ctx context.Context, cloud *localaws.Cloud, pl *plan.Plan, logger *slog.Logger) (*Env, error) {
	return AttachWith(ctx, cloud, pl, Options{Logger: logger})
}

// Options configures AttachWith.
type Options struct {
	// Logger receives the functions' logs; nil discards them.
	Logger *slog.Logger
	// LaunchRole and WorkerRole are the credentials each function runs as,
	// as Lambda gives a function its execution role's session; nil means
	// the management account's administrator. The worker's also receive
	// and delete its queue's messages, as the SQS event source does with
	// the function's role.
	LaunchRole, WorkerRole aws.CredentialsProvider
	// Env is the functions' deployed environment (config.Load reads it),
	// e.g. from a synthesized template; nil creates the queue and topic and
	// uses Landfall's defaults. Both functions get the same environment
	// except for the keys in WorkerEnv.
	Env map[string]string
	// WorkerEnv overrides Env for the worker, where the template gives the
	// functions different values (their execution role names).
	WorkerEnv map[string]string
	// LaunchOnFailure is the ARN of the SQS queue asynchronous launch
	// invocations go to after their retries (InvokeLaunchAsync); empty
	// drops them, as Lambda does without a destination.
	LaunchOnFailure string
	// LaunchAsyncRetries is Lambda's MaximumRetryAttempts for the launch
	// function, 0-2; nil means Lambda's default, 2.
	LaunchAsyncRetries *int
	// LaunchName and WorkerName are the functions' names, for the ARNs
	// their invocations carry; empty means landfall-launch and
	// landfall-worker.
	LaunchName, WorkerName string
}

// AttachWith is Attach with the functions' roles and environment chosen.
func AttachWith(ctx context.Context, cloud *localaws.Cloud, pl *plan.Plan, o Options) (*Env, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	home := cloud.Org().HomeRegion()
	mgmt := cloud.Org().ManagementAccount()
	backoff := clock.NewBackoff(cloud.Clock(), app.RetryMaxBackoff, backoffSeed)
	awsCfg := functionConfig(cloud, home, nil, backoff)
	clk := cloud.Clock()
	manual, _ := cloud.ManualClock()
	e := &Env{Cloud: cloud, Clock: manual, clk: clk, Plan: pl, AWS: awsCfg, log: logger, start: clk.Now(), Story: func(string, ...any) {}}
	e.launchAWS, e.workerAWS = functionConfig(cloud, home, o.LaunchRole, backoff), functionConfig(cloud, home, o.WorkerRole, backoff)
	e.sqs = sqs.NewFromConfig(e.workerAWS)
	e.launchOnFailure, e.asyncRetries = o.LaunchOnFailure, 2
	if o.LaunchAsyncRetries != nil {
		e.asyncRetries = *o.LaunchAsyncRetries
	}
	e.launchName, e.workerName = cmp.Or(o.LaunchName, "landfall-launch"), cmp.Or(o.WorkerName, "landfall-worker")
	var err error
	if o.Env != nil {
		err = e.configure(o.Env, o.WorkerEnv)
		if err == nil {
			err = e.checkMapping(ctx)
		}
	} else {
		err = e.createResources(ctx, awsCfg)
	}
	if err != nil {
		return nil, err
	}
	e.opts = app.Options{Now: clk.Now, Logger: logger, ManagementAccount: mgmt}
	if manual != nil {
		// Waiting inside an invocation moves emulated time instead of real time.
		e.opts.Sleep = func(ctx context.Context, d time.Duration) error { manual.Advance(d); return ctx.Err() }
	}
	e.Replan(pl)
	return e, nil
}

// backoffSeed seeds the jitter of the functions' retry backoff: a local run
// waits the same emulated time on every replay.
const backoffSeed = 1

// functionConfig is a function's SDK configuration: the deployed functions'
// attempts and backoff cap (app.RetryMaxAttempts, app.RetryMaxBackoff), the
// SDK's exponential-jitter backoff waited on the emulator clock (on a manual
// clock it moves the clock and sleeps no real time, so a throttle bucket
// refills between attempts as it would in AWS), and no retry quota, as the
// emulator's own clients (Cloud.Config) have none.
func functionConfig(cloud *localaws.Cloud, region string, creds aws.CredentialsProvider, backoff retry.BackoffDelayer) aws.Config {
	cfg := cloud.Config(region, creds)
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = app.RetryMaxAttempts
			o.MaxBackoff = app.RetryMaxBackoff
			o.Backoff = backoff
			o.RateLimiter = ratelimit.None
		})
	}
	return cfg
}

// createResources makes the queue, topic and ledger a deployment would have, as the
// administrator, and the default configuration pointing at them.
func (e *Env) createResources(ctx context.Context, admin aws.Config) error {
	queueURL, err := ensureQueue(ctx, sqs.NewFromConfig(admin))
	if err != nil {
		return err
	}
	topic, err := sns.NewFromConfig(admin).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(TopicName)})
	if err != nil {
		return fmt.Errorf("create topic %s: %w", TopicName, err)
	}
	if err := ledger.CreateTable(ctx, dynamodb.NewFromConfig(admin), LedgerName); err != nil {
		return err
	}
	e.Config = config.Config{
		QueueURL: queueURL, TopicARN: aws.ToString(topic.TopicArn), LedgerTable: LedgerName,
		RunRetentionDays:  config.DefaultRunRetentionDays,
		WorkerConcurrency: 5, TargetConcurrency: 8, LogLevel: slog.LevelInfo,
	}
	e.workerConfig = e.Config
	return nil
}

// checkMapping does what Lambda does when the worker's event source mapping
// is created: it reads the queue's attributes with the function's role, and
// refuses the mapping if it cannot.
func (e *Env) checkMapping(ctx context.Context) error {
	_, err := e.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(e.workerConfig.QueueURL), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return fmt.Errorf("create the worker's event source mapping: %w", err)
	}
	return nil
}

// configure loads both functions' configuration from their environment, as
// their mains do. The plan file is the one the Env runs with, wherever the
// environment says the layer put it.
func (e *Env) configure(env, workerEnv map[string]string) error {
	load := func(vars map[string]string) (config.Config, error) {
		return config.Load(func(k string) string {
			if k == config.EnvPlanFile {
				return "-"
			}
			return vars[k]
		})
	}
	var err error
	if e.Config, err = load(env); err != nil {
		return fmt.Errorf("launch function environment: %w", err)
	}
	merged := maps.Clone(env)
	maps.Copy(merged, workerEnv)
	if e.workerConfig, err = load(merged); err != nil {
		return fmt.Errorf("worker function environment: %w", err)
	}
	return nil
}

// Replan rewires both functions with another plan, as a deployment of a
// changed plan would, keeping the emulated world and anything queued.
func (e *Env) Replan(pl *plan.Plan) {
	e.Plan = pl
	e.Config.PlanFile, e.workerConfig.PlanFile = pl.Source, pl.Source
	e.Launch = launchfn.New(e.launchAWS, e.Config, pl, e.opts)
	e.Launch.Notifier = toldNotifier{app.Notifier(e.launchAWS, e.Config, e.opts), e}
	e.launchH = perInvocation{e.Launch.Handle}
	w := workerfn.New(e.workerAWS, e.workerConfig, pl, e.opts)
	w.Notifier = toldNotifier{app.Notifier(e.workerAWS, e.workerConfig, e.opts), e}
	w.Finished = e.recordRun
	e.Worker = perInvocation{w.Handle}
}

// recordRun keeps a finished run for the report, and tells the story of one
// that sent no summary (the plan's notification policy).
func (e *Env) recordRun(r *runstate.Run) {
	e.storyMu.Lock()
	defer e.storyMu.Unlock()
	e.finished = append(e.finished, r) // the worker is done with it
}

// Finished returns the runs the worker has finished, in order, whether or
// not they sent a summary.
func (e *Env) Finished() []*runstate.Run {
	e.storyMu.Lock()
	defer e.storyMu.Unlock()
	return slices.Clone(e.finished)
}

// toldNotifier keeps the subject of every summary the topic accepted for the
// story, so telling them costs one line each, not a re-read of the topic.
type toldNotifier struct {
	next *notify.Notifier
	e    *Env
}

func (n toldNotifier) Publish(ctx context.Context, m notify.Message) error {
	_, err := n.PublishSummary(ctx, m)
	return err
}

func (n toldNotifier) PublishSummary(ctx context.Context, m notify.Message) (string, error) {
	id, err := n.next.PublishSummary(ctx, m)
	if err != nil {
		return "", err
	}
	n.e.storyMu.Lock()
	defer n.e.storyMu.Unlock()
	n.e.untold = append(n.e.untold, m.Subject)
	return id, nil
}

// ensureQueue creates the work queue and its DLQ when the world lacks them
// (CreateQueue is idempotent), as the CDK stack would.
func ensureQueue(ctx context.Context, api *sqs.Client) (string, error) {
	dlq, err := api.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(DLQName)})
	if err != nil {
		return "", fmt.Errorf("create queue %s: %w", DLQName, err)
	}
	attrs, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return "", fmt.Errorf("read %s ARN: %w", DLQName, err)
	}
	existing, err := api.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(QueueName)})
	if err == nil {
		return aws.ToString(existing.QueueUrl), nil
	}
	redrive := fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":5}`, attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)])
	q, err := api.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(QueueName), Attributes: map[string]string{
		"VisibilityTimeout": "1800", "RedrivePolicy": redrive,
	}})
	if err != nil {
		return "", fmt.Errorf("create queue %s: %w", QueueName, err)
	}
	return aws.ToString(q.QueueUrl), nil
}

func (e *Env) since() string {
	d := e.clk.Now().Sub(e.start).Round(time.Second)
	return fmt.Sprintf("T+%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

func (e *Env) lambdaContext(ctx context.Context, function string) context.Context {
	seq := e.reqSeq.Add(1)
	return lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
		AwsRequestID:       fmt.Sprintf("%08d-0000-4000-8000-%012d", seq, seq),
		InvokedFunctionArn: e.functionARN(function),
	})
}

func (e *Env) functionARN(name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", e.AWS.Region, e.Launch.ManagementAccount, name)
}

func (e *Env) launchARN() string { return e.functionARN(e.launchName) }

// Invocation is one launch invocation's result.
type Invocation struct {
	Name     string           `json:"name"`
	Response *launch.Response `json:"response,omitempty"`
	Error    string           `json:"error,omitempty"`
}

// InvokeLaunch delivers one payload to the launch function.
func (e *Env) InvokeLaunch(ctx context.Context, p Payload) Invocation {
	out, err := e.launchH.Invoke(e.lambdaContext(ctx, e.launchName), p.Body)
	inv := Invocation{Name: p.Name}
	if err != nil {
		inv.Error = err.Error()
		e.story("%s launch <- %s: error: %v", e.since(), p.Name, err)
		return inv
	}
	var resp launch.Response
	if err := json.Unmarshal(out, &resp); err != nil {
		inv.Error = fmt.Sprintf("decode launch response: %v", err)
		return inv
	}
	inv.Response = &resp
	said := resp.Message
	if said == "" {
		said = resp.Outcome
	}
	if resp.Error != "" {
		said += ": " + resp.Error
	}
	e.story("%s launch <- %s: %s", e.since(), p.Name, said)
	defer e.tellNotifications()
	if len(resp.Queued) > 1 {
		for _, q := range resp.Queued {
			e.story("           queued run %s for %s (%s): %d targets", q.RunID, q.AccountName, q.Account, q.Targets)
		}
	}
	return inv
}

// maxDeliveries bounds a drain: far more than any plan needs (a 2-hour run
// takes about a dozen steps per account), so hitting it means a bug.
const maxDeliveries = 100000

// Drain runs the worker on every queued message until the queue is empty,
// moving the clock to the next delayed message whenever none is visible.
func (e *Env) Drain(ctx context.Context) error { return e.DrainConcurrently(ctx, 1) }

// DrainConcurrently is Drain with up to parallel worker invocations at once,
// as Lambda runs several workers on a busy queue. Like Lambda's poller, it
// receives up to parallel messages at a time and hands each to the next
// free invocation, without waiting for a whole batch to finish; the clock
// moves only when no invocation is running and no message is visible.
func (e *Env) DrainConcurrently(ctx context.Context, parallel int) error {
	parallel = max(parallel, 1)
	done := make(chan error, parallel)
	var received []sqstypes.Message
	running, deliveries := 0, 0
	var failed error
	for {
		for failed == nil && running < parallel && deliveries < maxDeliveries {
			if len(received) == 0 {
				if running > 0 && !e.Cloud.Queues().HasVisible(e.Config.QueueURL) {
					break // wait for a running invocation rather than poll for nothing
				}
				if received, failed = e.receive(ctx, parallel); failed != nil || len(received) == 0 {
					break
				}
			}
			m := received[0]
			received = received[1:]
			running++
			deliveries++
			if parallel == 1 {
				// Drain delivers on this goroutine: a fresh one per delivery
				// would grow its stack through the SDK's middleware again.
				done <- e.deliver(ctx, m)
				continue
			}
			go func() { done <- e.deliver(ctx, m) }()
		}
		if running > 0 {
			if err := <-done; err != nil && failed == nil {
				failed = err
			}
			running--
			continue
		}
		switch {
		case failed != nil:
			return failed
		case deliveries >= maxDeliveries:
			return fmt.Errorf("drain: gave up after %d deliveries; the queue never emptied", maxDeliveries)
		}
		if more, err := e.advanceToNextMessage(); !more || err != nil {
			return err
		}
	}
}

// advanceToNextMessage moves the clock to when the next delayed message
// becomes visible; it reports false when the queue holds none.
func (e *Env) advanceToNextMessage() (bool, error) {
	next, ok := e.Cloud.Queues().NextVisibleAt(e.Config.QueueURL)
	if !ok {
		return false, nil
	}
	if e.Clock == nil {
		return false, errors.New("drain: the emulator runs on a wall clock; use Poll")
	}
	e.Clock.AdvanceTo(next)
	return true, nil
}

// Poll runs the worker on the work queue until ctx ends, as Lambda's SQS
// event source would: up to WorkerConcurrency messages at a time, checking
// again every interval when the queue has nothing visible.
func (e *Env) Poll(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := e.receiveAndDeliver(ctx, e.Config.WorkerConcurrency)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if n > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// receiveAndDeliver receives up to parallel visible messages and runs the
// worker on each at once, as the SQS event source does; it returns how many
// it delivered.
func (e *Env) receiveAndDeliver(ctx context.Context, parallel int) (int, error) {
	msgs, err := e.receive(ctx, parallel)
	if err != nil {
		return 0, err
	}
	if len(msgs) == 1 {
		// One message (Drain) is delivered on this goroutine: a fresh one
		// per delivery would grow its stack through the SDK's middleware
		// again every time.
		return 1, e.deliver(ctx, msgs[0])
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, m := range msgs {
		g.Go(func() error { return e.deliver(gctx, m) })
	}
	return len(msgs), g.Wait()
}

// receive receives up to n (at most 10) visible messages from the work queue.
func (e *Env) receive(ctx context.Context, n int) ([]sqstypes.Message, error) {
	out, err := e.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(e.Config.QueueURL),
		MaxNumberOfMessages:         int32(min(max(n, 1), 10)),
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		return nil, fmt.Errorf("receive from work queue: %w", err)
	}
	return out.Messages, nil
}

// DeliverNext runs the worker on the next visible message, if there is one,
// without moving the clock: a test can act between two worker steps.
func (e *Env) DeliverNext(ctx context.Context) (bool, error) {
	n, err := e.receiveAndDeliver(ctx, 1)
	return n > 0, err
}

// LaunchHandler is the launch function as aws-lambda-go's handler machinery
// runs it, for registering with the emulated Lambda service.
func (e *Env) LaunchHandler() lambda.Handler { return e.launchH }

// deliver invokes the worker with one message (batch size 1, as deployed)
// and deletes it unless the worker reported it as a batch item failure.
func (e *Env) deliver(ctx context.Context, m sqstypes.Message) error {
	if run, err := runstate.Decode([]byte(aws.ToString(m.Body))); err == nil {
		e.story("%s worker: run %s step %d: %s", e.since(), run.ID, run.Step, phrase(run))
	}
	ev := events.SQSEvent{Records: []events.SQSMessage{{
		MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
		Attributes: m.Attributes, EventSource: "aws:sqs", AWSRegion: e.AWS.Region,
		EventSourceARN: queueARN(e.Config.QueueURL),
	}}}
	payload, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode SQS event: %w", err)
	}
	out, err := e.Worker.Invoke(e.lambdaContext(ctx, e.workerName), payload)
	if err != nil {
		// A function error: Lambda would leave the message to reappear after
		// the visibility timeout, and the DLQ catches it in the end.
		e.story("%s worker: function error: %v", e.since(), err)
		return nil
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return fmt.Errorf("decode worker response: %w", err)
	}
	if len(resp.BatchItemFailures) > 0 {
		e.story("%s worker: message %s failed; it will be redelivered", e.since(), aws.ToString(m.MessageId))
		return nil
	}
	e.deleteDelivered(ctx, m)
	e.tellNotifications()
	return nil
}

// tellNotifications adds the subject of every summary published since the
// last call to the story. It tells only those (the topic is not read again),
// so a backfill's story costs time linear in its summaries, and forgets them
// once told.
func (e *Env) tellNotifications() {
	e.storyMu.Lock()
	defer e.storyMu.Unlock()
	for _, subject := range e.untold {
		e.Story("%s SNS <- %s", e.since(), subject)
	}
	clear(e.untold)
	e.untold = e.untold[:0]
}

func phrase(r *runstate.Run) string {
	c := r.Counts()
	s := ""
	for _, st := range []runstate.Status{runstate.Pending, runstate.InProgress, runstate.Succeeded, runstate.AlreadyProvisioned, runstate.Outdated, runstate.Failed, runstate.Skipped, runstate.TimedOut} {
		if c[st] > 0 {
			if s != "" {
				s += ", "
			}
			s += strconv.Itoa(c[st]) + " " + string(st)
		}
	}
	return s
}

// Notification is a message the summary topic received, as subscribers see it.
type Notification struct {
	Subject string `json:"subject"`
	// Message is what an email subscriber reads.
	Message string `json:"message"`
	// Document is what sqs/lambda/https subscribers receive.
	Document   notify.Document   `json:"document"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Notifications returns every message published to the summary topic, in order.
func (e *Env) Notifications() ([]Notification, error) {
	var out []Notification
	for _, m := range e.Cloud.Topics().Messages(e.Config.TopicARN) {
		n := Notification{Subject: m.Subject, Message: topics.Delivered(m, "email"), Attributes: map[string]string{}}
		if err := json.Unmarshal([]byte(topics.Delivered(m, "sqs")), &n.Document); err != nil {
			return nil, fmt.Errorf("notification %q: machine-readable form is not JSON: %w", m.Subject, err)
		}
		for k, v := range m.Attributes {
			n.Attributes[k] = v.Value
		}
		out = append(out, n)
	}
	return out, nil
}

// ErrNoPayloads is returned by Run without payloads.
var ErrNoPayloads = errors.New("no payloads: give at least one --event")

// queueARN is the ARN of the queue at an SQS queue URL
// (https://sqs.<region>.amazonaws.com/<account>/<name>), as the event source
// names it in each record.
func queueARN(queueURL string) string {
	u, err := url.Parse(queueURL)
	if err != nil {
		return ""
	}
	host := strings.Split(u.Host, ".")
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(host) < 2 || len(parts) != 2 {
		return ""
	}
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", host[1], parts[0], parts[1])
}
