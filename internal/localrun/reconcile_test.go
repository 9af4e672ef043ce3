package localrun

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/provision"
)

// reconcilePayload is exactly what the reconcile schedule sends
// (infra/landfall.ReconcilePayload is this constant).
var reconcilePayload = Payload{Name: "reconcile schedule", Body: []byte(manual.ReconcilePayload)}

// changingCalls are the Service Catalog calls that change a provisioned
// product.
var changingCalls = []string{"ProvisionProduct", "UpdateProvisionedProduct", "TerminateProvisionedProduct"}

// changedWhere counts the changing Service Catalog calls of the call log
// by "account region".
func changedWhere(env *Env) map[string]map[string]int {
	changed := map[string]map[string]int{}
	for _, c := range env.Cloud.Calls().Records() {
		if c.Service != "servicecatalog" || !slices.Contains(changingCalls, c.Operation) {
			continue
		}
		where := c.Account + " " + c.Region
		if changed[where] == nil {
			changed[where] = map[string]int{}
		}
		changed[where][c.Operation]++
	}
	return changed
}

// catalogState is every provisioned product by "account region name".
func catalogState(env *Env) map[string]catalog.ProvisionedProductView {
	out := map[string]catalog.ProvisionedProductView{}
	for _, pp := range env.Cloud.Catalog().AllProvisionedProducts(env.Clock.Now()) {
		out[pp.Account+" "+pp.Region+" "+pp.Name] = pp
	}
	return out
}

// reconcileTick invokes the launch function with the reconcile schedule's
// payload, as EventBridge Scheduler does, drains the queue and returns the
// launch answer and the notifications the tick published.
func reconcileTick(t *testing.T, env *Env) (*launch.Response, []Notification) {
	t.Helper()
	ctx := context.Background()
	before, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	env.Cloud.Calls().Reset()
	began := time.Now()
	inv := env.InvokeLaunch(ctx, reconcilePayload)
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeQueued {
		t.Fatalf("reconcile = %+v", inv)
	}
	if err := env.DrainConcurrently(ctx, env.Config.WorkerConcurrency); err != nil {
		t.Fatal(err)
	}
	logCalls(t, fmt.Sprintf("reconcile tick (%d accounts)", len(inv.Response.Queued)), time.Since(began), env.Cloud.Calls().Snapshot())
	after, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	return inv.Response, after[len(before):]
}

// wantOneRollUp checks that a tick published exactly one notification, the
// roll-up of all its runs, asked for by the schedule.
func wantOneRollUp(t *testing.T, resp *launch.Response, published []Notification) {
	t.Helper()
	if len(published) != 1 {
		kinds := make([]string, len(published))
		for i, n := range published {
			kinds[i] = n.Document.Kind
		}
		t.Fatalf("the tick published %d notifications %v, want exactly one roll-up", len(published), kinds)
	}
	n := published[0]
	ru := n.Document.RollUp
	if n.Document.Kind != "rollup" || n.Attributes["landfall.kind"] != "rollup" || ru == nil {
		t.Fatalf("notification kind %q (attribute %q), want rollup: %s", n.Document.Kind, n.Attributes["landfall.kind"], n.Subject)
	}
	if n.Document.Outcome != "SUCCEEDED" || ru.Runs != len(resp.Queued) || ru.Outcomes["SUCCEEDED"] != len(resp.Queued) {
		t.Errorf("roll-up %s of %d runs %v, want %d SUCCEEDED runs", n.Document.Outcome, ru.Runs, ru.Outcomes, len(resp.Queued))
	}
	if ru.RequestedBy != manual.ReconcileRequestedBy {
		t.Errorf("roll-up requested by %q, want %q", ru.RequestedBy, manual.ReconcileRequestedBy)
	}
}

