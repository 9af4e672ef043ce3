package localrun

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/preflight"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/status"
)

// The fleet: an OU tree under the root, three levels deep below Fleet, with
// a nested OU named Security that the example plan excludes by name.
//
//	Fleet
//	├── Teams
//	│   ├── Team-A
//	│   └── Team-B
//	│       └── Team-C
//	└── Security
const (
	ouFleet    = "ou-ab12-f1eet000"
	ouTeams    = "ou-ab12-f1eetteam"
	ouTeamA    = "ou-ab12-teama000"
	ouTeamB    = "ou-ab12-teamb000"
	ouTeamC    = "ou-ab12-teamc000"
	ouFleetSec = "ou-ab12-f1eetsec"
)

// fleetParents are the OUs matching accounts are spread over.
var fleetParents = []string{ouFleet, ouTeams, ouTeamA, ouTeamB, ouTeamC}

// fleet lists the accounts addFleet created by what the plan makes of them.
type fleet struct {
	matching  []string // get the plan's six targets each
	security  []string // under the nested Security OU: excluded by the plan
	suspended []string // SUSPENDED: excluded by the selection
}

const (
	fleetSecurity  = 6
	fleetSuspended = 2
)

// addFleet adds the fleet's OUs and n matching accounts (plus the excluded
// ones) to w; edit, when set, adjusts the i-th matching account.
func addFleet(w *localaws.World, n int, edit func(i int, a *org.AccountSpec)) fleet {
	o := &w.Organization
	o.OUs = append(o.OUs,
		org.OUSpec{ID: ouFleet, Name: "Fleet", Parent: o.Root},
		org.OUSpec{ID: ouTeams, Name: "Teams", Parent: ouFleet},
		org.OUSpec{ID: ouTeamA, Name: "Team-A", Parent: ouTeams},
		org.OUSpec{ID: ouTeamB, Name: "Team-B", Parent: ouTeams},
		org.OUSpec{ID: ouTeamC, Name: "Team-C", Parent: ouTeamB},
		org.OUSpec{ID: ouFleetSec, Name: "Security", Parent: ouFleet},
	)
	var f fleet
	for i := range n {
		a := org.AccountSpec{ID: fleetID(i), Name: fmt.Sprintf("fleet-%03d", i), Parent: fleetParents[i%len(fleetParents)]}
		if edit != nil {
			edit(i, &a)
		}
		o.Accounts = append(o.Accounts, a)
		f.matching = append(f.matching, a.ID)
	}
	for i := range fleetSecurity {
		a := org.AccountSpec{ID: fleetID(n + i), Name: fmt.Sprintf("fleet-security-%d", i), Parent: ouFleetSec}
		o.Accounts = append(o.Accounts, a)
		f.security = append(f.security, a.ID)
	}
	for i := range fleetSuspended {
		a := org.AccountSpec{ID: fleetID(n + fleetSecurity + i), Name: fmt.Sprintf("fleet-closed-%d", i), Parent: ouTeamA, Status: org.StatusSuspended}
		o.Accounts = append(o.Accounts, a)
		f.suspended = append(f.suspended, a.ID)
	}
	return f
}

func fleetID(i int) string { return fmt.Sprintf("%012d", 300000000000+i) }

var backfillFleet = []byte(`{"ous": ["` + ouFleet + `"], "recursive": true}`)

// logCalls logs the emulator's call counts, sorted, for the closing note.
func logCalls(t *testing.T, what string, wall time.Duration, calls map[string]int) {
	t.Helper()
	total := 0
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(calls)) {
		total += calls[k]
		lines = append(lines, fmt.Sprintf("%s=%d", k, calls[k]))
	}
	t.Logf("%s: wall %s, %d calls: %s", what, wall.Round(time.Millisecond), total, strings.Join(lines, " "))
}

// wantProvisioned checks that every account has each plan target exactly
// once, AVAILABLE on the latest version, and reports how many accounts did.
func wantProvisioned(t *testing.T, env *Env, accounts []string) {
	t.Helper()
	latest := map[string]string{"landfall-baseline-vpc": "v2.0", "landfall-security-audit": "2025.01"}
	for _, a := range accounts {
		got := map[string]string{}
		for _, r := range planRegions {
			for _, pp := range env.Cloud.Catalog().ProvisionedProducts(a, r, env.Clock.Now()) {
				key := r + "/" + pp.Name
				if _, dup := got[key]; dup {
					t.Errorf("%s: %s provisioned twice", a, key)
				}
				got[key] = pp.Status + " " + pp.ArtifactName
				if want := "AVAILABLE " + latest[pp.Name]; got[key] != want {
					t.Errorf("%s: %s is %s, want %s", a, key, got[key], want)
				}
			}
		}
		if len(got) != 6 {
			t.Errorf("%s has %d provisioned products, want 6: %v", a, len(got), got)
		}
	}
}

