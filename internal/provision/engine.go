// Package provision advances the (region, product) targets of an account run
// against Service Catalog in the member account: accept the organization
// share, associate the assumed role, find the product and the version the plan
// wants, and provision or update it, idempotently and without ever waiting for
// provisioning to finish inside a Lambda invocation.
package provision

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// Catalog is the part of the Service Catalog API the engine calls, for one
// account in one region. *servicecatalog.Client satisfies it.
type Catalog interface {
	AcceptPortfolioShare(context.Context, *servicecatalog.AcceptPortfolioShareInput, ...func(*servicecatalog.Options)) (*servicecatalog.AcceptPortfolioShareOutput, error)
	AssociatePrincipalWithPortfolio(context.Context, *servicecatalog.AssociatePrincipalWithPortfolioInput, ...func(*servicecatalog.Options)) (*servicecatalog.AssociatePrincipalWithPortfolioOutput, error)
	DescribePortfolio(context.Context, *servicecatalog.DescribePortfolioInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribePortfolioOutput, error)
	DescribeProduct(context.Context, *servicecatalog.DescribeProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProductOutput, error)
	DescribeProvisionedProduct(context.Context, *servicecatalog.DescribeProvisionedProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProvisionedProductOutput, error)
	ProvisionProduct(context.Context, *servicecatalog.ProvisionProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.ProvisionProductOutput, error)
	UpdateProvisionedProduct(context.Context, *servicecatalog.UpdateProvisionedProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.UpdateProvisionedProductOutput, error)
	DescribeRecord(context.Context, *servicecatalog.DescribeRecordInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeRecordOutput, error)
	TerminateProvisionedProduct(context.Context, *servicecatalog.TerminateProvisionedProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.TerminateProvisionedProductOutput, error)
}

var _ Catalog = (*servicecatalog.Client)(nil)

// Catalogs returns the Service Catalog client for one region of the account a
// run is for, all sharing one assumed-role credential cache.
type Catalogs func(region string) Catalog

// Defaults for Engine's zero fields.
const (
	DefaultConcurrency        = 8
	DefaultVisibilityDeadline = 30 * time.Minute
	// safetyMargin is the time left before the Lambda deadline at which the
	// engine stops starting new work, so the worker can still send the
	// continuation message.
	safetyMargin = 20 * time.Second
)

// DefaultVisibilityBackoff is the in-invocation wait schedule for a freshly
// associated product to become visible: bounded (7 s in all), then the target
// is deferred to the next continuation instead of holding the Lambda.
var DefaultVisibilityBackoff = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}

