package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// newLedger is a ledger on the local AWS's DynamoDB, created as the local
// runner creates it, on the emulator's manual clock.
func newLedger(t *testing.T) (*ledger.Ledger, *clock.Manual, *dynamodb.Client) {
	t.Helper()
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	cloud, err := localaws.New(w, localaws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk, _ := cloud.ManualClock()
	db := dynamodb.NewFromConfig(cloud.Config("us-east-1", nil))
	if err := ledger.CreateTable(context.Background(), db, "landfall-ledger"); err != nil {
		t.Fatal(err)
	}
	return &ledger.Ledger{DB: db, Table: "landfall-ledger", Retention: 30 * 24 * time.Hour, Now: clk.Now}, clk, db
}

func newRun(id, account string, started time.Time) *runstate.Run {
	return &runstate.Run{Schema: runstate.SchemaVersion, ID: id, Trigger: runstate.TriggerCreate, Account: plan.Account{ID: account, Name: "Acct " + account},
		StartedAt: started, RequestedBy: "arn:aws:iam::111111111111:user/ops",
		Targets: []runstate.Target{{Region: "us-east-1", Product: "baseline-vpc", Status: runstate.Pending}}}
}

var ctx = context.Background()

func TestARunIsCreatedOncePerTrigger(t *testing.T) {
	l, clk, _ := newLedger(t)
	run := newRun("ct-e1-222222222222", "222222222222", clk.Now())
	if created, _, err := l.Create(ctx, run); err != nil || !created {
		t.Fatalf("first create: %v %v", created, err)
	}
	created, existing, err := l.Create(ctx, run)
	if err != nil || created || existing == nil || existing.Sent != -1 || existing.Run.ID != run.ID {
		t.Fatalf("repeat: created %v, existing %+v, %v; want the first run, not yet queued", created, existing, err)
	}
	if err := l.MarkSent(ctx, run.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, existing, _ = l.Create(ctx, run); existing.Sent != 0 {
		t.Errorf("after MarkSent the repeat must see it queued: sent %d", existing.Sent)
	}
}

func TestAdvanceLetsOneDeliveryGoOn(t *testing.T) {
	l, clk, _ := newLedger(t)
	run := newRun("ct-e2-222222222222", "222222222222", clk.Now())
	if _, _, err := l.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	run.Step = 1
	run.Targets[0].Status, run.Targets[0].RecordID = runstate.InProgress, "rec-1"
	if err := l.Advance(ctx, run, 0, "delivery-1"); err != nil {
		t.Fatal(err)
	}
	if err := l.Advance(ctx, run, 0, "delivery-1"); err != nil {
		t.Fatalf("the same attempt again (the SDK retrying a write whose answer was lost): %v, want success", err)
	}
	if err := l.Advance(ctx, run, 0, "delivery-2"); !errors.Is(err, ledger.ErrStale) {
		t.Fatalf("a second delivery of step 0: %v, want ErrStale", err)
	}
	rec, err := l.Get(ctx, run.ID)
	if err != nil || rec.Step != 1 || rec.Run.Targets[0].RecordID != "rec-1" || rec.Counts["IN_PROGRESS"] != 1 {
		t.Fatalf("ledger after step: %+v, %v", rec, err)
	}
	if _, err := l.Get(ctx, "ct-none-222222222222"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("unknown run: %v, want ErrNotFound", err)
	}
}

func TestOneSummaryUnderAClaim(t *testing.T) {
	l, clk, _ := newLedger(t)
	run := newRun("ct-e3-222222222222", "222222222222", clk.Now())
	if _, _, err := l.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	first, err := l.ClaimSummary(ctx, run.ID, "first", 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.ClaimSummary(ctx, run.ID, "first", 5*time.Minute); err != nil {
		t.Fatalf("the same claim again (a retried write): %v", err)
	}
	if _, err := l.ClaimSummary(ctx, run.ID, "second", 5*time.Minute); !errors.Is(err, ledger.ErrClaimed) {
		t.Fatalf("a second claim inside the lease: %v, want ErrClaimed", err)
	}
	clk.Advance(5*time.Minute + time.Second)
	second, err := l.ClaimSummary(ctx, run.ID, "second", 5*time.Minute)
	if err != nil {
		t.Fatalf("a claim after the lease lapsed: %v", err)
	}
	run.Targets[0].Status = runstate.Succeeded
	if err := l.RecordSummary(ctx, first, run, "sns-1"); !errors.Is(err, ledger.ErrClaimLost) {
		t.Fatalf("recording under a lapsed claim: %v, want ErrClaimLost", err)
	}
	if err := l.RecordSummary(ctx, second, run, "sns-2"); err != nil {
		t.Fatal(err)
	}
	if err := l.RecordSummary(ctx, second, run, "sns-2"); err != nil {
		t.Fatalf("recording the same summary again (a retried write): %v", err)
	}
	if _, err := l.ClaimSummary(ctx, run.ID, "third", time.Minute); !errors.Is(err, ledger.ErrFinished) {
		t.Fatalf("a claim on a finished run: %v, want ErrFinished", err)
	}
	rec, err := l.Get(ctx, run.ID)
	if err != nil || !rec.Finished() || rec.MessageID != "sns-2" || rec.Outcome != "SUCCEEDED" || rec.Summary != ledger.SummarySent || rec.FinishedAt.IsZero() {
		t.Fatalf("finished run: %+v, %v", rec, err)
	}
}

func TestAReleasedClaimCanBeTakenAtOnce(t *testing.T) {
	l, clk, _ := newLedger(t)
	run := newRun("ct-e4-222222222222", "222222222222", clk.Now())
	if _, _, err := l.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	c, err := l.ClaimSummary(ctx, run.ID, "a", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.ReleaseClaim(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ClaimSummary(ctx, run.ID, "b", time.Hour); err != nil {
		t.Errorf("after release: %v", err)
	}
}

func TestFinishedRunsExpireAfterTheRetention(t *testing.T) {
	l, clk, db := newLedger(t)
	run := newRun("ct-e5-222222222222", "222222222222", clk.Now())
	if _, _, err := l.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	if err := l.FinishWithoutSummary(ctx, run, ledger.SummarySkipped); err != nil {
		t.Fatal(err)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("landfall-ledger"), Key: key("RUN#" + run.ID)})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint(clk.Now().Add(30 * 24 * time.Hour).Unix())
	if got := num(out.Item, "expiresAt"); got != want {
		t.Errorf("expiresAt = %s, want %s (finish + retention)", got, want)
	}
	rec, _ := l.Get(ctx, run.ID)
	if rec.Summary != ledger.SummarySkipped || !rec.Finished() {
		t.Errorf("finished without summary: %+v", rec)
	}
}

func TestCancel(t *testing.T) {
	l, clk, _ := newLedger(t)
	run := newRun("ct-e6-222222222222", "222222222222", clk.Now())
	if _, _, err := l.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	rec, err := l.Cancel(ctx, run.ID, "arn:aws:iam::111111111111:user/ops")
	if err != nil || !rec.CancelRequested || rec.CancelledBy != "arn:aws:iam::111111111111:user/ops" || rec.Run == nil {
		t.Fatalf("cancel: %+v, %v", rec, err)
	}
	if err := l.FinishWithoutSummary(ctx, run, ledger.SummarySkipped); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Cancel(ctx, run.ID, ""); !errors.Is(err, ledger.ErrNotCancellable) {
		t.Errorf("cancel a finished run: %v, want ErrNotCancellable", err)
	}
	if _, err := l.Cancel(ctx, "ct-none-222222222222", ""); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("cancel an unknown run: %v, want ErrNotFound", err)
	}
}

// Stop is a cancel that says the account left; reading the run back
// says so too.
func TestStop(t *testing.T) {
	l, clk, _ := newLedger(t)
	run := newRun("ct-e7-222222222222", "222222222222", clk.Now())
	if _, _, err := l.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	const why = "account 222222222222: its state in Organizations is PENDING_CLOSURE"
	if rec, err := l.Stop(ctx, run.ID, "Organizations CloseAccount event e1", why); err != nil || !rec.CancelRequested || rec.Stopped != why {
		t.Fatalf("stop: %+v, %v", rec, err)
	}
	rec, err := l.Get(ctx, run.ID)
	if err != nil || !rec.CancelRequested || rec.Stopped != why || rec.CancelledBy != "Organizations CloseAccount event e1" {
		t.Fatalf("get after stop: %+v, %v", rec, err)
	}
}

func TestListByAccountAndByDay(t *testing.T) {
	l, clk, _ := newLedger(t)
	t0 := clk.Now()
	for i, acct := range []string{"222222222222", "333333333333", "222222222222"} {
		run := newRun(fmt.Sprintf("ct-l%d-%s", i, acct), acct, t0.Add(time.Duration(i)*26*time.Hour))
		if _, _, err := l.Create(ctx, run); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if err := l.FinishWithoutSummary(ctx, run, ledger.SummarySkipped); err != nil {
				t.Fatal(err)
			}
		}
	}
	clk.AdvanceTo(t0.Add(3 * 24 * time.Hour))
	ids := func(recs []*ledger.Record, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			if r.Account == "" || r.AccountName == "" || r.Status == "" {
				t.Errorf("listing of %s lacks account, name or status: %+v", r.RunID, r)
			}
			out = append(out, r.RunID)
		}
		return out
	}
	cases := []struct {
		name string
		f    ledger.Filter
		want string
	}{
		{"every run, newest first", ledger.Filter{Since: t0}, "[ct-l2-222222222222 ct-l1-333333333333 ct-l0-222222222222]"},
		{"one account", ledger.Filter{Since: t0, Account: "222222222222"}, "[ct-l2-222222222222 ct-l0-222222222222]"},
		{"since", ledger.Filter{Since: t0.Add(time.Hour)}, "[ct-l2-222222222222 ct-l1-333333333333]"},
		{"by status", ledger.Filter{Since: t0, Status: ledger.StatusFinished}, "[ct-l1-333333333333]"},
		{"by outcome", ledger.Filter{Since: t0, Status: "SUCCEEDED"}, "[]"},
		{"limit", ledger.Filter{Since: t0, Limit: 1}, "[ct-l2-222222222222]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(ids(l.List(ctx, c.f))); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestRequestsAreAudited(t *testing.T) {
	l, _, _ := newLedger(t)
	r := &ledger.Request{RequestID: "req-1", PayloadHash: "abc", Kind: "accounts", Payload: `{"accounts":["222222222222"]}`,
		RequestedBy: "arn:aws:iam::111111111111:user/ops", Outcome: "started"}
	if err := l.RecordRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	r.Outcome, r.Runs, r.Accounts, r.Targets = "queued", []string{"manual-req-1-222222222222"}, []string{"222222222222"}, 3
	if err := l.RecordRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := l.GetRequest(ctx, "req-1", "abc")
	if err != nil || got.Outcome != "queued" || got.Attempts != 2 || got.RunCount != 1 || got.RequestedBy != r.RequestedBy || got.Targets != 3 {
		t.Fatalf("audit: %+v, %v", got, err)
	}
}

func TestDurationsAreObserved(t *testing.T) {
	l, _, _ := newLedger(t)
	for _, d := range []time.Duration{4 * time.Minute, 6 * time.Minute, 5 * time.Minute} {
		if err := l.Observe(ctx, "us-east-1", "baseline-vpc", d); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Durations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := got["us-east-1/baseline-vpc"]; d.Samples != 3 || d.Mean != 5*time.Minute || d.Last != 5*time.Minute {
		t.Errorf("durations = %+v", got)
	}
}

func backfillRun(i int, status runstate.Status, started time.Time) *runstate.Run {
	acct := fmt.Sprintf("%012d", 300000000000+i)
	run := newRun(fmt.Sprintf("backfill-req-1-abc-%s", acct), acct, started)
	run.Trigger, run.RequestID, run.RequestHash = runstate.TriggerBackfill, "req-1", "abc"
	run.Targets[0].Status = status
	if status == runstate.Failed {
		run.Targets[0].Error = "stack " + acct + " failed: AuditBucket already exists"
	}
	return run
}

func TestABackfillGathersIntoOneRollUp(t *testing.T) {
	l, clk, _ := newLedger(t)
	if err := l.RecordRequest(ctx, &ledger.Request{RequestID: "req-1", PayloadHash: "abc", Outcome: "started", RequestedBy: "ops"}); err != nil {
		t.Fatal(err)
	}
	if err := l.ExpectRuns(ctx, "req-1", "abc", 3); err != nil {
		t.Fatal(err)
	}
	runs := []*runstate.Run{backfillRun(1, runstate.Succeeded, clk.Now()), backfillRun(2, runstate.Failed, clk.Now()), backfillRun(3, runstate.Succeeded, clk.Now())}
	var last *ledger.RollUp
	for i, run := range runs {
		r, err := l.Contribute(ctx, run)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := l.Contribute(ctx, run); err != nil || again.Finished != r.Finished {
			t.Fatalf("a repeated contribution must add nothing: %+v, %v", again, err)
		}
		if r.Complete() != (i == 2) {
			t.Fatalf("after run %d complete = %v", i+1, r.Complete())
		}
		last = r
	}
	if last.Outcomes["SUCCEEDED"] != 2 || last.Outcomes["FAILED"] != 1 || last.Targets["SUCCEEDED"] != 2 || last.Targets["FAILED"] != 1 ||
		len(last.Failures) != 1 || last.Failures[0].Account != "300000000002" || last.RequestedBy != "ops" {
		t.Fatalf("roll-up = %+v", last)
	}
	c, err := l.ClaimRollUp(ctx, "req-1", "abc", "w1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.ClaimRollUp(ctx, "req-1", "abc", "w2", time.Minute); !errors.Is(err, ledger.ErrClaimed) {
		t.Fatalf("second claim: %v", err)
	}
	if err := l.RecordRollUp(ctx, "req-1", "abc", c, "sns-9"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ClaimRollUp(ctx, "req-1", "abc", "w3", time.Minute); !errors.Is(err, ledger.ErrFinished) {
		t.Fatalf("claim after publish: %v", err)
	}
}

func TestARollUpKeepsABoundedListOfFailures(t *testing.T) {
	l, clk, _ := newLedger(t)
	if err := l.ExpectRuns(ctx, "req-1", "abc", ledger.MaxFailures+5); err != nil {
		t.Fatal(err)
	}
	var r *ledger.RollUp
	for i := range ledger.MaxFailures + 5 {
		var err error
		if r, err = l.Contribute(ctx, backfillRun(i, runstate.Failed, clk.Now())); err != nil {
			t.Fatal(err)
		}
	}
	if !r.Complete() || len(r.Failures) != ledger.MaxFailures || r.DroppedFailures != 5 || r.Targets["FAILED"] != ledger.MaxFailures+5 {
		t.Errorf("complete %v, failures kept %d, dropped %d, counted %d", r.Complete(), len(r.Failures), r.DroppedFailures, r.Targets["FAILED"])
	}
}

func TestARunOutsideABackfillIsRefused(t *testing.T) {
	l, clk, _ := newLedger(t)
	if _, err := l.Contribute(ctx, backfillRun(1, runstate.Succeeded, clk.Now())); !errors.Is(err, ledger.ErrNoRollUp) {
		t.Error("a contribution to a request that expects no runs must fail")
	}
}
