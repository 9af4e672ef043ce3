package launch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/runstate"
)

const securityReason = `excluded by exclude.ous "Security"`

func TestBackfillSelections(t *testing.T) {
	tests := []struct {
		name        string
		payload     string
		ctx         func(context.Context) context.Context
		noMgmt      bool // the handler is not told the management account
		wantOutcome string
		wantQueued  []string
		wantTrigger runstate.Trigger
		// wantExcluded maps account to a part of the reason.
		wantExcluded map[string]string
		// wantError is a part of the invalid payload's error.
		wantError string
	}{
		{
			name:        "OU tree",
			payload:     `{"ous": ["ou-ab12-w0rkl0ad"], "recursive": true}`,
			wantOutcome: OutcomeQueued, wantTrigger: runstate.TriggerBackfill,
			wantQueued:   []string{"888888888888", "666666666666", "777777777777"},
			wantExcluded: map[string]string{"999999999999": "SUSPENDED"},
		},
		{
			name:        "OU without its nested OUs",
			payload:     `{"ous": ["ou-ab12-w0rkl0ad"]}`,
			wantOutcome: OutcomeQueued, wantTrigger: runstate.TriggerBackfill,
			wantQueued: []string{"888888888888"},
		},
		{
			name:        "an OU and its nested OU: each account once",
			payload:     `{"ous": ["ou-ab12-pr0dw0rk", "ou-ab12-w0rkl0ad"], "recursive": true}`,
			wantOutcome: OutcomeQueued, wantTrigger: runstate.TriggerBackfill,
			wantQueued:   []string{"666666666666", "888888888888", "777777777777"},
			wantExcluded: map[string]string{"999999999999": "SUSPENDED"},
		},
		{
			name:        "whole organization",
			payload:     `{"all": true}`,
			wantOutcome: OutcomeQueued, wantTrigger: runstate.TriggerBackfill,
			wantQueued: []string{"222222222222", "624281831893", "333333333333", "888888888888", "666666666666", "777777777777"},
			wantExcluded: map[string]string{
				mgmt: "management account", "444444444444": securityReason, "555555555555": securityReason, "999999999999": "SUSPENDED",
			},
		},
		{
			name:        "management account from the function's ARN",
			payload:     `{"ous": ["r-ab12"]}`,
			noMgmt:      true,
			ctx:         functionIn(mgmt),
			wantOutcome: OutcomeNothingToDo,
			wantExcluded: map[string]string{
				mgmt: `includeManagementAccount: true in the plan`,
			},
		},
		{
			// The plan is the ceiling: a payload narrows it, never widens it.
			name:        "a payload cannot include the management account the plan leaves out",
			payload:     `{"ous": ["r-ab12"], "includeManagementAccount": true}`,
			wantOutcome: OutcomeInvalid,
			wantError:   "includeManagementAccount: the plan leaves the management account out, and a payload can only narrow the plan",
		},
		{
			name:        "accounts by ID",
			payload:     `{"accounts": ["666666666666", "123456789012", "444444444444"]}`,
			wantOutcome: OutcomeQueued, wantTrigger: runstate.TriggerManual,
			wantQueued: []string{"666666666666"},
			wantExcluded: map[string]string{
				"123456789012": "not an account of this organization", "444444444444": securityReason,
			},
		},
		{
			name:        "suspended account by ID",
			payload:     `{"accounts": ["999999999999", "777777777777"]}`,
			wantOutcome: OutcomeQueued, wantTrigger: runstate.TriggerManual,
			wantQueued:   []string{"777777777777"},
			wantExcluded: map[string]string{"999999999999": "its state in Organizations is SUSPENDED"},
		},
		{
			name:         "unknown OU",
			payload:      `{"ous": ["ou-ab12-zzzzzzzz"], "recursive": true}`,
			wantOutcome:  OutcomeNothingToDo,
			wantExcluded: map[string]string{"ou-ab12-zzzzzzzz": "is not an OU of this organization"},
		},
		{
			name:         "OU the plan excludes",
			payload:      `{"ous": ["ou-ab12-s3cur1ty"]}`,
			wantOutcome:  OutcomeNothingToDo,
			wantExcluded: map[string]string{"444444444444": securityReason, "555555555555": securityReason},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newOrg(0))
			if tt.noMgmt {
				f.h.ManagementAccount = ""
			}
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			resp, err := f.h.Handle(ctx, []byte(tt.payload))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Outcome != tt.wantOutcome {
				t.Errorf("outcome = %s (%s), want %s", resp.Outcome, resp.Message, tt.wantOutcome)
			}
			if !strings.Contains(resp.Error, tt.wantError) {
				t.Errorf("error = %q, want one containing %q", resp.Error, tt.wantError)
			}
			if got := f.queuedAccounts(); !slices.Equal(got, tt.wantQueued) {
				t.Errorf("queued %v, want %v (each once, in selection order)", got, tt.wantQueued)
			}
			var answered []string
			for _, q := range resp.Queued {
				answered = append(answered, q.Account)
			}
			if !slices.Equal(answered, tt.wantQueued) {
				t.Errorf("response lists %v as queued, want %v", answered, tt.wantQueued)
			}
			ids := map[string]bool{}
			for _, s := range f.queue.sent {
				if s.run.Trigger != tt.wantTrigger {
					t.Errorf("run %s trigger %s, want %s", s.run.ID, s.run.Trigger, tt.wantTrigger)
				}
				if ids[s.run.ID] {
					t.Errorf("run ID %s used twice", s.run.ID)
				}
				ids[s.run.ID] = true
			}
			got := map[string]string{}
			for _, e := range resp.Excluded {
				if e.Product == "" {
					got[e.Account] = e.Reason
				}
			}
			if len(got) != len(tt.wantExcluded) {
				t.Errorf("excluded = %v, want accounts %v", got, tt.wantExcluded)
			}
			for acct, reason := range tt.wantExcluded {
				if !strings.Contains(got[acct], reason) {
					t.Errorf("excluded[%s] = %q, want a reason containing %q", acct, got[acct], reason)
				}
			}
		})
	}
}