// Engine advances targets. Its zero value is not usable: Plan is required.
type Engine struct {
	Plan *plan.Plan
	// Concurrency bounds the targets worked on at once across all regions.
	Concurrency int
	// VisibilityBackoff is waited between DescribeProduct attempts while a product is not yet visible.
	VisibilityBackoff []time.Duration
	// VisibilityDeadline is how long after the run started a product may stay invisible before the target fails.
	VisibilityDeadline time.Duration
	// Sleep waits; tests and the local driver replace it to move an emulated clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now tells the time; the local driver uses the emulator's clock.
	Now func() time.Time
	// Logger receives one line per decision; nil discards.
	Logger *slog.Logger
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Engine) sleep(ctx context.Context, d time.Duration) error {
	if e.Sleep != nil {
		return e.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Advance moves every target of run as far as it can go without waiting for
// provisioning: it starts what is ready, polls what is in progress, and
// repeats while that makes progress (a dependency that was already there lets
// its dependents start at once). Targets in different regions and independent
// products run concurrently; a failure in one never stops the others.
// roleARN is the assumed execution role, which is associated with portfolios.
// It reports whether any target changed, which the worker uses to check back
// sooner after progress and back off while nothing moves.
func (e *Engine) Advance(ctx context.Context, run *runstate.Run, roleARN string, cats Catalogs) (progressed bool) {
	gates := &gates{m: make(map[string]*gate), run: run}
	start := fingerprint(run)
	defer func() { progressed = fingerprint(run) != start }()
	for pass := 0; pass < 2*len(run.Targets)+2; pass++ {
		e.settleDependencies(run)
		ready := e.ready(run)
		if len(ready) == 0 || e.outOfTime(ctx) {
			return
		}
		before := fingerprint(run)
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(e.concurrency())
		for _, i := range ready {
			t := &run.Targets[i]
			g.Go(func() error {
				e.advanceTarget(gctx, run, t, roleARN, cats(t.Region), gates)
				if t.Status != runstate.Pending && t.Status != runstate.InProgress {
					t.WaitingSince = time.Time{} // a later wait gets its whole budget
				}
				return nil // per-target outcomes live in the target; siblings carry on
			})
		}
		_ = g.Wait()
		if fingerprint(run) == before {
			return // nothing moved: what is left needs time to pass
		}
	}
	return
}

func (e *Engine) concurrency() int {
	if e.Concurrency > 0 {
		return e.Concurrency
	}
	return DefaultConcurrency
}

func (e *Engine) outOfTime(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) < safetyMargin
}

// fingerprint summarises what a pass can change, to detect a pass that did nothing.
func fingerprint(run *runstate.Run) string {
	var b strings.Builder
	for i := range run.Targets {
		t := &run.Targets[i]
		fmt.Fprintf(&b, "%s|%s|%s;", t.Status, t.RecordID, t.ArtifactID)
	}
	return b.String()
}

// settleDependencies marks pending targets whose dependency in the same region
// ended badly as SKIPPED. A dependency the run does not target (narrowed by a
// manual payload, or excluded for this account) does not hold a target back.
func (e *Engine) settleDependencies(run *runstate.Run) {
	for changed := true; changed; {
		changed = e.settleOnce(run)
	}
}

func (e *Engine) settleOnce(run *runstate.Run) (changed bool) {
	for i := range run.Targets {
		t := &run.Targets[i]
		if t.Status != runstate.Pending {
			continue
		}
		for _, dep := range e.dependsOn(t.Product) {
			d := run.Target(t.Region, dep)
			if d != nil && d.Status.Final() && !d.Status.Satisfies() {
				t.Status = runstate.Skipped
				t.Error = fmt.Sprintf("not attempted: it depends on %s, which is %s in %s", dep, d.Status, t.Region)
				changed = true
				break
			}
		}
	}
	return changed
}

func (e *Engine) dependsOn(key string) []string {
	if p, ok := e.Plan.Product(key); ok {
		return p.DependsOn
	}
	return nil
}

// ready lists targets to work on: in progress, or pending with every
// dependency satisfied.
func (e *Engine) ready(run *runstate.Run) []int {
	var out []int
	for i := range run.Targets {
		t := &run.Targets[i]
		switch t.Status {
		case runstate.InProgress:
			out = append(out, i)
		case runstate.Pending:
			ok := true
			for _, dep := range e.dependsOn(t.Product) {
				if d := run.Target(t.Region, dep); d != nil && !d.Status.Satisfies() {
					ok = false
				}
			}
			if ok {
				out = append(out, i)
			}
		}
	}
	return out
}

// advanceTarget does one step of one target.
func (e *Engine) advanceTarget(ctx context.Context, run *runstate.Run, t *runstate.Target, roleARN string, cat Catalog, gates *gates) {
	log := e.logger().With("account", run.Account.ID, "region", t.Region, "product", t.Product, "run", run.ID)
	switch t.Status {
	case runstate.InProgress:
		e.poll(ctx, log, t, cat)
	case runstate.Pending:
		e.start(ctx, log, run, t, roleARN, cat, gates)
	}
}

// start takes a pending target from nothing to a running record (or to a
// final status when nothing needs doing or it cannot be done).
func (e *Engine) start(ctx context.Context, log *slog.Logger, run *runstate.Run, t *runstate.Target, roleARN string, cat Catalog, gates *gates) {
	p, ok := e.Plan.Product(t.Product)
	if !ok {
		e.fail(ctx, log, t, fmt.Sprintf("product %q is no longer in the plan (plan changed since the run started)", t.Product))
		return
	}
	portfolio := p.Portfolios[t.Region]
	if portfolio == "" {
		e.fail(ctx, log, t, fmt.Sprintf("the plan names no portfolio for %s in %s", t.Product, t.Region))
		return
	}
	t.ProvisionedProductName = e.Plan.ProvisionedProductName(p)

	// Look for the product Landfall would create first: on re-runs and
	// UpdateManagedAccount events it usually exists, the share was accepted and
	// the role associated long ago, and nothing else needs calling.
	var existing *sctypes.ProvisionedProductDetail
	out, err := cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(t.ProvisionedProductName)})
	switch {
	case err == nil:
		existing = out.ProvisionedProductDetail
	case classify(err) != classNotFound:
		e.handle(ctx, log, run, t, "look up provisioned product "+t.ProvisionedProductName, err)
		return
	}

	var prod *servicecatalog.DescribeProductOutput
	if existing != nil {
		prod, err = cat.DescribeProduct(ctx, describeProductInput(p))
		if err != nil && classify(err) != classNotFound {
			// Throttling or a fault: retry later, without write calls.
			e.handle(ctx, log, run, t, fmt.Sprintf("find product %s", p.Product), err)
			return
		}
	}
	if existing == nil || err != nil {
		key := gateKey(t.Region, portfolio, roleARN)
		if err := gates.open(ctx, key, func(ctx context.Context) error {
			return e.openPortfolio(ctx, log, cat, portfolio, roleARN)
		}); err != nil {
			e.handle(ctx, log, run, t, fmt.Sprintf("associate role with portfolio %s", portfolio), err)
			return
		}
		prod, err = e.describeProduct(ctx, cat, p)
		if err != nil {
			if classify(err) == classNotFound {
				// The share or association may have gone since this run
				// opened the portfolio: open it again on the next step.
				gates.forget(key)
			}
			e.handle(ctx, log, run, t, fmt.Sprintf("find product %s in portfolio %s", p.Product, portfolio), err)
			return
		}
	}
	art, err := e.wanted(p, t.Region, existing, prod.ProvisioningArtifacts)
	if err != nil {
		e.fail(ctx, log, t, err.Error())
		return
	}
	t.ProductID = aws.ToString(prod.ProductViewSummary.ProductId)
	t.ArtifactID = aws.ToString(art.Id)
	t.Version = aws.ToString(art.Name)
	if existing != nil {
		e.existing(ctx, log, run, t, p, prod, existing, cat)
		return
	}

	path, err := e.launchPath(ctx, cat, portfolio, prod.LaunchPaths)
	if err != nil {
		e.handle(ctx, log, run, t, "choose launch path", err)
		return
	}
	params, tags, err := e.Plan.Render(e.planTarget(p, t), run.Account)
	if err != nil {
		e.fail(ctx, log, t, fmt.Sprintf("render parameters: %v", err))
		return
	}
	pout, err := cat.ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
		ProductId:              aws.String(t.ProductID),
		ProvisioningArtifactId: aws.String(t.ArtifactID),
		PathId:                 path,
		ProvisionedProductName: aws.String(t.ProvisionedProductName),
		// After a replacement the token must differ from the failed launch's,
		// or Service Catalog would answer with that launch's FAILED record.
		ProvisionToken:         aws.String(Token("p", run.ID, t.Region, t.Product, t.ArtifactID+t.Replaces)),
		ProvisioningParameters: provisioningParameters(params),
		Tags:                   scTags(tags),
	})
	if err != nil {
		if alreadyExists(err) {
			// Another run (a duplicate event) created it between our look-up and
			// our call: adopt what it started instead of failing or duplicating.
			e.adopt(ctx, log, run, t, p, prod, cat)
			return
		}
		e.handle(ctx, log, run, t, "provision "+t.ProvisionedProductName, err)
		return
	}
	rd := pout.RecordDetail
	if rd == nil || aws.ToString(rd.RecordId) == "" {
		// Without a record there is nothing to follow; the next step finds the
		// product by name and adopts its record.
		t.Note = "retrying: ProvisionProduct returned no record"
		log.WarnContext(ctx, "ProvisionProduct returned no record")
		return
	}
	t.Status = runstate.InProgress
	t.RecordID = aws.ToString(rd.RecordId)
	t.ProvisionedProductID = aws.ToString(rd.ProvisionedProductId)
	t.Note, t.WaitingSince = "", time.Time{}
	log.InfoContext(ctx, "provisioning started", "version", t.Version, "record", t.RecordID)
}

