package launch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
	"github.com/landfall/landfall/internal/workqueue"
)

// StatusReporter answers fleet-status requests.
type StatusReporter interface {
	Report(ctx context.Context, req *manual.StatusRequest) (any, error)
}

// dryRunConcurrency bounds accounts resolved at once in a dry run (each
// assumes a role and describes products in every region).
const dryRunConcurrency = 8

// spreadInterval separates the waves of a backfill: WorkerConcurrency runs
// become visible every interval, so a thousand-account backfill does not land
// on Service Catalog and STS at once.
const spreadInterval = 15 * time.Second

// handleManual answers a manual payload. Every one is audited in the
// ledger before anything is done (an invocation the ledger cannot record
// does nothing and fails, to be retried), and its outcome after.
func (h *Handler) handleManual(ctx context.Context, raw []byte) (*Response, error) {
	requestID, hash := invocation(ctx, raw, h.now())
	req, derr := manual.Decode(raw)
	audit := newAudit(requestID, hash, req, derr, raw)
	if err := h.Ledger.RecordRequest(ctx, audit); err != nil {
		return nil, fmt.Errorf("audit the manual invocation before acting on it: %w", err)
	}
	var resp *Response
	var err error
	if derr != nil {
		resp = h.invalid(ctx, derr)
	} else {
		resp, err = h.manual(ctx, req, requestID, hash)
	}
	h.audited(ctx, audit, resp, err)
	return resp, err
}

// manual acts on a valid manual request.
func (h *Handler) manual(ctx context.Context, req *manual.Request, requestID, hash string) (*Response, error) {
	switch req.Kind() {
	case manual.KindDrift:
		return h.handleDrift(ctx, req.Drift)
	case manual.KindStatus:
		return h.handleStatus(ctx, req)
	case manual.KindRuns, manual.KindRun, manual.KindCancel:
		return h.handleLedger(ctx, req)
	}
	return h.handleRunRequest(ctx, req, requestID, hash)
}

func (h *Handler) handleStatus(ctx context.Context, req *manual.Request) (*Response, error) {
	if h.Status == nil {
		return nil, errors.New("status: not available in this function; use `landfall status`")
	}
	rep, err := h.Status.Report(ctx, req.Status)
	var fe *plan.FilterError
	switch {
	case errors.As(err, &fe):
		return h.invalid(ctx, err), nil
	case err != nil:
		return nil, err
	}
	return &Response{Outcome: OutcomeStatus, Status: rep}, nil
}

// handleRunRequest queues (or dry-runs) runs for the accounts a manual
// request selects.
func (h *Handler) handleRunRequest(ctx context.Context, req *manual.Request, requestID, hash string) (*Response, error) {
	filter := plan.Filter{Regions: req.Regions, Products: req.Products}
	for _, p := range req.Targets {
		filter.Pairs = append(filter.Pairs, plan.Pair{Region: p.Region, Product: p.Product})
	}
	if err := h.Plan.CheckFilter(filter); err != nil {
		return h.invalid(ctx, err), nil
	}
	if req.IncludeManagement && !h.Plan.IncludeManagementAccount {
		// The plan is the ceiling: a payload narrows it, never widens it.
		return h.invalid(ctx, errors.New("includeManagementAccount: the plan leaves the management account out, and a payload can only narrow the plan: remove the key, or set includeManagementAccount: true in the plan")), nil
	}
	refused, notes, err := h.preflight(ctx, "manual payload")
	if refused != nil || err != nil {
		return refused, err
	}
	accounts, resp, err := h.accounts(ctx, req)
	if err != nil {
		return nil, err
	}
	if req.DryRun {
		resp.Notes = notes
	}
	trigger := runstate.TriggerManual
	if req.Kind() != manual.KindAccounts {
		trigger = runstate.TriggerBackfill
	}
	var runs []*runstate.Run
	regions := h.enabledRegions()
	for _, acct := range accounts {
		run, excl, err := h.newRun(ctx, regions, acct, trigger, manualRunPrefix(trigger, requestID, hash), filter, req.OnlyMissing)
		if err != nil {
			return h.regionsUnknown(ctx, "manual payload", err)
		}
		run.RequestID, run.RequestHash, run.RequestedBy = requestID, hash, req.RequestedBy
		resp.Excluded = append(resp.Excluded, excl...)
		if !run.NothingToDo() {
			runs = append(runs, run)
		}
	}
	if len(runs) == 0 {
		resp.Outcome = OutcomeNothingToDo
		resp.Message = "no account matched has any planned target; see excluded"
		return resp, nil
	}
	if req.DryRun {
		if err := h.dryRun(ctx, runs); err != nil {
			return nil, err
		}
		resp.Outcome = OutcomeDryRun
		resp.DryRun = runs
		resp.Message = fmt.Sprintf("dry run: %d account(s), %d target(s); nothing was changed", len(runs), countTargets(runs))
		return resp, nil
	}
	if trigger == runstate.TriggerBackfill {
		// Before the first run can finish: the backfill's runs gather in
		// its audit record for its one roll-up (plan notifications.backfills).
		if err := h.Ledger.ExpectRuns(ctx, requestID, hash, len(runs)); err != nil {
			return nil, err
		}
	}
	for i, run := range runs {
		release := spreadDelay(i, h.WorkerConcurrency)
		// The run's age (maxRunAge, role and propagation waits) counts from
		// when the worker can first see it, not from the backfill.
		run.StartedAt = run.StartedAt.Add(release)
		delay := release
		if release > workqueue.MaxDelay {
			// Past what one SQS delay can hold: the worker puts the run back
			// until NotBefore, doing nothing else.
			run.NotBefore = run.StartedAt
			delay = workqueue.MaxDelay
		}
		if _, err := h.queueOnce(ctx, run, delay); err != nil {
			// Runs already queued stay queued; say which. Lambda's retry of
			// this invocation (or the same payload sent again with
			// its request ID) queues the rest and only those.
			h.expectQueued(ctx, trigger, requestID, hash, len(resp.Queued))
			return nil, fmt.Errorf("queued %d of %d runs (%s), then: %w", len(resp.Queued), len(runs), queuedIDs(resp.Queued), err)
		}
		resp.Queued = append(resp.Queued, QueuedRun{RunID: run.ID, Account: run.Account.ID, AccountName: run.Account.Name, Targets: len(run.Targets), DelaySeconds: int(release / time.Second)})
	}
	resp.Outcome = OutcomeQueued
	resp.Message = fmt.Sprintf("queued %d run(s) with %d target(s)", len(runs), countTargets(runs))
	if n := len(resp.Excluded); n > 0 {
		resp.Message += fmt.Sprintf("; %d exclusion(s), see excluded", n)
	}
	h.logger().InfoContext(ctx, "manual runs queued", "runs", len(runs), "excluded", len(resp.Excluded))
	return resp, nil
}

