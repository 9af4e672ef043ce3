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
// says what a real run would do, using only read calls. It never accepts a
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
}

func (e *Engine) resolveTarget(ctx context.Context, run *runstate.Run, t *runstate.Target, cat Catalog) {
	t.Status = runstate.Planned
	p, ok := e.Plan.Product(t.Product)
	if !ok {
		t.Status, t.Error = runstate.Failed, fmt.Sprintf("product %q is not in the plan", t.Product)
		return
	}
	t.ProvisionedProductName = e.Plan.ProvisionedProductName(p)
	params, _, err := e.Plan.Render(e.planTarget(p, t), run.Account)
	if err != nil {
		t.Status, t.Error = runstate.Failed, fmt.Sprintf("would fail: render parameters: %v", err)
		return
	}
	t.Parameters = params

	prod, err := cat.DescribeProduct(ctx, describeProductInput(p))
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
	art, err := e.wanted(p, t.Region, d, prod.ProvisioningArtifacts)
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
	switch decide(run, e.policy(p), d, t.ArtifactID) {
	case actAlready:
		t.Note = "already provisioned on " + t.Version + "; would do nothing"
	case actLeave:
		t.Note = fmt.Sprintf("exists on %s; would leave it (plan wants %s)", current, t.Version)
	case actUpdate:
		t.Note = fmt.Sprintf("would update from %s to %s", current, t.Version)
	case actRepair:
		t.Note = fmt.Sprintf("exists in %s after a failed update; would repair it by updating to %s", d.Status, t.Version)
	case actReplace:
		t.Note = fmt.Sprintf("exists in %s and never provisioned; would terminate it and provision %s again under the same name", d.Status, t.Version)
	case actReport:
		t.Note = fmt.Sprintf("exists in %s; would report it (an operator re-run repairs it)", d.Status)
	case actAdopt:
		t.Note = fmt.Sprintf("exists in %s; would follow the change in progress", d.Status)
	case actWait:
		t.Note = fmt.Sprintf("exists in %s; would wait for it", d.Status)
	default:
		t.Status, t.Error = runstate.Failed, fmt.Sprintf("would fail: provisioned product is in unexpected status %q", d.Status)
	}
}