// adopt looks the provisioned product up again after a name clash and takes
// over whatever state it is in.
func (e *Engine) adopt(ctx context.Context, log *slog.Logger, run *runstate.Run, t *runstate.Target, p *plan.Product, prod *servicecatalog.DescribeProductOutput, cat Catalog) {
	existing, err := cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(t.ProvisionedProductName)})
	if err != nil {
		e.handle(ctx, log, run, t, "look up provisioned product "+t.ProvisionedProductName+" after a name clash", err)
		return
	}
	e.existing(ctx, log, run, t, p, prod, existing.ProvisionedProductDetail, cat)
}

// existing decides what to do with a provisioned product that already has the
// name Landfall gives this target.
func (e *Engine) existing(ctx context.Context, log *slog.Logger, run *runstate.Run, t *runstate.Target, p *plan.Product, prod *servicecatalog.DescribeProductOutput, d *sctypes.ProvisionedProductDetail, cat Catalog) {
	t.ProvisionedProductID = aws.ToString(d.Id)
	currentName := artifactName(prod.ProvisioningArtifacts, aws.ToString(d.ProvisioningArtifactId))
	switch decide(run, e.policy(p), d, t.ArtifactID) {
	case actAlready:
		t.Status = runstate.AlreadyProvisioned
		t.RecordID = aws.ToString(d.LastSuccessfulProvisioningRecordId)
		t.Note = ""
		log.InfoContext(ctx, "already provisioned", "version", t.Version)
	case actLeave:
		t.Status = runstate.Outdated
		t.Note = fmt.Sprintf("left on %s: the plan wants %s but updatePolicy is leave", currentName, t.Version)
		if run.OnlyMissing {
			t.Note = fmt.Sprintf("left on %s: the plan wants %s but the run was asked for missing products only", currentName, t.Version)
		}
		log.InfoContext(ctx, "left on another version", "current", currentName, "wanted", t.Version)
	case actUpdate:
		e.update(ctx, log, run, t, p, prod, d, cat, fmt.Sprintf("updated from %s", currentName))
	case actRepair:
		e.update(ctx, log, run, t, p, prod, d, cat, fmt.Sprintf("repaired from %s", d.Status))
	case actReplace:
		e.terminate(ctx, log, run, t, d, cat)
	case actAdopt:
		t.Status = runstate.InProgress
		t.RecordID = aws.ToString(d.LastRecordId)
		t.Note = "adopted a change already in progress (another run or an earlier attempt started it)"
		log.InfoContext(ctx, "adopted in-progress record", "record", t.RecordID)
	case actWait:
		reason := "provisioned product is " + string(d.Status)
		if d.Status == sctypes.ProvisionedProductStatusPlanInProgress {
			reason += ": a provisioned-product plan is pending; execute or delete it"
		}
		e.deferTarget(ctx, log, run, t, reason)
	case actReport:
		e.fail(ctx, log, t, fmt.Sprintf("provisioned product %s (%s) exists in status %s: %s; re-run this target from the console to repair it",
			t.ProvisionedProductName, t.ProvisionedProductID, d.Status, aws.ToString(d.StatusMessage)))
	default:
		e.fail(ctx, log, t, fmt.Sprintf("provisioned product %s is in unexpected status %q", t.ProvisionedProductName, d.Status))
	}
}