// TestReconcileScheduleConvergesMissedAccounts plays the reconcile
// schedule on the local AWS. After a first backfill of the whole
// organization, a few targets are missing: two accounts joined without
// their Control Tower events reaching Landfall, one target failed (its
// cause fixed since), one was terminated by hand. One tick of the schedule
// provisions exactly those: Service Catalog's changing calls touch only
// where something was missing, every product already there keeps its ID
// and last record, and the tick tells its story in one roll-up. A second
// tick, on the converged fleet, changes nothing and again sends one
// roll-up.
func TestReconcileScheduleConvergesMissedAccounts(t *testing.T) {
	const (
		failedAt   = 5  // security-audit FAILED in us-west-1 in the first backfill
		terminated = 11 // security-audit terminated by hand in us-east-1
	)
	var fl fleet
	env := newEnv(t, setup{world: func(w *localaws.World) {
		fl = addFleet(w, 30, nil)
		setOutcome(t, w, "us-west-1", "security-audit", fleetID(failedAt), "FAILED", "Resource handler returned message: Rate exceeded")
	}})
	res := mustRunFleet(t, env, []byte(`{"all": true}`))
	failed := 0
	for _, r := range res.Runs {
		for _, tr := range r.Targets {
			if tr.Status == "FAILED" {
				failed++
			}
		}
	}
	if failed != 1 {
		t.Fatalf("first backfill failed %d targets, want 1", failed)
	}

	// What the schedule is for: what went wrong since, with nobody asking.
	if err := env.Cloud.Catalog().SetOutcome("us-west-1", "security-audit", fleetID(failedAt), catalog.OutcomeSpec{Outcome: "SUCCEEDED"}); err != nil {
		t.Fatal(err)
	}
	terminateByHand(t, env, fleetID(terminated), "us-east-1", "landfall-security-audit")
	late := []string{fleetID(1000), fleetID(1001)} // CreateManagedAccount never arrived
	for i, id := range late {
		if err := env.Cloud.Org().AddAccount(org.AccountSpec{ID: id, Name: fmt.Sprintf("fleet-missed-%d", i), Parent: fleetParents[i]}, env.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{ // "account region" -> targets missing there
		fleetID(failedAt) + " us-west-1":   1,
		fleetID(terminated) + " us-east-1": 1,
	}
	for _, id := range late {
		for _, r := range planRegions {
			want[id+" "+r] = 2
		}
	}
	before := catalogState(env)

	resp, published := reconcileTick(t, env)
	queued := map[string]bool{}
	for _, q := range resp.Queued {
		queued[q.Account] = true
	}
	for _, a := range slices.Concat(fl.matching, late) {
		if !queued[a] {
			t.Errorf("the reconcile did not queue %s", a)
		}
	}
	for _, a := range slices.Concat(fl.security, fl.suspended, []string{mgmt}) {
		if queued[a] {
			t.Errorf("the reconcile queued %s, which the plan or the selection excludes", a)
		}
	}

	changed := changedWhere(env)
	for where, ops := range changed {
		n, ok := want[where]
		if !ok {
			t.Errorf("the reconcile changed %s, where nothing was missing: %v", where, ops)
			continue
		}
		if got := ops["ProvisionProduct"] + ops["UpdateProvisionedProduct"]; got != n {
			t.Errorf("%s: %d provision/update calls, want %d: %v", where, got, n, ops)
		}
	}
	for where := range want {
		if changed[where] == nil {
			t.Errorf("the reconcile left %s alone; targets were missing there", where)
		}
	}
	t.Logf("changing calls of the reconcile: %v", changed)

	// Every product that was there and AVAILABLE is the same product,
	// untouched: same ID, same last record.
	after := catalogState(env)
	for _, key := range slices.Sorted(maps.Keys(before)) {
		b := before[key]
		if b.Status != "AVAILABLE" {
			continue
		}
		if a, ok := after[key]; !ok || a.ID != b.ID || a.LastRecordID != b.LastRecordID || a.ArtifactName != b.ArtifactName {
			t.Errorf("%s was AVAILABLE and changed: before %s %s %s, after %s %s %s", key, b.ID, b.LastRecordID, b.ArtifactName, a.ID, a.LastRecordID, a.ArtifactName)
		}
	}
	wantProvisioned(t, env, slices.Concat(fl.matching, late))
	wantNothingProvisioned(t, env, slices.Concat(fl.security, fl.suspended))
	wantOneRollUp(t, resp, published)

	// The next tick finds nothing missing: no changing call, one roll-up.
	converged := catalogState(env)
	resp, published = reconcileTick(t, env)
	if changed := changedWhere(env); len(changed) != 0 {
		t.Errorf("a tick on a converged fleet changed %v", changed)
	}
	if !maps.EqualFunc(converged, catalogState(env), func(a, b catalog.ProvisionedProductView) bool {
		return a.ID == b.ID && a.LastRecordID == b.LastRecordID && a.Status == b.Status
	}) {
		t.Error("a tick on a converged fleet changed the catalog")
	}
	wantOneRollUp(t, resp, published)
}

// terminateByHand terminates account's provisioned product name in region
// as the execution role would, and lets the termination finish.
func terminateByHand(t *testing.T, env *Env, account, region, name string) {
	t.Helper()
	sessions := &provision.Sessions{Base: env.AWS, RoleName: env.Plan.ExecutionRoleName, Now: env.Clock.Now}
	member := servicecatalog.NewFromConfig(sessions.Config(account, "test"), func(o *servicecatalog.Options) { o.Region = region })
	if _, err := member.TerminateProvisionedProduct(context.Background(), &servicecatalog.TerminateProvisionedProductInput{
		ProvisionedProductName: aws.String(name), TerminateToken: aws.String("by-hand-terminate"),
	}); err != nil {
		t.Fatal(err)
	}
	clk, ok := env.Cloud.ManualClock()
	if !ok {
		t.Fatal("the emulator's clock is not a manual one")
	}
	clk.Advance(time.Hour) // the termination finishes
	for _, pp := range env.Cloud.Catalog().ProvisionedProducts(account, region, env.Clock.Now()) {
		if pp.Name == name {
			t.Fatalf("%s in %s %s still exists after its termination: %s", name, account, region, pp.Status)
		}
	}
}
