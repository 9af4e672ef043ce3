package worker

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/runstate"
)

func handle(t *testing.T, h *Handler, ev events.SQSEvent) events.SQSEventResponse {
	t.Helper()
	resp, err := h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func fakeLedgerOf(h *Handler) *fakeLedger { return h.Ledger.(*fakeLedger) }

// waiting is a handler whose run waits for its role (a continuation);
// failing one whose run fails at once (a summary).
func waiting(t *testing.T, q *fakeQueue, n *fakeNotifier) *Handler {
	return handler(t, t0.Add(5*time.Minute), q, n, &deniedAccounts{})
}

func failing(t *testing.T, q *fakeQueue, n *fakeNotifier) *Handler {
	return handler(t, t0.Add(31*time.Minute), q, n, &deniedAccounts{})
}

func TestARepeatedMessageAdvancesTheRunOnce(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	h := waiting(t, q, n)
	fakeLedgerOf(h).create(pendingRun(), 0)
	ev := message(t, pendingRun())
	handle(t, h, ev)
	if resp := handle(t, h, ev); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("a repeat must be acknowledged: %+v", resp)
	}
	if len(q.sent) != 1 || q.sent[0].Step != 1 {
		t.Fatalf("sent %d continuations, want 1 at step 1", len(q.sent))
	}
	if rec := fakeLedgerOf(h).recs[pendingRun().ID]; rec.Step != 1 || rec.Sent != 1 {
		t.Errorf("ledger step %d sent %d, want 1 and 1", rec.Step, rec.Sent)
	}
}

func TestAStepWhoseSendFailedIsSentFromTheLedger(t *testing.T) {
	q, n := &fakeQueue{err: errors.New("sqs down")}, &fakeNotifier{}
	h := waiting(t, q, n)
	fakeLedgerOf(h).create(pendingRun(), 0)
	ev := message(t, pendingRun())
	if resp := handle(t, h, ev); len(resp.BatchItemFailures) != 1 {
		t.Fatalf("a failed continuation must hand the message back: %+v", resp)
	}
	q.err = nil
	handle(t, h, ev) // SQS delivers it again
	if len(q.sent) != 1 || q.sent[0].Step != 1 || q.sent[0].Idle != 1 {
		t.Fatalf("want the recorded step 1 sent from the ledger, got %+v", q.sent)
	}
	handle(t, h, ev) // and once more: now the ledger knows step 1 is queued
	if len(q.sent) != 1 {
		t.Errorf("a third delivery sent again: %d sends", len(q.sent))
	}
}

func TestOneSummaryPerRun(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	h := failing(t, q, n)
	ev := message(t, pendingRun())
	for range 3 {
		if resp := handle(t, h, ev); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("repeats of a finished run are acknowledged: %+v", resp)
		}
	}
	rec := fakeLedgerOf(h).recs[pendingRun().ID]
	if len(n.msgs) != 1 || rec.MessageID != "sns-1" || !rec.Finished() || rec.Outcome != "FAILED" {
		t.Errorf("summaries %d, ledger %+v; want one, recorded as sns-1", len(n.msgs), rec)
	}
}

func TestSummaryCrashPoints(t *testing.T) {
	run := pendingRun()
	ev := message(t, run)
	t.Run("claimed by a live delivery: hand back, publish nothing", func(t *testing.T) {
		q, n := &fakeQueue{}, &fakeNotifier{}
		h := failing(t, q, n)
		l := fakeLedgerOf(h)
		l.create(run, 0)
		if _, err := l.ClaimSummary(context.Background(), run.ID, "other", claimLease); err != nil {
			t.Fatal(err)
		}
		l.recs[run.ID].Step = 0
		if resp := handle(t, h, ev); len(resp.BatchItemFailures) != 1 || len(n.msgs) != 0 {
			t.Fatalf("failures %+v, summaries %d; want the message back and none", resp, len(n.msgs))
		}
	})
	t.Run("died after claiming: the claim lapses and the redelivery publishes", func(t *testing.T) {
		q, n := &fakeQueue{}, &fakeNotifier{}
		h := failing(t, q, n)
		l := fakeLedgerOf(h)
		l.create(run, 0)
		dead := clone(run)
		dead.Step = 1
		timeOut(dead, time.Hour)
		if err := l.Advance(context.Background(), dead, 0, "dead"); err != nil {
			t.Fatal(err)
		}
		if _, err := l.ClaimSummary(context.Background(), run.ID, "dead", claimLease); err != nil {
			t.Fatal(err)
		}
		later := time.Now()
		h.Now = func() time.Time { return later }
		l.now = func() time.Time { return t0.Add(31*time.Minute + claimLease + time.Second) }
		if resp := handle(t, h, ev); len(resp.BatchItemFailures) != 0 || len(n.msgs) != 1 {
			t.Fatalf("failures %+v, summaries %d; want one summary", resp, len(n.msgs))
		}
		if !strings.Contains(n.msgs[0].Text, "maximum age") {
			t.Errorf("the summary must be the recorded state's, got:\n%s", n.msgs[0].Text)
		}
	})
	t.Run("SNS refused: the claim is released and the requeued run publishes", func(t *testing.T) {
		q, n := &fakeQueue{}, &fakeNotifier{err: errors.New("sns down")}
		h := failing(t, q, n)
		handle(t, h, ev)
		l := fakeLedgerOf(h)
		if _, held := l.claims[run.ID]; held || len(q.sent) != 1 {
			t.Fatalf("claim held %v, requeued %d; want released and 1", held, len(q.sent))
		}
		n.err = nil
		handle(t, h, message(t, q.sent[0]))
		if len(n.msgs) != 1 || !l.recs[run.ID].Finished() {
			t.Errorf("summaries %d, finished %v; want 1 and finished", len(n.msgs), l.recs[run.ID].Finished())
		}
	})
	t.Run("published, then the ledger write failed: acknowledged, never published twice", func(t *testing.T) {
		q, n := &fakeQueue{}, &fakeNotifier{}
		h := failing(t, q, n)
		fakeLedgerOf(h).recordErr = errors.New("dynamodb down")
		if resp := handle(t, h, ev); len(resp.BatchItemFailures) != 0 || len(n.msgs) != 1 {
			t.Fatalf("failures %+v, summaries %d; want acknowledged with one", resp, len(n.msgs))
		}
		if resp := handle(t, h, ev); len(resp.BatchItemFailures) != 1 || len(n.msgs) != 1 {
			t.Errorf("a repeat within the claim's lease must wait, not publish: %+v, %d", resp, len(n.msgs))
		}
	})
}