func (e *Engine) policy(p *plan.Product) plan.UpdatePolicy {
	if p.UpdatePolicy != "" {
		return p.UpdatePolicy
	}
	return e.Plan.UpdatePolicy
}

// update moves an existing provisioned product to the wanted version with the
// plan's current parameters.
func (e *Engine) update(ctx context.Context, log *slog.Logger, run *runstate.Run, t *runstate.Target, p *plan.Product, prod *servicecatalog.DescribeProductOutput, d *sctypes.ProvisionedProductDetail, cat Catalog, note string) {
	// Tags are set at launch and not sent again: changing tags on update needs
	// a RESOURCE_UPDATE constraint the portfolio may not have, and would make
	// every version update fail.
	params, _, err := e.Plan.Render(e.planTarget(p, t), run.Account)
	if err != nil {
		e.fail(ctx, log, t, fmt.Sprintf("render parameters: %v", err))
		return
	}
	path, err := e.launchPath(ctx, cat, p.Portfolios[t.Region], prod.LaunchPaths)
	if err != nil {
		e.handle(ctx, log, run, t, "choose launch path", err)
		return
	}
	out, err := cat.UpdateProvisionedProduct(ctx, &servicecatalog.UpdateProvisionedProductInput{
		ProvisionedProductId:   d.Id,
		ProductId:              aws.String(t.ProductID),
		ProvisioningArtifactId: aws.String(t.ArtifactID),
		PathId:                 path,
		ProvisioningParameters: updateParameters(params),
		UpdateToken:            aws.String(Token("u", run.ID, t.Region, t.Product, t.ArtifactID)),
	})
	if err != nil {
		if e.adoptIfBusy(ctx, log, t, cat, err) {
			return
		}
		e.handle(ctx, log, run, t, "update "+t.ProvisionedProductName, err)
		return
	}
	if out.RecordDetail == nil || aws.ToString(out.RecordDetail.RecordId) == "" {
		t.Note = "retrying: UpdateProvisionedProduct returned no record"
		return
	}
	t.Status = runstate.InProgress
	t.RecordID = aws.ToString(out.RecordDetail.RecordId)
	t.Note = note
	log.InfoContext(ctx, "update started", "version", t.Version, "record", t.RecordID, "note", note)
}

