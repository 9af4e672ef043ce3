package runstate

import (
	"errors"
	"fmt"
)

// Retirement in a run. A run with Retire set looks, at its first step that
// reaches the account, for provisioned products Landfall named there that
// the plan no longer places (plan.Retirement decides), and adds each as a
// target of its own:
//
//   - ActionRetain: reported and left in place, final at once (RETIRABLE);
//   - ActionTerminate: terminated like any other change, following its
//     record (PENDING, IN_PROGRESS, then TERMINATED or FAILED).
//
// Candidates are targets, not a list beside them, so that everything a run
// already does for targets (the ledger's history, the continuation message,
// cancellation, the maximum age, the summary and its counts) covers them.
// Their Product is the key their name carries, which may no longer be a
// product of the plan; their ProvisionedProductID names exactly the product
// that was found and judged, and termination goes by that ID, never by name.

// Actions of a target.
const (
	// ActionTerminate terminates a retirement candidate.
	ActionTerminate = "terminate"
	// ActionRetain reports a retirement candidate and leaves it.
	ActionRetain = "retain"
)

// Retiring reports whether t is a retirement candidate rather than a
// placement of the plan.
func (t *Target) Retiring() bool { return t.Action != "" }

// checkAction checks a target's action against its status.
func (t *Target) checkAction() error {
	switch t.Action {
	case "":
		if t.Status == Retirable || t.Status == Terminated {
			return fmt.Errorf("status: %s is a retirement candidate's status; the target has no action", t.Status)
		}
	case ActionRetain, ActionTerminate:
		if t.ProvisionedProductID == "" {
			return errors.New("provisionedProductId: required for a retirement candidate: termination goes by ID, never by name")
		}
	default:
		return fmt.Errorf("action: %q is not %s or %s (or empty: provision)", t.Action, ActionTerminate, ActionRetain)
	}
	return nil
}

// Looking reports whether the run still has to look for retirement
// candidates: until it has, the run is not complete, even with every
// target final (or none).
func (r *Run) Looking() bool { return r.Retire && !r.Looked }

// StopLooking ends the search for retirement candidates of a run that will
// not reach its account (refused, stopped, cancelled, out of time, its role
// not assumable): why, when not empty, becomes a run note, so the summary
// says candidates were not looked for.
func (r *Run) StopLooking(why string) {
	if !r.Looking() {
		return
	}
	r.Looked = true
	if why != "" {
		r.AddNote("retirement candidates were not looked for: " + why)
	}
}

// NothingToDo reports whether a run has nothing to do: no target, and no
// retirement candidates to look for. The launch function queues no such run.
func (r *Run) NothingToDo() bool { return len(r.Targets) == 0 && !r.Retire }