func TestACancelledRunFinishesAtItsNextStep(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	h := waiting(t, q, n)
	run := pendingRun()
	run.Targets = append(run.Targets, runstate.Target{Region: "us-west-2", Product: "baseline-vpc", Status: runstate.InProgress, RecordID: "rec-9"},
		runstate.Target{Region: "eu-west-1", Product: "baseline-vpc", Status: runstate.Succeeded})
	l := fakeLedgerOf(h)
	l.create(run, 0)
	rec := l.recs[run.ID]
	rec.CancelRequested, rec.CancelledBy, rec.CancelAt = true, "arn:aws:iam::111111111111:user/ops", t0
	handle(t, h, message(t, run))
	if len(q.sent) != 0 || len(n.msgs) != 1 {
		t.Fatalf("sent %d, summaries %d; want no continuation and one summary", len(q.sent), len(n.msgs))
	}
	got := l.recs[run.ID].Run
	if c := got.Counts(); c[runstate.Cancelled] != 2 || c[runstate.Succeeded] != 1 {
		t.Errorf("counts %v, want 2 CANCELLED and the SUCCEEDED kept", c)
	}
	if e := got.Target("us-west-2", "baseline-vpc").Error; !strings.Contains(e, "user/ops") || !strings.Contains(e, "rec-9") {
		t.Errorf("the cancelled record's target must say who and which record: %q", e)
	}
}

func TestWithoutTheLedgerNothingHappens(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	h := failing(t, q, n)
	fakeLedgerOf(h).err = errors.New("dynamodb unavailable")
	if resp := handle(t, h, message(t, pendingRun())); len(resp.BatchItemFailures) != 1 {
		t.Fatalf("the message must come back: %+v", resp)
	}
	if len(q.sent) != 0 || len(n.msgs) != 0 {
		t.Errorf("sent %d, summaries %d; want nothing", len(q.sent), len(n.msgs))
	}
}

func TestATimedOutTargetThatNeverStartedHasNoRecordToCheck(t *testing.T) {
	run := pendingRun()
	run.Targets = append(run.Targets, runstate.Target{Region: "us-west-2", Product: "baseline-vpc", Status: runstate.InProgress, RecordID: "rec-1"})
	timeOut(run, time.Hour)
	if e := run.Targets[0].Error; strings.Contains(e, "check the record") || !strings.Contains(e, "before this target started") {
		t.Errorf("never started: %q", e)
	}
	if e := run.Targets[1].Error; !strings.Contains(e, "check the record") || !strings.Contains(e, "rec-1") {
		t.Errorf("started: %q", e)
	}
}

var _ Ledger = (*ledger.Ledger)(nil)

type durationsReader struct {
	reads int
	err   error
}

func (r *durationsReader) Durations(context.Context) (map[string]ledger.Duration, error) {
	r.reads++
	return map[string]ledger.Duration{"us-west-2/baseline-vpc": {Samples: 2, Mean: 6 * time.Minute}}, r.err
}

func TestDurationsAreReadAtMostEveryTenMinutes(t *testing.T) {
	now := t0
	r := &durationsReader{}
	d := &Durations{Ledger: r, Now: func() time.Time { return now }}
	log := slogDiscard()
	d.Refresh(context.Background(), log)
	d.Refresh(context.Background(), log)
	if r.reads != 1 || d.Expected("us-west-2", "baseline-vpc") != 6*time.Minute || d.Expected("us-east-1", "baseline-vpc") != 0 {
		t.Fatalf("reads %d, expected %s", r.reads, d.Expected("us-west-2", "baseline-vpc"))
	}
	now = now.Add(durationsMaxAge)
	r.err = errors.New("throttled")
	d.Refresh(context.Background(), log)
	if r.reads != 2 || d.Expected("us-west-2", "baseline-vpc") != 6*time.Minute {
		t.Errorf("a failed read must keep what was known: reads %d", r.reads)
	}
}
