package launch

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/status"
)

// FleetStatus builds the fleet status report a drift check reads: the same
// report, by the same rules, as `landfall status` and the {"status": ...}
// payload. *status.Reporter implements it.
type FleetStatus interface {
	Run(ctx context.Context, req status.Request) (*status.Report, error)
}

var _ FleetStatus = (*status.Reporter)(nil)

// Outcomes of a drift check.
const (
	OutcomeDrift   = "drift"
	OutcomeNoDrift = "no-drift"
)

// maxRerunAccounts bounds the accounts a drift notification's re-run
// payload lists one by one; past it the payload repeats the check's own
// selection, with onlyMissing.
const maxRerunAccounts = 50

// handleDrift runs fleet status for the {"drift": ...} payload the drift
// schedule sends. It writes the drift metrics and logs the counts on every
// check, and publishes exactly one drift notification when a target is not
// OK (status.Report.Drift), none otherwise.
func (h *Handler) handleDrift(ctx context.Context, q *manual.StatusRequest) (*Response, error) {
	if h.Fleet == nil {
		return nil, errors.New("drift: not available in this function; use `landfall status`")
	}
	rep, err := h.Fleet.Run(ctx, statusRequest(q))
	var fe *plan.FilterError
	switch {
	case errors.As(err, &fe):
		return h.invalid(ctx, err), nil
	case err != nil:
		return nil, fmt.Errorf("drift check: %w", err)
	}
	info := driftInfo(rep, h)
	h.emitDrift(ctx, rep, info.DriftedAccounts)
	h.logger().InfoContext(ctx, "drift check", "drift", rep.Drift(), "accounts", rep.Accounts,
		"driftedAccounts", info.DriftedAccounts, "targets", rep.Targets, "summary", rep.Summary)
	if !rep.Drift() {
		return &Response{Outcome: OutcomeNoDrift, Message: fmt.Sprintf("no drift: %d targets in %d accounts are as the plan says", rep.Targets, rep.Accounts)}, nil
	}
	rerun, err := rerunPayload(q, rep)
	if err != nil {
		return nil, err
	}
	msg := notify.Drift(info, stateCounts(rep), rerun)
	if err := h.Notifier.Publish(ctx, msg); err != nil {
		return nil, fmt.Errorf("publish drift notification: %w", err)
	}
	return &Response{Outcome: OutcomeDrift, Message: msg.Doc.Message, Drift: &msg.Doc}, nil
}

func statusRequest(q *manual.StatusRequest) status.Request {
	return status.Request{
		Accounts: q.Accounts, OUs: q.OUs, Recursive: q.Recursive, All: q.All,
		Regions: q.Regions, Products: q.Products,
	}
}

// stateCounts are the report's targets per state, as strings.
func stateCounts(rep *status.Report) map[string]int {
	out := make(map[string]int, len(rep.Summary))
	for s, n := range rep.Summary {
		out[string(s)] = n
	}
	return out
}

// driftInfo groups the report's rows that are not OK by account, worst
// (most such targets, then lowest ID) first.
func driftInfo(rep *status.Report, h *Handler) notify.DriftInfo {
	byAccount := map[string]*notify.DriftAccount{}
	var drifted []*notify.DriftAccount
	for _, r := range rep.Rows {
		if !r.State.Drifted() {
			continue
		}
		a := byAccount[r.Account]
		if a == nil {
			a = &notify.DriftAccount{ID: r.Account, Name: r.AccountName, Counts: map[string]int{}}
			byAccount[r.Account] = a
			drifted = append(drifted, a)
		}
		a.NotOK++
		a.Counts[string(r.State)]++
	}
	slices.SortFunc(drifted, func(x, y *notify.DriftAccount) int {
		return cmp.Or(cmp.Compare(y.NotOK, x.NotOK), cmp.Compare(x.ID, y.ID))
	})
	info := notify.DriftInfo{
		Plan: rep.Plan, CheckedAt: h.now(), Accounts: rep.Accounts,
		DriftedAccounts: len(drifted), Targets: rep.Targets,
	}
	for _, a := range drifted[:min(len(drifted), notify.MaxDriftAccounts)] {
		info.Worst = append(info.Worst, *a)
	}
	return info
}

// rerunnable are the states an operator re-run with onlyMissing fixes: it
// provisions what is missing, provisions again what never provisioned,
// updates in place what a failed update tainted, and terminates what the
// plan's retire: terminate no longer wants (UNWANTED; the re-run names no
// products or regions, so it looks for retirement candidates). OUTDATED
// follows the plan's updatePolicy instead, and UNREACHABLE needs the role
// or region.
var rerunnable = []status.State{status.Missing, status.Failed, status.Tainted, status.Unwanted}

// rerunPayload is the manual payload that re-runs the rerunnable targets
// (nil when there is none): their accounts by ID, or the check's own
// selection past maxRerunAccounts, narrowed as the check was and with
// onlyMissing so nothing already as planned is touched.
func rerunPayload(q *manual.StatusRequest, rep *status.Report) (json.RawMessage, error) {
	var ids []string
	for _, r := range rep.Rows {
		if slices.Contains(rerunnable, r.State) && !slices.Contains(ids, r.Account) {
			ids = append(ids, r.Account)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	req := manual.Request{Regions: q.Regions, Products: q.Products, OnlyMissing: true}
	if len(ids) <= maxRerunAccounts {
		slices.Sort(ids)
		req.Accounts = ids
	} else {
		req.Accounts, req.OUs, req.Recursive, req.All = q.Accounts, q.OUs, q.Recursive, q.All
	}
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("drift: build the re-run payload: %w", err)
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("drift: encode the re-run payload: %w", err)
	}
	return b, nil
}

// emitDrift writes the check's drift metrics line; like emitInvocation, a
// refused line is logged, never failing the check.
func (h *Handler) emitDrift(ctx context.Context, rep *status.Report, driftedAccounts int) {
	line := metrics.DriftLine(h.now(), metrics.DriftFacts{
		Function:    metrics.FunctionName(metrics.DefaultLaunchFunction),
		Missing:     rep.Summary[status.Missing],
		Outdated:    rep.Summary[status.Outdated],
		Failed:      rep.Summary[status.Failed],
		Tainted:     rep.Summary[status.Tainted],
		Unreachable: rep.Summary[status.Unreachable],
		Accounts:    driftedAccounts,
	})
	if err := metrics.Write(ctx, h.logger(), line); err != nil {
		h.logger().ErrorContext(ctx, "drift metrics not written", "error", err)
	}
}
