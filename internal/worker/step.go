package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/runstate"
)

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
		run.StopLooking("the execution role could not be assumed")
		log.ErrorContext(ctx, "run failed: role not assumable", "error", msg)
		return true
	}
	// The opt-in gate first (optin.go), so that retirement candidates are
	// looked for only in regions the account can use; they join the run as
	// targets before the engine advances it (provision/retire.go).
	before := fingerprintStatus(run)
	h.gateOptIn(ctx, log, run)
	found := h.Engine.Discover(ctx, run, cats, notEnabled(run))
	return h.advanceGated(ctx, run, roleARN, cats) || found || fingerprintStatus(run) != before
}

// admit checks that Landfall may still act in the run's account. It reports
// done when the step must go no further: the account is gone (closed,
// suspended or removed: every unfinished target is cancelled), refused for
// another reason (every unfinished target fails, and the summary says why),
// or Organizations could not tell (the next step asks again, bounded by the
// run's maximum age).
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
	if refused.Inactive {
		stopInactive(run, refused.Reason, h.now().UTC())
		log.WarnContext(ctx, "run stopped: the account is no longer active in the organization", "reason", refused.Reason)
		return true, true
	}
	msg := "not attempted: Landfall will not act in this account: " + refused.Reason
	for i := range run.Targets {
		if t := &run.Targets[i]; !t.Status.Final() {
			t.Status, t.Error = runstate.Failed, msg
		}
	}
	run.AddNote("refused before assuming any role: " + refused.Reason)
	run.StopLooking("Landfall will not act in this account")
	log.ErrorContext(ctx, "run refused: account not admitted", "reason", refused.Reason)
	return true, true
}

// stopInactive cancels what is left of a run whose account was closed,
// suspended or removed from the organization since the run began. Nothing
// failed, so nothing is reported as failed: the account left, and the one
// summary says so. A record already running is named, because Service
// Catalog cannot stop it (and a closed account's resources go with it).
func stopInactive(run *runstate.Run, reason string, now time.Time) {
	cancelRemaining(run, "cancelled: the account left Landfall's reach: "+reason, now)
	run.Stopped = "account " + run.Account.ID + ": " + reason
	run.StopLooking("the account left Landfall's reach")
}

// timeOut ends every unfinished target of a run that outlived its maximum
// age. Only a target that started a record is told to check it: one that
// never started has nothing in Service Catalog to look at.
func timeOut(run *runstate.Run, maxAge time.Duration) {
	for i := range run.Targets {
		t := &run.Targets[i]
		if t.Status.Final() {
			continue
		}
		t.Status, t.Error = runstate.TimedOut, runstate.Clip(timedOutMessage(t, maxAge))
	}
	run.StopLooking(fmt.Sprintf("the run exceeded its maximum age of %s first", maxAge))
}

func timedOutMessage(t *runstate.Target, maxAge time.Duration) string {
	last := ""
	if t.Note != "" {
		last = "; last: " + t.Note
	}
	if t.RecordID == "" {
		return fmt.Sprintf("run exceeded its maximum age of %s before this target started (it was %s%s); nothing was provisioned for it: re-run this target", maxAge, t.Status, last)
	}
	return fmt.Sprintf("run exceeded its maximum age of %s while %s (record %s)%s; check the record in the Service Catalog console, then re-run this target", maxAge, t.Status, t.RecordID, last)
}
