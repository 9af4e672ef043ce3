package metrics_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/metrics/emftest"
)

var at = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func write(t *testing.T, lines ...metrics.Line) []emftest.Datum {
	t.Helper()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	for _, l := range lines {
		if err := metrics.Write(context.Background(), log, l); err != nil {
			t.Fatal(err)
		}
	}
	return emftest.Extract(t, buf.Bytes())
}

func value(t *testing.T, data []emftest.Datum, name string, dims ...string) float64 {
	t.Helper()
	found := emftest.Find(data, name, dims...)
	if len(found) != 1 {
		t.Fatalf("%s %v: %d datapoints, want 1", name, dims, len(found))
	}
	return emftest.Sum(found)
}

func TestRunLine(t *testing.T) {
	data := write(t, metrics.RunLine(at, metrics.RunFacts{
		Function: "fn-worker", Outcome: "PARTIAL",
		Targets:  map[string]int{"SUCCEEDED": 3, "FAILED": 2, "SKIPPED": 1},
		Duration: 90*time.Second + 500*time.Millisecond, Steps: 4, TargetWaits: 2,
	}))
	fn := metrics.DimFunction + "=fn-worker"
	want := map[string]float64{
		metrics.Runs: 1, metrics.RunDuration: 90.5, metrics.RunSteps: 4, metrics.TargetWaits: 2,
		metrics.TargetsSucceeded: 3, metrics.TargetsAlreadyProvisioned: 0, metrics.TargetsOutdated: 0,
		metrics.TargetsFailed: 2, metrics.TargetsSkipped: 1, metrics.TargetsTimedOut: 0,
	}
	for name, v := range want {
		if got := value(t, data, name, fn); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	if got := value(t, data, metrics.Runs, fn, metrics.DimOutcome+"=PARTIAL"); got != 1 {
		t.Errorf("Runs by outcome = %v, want 1", got)
	}
	if d := emftest.Find(data, metrics.RunDuration, fn)[0]; d.Unit != "Seconds" || d.Namespace != "Landfall" {
		t.Errorf("RunDuration unit %s namespace %s, want Seconds in Landfall", d.Unit, d.Namespace)
	}
	// Billing: each (metric, dimension set) is a custom metric. Only Runs
	// is broken down by outcome.
	if len(data) != len(want)+1 {
		t.Errorf("a run line publishes %d metrics, want %d (only Runs by outcome)", len(data), len(want)+1)
	}
}

func TestStepLine(t *testing.T) {
	if _, ok := metrics.StepLine(at, "fn", 0, 0); ok {
		t.Error("a step with nothing to count must log nothing")
	}
	l, ok := metrics.StepLine(at, "fn", 3, 1)
	if !ok {
		t.Fatal("a step with throttles must log")
	}
	data := write(t, l)
	if got := value(t, data, metrics.ThrottlesAbsorbed, "FunctionName=fn"); got != 3 {
		t.Errorf("ThrottlesAbsorbed = %v, want 3", got)
	}
	if got := value(t, data, metrics.RoleWaits, "FunctionName=fn"); got != 1 {
		t.Errorf("RoleWaits = %v, want 1", got)
	}
}

func TestLaunchLine(t *testing.T) {
	data := write(t, metrics.LaunchLine(at, "fn-launch", "queued", 40, 2))
	for name, v := range map[string]float64{metrics.LaunchInvocations: 1, metrics.RunsQueued: 40, metrics.ThrottlesAbsorbed: 2} {
		if got := value(t, data, name, "FunctionName=fn-launch"); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	if got := value(t, data, metrics.LaunchInvocations, "FunctionName=fn-launch", "Outcome=queued"); got != 1 {
		t.Errorf("invocations by outcome = %v, want 1", got)
	}
	if len(data) != 4 {
		t.Errorf("a launch line publishes %d metrics, want 4", len(data))
	}
}

func TestTargetMetric(t *testing.T) {
	for _, status := range []string{"SUCCEEDED", "ALREADY_PROVISIONED", "OUTDATED", "FAILED", "SKIPPED", "TIMED_OUT"} {
		if _, ok := metrics.TargetMetric(status); !ok {
			t.Errorf("final status %s has no metric", status)
		}
	}
	for _, status := range []string{"PENDING", "IN_PROGRESS", "PLANNED", ""} {
		if m, ok := metrics.TargetMetric(status); ok {
			t.Errorf("status %s maps to %s; no finished run has it", status, m)
		}
	}
	if n := len(metrics.TargetMetrics()); n != 6 {
		t.Errorf("%d target metrics, want 6", n)
	}
}

func TestFunctionName(t *testing.T) {
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "")
	if got := metrics.FunctionName("fallback"); got != "fallback" {
		t.Errorf("outside Lambda: %q, want the fallback", got)
	}
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "Landfall-WorkerFunction-abc")
	if got := metrics.FunctionName("fallback"); got != "Landfall-WorkerFunction-abc" {
		t.Errorf("in Lambda: %q, want the function's name", got)
	}
}
