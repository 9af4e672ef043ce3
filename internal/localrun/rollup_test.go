package localrun

import (
	"testing"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/plan"
)

// TestABackfillTellsItsStoryOnce: a 200-account backfill in which three
// accounts fail for one reason is one roll-up by default, its failures one
// cause with the three accounts, and a re-run payload for exactly them;
// the plan can still ask for each run's summary, or for the failed ones.
func TestABackfillTellsItsStoryOnce(t *testing.T) {
	failing := []int{3, 77, 150}
	for _, tt := range []struct {
		policy plan.BackfillChoice
		want   map[string]int // notifications by kind
	}{
		{plan.BackfillRollUp, map[string]int{"rollup": 1}},
		{plan.BackfillEach, map[string]int{"run-summary": 200}},
		{plan.BackfillRollUpAndFailures, map[string]int{"rollup": 1, "run-summary": 3}},
	} {
		t.Run(string(tt.policy), func(t *testing.T) {
			env := newEnv(t, setup{world: func(w *localaws.World) {
				addFleet(w, 200, nil)
				for _, i := range failing {
					setOutcome(t, w, "us-west-1", "security-audit", fleetID(i), "FAILED", "Resource handler returned message: AuditBucket landfall-audit-"+fleetID(i)+" already exists")
				}
			}})
			env.Plan.Notifications.Backfills = tt.policy
			env.Replan(env.Plan)
			mustRunFleet(t, env, backfillFleet)
			notes, err := env.Notifications()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, n := range notes {
				got[n.Document.Kind]++
			}
			t.Logf("policy %s: %d notifications %v for 200 accounts, 3 failing for one reason", tt.policy, len(notes), got)
			if len(got) != len(tt.want) || got["rollup"] != tt.want["rollup"] || got["run-summary"] != tt.want["run-summary"] {
				t.Fatalf("notifications %v, want %v", got, tt.want)
			}
			if tt.want["rollup"] == 0 {
				return
			}
			for _, n := range notes {
				if n.Document.Kind == "rollup" {
					checkRollUp(t, n, failing)
				}
			}
		})
	}
}

func checkRollUp(t *testing.T, n Notification, failing []int) {
	t.Helper()
	ru := n.Document.RollUp
	if n.Document.Outcome != "PARTIAL" || ru == nil || ru.Runs != 200 || ru.Outcomes["PARTIAL"] != 3 || ru.Outcomes["SUCCEEDED"] != 197 {
		t.Fatalf("roll-up %s: %+v", n.Document.Outcome, ru)
	}
	if len(ru.Causes) != 1 || ru.Causes[0].Count != 3 || len(ru.Causes[0].Accounts) != 3 || ru.Causes[0].Region != "us-west-1" || ru.Causes[0].Product != "security-audit" {
		t.Fatalf("causes = %+v, want one cause with the three accounts", ru.Causes)
	}
	if got := n.Attributes["landfall.request"]; got == "" || got != ru.RequestID {
		t.Errorf("attribute landfall.request = %q, want the request %q", got, ru.RequestID)
	}
	req, err := manual.Decode(n.Document.Rerun)
	if err != nil {
		t.Fatalf("the re-run payload %s does not decode: %v", n.Document.Rerun, err)
	}
	if len(req.Accounts) != len(failing) || !req.OnlyMissing {
		t.Errorf("re-run %s: want the three failed accounts, only what is missing", n.Document.Rerun)
	}
}

// TestARolledUpBackfillSurvivesRepeatedDeliveries: the roll-up goes out
// once even when every message of the backfill is delivered twice.
func TestARolledUpBackfillSurvivesRepeatedDeliveries(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		addFleet(w, 12, nil)
		w.Faults = append(w.Faults, faults.Rule{Service: "sqs", Operation: "ReceiveMessage", DuplicateRate: 1, Seed: 7})
	}})
	mustRunFleet(t, env, backfillFleet)
	notes, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Document.Kind != "rollup" || notes[0].Document.RollUp.Runs != 12 {
		t.Fatalf("%d notifications, want one roll-up of 12 runs", len(notes))
	}
}
