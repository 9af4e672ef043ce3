package worker

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/metrics/emftest"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/runstate"
)

// withLogs gives h a JSON logger like Lambda's and returns what it wrote.
func withLogs(h *Handler) *bytes.Buffer {
	var buf bytes.Buffer
	h.Logger = slog.New(slog.NewJSONHandler(&buf, nil))
	return &buf
}

const fn = metrics.DimFunction + "=" + metrics.DefaultWorkerFunction

func one(t *testing.T, data []emftest.Datum, name string, dims ...string) float64 {
	t.Helper()
	found := emftest.Find(data, name, dims...)
	if len(found) != 1 {
		t.Fatalf("%s %v: %d datapoints, want 1 (all: %+v)", name, dims, len(found), data)
	}
	return emftest.Sum(found)
}

func TestFinishedRunMetrics(t *testing.T) {
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "")
	q, n := &fakeQueue{}, &fakeNotifier{}
	run := pendingRun()
	run.Step = 7
	run.Targets[0].Waits = 2
	run.Targets = append(run.Targets, runstate.Target{Region: "us-west-1", Product: "baseline-vpc", Status: runstate.InProgress, RecordID: "rec-7", Waits: 1},
		runstate.Target{Region: "us-west-2", Product: "baseline-vpc", Status: runstate.Succeeded})
	h := handler(t, t0.Add(3*time.Hour), q, n, &deniedAccounts{})
	logs := withLogs(h)
	if _, err := h.Handle(context.Background(), message(t, run)); err != nil {
		t.Fatal(err)
	}
	data := emftest.Extract(t, logs.Bytes())
	want := map[string]float64{
		metrics.Runs: 1, metrics.RunDuration: 3 * 3600, metrics.RunSteps: 8, metrics.TargetWaits: 3,
		metrics.TargetsTimedOut: 2, metrics.TargetsSucceeded: 1, metrics.TargetsFailed: 0,
	}
	for name, v := range want {
		if got := one(t, data, name, fn); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	if got := one(t, data, metrics.Runs, fn, metrics.DimOutcome+"=PARTIAL"); got != 1 {
		t.Errorf("Runs by outcome PARTIAL = %v, want 1", got)
	}
}

func TestRunMetricsOncePerPublishedSummary(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{err: errBoomSNS}
	run := pendingRun()
	run.Targets[0].Status = runstate.Failed
	h := handler(t, t0, q, n, &deniedAccounts{})
	logs := withLogs(h)
	if _, err := h.Handle(context.Background(), message(t, run)); err != nil {
		t.Fatal(err)
	}
	if got := emftest.Find(emftest.Extract(t, logs.Bytes()), metrics.Runs, fn); len(got) != 0 {
		t.Fatalf("a summary that was not published must not count the run yet: %+v", got)
	}
	n.err = nil
	if _, err := h.Handle(context.Background(), message(t, q.sent[0])); err != nil {
		t.Fatal(err)
	}
	data := emftest.Extract(t, logs.Bytes())
	if got := one(t, data, metrics.Runs, fn); got != 1 {
		t.Errorf("Runs = %v, want 1 after the requeued summary is published", got)
	}
	if got := one(t, data, metrics.TargetsFailed, fn); got != 1 {
		t.Errorf("TargetsFailed = %v, want 1", got)
	}
}

var errBoomSNS = &smithy.GenericAPIError{Code: "InternalError", Message: "sns down"}

func TestRoleWaitStepMetrics(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	h := handler(t, t0.Add(5*time.Minute), q, n, &deniedAccounts{})
	logs := withLogs(h)
	if _, err := h.Handle(context.Background(), message(t, pendingRun())); err != nil {
		t.Fatal(err)
	}
	data := emftest.Extract(t, logs.Bytes())
	if got := one(t, data, metrics.RoleWaits, fn); got != 1 {
		t.Errorf("RoleWaits = %v, want 1", got)
	}
	if got := emftest.Find(data, metrics.Runs, fn); len(got) != 0 {
		t.Errorf("a run still going has no run metrics yet: %+v", got)
	}
}

// throttledAccounts is STS answering the role's AssumeRole with throttling
// the SDK retries twice before it succeeds: the retryer every Landfall client
// uses counts each retry against the context it is handed.
type throttledAccounts struct{ deniedAccounts }

func (a *throttledAccounts) Open(ctx context.Context, account, session string) (string, provision.Catalogs, error) {
	r := metrics.CountingRetryer(retry.NewStandard())
	for range 2 {
		if _, err := r.GetRetryToken(ctx, &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}); err != nil {
			return "", nil, err
		}
	}
	return a.deniedAccounts.Open(ctx, account, session)
}

func TestThrottlesOfAStepAreCounted(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	h := handler(t, t0.Add(5*time.Minute), q, n, &throttledAccounts{})
	logs := withLogs(h)
	ev := message(t, pendingRun())
	other := pendingRun()
	other.ID = "ct-2-222222222222"
	ev.Records = append(ev.Records, message(t, other).Records[0]) // two runs in one batch: counted apart
	if _, err := h.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	data := emftest.Extract(t, logs.Bytes())
	steps := emftest.Find(data, metrics.ThrottlesAbsorbed, fn)
	if len(steps) != 2 || steps[0].Values[0] != 2 || steps[1].Values[0] != 2 {
		t.Errorf("throttles per step = %+v, want 2 and 2", steps)
	}
}

func TestQuietStepsLogNoMetrics(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	h := handler(t, t0.Add(50*time.Minute), q, n, flakyAccounts{})
	logs := withLogs(h)
	if _, err := h.Handle(context.Background(), message(t, pendingRun())); err != nil {
		t.Fatal(err)
	}
	if data := emftest.Extract(t, logs.Bytes()); len(data) != 0 {
		t.Errorf("a step with no throttle retries and no role wait logged metrics: %+v", data)
	}
}

// Every status a finished run can hold has its metric, so no target goes
// uncounted when runstate gains a status.
func TestEveryFinalStatusHasAMetric(t *testing.T) {
	for _, s := range []runstate.Status{runstate.Pending, runstate.InProgress, runstate.Succeeded, runstate.AlreadyProvisioned,
		runstate.Outdated, runstate.Failed, runstate.Skipped, runstate.TimedOut, runstate.Planned} {
		_, ok := metrics.TargetMetric(string(s))
		if want := s.Final() && s != runstate.Planned; ok != want {
			t.Errorf("status %s: metric %v, want %v", s, ok, want)
		}
	}
}
