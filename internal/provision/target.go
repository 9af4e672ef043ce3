package provision

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// targetStep is one step of one target: everything the per-target state
// machine reads, so that its transitions take only what varies between them.
// It lives for one Advance pass.
type targetStep struct {
	e       *Engine
	run     *runstate.Run
	t       *runstate.Target
	p       *plan.Product // set by start once the plan's product is known
	product string        // its ID in the plan's portfolio, set with p
	cat     Catalog       // the member account's Service Catalog in t.Region
	roleARN string        // the assumed execution role, associated with portfolios
	gates   *gates
	log     *slog.Logger
}

func (e *Engine) step(run *runstate.Run, t *runstate.Target, roleARN string, cat Catalog, g *gates) *targetStep {
	log := e.logger().With("account", run.Account.ID, "region", t.Region, "product", t.Product, "run", run.ID)
	return &targetStep{e: e, run: run, t: t, cat: cat, roleARN: roleARN, gates: g, log: log}
}

// advance does one step of the target: poll what runs, start what is pending.
func (s *targetStep) advance(ctx context.Context) {
	switch s.t.Status {
	case runstate.InProgress:
		s.poll(ctx)
	case runstate.Pending:
		if s.t.Retiring() {
			s.terminateCandidate(ctx)
			return
		}
		s.start(ctx)
	}
}

// start takes a pending target from nothing to a running record (or to a
// final status when nothing needs doing or it cannot be done).
func (s *targetStep) start(ctx context.Context) {
	if !s.planned(ctx) || !s.identified(ctx) {
		return
	}
	existing, ok := s.lookUpExisting(ctx)
	if !ok {
		return
	}
	prod, ok := s.findProduct(ctx, existing != nil)
	if !ok {
		return
	}
	art, err := Wanted(s.p, s.t.Region, existing, prod.ProvisioningArtifacts)
	if err != nil {
		s.fail(ctx, err.Error())
		return
	}
	s.t.ProductID = aws.ToString(prod.ProductViewSummary.ProductId)
	s.t.ArtifactID = aws.ToString(art.Id)
	s.t.Version = aws.ToString(art.Name)
	if existing != nil {
		s.existing(ctx, prod, existing)
		return
	}
	s.launch(ctx, prod)
}

// planned finds the target's product and portfolio in the plan.
func (s *targetStep) planned(ctx context.Context) bool {
	p, ok := s.e.Plan.Product(s.t.Product)
	if !ok {
		s.fail(ctx, fmt.Sprintf("product %q is no longer in the plan (plan changed since the run started)", s.t.Product))
		return false
	}
	if p.Portfolios[s.t.Region] == "" {
		s.fail(ctx, fmt.Sprintf("the plan names no portfolio for %s in %s", s.t.Product, s.t.Region))
		return false
	}
	s.p = p
	s.t.ProvisionedProductName = s.e.Plan.ProvisionedProductName(p)
	return true
}

// identified resolves the product's ID within the plan's portfolio.
func (s *targetStep) identified(ctx context.Context) bool {
	if s.e.Products == nil {
		s.fail(ctx, "no product resolver is configured: refusing to find products by name")
		return false
	}
	id, problem, err := s.e.Products.ProductID(ctx, s.t.Region, s.p.Key)
	switch {
	case err != nil:
		s.handle(ctx, fmt.Sprintf("resolve product %s in portfolio %s", s.p.Product, s.p.Portfolios[s.t.Region]), err)
		return false
	case problem != "":
		s.fail(ctx, problem)
		return false
	}
	s.product = id
	return true
}

// lookUpExisting looks for the product Landfall would create first: on
// re-runs and UpdateManagedAccount events it usually exists, the share was
// accepted and the role associated long ago, and nothing else needs calling.
// It reports false when the target cannot go on this step.
func (s *targetStep) lookUpExisting(ctx context.Context) (*sctypes.ProvisionedProductDetail, bool) {
	out, err := s.cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(s.t.ProvisionedProductName)})
	switch {
	case err == nil:
		return out.ProvisionedProductDetail, true
	case classify(err) == classNotFound:
		return nil, true
	}
	s.handle(ctx, "look up provisioned product "+s.t.ProvisionedProductName, err)
	return nil, false
}

// findProduct describes the plan's product as the account sees it. A product
// that exists is usually visible already; otherwise the portfolio is opened
// (once per run) and the product waited for, bounded.
func (s *targetStep) findProduct(ctx context.Context, exists bool) (*servicecatalog.DescribeProductOutput, bool) {
	if exists {
		prod, err := s.cat.DescribeProduct(ctx, s.describeInput())
		switch {
		case err == nil:
			return prod, true
		case classify(err) != classNotFound:
			// Throttling or a fault: retry later, without write calls.
			s.handle(ctx, fmt.Sprintf("find product %s", s.p.Product), err)
			return nil, false
		}
	}
	portfolio := s.p.Portfolios[s.t.Region]
	key := gateKey(s.t.Region, portfolio, s.principals()...)
	if err := s.gates.open(ctx, key, func(ctx context.Context) error { return s.openPortfolio(ctx, portfolio) }); err != nil {
		s.handle(ctx, s.openOp(portfolio, err), err)
		return nil, false
	}
	prod, err := s.describeProduct(ctx)
	if err != nil {
		if classify(err) == classNotFound {
			// The share or association may have gone since this run
			// opened the portfolio: open it again on the next step.
			s.gates.forget(key)
		}
		s.handle(ctx, fmt.Sprintf("find product %s in portfolio %s", s.p.Product, portfolio), err)
		return nil, false
	}
	return prod, true
}

