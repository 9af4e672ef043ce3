package launch

import (
	"context"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

func TestRetires(t *testing.T) {
	retain, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	terminate, err := plan.Parse([]byte("retire: terminate\n"+string(plan.Example())), "terminate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	narrowed := plan.Filter{Regions: []string{"us-east-1"}}
	tests := []struct {
		name       string
		pl         *plan.Plan
		trigger    runstate.Trigger
		hasTargets bool
		f          plan.Filter
		want       bool
	}{
		{"a run with targets looks, retain or not", retain, runstate.TriggerCreate, true, plan.Filter{}, true},
		{"a backfill's run with targets looks", retain, runstate.TriggerBackfill, true, plan.Filter{}, true},
		{"narrowed by hand: touches only what it names", terminate, runstate.TriggerManual, true, narrowed, false},
		{"narrowed even without targets", terminate, runstate.TriggerMove, false, narrowed, false},
		{"nothing placed, retain everywhere: status reports it", retain, runstate.TriggerBackfill, false, plan.Filter{}, false},
		{"nothing placed, something may be terminated", terminate, runstate.TriggerBackfill, false, plan.Filter{}, true},
		{"nothing placed after a move: its candidates are news", retain, runstate.TriggerMove, false, plan.Filter{}, true},
	}
	for _, tt := range tests {
		if got := retires(tt.pl, tt.trigger, tt.hasTargets, tt.f); got != tt.want {
			t.Errorf("%s: retires = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestRetireQueuesRunsWithoutTargets: with retire: terminate, an account
// the plan excludes still gets a run, which looks for what Landfall left
// there; a dry run of it asks the dry runner too.
func TestRetireQueuesRunsWithoutTargets(t *testing.T) {
	f := newFixture(t, newOrg(0))
	pl, err := plan.Parse([]byte(strings.Replace(string(plan.Example()), "updatePolicy: leave\n", "updatePolicy: leave\nretire: terminate\n", 1)), "terminate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f.h.Plan = pl
	resp, err := f.h.Handle(context.Background(), []byte(`{"accounts": ["444444444444", "222222222222"]}`))
	if err != nil || resp.Outcome != OutcomeQueued {
		t.Fatalf("Handle = %+v, %v", resp, err)
	}
	if len(f.queue.sent) != 2 {
		t.Fatalf("queued %v, want both accounts", f.queuedAccounts())
	}
	for _, s := range f.queue.sent {
		if !s.run.Retire {
			t.Errorf("run %s does not look for retirement candidates", s.run.ID)
		}
		if s.run.Account.ID == "444444444444" && len(s.run.Targets) != 0 {
			t.Errorf("the excluded account's run has targets %+v", s.run.Targets)
		}
		if err := s.run.Validate(); err != nil {
			t.Errorf("run %s: %v", s.run.ID, err)
		}
	}

	// The example plan retains: the excluded account gets nothing, as before.
	f = newFixture(t, newOrg(0))
	resp, err = f.h.Handle(context.Background(), []byte(`{"accounts": ["444444444444"]}`))
	if err != nil || resp.Outcome != OutcomeNothingToDo || len(f.queue.sent) != 0 {
		t.Errorf("retain plan, excluded account: %+v, %v, queued %v", resp, err, f.queuedAccounts())
	}
}