// expectQueued lowers a backfill's expected runs to those queued when
// queueing stopped, so the runs that exist still make a roll-up: should
// Lambda's retry queue the rest, it raises the count again first, and a
// run that finishes after the roll-up went out tells its own story.
func (h *Handler) expectQueued(ctx context.Context, trigger runstate.Trigger, requestID, hash string, queued int) {
	if trigger != runstate.TriggerBackfill {
		return
	}
	if err := h.Ledger.ExpectRuns(ctx, requestID, hash, queued); err != nil {
		h.logger().ErrorContext(ctx, "the backfill's expected runs were not lowered to those queued; its roll-up waits for the rest", "queued", queued, "error", err)
	}
}

// spreadDelay is when the i-th of the runs queued at once is released: waves
// of per runs (the worker's concurrency), spreadInterval apart, at any size.
// A release later than SQS's 15-minute delay limit is chained: the run is
// queued with the longest delay and a NotBefore time, and the worker puts it
// back until then. (Squeezing the waves into the limit instead would release
// a large backfill faster than the designed rate: 3.3 times at 1,000 runs.)
func spreadDelay(i, per int) time.Duration {
	per = max(per, 1)
	return time.Duration(i/per) * spreadInterval
}

// invalid answers a payload the operator got wrong. It is an answer, not a
// function error: a typo in the console must not count in the function's
// Errors metric, whose alarm pages on-call for real failures.
func (h *Handler) invalid(ctx context.Context, err error) *Response {
	h.logger().WarnContext(ctx, "invalid manual payload", "error", err)
	return &Response{Outcome: OutcomeInvalid, Error: "invalid manual payload: " + err.Error()}
}

func countTargets(runs []*runstate.Run) int {
	n := 0
	for _, r := range runs {
		n += len(r.Targets)
	}
	return n
}

func queuedIDs(q []QueuedRun) string {
	ids := make([]string, 0, len(q))
	for _, r := range q {
		ids = append(ids, r.Account)
	}
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// accounts resolves the payload's selection to accounts, each once, with
// the ones left out and why.
func (h *Handler) accounts(ctx context.Context, req *manual.Request) ([]plan.Account, *Response, error) {
	mgmt := membership.ManagementAccount(ctx, h.ManagementAccount)
	accts, excl, err := h.Directory.Select(ctx, directory.Selection{
		Accounts: req.Accounts, OUs: req.OUs, Recursive: req.Recursive, All: req.All,
		ManagementAccount: mgmt, IncludeManagement: h.Plan.IncludeManagementAccount,
	})
	if err != nil {
		return nil, nil, err
	}
	resp := &Response{}
	for _, e := range excl {
		resp.Excluded = append(resp.Excluded, Exclusion{Account: e.Account, Reason: e.Reason})
	}
	return accts, resp, nil
}

// dryRun resolves runs concurrently; one account's failure is recorded in its
// targets, not returned, so the operator sees every account.
func (h *Handler) dryRun(ctx context.Context, runs []*runstate.Run) error {
	if h.DryRunner == nil {
		return errors.New("dry run: not available in this function")
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(dryRunConcurrency)
	for _, run := range runs {
		g.Go(func() error {
			if err := h.DryRunner.DryRun(gctx, run); err != nil {
				mu.Lock()
				defer mu.Unlock()
				for i := range run.Targets {
					run.Targets[i].Status = runstate.Failed
					run.Targets[i].Error = "would fail: " + err.Error()
				}
			}
			return nil
		})
	}
	return g.Wait()
}