func wantNothingProvisioned(t *testing.T, env *Env, accounts []string) {
	t.Helper()
	for _, a := range accounts {
		for _, r := range planRegions {
			if pps := env.Cloud.Catalog().ProvisionedProducts(a, r, env.Clock.Now()); len(pps) != 0 {
				t.Errorf("excluded account %s has %d provisioned products in %s", a, len(pps), r)
			}
		}
	}
}

// TestFleetBackfill backfills an OU tree of 200 matching accounts: every one
// is queued exactly once, in waves the worker's concurrency can take, the
// excluded ones are reported with the reason, and once the worker has drained
// the queue every matching account has its products.
func TestFleetBackfill(t *testing.T) {
	var fl fleet
	env := newEnv(t, setup{world: func(w *localaws.World) { fl = addFleet(w, 200, nil) }})
	ctx := context.Background()

	began := time.Now()
	inv := env.InvokeLaunch(ctx, Payload{Name: "backfill", Body: backfillFleet})
	logCalls(t, "backfill launch (200 accounts)", time.Since(began), env.Cloud.Calls().Snapshot())
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeQueued {
		t.Fatalf("backfill = %+v", inv)
	}
	resp := inv.Response

	queued := map[string]int{}
	for i, q := range resp.Queued {
		queued[q.Account]++
		if q.Targets != 6 {
			t.Errorf("%s queued with %d targets, want 6", q.Account, q.Targets)
		}
		// WorkerConcurrency is 5: waves of five, 15 s apart.
		if want := (i / 5) * 15; q.DelaySeconds != want {
			t.Errorf("run %d (%s) waits %ds, want %ds", i, q.Account, q.DelaySeconds, want)
		}
	}
	if len(resp.Queued) != 200 || len(queued) != 200 {
		t.Errorf("queued %d runs for %d accounts, want 200 runs for 200 accounts", len(resp.Queued), len(queued))
	}
	for _, a := range fl.matching {
		if queued[a] != 1 {
			t.Errorf("%s queued %d times, want exactly once", a, queued[a])
		}
	}
	if n := env.Cloud.Calls().Count("sqs.SendMessage"); n != 200 {
		t.Errorf("SendMessage calls = %d, want 200", n)
	}
	if !strings.HasPrefix(resp.Message, "queued 200 run(s) with 1200 target(s)") {
		t.Errorf("message = %q", resp.Message)
	}

	excluded := map[string]string{}
	for _, e := range resp.Excluded {
		excluded[e.Account] = e.Reason
	}
	for _, a := range fl.security {
		if !strings.HasSuffix(excluded[a], `excluded by exclude.ous "Security"`) {
			t.Errorf("%s (nested OU Security): exclusion %q", a, excluded[a])
		}
	}
	for _, a := range fl.suspended {
		if excluded[a] != "its state in Organizations is SUSPENDED, not ACTIVE: Landfall acts only in active accounts" {
			t.Errorf("%s (suspended): exclusion %q", a, excluded[a])
		}
	}
	if len(excluded) != fleetSecurity+fleetSuspended {
		t.Errorf("excluded %d accounts, want %d: %v", len(excluded), fleetSecurity+fleetSuspended, excluded)
	}
	// 200 accounts over 5 OUs, 20 per page: Organizations pagination at work.
	if n := env.Cloud.Calls().Count("organizations.ListAccountsForParent"); n < 12 {
		t.Errorf("ListAccountsForParent calls = %d; 208 accounts in 6 OUs need at least 12 pages", n)
	}

	env.Cloud.Calls().Reset()
	began = time.Now()
	emulated := env.Clock.Now()
	if err := env.DrainConcurrently(ctx, env.Config.WorkerConcurrency); err != nil {
		t.Fatal(err)
	}
	logCalls(t, "backfill drain (200 accounts, 1200 targets)", time.Since(began), env.Cloud.Calls().Snapshot())
	t.Logf("emulated time to drain: %s", env.Clock.Now().Sub(emulated).Round(time.Second))

	wantProvisioned(t, env, fl.matching)
	wantNothingProvisioned(t, env, append(slices.Clone(fl.security), fl.suspended...))
	calls := env.Cloud.Calls().Snapshot()
	if n := calls["servicecatalog.ProvisionProduct"]; n != 1200 {
		t.Errorf("ProvisionProduct calls = %d, want 1200 (one per target)", n)
	}
	if n := calls["servicecatalog.UpdateProvisionedProduct"]; n != 0 {
		t.Errorf("UpdateProvisionedProduct calls = %d, want 0", n)
	}
	notes, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	// One roll-up tells the backfill (plan notifications.backfills: rollup).
	if len(notes) != 1 || notes[0].Document.Kind != "rollup" || notes[0].Document.Outcome != "SUCCEEDED" ||
		notes[0].Document.RollUp.Runs != 200 || notes[0].Document.RollUp.Outcomes["SUCCEEDED"] != 200 {
		t.Errorf("%d notifications, want one roll-up of 200 SUCCEEDED runs: %+v", len(notes), notes)
	}
}

