package localrun

import (
	"context"
	"fmt"
	"testing"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/manual"
)

// driftPayload is what the drift schedule sends, narrowed to the fleet's
// OU tree: the default world's own accounts were never backfilled.
var driftPayload = Payload{Name: "drift schedule", Body: []byte(`{"drift": {"ous": ["` + ouFleet + `"], "recursive": true}}`)}

// checkDrift invokes the launch function as the drift schedule does and
// returns its response and the notifications it published.
func checkDrift(t *testing.T, env *Env) (*launch.Response, []Notification) {
	t.Helper()
	before, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	inv := env.InvokeLaunch(context.Background(), driftPayload)
	if inv.Error != "" {
		t.Fatalf("drift check: %s", inv.Error)
	}
	after, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	return inv.Response, after[len(before):]
}

func TestDriftCheckOnACleanFleetPublishesNothing(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) { addFleet(w, 6, nil) }})
	mustRunFleet(t, env, backfillFleet)
	resp, published := checkDrift(t, env)
	if resp.Outcome != launch.OutcomeNoDrift {
		t.Errorf("outcome = %s (%s %s), want no-drift", resp.Outcome, resp.Message, resp.Error)
	}
	for _, n := range published {
		t.Errorf("a clean fleet published %q", n.Subject)
	}
}

func TestDriftCheckPublishesOneNotification(t *testing.T) {
	const (
		failedAt = 1 // baseline-vpc FAILED in us-west-1: security-audit there is never provisioned
		outdated = 2 // baseline-vpc moved back to v1.1 by hand in us-east-1
		tainted  = 3 // security-audit update failed and rolled back in us-west-2
	)
	env := newEnv(t, setup{world: func(w *localaws.World) {
		addFleet(w, 6, nil)
		setOutcome(t, w, "us-west-1", "baseline-vpc", fleetID(failedAt), "FAILED", "VPC limit exceeded")
	}})
	mustRunFleet(t, env, backfillFleet)
	troubleByHand(t, env, outdated, tainted)
	late := fleetID(1000) // joins after the backfill: MISSING everywhere
	if err := env.Cloud.Org().AddAccount(org.AccountSpec{ID: late, Name: "fleet-late", Parent: ouTeamC}, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}

	resp, published := checkDrift(t, env)
	if resp.Outcome != launch.OutcomeDrift {
		t.Fatalf("outcome = %s (%s), want drift", resp.Outcome, resp.Error)
	}
	if len(published) != 1 {
		t.Fatalf("%d notifications, want exactly one", len(published))
	}
	n := published[0]
	if n.Attributes["landfall.kind"] != "drift" || n.Attributes["landfall.outcome"] != "DRIFT" {
		t.Errorf("attributes = %v, want landfall.kind drift and landfall.outcome DRIFT", n.Attributes)
	}
	c := n.Document.Counts
	got := fmt.Sprintf("MISSING=%d OUTDATED=%d FAILED=%d TAINTED=%d", c["MISSING"], c["OUTDATED"], c["FAILED"], c["TAINTED"])
	// MISSING: the late account's 6, and security-audit behind the failed VPC.
	if want := "MISSING=7 OUTDATED=1 FAILED=1 TAINTED=1"; got != want {
		t.Errorf("counts %s, want %s (all: %v)", got, want, c)
	}
	worst := n.Document.Drift.Worst
	if len(worst) != 4 || worst[0].ID != late || worst[0].NotOK != 6 || worst[1].ID != fleetID(failedAt) || worst[1].NotOK != 2 {
		t.Errorf("worst accounts = %+v, want the late account (6), then %s (2), then the two with one", worst, fleetID(failedAt))
	}
	rerun, err := manual.Decode(n.Document.Rerun)
	if err != nil {
		t.Fatalf("re-run payload %s: %v", n.Document.Rerun, err)
	}
	if want := []string{fleetID(failedAt), fleetID(tainted), late}; fmt.Sprint(rerun.Accounts) != fmt.Sprint(want) || !rerun.OnlyMissing {
		t.Errorf("re-run = %s, want accounts %v with onlyMissing", n.Document.Rerun, want)
	}
	if n.Subject != "Landfall drift: 7 MISSING, 1 OUTDATED, 1 FAILED, 1 TAINTED in 4 of 7 accounts" {
		t.Errorf("subject = %q", n.Subject)
	}
}
