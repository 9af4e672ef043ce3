package localrun

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/status"
)

// retireNeighbour is an account Landfall has not run in when the tests
// begin: a look-alike made there by hand must never be terminated.
const retireNeighbour = "333333333333"

// replanText deploys a plan edited from the example, written to a file as
// an operator's would be.
func replanText(t *testing.T, env *Env, edit func(string) string) *plan.Plan {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(edit(string(plan.Example()))), 0o644); err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	env.Replan(pl)
	return pl
}

// withoutAudit is the example plan without security-audit, the product
// that leaves it.
func withoutAudit(s string) string {
	i := strings.Index(s, "  - key: security-audit")
	if i < 0 {
		panic("the example plan has no security-audit product")
	}
	return s[:i]
}

// terminating is withoutAudit with retire: terminate for the whole plan.
func terminating(s string) string {
	return strings.Replace(withoutAudit(s), "updatePolicy: leave\n", "updatePolicy: leave\nretire: terminate\n", 1)
}

// memberCatalog is Service Catalog in account and region as its execution
// role: what a person with administrator access there uses.
func memberCatalog(env *Env, account, region string) *servicecatalog.Client {
	cfg := (&provision.Sessions{Base: env.AWS, RoleName: env.Plan.ExecutionRoleName, Now: env.Clock.Now}).Config(account, "by-hand")
	return servicecatalog.NewFromConfig(cfg, func(o *servicecatalog.Options) { o.Region = region })
}

// provisionByHand launches security-audit as name in account and region
// as a person would from the console: no Landfall tag, a token of its own.
func provisionByHand(t *testing.T, env *Env, account, region, name string) string {
	t.Helper()
	ctx := context.Background()
	sc := memberCatalog(env, account, region)
	portfolio := env.Plan.Portfolios[region]
	if _, err := sc.AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{PortfolioId: aws.String(portfolio), PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations}); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{PortfolioId: aws.String(portfolio),
		PrincipalARN: aws.String("arn:aws:iam::" + account + ":role/" + env.Plan.ExecutionRoleName), PrincipalType: sctypes.PrincipalTypeIam}); err != nil {
		t.Fatal(err)
	}
	out, err := sc.ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
		ProductName: aws.String("security-audit"), ProvisioningArtifactName: aws.String("2025.01"),
		ProvisionedProductName: aws.String(name), ProvisionToken: aws.String("console-" + name),
		ProvisioningParameters: []sctypes.ProvisioningParameter{{Key: aws.String("AuditAccountId"), Value: aws.String("555555555555")}},
		Tags:                   []sctypes.Tag{{Key: aws.String("team"), Value: aws.String("security")}},
	})
	if err != nil {
		t.Fatalf("provision %s by hand: %v", name, err)
	}
	return aws.ToString(out.RecordDetail.ProvisionedProductId)
}

// exists reports whether account has a provisioned product named name in region.
func exists(env *Env, account, region, name string) bool {
	for _, p := range env.Cloud.Catalog().ProvisionedProducts(account, region, env.Clock.Now()) {
		if p.Name == name {
			return true
		}
	}
	return false
}

// candidateStates maps "account/region/product" to the state of each
// retirement candidate fleet status reports for accounts.
func candidateStates(t *testing.T, env *Env, accounts ...string) (map[string]status.Row, *status.Report) {
	t.Helper()
	rep, err := newReporter(env).Run(context.Background(), status.Request{Accounts: accounts})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]status.Row{}
	for _, row := range rep.Rows {
		if row.State == status.Retirable || row.State == status.Unwanted {
			out[row.Account+"/"+row.Region+"/"+row.Product] = row
		}
	}
	return out, rep
}

// summaryFor is the last run summary about account.
func summaryFor(t *testing.T, env *Env, account string) Notification {
	t.Helper()
	all, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Document.Kind == "run-summary" && all[i].Document.Account != nil && all[i].Document.Account.ID == account {
			return all[i]
		}
	}
	t.Fatalf("no summary for %s", account)
	return Notification{}
}

