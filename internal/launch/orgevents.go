package launch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/lifecycle"
	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// OutcomeStopped: an account was closed or removed; its runs in progress
// were told to stop at their next step.
const OutcomeStopped = "stopped"

// stopLookBack is how far back, past the plan's maxRunAge, the ledger is
// searched for an account's runs in progress: a run older than its maximum
// age times out on its next step anyway, but one still marked running is
// told to stop too.
const stopLookBack = time.Hour

// handleOrganizationsEvent acts on an Organizations call that changed an
// account: a move runs the account against its new place in the plan; a
// closure or removal stops its runs in progress. Each decision is checked
// against Organizations as it is now, not as the event says: events can be
// replayed, delayed or made by hand.
func (h *Handler) handleOrganizationsEvent(ctx context.Context, ev *lifecycle.OrganizationsEvent) (*Response, error) {
	log := h.logger().With("eventId", ev.EventID, "eventName", ev.EventName, "account", ev.AccountID)
	if ev.EventName == lifecycle.MoveAccount {
		return h.handleMove(ctx, log, ev)
	}
	return h.stopAccountRuns(ctx, log, ev)
}

// handleMove queues a run for the account against the OU it is in now. An
// account that is no longer active is left alone without a report: moving
// a closed account to a "suspended" OU is routine housekeeping.
func (h *Handler) handleMove(ctx context.Context, log *slog.Logger, ev *lifecycle.OrganizationsEvent) (*Response, error) {
	source := fmt.Sprintf("%s event %s", ev.EventName, ev.EventID)
	err := h.Members.CheckNow(ctx, ev.AccountID)
	var refused *membership.Refusal
	switch {
	case errors.As(err, &refused) && refused.Inactive:
		log.InfoContext(ctx, "moved account is not active; nothing to do", "reason", refused.Reason)
		return &Response{Outcome: OutcomeIgnored, Message: refused.Error()}, nil
	case errors.As(err, &refused):
		return h.reportRefused(ctx, notify.AccountRef{ID: ev.AccountID}, source, refused)
	case err != nil:
		return nil, fmt.Errorf("check account %s: %w", ev.AccountID, err) // retried
	}
	if resp, _, err := h.preflight(ctx, source); resp != nil || err != nil {
		return resp, err
	}
	acct, err := h.Directory.Account(ctx, ev.AccountID)
	if err != nil {
		return nil, fmt.Errorf("look up account %s: %w", ev.AccountID, err)
	}
	run, excl, err := h.newRun(ctx, h.enabledRegions(), acct, runstate.TriggerMove, "org-"+ev.EventID, plan.Filter{}, false)
	if err != nil {
		return h.regionsUnknown(ctx, source, err)
	}
	run.EventID = ev.EventID
	run.RequestedBy = ev.Caller
	if acct.OU.ID != ev.DestinationParentID {
		// Organizations is the truth: the account moved again since, or
		// the event was replayed. The run follows where it is now.
		run.AddNote(fmt.Sprintf("the event moved the account to %s, but Organizations has it in %s now; the run follows Organizations", ev.DestinationParentID, acct.OU.ID))
	}
	return h.queueEventRun(ctx, log, run, acct, excl, source)
}

// stopAccountRuns asks every run in progress for a closed or removed
// account to stop at its next step. The account's state is checked first:
// an event for an account Organizations still has ACTIVE (a replay, a
// hand-made event) stops nothing.
func (h *Handler) stopAccountRuns(ctx context.Context, log *slog.Logger, ev *lifecycle.OrganizationsEvent) (*Response, error) {
	err := h.Members.CheckNow(ctx, ev.AccountID)
	var refused *membership.Refusal
	switch {
	case err == nil:
		log.WarnContext(ctx, "Organizations still has the account active; no run stopped")
		return &Response{Outcome: OutcomeIgnored, Message: fmt.Sprintf("%s event %s: Organizations still has account %s ACTIVE, so no run was stopped", ev.EventName, ev.EventID, ev.AccountID)}, nil
	case errors.As(err, &refused) && !refused.Inactive:
		log.WarnContext(ctx, "the account is not one Landfall acts in; no run to stop", "reason", refused.Reason)
		return &Response{Outcome: OutcomeIgnored, Message: refused.Error()}, nil
	case !errors.As(err, &refused):
		return nil, fmt.Errorf("check account %s: %w", ev.AccountID, err) // retried
	}
	since := h.now().Add(-h.Plan.MaxRunAge - stopLookBack)
	runs, err := h.Ledger.List(ctx, ledger.Filter{Account: ev.AccountID, Since: since, Status: ledger.StatusRunning, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("list runs in progress for account %s: %w", ev.AccountID, err) // retried
	}
	by := fmt.Sprintf("Organizations %s event %s", ev.EventName, ev.EventID)
	if ev.Caller != "" {
		by += " (called by " + ev.Caller + ")"
	}
	resp := &Response{Outcome: OutcomeStopped}
	for _, r := range runs {
		rec, err := h.Ledger.Stop(ctx, r.RunID, by, "account "+ev.AccountID+": "+refused.Reason)
		switch {
		case errors.Is(err, ledger.ErrNotCancellable):
			continue // finished meanwhile
		case err != nil:
			return nil, fmt.Errorf("stop run %s of account %s: %w", r.RunID, ev.AccountID, err) // retried: cancelling again is harmless
		}
		resp.Runs = append(resp.Runs, rec)
	}
	resp.Message = fmt.Sprintf("account %s %s: %d runs in progress told to stop at their next step", ev.AccountID, refused.Reason, len(resp.Runs))
	if len(resp.Runs) == 0 {
		resp.Outcome = OutcomeNothingToDo
		resp.Message = fmt.Sprintf("account %s %s: no run in progress", ev.AccountID, refused.Reason)
	}
	log.InfoContext(ctx, "account left; its runs in progress stop", "runs", len(resp.Runs), "reason", refused.Reason)
	return resp, nil
}
