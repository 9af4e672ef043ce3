package launch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/landfall/landfall/internal/ledger"
)

func TestARepeatedEventQueuesNothingMore(t *testing.T) {
	f := newFixture(t, newOrg(0))
	ev := readEvent(t, "create-managed-account-succeeded.json")
	first, err := f.h.Handle(context.Background(), ev)
	if err != nil || first.Outcome != OutcomeQueued {
		t.Fatalf("first delivery: %+v, %v", first, err)
	}
	for range 2 {
		resp, err := f.h.Handle(context.Background(), ev)
		if err != nil || resp.Outcome != OutcomeDuplicate || len(resp.Queued) != 1 || resp.Queued[0].RunID != first.Queued[0].RunID {
			t.Fatalf("repeat: %+v, %v; want %q naming the first run", resp, err, OutcomeDuplicate)
		}
	}
	if len(f.queue.sent) != 1 {
		t.Errorf("queued %d runs for one event, want 1", len(f.queue.sent))
	}
	if rec := f.ledger.runs[first.Queued[0].RunID]; rec.Sent != 0 {
		t.Errorf("the ledger must know the run is queued: sent %d", rec.Sent)
	}
}

func TestARunRecordedButNotQueuedIsQueuedByTheRetry(t *testing.T) {
	f := newFixture(t, newOrg(0))
	ev := readEvent(t, "create-managed-account-succeeded.json")
	f.queue.failAt, f.queue.err = 1, errBoom
	if _, err := f.h.Handle(context.Background(), ev); err == nil {
		t.Fatal("a failed send must fail the invocation, so Lambda retries it")
	}
	f.queue.failAt = 0
	resp, err := f.h.Handle(context.Background(), ev)
	if err != nil || resp.Outcome != OutcomeQueued || len(f.queue.sent) != 1 {
		t.Fatalf("retry: %+v, %v, sent %d; want the recorded run queued once", resp, err, len(f.queue.sent))
	}
}

func TestWithoutTheLedgerLaunchActsOnNothing(t *testing.T) {
	f := newFixture(t, newOrg(0))
	f.ledger.err = errors.New("dynamodb unavailable")
	if _, err := f.h.Handle(context.Background(), readEvent(t, "create-managed-account-succeeded.json")); err == nil {
		t.Error("an event must fail (and be retried) while the ledger is down")
	}
	if _, err := f.h.Handle(context.Background(), []byte(`{"accounts": ["222222222222"]}`)); err == nil {
		t.Error("a manual invocation must fail unaudited rather than act")
	}
	if len(f.queue.sent) != 0 {
		t.Errorf("queued %d runs without the ledger", len(f.queue.sent))
	}
}

func withRequest(id string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: id})
}

func TestManualInvocationsAreAuditedOnceAcrossRetries(t *testing.T) {
	f := newFixture(t, newOrg(0))
	payload := []byte(`{"accounts": ["222222222222"], "requestedBy": "arn:aws:iam::111111111111:user/ops"}`)
	ctx := withRequest("req-aaaa-1")
	first, err := f.h.Handle(ctx, payload)
	if err != nil || first.Outcome != OutcomeQueued {
		t.Fatalf("%+v, %v", first, err)
	}
	run := f.queue.sent[0].run
	if run.RequestedBy != "arn:aws:iam::111111111111:user/ops" || run.RequestID != "req-aaaa-1" {
		t.Errorf("the run must carry who asked and the request: %q %q", run.RequestedBy, run.RequestID)
	}
	if _, err := f.h.Handle(ctx, payload); err != nil { // Lambda's retry: same request ID
		t.Fatal(err)
	}
	if len(f.queue.sent) != 1 {
		t.Errorf("a retry of the invocation queued again: %d sends", len(f.queue.sent))
	}
	if _, err := f.h.Handle(withRequest("req-bbbb-2"), payload); err != nil { // a new invocation
		t.Fatal(err)
	}
	if len(f.queue.sent) != 2 {
		t.Errorf("a new invocation must queue a new run: %d sends", len(f.queue.sent))
	}
	reqs := f.ledger.requests
	if len(reqs) != 6 || reqs[0].Outcome != auditStarted || reqs[1].Outcome != OutcomeQueued || reqs[1].RequestedBy != run.RequestedBy || reqs[1].RunCount != 1 || reqs[1].Kind != "accounts" {
		t.Fatalf("audit records = %+v; want started then queued for each invocation", reqs)
	}
	var validated map[string]any
	if err := json.Unmarshal([]byte(reqs[0].Payload), &validated); err != nil || validated["requestedBy"] == nil {
		t.Errorf("the audit keeps the validated request: %q", reqs[0].Payload)
	}
}

