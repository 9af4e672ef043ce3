package leastprivilege

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
	"github.com/landfall/landfall/internal/status"
)

// MemberPaths are the paths a deployment with member roles is proven on.
// Paths never need UpdateProvisionedProduct or TerminateProvisionedProduct,
// which AWSControlTowerExecution has anyway; the member roles are granted
// them by name, so three more paths call them (the last retires a product
// the plan dropped). And the launch function reads
// as a role of its own, which sees a product only once a run associated it
// with the portfolio: dry runs and status are checked before any run
// (truthfully "not yet", never an error) and after the runs (every product
// read).
var MemberPaths = slices.Concat(
	[]Path{{"dry run and status before any run", runReadsBeforeAnyRun}},
	Paths,
	[]Path{
		{"plan moves a product to another version", runVersionChange},
		{"re-run replaces a product that never provisioned", runReplace},
		{"dry run and status read what the runs provisioned", runReadsAfterRuns},
		{"plan drops a product: retire it", runRetire}, // retirepaths.go; last: it terminates the product
	},
)

// notVisibleNote is how a dry run begins the note of a product the
// account does not show its reader yet.
const notVisibleNote = "would accept the share and associate the role first"

// runReadsBeforeAnyRun expects a dry run to plan every target without an
// error, saying the product is not visible yet, and fleet status to find
// every target missing, before any run has opened a portfolio.
func runReadsBeforeAnyRun(ctx context.Context, d *Deployed) error {
	targets, err := dryRun(ctx, d)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if t.Status != runstate.Planned || t.Error != "" || !strings.Contains(t.Note, notVisibleNote) {
			return fmt.Errorf("dry run before any run, %s: %s %q %s; want planned, %q", t, t.Status, t.Note, t.Error, notVisibleNote)
		}
	}
	return expectStatus(ctx, d, status.Missing)
}

// runReadsAfterRuns expects a dry run to read every target's product (its
// ID and version resolved) and fleet status to read every target, once
// runs have provisioned them: the reader sees what the worker opened.
func runReadsAfterRuns(ctx context.Context, d *Deployed) error {
	targets, err := dryRun(ctx, d)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if t.Error != "" || t.ProductID == "" || t.ProvisionedProductID == "" {
			return fmt.Errorf("dry run after the runs, %s: %s %q %s; want the provisioned product read", t, t.Status, t.Note, t.Error)
		}
	}
	// runVersionChange left security-audit on an older version.
	return expectStatus(ctx, d, status.OK, status.Outdated)
}

// accountTarget is a dry run's target with its account.
type accountTarget struct {
	Account string
	runstate.Target
}

func (t accountTarget) String() string { return t.Account + " " + t.Key() }

// dryRun runs a dry run of every account and returns its targets.
func dryRun(ctx context.Context, d *Deployed) ([]accountTarget, error) {
	inv := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "dry run", Body: []byte(`{"all": true, "dryRun": true}`)})
	if err := expectOutcome(inv, launch.OutcomeDryRun); err != nil {
		return nil, err
	}
	var out []accountTarget
	for _, r := range inv.Response.DryRun {
		for _, t := range r.Targets {
			out = append(out, accountTarget{r.Account.ID, t})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the dry run planned nothing")
	}
	return out, nil
}

// expectStatus expects fleet status to reach every account and find every
// target in one of the states.
func expectStatus(ctx context.Context, d *Deployed, states ...status.State) error {
	rep, err := statusReport(ctx, d)
	if err != nil {
		return err
	}
	if rep.UnreachableAccounts > 0 || len(rep.Rows) == 0 {
		return fmt.Errorf("status reached %d rows, %d accounts unreachable", len(rep.Rows), rep.UnreachableAccounts)
	}
	for _, row := range rep.Rows {
		if row.Error != "" || !slices.Contains(states, row.State) {
			return fmt.Errorf("status of %s %s %s: %s (%s) %s; want one of %v", row.Account, row.Region, row.Product, row.State, row.Reason, row.Error, states)
		}
	}
	return nil
}

// olderAudit is a version of slowProduct in the default world older than
// its latest, which the example plan wants.
const olderAudit = "2024.06"

