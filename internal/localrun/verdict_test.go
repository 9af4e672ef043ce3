package localrun

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/runstate"
	"github.com/landfall/landfall/internal/status"
)

// verdict is what Landfall makes of one target, in words all three views
// can express: status (what is there against the plan), a dry run (what a
// run would do) and the run itself (what it did).
type verdict string

const (
	vNone      verdict = "nothing to do"
	vProvision verdict = "provision"
	vUpdate    verdict = "update"
	vFix       verdict = "repair or replace"
	vLeave     verdict = "leave on another version"
	vFail      verdict = "cannot act"
)

// TestRunDryRunAndStatusAgree builds one world with a target in every state
// status knows, then asks status, a dry run and a real run (all manual, as
// an operator would) and proves they give the same verdict per target.
func TestRunDryRunAndStatusAgree(t *testing.T) {
	const (
		healthy   = 0 // all six targets as planned
		vpcOld    = 1 // baseline-vpc back on v1.1 in us-east-1 (policy leave)
		auditOld  = 2 // security-audit back on 2024.06 in us-east-1 (policy update)
		noWest1   = 3 // us-west-1 disabled for the account
		failedVPC = 4 // baseline-vpc ERROR in us-west-1, never provisioned
		tainted   = 5 // security-audit update failed and rolled back in us-west-2
		late      = 6 // joins after the backfill: nothing provisioned
	)
	var fl fleet
	env := newEnv(t, setup{world: func(w *localaws.World) {
		fl = addFleet(w, late, func(i int, a *org.AccountSpec) {
			if i == noWest1 {
				a.DisabledRegions = []string{"us-west-1"}
			}
		})
		setOutcome(t, w, "us-west-1", "baseline-vpc", fleetID(failedVPC), "FAILED", "VPC limit exceeded")
	}})
	accounts := fmt.Sprintf(`"accounts": [%s]`, quoted(fl.matching))
	mustRunFleet(t, env, []byte(`{`+accounts+`}`))

	byHand(t, env, fleetID(vpcOld), "us-east-1", "landfall-baseline-vpc", "v1.1")
	byHand(t, env, fleetID(auditOld), "us-east-1", "landfall-security-audit", "2024.06")
	mustSetOutcome(t, env, "us-west-2", "security-audit", fleetID(tainted), catalog.OutcomeSpec{Outcome: "FAILED", Error: "AuditBucket update failed"})
	byHand(t, env, fleetID(tainted), "us-west-2", "landfall-security-audit", "2024.06")
	advance(t, env, time.Hour)
	// What went wrong is mended, so a run can put it right.
	mustSetOutcome(t, env, "us-west-1", "baseline-vpc", fleetID(failedVPC), catalog.OutcomeSpec{Outcome: "SUCCEEDED"})
	mustSetOutcome(t, env, "us-west-2", "security-audit", fleetID(tainted), catalog.OutcomeSpec{Outcome: "SUCCEEDED"})
	lateID := fleetID(1000)
	if err := env.Cloud.Org().AddAccount(org.AccountSpec{ID: lateID, Name: "fleet-late", Parent: ouTeamC}, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	all := append(append([]string{}, fl.matching...), lateID)
	accounts = fmt.Sprintf(`"accounts": [%s]`, quoted(all))

	fromStatus := statusVerdicts(t, env, all)
	fromDryRun := dryRunVerdicts(t, env, accounts)
	fromRun := runVerdicts(t, env, accounts)

	if len(fromStatus) != 7*6 {
		t.Fatalf("status has %d targets, want 42", len(fromStatus))
	}
	for key, sv := range fromStatus {
		if dv := fromDryRun[key]; dv != sv {
			t.Errorf("%s: status says %q, the dry run %q", key, sv, dv)
		}
		if rv := fromRun[key]; rv != sv {
			t.Errorf("%s: status says %q, the run did %q", key, sv, rv)
		}
	}
	// The world really holds every kind of verdict, so agreement means something.
	seen := map[verdict]bool{}
	for _, v := range fromStatus {
		seen[v] = true
	}
	for _, v := range []verdict{vNone, vProvision, vUpdate, vFix, vLeave, vFail} {
		if !seen[v] {
			t.Errorf("no target with verdict %q: the world lost a case", v)
		}
	}
}

func quoted(ids []string) string {
	return `"` + strings.Join(ids, `", "`) + `"`
}

// byHand moves a provisioned product to version as its account's execution role would.
func byHand(t *testing.T, env *Env, account, region, name, version string) {
	t.Helper()
	s := &provision.Sessions{Base: env.AWS, RoleName: env.Plan.ExecutionRoleName, Now: env.Clock.Now}
	sc := servicecatalog.NewFromConfig(s.Config(account, "test"), func(o *servicecatalog.Options) { o.Region = region })
	if _, err := sc.UpdateProvisionedProduct(context.Background(), &servicecatalog.UpdateProvisionedProductInput{
		ProvisionedProductName: aws.String(name), ProvisioningArtifactName: aws.String(version), UpdateToken: aws.String("by-hand-" + account + region + name),
	}); err != nil {
		t.Fatal(err)
	}
}

func mustSetOutcome(t *testing.T, env *Env, region, product, account string, o catalog.OutcomeSpec) {
	t.Helper()
	if err := env.Cloud.Catalog().SetOutcome(region, product, account, o); err != nil {
		t.Fatal(err)
	}
}

func advance(t *testing.T, env *Env, d time.Duration) {
	t.Helper()
	clk, ok := env.Cloud.ManualClock()
	if !ok {
		t.Fatal("the emulator's clock is not a manual one")
	}
	clk.Advance(d)
}

func statusVerdicts(t *testing.T, env *Env, accounts []string) map[string]verdict {
	t.Helper()
	rep, err := newReporter(env).Run(context.Background(), status.Request{Accounts: accounts})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]verdict{}
	for _, row := range rep.Rows {
		out[row.Account+"/"+row.Region+"/"+row.Product] = statusVerdict(env.Plan, row)
	}
	return out
}

