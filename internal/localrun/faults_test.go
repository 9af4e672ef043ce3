package localrun

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/plan"
)

func account(t *testing.T, w *localaws.World, id string) int {
	t.Helper()
	for i := range w.Organization.Accounts {
		if w.Organization.Accounts[i].ID == id {
			return i
		}
	}
	t.Fatalf("no account %s in the world", id)
	return -1
}

func TestThrottledServiceCatalog(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		// One call per operation every 100 emulated seconds in us-east-1, in
		// the member account: polling and the SDK's immediate retries run
		// into it. (The launch function's preflight reads the management
		// account's catalog; throttled there, the launch fails and Lambda
		// retries it, which TestPreflightThrottledIsRetried covers.)
		w.Faults = append(w.Faults, faults.Rule{Service: "servicecatalog", Region: "us-east-1", Account: lifeCycle1, Throttle: &faults.Throttle{Rate: 0.01, Burst: 1}})
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	wantAll(t, statuses(t, res, lifeCycle1), "SUCCEEDED")
	for k, n := range provisioned(env, lifeCycle1) {
		if n != 1 {
			t.Errorf("%s provisioned %d times", k, n)
		}
	}
	throttled := 0
	for _, c := range env.Cloud.Calls().Records() {
		if c.ErrorCode == "ThrottlingException" {
			throttled++
		}
	}
	if throttled == 0 {
		t.Error("the fault never throttled: the test proves nothing")
	}
	t.Logf("%d throttled calls; %d worker steps", throttled, res.Calls["sqs.DeleteMessage"])
}

// TestPreflightThrottledIsRetried: when the management account's catalog
// throttles the preflight past the SDK's retries, the launch function
// returns an error (Lambda and EventBridge retry it) and queues nothing.
func TestPreflightThrottledIsRetried(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		w.Faults = append(w.Faults, faults.Rule{Service: "servicecatalog", Region: "us-east-1", Account: mgmt, Throttle: &faults.Throttle{Rate: 0.01, Burst: 1}})
	}})
	inv := env.InvokeLaunch(context.Background(), Payload{Name: "event", Body: event(t, "create-managed-account-succeeded.json")})
	if !strings.Contains(inv.Error, "check the plan against the organization") || !strings.Contains(inv.Error, "ThrottlingException") {
		t.Fatalf("launch = %+v, want a function error naming the throttled preflight", inv)
	}
	if n := env.Cloud.Calls().Count("sqs.SendMessage"); n != 0 {
		t.Errorf("%d runs queued", n)
	}
}

func TestRegionDisabledForAccount(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		i := account(t, w, lifeCycle1)
		w.Organization.Accounts[i].DisabledRegions = []string{"us-west-1"}
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	got := statuses(t, res, lifeCycle1)
	for k, tr := range got {
		if strings.HasPrefix(k, "us-west-1/") {
			if tr.Status == "SUCCEEDED" || !strings.Contains(tr.Error+tr.Note, "us-west-1") {
				t.Errorf("%s = %+v, want a failure naming the disabled region", k, tr)
			}
			continue
		}
		if tr.Status != "SUCCEEDED" {
			t.Errorf("%s = %s (%s): other regions must not suffer", k, tr.Status, tr.Error)
		}
	}
	if bv := got["us-west-1/baseline-vpc"]; bv.Status != "FAILED" || !strings.Contains(bv.Error, "enable the opt-in region") {
		t.Errorf("us-west-1/baseline-vpc = %+v", bv)
	}
}

func TestRoleNotAssumableYet(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		w.Faults = append(w.Faults, faults.Rule{Account: lifeCycle1, AssumeRoleDeniedFor: 4 * time.Minute})
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	wantAll(t, statuses(t, res, lifeCycle1), "SUCCEEDED")
	denied := 0
	for _, c := range env.Cloud.Calls().Records() {
		if c.Operation == "AssumeRole" && c.ErrorCode == "AccessDenied" {
			denied++
		}
	}
	if denied == 0 {
		t.Error("AssumeRole was never denied: the fault did not apply")
	}
}

func TestRoleMissing(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		i := account(t, w, lifeCycle1)
		w.Organization.Accounts[i].Roles = []string{"OrganizationAccountAccessRole"}
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	for k, tr := range statuses(t, res, lifeCycle1) {
		if tr.Status != "FAILED" || !strings.Contains(tr.Error, "cannot assume the execution role") || !strings.Contains(tr.Error, "still after 30m0s") {
			t.Errorf("%s = %+v, want FAILED: role not assumable", k, tr)
		}
	}
	if len(res.Notifications) != 1 || res.Notifications[0].Attributes["landfall.outcome"] != "FAILED" {
		t.Errorf("want one FAILED summary, got %+v", res.Notifications)
	}
}