// TestFleetRerunOnlyMissing fails a few targets in a backfill, fixes their
// cause, and re-runs the whole OU tree with onlyMissing: Service Catalog is
// only asked to change the failed targets (and what could not start because
// of them), which the call log proves.
func TestFleetRerunOnlyMissing(t *testing.T) {
	var fl fleet
	// Failures: security-audit in us-west-1 for accounts 3 and 77 (the leaf
	// product: only it needs repair), baseline-vpc in us-west-2 for account
	// 150 (its dependent security-audit is skipped there, so it is missing).
	type failure struct {
		index           int
		region, product string
	}
	failures := []failure{{3, "us-west-1", "security-audit"}, {77, "us-west-1", "security-audit"}, {150, "us-west-2", "baseline-vpc"}}
	env := newEnv(t, setup{world: func(w *localaws.World) {
		fl = addFleet(w, 200, nil)
		for _, f := range failures {
			setOutcome(t, w, f.region, f.product, fleetID(f.index), "FAILED", "Resource handler returned message: Rate exceeded")
		}
	}})
	ctx := context.Background()
	res := mustRunFleet(t, env, backfillFleet)
	failed := 0
	for _, r := range res.Runs {
		for _, tr := range r.Targets {
			if tr.Status == "FAILED" {
				failed++
			}
		}
	}
	if failed != 3 {
		t.Fatalf("first backfill failed %d targets, want 3", failed)
	}

	// The operator fixes the cause and re-runs what failed or is missing.
	for _, f := range failures {
		if err := env.Cloud.Catalog().SetOutcome(f.region, f.product, fleetID(f.index), catalog.OutcomeSpec{Outcome: "SUCCEEDED"}); err != nil {
			t.Fatal(err)
		}
	}
	env.Cloud.Calls().Reset()
	began := time.Now()
	inv := env.InvokeLaunch(ctx, Payload{Name: "rerun", Body: []byte(`{"ous": ["` + ouFleet + `"], "recursive": true, "onlyMissing": true}`)})
	if inv.Error != "" || len(inv.Response.Queued) != 200 {
		t.Fatalf("re-run = %+v", inv)
	}
	if err := env.DrainConcurrently(ctx, env.Config.WorkerConcurrency); err != nil {
		t.Fatal(err)
	}
	logCalls(t, "re-run onlyMissing (200 accounts, 3 failed targets)", time.Since(began), env.Cloud.Calls().Snapshot())

	// Only the failed targets' (account, region) pairs see a changing call;
	// how the engine repairs (update in place, or terminate and provision
	// again) is its business.
	changed := map[string]map[string]int{}
	for _, c := range env.Cloud.Calls().Records() {
		switch c.Operation {
		case "ProvisionProduct", "UpdateProvisionedProduct", "TerminateProvisionedProduct", "AcceptPortfolioShare", "AssociatePrincipalWithPortfolio":
			where := c.Account + " " + c.Region
			if changed[where] == nil {
				changed[where] = map[string]int{}
			}
			changed[where][c.Operation]++
		}
	}
	want := map[string]int{ // (account, region) -> targets to bring back
		fleetID(3) + " us-west-1":   1,
		fleetID(77) + " us-west-1":  1,
		fleetID(150) + " us-west-2": 2, // baseline-vpc failed; security-audit was skipped
	}
	for where, ops := range changed {
		n, ok := want[where]
		if !ok {
			t.Errorf("re-run changed %s, which had not failed: %v", where, ops)
			continue
		}
		if got := ops["ProvisionProduct"] + ops["UpdateProvisionedProduct"]; got != n {
			t.Errorf("%s: %d provision/update calls, want %d: %v", where, got, n, ops)
		}
	}
	for where := range want {
		if changed[where] == nil {
			t.Errorf("re-run left %s alone; it had failed", where)
		}
	}
	t.Logf("changing calls of the re-run: %v", changed)
	// Every other target was looked at and left alone: one describe each.
	if n := env.Cloud.Calls().Count("servicecatalog.DescribeProvisionedProduct"); n < 1200 {
		t.Errorf("DescribeProvisionedProduct calls = %d, want at least one per target (1200)", n)
	}
	wantProvisioned(t, env, fl.matching)
}