// TestRetireRemovedProduct: a product leaves the plan. Fleet status reports
// what Landfall provisioned of it as RETIRABLE (retire: retain); with
// retire: terminate, status calls it UNWANTED (drift), a dry run says it
// would be terminated and changes nothing, and a run terminates it and its
// summary says so. Look-alikes made by hand (landfall- names without
// Landfall's tag) are reported and never terminated, in an account Landfall
// ran in and in one it never did.
func TestRetireRemovedProduct(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, setup{})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	wantAll(t, statuses(t, res, lifeCycle1), "SUCCEEDED")
	handmade := provisionByHand(t, env, lifeCycle1, "us-east-1", "landfall-handmade")
	lookAlike := provisionByHand(t, env, retireNeighbour, "us-east-1", "landfall-security-audit")
	env.Clock.Advance(10 * 60e9)

	// The product leaves the plan; the plan retains.
	replanText(t, env, withoutAudit)
	got, rep := candidateStates(t, env, lifeCycle1, retireNeighbour)
	for _, r := range planRegions {
		if row := got[lifeCycle1+"/"+r+"/security-audit"]; row.State != status.Retirable ||
			!strings.Contains(row.Reason, "retained (retire: retain): security-audit is no longer a product of the plan; set retire: terminate at the top of the plan to remove it") {
			t.Errorf("%s security-audit = %+v, want RETIRABLE", r, row)
		}
	}
	for _, key := range []string{lifeCycle1 + "/us-east-1/handmade", retireNeighbour + "/us-east-1/security-audit"} {
		if row := got[key]; row.State != status.Retirable || !strings.Contains(row.Reason, "it has no landfall:product tag") {
			t.Errorf("look-alike %s = %+v, want RETIRABLE without Landfall's tag", key, row)
		}
	}
	if len(got) != 5 || rep.Summary[status.Unwanted] != 0 {
		t.Errorf("candidates %v (summary %v), want 5, none UNWANTED", got, rep.Summary)
	}
	// Landfall's account is as the plan says: kept candidates are not drift.
	if _, mine := candidateStates(t, env, lifeCycle1); mine.Drift() {
		t.Errorf("retained candidates are drift: %v", mine.Summary)
	}

	// retire: terminate. Status and the dry run say what a run would do.
	replanText(t, env, terminating)
	got, rep = candidateStates(t, env, lifeCycle1, retireNeighbour)
	if row := got[lifeCycle1+"/us-west-2/security-audit"]; row.State != status.Unwanted || rep.Summary[status.Unwanted] != 3 || !rep.Drift() {
		t.Errorf("under retire: terminate, security-audit = %+v (summary %v), want UNWANTED x3 and drift", row, rep.Summary)
	}
	if row := got[retireNeighbour+"/us-east-1/security-audit"]; row.State != status.Retirable ||
		!strings.Contains(row.Reason, "Landfall will not terminate it although retire is terminate: it has no landfall:product tag") {
		t.Errorf("the look-alike under retire: terminate = %+v, want RETIRABLE, never terminated", row)
	}
	env.Cloud.Calls().Reset()
	dry := env.InvokeLaunch(ctx, Payload{Name: "dry run", Body: []byte(`{"accounts": ["222222222222", "333333333333"], "dryRun": true}`)})
	if dry.Error != "" || dry.Response.Outcome != launch.OutcomeDryRun {
		t.Fatalf("dry run = %+v", dry)
	}
	wouldTerminate, wouldKeep := 0, 0
	for _, r := range dry.Response.DryRun {
		for _, tg := range r.Targets {
			switch {
			case tg.Action == "terminate" && strings.HasPrefix(tg.Note, "would terminate landfall-security-audit (") && r.Account.ID == lifeCycle1:
				wouldTerminate++
			case tg.Action == "retain" && tg.Status == "RETIRABLE":
				wouldKeep++
			case tg.Action != "":
				t.Errorf("dry run of %s: unexpected candidate %+v", r.Account.ID, tg)
			}
		}
	}
	if wouldTerminate != 3 || wouldKeep != 2 {
		t.Errorf("dry run: %d to terminate, %d kept; want 3 and the 2 look-alikes", wouldTerminate, wouldKeep)
	}
	for _, op := range []string{"TerminateProvisionedProduct", "ProvisionProduct", "UpdateProvisionedProduct"} {
		if n := env.Cloud.Calls().Count("servicecatalog." + op); n != 0 {
			t.Errorf("the dry run called %s %d times", op, n)
		}
	}

	// The run terminates what Landfall made, and only that.
	run := mustRun(t, env, []byte(`{"accounts": ["222222222222", "333333333333"]}`))
	mine := statuses(t, run, lifeCycle1)
	for _, r := range planRegions {
		if tr := mine[r+"/security-audit"]; tr.Status != "TERMINATED" {
			t.Errorf("%s security-audit = %+v, want TERMINATED", r, tr)
		}
		if exists(env, lifeCycle1, r, "landfall-security-audit") {
			t.Errorf("landfall-security-audit still exists in %s", r)
		}
		if tr := mine[r+"/baseline-vpc"]; tr.Status != "ALREADY_PROVISIONED" {
			t.Errorf("%s baseline-vpc = %+v, want it untouched", r, tr)
		}
	}
	if !exists(env, lifeCycle1, "us-east-1", "landfall-handmade") || !exists(env, retireNeighbour, "us-east-1", "landfall-security-audit") {
		t.Error("a look-alike made by hand was terminated")
	}
	sum := summaryFor(t, env, lifeCycle1)
	for _, want := range []string{
		"3 terminated",
		"terminated landfall-security-audit pp-",
		"security-audit is no longer a product of the plan; retire is terminate",
		"landfall-handmade " + handmade + ": ",
	} {
		if !strings.Contains(sum.Subject+"\n"+sum.Message, want) {
			t.Errorf("the summary lacks %q:\n%s\n%s", want, sum.Subject, sum.Message)
		}
	}
	if n := summaryFor(t, env, retireNeighbour); !strings.Contains(n.Message, "landfall-security-audit "+lookAlike) || !strings.Contains(n.Message, "RETIRABLE") {
		t.Errorf("the neighbour's summary does not report its look-alike as retirable:\n%s", n.Message)
	}
	got, _ = candidateStates(t, env, lifeCycle1, retireNeighbour)
	if _, mine := candidateStates(t, env, lifeCycle1); len(got) != 2 || mine.Drift() {
		t.Errorf("after the run: candidates %v (drift %v), want the 2 look-alikes, no drift", got, mine.Summary)
	}
}

