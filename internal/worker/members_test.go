package worker

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/runstate"
)

// fakeMembers admits every account unless it has an answer for it.
type fakeMembers struct {
	answers map[string]error
	calls   int
}

func (f *fakeMembers) Check(_ context.Context, account string) error {
	f.calls++
	return f.answers[account]
}

// An account that left (closed, suspended, removed) stops its run with the
// rest cancelled; one refused for another reason fails it. Neither assumes
// a role, and either way exactly one summary says why.
func TestRefusedAccountIsNeverAssumed(t *testing.T) {
	for _, tc := range []struct {
		reason   string
		inactive bool
		status   runstate.Status
		outcome  string
		says     string
	}{
		{"it is not an account of this organization", true, runstate.Cancelled, "CANCELLED", "cancelled: the account left"},
		{"its state in Organizations is SUSPENDED, not ACTIVE: Landfall acts only in active accounts", true, runstate.Cancelled, "CANCELLED", "cancelled: the account left"},
		{"it is the organization's management account, which the plan leaves out (set includeManagementAccount: true in the plan to include it)", false, runstate.Failed, "FAILED", "not attempted"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			q, n := &fakeQueue{}, &fakeNotifier{}
			acc := &deniedAccounts{}
			h := handler(t, t0, q, n, acc)
			h.Members = &fakeMembers{answers: map[string]error{"222222222222": &membership.Refusal{Account: "222222222222", Reason: tc.reason, Inactive: tc.inactive}}}
			run := pendingRun()
			run.Targets = append(run.Targets, runstate.Target{Region: "us-west-2", Product: "baseline-vpc", Status: runstate.InProgress, RecordID: "rec-1"})
			if _, err := h.Handle(context.Background(), message(t, run)); err != nil {
				t.Fatal(err)
			}
			if acc.calls != 0 {
				t.Fatalf("the execution role was assumed %d times for a refused account", acc.calls)
			}
			if len(q.sent) != 0 || len(n.msgs) != 1 {
				t.Fatalf("want one summary and no continuation, got %d sent, %d published", len(q.sent), len(n.msgs))
			}
			m := n.msgs[0]
			if m.Doc.Outcome != tc.outcome || !strings.Contains(m.Text, tc.reason) {
				t.Errorf("summary %q (%s) does not say why, want outcome %s", m.Text, m.Doc.Outcome, tc.outcome)
			}
			for _, tl := range m.Doc.Targets {
				if tl.Status != string(tc.status) || !strings.Contains(tl.Error, tc.says) {
					t.Errorf("target %s/%s = %s %q, want %s %q", tl.Region, tl.Product, tl.Status, tl.Error, tc.status, tc.says)
				}
			}
			if tc.inactive && !strings.Contains(m.Text, "rec-1") {
				t.Errorf("summary does not name the record still running:\n%s", m.Text)
			}
		})
	}
}

func TestUnconfirmedMembershipWaitsWithoutAssuming(t *testing.T) {
	q, n := &fakeQueue{}, &fakeNotifier{}
	acc := &deniedAccounts{}
	h := handler(t, t0, q, n, acc)
	h.Members = &fakeMembers{answers: map[string]error{"222222222222": errors.New("list the organization's accounts: TooManyRequestsException")}}
	if _, err := h.Handle(context.Background(), message(t, pendingRun())); err != nil {
		t.Fatal(err)
	}
	if acc.calls != 0 || len(n.msgs) != 0 || len(q.sent) != 1 || q.sent[0].Targets[0].Status != runstate.Pending {
		t.Fatalf("Organizations unavailable: want the run continued untouched without assuming, got assumed %d, published %d, sent %d", acc.calls, len(n.msgs), len(q.sent))
	}
}