// mustRunFleet runs a backfill and drains it with the worker's concurrency.
func mustRunFleet(t *testing.T, env *Env, body []byte) *Result {
	t.Helper()
	ctx := context.Background()
	began := time.Now()
	already := len(env.Finished())
	inv := env.InvokeLaunch(ctx, Payload{Name: "backfill", Body: body})
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeQueued {
		t.Fatalf("backfill = %+v", inv)
	}
	if err := env.DrainConcurrently(ctx, env.Config.WorkerConcurrency); err != nil {
		t.Fatal(err)
	}
	notes, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	res := &Result{Invocations: []Invocation{inv}, Notifications: notes}
	// The runs as the worker finished them: a backfill's runs tell their
	// story in one roll-up, not one summary each.
	for _, r := range env.Finished()[already:] {
		rep := RunReport{RunID: r.ID, Account: r.Account.ID, Outcome: r.Outcome()}
		for _, tl := range r.Targets {
			rep.Targets = append(rep.Targets, TargetReport{Region: tl.Region, Product: tl.Product, Status: string(tl.Status), Error: tl.Error})
		}
		res.Runs = append(res.Runs, rep)
	}
	t.Logf("backfill and drain: wall %s", time.Since(began).Round(time.Millisecond))
	return res
}

// newReporter builds the status reporter as the launch function and the CLI do.
func newReporter(env *Env) *status.Reporter {
	return &status.Reporter{
		Plan:              env.Plan,
		Directory:         &directory.Directory{API: organizations.NewFromConfig(env.AWS)},
		Accounts:          status.Opened{Opener: &provision.Sessions{Base: env.AWS, RoleName: env.Plan.ExecutionRoleName, Now: env.Clock.Now}},
		Products:          &preflight.CatalogCheck{Plan: env.Plan, Catalogs: preflight.NewCatalogs(env.AWS)},
		ManagementAccount: mgmt,
	}
}