// TestRetireAfterMove: an account moves to an OU where the plan selects
// another product. Its next run (here a manual one; a MoveAccount event
// queues the same run) provisions the new product and reports the old one
// as retirable, in the run and in fleet status.
func TestRetireAfterMove(t *testing.T) {
	const workloads, custom = "ou-ab12-w0rkl0ad", "ou-ab12-l3zc8b3h"
	byOU := func(s string) string {
		s = strings.Replace(s, "    tags:\n      component: network\n", "    tags:\n      component: network\n    include: {ous: [Custom]}\n", 1)
		s = strings.Replace(s, "    dependsOn: [baseline-vpc]\n", "    include: {ous: [Workloads]}\n", 1)
		return s
	}
	env := newEnv(t, setup{plan: byOU})
	if _, err := env.Plan.Retirement(plan.Account{ID: lifeCycle1}); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	first := statuses(t, res, lifeCycle1)
	if len(first) != 3 || first["us-east-1/baseline-vpc"].Status != "SUCCEEDED" {
		t.Fatalf("in Custom: %+v, want baseline-vpc in 3 regions", first)
	}

	if err := env.Cloud.Org().MoveAccount(env.Cloud.Org().ManagementAccount(), lifeCycle1, custom, workloads, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	res = mustRun(t, env, []byte(`{"accounts": ["222222222222"]}`))
	moved := statuses(t, res, lifeCycle1)
	for _, r := range planRegions {
		if tr := moved[r+"/security-audit"]; tr.Status != "SUCCEEDED" {
			t.Errorf("%s security-audit after the move = %+v, want SUCCEEDED", r, tr)
		}
		if tr := moved[r+"/baseline-vpc"]; tr.Status != "RETIRABLE" ||
			!strings.Contains(tr.Note, `baseline-vpc is not placed in this account: account 222222222222 (LifeCycle1) is not matched by products[0].include (ous Custom); set retire: terminate on products[0]`) {
			t.Errorf("%s baseline-vpc after the move = %+v, want RETIRABLE saying why", r, tr)
		}
		if !exists(env, lifeCycle1, r, "landfall-baseline-vpc") {
			t.Errorf("%s: the retained baseline-vpc is gone", r)
		}
	}
	sum := summaryFor(t, env, lifeCycle1)
	if !strings.Contains(sum.Subject, "3 succeeded, 3 retirable (retained)") || sum.Document.Outcome != "SUCCEEDED" {
		t.Errorf("summary %q (%s), want 3 succeeded and 3 retained, SUCCEEDED", sum.Subject, sum.Document.Outcome)
	}
	var doc struct {
		Targets []struct{ Action, Status string } `json:"targets"`
	}
	raw, _ := json.Marshal(sum.Document)
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	retained := 0
	for _, tg := range doc.Targets {
		if tg.Action == "retain" && tg.Status == "RETIRABLE" {
			retained++
		}
	}
	if retained != 3 {
		t.Errorf("the summary's JSON lists %d retained candidates, want 3: %s", retained, raw)
	}
	got, _ := candidateStates(t, env, lifeCycle1)
	if len(got) != 3 || got[lifeCycle1+"/us-west-1/baseline-vpc"].State != status.Retirable {
		t.Errorf("status after the move: %v, want baseline-vpc RETIRABLE in 3 regions", got)
	}
}
