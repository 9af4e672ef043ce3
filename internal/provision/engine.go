// Package provision advances the (region, product) targets of an account run
// against Service Catalog in the member account: accept the organization
// share, associate the assumed role, find the product and the version the plan
// wants, and provision or update it, idempotently and without ever waiting for
// provisioning to finish inside a Lambda invocation.
package provision

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
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
	// SearchProvisionedProducts lists the account's provisioned products,
	// to find retirement candidates (retire.go).
	SearchProvisionedProducts(context.Context, *servicecatalog.SearchProvisionedProductsInput, ...func(*servicecatalog.Options)) (*servicecatalog.SearchProvisionedProductsOutput, error)
}

var _ Catalog = (*servicecatalog.Client)(nil)

// ProductIDs names the plan's products by ID. Each is resolved within the
// plan's portfolio for the region, in the management account's catalog: the
// portfolio is the trust anchor, so a product of the same name that a member
// account's administrator made locally is never the one described or launched.
type ProductIDs interface {
	// ProductID returns the ID of the plan's product key in region. problem
	// says why the plan's product cannot be used (not in its portfolio), a
	// permanent answer; err is a failure to find out, worth a retry.
	ProductID(ctx context.Context, region, key string) (id, problem string, err error)
}

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
	// Products resolves product identities; required.
	Products ProductIDs
	// ReaderRoleName is the role the launch function reads member accounts
	// as, when it is not the execution role (member roles): every portfolio
	// a run opens is associated with it too, in the run's account (see
	// openPortfolio). Empty for none.
	ReaderRoleName string
	// Concurrency bounds the targets worked on at once across all regions.
	Concurrency int
	// VisibilityBackoff is waited between DescribeProduct attempts while a product is not yet visible.
	VisibilityBackoff []time.Duration
	// VisibilityDeadline is how long after the run started a product may stay invisible before the target fails.
	VisibilityDeadline time.Duration
	// Observed says how long a product usually takes to provision in a
	// region (the run ledger's durations), zero when nothing is known. It
	// times the first read of a record when the plan gives the product no
	// expectedDuration; nil knows nothing.
	Observed func(region, product string) time.Duration
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
// A record is read only once it is due (see NextLook) and at most once per
// call. It reports whether any target changed, which the worker uses to
// back off while nothing moves.
func (e *Engine) Advance(ctx context.Context, run *runstate.Run, roleARN string, cats Catalogs) (progressed bool) {
	gates := &gates{m: make(map[string]*gate), run: run}
	polled := make(map[string]bool) // records read in this call: each at most once
	start := fingerprint(run)
	defer func() { progressed = fingerprint(run) != start }()
	for pass := 0; pass < 2*len(run.Targets)+2; pass++ {
		e.settleDependencies(run)
		ready := e.ready(run, polled)
		if len(ready) == 0 || e.outOfTime(ctx) {
			return
		}
		before := fingerprint(run)
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(e.concurrency())
		for _, i := range ready {
			t := &run.Targets[i]
			g.Go(func() error {
				e.step(run, t, roleARN, cats(t.Region), gates).advance(gctx)
				if t.Status != runstate.Pending && t.Status != runstate.InProgress {
					t.WaitingSince = time.Time{} // a later wait gets its whole budget
				}
				idleTarget(t)
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
		if t.Retiring() {
			if why := e.heldBy(run, t); why != "" {
				t.Status, t.Error, changed = runstate.Skipped, why, true
			}
			continue
		}
		for _, dep := range e.dependsOn(t.Product) {
			d := run.Target(t.Region, dep)
			if d != nil && !d.Retiring() && d.Status.Final() && !d.Status.Satisfies() {
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

// ready lists targets to work on: in progress with a record that is due and
// not yet read in this Advance (polled, which ready adds to), or pending
// with every dependency satisfied.
func (e *Engine) ready(run *runstate.Run, polled map[string]bool) []int {
	var out []int
	now := e.now()
	for i := range run.Targets {
		t := &run.Targets[i]
		switch t.Status {
		case runstate.InProgress:
			if due(t, now) && !polled[t.RecordID] {
				polled[t.RecordID] = true
				out = append(out, i)
			}
		case runstate.Pending:
			if e.depsSatisfied(run, t) {
				out = append(out, i)
			}
		}
	}
	return out
}

// depsSatisfied reports whether every dependency of t in its region lets it start.
func (e *Engine) depsSatisfied(run *runstate.Run, t *runstate.Target) bool {
	if t.Retiring() {
		return e.dependentsGone(run, t)
	}
	for _, dep := range e.dependsOn(t.Product) {
		if d := run.Target(t.Region, dep); d != nil && !d.Retiring() && !d.Status.Satisfies() {
			return false
		}
	}
	return true
}

func (e *Engine) visibilityDeadline() time.Duration {
	if e.VisibilityDeadline > 0 {
		return e.VisibilityDeadline
	}
	return DefaultVisibilityDeadline
}

// policy is the update policy that applies to p: its own, else the plan's.
func (e *Engine) policy(p *plan.Product) plan.UpdatePolicy {
	if p.UpdatePolicy != "" {
		return p.UpdatePolicy
	}
	return e.Plan.UpdatePolicy
}
