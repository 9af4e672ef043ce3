package localrun

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/accountregions"
	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/status"
)

// Regions chosen at run time (`regions: enabled`) and opt-in regions, end
// to end on the local AWS: the Account Management API is the emulator's
// (internal/localaws/account), over the organization's region state.

const (
	lifeCycle3 = "624281831893"
	lifeCycle2 = "333333333333"
	ouCustom   = "ou-ab12-l3zc8b3h"
)

// disableRegion makes region DISABLED for account in the world: an opt-in
// region the account has not enabled.
func disableRegion(w *localaws.World, account, region string) {
	for i := range w.Organization.Accounts {
		if a := &w.Organization.Accounts[i]; a.ID == account {
			a.DisabledRegions = append(a.DisabledRegions, region)
		}
	}
}

// withCatalogIn copies the us-west-1 catalog (portfolio, products,
// versions) to region under IDs of its own (uw1 becomes tag): the plan's
// portfolio there is port-<tag>baseline0.
func withCatalogIn(t *testing.T, w *localaws.World, region, tag string) {
	t.Helper()
	i := slices.IndexFunc(w.Catalog.Regions, func(r catalog.RegionSpec) bool { return r.Region == "us-west-1" })
	if i < 0 {
		t.Fatal("the default world has no us-west-1 catalog")
	}
	b, err := json.Marshal(w.Catalog.Regions[i])
	if err != nil {
		t.Fatal(err)
	}
	var copied catalog.RegionSpec
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(b), "uw1", tag)), &copied); err != nil {
		t.Fatal(err)
	}
	copied.Region = region
	w.Catalog.Regions = append(w.Catalog.Regions, copied)
}

// actsIn reports whether c is a Service Catalog call in account and
// region: a target's, or the listing that looks for retirement candidates,
// which the worker makes only once the opt-in gate has found the region
// enabled. The management account's own calls (the preflight reads its
// portfolio there) are not in the member account.
func actsIn(c wire.Call, account, region string) bool {
	return c.Service == "servicecatalog" && c.Account == account && c.Region == region
}

func regionsLine(regions string) func(string) string {
	return func(text string) string {
		return strings.Replace(text, "regions: [us-east-1, us-west-2, us-west-1]", regions, 1)
	}
}

func regionTargets(res *Result, account string) []string {
	var out []string
	for _, r := range res.Runs {
		if r.Account != account {
			continue
		}
		for _, tr := range r.Targets {
			out = append(out, tr.Region+"/"+tr.Product+" "+tr.Status)
		}
	}
	slices.Sort(out)
	return out
}

