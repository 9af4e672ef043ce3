package worker

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/runstate"
)

// A run that is still to look for retirement candidates is not complete,
// even without targets; every way a run ends before it reaches its account
// ends the looking too, saying so, so the run finishes with its one summary
// instead of coming back for ever.
func TestRunsThatNeverLookFinish(t *testing.T) {
	retiring := func() *runstate.Run {
		r := pendingRun()
		r.Trigger, r.Targets, r.Retire = runstate.TriggerManual, nil, true
		return r
	}
	tests := []struct {
		name  string
		now   time.Time
		setup func(h *Handler)
		says  string
	}{
		{"refused", t0, func(h *Handler) {
			h.Members = &fakeMembers{answers: map[string]error{"222222222222": &membership.Refusal{Account: "222222222222", Reason: "it is the management account"}}}
		}, "Landfall will not act in this account"},
		{"the account left", t0, func(h *Handler) {
			h.Members = &fakeMembers{answers: map[string]error{"222222222222": &membership.Refusal{Account: "222222222222", Reason: "suspended", Inactive: true}}}
		}, "the account left Landfall's reach"},
		{"role never assumable", t0.Add(45 * time.Minute), nil, "the execution role could not be assumed"},
		{"out of time", t0.Add(3 * time.Hour), nil, "the run exceeded its maximum age of 2h0m0s first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, n := &fakeQueue{}, &fakeNotifier{}
			h := handler(t, tt.now, q, n, &deniedAccounts{})
			if tt.setup != nil {
				tt.setup(h)
			}
			if _, err := h.Handle(context.Background(), message(t, retiring())); err != nil {
				t.Fatal(err)
			}
			if len(q.sent) != 0 || len(n.msgs) != 1 {
				t.Fatalf("want one summary and no continuation, got %d sent, %d published", len(q.sent), len(n.msgs))
			}
			if want := "retirement candidates were not looked for: " + tt.says; !strings.Contains(n.msgs[0].Text, want) {
				t.Errorf("summary does not say %q:\n%s", want, n.msgs[0].Text)
			}
		})
	}
}

func TestCancelledRunStopsLooking(t *testing.T) {
	r := pendingRun()
	r.Retire = true
	cancelRun(r, &ledger.Record{CancelledBy: "alice", CancelAt: t0}, t0)
	if r.Looking() || !r.Complete() {
		t.Errorf("a cancelled run still looks (%v) or is not complete (%v)", r.Looking(), r.Complete())
	}
}

// TestHistoryOfAddedTargets: targets a step added (retirement candidates)
// have no state from before the step, and are stamped like the others.
func TestHistoryOfAddedTargets(t *testing.T) {
	h := handler(t, t0, &fakeQueue{}, &fakeNotifier{}, &deniedAccounts{})
	r := pendingRun()
	before := snapshot(r)
	r.Targets = append(r.Targets, runstate.Target{Region: "us-west-2", Product: "old", Status: runstate.Retirable, Action: runstate.ActionRetain, ProvisionedProductID: "pp-1"})
	h.history(context.Background(), h.logger(), r, before)
	if tg := r.Targets[1]; tg.StartedAt.IsZero() || tg.FinishedAt.IsZero() {
		t.Errorf("added target not stamped: %+v", tg)
	}
}
