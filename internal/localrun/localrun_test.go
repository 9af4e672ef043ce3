package localrun

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/plan"
)

const (
	mgmt       = "111111111111"
	lifeCycle1 = "222222222222"
	updated    = "624281831893"
)

var planRegions = []string{"us-east-1", "us-west-2", "us-west-1"}

// event returns one of the embedded sample events.
func event(t *testing.T, name string) []byte {
	t.Helper()
	return samples.Event(name)
}

// eventFor rewrites a sample lifecycle event for another account.
func eventFor(t *testing.T, name, account, accountName string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(event(t, name), &m); err != nil {
		t.Fatal(err)
	}
	details := m["detail"].(map[string]any)["serviceEventDetails"].(map[string]any)
	for _, v := range details {
		acct := v.(map[string]any)["account"].(map[string]any)
		acct["accountId"], acct["accountName"] = account, accountName
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type setup struct {
	world func(*localaws.World)
	plan  func(string) string // edits the example plan's YAML
}

func newEnv(t *testing.T, s setup) *Env {
	t.Helper()
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	if s.world != nil {
		s.world(w)
	}
	text := string(plan.Example())
	if s.plan != nil {
		text = s.plan(text)
	}
	pl, err := plan.Parse([]byte(text), "test-plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env, err := New(context.Background(), w, pl, nil)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func payloads(bodies ...[]byte) []Payload {
	var out []Payload
	for i, b := range bodies {
		out = append(out, Payload{Name: fmt.Sprintf("payload-%d", i+1), Body: b})
	}
	return out
}

func mustRun(t *testing.T, env *Env, bodies ...[]byte) *Result {
	t.Helper()
	res, err := env.Run(context.Background(), payloads(bodies...))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// statuses maps "region/product" to status for the run of account.
func statuses(t *testing.T, res *Result, account string) map[string]TargetReport {
	t.Helper()
	var runs []RunReport
	for _, r := range res.Runs {
		if r.Account == account {
			runs = append(runs, r)
		}
	}
	if len(runs) == 0 {
		t.Fatalf("no run for %s; invocations: %+v", account, res.Invocations)
	}
	out := map[string]TargetReport{}
	for _, tr := range runs[len(runs)-1].Targets {
		out[tr.Region+"/"+tr.Product] = tr
	}
	return out
}

func wantAll(t *testing.T, got map[string]TargetReport, status string) {
	t.Helper()
	if len(got) != 6 {
		t.Errorf("got %d targets, want 6 (3 regions x 2 products): %v", len(got), got)
	}
	for k, tr := range got {
		if tr.Status != status {
			t.Errorf("%s: status %s (%s%s), want %s", k, tr.Status, tr.Error, tr.Note, status)
		}
	}
}

// provisioned counts provisioned products per (region, name) in account.
func provisioned(env *Env, account string) map[string]int {
	out := map[string]int{}
	for _, r := range planRegions {
		for _, pp := range env.Cloud.Catalog().ProvisionedProducts(account, r, env.Clock.Now()) {
			out[r+"/"+pp.Name]++
		}
	}
	return out
}

func TestHappyPath(t *testing.T) {
	env := newEnv(t, setup{})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	got := statuses(t, res, lifeCycle1)
	wantAll(t, got, "SUCCEEDED")
	for k, tr := range got {
		if tr.ProvisionedProductID == "" || tr.RecordID == "" {
			t.Errorf("%s: missing provisioned product or record: %+v", k, tr)
		}
		want := "v2.0"
		if strings.HasSuffix(k, "security-audit") {
			want = "2025.01"
		}
		if tr.Version != want {
			t.Errorf("%s: version %s, want latest %s", k, tr.Version, want)
		}
	}
	for k, n := range provisioned(env, lifeCycle1) {
		if n != 1 {
			t.Errorf("%s provisioned %d times", k, n)
		}
	}
	if n := res.Calls["servicecatalog.ProvisionProduct"]; n != 6 {
		t.Errorf("ProvisionProduct calls = %d, want 6", n)
	}
	if len(res.Notifications) != 1 {
		t.Fatalf("notifications = %d, want exactly 1", len(res.Notifications))
	}
	n := res.Notifications[0]
	if n.Subject != "Landfall: LifeCycle1 (222222222222) 6 succeeded" {
		t.Errorf("subject = %q", n.Subject)
	}
	if n.Attributes["landfall.outcome"] != "SUCCEEDED" || n.Document.Outcome != "SUCCEEDED" {
		t.Errorf("notification outcome: %+v", n)
	}
	// security-audit depends on baseline-vpc: in every region its record must start after baseline-vpc succeeded.
	var sa, bv []string
	for _, pp := range env.Cloud.Catalog().ProvisionedProducts(lifeCycle1, "us-west-1", env.Clock.Now()) {
		switch pp.Name {
		case "landfall-security-audit":
			sa = append(sa, pp.Created.Format(time.RFC3339))
		case "landfall-baseline-vpc":
			bv = append(bv, pp.Created.Format(time.RFC3339))
		}
	}
	if len(sa) != 1 || len(bv) != 1 || sa[0] <= bv[0] {
		t.Errorf("security-audit (%v) must be created after baseline-vpc (%v)", sa, bv)
	}
}

func TestEverySampleEvent(t *testing.T) {
	tests := []struct {
		file, outcome string
		notifications int
	}{
		{"create-managed-account-succeeded.json", "queued", 1},
		{"update-managed-account-succeeded.json", "queued", 1},
		{"create-managed-account-failed.json", "account-failed", 1},
		{"register-organizational-unit-succeeded.json", "ignored", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			env := newEnv(t, setup{})
			res := mustRun(t, env, event(t, tt.file))
			inv := res.Invocations[0]
			if inv.Error != "" || inv.Response.Outcome != tt.outcome {
				t.Fatalf("invocation = %+v, want outcome %s", inv, tt.outcome)
			}
			if len(res.Notifications) != tt.notifications {
				t.Fatalf("notifications = %d, want %d", len(res.Notifications), tt.notifications)
			}
			if tt.file == "create-managed-account-failed.json" {
				n := res.Notifications[0]
				if !strings.Contains(n.Subject, "LifeCycle2 (333333333333)") || !strings.Contains(n.Message, "AWS Control Tower failed to create a managed account.") {
					t.Errorf("failure notice: %+v", n)
				}
				if res.Calls["servicecatalog.ProvisionProduct"] != 0 || res.Calls["sts.AssumeRole"] != 0 {
					t.Errorf("a FAILED event must not provision: %v", res.Calls)
				}
			}
			if tt.file == "update-managed-account-succeeded.json" {
				wantAll(t, statuses(t, res, updated), "SUCCEEDED")
			}
		})
	}
}

func TestShareNotVisibleForAWhile(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		w.Faults = append(w.Faults, faults.Rule{ShareInvisibleFor: 6 * time.Minute})
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	wantAll(t, statuses(t, res, lifeCycle1), "SUCCEEDED")
	if n := res.Calls["servicecatalog.ProvisionProduct"]; n != 6 {
		t.Errorf("ProvisionProduct calls = %d, want 6", n)
	}
	// While the share is invisible, association fails with ResourceNotFound and
	// the targets wait for a later step instead of failing.
	if res.Calls["servicecatalog.AssociatePrincipalWithPortfolio"] <= 3 {
		t.Errorf("expected association retries while the share was invisible: %v", res.Calls)
	}
}

func TestProvisioningFailed(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		setOutcome(t, w, "us-west-1", "security-audit", lifeCycle1, "FAILED", "The following resource(s) failed to create: [AuditBucket].")
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	got := statuses(t, res, lifeCycle1)
	for k, tr := range got {
		switch k {
		case "us-west-1/security-audit":
			if tr.Status != "FAILED" || !strings.Contains(tr.Error, "AuditBucket") {
				t.Errorf("%s = %+v, want FAILED with the record error", k, tr)
			}
		default:
			if tr.Status != "SUCCEEDED" {
				t.Errorf("%s = %s, want SUCCEEDED: one failure must not stop the others", k, tr.Status)
			}
		}
	}
	n := res.Notifications[0]
	if n.Subject != "Landfall: LifeCycle1 (222222222222) 5 succeeded, 1 failed" || n.Attributes["landfall.outcome"] != "PARTIAL" {
		t.Errorf("notification: %q %v", n.Subject, n.Attributes)
	}
	if !strings.Contains(n.Message, `{"accounts":["222222222222"],"targets":[{"region":"us-west-1","product":"security-audit"}]}`) {
		t.Errorf("notification lacks the re-run payload:\n%s", n.Message)
	}
}

// TestPinnedDeprecatedVersion: a plan pinning a DEPRECATED version is
// refused by the preflight in the first second, naming the entry and the
// versions available, before any run is queued or any role assumed.
func TestPinnedDeprecatedVersion(t *testing.T) {
	env := newEnv(t, setup{plan: func(s string) string {
		return strings.Replace(s, "product: baseline-vpc          # the product name (or its prod- ID, single region only)\n    version: latest", "product: baseline-vpc\n    version: v1.0", 1)
	}})
	inv := env.InvokeLaunch(context.Background(), Payload{Name: "event", Body: event(t, "create-managed-account-succeeded.json")})
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeRefused || !strings.Contains(inv.Response.Message, "products[0].version:") || !strings.Contains(inv.Response.Message, "DEPRECATED") {
		t.Fatalf("launch = %+v, want refused naming products[0].version as DEPRECATED", inv)
	}
	calls := env.Cloud.Calls().Snapshot()
	for _, op := range []string{"sqs.SendMessage", "sts.AssumeRole", "servicecatalog.ProvisionProduct"} {
		if calls[op] != 0 {
			t.Errorf("%s called %d times", op, calls[op])
		}
	}
}

func TestInvalidParameters(t *testing.T) {
	env := newEnv(t, setup{plan: func(s string) string {
		return strings.Replace(s, `RetentionDays: "365"`, `RetentionDays: "400"`, 1)
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	got := statuses(t, res, lifeCycle1)
	for _, r := range planRegions {
		sa := got[r+"/security-audit"]
		if sa.Status != "FAILED" || !strings.Contains(sa.Error, "InvalidParametersException") || !strings.Contains(sa.Error, "RetentionDays") {
			t.Errorf("%s security-audit = %+v, want InvalidParametersException naming RetentionDays", r, sa)
		}
		if got[r+"/baseline-vpc"].Status != "SUCCEEDED" {
			t.Errorf("%s baseline-vpc = %s", r, got[r+"/baseline-vpc"].Status)
		}
	}
}

func TestDuplicateEventsInSequence(t *testing.T) {
	env := newEnv(t, setup{})
	ev := event(t, "create-managed-account-succeeded.json")
	res := mustRun(t, env, ev, ev, ev)
	for k, n := range provisioned(env, lifeCycle1) {
		if n != 1 {
			t.Errorf("%s provisioned %d times, want exactly once", k, n)
		}
	}
	// One event is one run, told once: the ledger takes the repeats for what they are.
	if len(res.Runs) != 1 || len(res.Notifications) != 1 {
		t.Fatalf("runs = %d, notifications = %d; want one run and one summary", len(res.Runs), len(res.Notifications))
	}
	for _, inv := range res.Invocations[1:] {
		if inv.Response == nil || inv.Response.Outcome != "duplicate" {
			t.Errorf("a repeated event: %+v, want outcome duplicate", inv)
		}
	}
	for _, r := range res.Runs {
		for _, tr := range r.Targets {
			if tr.Status != "SUCCEEDED" && tr.Status != "ALREADY_PROVISIONED" {
				t.Errorf("run %s %s/%s = %s (%s): duplicates must not fail a target", r.RunID, tr.Region, tr.Product, tr.Status, tr.Error)
			}
		}
	}
	if n := res.Calls["servicecatalog.ProvisionProduct"]; n != 6 {
		t.Errorf("ProvisionProduct calls = %d, want 6", n)
	}
}

func TestDuplicateEventsConcurrently(t *testing.T) {
	env := newEnv(t, setup{})
	ev := event(t, "create-managed-account-succeeded.json")
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if inv := env.InvokeLaunch(ctx, Payload{Name: fmt.Sprint(i), Body: ev}); inv.Error != "" {
				t.Errorf("launch %d: %s", i, inv.Error)
			}
		}()
	}
	wg.Wait()
	// Three workers take the three queued copies at once, as Lambda would.
	if err := env.DrainConcurrently(ctx, 3); err != nil {
		t.Fatal(err)
	}
	for k, n := range provisioned(env, lifeCycle1) {
		if n != 1 {
			t.Errorf("%s provisioned %d times, want exactly once", k, n)
		}
	}
	notes, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 {
		t.Fatalf("notifications = %d, want 1: three deliveries of one event are one run", len(notes))
	}
	for _, n := range notes {
		for _, tr := range n.Document.Targets {
			if tr.Status != "SUCCEEDED" && tr.Status != "ALREADY_PROVISIONED" {
				t.Errorf("%s/%s = %s (%s): duplicates must not fail a target", tr.Region, tr.Product, tr.Status, tr.Error)
			}
		}
	}
}

// TestUnchangedEventRunsPolicy: an Update event for an account that has
// everything changed nothing and sends nothing by default; a plan that says
// send gets its summary.
func TestUnchangedEventRunsPolicy(t *testing.T) {
	for _, tt := range []struct {
		policy string
		want   int
	}{{"", 1}, {"skip", 1}, {"send", 2}} {
		t.Run("policy "+tt.policy, func(t *testing.T) {
			env := newEnv(t, setup{})
			if tt.policy != "" {
				env.Plan.Notifications.UnchangedEventRuns = plan.NotifyChoice(tt.policy)
				env.Replan(env.Plan)
			}
			res := mustRun(t, env, eventFor(t, "create-managed-account-succeeded.json", updated, "LifeCycle3"), event(t, "update-managed-account-succeeded.json"))
			if len(res.Runs) != 2 || len(res.Notifications) != tt.want {
				t.Fatalf("runs %d, notifications %d; want 2 runs, %d notifications", len(res.Runs), len(res.Notifications), tt.want)
			}
			if got := res.Notifications[0].Document.Counts["SUCCEEDED"]; got != 6 {
				t.Errorf("the first summary counts %d SUCCEEDED, want 6", got)
			}
		})
	}
}

func TestUpdateAfterSuccessProvisionsNothing(t *testing.T) {
	env := newEnv(t, setup{})
	first := mustRun(t, env, eventFor(t, "create-managed-account-succeeded.json", updated, "LifeCycle3"))
	wantAll(t, statuses(t, first, updated), "SUCCEEDED")
	env.Cloud.Calls().Reset()
	res := mustRun(t, env, event(t, "update-managed-account-succeeded.json"))
	wantAll(t, statuses(t, res, updated), "ALREADY_PROVISIONED")
	// The products exist and are visible: no share, association or provisioning call is needed.
	for _, op := range []string{"ProvisionProduct", "UpdateProvisionedProduct", "TerminateProvisionedProduct", "AcceptPortfolioShare", "AssociatePrincipalWithPortfolio"} {
		if n := res.Calls["servicecatalog."+op]; n != 0 {
			t.Errorf("%s calls = %d, want 0", op, n)
		}
	}
}

func TestRerunTouchesOnlyFailedTargets(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		setOutcome(t, w, "us-west-1", "security-audit", lifeCycle1, "FAILED", "AuditBucket failed")
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	rerun := res.Notifications[0].Document.Rerun
	if rerun == nil {
		t.Fatal("no re-run payload in the notification")
	}
	// The operator fixes the cause (here: the emulated stack now succeeds) and pastes the payload.
	if err := env.Cloud.Catalog().SetOutcome("us-west-1", "security-audit", lifeCycle1, catalog.OutcomeSpec{Outcome: "SUCCEEDED"}); err != nil {
		t.Fatal(err)
	}
	env.Cloud.Calls().Reset()
	again := mustRun(t, env, rerun)
	got := statuses(t, again, lifeCycle1)
	if len(got) != 1 {
		t.Fatalf("re-run has %d targets, want only the failed one: %v", len(got), got)
	}
	if tr := got["us-west-1/security-audit"]; tr.Status != "SUCCEEDED" {
		t.Errorf("re-run target = %+v, want SUCCEEDED (repaired)", tr)
	}
	for key, n := range again.Calls {
		if strings.HasPrefix(key, "servicecatalog.") && n > 0 {
			for _, rec := range env.Cloud.Calls().Records() {
				if rec.Service == "servicecatalog" && rec.Region != "us-west-1" {
					t.Fatalf("re-run touched %s in %s", rec.Operation, rec.Region)
				}
			}
		}
	}
	// The failed product never provisioned (its stack rolled back), so it cannot
	// be updated: it is terminated and provisioned again, under the same name.
	if again.Calls["servicecatalog.TerminateProvisionedProduct"] != 1 || again.Calls["servicecatalog.ProvisionProduct"] != 1 ||
		again.Calls["servicecatalog.UpdateProvisionedProduct"] != 0 {
		t.Errorf("want one termination and one new provisioning: %v", again.Calls)
	}
	if n := provisioned(env, lifeCycle1)["us-west-1/landfall-security-audit"]; n != 1 {
		t.Errorf("us-west-1 has %d landfall-security-audit products, want 1", n)
	}
}

func TestRunOutlivesMaxAge(t *testing.T) {
	env := newEnv(t, setup{
		world: func(w *localaws.World) { setDuration(t, w, "us-west-2", "baseline-vpc", 3*time.Hour) },
		plan:  func(s string) string { return strings.Replace(s, "maxRunAge: 2h ", "maxRunAge: 30m", 1) },
	})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	got := statuses(t, res, lifeCycle1)
	if tr := got["us-west-2/baseline-vpc"]; tr.Status != "TIMED_OUT" || !strings.Contains(tr.Error, "maximum age of 30m0s") {
		t.Errorf("us-west-2/baseline-vpc = %+v, want TIMED_OUT", tr)
	}
	if tr := got["us-west-2/security-audit"]; tr.Status != "TIMED_OUT" && tr.Status != "SKIPPED" {
		t.Errorf("us-west-2/security-audit = %s, want TIMED_OUT or SKIPPED", tr.Status)
	}
	for _, r := range []string{"us-east-1", "us-west-1"} {
		if got[r+"/baseline-vpc"].Status != "SUCCEEDED" || got[r+"/security-audit"].Status != "SUCCEEDED" {
			t.Errorf("%s must succeed regardless", r)
		}
	}
	if len(res.Notifications) != 1 {
		t.Errorf("notifications = %d, want 1", len(res.Notifications))
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	env := newEnv(t, setup{})
	res := mustRun(t, env, []byte(`{"accounts": ["222222222222"], "regions": ["us-west-1"], "products": ["baseline-vpc"], "dryRun": true}`))
	inv := res.Invocations[0]
	if inv.Error != "" || inv.Response.Outcome != "dry-run" || len(inv.Response.DryRun) != 1 {
		t.Fatalf("invocation = %+v", inv)
	}
	tg := inv.Response.DryRun[0].Targets
	if len(tg) != 1 || tg[0].Region != "us-west-1" || tg[0].Product != "baseline-vpc" || tg[0].Status != "PLANNED" ||
		tg[0].ProvisionedProductName != "landfall-baseline-vpc" || tg[0].Parameters["AccountName"] != "LifeCycle1" {
		t.Errorf("dry-run target = %+v", tg)
	}
	mutating := []string{"AcceptPortfolioShare", "AssociatePrincipalWithPortfolio", "ProvisionProduct", "UpdateProvisionedProduct", "TerminateProvisionedProduct"}
	for _, op := range mutating {
		if n := res.Calls["servicecatalog."+op]; n != 0 {
			t.Errorf("dry run called %s %d times", op, n)
		}
	}
	if res.Calls["sqs.SendMessage"] != 0 || res.Calls["sns.Publish"] != 0 {
		t.Errorf("dry run queued or published: %v", res.Calls)
	}

	// Once the account has its products, the dry run resolves the version and says nothing would change.
	mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	res = mustRun(t, env, []byte(`{"accounts": ["222222222222"], "dryRun": true}`))
	for _, tr := range res.Invocations[0].Response.DryRun[0].Targets {
		if tr.Status != "PLANNED" || !strings.Contains(tr.Note, "would do nothing") || tr.Version == "" {
			t.Errorf("%s/%s = %+v", tr.Region, tr.Product, tr)
		}
	}
}

func TestMalformedInputs(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
		reported            bool // invalid events are reported and acknowledged; manual payloads return the error
	}{
		{"not an object", `["not", "an", "event"]`, "", true},
		{"wrong source", `{"version":"0","id":"e1","detail-type":"AWS Service Event via CloudTrail","source":"aws.ec2","account":"111111111111","time":"2018-08-30T21:42:18Z","region":"us-east-1","detail":{}}`, "", true},
		{"missing account block", `{"version":"0","id":"e2","detail-type":"AWS Service Event via CloudTrail","source":"aws.controltower","account":"111111111111","time":"2018-08-30T21:42:18Z","region":"us-east-1","detail":{"eventName":"CreateManagedAccount","serviceEventDetails":{"createManagedAccountStatus":{"state":"SUCCEEDED","organizationalUnit":{"organizationalUnitId":"ou-ab12-l3zc8b3h","organizationalUnitName":"Custom"}}}}}`, "", true},
		{"short account id", strings.Replace(string(mustRead(t)), `"222222222222"`, `"2222"`, 1), "", true},
		{"manual typo", `{"acounts": ["222222222222"]}`, `acounts: unknown key; did you mean "accounts"?`, false},
		{"manual bad region", `{"accounts": ["222222222222"], "regions": ["us-west-9"]}`, `us-west-9`, false},
		{"manual unknown product", `{"accounts": ["222222222222"], "products": ["nope"]}`, `nope`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, setup{})
			res := mustRun(t, env, []byte(tt.body))
			inv := res.Invocations[0]
			if tt.reported {
				if inv.Error != "" || inv.Response == nil || inv.Response.Outcome != "invalid" || inv.Response.Error == "" {
					t.Fatalf("want an acknowledged, reported invalid event; got %+v", inv)
				}
				if len(res.Notifications) != 1 || res.Notifications[0].Document.Kind != "invalid-event" {
					t.Fatalf("want one invalid-event notification, got %+v", res.Notifications)
				}
				t.Logf("error: %s", inv.Response.Error)
			} else {
				// Manual payloads get an answer, not a function error (typos must not page).
				if inv.Error != "" || inv.Response == nil || inv.Response.Outcome != "invalid" || !strings.Contains(inv.Response.Error, tt.wantErr) {
					t.Fatalf("want an invalid answer naming %s, got %+v", tt.wantErr, inv)
				}
				if len(res.Notifications) != 0 {
					t.Errorf("an operator's typo is answered, not notified: %+v", res.Notifications)
				}
				t.Logf("error: %s", inv.Response.Error)
			}
			if res.Calls["sqs.SendMessage"] != 0 {
				t.Errorf("nothing may be queued: %v", res.Calls)
			}
		})
	}
}

func mustRead(t *testing.T) []byte { return event(t, "create-managed-account-succeeded.json") }

// setOutcome makes provisioning product in region end as outcome for account.
func setOutcome(t *testing.T, w *localaws.World, region, product, account, outcome, msg string) {
	t.Helper()
	editArtifacts(t, w, region, product, func(a *catalog.ArtifactSpec) {
		accounts := maps.Clone(a.Provisioning.Accounts)
		if accounts == nil {
			accounts = map[string]catalog.OutcomeSpec{}
		}
		accounts[account] = catalog.OutcomeSpec{Outcome: outcome, Error: msg}
		a.Provisioning.Accounts = accounts
	})
}

// setDuration makes provisioning product in region take d.
func setDuration(t *testing.T, w *localaws.World, region, product string, d time.Duration) {
	t.Helper()
	editArtifacts(t, w, region, product, func(a *catalog.ArtifactSpec) { a.Provisioning.Duration = d })
}

func editArtifacts(t *testing.T, w *localaws.World, region, product string, edit func(*catalog.ArtifactSpec)) {
	t.Helper()
	for i := range w.Catalog.Regions {
		rs := &w.Catalog.Regions[i]
		if rs.Region != region {
			continue
		}
		for j := range rs.Products {
			if rs.Products[j].Name != product {
				continue
			}
			arts := slices.Clone(rs.Products[j].Artifacts) // world files share artifact lists through anchors
			for k := range arts {
				edit(&arts[k])
			}
			rs.Products[j].Artifacts = arts
			return
		}
	}
	t.Fatalf("no product %s in %s", product, region)
}