// TestFleetStatus reports on 200 accounts x 3 regions x 2 products after a
// backfill, with every kind of trouble somewhere in the fleet, through the
// launch function's {"status": ...} payload as an operator would ask.
func TestFleetStatus(t *testing.T) {
	const (
		noRole   = 3 // accounts 10, 11, 12 have no execution role
		disabled = 40
		failedAt = 60  // baseline-vpc FAILED in us-west-1, so security-audit is MISSING there
		outdated = 80  // baseline-vpc moved back to v1.1 by hand in us-east-1
		tainted  = 100 // security-audit update failed and rolled back in us-west-2
		late     = 4   // accounts that join after the backfill: MISSING everywhere
	)
	var fl fleet
	env := newEnv(t, setup{world: func(w *localaws.World) {
		fl = addFleet(w, 200-late, func(i int, a *org.AccountSpec) {
			switch {
			case i >= 10 && i < 10+noRole:
				a.Roles = []string{} // no AWSControlTowerExecution
			case i == disabled:
				a.DisabledRegions = []string{"us-west-1"}
			}
		})
		setOutcome(t, w, "us-west-1", "baseline-vpc", fleetID(failedAt), "FAILED", "VPC limit exceeded")
	}})
	ctx := context.Background()
	mustRunFleet(t, env, backfillFleet)

	// Trouble made by hand after the backfill, as the execution role would.
	troubleByHand(t, env, outdated, tainted)
	for i := range late {
		id := fleetID(1000 + i)
		if err := env.Cloud.Org().AddAccount(org.AccountSpec{ID: id, Name: fmt.Sprintf("fleet-late-%d", i), Parent: ouTeamC}, env.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		fl.matching = append(fl.matching, id)
	}

	env.Launch.Status = newReporter(env)
	env.Cloud.Calls().Reset()
	began := time.Now()
	inv := env.InvokeLaunch(ctx, Payload{Name: "status", Body: []byte(`{"status": {"ous": ["` + ouFleet + `"], "recursive": true}}`)})
	wall := time.Since(began)
	calls := env.Cloud.Calls().Snapshot()
	logCalls(t, "status (200 accounts x 3 regions x 2 products)", wall, calls)
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeStatus {
		t.Fatalf("status = %+v", inv)
	}
	// The answer crossed the Lambda boundary as JSON: read it as a client would.
	b, err := json.Marshal(inv.Response.Status)
	if err != nil {
		t.Fatal(err)
	}
	var rep status.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}

	type want struct {
		state  status.State
		reason string
	}
	expect := func(account, region, product string) want {
		idx := slices.Index(fl.matching, account)
		switch {
		case idx >= 10 && idx < 10+noRole:
			return want{status.Unreachable, "role AWSControlTowerExecution not assumable"}
		case idx == disabled && region == "us-west-1":
			return want{status.Unreachable, "region us-west-1 not usable by the account (disabled or not opted in)"}
		case idx == failedAt && region == "us-west-1" && product == "baseline-vpc":
			return want{status.Failed, "provisioning failed"}
		case idx == failedAt && region == "us-west-1":
			return want{status.Missing, "not provisioned"}
		case idx == outdated && region == "us-east-1" && product == "baseline-vpc":
			return want{status.Outdated, "runs v1.1, the plan wants v2.0"}
		case idx == tainted && region == "us-west-2" && product == "security-audit":
			return want{status.Tainted, "an update failed and was rolled back"}
		case idx >= 200-late:
			return want{status.Missing, "not provisioned"}
		}
		return want{status.OK, ""}
	}
	seen := map[string]bool{}
	counts := map[status.State]int{}
	for _, row := range rep.Rows {
		key := row.Account + "/" + row.Region + "/" + row.Product
		if seen[key] {
			t.Errorf("%s reported twice", key)
		}
		seen[key] = true
		w := expect(row.Account, row.Region, row.Product)
		counts[w.state]++
		if row.State != w.state || row.Reason != w.reason {
			t.Errorf("%s = %s %q (%s), want %s %q", key, row.State, row.Reason, row.Error, w.state, w.reason)
		}
	}
	if rep.Accounts != 200 || rep.Targets != 1200 || len(seen) != 1200 {
		t.Errorf("report covers %d accounts, %d targets (%d distinct); want 200 x 3 regions x 2 products", rep.Accounts, rep.Targets, len(seen))
	}
	if !maps.Equal(rep.Summary, counts) {
		t.Errorf("summary %v, want %v", rep.Summary, counts)
	}
	if rep.UnreachableAccounts != noRole {
		t.Errorf("unreachable accounts = %d, want %d", rep.UnreachableAccounts, noRole)
	}
	if len(rep.Excluded) != fleetSecurity+fleetSuspended {
		t.Errorf("excluded = %+v, want the %d Security and %d suspended accounts", rep.Excluded, fleetSecurity, fleetSuspended)
	}
	for _, op := range []string{"ProvisionProduct", "UpdateProvisionedProduct", "AcceptPortfolioShare", "AssociatePrincipalWithPortfolio"} {
		if n := calls["servicecatalog."+op]; n != 0 {
			t.Errorf("status called %s %d times; it must only read", op, n)
		}
	}
	// One look-up per target, except where the account or region is unreachable.
	wantDescribes := 1200 - noRole*6 - 1 // the disabled region answers once for both products
	if n := calls["servicecatalog.DescribeProvisionedProduct"]; n != wantDescribes {
		t.Errorf("DescribeProvisionedProduct calls = %d, want %d", n, wantDescribes)
	}
	// One per account, and one per Security account the plan excludes,
	// looked in for retirement candidates (status's retire.go).
	if n := calls["sts.AssumeRole"]; n != 200+fleetSecurity {
		t.Errorf("AssumeRole calls = %d, want %d (one per account)", n, 200+fleetSecurity)
	}
	t.Logf("summary: %s", status.Summary(&rep))
}