// adoptIfBusy handles an update or termination refused because another run
// (a duplicate event) started a change between our look-up and our call:
// AWS answers InvalidParametersException for a product UNDER_CHANGE. The
// change in progress is followed instead of failing the target.
func (e *Engine) adoptIfBusy(ctx context.Context, log *slog.Logger, t *runstate.Target, cat Catalog, err error) bool {
	if classify(err) != classInvalid {
		return false
	}
	out, derr := cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(t.ProvisionedProductName)})
	if derr != nil || out.ProvisionedProductDetail == nil || out.ProvisionedProductDetail.Status != sctypes.ProvisionedProductStatusUnderChange {
		return false
	}
	rec := aws.ToString(out.ProvisionedProductDetail.LastRecordId)
	if rec == "" {
		return false
	}
	t.Status, t.RecordID = runstate.InProgress, rec
	t.Note = "adopted a change another run started first"
	log.InfoContext(ctx, "adopted a concurrent change", "record", rec)
	return true
}

// terminate removes a provisioned product that never provisioned, so that
// the next step can provision it again under the same name.
func (e *Engine) terminate(ctx context.Context, log *slog.Logger, run *runstate.Run, t *runstate.Target, d *sctypes.ProvisionedProductDetail, cat Catalog) {
	out, err := cat.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{
		ProvisionedProductId: d.Id,
		TerminateToken:       aws.String(Token("t", run.ID, t.Region, t.Product, aws.ToString(d.Id))),
	})
	if err != nil {
		if e.adoptIfBusy(ctx, log, t, cat, err) {
			return
		}
		e.handle(ctx, log, run, t, "terminate failed product "+t.ProvisionedProductName, err)
		return
	}
	if out.RecordDetail == nil || aws.ToString(out.RecordDetail.RecordId) == "" {
		t.Note = "retrying: TerminateProvisionedProduct returned no record"
		return
	}
	t.Status = runstate.InProgress
	t.RecordID = aws.ToString(out.RecordDetail.RecordId)
	t.Note = fmt.Sprintf("replacing: %s never provisioned (%s), so it is terminated and provisioned again", t.ProvisionedProductID, d.Status)
	log.InfoContext(ctx, "terminating a product that never provisioned", "record", t.RecordID)
}

// poll checks the record of an in-progress target once.
func (e *Engine) poll(ctx context.Context, log *slog.Logger, t *runstate.Target, cat Catalog) {
	out, err := cat.DescribeRecord(ctx, &servicecatalog.DescribeRecordInput{Id: aws.String(t.RecordID)})
	if err != nil {
		switch classify(err) {
		case classTransient, classState:
			log.WarnContext(ctx, "record check deferred", "record", t.RecordID, "error", message(err))
			return
		case classNotFound:
			// A record read right after it was created can lag: wait for it,
			// bounded like any other propagation.
			now := e.now()
			if t.WaitingSince.IsZero() {
				t.WaitingSince = now
			}
			if now.Sub(t.WaitingSince) < e.visibilityDeadline() {
				t.Note = runstate.Clip("waiting: record " + t.RecordID + " not found yet")
				return
			}
		}
		e.fail(ctx, log, t, fmt.Sprintf("describe record %s: %s", t.RecordID, message(err)))
		return
	}
	rd := out.RecordDetail
	if rd == nil {
		log.WarnContext(ctx, "DescribeRecord returned no record; checking again next step", "record", t.RecordID)
		return
	}
	t.WaitingSince = time.Time{}
	if id := aws.ToString(rd.ProvisionedProductId); id != "" {
		t.ProvisionedProductID = id
	}
	switch rd.Status {
	case sctypes.RecordStatusSucceeded:
		artifact := aws.ToString(rd.ProvisioningArtifactId)
		switch {
		case aws.ToString(rd.RecordType) == recordTerminate:
			// A termination (ours, replacing a failed product, or someone
			// else's that was adopted): the name is free, provision again.
			t.Replaces = "/" + t.ProvisionedProductID
			t.Status, t.RecordID, t.ProvisionedProductID = runstate.Pending, "", ""
			t.Note = "the previous provisioned product was terminated; provisioning again"
			log.InfoContext(ctx, "termination finished; target pending again")
		case artifact != "" && t.ArtifactID != "" && artifact != t.ArtifactID:
			// An adopted change to another version: look again and apply the plan.
			t.Status, t.RecordID = runstate.Pending, ""
			t.Note = "an adopted change ended on another version; checking against the plan again"
			log.InfoContext(ctx, "adopted record ended on another version", "artifact", artifact)
		default:
			t.Status = runstate.Succeeded
			t.Error = ""
			log.InfoContext(ctx, "provisioning succeeded", "record", t.RecordID, "provisionedProduct", t.ProvisionedProductID)
		}
	case sctypes.RecordStatusFailed:
		var msgs []string
		for _, re := range rd.RecordErrors {
			msgs = append(msgs, strings.TrimSpace(aws.ToString(re.Code)+": "+aws.ToString(re.Description)))
		}
		if len(msgs) == 0 {
			msgs = append(msgs, "record "+t.RecordID+" FAILED without details")
		}
		msg := strings.Join(msgs, "; ")
		if aws.ToString(rd.RecordType) == recordTerminate {
			msg = "terminating the failed product before provisioning it again failed: " + msg + "; terminate it in the Service Catalog console, then re-run"
		}
		e.fail(ctx, log, t, msg)
	}
}