func statusVerdict(pl *plan.Plan, row status.Row) verdict {
	switch row.State {
	case status.OK:
		return vNone
	case status.Missing:
		return vProvision
	case status.Outdated:
		p, _ := pl.Product(row.Product)
		if p.UpdatePolicy == plan.UpdateApply || p.UpdatePolicy == "" && pl.UpdatePolicy == plan.UpdateApply {
			return vUpdate
		}
		return vLeave
	case status.Failed, status.Tainted:
		return vFix // a manual run repairs or replaces it
	}
	return vFail
}

func dryRunVerdicts(t *testing.T, env *Env, accounts string) map[string]verdict {
	t.Helper()
	inv := env.InvokeLaunch(context.Background(), Payload{Name: "dry-run", Body: []byte(`{` + accounts + `, "dryRun": true}`)})
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeDryRun {
		t.Fatalf("dry run = %+v", inv)
	}
	out := map[string]verdict{}
	for _, run := range inv.Response.DryRun {
		for _, tg := range run.Targets {
			out[run.Account.ID+"/"+tg.Region+"/"+tg.Product] = dryRunVerdict(tg)
		}
	}
	return out
}

func dryRunVerdict(tg runstate.Target) verdict {
	switch note := tg.Note; {
	case tg.Status == runstate.Failed:
		return vFail
	case strings.HasPrefix(note, "already provisioned"):
		return vNone
	case strings.HasPrefix(note, "would provision"), strings.HasPrefix(note, "would accept the share"):
		return vProvision
	case strings.HasPrefix(note, "would update"):
		return vUpdate
	case strings.Contains(note, "would repair"), strings.Contains(note, "would terminate"):
		return vFix
	case strings.Contains(note, "would leave"):
		return vLeave
	}
	return verdict("unknown dry-run note: " + tg.Note)
}

// runVerdicts runs the accounts for real and reads what each target did from
// the run summaries it publishes.
func runVerdicts(t *testing.T, env *Env, accounts string) map[string]verdict {
	t.Helper()
	before, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	inv := env.InvokeLaunch(context.Background(), Payload{Name: "rerun", Body: []byte(`{` + accounts + `}`)})
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeQueued {
		t.Fatalf("run = %+v", inv)
	}
	if err := env.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	notes, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]verdict{}
	for _, n := range notes[len(before):] {
		var d = n.Document
		if d.Kind != "run-summary" {
			b, _ := json.Marshal(d)
			t.Fatalf("unexpected notification %s", b)
		}
		for _, tl := range d.Targets {
			out[d.Account.ID+"/"+tl.Region+"/"+tl.Product] = runVerdict(tl.Status, tl.Note)
		}
	}
	return out
}

func runVerdict(st, note string) verdict {
	switch runstate.Status(st) {
	case runstate.AlreadyProvisioned:
		return vNone
	case runstate.Outdated:
		return vLeave
	case runstate.Succeeded:
		switch {
		case strings.HasPrefix(note, "updated from"):
			return vUpdate
		case strings.HasPrefix(note, "repaired from"), strings.HasPrefix(note, "replac"), note != "":
			return vFix
		}
		return vProvision
	}
	return vFail
}
