package leastprivilege

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
	"github.com/landfall/landfall/internal/status"
)

// retiredProduct is the product runRetire takes out of the plan: the
// example plan's last one, which nothing depends on.
const retiredProduct = "security-audit"

// runRetire takes a product out of the plan with retire: terminate, and
// expects the dry run to say it would terminate what the runs provisioned
// of it, fleet status to call it UNWANTED, and a backfill to terminate it:
// SearchProvisionedProducts as both member roles, TerminateProvisionedProduct
// of a retirement candidate as LandfallProvisioner. It leaves the product
// terminated, so it runs after every path that reads what runs provisioned.
func runRetire(ctx context.Context, d *Deployed) error {
	retiring, err := withoutProduct(d.Env.Plan, retiredProduct)
	if err != nil {
		return err
	}
	original := d.Env.Plan
	d.Env.Replan(retiring)
	defer d.Env.Replan(original)

	targets, err := dryRun(ctx, d)
	if err != nil {
		return err
	}
	would := 0
	for _, t := range targets {
		if t.Action == runstate.ActionTerminate && t.Status == runstate.Planned {
			would++
		}
	}
	if would == 0 {
		return fmt.Errorf("the dry run would terminate nothing of %s", retiredProduct)
	}
	rep, err := statusReport(ctx, d)
	if err != nil {
		return err
	}
	if rep.Summary[status.Unwanted] != would {
		return fmt.Errorf("status found %d UNWANTED, the dry run %d to terminate", rep.Summary[status.Unwanted], would)
	}
	const terminate = "servicecatalog.TerminateProvisionedProduct"
	before := succeeded(d, terminate)
	if err := runBackfill(ctx, d); err != nil {
		return err
	}
	if n := succeeded(d, terminate) - before; n != would {
		return fmt.Errorf("the backfill terminated %d products, the dry run said %d", n, would)
	}
	if rep, err = statusReport(ctx, d); err != nil {
		return err
	}
	if n := rep.Summary[status.Unwanted]; n != 0 {
		return fmt.Errorf("%d UNWANTED after the backfill", n)
	}
	return nil
}

// withoutProduct returns pl with product key (the last of the file) taken
// out and retire: terminate, as an operator would edit the plan file.
func withoutProduct(pl *plan.Plan, key string) (*plan.Plan, error) {
	src, err := os.ReadFile(pl.Source)
	if err != nil {
		return nil, fmt.Errorf("read the plan to change it: %w", err)
	}
	text := string(src)
	i := strings.Index(text, "  - key: "+key+"\n")
	if i < 0 {
		return nil, fmt.Errorf("the plan %s has no product %s", pl.Source, key)
	}
	text = "retire: terminate\n" + text[:i]
	f, err := os.CreateTemp("", "landfall-retiring-*.yaml")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write the changed plan: %w", err)
	}
	return plan.Load(f.Name())
}
