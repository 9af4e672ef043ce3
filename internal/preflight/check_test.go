package preflight

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestCatalogCheckKeepsAPass(t *testing.T) {
	w := fakeWorlds()
	c := &CatalogCheck{Plan: catalogTestPlan(t), Catalogs: catalogsOf(w)}
	for range 3 {
		rep, prods, err := c.Check(context.Background())
		if err != nil || len(rep.Problems) != 0 {
			t.Fatalf("%v %v", rep.Problems, err)
		}
		if id, ok := prods.ID("us-west-2", "vpc"); !ok || id != "prod-uw2basevpc0" {
			t.Fatalf("ID = %q %v", id, ok)
		}
	}
	if n := w["us-east-1"].count("DescribePortfolio"); n != 1 {
		t.Errorf("checked %d times, want once", n)
	}

	// Another plan (another hash) is checked anew.
	c.Plan = catalogTestPlan(t, `version: "2024.06"`, `version: "2025.01"`)
	if _, _, err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := w["us-east-1"].count("DescribePortfolio"); n != 2 {
		t.Errorf("checked %d times after the plan changed, want twice", n)
	}
}

func TestCatalogCheckRetriesProblemsAndErrors(t *testing.T) {
	w := fakeWorlds()
	c := &CatalogCheck{Plan: catalogTestPlan(t), Catalogs: catalogsOf(w), RecheckAfter: time.Nanosecond}

	// A problem: the portfolio is not shared yet. Fixed, the next call sees it.
	shares := w["us-west-2"].portfolios["port-uw2baseline0"].shares
	w["us-west-2"].portfolios["port-uw2baseline0"].shares = nil
	rep, _, err := c.Check(context.Background())
	if err != nil || len(rep.Problems) != 1 || rep.Err() == nil {
		t.Fatalf("%v %v", rep.Problems, err)
	}
	w["us-west-2"].portfolios["port-uw2baseline0"].shares = shares

	// An error: throttling. Passing, the next call sees it.
	w["us-east-1"].fail = map[string]error{"DescribePortfolio": apiError("DescribePortfolio", "ThrottlingException", "Rate exceeded")}
	if _, _, err := c.Check(context.Background()); err == nil {
		t.Fatal("no error while throttled")
	}
	w["us-east-1"].fail = nil

	rep, _, err = c.Check(context.Background())
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("after the fixes: %v %v", rep.Problems, err)
	}
	if _, _, err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := w["us-west-2"].count("DescribePortfolio"); n != 3 {
		t.Errorf("us-west-2 checked %d times, want 3 (problem, error, pass; then kept)", n)
	}
}

func TestCatalogCheckSharesOneCheck(t *testing.T) {
	w := fakeWorlds()
	release := make(chan struct{})
	started := make(chan struct{}, 8)
	for _, c := range w {
		c.block = func(context.Context) {
			started <- struct{}{}
			<-release
		}
	}
	c := &CatalogCheck{Plan: catalogTestPlan(t), Catalogs: catalogsOf(w)}
	const callers = 8
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			rep, _, err := c.Check(context.Background())
			if err == nil && len(rep.Problems) > 0 {
				err = rep.Err()
			}
			errs <- err
		})
	}
	<-started // one check is under way
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for r, cat := range w {
		if n := cat.count("DescribePortfolio"); n != 1 {
			t.Errorf("%s: %d checks for %d concurrent callers, want 1", r, n, callers)
		}
	}
}

func TestCatalogCheckWaiterLeavesWithItsContext(t *testing.T) {
	w := fakeWorlds()
	release := make(chan struct{})
	started := make(chan struct{}, 4)
	for _, c := range w {
		c.block = func(context.Context) {
			started <- struct{}{}
			<-release
		}
	}
	c := &CatalogCheck{Plan: catalogTestPlan(t), Catalogs: catalogsOf(w)}
	first := make(chan error, 1)
	go func() {
		_, _, err := c.Check(context.Background())
		first <- err
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := c.Check(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("waiter with an ended context: %v", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Errorf("the check itself: %v", err)
	}
}

func TestCatalogCheckProductID(t *testing.T) {
	w := fakeWorlds()
	w["us-west-2"].portfolios["port-uw2baseline0"].shares = nil // a problem that does not stop resolution
	c := &CatalogCheck{Plan: catalogTestPlan(t, "product: baseline-vpc", "product: baseline-vcp"), Catalogs: catalogsOf(w)}
	for _, tt := range []struct{ region, key, id, problem string }{
		{"us-east-1", "audit", "prod-ue1secaudit0", ""},
		{"us-west-2", "audit", "prod-uw2secaudit0", ""},
		{"us-east-1", "vpc", "", `products[0].product: product "baseline-vcp" is not in the plan's portfolio Landfall Baseline in us-east-1 (it has baseline-vpc and security-audit); did you mean "baseline-vpc"?`},
		{"eu-west-1", "audit", "", `the plan does not provision "audit" in eu-west-1`},
		{"us-east-1", "nope", "", `the plan does not provision "nope" in us-east-1`},
	} {
		id, problem, err := c.ProductID(context.Background(), tt.region, tt.key)
		if err != nil || id != tt.id || problem != tt.problem {
			t.Errorf("ProductID(%s, %s) = %q, %q, %v\nwant %q, %q", tt.region, tt.key, id, problem, err, tt.id, tt.problem)
		}
	}

	// An unusable portfolio is the problem of every product in it.
	w = fakeWorlds()
	c = &CatalogCheck{Plan: catalogTestPlan(t, "us-west-2: port-uw2baseline0", "us-west-2: port-uw2gone0"), Catalogs: catalogsOf(w), RecheckAfter: time.Nanosecond}
	if _, problem, _ := c.ProductID(context.Background(), "us-west-2", "vpc"); problem != "portfolios.us-west-2: portfolio port-uw2gone0 does not exist in us-west-2; portfolio IDs are regional: use the ID of the portfolio in us-west-2 (aws servicecatalog list-portfolios --region us-west-2, with the management account's credentials)" {
		t.Errorf("problem %q", problem)
	}

	// A check that could not be made is an error, worth a retry.
	w["us-east-1"].fail = map[string]error{"DescribePortfolio": apiError("DescribePortfolio", "ThrottlingException", "Rate exceeded")}
	if _, _, err := c.ProductID(context.Background(), "us-east-1", "vpc"); err == nil {
		t.Error("no error while throttled")
	}
}

// TestCatalogCheckReusesProblemsForAWhile: a worker asking target after
// target of a plan with problems does not repeat the whole check each time.
func TestCatalogCheckReusesProblemsForAWhile(t *testing.T) {
	w := fakeWorlds()
	c := &CatalogCheck{Plan: catalogTestPlan(t, "product: baseline-vpc", "product: baseline-vcp"), Catalogs: catalogsOf(w)}
	for range 5 {
		if _, problem, err := c.ProductID(context.Background(), "us-east-1", "vpc"); err != nil || problem == "" {
			t.Fatalf("want the typo's problem, got %q, %v", problem, err)
		}
	}
	if n := w["us-east-1"].count("DescribePortfolio"); n != 1 {
		t.Errorf("checked %d times within RecheckAfter, want once", n)
	}
}