// launch provisions the product under the name Landfall gives it.
func (s *targetStep) launch(ctx context.Context, prod *servicecatalog.DescribeProductOutput) {
	t := s.t
	path, ok := s.launchPath(ctx, prod.LaunchPaths)
	if !ok {
		return
	}
	params, tags, err := s.e.Plan.Render(placement(s.p, t), s.run.Account)
	if err != nil {
		s.fail(ctx, fmt.Sprintf("render parameters: %v", err))
		return
	}
	// Landfall's own tag, which retirement requires before it terminates
	// anything (plan.OwnerTagKey); the plan cannot set or override it.
	k, v := plan.OwnerTag(s.p.Key)
	tags[k] = v
	out, err := s.cat.ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
		ProductId:              aws.String(t.ProductID),
		ProvisioningArtifactId: aws.String(t.ArtifactID),
		PathId:                 path,
		ProvisionedProductName: aws.String(t.ProvisionedProductName),
		ProvisionToken:         aws.String(s.launchToken()),
		ProvisioningParameters: provisioningParameters(params),
		Tags:                   scTags(tags),
	})
	if err != nil {
		if alreadyExists(err) {
			// Another run (a duplicate event) created it between our look-up and
			// our call: adopt what it started instead of failing or duplicating.
			s.adopt(ctx, prod)
			return
		}
		s.handle(ctx, "provision "+t.ProvisionedProductName, err)
		return
	}
	rd := out.RecordDetail
	if !s.started(ctx, "ProvisionProduct", rd, false) {
		return
	}
	t.ProvisionedProductID = aws.ToString(rd.ProvisionedProductId)
	t.Note = ""
	if t.Replaces != "" {
		// The summary must say the product was replaced, not merely provisioned.
		t.Note = "replaces " + strings.TrimPrefix(t.Replaces, "/") + ", which never provisioned and was terminated"
	}
	s.log.InfoContext(ctx, "provisioning started", "version", t.Version, "record", t.RecordID)
}

// launchToken is the ProvisionToken this run sends for the target: the
// same on every retry of the step. After a replacement it must differ from
// the failed launch's, or Service Catalog would answer with that launch's
// FAILED record.
func (s *targetStep) launchToken() string {
	return Token("p", s.run.ID, s.t.Region, s.t.Product, s.t.ArtifactID+s.t.Replaces)
}

// updateToken is the UpdateToken this run sends to move the target to its
// wanted version (or repair it there).
func (s *targetStep) updateToken() string {
	return Token("u", s.run.ID, s.t.Region, s.t.Product, s.t.ArtifactID)
}

// adopt looks the provisioned product up again after a name clash and takes
// over whatever state it is in.
func (s *targetStep) adopt(ctx context.Context, prod *servicecatalog.DescribeProductOutput) {
	existing, err := s.cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(s.t.ProvisionedProductName)})
	if err != nil {
		s.handle(ctx, "look up provisioned product "+s.t.ProvisionedProductName+" after a name clash", err)
		return
	}
	s.existing(ctx, prod, existing.ProvisionedProductDetail)
}

// follow makes the target follow record: a change now runs. Any earlier
// wait is over, so a record that is slow to show gets its whole budget. The
// record is read at once (an adopted one: its start is not known yet) unless
// the caller, which just started it, schedules it.
// started follows the record that op (ProvisionProduct, an update or a
// termination) started, and schedules its first read; terminate says the
// record is a termination, timed as one. It reports false, leaving a note,
// when op returned no record: there is nothing to follow, and the next
// step finds the product by name and adopts its record.
func (s *targetStep) started(ctx context.Context, op string, rd *sctypes.RecordDetail, terminate bool) bool {
	if rd == nil || aws.ToString(rd.RecordId) == "" {
		s.t.Note = "retrying: " + op + " returned no record"
		s.log.WarnContext(ctx, op+" returned no record")
		return false
	}
	s.follow(aws.ToString(rd.RecordId))
	s.schedule(terminate)
	return true
}

func (s *targetStep) follow(record string) {
	s.t.Status, s.t.RecordID = runstate.InProgress, record
	s.t.WaitingSince = time.Time{}
	s.t.RecordStarted, s.t.NextCheck = s.e.now(), time.Time{}
}
