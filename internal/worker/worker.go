// Package worker advances account runs delivered by the work queue: one step
// per message, then either a continuation (the run goes back on the queue with
// a delay while Service Catalog works) or the run's one summary notification.
//
// The run ledger (package ledger) makes each step and the summary happen
// once however often SQS delivers a message: a step is recorded with a
// compare-and-set on the ledger's step number before its continuation is
// sent, and the summary is published under a claim (ledger.ClaimSummary).
package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/runstate"
	"github.com/landfall/landfall/internal/workqueue"
)

// Accounts opens a member account as the execution role;
// *provision.Sessions implements it.
type Accounts interface {
	// Open assumes the execution role in account and returns its ARN and
	// per-region Service Catalog clients. It fails if the role cannot be assumed.
	Open(ctx context.Context, account, sessionName string) (roleARN string, cats provision.Catalogs, err error)
}

// Members decides whether Landfall may act in an account;
// *membership.Checker implements it. A *membership.Refusal says it may not.
type Members interface {
	Check(ctx context.Context, account string) error
}

// Queue sends a run back to the work queue.
type Queue interface {
	Send(ctx context.Context, run *runstate.Run, delay time.Duration) error
}

// Notifier publishes notifications; *notify.Notifier implements it.
type Notifier interface {
	// Publish sends a notification that is not a run's summary.
	Publish(ctx context.Context, m notify.Message) error
	// PublishSummary sends a run's summary and returns its SNS message ID.
	PublishSummary(ctx context.Context, m notify.Message) (string, error)
}

// Ledger is the run ledger as the worker uses it; *ledger.Ledger implements it.
type Ledger interface {
	Get(ctx context.Context, runID string) (*ledger.Record, error)
	Adopt(ctx context.Context, run *runstate.Run) (*ledger.Record, error)
	Advance(ctx context.Context, run *runstate.Run, from int, token string) error
	MarkSent(ctx context.Context, runID string, step int) error
	ClaimSummary(ctx context.Context, runID, token string, lease time.Duration) (*ledger.Claim, error)
	ReleaseClaim(ctx context.Context, c *ledger.Claim) error
	RecordSummary(ctx context.Context, c *ledger.Claim, run *runstate.Run, messageID string) error
	FinishWithoutSummary(ctx context.Context, run *runstate.Run, summary string) error
	Observe(ctx context.Context, region, product string, d time.Duration) error
	Contribute(ctx context.Context, run *runstate.Run) (*ledger.RollUp, error)
	ClaimRollUp(ctx context.Context, requestID, hash, token string, lease time.Duration) (*ledger.Claim, error)
	ReleaseRollUp(ctx context.Context, requestID, hash string, c *ledger.Claim) error
	RecordRollUp(ctx context.Context, requestID, hash string, c *ledger.Claim, messageID string) error
}

// DefaultRoleDeadline is how long after a run starts Landfall keeps trying to
// assume the execution role: in a brand-new account IAM can take minutes to
// let the management account in.
const DefaultRoleDeadline = 30 * time.Minute

// Handler is the worker function.
type Handler struct {
	Plan   *plan.Plan
	Engine *provision.Engine
	// Members is asked before any role is assumed: a queued message may be
	// stale (the account was suspended or left) or injected.
	Members  Members
	Accounts Accounts
	// Regions opens the Account Management API in a member account as the
	// execution role (the session Accounts opened), for the opt-in gate
	// (optin.go); nil leaves the gate out.
	Regions  func(account, sessionName string) RegionOpt
	Queue    Queue
	Notifier Notifier
	// Ledger records each step and the summary, so that a message SQS
	// delivers twice advances the run once and tells its story once.
	Ledger Ledger
	// Durations, when set, is refreshed before each step: the engine's
	// Observed reads it.
	Durations *Durations
	// RoleDeadline bounds waiting for the execution role; zero means DefaultRoleDeadline.
	RoleDeadline time.Duration
	// SendTimeout bounds each send to SQS or SNS; zero means 10 s.
	SendTimeout time.Duration
	// Now tells the time; the local driver uses the emulator's clock.
	Now    func() time.Time
	Logger *slog.Logger
	// Finished, when set, is told every run that finishes, once its summary
	// is published or the plan says none is sent: the local driver reports
	// runs from it, including the ones nobody is told about.
	Finished func(*runstate.Run)
}

// logger returns the handler's logger; a nil Logger discards.
func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Handle processes a batch. A message whose step failed for a transient
// reason (queue or topic unavailable) is reported as a batch item failure so
// SQS redelivers it; everything else is acknowledged.
func (h *Handler) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	var resp events.SQSEventResponse
	for _, rec := range ev.Records {
		if err := h.process(ctx, rec); err != nil {
			h.logger().ErrorContext(ctx, "step failed; message will be redelivered", "messageId", rec.MessageId, "error", err)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
		}
	}
	return resp, nil
}

func (h *Handler) process(ctx context.Context, msg events.SQSMessage) error {
	run, err := runstate.Decode([]byte(msg.Body))
	if err != nil {
		return h.unreadable(ctx, msg, err)
	}
	log := h.logger().With("run", run.ID, "account", run.Account.ID, "step", run.Step)
	rec, err := h.ledgerRecord(ctx, run)
	if err != nil {
		// Fail closed: without the ledger a step could run twice or a
		// summary go out twice. The message comes back, and after
		// maxReceiveCount tries waits in the dead-letter queue.
		return err
	}
	switch {
	case rec.Finished():
		log.InfoContext(ctx, "the run has finished; a stale or repeated message is acknowledged", "outcome", rec.Outcome)
		return nil
	case run.Step < rec.Step:
		return h.resume(ctx, log, rec)
	case rec.CancelRequested:
		cancelRun(run, rec, h.now())
		log.WarnContext(ctx, "run cancelled by an operator", "cancelledBy", rec.CancelledBy)
		return h.record(ctx, log, run, rec.Step)
	}
	if held, err := h.holdUntilRelease(ctx, run); held {
		return err
	}
	return h.advance(ctx, log, run, rec.Step)
}

