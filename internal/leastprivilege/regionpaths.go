package leastprivilege

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/plan"
)

// The paths of regions chosen at run time and of opt-in regions. They run
// on a stack synthesized with RegionsPlan (its grants depend on the plan:
// account:ListRegions only for `regions: enabled`), in RegionsWorld:
//
//   - a backfill under `regions: enabled`: the launch function lists each
//     account's enabled regions (account:ListRegions, as the management
//     account, naming the member), and each account gets its own;
//   - an opt-in region enabled by Landfall: the plan lists ap-east-1 with
//     enableOptInRegions, and the worker asks its status and enables it in
//     the member account as the role it assumes there, so the functions'
//     own roles need nothing for it (the path meeting no AccessDenied
//     proves that).

// RegionPaths are the paths a stack deploying RegionsPlan runs.
var RegionPaths = []Path{
	{"backfill with regions: enabled", runRegionsEnabled},
	{"opt-in region enabled by Landfall", runOptInEnabled},
}

// OptInPaths are the paths a stack deploying OptInPlan runs, with member
// roles: LandfallProvisioner reads the region's status and enables it.
var OptInPaths = []Path{
	{"opt-in region enabled by Landfall", runOptInEvent},
}

// optInRegion is the opt-in region of RegionsWorld's catalog, which
// optInAccount has not enabled.
const (
	optInRegion  = "ap-east-1"
	optInAccount = "222222222222" // LifeCycle1, the sample event's account
	// noWest1 has us-west-1 disabled, so the backfill gives accounts
	// different regions.
	noWest1 = "333333333333" // LifeCycle2
)

// RegionsPlan is the example plan choosing its regions at run time among
// the default world's regions and ap-east-1.
func RegionsPlan() []byte {
	doc := bytes.Replace(plan.Example(), []byte("regions: [us-east-1, us-west-2, us-west-1]"), []byte("regions: enabled"), 1)
	return bytes.Replace(doc, []byte("  us-west-1: port-uw1baseline0\n"), []byte("  us-west-1: port-uw1baseline0\n  ap-east-1: port-ae1baseline0\n"), 1)
}

// OptInPlan is the example plan listing us-east-1 and ap-east-1, which
// Landfall may enable (enableOptInRegions).
func OptInPlan() []byte {
	doc := bytes.Replace(plan.Example(), []byte("regions: [us-east-1, us-west-2, us-west-1]"), []byte(optInRegions), 1)
	return bytes.Replace(doc, []byte("  us-west-1: port-uw1baseline0\n"), []byte("  us-west-1: port-uw1baseline0\n  ap-east-1: port-ae1baseline0\n"), 1)
}

// optInRegions is OptInPlan's regions.
const optInRegions = "regions: [us-east-1, " + optInRegion + "]\nenableOptInRegions: true"

// RegionsWorld is the proving world with trusted access for AWS Account
// Management, a copy of the us-west-1 catalog in ap-east-1 (which
// LifeCycle1 has not enabled) and us-west-1 disabled for LifeCycle2.
func RegionsWorld() (*localaws.World, error) {
	w, err := provingWorld()
	if err != nil {
		return nil, err
	}
	w.Organization.TrustedAccess = append(w.Organization.TrustedAccess, org.AccountServicePrincipal)
	i := slices.IndexFunc(w.Catalog.Regions, func(r catalog.RegionSpec) bool { return r.Region == "us-west-1" })
	if i < 0 {
		return nil, fmt.Errorf("regions world: the proving world has no us-west-1 catalog to copy")
	}
	raw, err := json.Marshal(w.Catalog.Regions[i])
	if err != nil {
		return nil, err
	}
	var copied catalog.RegionSpec
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "uw1", "ae1")), &copied); err != nil {
		return nil, err
	}
	copied.Region = optInRegion
	w.Catalog.Regions = append(w.Catalog.Regions, copied)
	for j := range w.Organization.Accounts {
		switch a := &w.Organization.Accounts[j]; a.ID {
		case optInAccount:
			a.DisabledRegions = append(a.DisabledRegions, optInRegion)
		case noWest1:
			a.DisabledRegions = append(a.DisabledRegions, "us-west-1")
		}
	}
	return w, nil
}

// runRegionsEnabled backfills the Custom OU and expects each account's run
// in the candidates it has enabled, ending in one successful roll-up.
func runRegionsEnabled(ctx context.Context, d *Deployed) error {
	inv := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "backfill, regions: enabled", Body: []byte(`{"ous": ["` + customOU + `"]}`)})
	if err := expectOutcome(inv, launch.OutcomeQueued); err != nil {
		return err
	}
	targets := map[string]int{}
	for _, q := range inv.Response.Queued {
		targets[q.Account] = q.Targets
	}
	// Two products in each enabled candidate: four regions, less ap-east-1
	// for LifeCycle1 and us-west-1 for LifeCycle2.
	want := map[string]int{optInAccount: 6, noWest1: 6, "624281831893": 8}
	for acct, n := range want {
		if targets[acct] != n {
			return fmt.Errorf("regions: enabled queued %v targets by account, want %v", targets, want)
		}
	}
	return drainAndExpect(ctx, d, 1)
}

// runOptInEnabled lists ap-east-1 with enableOptInRegions and delivers the
// sample event: the worker enables the region for LifeCycle1, waits for it
// through continuations, then provisions there.
func runOptInEnabled(ctx context.Context, d *Deployed) error {
	listed, err := withRegions(d.Env.Plan, optInRegions)
	if err != nil {
		return err
	}
	original := d.Env.Plan
	d.Env.Replan(listed)
	defer d.Env.Replan(original)
	return runOptInEvent(ctx, d)
}

// runOptInEvent delivers the sample event under a plan listing the opt-in
// region with enableOptInRegions, and expects the region enabled once and
// the run to succeed there.
func runOptInEvent(ctx context.Context, d *Deployed) error {
	if err := expectOutcome(d.Env.InvokeLaunch(ctx, localrun.Payload{Name: sampleEvent, Body: samples.Event(sampleEvent)}), launch.OutcomeQueued); err != nil {
		return err
	}
	if err := drainAndExpect(ctx, d, 1); err != nil {
		return err
	}
	if st, err := d.Cloud.RegionOptStatus(optInAccount, optInRegion); err != nil || st != org.OptStatusEnabled {
		return fmt.Errorf("%s for %s is %s (%v) after the run, want ENABLED", optInRegion, optInAccount, st, err)
	}
	if n := d.Cloud.Calls().CountFor("account.EnableRegion", optInAccount, ""); n != 1 {
		return fmt.Errorf("EnableRegion called %d times in %s, want once", n, optInAccount)
	}
	return nil
}

// withRegions returns pl with its regions line (regions: enabled) replaced
// by regions, as an operator would edit the plan file.
func withRegions(pl *plan.Plan, regions string) (*plan.Plan, error) {
	src, err := os.ReadFile(pl.Source)
	if err != nil {
		return nil, fmt.Errorf("read the plan to change it: %w", err)
	}
	changed := bytes.Replace(src, []byte("regions: enabled"), []byte(regions), 1)
	if bytes.Equal(changed, src) {
		return nil, fmt.Errorf("the plan %s has no line regions: enabled to replace", pl.Source)
	}
	f, err := os.CreateTemp("", "landfall-regions-*.yaml")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(changed)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write the changed plan: %w", err)
	}
	return plan.Load(f.Name())
}