// `regions: enabled` resolves per account: two accounts of one backfill get
// different regions, each exactly the candidates it has enabled, and
// status reports each in the same regions.
func TestRegionsEnabledResolvesPerAccount(t *testing.T) {
	env := newEnv(t, setup{
		world: func(w *localaws.World) {
			w.Organization.TrustedAccess = []string{org.AccountServicePrincipal}
			disableRegion(w, lifeCycle1, "us-west-1")
			disableRegion(w, lifeCycle2, "us-west-1")
			disableRegion(w, lifeCycle2, "us-west-2")
		},
		plan: regionsLine("regions: enabled"),
	})
	res := mustRun(t, env, []byte(`{"ous": ["`+ouCustom+`"]}`))

	got := map[string][]string{lifeCycle1: regionTargets(res, lifeCycle1), lifeCycle3: regionTargets(res, lifeCycle3), lifeCycle2: regionTargets(res, lifeCycle2)}
	want := map[string][]string{
		lifeCycle1: {"us-east-1/baseline-vpc SUCCEEDED", "us-east-1/security-audit SUCCEEDED", "us-west-2/baseline-vpc SUCCEEDED", "us-west-2/security-audit SUCCEEDED"},
		lifeCycle3: {"us-east-1/baseline-vpc SUCCEEDED", "us-east-1/security-audit SUCCEEDED", "us-west-1/baseline-vpc SUCCEEDED", "us-west-1/security-audit SUCCEEDED", "us-west-2/baseline-vpc SUCCEEDED", "us-west-2/security-audit SUCCEEDED"},
		lifeCycle2: {"us-east-1/baseline-vpc SUCCEEDED", "us-east-1/security-audit SUCCEEDED"},
	}
	for acct, w := range want {
		if !slices.Equal(got[acct], w) {
			t.Errorf("%s: %v\nwant %v", acct, got[acct], w)
		}
	}
	var excluded []string
	for _, e := range res.Invocations[0].Response.Excluded {
		if e.Region != "" {
			excluded = append(excluded, e.Account+" "+e.Region)
		}
	}
	slices.Sort(excluded)
	if w := []string{lifeCycle1 + " us-west-1", lifeCycle2 + " us-west-1", lifeCycle2 + " us-west-2"}; !slices.Equal(excluded, w) {
		t.Errorf("region exclusions %v, want %v", excluded, w)
	}
	// The launch function asked once per account, from the management
	// account, naming the member; nothing else asked.
	calls := env.Cloud.Calls()
	perAccount := calls.CountFor("account.ListRegions", mgmt, "")
	if perAccount == 0 || perAccount%3 != 0 || perAccount != calls.Count("account.ListRegions") {
		t.Errorf("ListRegions calls: %d by the management account, %d in all; want the same number of pages for each of the 3 accounts", perAccount, calls.Count("account.ListRegions"))
	}
	if n := calls.Count("account.GetRegionOptStatus") + calls.Count("account.EnableRegion"); n != 0 {
		t.Errorf("%d opt-in calls: the plan's regions are not opt-in regions", n)
	}

	// Status reports each account in its own regions, by the same rule.
	resp, err := env.Launch.Handle(context.Background(), []byte(`{"status": {"ous": ["`+ouCustom+`"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	rep, ok := resp.Status.(*status.Report)
	if !ok {
		t.Fatalf("status answer %T", resp.Status)
	}
	if rep.Targets != 12 || rep.Summary[status.OK] != 12 {
		t.Errorf("status: %s", status.Summary(rep))
	}
}

// Without trusted access for account.amazonaws.com the launch function
// cannot list a member's regions: it refuses the whole request, queues
// nothing and says how to enable it.
func TestRegionsEnabledWithoutTrustedAccessFailsClosed(t *testing.T) {
	env := newEnv(t, setup{plan: regionsLine("regions: enabled")})
	res := mustRun(t, env, []byte(`{"ous": ["`+ouCustom+`"]}`))
	inv := res.Invocations[0]
	if inv.Response == nil || inv.Response.Outcome != launch.OutcomeRefused || !strings.Contains(inv.Response.Message, accountregions.TrustedAccessFix) {
		t.Fatalf("invocation = %+v", inv)
	}
	if len(res.Runs) != 0 || env.Cloud.Calls().Count("servicecatalog.ProvisionProduct") != 0 {
		t.Errorf("runs %d, provisioned %d; want nothing", len(res.Runs), env.Cloud.Calls().Count("servicecatalog.ProvisionProduct"))
	}
	if len(res.Notifications) != 1 || !strings.Contains(res.Notifications[0].Message, accountregions.TrustedAccessFix) {
		t.Errorf("notifications = %+v", res.Notifications)
	}
}

// optInEnv is the example plan over us-east-1 and the opt-in region
// ap-east-1, which LifeCycle1 has not enabled.
func optInEnv(t *testing.T, enable bool) *Env {
	t.Helper()
	return newEnv(t, setup{
		world: func(w *localaws.World) {
			withCatalogIn(t, w, "ap-east-1", "ae1")
			disableRegion(w, lifeCycle1, "ap-east-1")
			w.Organization.RegionEnablementDelay = 20 * time.Minute
		},
		plan: func(text string) string {
			text = regionsLine("regions: [us-east-1, ap-east-1]")(text)
			text = strings.Replace(text, "  us-west-2: port-uw2baseline0\n  us-west-1: port-uw1baseline0\n", "  ap-east-1: port-ae1baseline0\n", 1)
			if enable {
				text += "\nenableOptInRegions: true\n"
			}
			return text
		},
	})
}

// An opt-in region is enabled by Landfall, the run waits through
// continuations on the emulated clock (no waiting inside a Lambda), then
// provisions there; the summary says Landfall enabled it.
func TestOptInRegionEnabledThenProvisioned(t *testing.T) {
	env := optInEnv(t, true)
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	got := regionTargets(res, lifeCycle1)
	want := []string{"ap-east-1/baseline-vpc SUCCEEDED", "ap-east-1/security-audit SUCCEEDED", "us-east-1/baseline-vpc SUCCEEDED", "us-east-1/security-audit SUCCEEDED"}
	if !slices.Equal(got, want) {
		t.Fatalf("targets %v\nwant %v", got, want)
	}
	if st, err := env.Cloud.RegionOptStatus(lifeCycle1, "ap-east-1"); err != nil || st != org.OptStatusEnabled {
		t.Errorf("ap-east-1 for %s is %s (%v), want ENABLED", lifeCycle1, st, err)
	}
	calls := env.Cloud.Calls()
	if n := calls.CountFor("account.EnableRegion", lifeCycle1, ""); n != 1 || calls.Count("account.EnableRegion") != 1 {
		t.Errorf("EnableRegion calls = %d as the member account (%d in all), want 1", n, calls.Count("account.EnableRegion"))
	}
	// ENABLING lasts 20 minutes; the worker looks every 3 at most.
	if n := calls.CountFor("account.GetRegionOptStatus", lifeCycle1, ""); n < 5 {
		t.Errorf("GetRegionOptStatus calls = %d; want one per step while waiting", n)
	}
	var enabledAt, firstThere time.Time
	for _, c := range calls.Records() {
		switch {
		case c.Key == "account.EnableRegion" && enabledAt.IsZero():
			enabledAt = c.Time
		case actsIn(c, lifeCycle1, "ap-east-1") && firstThere.IsZero():
			firstThere = c.Time
		}
	}
	if firstThere.Before(enabledAt.Add(20 * time.Minute)) {
		t.Errorf("first Service Catalog call in ap-east-1 at %s, before the region was enabled (asked at %s, 20 minutes to enable)", firstThere, enabledAt)
	}
	if len(res.Notifications) != 1 || !strings.Contains(res.Notifications[0].Message, "Landfall enabled opt-in region ap-east-1 for the account") ||
		!strings.Contains(res.Notifications[0].Message, "region ap-east-1 became ENABLED") {
		t.Errorf("summary does not say Landfall enabled the region:\n%s", res.Notifications[0].Message)
	}
}

// Without enableOptInRegions the region is reported clearly and nothing is
// attempted there; the rest of the run proceeds.
func TestOptInRegionNotEnabledIsReported(t *testing.T) {
	env := optInEnv(t, false)
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	st := statuses(t, res, lifeCycle1)
	for key, tr := range st {
		if strings.HasPrefix(key, "us-east-1/") {
			if tr.Status != "SUCCEEDED" {
				t.Errorf("%s = %s %s", key, tr.Status, tr.Error)
			}
			continue
		}
		want := "not attempted: region ap-east-1 is not enabled for account 222222222222 (DISABLED); enable it (aws account enable-region --region-name ap-east-1 --account-id 222222222222) or set enableOptInRegions: true in the plan, then re-run"
		if tr.Status != "FAILED" || tr.Error != want {
			t.Errorf("%s = %s %q\nwant FAILED %q", key, tr.Status, tr.Error, want)
		}
	}
	calls := env.Cloud.Calls()
	for _, c := range calls.Records() {
		if actsIn(c, lifeCycle1, "ap-east-1") {
			t.Errorf("%s called in ap-east-1 as %s: nothing may be attempted there", c.Key, c.CallerARN)
		}
	}
	if calls.Count("account.EnableRegion") != 0 || calls.CountFor("account.GetRegionOptStatus", lifeCycle1, "") != 1 {
		t.Errorf("EnableRegion %d, GetRegionOptStatus %d; want 0 and 1", calls.Count("account.EnableRegion"), calls.Count("account.GetRegionOptStatus"))
	}
	if st, _ := env.Cloud.RegionOptStatus(lifeCycle1, "ap-east-1"); st != org.OptStatusDisabled {
		t.Errorf("ap-east-1 is %s, want still DISABLED", st)
	}
}