// unreadable fails a message no worker can read (say, from a newer
// Landfall), so that SQS moves it to the dead-letter queue (whose alarm
// fires) where it can be redriven once the right version runs. The first
// delivery also reports it, with its body.
func (h *Handler) unreadable(ctx context.Context, msg events.SQSMessage, err error) error {
	h.logger().ErrorContext(ctx, "unreadable work message; it goes to the dead-letter queue", "messageId", msg.MessageId, "error", err)
	if msg.Attributes["ApproximateReceiveCount"] == "1" {
		if perr := h.Notifier.Publish(ctx, notify.InvalidEvent(msg.MessageId, err, []byte(msg.Body))); perr != nil {
			h.logger().ErrorContext(ctx, "reporting the unreadable message failed", "error", perr)
		}
	}
	return fmt.Errorf("unreadable work message %s: %w", msg.MessageId, err)
}

// advance takes one step of the run and records it in the ledger, from
// the ledger's step from, then sends it on or finishes it.
func (h *Handler) advance(ctx context.Context, log *slog.Logger, run *runstate.Run, from int) error {
	ctx, tally := countStep(ctx)
	defer h.emitStep(ctx, tally)
	// Whatever the step does, leave time to send the continuation: the step
	// gets a deadline short of the invocation's, and sending does not inherit it.
	stepCtx, cancel := stepContext(ctx)
	defer cancel()
	if !run.Complete() {
		if h.Durations != nil {
			h.Durations.Refresh(stepCtx, log)
		}
		before := snapshot(run)
		if h.step(stepCtx, log, run, tally) {
			run.Idle = 0
		} else {
			run.Idle++
		}
		h.history(ctx, log, run, before)
	}
	return h.record(ctx, log, run, from)
}

// record writes the step to the ledger, if no other delivery did first,
// then finishes the run or sends it on.
func (h *Handler) record(ctx context.Context, log *slog.Logger, run *runstate.Run, from int) error {
	run.Step = from + 1
	// Like a send, the record keeps the run alive: it gets its own time.
	recCtx, cancel := h.sendContext(ctx)
	defer cancel()
	if err := h.Ledger.Advance(recCtx, run, from, attemptToken(ctx, run)); err != nil {
		return h.lostRace(ctx, log, err)
	}
	if run.Complete() {
		return h.finish(ctx, log, run)
	}
	return h.sendOn(ctx, log, run)
}

// sendOn queues the run's next step and records that it is queued.
func (h *Handler) sendOn(ctx context.Context, log *slog.Logger, run *runstate.Run) error {
	// Look again when the earliest running record is due; the blind
	// backoff only while nothing runs or something waits to start.
	delay := h.nextLook(run) // optin.go: the engine's NextLook, and opt-in regions being enabled
	log.InfoContext(ctx, "run continues", "delaySeconds", int(delay/time.Second), "counts", fmt.Sprint(run.Counts()))
	sendCtx, cancelSend := h.sendContext(ctx)
	defer cancelSend()
	if err := h.Queue.Send(sendCtx, run, delay); err != nil {
		// The ledger has the step; the redelivered message finds the
		// continuation unsent and sends it from the ledger (resume).
		return err
	}
	if err := h.Ledger.MarkSent(sendCtx, run.ID, run.Step); err != nil {
		// Harmless: a repeat of this message would queue the step again,
		// and the ledger lets only one of the two go on.
		log.WarnContext(ctx, "the ledger did not record the continuation as sent", "error", err)
	}
	return nil
}

// sendContext bounds one send (a continuation, a summary, a requeue). It does
// not inherit the invocation's cancellation: the step before it may have used
// its own time up, and the send is what keeps the run alive.
func (h *Handler) sendContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d := h.SendTimeout
	if d == 0 {
		d = sendTimeout
	}
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}

// Step timing: the step ends stepMargin before the invocation's deadline;
// then each send (the continuation, or the summary and, if that fails, the
// requeue) has sendTimeout of its own.
const (
	stepMargin  = 25 * time.Second
	sendTimeout = 10 * time.Second
)

func stepContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok {
		return context.WithDeadline(ctx, dl.Add(-stepMargin))
	}
	return context.WithCancel(ctx)
}

// holdUntilRelease puts a run back on the queue while its release
// (NotBefore: a backfill's later waves, beyond what one SQS delay reaches)
// is ahead, for at most SQS's longest delay, and reports whether it did. A
// held run takes no step: nothing is counted, checked or assumed.
func (h *Handler) holdUntilRelease(ctx context.Context, run *runstate.Run) (bool, error) {
	wait := run.NotBefore.Sub(h.now())
	if run.NotBefore.IsZero() || wait <= 0 {
		return false, nil
	}
	// Whole seconds, rounded up: SQS counts in seconds, and early is a wasted delivery.
	delay := min((wait + time.Second - 1).Truncate(time.Second), workqueue.MaxDelay)
	h.logger().InfoContext(ctx, "run not released yet; put back", "run", run.ID, "account", run.Account.ID,
		"notBefore", run.NotBefore.Format(time.RFC3339), "delaySeconds", int(delay/time.Second))
	sendCtx, cancel := h.sendContext(ctx)
	defer cancel()
	return true, h.Queue.Send(sendCtx, run, delay)
}

var _ Accounts = (*provision.Sessions)(nil)