func functionIn(account string) func(context.Context) context.Context {
	return func(ctx context.Context) context.Context {
		return lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
			AwsRequestID:       "c0ffee00-1111-2222-3333-444455556666",
			InvokedFunctionArn: "arn:aws:lambda:us-east-1:" + account + ":function:landfall-launch",
		})
	}
}

func TestBackfillPagesThroughOrganizations(t *testing.T) {
	f := newFixture(t, newOrg(25))
	resp, err := f.h.Handle(context.Background(), []byte(`{"ous": ["ou-ab12-bu1kbu1k"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Queued) != 25 || len(f.queue.sent) != 25 {
		t.Fatalf("queued %d (response %d), want all 25 accounts of the OU", len(f.queue.sent), len(resp.Queued))
	}
	if n := f.org.count("ListAccountsForParent"); n != 13 {
		t.Errorf("ListAccountsForParent calls = %d, want 13 pages of 2", n)
	}
	if !strings.HasPrefix(resp.Message, "queued 25 run(s) with 150 target(s)") {
		t.Errorf("message = %q", resp.Message)
	}
}

func TestBackfillSpreadsRuns(t *testing.T) {
	f := newFixture(t, newOrg(12))
	resp, err := f.h.Handle(context.Background(), []byte(`{"ous": ["ou-ab12-bu1kbu1k"]}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, s := range f.queue.sent {
		got = append(got, fmt.Sprint(s.delay))
		if resp.Queued[i].DelaySeconds != int(s.delay/time.Second) {
			t.Errorf("response says run %d waits %ds, the queue got %s", i, resp.Queued[i].DelaySeconds, s.delay)
		}
	}
	want := "0s 0s 0s 0s 0s 15s 15s 15s 15s 15s 30s 30s"
	if strings.Join(got, " ") != want {
		t.Errorf("delays = %s, want %s (waves of WorkerConcurrency=5, 15 s apart)", strings.Join(got, " "), want)
	}
}

func TestSpreadDelay(t *testing.T) {
	tests := []struct {
		name   string
		n, per int
		// want lists the delays of the first waves, in seconds.
		want []int
	}{
		{"one run", 1, 5, []int{0}},
		{"one wave", 5, 5, []int{0}},
		{"waves 15 s apart", 11, 5, []int{0, 15, 30}},
		{"zero concurrency counts as one", 3, 0, []int{0, 15, 30}},
		{"61 waves reach the limit exactly", 305, 5, nil},
		{"62 waves keep the designed rate past 900 s", 124, 2, []int{0, 15, 30, 45, 60, 75}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			per := max(tt.per, 1)
			var firsts []int
			prev := time.Duration(-1)
			for i := range tt.n {
				d := spreadDelay(i, tt.per)
				if d < prev || d%time.Second != 0 {
					t.Fatalf("run %d: delay %s after %s; want whole seconds, non-decreasing", i, d, prev)
				}
				if i%per == 0 {
					firsts = append(firsts, int(d/time.Second))
				} else if d != prev {
					t.Fatalf("run %d: delay %s differs from its wave's %s", i, d, prev)
				}
				prev = d
			}
			if tt.want != nil && !slices.Equal(firsts[:len(tt.want)], tt.want) {
				t.Errorf("wave delays = %v, want %v", firsts, tt.want)
			}
			if last := firsts[len(firsts)-1]; last != (len(firsts)-1)*15 {
				t.Errorf("last wave at %ds, want %ds: 15 s apart at any size", last, (len(firsts)-1)*15)
			}
		})
	}
}

func TestLargeBackfillUsesTheWholeDelayRange(t *testing.T) {
	// 400 runs in waves of 5 need 1185 s at 15 s apart; they must not pile
	// up at SQS's 900 s limit: at most one wave per release time.
	per := map[time.Duration]int{}
	for i := range 400 {
		per[spreadDelay(i, 5)]++
	}
	for d, n := range per {
		if n > 5 {
			t.Errorf("%d runs start after %s, want at most 5 (one wave)", n, d)
		}
	}
	if len(per) != 80 {
		t.Errorf("%d distinct delays, want 80 waves", len(per))
	}
}

func TestQueueFailureNamesWhatWasQueued(t *testing.T) {
	f := newFixture(t, newOrg(0))
	f.queue.failAt, f.queue.err = 3, errBoom
	_, err := f.h.Handle(context.Background(), []byte(`{"ous": ["ou-ab12-l3zc8b3h"]}`))
	if !errors.Is(err, errBoom) {
		t.Fatalf("error = %v, want the queue's", err)
	}
	want := "queued 2 of 3 runs (222222222222, 624281831893), then: boom"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestOrganizationsFailureFailsTheBackfill(t *testing.T) {
	f := newFixture(t, newOrg(0))
	f.org.fail["ListChildren"] = errBoom
	_, err := f.h.Handle(context.Background(), []byte(`{"ous": ["ou-ab12-w0rkl0ad"], "recursive": true}`))
	if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "list OUs under ou-ab12-w0rkl0ad") {
		t.Fatalf("error = %v, want Organizations' failure naming the OU", err)
	}
	if len(f.queue.sent) != 0 {
		t.Errorf("queued %d runs from a partial listing", len(f.queue.sent))
	}
}

func TestManualRunOptions(t *testing.T) {
	tests := []struct {
		name        string
		payload     string
		wantTargets []string
		onlyMissing bool
	}{
		{"every target", `{"accounts": ["222222222222"]}`, []string{
			"us-east-1/baseline-vpc", "us-west-2/baseline-vpc", "us-west-1/baseline-vpc",
			"us-east-1/security-audit", "us-west-2/security-audit", "us-west-1/security-audit"}, false},
		{"only missing", `{"accounts": ["222222222222"], "onlyMissing": true}`, nil, true},
		{"regions", `{"accounts": ["222222222222"], "regions": ["us-west-1"]}`, []string{"us-west-1/baseline-vpc", "us-west-1/security-audit"}, false},
		{"products", `{"accounts": ["222222222222"], "products": ["security-audit"]}`, []string{"us-east-1/security-audit", "us-west-2/security-audit", "us-west-1/security-audit"}, false},
		{"targets", `{"accounts": ["222222222222"], "targets": [{"region": "us-west-2", "product": "baseline-vpc"}], "onlyMissing": true}`, []string{"us-west-2/baseline-vpc"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newOrg(0))
			if _, err := f.h.Handle(functionIn(mgmt)(context.Background()), []byte(tt.payload)); err != nil {
				t.Fatal(err)
			}
			if len(f.queue.sent) != 1 {
				t.Fatalf("queued %d runs, want 1", len(f.queue.sent))
			}
			run := f.queue.sent[0].run
			if run.OnlyMissing != tt.onlyMissing {
				t.Errorf("OnlyMissing = %v, want %v", run.OnlyMissing, tt.onlyMissing)
			}
			if !strings.HasPrefix(run.ID, "manual-c0ffee00-1111-2222-3333-444455556666-") || !strings.HasSuffix(run.ID, "-222222222222") || run.RequestID != "c0ffee00-1111-2222-3333-444455556666" {
				t.Errorf("run ID = %s (request %s), want it to carry the Lambda request ID and the account", run.ID, run.RequestID)
			}
			if tt.wantTargets != nil {
				var got []string
				for _, tg := range run.Targets {
					got = append(got, tg.Region+"/"+tg.Product)
				}
				if !slices.Equal(got, tt.wantTargets) {
					t.Errorf("targets = %v, want %v", got, tt.wantTargets)
				}
			}
		})
	}
}

