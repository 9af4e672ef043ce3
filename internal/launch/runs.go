package launch

import (
	"context"
	"errors"
	"fmt"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/manual"
)

// handleLedger answers the operator's questions about runs ({"runs": ...},
// {"run": ID}) and cancels one ({"cancel": ID}).
func (h *Handler) handleLedger(ctx context.Context, req *manual.Request) (*Response, error) {
	switch req.Kind() {
	case manual.KindRuns:
		recs, err := h.Ledger.List(ctx, req.Runs.Filter(h.now()))
		if err != nil {
			return nil, err
		}
		return &Response{Outcome: OutcomeRuns, Runs: recs, Message: fmt.Sprintf("%d run(s)", len(recs))}, nil
	case manual.KindRun:
		rec, err := h.Ledger.Get(ctx, req.Run)
		if errors.Is(err, ledger.ErrNotFound) {
			return h.invalid(ctx, notInLedger("run", req.Run)), nil
		}
		if err != nil {
			return nil, err
		}
		return &Response{Outcome: OutcomeRun, Run: rec}, nil
	}
	rec, err := h.Ledger.Cancel(ctx, req.Cancel, req.RequestedBy)
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		return h.invalid(ctx, notInLedger("cancel", req.Cancel)), nil
	case errors.Is(err, ledger.ErrNotCancellable):
		return h.invalid(ctx, fmt.Errorf("cancel: %w", err)), nil
	case err != nil:
		return nil, err
	}
	h.logger().WarnContext(ctx, "run cancellation requested", "run", rec.RunID, "account", rec.Account, "requestedBy", req.RequestedBy)
	return &Response{Outcome: OutcomeCancelRequested, Run: rec,
		Message: fmt.Sprintf("run %s stops at its next step (within 15 minutes): what is left becomes CANCELLED and one summary goes out", rec.RunID)}, nil
}

// notInLedger refuses a run ID the ledger does not have, naming the
// payload's field.
func notInLedger(field, id string) error {
	return fmt.Errorf("%s: %q is not in the ledger (finished runs leave it after the retention period); list runs with {\"runs\": {}}", field, id)
}
