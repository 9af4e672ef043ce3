package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/runstate"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type fakeQueue struct {
	sent   []*runstate.Run
	delays []time.Duration
	err    error
}

func (q *fakeQueue) Send(_ context.Context, run *runstate.Run, delay time.Duration) error {
	if q.err != nil {
		return q.err
	}
	cp := *run
	q.sent = append(q.sent, &cp)
	q.delays = append(q.delays, delay)
	return nil
}

type fakeNotifier struct {
	msgs []notify.Message
	err  error
}

func (n *fakeNotifier) Publish(_ context.Context, m notify.Message) error {
	_, err := n.PublishSummary(context.Background(), m)
	return err
}

func (n *fakeNotifier) PublishSummary(_ context.Context, m notify.Message) (string, error) {
	if n.err != nil {
		return "", n.err
	}
	n.msgs = append(n.msgs, m)
	return fmt.Sprintf("sns-%d", len(n.msgs)), nil
}

// deniedAccounts refuses the role, like STS for a missing role.
type deniedAccounts struct{ calls int }

func (d *deniedAccounts) Open(context.Context, string, string) (string, provision.Catalogs, error) {
	d.calls++
	return "", nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform: sts:AssumeRole"}
}

func handler(t *testing.T, now time.Time, q *fakeQueue, n *fakeNotifier, acc Accounts) *Handler {
	t.Helper()
	pl, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	return &Handler{Plan: pl, Engine: &provision.Engine{Plan: pl}, Members: &fakeMembers{}, Accounts: acc, Queue: q, Notifier: n,
		Ledger: newFakeLedger(clock), Now: clock, Logger: slog.New(slog.DiscardHandler)}
}

func message(t *testing.T, r *runstate.Run) events.SQSEvent {
	t.Helper()
	b, err := runstate.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	return events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m-1", Body: string(b)}}}
}

func pendingRun() *runstate.Run {
	return &runstate.Run{Schema: runstate.SchemaVersion, ID: "ct-1-222222222222", Trigger: runstate.TriggerCreate,
		Account: plan.Account{ID: "222222222222", Name: "LifeCycle1"}, StartedAt: t0,
		Targets: []runstate.Target{{Region: "us-east-1", Product: "baseline-vpc", Status: runstate.Pending}}}
}

func TestPoisonMessageGoesToTheDLQReportedOnce(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	h := handler(t, t0, q, n, &deniedAccounts{})
	poison := func(receive string) events.SQSEvent {
		return events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m-9", Body: `{"schema": 7}`,
			Attributes: map[string]string{"ApproximateReceiveCount": receive}}}}
	}
	resp, err := h.Handle(context.Background(), poison("1"))
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m-9" {
		t.Fatalf("an unreadable message must fail (towards the DLQ), not be dropped: %v %+v", err, resp)
	}
	if len(n.msgs) != 1 || n.msgs[0].Doc.Kind != "invalid-event" || !strings.Contains(n.msgs[0].Text, `{"schema": 7}`) {
		t.Fatalf("want the message reported with its body, got %+v", n.msgs)
	}
	// Later deliveries fail again without repeating the report.
	resp, _ = h.Handle(context.Background(), poison("2"))
	if len(resp.BatchItemFailures) != 1 || len(n.msgs) != 1 {
		t.Errorf("second delivery: failures %+v, reports %d; want 1 and still 1", resp.BatchItemFailures, len(n.msgs))
	}
	// Even when SNS is down, the message is kept (it fails to the DLQ).
	n.err = errors.New("sns down")
	resp, _ = h.Handle(context.Background(), poison("1"))
	if len(resp.BatchItemFailures) != 1 {
		t.Errorf("want m-9 as a batch item failure, got %+v", resp)
	}
}

func TestRoleWaitThenFail(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	acc := &deniedAccounts{}
	h := handler(t, t0.Add(5*time.Minute), q, n, acc)
	if _, err := h.Handle(context.Background(), message(t, pendingRun())); err != nil {
		t.Fatal(err)
	}
	if len(q.sent) != 1 || len(n.msgs) != 0 || q.sent[0].Targets[0].Status != runstate.Pending {
		t.Fatalf("within the role deadline the run must wait: sent %d, notified %d", len(q.sent), len(n.msgs))
	}
	if q.sent[0].Idle != 1 || q.delays[0] != time.Minute {
		t.Errorf("idle step: idle=%d delay=%s, want 1 and 1m (backoff grows while nothing moves)", q.sent[0].Idle, q.delays[0])
	}
	late := handler(t, t0.Add(31*time.Minute), q, n, acc)
	if _, err := late.Handle(context.Background(), message(t, pendingRun())); err != nil {
		t.Fatal(err)
	}
	if len(n.msgs) != 1 || n.msgs[0].Doc.Outcome != "FAILED" || !strings.Contains(n.msgs[0].Text, "cannot assume the execution role") {
		t.Fatalf("after the deadline the run must fail with a summary, got %+v", n.msgs)
	}
}