// TestFleetDryRun resolves the whole OU tree's targets without changing
// anything: no run is queued and Service Catalog only gets read calls.
func TestFleetDryRun(t *testing.T) {
	var fl fleet
	env := newEnv(t, setup{world: func(w *localaws.World) { fl = addFleet(w, 200, nil) }})
	ctx := context.Background()
	env.Cloud.Calls().Reset()
	began := time.Now()
	inv := env.InvokeLaunch(ctx, Payload{Name: "dry-run", Body: []byte(`{"ous": ["` + ouFleet + `"], "recursive": true, "dryRun": true}`)})
	logCalls(t, "dry run (200 accounts)", time.Since(began), env.Cloud.Calls().Snapshot())
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeDryRun {
		t.Fatalf("dry run = %+v", inv)
	}
	resp := inv.Response
	if len(resp.DryRun) != 200 || len(resp.Queued) != 0 || len(resp.Excluded) != fleetSecurity+fleetSuspended {
		t.Errorf("dry run lists %d accounts, %d queued, %d excluded; want 200, 0, %d", len(resp.DryRun), len(resp.Queued), len(resp.Excluded), fleetSecurity+fleetSuspended)
	}
	for _, run := range resp.DryRun {
		if len(run.Targets) != 6 {
			t.Errorf("%s: %d targets, want 6", run.Account.ID, len(run.Targets))
		}
		for _, tg := range run.Targets {
			if tg.Status != "PLANNED" || tg.ProvisionedProductName == "" || tg.Parameters == nil && tg.Product == "baseline-vpc" {
				t.Errorf("%s %s/%s = %+v", run.Account.ID, tg.Region, tg.Product, tg)
			}
		}
	}
	calls := env.Cloud.Calls().Snapshot()
	for _, op := range []string{"servicecatalog.AcceptPortfolioShare", "servicecatalog.AssociatePrincipalWithPortfolio", "servicecatalog.ProvisionProduct", "servicecatalog.UpdateProvisionedProduct", "sqs.SendMessage", "sns.Publish"} {
		if calls[op] != 0 {
			t.Errorf("dry run called %s %d times", op, calls[op])
		}
	}
	wantNothingProvisioned(t, env, fl.matching)
}

// troubleByHand makes, after a backfill, what an operator's hand could: the
// account outdated gets baseline-vpc moved back to v1.1, and tainted's
// security-audit update fails (TAINTED), both as the execution role would;
// then an hour passes so both updates finish.
func troubleByHand(t *testing.T, env *Env, outdated, tainted int) {
	t.Helper()
	ctx := context.Background()
	sessions := &provision.Sessions{Base: env.AWS, RoleName: env.Plan.ExecutionRoleName, Now: env.Clock.Now}
	member := func(account, region string) *servicecatalog.Client {
		return servicecatalog.NewFromConfig(sessions.Config(account, "test"), func(o *servicecatalog.Options) { o.Region = region })
	}
	if _, err := member(fleetID(outdated), "us-east-1").UpdateProvisionedProduct(ctx, &servicecatalog.UpdateProvisionedProductInput{
		ProvisionedProductName: aws.String("landfall-baseline-vpc"), ProvisioningArtifactName: aws.String("v1.1"), UpdateToken: aws.String("by-hand-1"),
	}); err != nil {
		t.Fatal(err)
	}
	if err := env.Cloud.Catalog().SetOutcome("us-west-2", "security-audit", fleetID(tainted), catalog.OutcomeSpec{Outcome: "FAILED", Error: "AuditBucket update failed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := member(fleetID(tainted), "us-west-2").UpdateProvisionedProduct(ctx, &servicecatalog.UpdateProvisionedProductInput{
		ProvisionedProductName: aws.String("landfall-security-audit"), ProvisioningArtifactName: aws.String("2024.06"), UpdateToken: aws.String("by-hand-2"),
	}); err != nil {
		t.Fatal(err)
	}
	clk, ok := env.Cloud.ManualClock()
	if !ok {
		t.Fatal("the emulator's clock is not a manual one")
	}
	clk.Advance(time.Hour) // both updates finish
}

// TestRunReportsConcurrentRunsInIDOrder: `landfall local` drains the queue
// with workers running at once, so runs finish in no fixed order; its
// report lists them by run ID, the same for the same input every time.
func TestRunReportsConcurrentRunsInIDOrder(t *testing.T) {
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	addFleet(w, 12, nil)
	pl, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	env, err := New(ctx, w, pl, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := env.Run(ctx, []Payload{{Name: "backfill", Body: backfillFleet}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 12 {
		t.Fatalf("%d runs reported, want 12", len(res.Runs))
	}
	if !slices.IsSortedFunc(res.Runs, func(a, b RunReport) int { return strings.Compare(a.RunID, b.RunID) }) {
		t.Errorf("runs not in ID order: %v", runIDs(res.Runs))
	}
}

func runIDs(rs []RunReport) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.RunID
	}
	return ids
}
