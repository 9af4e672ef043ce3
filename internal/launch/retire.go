package launch

import (
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// Which runs look for retirement candidates (runstate.Run.Retire): the
// worker then lists the account's provisioned products at the run's first
// step, and the plan's rule (plan.Retirement) decides what to terminate and
// what to report (provision's retire.go). Dry runs of the same runs list
// them too and say what would happen.
//
//   - A run narrowed by hand (regions, products or targets in the payload)
//     does not look: it touches what it names and nothing else, and a
//     re-run of failed targets must not terminate anything. Re-run the
//     account without a filter to retire. onlyMissing does not narrow:
//     it keeps a run from changing products the plan still places,
//     while retire: terminate is the plan's own, explicit word to remove
//     what it no longer places, so the reconcile schedule
//     ({"all": true, "onlyMissing": true}) converges removals too.
//   - A run with targets looks: one listing per region, in an account the
//     run opens anyway, and the summary then tells what the plan no longer
//     places there, retained or terminated.
//   - A run without targets (the plan gives the account nothing: it was
//     excluded, or moved out of scope) looks when the plan may terminate
//     something (plan.RetirementEnabled), or when the account just moved
//     (TriggerMove), whose retained candidates are news worth a summary.
//     Otherwise nothing is queued, as before: with retain everywhere such
//     a run could only report, and fleet status reports the same without
//     assuming a role in every excluded account on every backfill.
func (h *Handler) considerRetirement(run *runstate.Run, f plan.Filter) {
	run.Retire = retires(h.Plan, run.Trigger, len(run.Targets) > 0, f)
}

// retires is considerRetirement's rule.
func retires(pl *plan.Plan, trigger runstate.Trigger, hasTargets bool, f plan.Filter) bool {
	switch {
	case !f.IsZero():
		return false
	case hasTargets, trigger == runstate.TriggerMove:
		return true
	}
	return pl.RetirementEnabled()
}
