package worker

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/runstate"
)

// rollUp adds a finished backfill run to its backfill's roll-up and, when
// it is the last, publishes the roll-up. It reports false for a run whose
// request gathers no roll-up (queued before roll-ups existed): that run
// tells its own story. An error hands the message back: the run is not
// finished in the ledger until its part of the roll-up is done, so the
// redelivery completes it.
func (h *Handler) rollUp(ctx context.Context, log *slog.Logger, run *runstate.Run) (bool, error) {
	wctx, cancel := h.sendContext(ctx)
	defer cancel()
	state, err := h.Ledger.Contribute(wctx, run)
	switch {
	case errors.Is(err, ledger.ErrNoRollUp):
		log.WarnContext(ctx, "the backfill gathers no roll-up; the run sends its own summary", "request", run.RequestID)
		return false, nil
	case err != nil:
		return false, err
	case state.MessageID != "" && state.Finished > state.Expected:
		// The roll-up went out before this run was queued (the launch
		// function was retried after it stopped queueing partway).
		log.WarnContext(ctx, "the backfill's roll-up went out before this run finished; it sends its own summary", "request", run.RequestID)
		return false, nil
	case !state.Complete() || state.MessageID != "":
		log.InfoContext(ctx, "run added to its backfill's roll-up", "request", run.RequestID, "finished", state.Finished, "of", state.Expected)
		return true, nil
	}
	return true, h.publishRollUp(ctx, log, run, state)
}

// publishRollUp tells a finished backfill's story once, under a claim as
// a run's summary is.
func (h *Handler) publishRollUp(ctx context.Context, log *slog.Logger, run *runstate.Run, state *ledger.RollUp) error {
	wctx, cancel := h.sendContext(ctx)
	defer cancel()
	claim, err := h.Ledger.ClaimRollUp(wctx, run.RequestID, run.RequestHash, attemptToken(ctx, run), claimLease)
	switch {
	case errors.Is(err, ledger.ErrFinished):
		return nil
	case err != nil:
		return err
	}
	msg := notify.RollUp(rollUpInput(state, run, h.now()))
	pubCtx, cancelPub := h.sendContext(ctx)
	defer cancelPub()
	messageID, err := h.Notifier.PublishSummary(pubCtx, msg)
	if err != nil {
		if rerr := h.Ledger.ReleaseRollUp(wctx, run.RequestID, run.RequestHash, claim); rerr != nil {
			log.WarnContext(ctx, "releasing the roll-up claim failed", "error", rerr)
		}
		return err
	}
	recCtx, cancelRec := h.sendContext(ctx)
	defer cancelRec()
	if err := h.Ledger.RecordRollUp(recCtx, run.RequestID, run.RequestHash, claim, messageID); err != nil {
		log.ErrorContext(ctx, "roll-up published but not recorded in the ledger", "messageId", messageID, "error", err)
	}
	log.InfoContext(ctx, "backfill finished; roll-up published", "request", run.RequestID, "runs", state.Expected, "subject", msg.Subject, "messageId", messageID)
	return nil
}

// rollUpInput is what the ledger gathered, as the roll-up renders it.
func rollUpInput(s *ledger.RollUp, run *runstate.Run, now time.Time) notify.RollUpInput {
	in := notify.RollUpInput{
		RequestID: s.RequestID, RequestedBy: cmp.Or(s.RequestedBy, run.RequestedBy), Trigger: string(run.Trigger),
		StartedAt: s.StartedAt, FinishedAt: now, Runs: s.Expected, Outcomes: s.Outcomes, Targets: s.Targets,
		DroppedFailures: s.DroppedFailures,
	}
	for _, f := range s.Failures {
		in.Failures = append(in.Failures, notify.RollUpFailure{Account: f.Account, AccountName: f.AccountName, Run: f.Run,
			Region: f.Region, Product: f.Product, Status: f.Status, Error: f.Error, Action: f.Action})
	}
	return in
}
