package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/runstate"
)

// maxPublishAttempts bounds requeueing a finished run whose summary cannot be
// published: after that the message fails, goes to the dead-letter queue and
// raises the alarm, instead of cycling silently.
const maxPublishAttempts = 5

// claimLease is how long a claim on a summary holds. It is longer than any
// publish takes (the publish has sendTimeout, with the SDK's retries inside
// it) and shorter than the work queue's visibility timeout (30 minutes), so
// a message redelivered after a crash between claiming and publishing finds
// the claim lapsed and publishes.
const claimLease = 5 * time.Minute

// finish publishes the run's one summary under a claim in the ledger. If
// publishing fails the claim is released and the completed run goes back on
// the queue, so a retry publishes this summary rather than re-running the
// targets and reporting them as already provisioned.
func (h *Handler) finish(ctx context.Context, log *slog.Logger, run *runstate.Run) error {
	quiet, err := h.quiet(ctx, log, run)
	if err != nil {
		return err
	}
	if quiet != "" {
		return h.finishQuietly(ctx, log, run, quiet)
	}
	return h.publishSummary(ctx, log, run)
}

// finishQuietly finishes a run that sends no summary of its own; why is
// the ledger's reason (ledger.SummarySkipped, ledger.SummaryRolledUp).
func (h *Handler) finishQuietly(ctx context.Context, log *slog.Logger, run *runstate.Run, why string) error {
	finCtx, cancelFin := h.sendContext(ctx)
	defer cancelFin()
	if err := h.Ledger.FinishWithoutSummary(finCtx, run, why); err != nil {
		return err
	}
	h.emitRun(ctx, run)
	h.finished(run)
	log.InfoContext(ctx, "run finished without a summary of its own", "why", why, "outcome", run.Outcome(), "counts", fmt.Sprint(run.Counts()))
	return nil
}

// publishSummary claims, publishes and records the run's summary.
func (h *Handler) publishSummary(ctx context.Context, log *slog.Logger, run *runstate.Run) error {
	claimCtx, cancelClaim := h.sendContext(ctx)
	defer cancelClaim()
	claim, err := h.Ledger.ClaimSummary(claimCtx, run.ID, attemptToken(ctx, run), claimLease)
	switch {
	case errors.Is(err, ledger.ErrFinished):
		log.InfoContext(ctx, "the summary is already published; repeated message acknowledged")
		return nil
	case err != nil:
		// ErrClaimed: another delivery is publishing. Hand the message
		// back: by its next delivery the run has finished, or the claim
		// has lapsed because the other worker died, and this one publishes.
		return err
	}
	msg := notify.FitRunSummary(run, h.now())
	pubCtx, cancelPub := h.sendContext(ctx)
	defer cancelPub()
	messageID, err := h.Notifier.PublishSummary(pubCtx, msg)
	if err != nil {
		return h.publishFailed(ctx, log, run, claim, err)
	}
	recCtx, cancelRec := h.sendContext(ctx)
	defer cancelRec()
	if err := h.Ledger.RecordSummary(recCtx, claim, run, messageID); err != nil {
		// The summary is out: handing the message back would publish it
		// again once the claim lapses. Acknowledge, and say so.
		log.ErrorContext(ctx, "summary published but not recorded in the ledger; the run shows RUNNING with a lapsed claim", "messageId", messageID, "error", err)
	}
	h.emitRun(ctx, run)
	h.finished(run)
	log.InfoContext(ctx, "run finished", "outcome", run.Outcome(), "subject", msg.Subject, "messageId", messageID)
	return nil
}

// quiet says why a finished run sends no summary of its own, or "" when
// it sends one:
//   - an event run that changed nothing (a replayed or duplicate event, an
//     update of an account that has everything), by the plan's
//     notifications.unchangedEventRuns: logged and counted, nobody is told;
//   - a backfill's run, by the plan's notifications.backfills: its story is
//     the backfill's roll-up, which it joins first (rollUp).
func (h *Handler) quiet(ctx context.Context, log *slog.Logger, run *runstate.Run) (string, error) {
	policy := h.Plan.Notifications
	if run.Trigger.Event() && run.Unchanged() && !policy.SendsUnchangedEventRuns() {
		return ledger.SummarySkipped, nil
	}
	if !ledger.RollsUp(run) || !policy.RollsUpBackfills() {
		return "", nil
	}
	rolled, err := h.rollUp(ctx, log, run)
	if err != nil || !rolled || policy.SendsBackfillRun(run.Outcome()) {
		return "", err
	}
	return ledger.SummaryRolledUp, nil
}

// publishFailed releases the claim and requeues the finished run, or fails
// the message once the attempts are spent.
func (h *Handler) publishFailed(ctx context.Context, log *slog.Logger, run *runstate.Run, claim *ledger.Claim, err error) error {
	relCtx, cancelRel := h.sendContext(ctx)
	defer cancelRel()
	if rerr := h.Ledger.ReleaseClaim(relCtx, claim); rerr != nil {
		// The claim lapses on its own after claimLease.
		log.WarnContext(ctx, "releasing the summary claim failed", "error", rerr)
	}
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

// attemptToken names this delivery's attempt at a ledger write (a step, a
// summary claim): the invocation's request ID where there is one, so the
// ledger says which invocation wrote, and the SDK's retry of a write whose
// answer was lost recognises its own.
func attemptToken(ctx context.Context, run *runstate.Run) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		return lc.AwsRequestID
	}
	return fmt.Sprintf("%s/%d/%d", run.ID, run.Step, time.Now().UnixNano())
}

func (h *Handler) finished(run *runstate.Run) {
	if h.Finished != nil {
		h.Finished(run)
	}
}
