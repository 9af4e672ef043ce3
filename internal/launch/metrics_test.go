package launch

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/metrics/emftest"
)

// throttledMembers is Organizations answering the membership check with
// throttling the SDK retries once: the retryer every Landfall client uses
// counts the retry against the context it is handed.
type throttledMembers struct{ Members }

func (m throttledMembers) Check(ctx context.Context, account string) error {
	if _, err := metrics.CountingRetryer(retry.NewStandard()).GetRetryToken(ctx, &smithy.GenericAPIError{Code: "TooManyRequestsException"}); err != nil {
		return err
	}
	return m.Members.Check(ctx, account)
}

func TestInvocationMetrics(t *testing.T) {
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "")
	tests := []struct {
		name       string
		payload    []byte
		setup      func(*fixture)
		outcome    string
		queued     float64
		throttles  float64
		wantErrNil bool
	}{
		{name: "event queues a run", payload: readEvent(t, "create-managed-account-succeeded.json"), outcome: OutcomeQueued, queued: 1, wantErrNil: true},
		{name: "throttled membership check", payload: readEvent(t, "create-managed-account-succeeded.json"),
			setup:   func(f *fixture) { f.h.Members = throttledMembers{f.h.Members} },
			outcome: OutcomeQueued, queued: 1, throttles: 1, wantErrNil: true},
		{name: "backfill", payload: []byte(`{"ous": ["ou-ab12-bu1kbu1k"]}`), outcome: OutcomeQueued, queued: 7, wantErrNil: true},
		{name: "backfill failing at the fourth send counts the three sent", payload: []byte(`{"ous": ["ou-ab12-bu1kbu1k"]}`),
			setup:   func(f *fixture) { f.queue.failAt, f.queue.err = 4, errBoom },
			outcome: outcomeError, queued: 3},
		{name: "dry run", payload: []byte(`{"ous": ["ou-ab12-bu1kbu1k"], "dryRun": true}`), outcome: OutcomeDryRun, wantErrNil: true},
		{name: "invalid event", payload: []byte(`not json`), outcome: OutcomeInvalid, wantErrNil: true},
		{name: "failed account creation", payload: readEvent(t, "create-managed-account-failed.json"), outcome: OutcomeAccountFailed, wantErrNil: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newOrg(7))
			var logs bytes.Buffer
			f.h.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
			if tt.setup != nil {
				tt.setup(f)
			}
			_, err := f.h.Handle(context.Background(), tt.payload)
			if (err == nil) != tt.wantErrNil {
				t.Fatalf("error = %v", err)
			}
			data := emftest.Extract(t, logs.Bytes())
			fn := metrics.DimFunction + "=" + metrics.DefaultLaunchFunction
			if n := len(emftest.Find(data, metrics.LaunchInvocations, fn)); n != 1 {
				t.Fatalf("%d invocation datapoints, want one line per invocation: %+v", n, data)
			}
			if got := emftest.Sum(emftest.Find(data, metrics.LaunchInvocations, fn, metrics.DimOutcome+"="+tt.outcome)); got != 1 {
				t.Errorf("invocations with outcome %s = %v, want 1 (%+v)", tt.outcome, got, data)
			}
			if got := emftest.Sum(emftest.Find(data, metrics.RunsQueued, fn)); got != tt.queued {
				t.Errorf("RunsQueued = %v, want %v", got, tt.queued)
			}
			if got := emftest.Sum(emftest.Find(data, metrics.ThrottlesAbsorbed, fn)); got != tt.throttles {
				t.Errorf("ThrottlesAbsorbed = %v, want %v", got, tt.throttles)
			}
		})
	}
}
