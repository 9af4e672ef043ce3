package worker

import (
	"context"
	"time"

	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/runstate"
)

// stepTally counts, for one invocation's work on one run, what the step
// metrics report: the SDK's throttle retries (counted through the context by
// the clients' retryer, metrics.CountingRetryer) and role waits.
type stepTally struct {
	throttles *metrics.Throttles
	roleWaits int
}

func countStep(ctx context.Context) (context.Context, *stepTally) {
	ctx, th := metrics.CountThrottles(ctx)
	return ctx, &stepTally{throttles: th}
}

// emitStep writes the step's metrics, when it has any to report. Throttles
// and role waits are reported per invocation, not carried to the run's end:
// CloudWatch sums them the same, and the run's message stays as it is.
func (h *Handler) emitStep(ctx context.Context, tally *stepTally) {
	if line, ok := metrics.StepLine(h.now(), metrics.FunctionName(metrics.DefaultWorkerFunction), tally.throttles.Count(), tally.roleWaits); ok {
		h.writeMetrics(ctx, line)
	}
}

// emitRun writes the metrics of a run whose summary was just published:
// once per run, since a run whose publishing failed comes back finished.
func (h *Handler) emitRun(ctx context.Context, run *runstate.Run) {
	now := h.now()
	h.writeMetrics(ctx, metrics.RunLine(now, runFacts(run, now)))
}

// runFacts is what the run line reports of a run finished at now.
func runFacts(run *runstate.Run, now time.Time) metrics.RunFacts {
	f := metrics.RunFacts{
		Function: metrics.FunctionName(metrics.DefaultWorkerFunction),
		Outcome:  run.Outcome(),
		Targets:  map[string]int{},
		Duration: max(now.Sub(run.StartedAt), 0),
		// Step counts the steps recorded, the one that completed the run
		// included (and a retried summary's, which also records a step).
		Steps: run.Step,
	}
	for status, n := range run.Counts() {
		f.Targets[string(status)] = n
	}
	for i := range run.Targets {
		f.TargetWaits += run.Targets[i].Waits
	}
	return f
}

// writeMetrics writes a line; a line the metrics package refuses is a bug
// in Landfall, reported in the logs rather than failing the run.
func (h *Handler) writeMetrics(ctx context.Context, line metrics.Line) {
	if err := metrics.Write(ctx, h.logger(), line); err != nil {
		h.logger().ErrorContext(ctx, "metrics not written", "error", err)
	}
}