func TestAnInvalidPayloadIsAuditedToo(t *testing.T) {
	f := newFixture(t, newOrg(0))
	resp, err := f.h.Handle(context.Background(), []byte(`{"acounts": ["222222222222"]}`))
	if err != nil || resp.Outcome != OutcomeInvalid {
		t.Fatalf("%+v, %v", resp, err)
	}
	if r := f.ledger.requests; len(r) != 2 || r[1].Outcome != OutcomeInvalid || !strings.Contains(r[1].Payload, "acounts") || r[1].Error == "" {
		t.Errorf("audit = %+v", r)
	}
}

func TestRunsShowAndCancel(t *testing.T) {
	f := newFixture(t, newOrg(0))
	queued, err := f.h.Handle(context.Background(), readEvent(t, "create-managed-account-succeeded.json"))
	if err != nil {
		t.Fatal(err)
	}
	id := queued.Queued[0].RunID
	f.ledger.runs[id].StartedAt = start.Add(-time.Hour)
	list, err := f.h.Handle(context.Background(), []byte(`{"runs": {"account": "222222222222"}}`))
	if err != nil || list.Outcome != OutcomeRuns || len(list.Runs) != 1 || list.Runs[0].RunID != id {
		t.Fatalf("runs: %+v, %v", list, err)
	}
	show, err := f.h.Handle(context.Background(), []byte(`{"run": "`+id+`"}`))
	if err != nil || show.Outcome != OutcomeRun || show.Run.RunID != id {
		t.Fatalf("run: %+v, %v", show, err)
	}
	cancel, err := f.h.Handle(context.Background(), []byte(`{"cancel": "`+id+`", "requestedBy": "ops@example.com"}`))
	if err != nil || cancel.Outcome != OutcomeCancelRequested || !f.ledger.runs[id].CancelRequested || f.ledger.runs[id].CancelledBy != "ops@example.com" {
		t.Fatalf("cancel: %+v, %v", cancel, err)
	}
	f.ledger.runs[id].Status = ledger.StatusFinished
	again, err := f.h.Handle(context.Background(), []byte(`{"cancel": "`+id+`"}`))
	if err != nil || again.Outcome != OutcomeInvalid || !strings.Contains(again.Error, "only a running run can be cancelled") {
		t.Errorf("cancel a finished run: %+v, %v", again, err)
	}
	missing, err := f.h.Handle(context.Background(), []byte(`{"run": "ct-nothing-222222222222"}`))
	if err != nil || missing.Outcome != OutcomeInvalid || !strings.Contains(missing.Error, "not in the ledger") {
		t.Errorf("unknown run: %+v, %v", missing, err)
	}
}

func TestABackfillExpectsItsRunsBeforeQueueingThem(t *testing.T) {
	f := newFixture(t, newOrg(4))
	resp, err := f.h.Handle(withRequest("req-cccc-3"), []byte(`{"all": true}`))
	if err != nil || resp.Outcome != OutcomeQueued {
		t.Fatalf("%+v, %v", resp, err)
	}
	if want := []string{"req-cccc-3=" + fmt.Sprint(len(resp.Queued))}; !slices.Equal(f.ledger.expected, want) {
		t.Errorf("expected runs %v, want %v", f.ledger.expected, want)
	}
	for _, s := range f.queue.sent {
		if s.run.RequestHash == "" || s.run.RequestID != "req-cccc-3" {
			t.Errorf("run %s does not name its request: %q %q", s.run.ID, s.run.RequestID, s.run.RequestHash)
		}
	}
	f.ledger.expected = nil
	if _, err := f.h.Handle(withRequest("req-dddd-4"), []byte(`{"accounts": ["222222222222"]}`)); err != nil {
		t.Fatal(err)
	}
	if len(f.ledger.expected) != 0 {
		t.Errorf("runs for named accounts tell their own stories: %v", f.ledger.expected)
	}
}

func TestABackfillThatStopsQueueingExpectsOnlyWhatItQueued(t *testing.T) {
	f := newFixture(t, newOrg(6))
	f.queue.failAt, f.queue.err = 3, errBoom
	if _, err := f.h.Handle(withRequest("req-eeee-5"), []byte(`{"all": true}`)); err == nil {
		t.Fatal("a failed send must fail the invocation")
	}
	if n := len(f.ledger.expected); n != 2 || f.ledger.expected[1] != "req-eeee-5=2" {
		t.Errorf("expected runs %v: want the full count, then the 2 queued", f.ledger.expected)
	}
}