func TestDryRun(t *testing.T) {
	f := newFixture(t, newOrg(0))
	f.dry.fail = map[string]error{"333333333333": errors.New("assume arn:aws:iam::333333333333:role/AWSControlTowerExecution: AccessDenied")}
	resp, err := f.h.Handle(context.Background(), []byte(`{"ous": ["ou-ab12-l3zc8b3h"], "dryRun": true, "onlyMissing": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Outcome != OutcomeDryRun || len(resp.DryRun) != 3 || len(resp.Queued) != 0 || len(f.queue.sent) != 0 {
		t.Fatalf("response = %+v, queue = %d: a dry run lists 3 accounts and queues nothing", resp, len(f.queue.sent))
	}
	slices.Sort(f.dry.accounts)
	if !slices.Equal(f.dry.accounts, []string{"222222222222", "333333333333", "624281831893"}) {
		t.Errorf("dry-ran %v", f.dry.accounts)
	}
	for _, run := range resp.DryRun {
		if !run.OnlyMissing {
			t.Errorf("%s: the dry run must resolve as the real run would (onlyMissing)", run.Account.ID)
		}
		for _, tg := range run.Targets {
			switch run.Account.ID {
			case "333333333333":
				if tg.Status != runstate.Failed || !strings.Contains(tg.Error, "would fail: assume") {
					t.Errorf("%s %s/%s = %s %q, want FAILED with the reason", run.Account.ID, tg.Region, tg.Product, tg.Status, tg.Error)
				}
			default:
				if tg.Status != runstate.Planned {
					t.Errorf("%s %s/%s = %s, want PLANNED", run.Account.ID, tg.Region, tg.Product, tg.Status)
				}
			}
		}
	}
	if !strings.Contains(resp.Message, "3 account(s), 18 target(s); nothing was changed") {
		t.Errorf("message = %q", resp.Message)
	}

	f.h.DryRunner = nil
	if _, err := f.h.Handle(context.Background(), []byte(`{"ous": ["ou-ab12-l3zc8b3h"], "dryRun": true}`)); err == nil || !strings.Contains(err.Error(), "dry run: not available") {
		t.Errorf("without a dry runner: error = %v", err)
	}
}

// TestInvalidManualPayloads checks that every manual form's problems come
// back to the caller naming the field, and that nothing is queued or
// published for them.
func TestInvalidManualPayloads(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    []string
	}{
		{"unknown key", `{"acounts": ["222222222222"]}`, []string{`acounts: unknown key; did you mean "accounts"?`}},
		{"two selections", `{"accounts": ["222222222222"], "all": true}`, []string{`(payload): gives "accounts" and "all" together`}},
		{"nothing selected", `{"dryRun": true}`, []string{"(payload): selects nothing"}},
		{"account ID as a number", `{"accounts": [222222222222]}`, []string{"accounts[0]: is the number 222222222222"}},
		{"account listed twice", `{"accounts": ["222222222222", "222222222222"]}`, []string{"accounts[1]: repeats accounts[0]"}},
		{"OU by name", `{"ous": ["Security"]}`, []string{`ous[0]: is not an OU ID (got "Security")`}},
		{"recursive without OUs", `{"all": true, "recursive": true}`, []string{`recursive: applies only to "ous"`}},
		{"boolean in quotes", `{"all": "true"}`, []string{`all: must be true or false, got string; write "all": true, without quotes`}},
		{"every problem at once", `{"acounts": [], "ous": ["ou-ab12-l3zc8b3h"], "regions": ["us-west-9"], "dryRun": 1}`,
			[]string{"acounts: unknown key", "regions[0]: is not an AWS region", "dryRun: must be true or false"}},
		{"region the plan lacks", `{"accounts": ["222222222222"], "regions": ["eu-west-1"]}`, []string{"eu-west-1"}},
		{"product the plan lacks", `{"accounts": ["222222222222"], "products": ["network"]}`, []string{"network"}},
		{"status with run options", `{"status": {"all": true}, "dryRun": true}`, []string{"dryRun: does not apply to a status query"}},
		{"status with unknown key", `{"status": {"al": true}}`, []string{`status.al: unknown key; did you mean "all"?`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newOrg(0))
			f.h.Status = &fakeStatus{}
			// An answer, not a function error: typos must not page on-call.
			resp, err := f.h.Handle(context.Background(), []byte(tt.payload))
			if err != nil || resp.Outcome != OutcomeInvalid {
				t.Fatalf("Handle = %+v, %v; want outcome invalid and no error", resp, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(resp.Error, w) {
					t.Errorf("error lacks %q:\n%v", w, resp.Error)
				}
			}
			if !strings.HasPrefix(resp.Error, "invalid manual payload: ") {
				t.Errorf("error %q does not say the payload is invalid", resp.Error)
			}
			if len(f.queue.sent) != 0 || len(f.notifier.msgs) != 0 || f.org.count("ListRoots")+f.org.count("DescribeAccount") != 0 {
				t.Errorf("an invalid payload queued %d runs, published %d messages or looked up accounts", len(f.queue.sent), len(f.notifier.msgs))
			}
		})
	}
}

func TestStatusPayload(t *testing.T) {
	f := newFixture(t, newOrg(0))
	if _, err := f.h.Handle(context.Background(), []byte(`{"status": {"all": true}}`)); err == nil || !strings.Contains(err.Error(), "landfall status") {
		t.Errorf("without a reporter: error = %v, want one pointing at `landfall status`", err)
	}

	st := &fakeStatus{answer: map[string]int{"OK": 6}}
	f.h.Status = st
	resp, err := f.h.Handle(context.Background(), []byte(`{"status": {"ous": ["ou-ab12-l3zc8b3h"], "recursive": true, "regions": ["us-west-1"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Outcome != OutcomeStatus || resp.Status.(map[string]int)["OK"] != 6 {
		t.Errorf("response = %+v", resp)
	}
	want := manual.StatusRequest{OUs: []string{"ou-ab12-l3zc8b3h"}, Recursive: true, Regions: []string{"us-west-1"}}
	if got := st.got[0]; !slices.Equal(got.OUs, want.OUs) || !got.Recursive || !slices.Equal(got.Regions, want.Regions) {
		t.Errorf("reporter got %+v, want %+v", got, want)
	}
	if len(f.queue.sent) != 0 {
		t.Errorf("a status query queued %d runs", len(f.queue.sent))
	}

	st.err = errBoom
	if _, err := f.h.Handle(context.Background(), []byte(`{"status": {"all": true}}`)); !errors.Is(err, errBoom) {
		t.Errorf("reporter failure: error = %v", err)
	}
}
