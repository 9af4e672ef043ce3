package preflight

import (
	"context"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/plan"
)

// CatalogCheck runs CheckCatalog for a plan at most once per plan hash in a
// warm container: the launch function calls Check before queueing anything,
// and only the first call of a container pays for the catalog reads.
//
// A passing check (no problems, no error) is kept. A check that found
// problems is kept for RecheckAfter only, so a catalog fixed since is seen
// without a cold start, while a worker asking target after target does not
// repeat the whole check each time; a failed check (an error) is not kept.
// Concurrent callers share one check. Safe for concurrent use.
type CatalogCheck struct {
	Plan     *plan.Plan
	Catalogs func(region string) Catalog
	// RecheckAfter is how long a check that found problems is reused
	// (default DefaultRecheckAfter).
	RecheckAfter time.Duration

	mu       sync.Mutex
	passed   *catalogResult // the passing check of plan hash passed.hash
	failed   *catalogResult // the last check with problems, and when it ran
	inflight *catalogCall
}

// DefaultRecheckAfter bounds how stale a check with problems may be.
const DefaultRecheckAfter = time.Minute

type catalogResult struct {
	hash     string
	report   Report
	products *Products
	at       time.Time
}

type catalogCall struct {
	hash     string
	done     chan struct{}
	report   Report
	products *Products
	err      error
}

// Check returns the result of checking c.Plan against the catalog: kept
// from an earlier passing check of the same plan, shared with a check in
// progress, or made now with ctx. Problems are in the Report (Report.Err
// turns them into an error); an error means the check could not be made.
// A caller whose ctx ends while it waits for another's check returns
// ctx.Err(); the check goes on for the others.
func (c *CatalogCheck) Check(ctx context.Context) (Report, *Products, error) {
	hash := c.Plan.Hash
	c.mu.Lock()
	if r := c.passed; r != nil && r.hash == hash {
		c.mu.Unlock()
		return r.report, r.products, nil
	}
	if r := c.failed; r != nil && r.hash == hash && time.Since(r.at) < c.recheckAfter() {
		c.mu.Unlock()
		return r.report, r.products, nil
	}
	if call := c.inflight; call != nil && call.hash == hash {
		c.mu.Unlock()
		select {
		case <-call.done:
			return call.report, call.products, call.err
		case <-ctx.Done():
			return Report{}, nil, ctx.Err()
		}
	}
	call := &catalogCall{hash: hash, done: make(chan struct{})}
	c.inflight = call
	c.mu.Unlock()

	call.report, call.products, call.err = CheckCatalog(ctx, c.Plan, c.Catalogs)

	c.mu.Lock()
	switch {
	case call.err == nil && len(call.report.Problems) == 0:
		c.passed = &catalogResult{hash: hash, report: call.report, products: call.products}
	case call.err == nil:
		c.failed = &catalogResult{hash: hash, report: call.report, products: call.products, at: time.Now()}
	}
	if c.inflight == call {
		c.inflight = nil
	}
	c.mu.Unlock()
	close(call.done)
	return call.report, call.products, call.err
}

func (c *CatalogCheck) recheckAfter() time.Duration {
	if c.RecheckAfter > 0 {
		return c.RecheckAfter
	}
	return DefaultRecheckAfter
}
