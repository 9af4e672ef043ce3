package provision

import (
	"context"
	"fmt"

	"github.com/landfall/landfall/internal/runstate"
)

// How a step ends when it cannot go on: deferred to a later step (bounded),
// retried, or failed with a message an operator can act on.

// deferTarget leaves a target pending for the next step, or fails it once the
// visibility deadline has passed: waiting for propagation is bounded.
func (s *targetStep) deferTarget(ctx context.Context, reason string) {
	t := s.t
	t.Waits++
	now := s.e.now()
	if t.WaitingSince.IsZero() {
		t.WaitingSince = now
	}
	if deadline := s.e.visibilityDeadline(); now.Sub(t.WaitingSince) >= deadline {
		s.fail(ctx, fmt.Sprintf("%s, still after %s: check the plan's product and portfolio for %s and that the portfolio is shared with the organization", reason, deadline, t.Region))
		return
	}
	t.Note = runstate.Clip("waiting: " + reason)
	s.log.InfoContext(ctx, "target deferred", "reason", reason, "waits", t.Waits)
}

func (s *targetStep) fail(ctx context.Context, msg string) {
	s.t.Status = runstate.Failed
	s.t.Error = runstate.Clip(msg)
	s.t.Note = ""
	s.log.WarnContext(ctx, "target failed", "error", msg)
}

// handle applies the error classification to a failed call.
func (s *targetStep) handle(ctx context.Context, op string, err error) {
	switch classify(err) {
	case classNotFound:
		s.deferTarget(ctx, op+": "+message(err))
	case classTransient, classState:
		s.t.Note = runstate.Clip("retrying: " + op + ": " + message(err))
		s.log.WarnContext(ctx, "transient error, retrying on the next step", "op", op, "error", message(err))
	case classUnreachable:
		s.fail(ctx, fmt.Sprintf("%s: region %s is not usable by account %s (%s); enable the opt-in region for the account or remove it from the plan", op, s.t.Region, s.run.Account.ID, message(err)))
	default:
		s.fail(ctx, op+": "+message(err))
	}
}