func TestTimedOutRunIsSummarised(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	run := pendingRun()
	run.Targets = append(run.Targets, runstate.Target{Region: "us-west-1", Product: "baseline-vpc", Status: runstate.InProgress, RecordID: "rec-7"},
		runstate.Target{Region: "us-west-2", Product: "baseline-vpc", Status: runstate.Succeeded})
	h := handler(t, t0.Add(3*time.Hour), q, n, &deniedAccounts{})
	if _, err := h.Handle(context.Background(), message(t, run)); err != nil {
		t.Fatal(err)
	}
	if len(n.msgs) != 1 {
		t.Fatalf("want one summary, got %d", len(n.msgs))
	}
	doc := n.msgs[0].Doc
	if doc.Counts["TIMED_OUT"] != 2 || doc.Counts["SUCCEEDED"] != 1 || !strings.Contains(n.msgs[0].Text, "record rec-7") {
		t.Errorf("summary = %+v\n%s", doc.Counts, n.msgs[0].Text)
	}
}

func TestSummaryPublishFailureRequeuesFinishedRun(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{err: errors.New("sns down")}
	run := pendingRun()
	run.Targets[0].Status = runstate.Succeeded
	h := handler(t, t0, q, n, &deniedAccounts{})
	resp, err := h.Handle(context.Background(), message(t, run))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("requeued: the message itself is done: %v %+v", err, resp)
	}
	if len(q.sent) != 1 || !q.sent[0].Complete() {
		t.Fatalf("the finished run must go back on the queue to publish later, got %+v", q.sent)
	}
	// Both SNS and SQS down: only then does the message come back.
	q.err = errors.New("sqs down")
	resp, _ = h.Handle(context.Background(), message(t, run))
	if len(resp.BatchItemFailures) != 1 {
		t.Errorf("want a batch item failure, got %+v", resp)
	}
	// A finished run that comes back publishes without touching any account.
	q.err, n.err = nil, nil
	acc := &deniedAccounts{}
	h = handler(t, t0, q, n, acc)
	if _, err := h.Handle(context.Background(), message(t, run)); err != nil {
		t.Fatal(err)
	}
	if len(n.msgs) != 1 || acc.calls != 0 {
		t.Errorf("published %d, role assumed %d times; want 1 and 0", len(n.msgs), acc.calls)
	}
}

func TestContinuationFailureIsRetried(t *testing.T) {
	q, n := &fakeQueue{err: errors.New("sqs down")}, &fakeNotifier{}
	h := handler(t, t0, q, n, &deniedAccounts{})
	resp, err := h.Handle(context.Background(), message(t, pendingRun()))
	if err != nil || len(resp.BatchItemFailures) != 1 {
		t.Errorf("a continuation that cannot be sent must make SQS redeliver: %v %+v", err, resp)
	}
}

// flakyAccounts fails like STS throttling that outlived the SDK's retries.
type flakyAccounts struct{}

func (flakyAccounts) Open(context.Context, string, string) (string, provision.Catalogs, error) {
	return "", nil, &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
}

func TestTransientSTSErrorKeepsTheRunGoing(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	h := handler(t, t0.Add(50*time.Minute), q, n, flakyAccounts{})
	if _, err := h.Handle(context.Background(), message(t, pendingRun())); err != nil {
		t.Fatal(err)
	}
	if len(n.msgs) != 0 || len(q.sent) != 1 || q.sent[0].Targets[0].Status != runstate.Pending {
		t.Fatalf("a throttled AssumeRole must not fail the run: notified %d, sent %+v", len(n.msgs), q.sent)
	}
}

func TestPublishGivesUpAfterAttempts(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{err: errors.New("KMS key disabled")}
	run := pendingRun()
	run.Targets[0].Status = runstate.Succeeded
	h := handler(t, t0, q, n, &deniedAccounts{})
	for attempt := 1; attempt < maxPublishAttempts; attempt++ {
		resp, _ := h.Handle(context.Background(), message(t, run))
		if len(resp.BatchItemFailures) != 0 {
			t.Fatalf("attempt %d: must requeue, not fail", attempt)
		}
		run = q.sent[len(q.sent)-1]
	}
	resp, _ := h.Handle(context.Background(), message(t, run))
	if len(resp.BatchItemFailures) != 1 {
		t.Errorf("after %d attempts the message must fail (to the DLQ and its alarm), got %+v", maxPublishAttempts, resp)
	}
}

// slowNotifier is SNS that never answers: Publish waits out its context.
type slowNotifier struct{}

func (slowNotifier) Publish(ctx context.Context, _ notify.Message) error {
	<-ctx.Done()
	return ctx.Err()
}

func (slowNotifier) PublishSummary(ctx context.Context, _ notify.Message) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

// sendCheckingQueue fails a Send whose context is already done, as the SDK would.
type sendCheckingQueue struct{ fakeQueue }

func (q *sendCheckingQueue) Send(ctx context.Context, run *runstate.Run, delay time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return q.fakeQueue.Send(ctx, run, delay)
}

func TestSlowSNSStillRequeues(t *testing.T) {
	q := &sendCheckingQueue{}
	run := pendingRun()
	run.Targets[0].Status = runstate.Succeeded
	h := handler(t, t0, &q.fakeQueue, &fakeNotifier{}, &deniedAccounts{})
	h.Queue, h.Notifier, h.SendTimeout = q, slowNotifier{}, 20*time.Millisecond
	resp, err := h.Handle(context.Background(), message(t, run))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("a publish that timed out must still requeue: %v %+v", err, resp)
	}
	if len(q.sent) != 1 || q.sent[0].PublishAttempts != 1 {
		t.Fatalf("requeued %d runs (attempts %v); want the finished run with one attempt counted", len(q.sent), q.sent)
	}
}
