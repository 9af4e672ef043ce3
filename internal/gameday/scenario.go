package gameday

import (
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/faults"
)

// Scenario is one game-day exercise: the world and plan it starts from, the
// faults in force, and what happens. After its steps, Run always drains the
// work queue (with the faults still in force), so whatever a scenario
// starts either finishes or parks.
type Scenario struct {
	// Name labels the row: short, lower case, unique.
	Name string
	// Plan edits the example plan's YAML; nil keeps it.
	Plan func(yaml string) string
	// World edits the default world before the emulator starts; nil keeps it.
	World func(w *localaws.World)
	// Faults are set on the emulator just before the first step, so their
	// from/until windows count from the start of the scenario.
	Faults []faults.Rule
	// Steps play the scenario out, in order.
	Steps []Step
	// Parallel is how many worker invocations run at once while draining;
	// zero means 5, the deployed reserved concurrency.
	Parallel int
	// Want is what this scenario must show beyond the invariants, so that
	// a scenario whose fault never fired cannot pass for a robust Landfall.
	Want Want
	// KnownFailure, when set, says which invariant this scenario breaks
	// and why it is not fixed yet: the test then reports the row instead
	// of failing. Every entry is a defect to fix, not a way to pass.
	KnownFailure string
}

// Want is a scenario's own expectations.
type Want struct {
	// Succeeded is how many targets end OK; AllPlanned means every planned one.
	Succeeded int
	// Parked is how many runs end parked (dead-letter or on-failure queue).
	Parked int
	// Errors are error codes the emulator must have answered at least once:
	// proof the fault fired.
	Errors []string
	// Redelivered says some run step must have reached the worker twice
	// (a duplicate delivery, or a message that came back).
	Redelivered bool
}

// AllPlanned as Want.Succeeded means every planned target.
const AllPlanned = -1
