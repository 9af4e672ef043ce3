package provision

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/runstate"
)

// Resolve answers a dry run: for every target it finds the version the plan
// would choose, renders the parameters and names the provisioned product, and
// says what a real run would do, using only read calls. A run that looks for
// retirement candidates gets them as targets too (retire.go), each saying
// whether a run would terminate or retain it. It never accepts a
// share or associates a principal, so a product not yet visible to the
// account is reported as resolved at run time rather than made visible.
func (e *Engine) Resolve(ctx context.Context, run *runstate.Run, cats Catalogs) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.concurrency())
	for i := range run.Targets {
		t := &run.Targets[i]
		g.Go(func() error {
			e.resolveTarget(gctx, run, t, cats(t.Region))
			return nil
		})
	}
	_ = g.Wait()
	// After the placements: candidates are appended to the targets.
	e.resolveCandidates(ctx, run, cats)
}

func (e *Engine) resolveTarget(ctx context.Context, run *runstate.Run, t *runstate.Target, cat Catalog) {
	t.Status = runstate.Planned
	p, ok := e.Plan.Product(t.Product)
	if !ok {
		t.Status, t.Error = runstate.Failed, fmt.Sprintf("product %q is not in the plan", t.Product)
		return
	}
	t.ProvisionedProductName = e.Plan.ProvisionedProductName(p)
	params, _, err := e.Plan.Render(placement(p, t), run.Account)
	if err != nil {
		t.Status, t.Error = runstate.Failed, fmt.Sprintf("would fail: render parameters: %v", err)
		return
	}
	t.Parameters = params

	id, ok := e.resolveProduct(ctx, t)
	if !ok {
		return
	}
	prod, err := cat.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String(id)})
	if err != nil {
		switch classify(err) {
		case classNotFound:
			t.Version = p.Version
			t.Note = "would accept the share and associate the role first; the version is resolved then (the product is not visible to the account yet)"
		case classUnreachable:
			t.Status, t.Error = runstate.Failed, fmt.Sprintf("would fail: region %s is not usable by account %s (%s)", t.Region, run.Account.ID, message(err))
		default:
			t.Status, t.Error = runstate.Failed, "cannot resolve: "+message(err)
		}
		return
	}
	existing, err := cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(t.ProvisionedProductName)})
	var d *sctypes.ProvisionedProductDetail
	switch {
	case err == nil:
		d = existing.ProvisionedProductDetail
	case classify(err) != classNotFound:
		t.Status, t.Error = runstate.Failed, "cannot resolve: "+message(err)
		return
	}
	art, err := Wanted(p, t.Region, d, prod.ProvisioningArtifacts)
	if err != nil {
		t.Status, t.Error = runstate.Failed, "would fail: "+err.Error()
		return
	}
	t.ProductID = aws.ToString(prod.ProductViewSummary.ProductId)
	t.ArtifactID, t.Version = aws.ToString(art.Id), aws.ToString(art.Name)
	if d == nil {
		t.Note = "would provision " + t.Version
		return
	}
	t.ProvisionedProductID = aws.ToString(d.Id)
	current := artifactName(prod.ProvisioningArtifacts, aws.ToString(d.ProvisioningArtifactId))
	if note, ok := dryRunNote(decide(run, e.policy(p), d, t.ArtifactID), d, current, t.Version); ok {
		t.Note = note
		return
	}
	t.Status, t.Error = runstate.Failed, fmt.Sprintf("would fail: provisioned product is in unexpected status %q", d.Status)
}

// resolveProduct finds the product's ID in the plan's portfolio, as a run
// would; false when the target is already decided (failed).
func (e *Engine) resolveProduct(ctx context.Context, t *runstate.Target) (string, bool) {
	if e.Products == nil {
		t.Status, t.Error = runstate.Failed, "would fail: no product resolver is configured"
		return "", false
	}
	id, problem, err := e.Products.ProductID(ctx, t.Region, t.Product)
	switch {
	case err != nil:
		t.Status, t.Error = runstate.Failed, "cannot resolve: "+message(err)
	case problem != "":
		t.Status, t.Error = runstate.Failed, "would fail: "+problem
	default:
		return id, true
	}
	return "", false
}

// dryRunNote says what a run would do with existing product d, on version
// current, when the plan wants version want; false for an action it cannot take.
func dryRunNote(act action, d *sctypes.ProvisionedProductDetail, current, want string) (string, bool) {
	switch act {
	case actAlready:
		return "already provisioned on " + want + "; would do nothing", true
	case actLeave:
		return fmt.Sprintf("exists on %s; would leave it (plan wants %s)", current, want), true
	case actUpdate:
		return fmt.Sprintf("would update from %s to %s", current, want), true
	case actRepair:
		return fmt.Sprintf("exists in %s after a failed update; would repair it by updating to %s", d.Status, want), true
	case actReplace:
		return fmt.Sprintf("exists in %s and never provisioned; would terminate it and provision %s again under the same name", d.Status, want), true
	case actReport:
		return fmt.Sprintf("exists in %s; would report it (an operator re-run repairs it)", d.Status), true
	case actAdopt:
		return fmt.Sprintf("exists in %s; would follow the change in progress", d.Status), true
	case actWait:
		return fmt.Sprintf("exists in %s; would wait for it", d.Status), true
	}
	return "", false
}
