package launch

import (
	"context"
	"encoding/json"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/manual"
)

// Audit outcome of an invocation still being acted on: the first record,
// written before anything is done.
const auditStarted = "started"

// newAudit is the first audit record of a manual invocation: the
// validated request, or the payload as sent when it is invalid.
func newAudit(requestID, hash string, req *manual.Request, derr error, raw []byte) *ledger.Request {
	a := &ledger.Request{RequestID: requestID, PayloadHash: hash, Payload: string(raw), Outcome: auditStarted}
	if derr != nil {
		a.Outcome, a.Error = OutcomeInvalid, derr.Error()
		return a
	}
	a.Kind, a.RequestedBy = string(req.Kind()), req.RequestedBy
	if b, err := json.Marshal(req); err == nil {
		a.Payload = string(b)
	}
	return a
}

// audited records what came of a manual invocation. The request was
// recorded before anything was done, so a failure here is logged, not
// returned: the operator's answer is the truth, the audit says "started".
func (h *Handler) audited(ctx context.Context, a *ledger.Request, resp *Response, err error) {
	switch {
	case err != nil:
		a.Outcome, a.Error = "error", err.Error()
	case resp != nil:
		a.Outcome, a.Message, a.Error = resp.Outcome, resp.Message, resp.Error
		a.Excluded = len(resp.Excluded)
		for _, q := range resp.Queued {
			a.Accounts, a.Runs, a.Targets = append(a.Accounts, q.Account), append(a.Runs, q.RunID), a.Targets+q.Targets
		}
		for _, r := range resp.DryRun {
			a.Accounts, a.Targets = append(a.Accounts, r.Account.ID), a.Targets+len(r.Targets)
		}
	}
	a.AccountCount, a.RunCount = len(a.Accounts), len(a.Runs)
	if werr := h.Ledger.RecordRequest(ctx, a); werr != nil {
		h.logger().ErrorContext(ctx, "the outcome of the manual invocation was not audited", "requestId", a.RequestID, "outcome", a.Outcome, "error", werr)
	}
}