// runVersionChange pins slowProduct (updatePolicy: update) to an older
// version and backfills: every account's product is updated.
func runVersionChange(ctx context.Context, d *Deployed) error {
	pinned, err := pinVersion(d.Env.Plan, slowProduct, olderAudit)
	if err != nil {
		return err
	}
	original := d.Env.Plan
	d.Env.Replan(pinned)
	defer d.Env.Replan(original)
	const update = "servicecatalog.UpdateProvisionedProduct"
	before := succeeded(d, update)
	if err := runBackfill(ctx, d); err != nil {
		return err
	}
	if succeeded(d, update) == before {
		return fmt.Errorf("no provisioned product was updated to %s %s", slowProduct, olderAudit)
	}
	return nil
}

// pinVersion returns pl with product key's version set to version, as an
// operator would edit the plan file.
func pinVersion(pl *plan.Plan, key, version string) (*plan.Plan, error) {
	src, err := os.ReadFile(pl.Source)
	if err != nil {
		return nil, fmt.Errorf("read the plan to change it: %w", err)
	}
	re := regexp.MustCompile(`(?m)(- key: ` + regexp.QuoteMeta(key) + `\n(?:\s+\S.*\n)*?\s+version: )\S+`)
	if !re.Match(src) {
		return nil, fmt.Errorf("the plan %s has no version line for product %s", pl.Source, key)
	}
	f, err := os.CreateTemp("", "landfall-pinned-*.yaml")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(re.ReplaceAll(src, []byte("${1}"+version)))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write the changed plan: %w", err)
	}
	return plan.Load(f.Name())
}

// The account runReplace adds, with the product whose first launch fails.
const (
	replaceAccount = "888888888888"
	replaceRegion  = "us-east-1"
	replaceProduct = "baseline-vpc"
)

// runReplace lets an account join whose first launch of one product fails,
// and expects the summary's re-run payload, once the cause is fixed, to
// replace it (terminate what never provisioned, launch again) and succeed.
func runReplace(ctx context.Context, d *Deployed) error {
	cat := d.Cloud.Catalog()
	if err := cat.SetOutcome(replaceRegion, replaceProduct, replaceAccount, catalog.OutcomeSpec{Outcome: "FAILED", Error: "VPC limit exceeded"}); err != nil {
		return err
	}
	if err := d.AddAccount(org.AccountSpec{ID: replaceAccount, Name: "LifeCycle8", Email: "lifecycle8@example.com", Parent: customOU}); err != nil {
		return err
	}
	before, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	event := strings.NewReplacer(`"222222222222"`, `"`+replaceAccount+`"`, `"LifeCycle1"`, `"LifeCycle8"`, "0000000-0000-0000-1111-123456789012", "0000000-0000-0000-1111-888888888888").
		Replace(string(samples.Event(sampleEvent)))
	if err := expectOutcome(d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "failing account", Body: []byte(event)}), launch.OutcomeQueued); err != nil {
		return err
	}
	if err := d.Env.Drain(ctx); err != nil {
		return err
	}
	all, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	if len(all) != len(before)+1 || all[len(before)].Document.Rerun == nil {
		return fmt.Errorf("%d summaries for the failing account, want 1 with a re-run payload", len(all)-len(before))
	}
	if err := cat.SetOutcome(replaceRegion, replaceProduct, replaceAccount, catalog.OutcomeSpec{Outcome: "SUCCEEDED"}); err != nil {
		return err
	}
	const terminate = "servicecatalog.TerminateProvisionedProduct"
	terminated := succeeded(d, terminate)
	rerun := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "re-run", Body: all[len(before)].Document.Rerun})
	if err := expectOutcome(rerun, launch.OutcomeQueued); err != nil {
		return err
	}
	if err := drainAndExpect(ctx, d, 1); err != nil {
		return err
	}
	if succeeded(d, terminate) == terminated {
		return fmt.Errorf("the re-run did not terminate the %s that never provisioned", replaceProduct)
	}
	return nil
}

// succeeded counts the calls to key that succeeded so far: every call (a
// count that never rotates, unlike the call records) less the failed ones.
func succeeded(d *Deployed, key string) int {
	calls := d.Cloud.Calls()
	n := calls.Count(key)
	for _, c := range calls.Failed() {
		if c.Key == key {
			n--
		}
	}
	return n
}