// deferTarget leaves a target pending for the next step, or fails it once the
// visibility deadline has passed: waiting for propagation is bounded.
func (e *Engine) deferTarget(ctx context.Context, log *slog.Logger, run *runstate.Run, t *runstate.Target, reason string) {
	t.Waits++
	now := e.now()
	if t.WaitingSince.IsZero() {
		t.WaitingSince = now
	}
	if now.Sub(t.WaitingSince) >= e.visibilityDeadline() {
		e.fail(ctx, log, t, fmt.Sprintf("%s, still after %s: check the plan's product and portfolio for %s and that the portfolio is shared with the organization", reason, e.visibilityDeadline(), t.Region))
		return
	}
	t.Note = runstate.Clip("waiting: " + reason)
	log.InfoContext(ctx, "target deferred", "reason", reason, "waits", t.Waits)
}

func (e *Engine) visibilityDeadline() time.Duration {
	if e.VisibilityDeadline > 0 {
		return e.VisibilityDeadline
	}
	return DefaultVisibilityDeadline
}

func (e *Engine) fail(ctx context.Context, log *slog.Logger, t *runstate.Target, msg string) {
	t.Status = runstate.Failed
	t.Error = runstate.Clip(msg)
	t.Note = ""
	log.WarnContext(ctx, "target failed", "error", msg)
}

// handle applies the error classification to a failed call.
func (e *Engine) handle(ctx context.Context, log *slog.Logger, run *runstate.Run, t *runstate.Target, op string, err error) {
	switch classify(err) {
	case classNotFound:
		e.deferTarget(ctx, log, run, t, op+": "+message(err))
	case classTransient, classState:
		t.Note = runstate.Clip("retrying: " + op + ": " + message(err))
		log.WarnContext(ctx, "transient error, retrying on the next step", "op", op, "error", message(err))
	case classUnreachable:
		e.fail(ctx, log, t, fmt.Sprintf("%s: region %s is not usable by account %s (%s); enable the opt-in region for the account or remove it from the plan", op, t.Region, run.Account.ID, message(err)))
	default:
		e.fail(ctx, log, t, op+": "+message(err))
	}
}

// openPortfolio accepts the organization share and associates the role.
func (e *Engine) openPortfolio(ctx context.Context, log *slog.Logger, cat Catalog, portfolio, roleARN string) error {
	_, err := cat.AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
		PortfolioId:        aws.String(portfolio),
		PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations,
	})
	if err != nil {
		// Organization shares are documented as auto-imported: a failed accept
		// is not fatal, the product look-up decides.
		log.InfoContext(ctx, "accept portfolio share failed; continuing", "portfolio", portfolio, "error", message(err))
	}
	_, err = cat.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
		PortfolioId:   aws.String(portfolio),
		PrincipalARN:  aws.String(roleARN),
		PrincipalType: sctypes.PrincipalTypeIam,
	})
	if err != nil {
		return fmt.Errorf("associate %s with %s: %w", roleARN, portfolio, err)
	}
	return nil
}