// TestVersionRollout plays a plan change: both products first pinned to an
// older version, then moved to latest. baseline-vpc (updatePolicy leave) is
// left and reported OUTDATED; security-audit (update) is updated in place.
func TestVersionRollout(t *testing.T) {
	pinned := func(s string) string {
		s = strings.Replace(s, "product: baseline-vpc          # the product name (or its prod- ID, single region only)\n    version: latest", "product: baseline-vpc\n    version: v1.1", 1)
		return strings.Replace(s, "product: security-audit\n    version: latest", "product: security-audit\n    version: \"2024.06\"", 1)
	}
	env := newEnv(t, setup{plan: pinned})
	first := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	for k, tr := range statuses(t, first, lifeCycle1) {
		if tr.Status != "SUCCEEDED" || (tr.Version != "v1.1" && tr.Version != "2024.06") {
			t.Fatalf("%s = %+v, want SUCCEEDED on the pinned version", k, tr)
		}
	}
	latest, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	env.Replan(latest)
	env.Cloud.Calls().Reset()
	res := mustRun(t, env, []byte(`{"accounts": ["222222222222"]}`))
	for k, tr := range statuses(t, res, lifeCycle1) {
		switch {
		case strings.HasSuffix(k, "/baseline-vpc"):
			if tr.Status != "OUTDATED" || !strings.Contains(tr.Note, "left on v1.1") {
				t.Errorf("%s = %+v, want OUTDATED left on v1.1", k, tr)
			}
		default:
			if tr.Status != "SUCCEEDED" || tr.Version != "2025.01" || !strings.Contains(tr.Note, "updated from 2024.06") {
				t.Errorf("%s = %+v, want SUCCEEDED updated to 2025.01", k, tr)
			}
		}
	}
	if res.Calls["servicecatalog.UpdateProvisionedProduct"] != 3 || res.Calls["servicecatalog.ProvisionProduct"] != 0 {
		t.Errorf("want 3 updates and no provisioning: %v", res.Calls)
	}
	for _, r := range planRegions {
		for _, pp := range env.Cloud.Catalog().ProvisionedProducts(lifeCycle1, r, env.Clock.Now()) {
			if pp.Name == "landfall-security-audit" && pp.ArtifactName != "2025.01" {
				t.Errorf("%s security-audit runs %s, want 2025.01", r, pp.ArtifactName)
			}
		}
	}
}

func TestServerErrorsRetried(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		w.Faults = append(w.Faults, faults.Rule{Service: "servicecatalog", ErrorRate: 0.3, Error: faults.ErrServiceUnavailable, Seed: 42})
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	wantAll(t, statuses(t, res, lifeCycle1), "SUCCEEDED")
	failed := 0
	for _, c := range env.Cloud.Calls().Records() {
		if c.ErrorCode == faults.ErrServiceUnavailable {
			failed++
		}
	}
	if failed == 0 {
		t.Error("no 503 was injected: the test proves nothing")
	}
	for k, n := range provisioned(env, lifeCycle1) {
		if n != 1 {
			t.Errorf("%s provisioned %d times despite retries", k, n)
		}
	}
}

// TestAssociationPropagates: a fresh association takes longer to reach
// end-user calls than the in-invocation backoff waits (1+2+4 s), so the
// targets wait for a later step instead of failing, then provision once.
func TestAssociationPropagates(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) {
		w.Faults = append(w.Faults, faults.Rule{Account: lifeCycle1, AssociationInvisibleFor: 20 * time.Second})
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	wantAll(t, statuses(t, res, lifeCycle1), "SUCCEEDED")
	notFound := 0
	for _, c := range env.Cloud.Calls().Records() {
		if c.Operation == "DescribeProduct" && c.ErrorCode == "ResourceNotFoundException" {
			notFound++
		}
	}
	if notFound == 0 {
		t.Error("DescribeProduct never answered not-found: the fault did not apply")
	}
	for k, n := range provisioned(env, lifeCycle1) {
		if n != 1 {
			t.Errorf("%s provisioned %d times", k, n)
		}
	}
	t.Logf("%d not-found answers while the association propagated; calls %v", notFound, res.Calls)
}
