// Package worker advances account runs delivered by the work queue: one step
// per message, then either a continuation (the run goes back on the queue with
// a delay while Service Catalog works) or the run's one summary notification.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/landfall/landfall/internal/membership"
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

// Notifier publishes a notification.
type Notifier interface {
	Publish(ctx context.Context, m notify.Message) error
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
	Queue    Queue
	Notifier Notifier
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

func (h *Handler) process(ctx context.Context, rec events.SQSMessage) error {
	run, err := runstate.Decode([]byte(rec.Body))
	if err != nil {
		// A message no worker can read (say, from a newer Landfall) must not
		// be lost: it fails, so SQS moves it to the dead-letter queue (whose
		// alarm fires) where it can be redriven once the right version runs.
		// The first delivery also reports it, with its body.
		h.logger().ErrorContext(ctx, "unreadable work message; it goes to the dead-letter queue", "messageId", rec.MessageId, "error", err)
		if rec.Attributes["ApproximateReceiveCount"] == "1" {
			if perr := h.Notifier.Publish(ctx, notify.InvalidEvent(rec.MessageId, err, []byte(rec.Body))); perr != nil {
				h.logger().ErrorContext(ctx, "reporting the unreadable message failed", "error", perr)
			}
		}
		return fmt.Errorf("unreadable work message %s: %w", rec.MessageId, err)
	}
	if held, err := h.holdUntilRelease(ctx, run); held {
		return err
	}
	ctx, tally := countStep(ctx)
	defer h.emitStep(ctx, tally)
	log := h.logger().With("run", run.ID, "account", run.Account.ID, "step", run.Step)
	// Whatever the step does, leave time to send the continuation: the step
	// gets a deadline short of the invocation's, and sending does not inherit it.
	stepCtx, cancel := stepContext(ctx)
	defer cancel()
	if !run.Complete() {
		if h.step(stepCtx, log, run, tally) {
			run.Idle = 0
		} else {
			run.Idle++
		}
	}
	if !run.Complete() {
		run.Step++
		// Look again when the earliest running record is due; the blind
		// backoff only while nothing runs or something waits to start.
		delay := h.Engine.NextLook(run, h.now(), workqueue.Backoff(run.Idle+1))
		log.InfoContext(ctx, "run continues", "delaySeconds", int(delay/time.Second), "counts", fmt.Sprint(run.Counts()))
		sendCtx, cancelSend := h.sendContext(ctx)
		defer cancelSend()
		return h.Queue.Send(sendCtx, run, delay)
	}
	return h.finish(ctx, log, run)
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

// step advances the run once and reports whether any target changed.
func (h *Handler) step(ctx context.Context, log *slog.Logger, run *runstate.Run, tally *stepTally) bool {
	now := h.now()
	age := now.Sub(run.StartedAt)
	if age > h.Plan.MaxRunAge {
		timeOut(run, h.Plan.MaxRunAge)
		log.WarnContext(ctx, "run outlived its maximum age", "maxRunAge", h.Plan.MaxRunAge.String())
		return true
	}
	if run.PlanHash != "" && run.PlanHash != h.Plan.Hash {
		run.AddNote("the plan changed while the run was in progress; later steps used the new plan")
	}
	if done, moved := h.admit(ctx, log, run); done {
		return moved
	}
	roleARN, cats, err := h.Accounts.Open(ctx, run.Account.ID, provision.SessionName(run.ID))
	if err != nil {
		deadline := h.RoleDeadline
		if deadline == 0 {
			deadline = DefaultRoleDeadline
		}
		switch {
		case provision.RoleNotAssumable(err) && age < deadline:
			tally.roleWaits++
			run.AddNote("the execution role could not be assumed at first (IAM propagation in a new account); Landfall waited and retried")
			log.WarnContext(ctx, "execution role not assumable yet; will retry", "error", provision.Message(err))
			return false
		case provision.Transient(err):
			// STS throttled or failed past the SDK's retries: the next step
			// tries again, bounded by the run's maximum age.
			log.WarnContext(ctx, "assuming the execution role failed transiently; will retry", "error", provision.Message(err))
			return false
		}
		msg := fmt.Sprintf("cannot assume the execution role: %s", provision.Message(err))
		if provision.RoleNotAssumable(err) {
			msg += fmt.Sprintf(" (still after %s; check that the role exists and trusts the management account)", deadline)
		}
		for i := range run.Targets {
			if t := &run.Targets[i]; !t.Status.Final() {
				t.Status, t.Error = runstate.Failed, msg
			}
		}
		log.ErrorContext(ctx, "run failed: role not assumable", "error", msg)
		return true
	}
	return h.Engine.Advance(ctx, run, roleARN, cats)
}

// admit checks that Landfall may still act in the run's account. It reports
// done when the step must go no further: the account is refused (every
// unfinished target fails, and the summary says why), or Organizations could
// not tell (the next step asks again, bounded by the run's maximum age).
func (h *Handler) admit(ctx context.Context, log *slog.Logger, run *runstate.Run) (done, moved bool) {
	err := h.Members.Check(ctx, run.Account.ID)
	if err == nil {
		return false, false
	}
	var refused *membership.Refusal
	if !errors.As(err, &refused) {
		log.WarnContext(ctx, "cannot confirm the account's membership; will retry", "error", err)
		return true, false
	}
	msg := "not attempted: Landfall will not act in this account: " + refused.Reason
	for i := range run.Targets {
		if t := &run.Targets[i]; !t.Status.Final() {
			t.Status, t.Error = runstate.Failed, msg
		}
	}
	run.AddNote("refused before assuming any role: " + refused.Reason)
	log.ErrorContext(ctx, "run refused: account not admitted", "reason", refused.Reason)
	return true, true
}

// timeOut ends every unfinished target of a run that outlived its maximum age.
func timeOut(run *runstate.Run, maxAge time.Duration) {
	for i := range run.Targets {
		t := &run.Targets[i]
		if t.Status.Final() {
			continue
		}
		was := string(t.Status)
		if t.RecordID != "" {
			was += " (record " + t.RecordID + ")"
		}
		if t.Note != "" {
			was += "; last: " + t.Note
		}
		t.Status = runstate.TimedOut
		t.Error = runstate.Clip(fmt.Sprintf("run exceeded its maximum age of %s while %s; check the record in the Service Catalog console, then re-run this target", maxAge, was))
	}
}

// maxPublishAttempts bounds requeueing a finished run whose summary cannot be
// published: after that the message fails, goes to the dead-letter queue and
// raises the alarm, instead of cycling silently.
const maxPublishAttempts = 5

// finish publishes the run's one summary. If publishing fails the completed
// run goes back on the queue, so a retry publishes this summary rather than
// re-running the targets and reporting them as already provisioned.
func (h *Handler) finish(ctx context.Context, log *slog.Logger, run *runstate.Run) error {
	if run.Trigger.Event() && run.Unchanged() && !h.Plan.Notifications.SendsUnchangedEventRuns() {
		// A replayed or duplicate event, or an update of an account that
		// has everything: logged and counted, nobody is told.
		h.emitRun(ctx, run)
		h.finished(run)
		log.InfoContext(ctx, "run finished; it changed nothing, so no summary (plan notifications.unchangedEventRuns: skip)",
			"outcome", run.Outcome(), "counts", fmt.Sprint(run.Counts()))
		return nil
	}
	msg := notify.FitRunSummary(run, h.now())
	pubCtx, cancelPub := h.sendContext(ctx)
	defer cancelPub()
	if err := h.Notifier.Publish(pubCtx, msg); err != nil {
		run.PublishAttempts++
		if run.PublishAttempts >= maxPublishAttempts {
			return fmt.Errorf("publish summary of run %s, attempt %d of %d: %w", run.ID, run.PublishAttempts, maxPublishAttempts, err)
		}
		log.ErrorContext(ctx, "publishing the summary failed; requeueing the finished run", "error", err, "attempt", run.PublishAttempts)
		// A slow SNS may have used the publish's time: the requeue gets its own.
		qctx, cancelQ := h.sendContext(ctx)
		defer cancelQ()
		if qerr := h.Queue.Send(qctx, run, 30*time.Second); qerr != nil {
			return fmt.Errorf("publish summary of run %s: %w (and requeue: %w)", run.ID, err, qerr)
		}
		return nil
	}
	h.emitRun(ctx, run)
	h.finished(run)
	log.InfoContext(ctx, "run finished", "outcome", run.Outcome(), "subject", msg.Subject)
	return nil
}

func (h *Handler) finished(run *runstate.Run) {
	if h.Finished != nil {
		h.Finished(run)
	}
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