// describeProduct finds the product, waiting with bounded backoff for a fresh
// association to propagate.
func (e *Engine) describeProduct(ctx context.Context, cat Catalog, p *plan.Product) (*servicecatalog.DescribeProductOutput, error) {
	in := describeProductInput(p)
	backoff := e.VisibilityBackoff
	if backoff == nil {
		backoff = DefaultVisibilityBackoff
	}
	for attempt := 0; ; attempt++ {
		out, err := cat.DescribeProduct(ctx, in)
		if err == nil {
			return out, nil
		}
		if classify(err) != classNotFound || attempt >= len(backoff) || e.outOfTime(ctx) {
			return nil, err
		}
		if serr := e.sleep(ctx, backoff[attempt]); serr != nil {
			return nil, err
		}
	}
}

func describeProductInput(p *plan.Product) *servicecatalog.DescribeProductInput {
	if p.ProductIsID() {
		return &servicecatalog.DescribeProductInput{Id: aws.String(p.Product)}
	}
	return &servicecatalog.DescribeProductInput{Name: aws.String(p.Product)}
}

// launchPath picks the launch path of the planned portfolio. With one path
// Service Catalog needs none named, but naming it keeps the choice explicit.
func (e *Engine) launchPath(ctx context.Context, cat Catalog, portfolio string, paths []sctypes.LaunchPath) (*string, error) {
	switch len(paths) {
	case 0:
		return nil, nil
	case 1:
		return paths[0].Id, nil
	}
	out, err := cat.DescribePortfolio(ctx, &servicecatalog.DescribePortfolioInput{Id: aws.String(portfolio)})
	if err != nil {
		return nil, fmt.Errorf("describe portfolio %s to pick among %d launch paths: %w", portfolio, len(paths), err)
	}
	name := aws.ToString(out.PortfolioDetail.DisplayName)
	var names []string
	for _, lp := range paths {
		if aws.ToString(lp.Name) == name {
			return lp.Id, nil
		}
		names = append(names, aws.ToString(lp.Name))
	}
	return nil, fmt.Errorf("no launch path through portfolio %s (%q) among %s", portfolio, name, strings.Join(names, ", "))
}

func (e *Engine) planTarget(p *plan.Product, t *runstate.Target) plan.Placement {
	return plan.Placement{Region: t.Region, Product: p, Portfolio: p.Portfolios[t.Region], ProvisionedProductName: t.ProvisionedProductName}
}

// chooseArtifact picks the version the plan wants among the artifacts an end
// user sees (active ones). "latest" is the newest by CreatedTime that is not
// deprecated; a pinned deprecated version is a clear failure, never a silent
// substitution.
func chooseArtifact(p *plan.Product, region string, arts []sctypes.ProvisioningArtifact) (*sctypes.ProvisioningArtifact, error) {
	usable := func(a *sctypes.ProvisioningArtifact) bool {
		return a.Guidance != sctypes.ProvisioningArtifactGuidanceDeprecated
	}
	available := func() string {
		var names []string
		for i := range arts {
			if usable(&arts[i]) {
				names = append(names, aws.ToString(arts[i].Name))
			}
		}
		if len(names) == 0 {
			return "none"
		}
		return strings.Join(names, ", ")
	}
	if p.Version == "" || p.Version == "latest" {
		var best *sctypes.ProvisioningArtifact
		for i := range arts {
			a := &arts[i]
			if !usable(a) {
				continue
			}
			if best == nil || aws.ToTime(a.CreatedTime).After(aws.ToTime(best.CreatedTime)) {
				best = a
			}
		}
		if best == nil {
			return nil, fmt.Errorf("product %s has no active, non-deprecated version in %s", p.Product, region)
		}
		return best, nil
	}
	for i := range arts {
		a := &arts[i]
		if aws.ToString(a.Id) != p.Version && aws.ToString(a.Name) != p.Version {
			continue
		}
		if !usable(a) {
			return nil, fmt.Errorf("version %s of %s is DEPRECATED in %s and cannot be provisioned: pin another version (available: %s) or use latest", p.Version, p.Product, region, available())
		}
		return a, nil
	}
	return nil, fmt.Errorf("version %s of %s does not exist or is inactive in %s (available: %s)", p.Version, p.Product, region, available())
}

