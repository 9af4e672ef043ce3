package runstate

import (
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/plan"
)

func retiringRun() *Run {
	return &Run{
		Schema: SchemaVersion, ID: "ct-1-222222222222", Trigger: TriggerMove, StartedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Account: plan.Account{ID: "222222222222"}, Retire: true,
	}
}

func TestRetireRunLifecycle(t *testing.T) {
	r := retiringRun()
	if err := r.Validate(); err != nil {
		t.Errorf("a run without targets that looks for candidates does not validate: %v", err)
	}
	if r.NothingToDo() || r.Complete() || !r.Looking() {
		t.Errorf("before looking: nothing to do %v, complete %v, looking %v", r.NothingToDo(), r.Complete(), r.Looking())
	}
	r.Targets = append(r.Targets,
		Target{Region: "us-east-1", Product: "old", Status: Retirable, Action: ActionRetain, ProvisionedProductID: "pp-1"},
		Target{Region: "us-west-2", Product: "old", Status: Terminated, Action: ActionTerminate, ProvisionedProductID: "pp-2"},
	)
	if r.Complete() {
		t.Error("complete while still looking")
	}
	r.Looked = true
	if !r.Complete() || r.Outcome() != "SUCCEEDED" {
		t.Errorf("after looking: complete %v, outcome %s; want complete, SUCCEEDED", r.Complete(), r.Outcome())
	}
	if r.Unchanged() {
		t.Error("a run that terminated something changed nothing")
	}
	r.Targets = r.Targets[:1]
	if r.Unchanged() {
		t.Error("a move run's retained candidates are not news")
	}
	r.Trigger = TriggerUpdate
	if !r.Unchanged() {
		t.Error("an update run that only kept a candidate changed something")
	}
	b, err := Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil || !back.Retire || !back.Looked || back.Targets[0].Action != ActionRetain {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if !(&Run{}).NothingToDo() {
		t.Error("an empty run has something to do")
	}
}

func TestStopLooking(t *testing.T) {
	r := retiringRun()
	r.StopLooking("the run was cancelled")
	r.StopLooking("again")
	if r.Looking() || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "retirement candidates were not looked for: the run was cancelled") {
		t.Errorf("after StopLooking: looking %v, notes %q", r.Looking(), r.Notes)
	}
	quiet := retiringRun()
	quiet.Retire = false
	quiet.StopLooking("why")
	if len(quiet.Notes) != 0 {
		t.Errorf("a run that never looked got a note: %q", quiet.Notes)
	}
}

func TestValidateRetirementTargets(t *testing.T) {
	tests := []struct {
		name string
		t    Target
		err  string
	}{
		{"a candidate needs its ID", Target{Region: "us-east-1", Product: "old", Status: Pending, Action: ActionTerminate}, "provisionedProductId: required"},
		{"unknown action", Target{Region: "us-east-1", Product: "old", Status: Pending, Action: "delete", ProvisionedProductID: "pp-1"}, `action: "delete" is not`},
		{"a placement cannot be RETIRABLE", Target{Region: "us-east-1", Product: "old", Status: Retirable}, "is a retirement candidate's status"},
		{"a placement cannot be TERMINATED", Target{Region: "us-east-1", Product: "old", Status: Terminated}, "is a retirement candidate's status"},
	}
	for _, tt := range tests {
		r := retiringRun()
		r.Targets = []Target{tt.t}
		if err := r.Validate(); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: Validate = %v, want %q", tt.name, err, tt.err)
		}
	}
	r := retiringRun()
	r.Retire = false
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "targets: empty") {
		t.Errorf("a run with nothing to do validates: %v", err)
	}
}
