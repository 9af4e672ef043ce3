package metrics

import (
	"os"
	"time"
)

// Fallback FunctionName values outside Lambda (the local driver, tests).
const (
	DefaultWorkerFunction = "landfall-worker"
	DefaultLaunchFunction = "landfall-launch"
)

// FunctionName is the running Lambda function's name (the runtime's
// AWS_LAMBDA_FUNCTION_NAME), or fallback outside Lambda.
func FunctionName(fallback string) string {
	if name := os.Getenv("AWS_LAMBDA_FUNCTION_NAME"); name != "" {
		return name
	}
	return fallback
}

// RunFacts is what a finished run reports.
type RunFacts struct {
	Function string
	// Outcome is runstate.Run.Outcome().
	Outcome string
	// Targets counts targets by final status (runstate.Status as a string).
	Targets     map[string]int
	Duration    time.Duration
	Steps       int
	TargetWaits int
}

// RunLine is the worker's line for a finished run.
func RunLine(at time.Time, r RunFacts) Line {
	l := Line{
		Message:    "run metrics",
		Time:       at,
		Dimensions: []Dimension{{DimFunction, r.Function}, {DimOutcome, r.Outcome}},
		Metrics: []Metric{
			{Runs, Count, 1},
			{RunDuration, Seconds, r.Duration.Seconds()},
			{RunSteps, Count, float64(r.Steps)},
			{TargetWaits, Count, float64(r.TargetWaits)},
		},
	}
	for _, tm := range targetMetrics {
		l.Metrics = append(l.Metrics, Metric{tm.metric, Count, float64(r.Targets[tm.status])})
	}
	all := make([]string, len(l.Metrics))
	for i, m := range l.Metrics {
		all[i] = m.Name
	}
	l.Directives = []Directive{
		{DimensionSets: [][]string{{DimFunction}}, Metrics: all},
		{DimensionSets: [][]string{{DimFunction, DimOutcome}}, Metrics: []string{Runs}},
	}
	return l
}

// StepLine is the worker's line for one invocation's work on a run: the
// throttles it absorbed and whether it waited for the execution role. It
// reports false when there is nothing to say, so quiet steps log nothing.
func StepLine(at time.Time, function string, throttles, roleWaits int) (Line, bool) {
	if throttles == 0 && roleWaits == 0 {
		return Line{}, false
	}
	return Line{
		Message:    "step metrics",
		Time:       at,
		Dimensions: []Dimension{{DimFunction, function}},
		Metrics:    []Metric{{ThrottlesAbsorbed, Count, float64(throttles)}, {RoleWaits, Count, float64(roleWaits)}},
		Directives: []Directive{{DimensionSets: [][]string{{DimFunction}}, Metrics: []string{ThrottlesAbsorbed, RoleWaits}}},
	}, true
}

// ChatFailureLine is a function's line for one chat notification that did
// not reach the chat topic.
func ChatFailureLine(at time.Time, function string) Line {
	return Line{
		Message:    "chat metrics",
		Time:       at,
		Dimensions: []Dimension{{DimFunction, function}},
		Metrics:    []Metric{{ChatNotPublished, Count, 1}},
		Directives: []Directive{{DimensionSets: [][]string{{DimFunction}}, Metrics: []string{ChatNotPublished}}},
	}
}

// LaunchLine is the launch function's line for one invocation.
func LaunchLine(at time.Time, function, outcome string, queued, throttles int) Line {
	return Line{
		Message:    "launch metrics",
		Time:       at,
		Dimensions: []Dimension{{DimFunction, function}, {DimOutcome, outcome}},
		Metrics: []Metric{
			{LaunchInvocations, Count, 1},
			{RunsQueued, Count, float64(queued)},
			{ThrottlesAbsorbed, Count, float64(throttles)},
		},
		Directives: []Directive{
			{DimensionSets: [][]string{{DimFunction}}, Metrics: []string{LaunchInvocations, RunsQueued, ThrottlesAbsorbed}},
			{DimensionSets: [][]string{{DimFunction, DimOutcome}}, Metrics: []string{LaunchInvocations}},
		},
	}
}