// wanted picks the version the plan wants. A product that already runs its
// pinned version keeps it even if that version was deprecated or retired
// since: that does not make it wrong.
func (e *Engine) wanted(p *plan.Product, region string, existing *sctypes.ProvisionedProductDetail, arts []sctypes.ProvisioningArtifact) (*sctypes.ProvisioningArtifact, error) {
	if existing != nil && pinnedTo(p, existing, arts) {
		return currentArtifact(existing, arts), nil
	}
	return chooseArtifact(p, region, arts)
}

// recordTerminate is the RecordType of a termination.
const recordTerminate = "TERMINATE_PROVISIONED_PRODUCT"

// pinnedTo reports whether the plan pins p to the version the existing
// product runs (by artifact ID or name).
func pinnedTo(p *plan.Product, d *sctypes.ProvisionedProductDetail, arts []sctypes.ProvisioningArtifact) bool {
	if p.Version == "" || p.Version == "latest" {
		return false
	}
	id := aws.ToString(d.ProvisioningArtifactId)
	return id == p.Version || artifactName(arts, id) == p.Version
}

// currentArtifact describes the version an existing product runs; an
// inactive one is not listed to end users and is known by its ID alone.
func currentArtifact(d *sctypes.ProvisionedProductDetail, arts []sctypes.ProvisioningArtifact) *sctypes.ProvisioningArtifact {
	id := aws.ToString(d.ProvisioningArtifactId)
	for i := range arts {
		if aws.ToString(arts[i].Id) == id {
			return &arts[i]
		}
	}
	return &sctypes.ProvisioningArtifact{Id: aws.String(id), Name: aws.String(id)}
}

func artifactName(arts []sctypes.ProvisioningArtifact, id string) string {
	for i := range arts {
		if aws.ToString(arts[i].Id) == id {
			return aws.ToString(arts[i].Name)
		}
	}
	return id
}

// Token derives a deterministic ProvisionToken/UpdateToken: the same run
// retrying the same call (a Lambda retry, an SQS redelivery) gets the same
// token and so the same record, never a second product. Tokens differ across
// runs; across runs the unique provisioned-product name prevents duplicates.
func Token(kind, runID, region, product, artifactID string) string {
	h := sha256.Sum256([]byte(strings.Join([]string{kind, runID, region, product, artifactID}, "\x00")))
	return "lf" + kind + hex.EncodeToString(h[:20])
}

func provisioningParameters(params map[string]string) []sctypes.ProvisioningParameter {
	keys := slices.Sorted(maps.Keys(params))
	out := make([]sctypes.ProvisioningParameter, 0, len(keys))
	for _, k := range keys {
		out = append(out, sctypes.ProvisioningParameter{Key: aws.String(k), Value: aws.String(params[k])})
	}
	return out
}

func updateParameters(params map[string]string) []sctypes.UpdateProvisioningParameter {
	keys := slices.Sorted(maps.Keys(params))
	out := make([]sctypes.UpdateProvisioningParameter, 0, len(keys))
	for _, k := range keys {
		out = append(out, sctypes.UpdateProvisioningParameter{Key: aws.String(k), Value: aws.String(params[k])})
	}
	return out
}

func scTags(tags map[string]string) []sctypes.Tag {
	keys := slices.Sorted(maps.Keys(tags))
	out := make([]sctypes.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, sctypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// gates runs the accept+associate of each (region, portfolio) once per run,
// however many products share the portfolio and however many steps the run
// takes: opened pairs are remembered in the run.
type gates struct {
	mu  sync.Mutex
	m   map[string]*gate
	run *runstate.Run // Opened is read and written under mu
}

type gate struct {
	once sync.Once
	err  error
}

// gateKey identifies an opened portfolio: the role is part of it, so a
// changed execution role opens the portfolio again.
func gateKey(region, portfolio, roleARN string) string {
	return region + "/" + portfolio + "/" + roleARN
}

// forget drops key from what the run has opened.
func (g *gates) forget(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.run.Opened = slices.DeleteFunc(g.run.Opened, func(k string) bool { return k == key })
	delete(g.m, key)
}

func (g *gates) open(ctx context.Context, key string, fn func(context.Context) error) error {
	g.mu.Lock()
	if slices.Contains(g.run.Opened, key) {
		g.mu.Unlock()
		return nil
	}
	gt, ok := g.m[key]
	if !ok {
		gt = &gate{}
		g.m[key] = gt
	}
	g.mu.Unlock()
	gt.once.Do(func() {
		gt.err = fn(ctx)
		if gt.err == nil {
			g.mu.Lock()
			g.run.Opened = append(g.run.Opened, key)
			g.mu.Unlock()
		}
	})
	return gt.err
}
