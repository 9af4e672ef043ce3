package worker

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/runstate"
)

// fakeRegionOpt is one member account's Account Management API: statuses
// by region (ENABLED_BY_DEFAULT when absent), EnableRegion moving a region
// to ENABLING, and errors by call.
type fakeRegionOpt struct {
	mu        sync.Mutex
	status    map[string]types.RegionOptStatus
	getErr    error
	enableErr error
	gets      []string
	enables   []string
}

func (f *fakeRegionOpt) GetRegionOptStatus(_ context.Context, in *account.GetRegionOptStatusInput, _ ...func(*account.Options)) (*account.GetRegionOptStatusOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := aws.ToString(in.RegionName)
	f.gets = append(f.gets, r)
	if in.AccountId != nil {
		panic("the gate asks as the member account itself, never naming an account")
	}
	if f.getErr != nil {
		return nil, f.getErr
	}
	s, ok := f.status[r]
	if !ok {
		s = types.RegionOptStatusEnabledByDefault
	}
	return &account.GetRegionOptStatusOutput{RegionName: aws.String(r), RegionOptStatus: s}, nil
}

func (f *fakeRegionOpt) EnableRegion(_ context.Context, in *account.EnableRegionInput, _ ...func(*account.Options)) (*account.EnableRegionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := aws.ToString(in.RegionName)
	f.enables = append(f.enables, r)
	if f.enableErr != nil {
		return nil, f.enableErr
	}
	f.status[r] = types.RegionOptStatusEnabling
	return &account.EnableRegionOutput{}, nil
}

func (f *fakeRegionOpt) set(r string, s types.RegionOptStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status[r] = s
}

// touchedCatalogs is Service Catalog throttling every call, recording the
// regions called: enough to see where the engine worked, without it
// finishing anything.
type touchedCatalogs struct {
	mu      sync.Mutex
	regions []string
}

func (c *touchedCatalogs) Open(context.Context, string, string) (string, provision.Catalogs, error) {
	return "arn:aws:iam::222222222222:role/AWSControlTowerExecution", func(r string) provision.Catalog { return throttledCatalog{c: c, r: r} }, nil
}

func (c *touchedCatalogs) touched(r string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Contains(c.regions, r)
}

type throttledCatalog struct {
	provision.Catalog // calls added to the interface later panic here: add them below
	c                 *touchedCatalogs
	r                 string
}

func (t throttledCatalog) fail() error {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if !slices.Contains(t.c.regions, t.r) {
		t.c.regions = append(t.c.regions, t.r)
	}
	return &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
}

func (t throttledCatalog) AcceptPortfolioShare(context.Context, *servicecatalog.AcceptPortfolioShareInput, ...func(*servicecatalog.Options)) (*servicecatalog.AcceptPortfolioShareOutput, error) {
	return nil, t.fail()
}

func (t throttledCatalog) AssociatePrincipalWithPortfolio(context.Context, *servicecatalog.AssociatePrincipalWithPortfolioInput, ...func(*servicecatalog.Options)) (*servicecatalog.AssociatePrincipalWithPortfolioOutput, error) {
	return nil, t.fail()
}

func (t throttledCatalog) DescribePortfolio(context.Context, *servicecatalog.DescribePortfolioInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribePortfolioOutput, error) {
	return nil, t.fail()
}

func (t throttledCatalog) DescribeProduct(context.Context, *servicecatalog.DescribeProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProductOutput, error) {
	return nil, t.fail()
}

func (t throttledCatalog) DescribeProvisionedProduct(context.Context, *servicecatalog.DescribeProvisionedProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProvisionedProductOutput, error) {
	return nil, t.fail()
}

func (t throttledCatalog) ProvisionProduct(context.Context, *servicecatalog.ProvisionProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.ProvisionProductOutput, error) {
	return nil, t.fail()
}

func (t throttledCatalog) UpdateProvisionedProduct(context.Context, *servicecatalog.UpdateProvisionedProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.UpdateProvisionedProductOutput, error) {
	return nil, t.fail()
}

func (t throttledCatalog) DescribeRecord(context.Context, *servicecatalog.DescribeRecordInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeRecordOutput, error) {
	return nil, t.fail()
}

func (t throttledCatalog) TerminateProvisionedProduct(context.Context, *servicecatalog.TerminateProvisionedProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.TerminateProvisionedProductOutput, error) {
	return nil, t.fail()
}

func (t throttledCatalog) SearchProvisionedProducts(context.Context, *servicecatalog.SearchProvisionedProductsInput, ...func(*servicecatalog.Options)) (*servicecatalog.SearchProvisionedProductsOutput, error) {
	return nil, t.fail()
}

type anyProduct struct{}

func (anyProduct) ProductID(context.Context, string, string) (string, string, error) {
	return "prod-abc123", "", nil
}

// optInWorld is a worker over a plan with us-east-1 and the opt-in region
// ap-east-1, on a clock the test moves.
type optInWorld struct {
	h    *Handler
	q    *fakeQueue
	n    *fakeNotifier
	api  *fakeRegionOpt
	cats *touchedCatalogs
	now  time.Time
}

func newOptInWorld(t *testing.T, enable bool, apEast types.RegionOptStatus) *optInWorld {
	t.Helper()
	doc := `
regions: [us-east-1, ap-east-1]
portfolios: {us-east-1: port-ue1baseline0, ap-east-1: port-ae1baseline0}
products: [{key: baseline-vpc, product: baseline-vpc}]
`
	if enable {
		doc += "enableOptInRegions: true\n"
	}
	pl, err := plan.Parse([]byte(doc), "optin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	w := &optInWorld{q: &fakeQueue{}, n: &fakeNotifier{}, cats: &touchedCatalogs{}, now: t0,
		api: &fakeRegionOpt{status: map[string]types.RegionOptStatus{"ap-east-1": apEast}}}
	clock := func() time.Time { return w.now }
	w.h = &Handler{Plan: pl, Engine: &provision.Engine{Plan: pl, Products: anyProduct{}, Now: clock,
		Sleep: func(context.Context, time.Duration) error { return nil }},
		Members: &fakeMembers{}, Accounts: w.cats, Queue: w.q, Notifier: w.n,
		Regions: func(acct, session string) RegionOpt {
			if acct != "222222222222" || !strings.HasPrefix(session, "landfall-") {
				t.Errorf("gate opened %s as %s; want the run's account and session", acct, session)
			}
			return w.api
		},
		Ledger: newFakeLedger(clock), Now: clock, Logger: slog.New(slog.DiscardHandler)}
	return w
}

func optInRun() *runstate.Run {
	run := pendingRun()
	run.Targets = append(run.Targets, runstate.Target{Region: "ap-east-1", Product: "baseline-vpc", Status: runstate.Pending})
	return run
}

// step delivers run (or the last continuation) at the world's time and
// returns what was sent on, or nil when the run finished.
func (w *optInWorld) step(t *testing.T, run *runstate.Run) *runstate.Run {
	t.Helper()
	sent := len(w.q.sent)
	resp, err := w.h.Handle(context.Background(), message(t, run))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("step: %v %+v", err, resp)
	}
	if len(w.q.sent) == sent {
		return nil
	}
	return w.q.sent[len(w.q.sent)-1]
}

func (w *optInWorld) lastDelay() time.Duration { return w.q.delays[len(w.q.delays)-1] }

func TestOptInRegionDisabledFailsOnlyItsTargets(t *testing.T) {
	for _, status := range []types.RegionOptStatus{types.RegionOptStatusDisabled, types.RegionOptStatusDisabling} {
		t.Run(string(status), func(t *testing.T) {
			w := newOptInWorld(t, false, status)
			next := w.step(t, optInRun())
			if next == nil {
				t.Fatal("the run must go on in us-east-1")
			}
			ae := next.Target("ap-east-1", "baseline-vpc")
			want := "not attempted: region ap-east-1 is "
			if ae.Status != runstate.Failed || !strings.HasPrefix(ae.Error, want) ||
				!strings.Contains(ae.Error, "enable it (aws account enable-region --region-name ap-east-1 --account-id 222222222222) or set enableOptInRegions: true in the plan") {
				t.Errorf("ap-east-1 target = %s %q", ae.Status, ae.Error)
			}
			if w.cats.touched("ap-east-1") || !w.cats.touched("us-east-1") {
				t.Errorf("Service Catalog called in %v; want us-east-1 only", w.cats.regions)
			}
			if len(w.api.enables) != 0 {
				t.Errorf("EnableRegion called without enableOptInRegions: %v", w.api.enables)
			}
			if ue := next.Target("us-east-1", "baseline-vpc"); ue.Status != runstate.Pending {
				t.Errorf("us-east-1 target = %s, want still pending (throttled)", ue.Status)
			}
			// A later step does not ask again about a region it is done with.
			w.now = w.now.Add(time.Minute)
			w.step(t, next)
			if len(w.api.gets) != 1 {
				t.Errorf("GetRegionOptStatus calls = %v, want one", w.api.gets)
			}
		})
	}
}

func TestOptInRegionEnabledByLandfallThenProvisioned(t *testing.T) {
	w := newOptInWorld(t, true, types.RegionOptStatusDisabled)
	next := w.step(t, optInRun())
	if !slices.Equal(w.api.enables, []string{"ap-east-1"}) {
		t.Fatalf("EnableRegion calls = %v, want ap-east-1 once", w.api.enables)
	}
	ae := next.Target("ap-east-1", "baseline-vpc")
	if ae.Status != runstate.Pending || !strings.Contains(ae.Note, "waiting for region ap-east-1 to be enabled for the account: Landfall enabled it at 2026-01-01T00:00:00Z (ENABLING)") {
		t.Errorf("ap-east-1 target = %s, note %q", ae.Status, ae.Note)
	}
	if w.cats.touched("ap-east-1") {
		t.Error("Service Catalog called in ap-east-1 before it was enabled")
	}
	if o := next.RegionOptIn("ap-east-1"); o == nil || o.Ready || o.EnabledAt != t0 || o.Status != "ENABLING" {
		t.Errorf("run's opt-in record = %+v", o)
	}
	if !slices.ContainsFunc(next.Notes, func(n string) bool {
		return strings.Contains(n, "Landfall enabled opt-in region ap-east-1 for the account")
	}) {
		t.Errorf("run notes = %q", next.Notes)
	}
	if d := w.lastDelay(); d <= 0 || d > optInRecheck {
		t.Errorf("continuation delay %s; want at most %s", d, optInRecheck)
	}

	// Still ENABLING: asked again, not enabled twice.
	w.now = w.now.Add(optInRecheck)
	next = w.step(t, next)
	if len(w.api.enables) != 1 || len(w.api.gets) != 2 || w.cats.touched("ap-east-1") {
		t.Fatalf("second step: enables %v, gets %v, catalog %v", w.api.enables, w.api.gets, w.cats.regions)
	}

	// ENABLED: the engine works there, the wait is over, and is told.
	w.api.set("ap-east-1", types.RegionOptStatusEnabled)
	w.now = w.now.Add(optInRecheck)
	next = w.step(t, next)
	if !w.cats.touched("ap-east-1") {
		t.Error("Service Catalog not called in ap-east-1 once enabled")
	}
	if ae := next.Target("ap-east-1", "baseline-vpc"); strings.Contains(ae.Note, "waiting for region") || ae.Status != runstate.Pending {
		t.Errorf("ap-east-1 target after enabling = %s, note %q", ae.Status, ae.Note)
	}
	if !slices.ContainsFunc(next.Notes, func(n string) bool { return n == "region ap-east-1 became ENABLED 6m0s after Landfall enabled it" }) {
		t.Errorf("run notes = %q", next.Notes)
	}
	w.now = w.now.Add(time.Minute)
	w.step(t, next)
	if len(w.api.gets) != 3 {
		t.Errorf("GetRegionOptStatus calls = %v; a ready region is not asked about again", w.api.gets)
	}
}

func TestOptInRegionEnablingWaitsWithoutEnableOptInRegions(t *testing.T) {
	w := newOptInWorld(t, false, types.RegionOptStatusEnabling)
	next := w.step(t, optInRun())
	ae := next.Target("ap-east-1", "baseline-vpc")
	if ae.Status != runstate.Pending || ae.Note != "waiting for region ap-east-1 to be enabled for the account (ENABLING)" || len(w.api.enables) != 0 {
		t.Errorf("ap-east-1 target = %s %q, enables %v", ae.Status, ae.Note, w.api.enables)
	}
}

func TestOptInRegionWaitTimesOutAtMaxRunAge(t *testing.T) {
	w := newOptInWorld(t, true, types.RegionOptStatusDisabled)
	next := w.step(t, optInRun())
	next.Targets[0].Status = runstate.Succeeded // us-east-1 done meanwhile
	w.now = t0.Add(w.h.Plan.MaxRunAge + time.Minute)
	if w.step(t, next) != nil {
		t.Fatal("the run must finish")
	}
	doc := w.n.msgs[len(w.n.msgs)-1]
	var ae *runstate.Target
	for _, tg := range w.h.Ledger.(*fakeLedger).recs[next.ID].Run.Targets {
		if tg.Region == "ap-east-1" {
			ae = &tg
		}
	}
	if ae == nil || ae.Status != runstate.TimedOut || !strings.Contains(ae.Error, "last: waiting for region ap-east-1 to be enabled for the account: Landfall enabled it at") {
		t.Fatalf("ap-east-1 target = %+v", ae)
	}
	if !strings.Contains(doc.Text, "Landfall enabled opt-in region ap-east-1") {
		t.Errorf("summary does not say Landfall enabled the region:\n%s", doc.Text)
	}
}

func TestOptInStatusRefused(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform: account:GetRegionOptStatus"}
	t.Run("attempted anyway without enableOptInRegions", func(t *testing.T) {
		w := newOptInWorld(t, false, types.RegionOptStatusDisabled)
		w.api.getErr = denied
		next := w.step(t, optInRun())
		if !w.cats.touched("ap-east-1") || !slices.ContainsFunc(next.Notes, func(n string) bool { return strings.Contains(n, "its targets were attempted anyway") }) {
			t.Errorf("catalog %v, notes %q", w.cats.regions, next.Notes)
		}
	})
	t.Run("fails the region with enableOptInRegions", func(t *testing.T) {
		w := newOptInWorld(t, true, types.RegionOptStatusDisabled)
		w.api.getErr = denied
		next := w.step(t, optInRun())
		ae := next.Target("ap-east-1", "baseline-vpc")
		if ae.Status != runstate.Failed || !strings.Contains(ae.Error, "allow account:GetRegionOptStatus and account:EnableRegion") || w.cats.touched("ap-east-1") {
			t.Errorf("ap-east-1 target = %s %q; catalog %v", ae.Status, ae.Error, w.cats.regions)
		}
	})
	t.Run("EnableRegion refused", func(t *testing.T) {
		w := newOptInWorld(t, true, types.RegionOptStatusDisabled)
		w.api.enableErr = &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform: account:EnableRegion"}
		next := w.step(t, optInRun())
		ae := next.Target("ap-east-1", "baseline-vpc")
		if ae.Status != runstate.Failed || !strings.Contains(ae.Error, "Landfall may not enable it") {
			t.Errorf("ap-east-1 target = %s %q", ae.Status, ae.Error)
		}
	})
	t.Run("throttled: asked again", func(t *testing.T) {
		w := newOptInWorld(t, true, types.RegionOptStatusDisabled)
		w.api.getErr = &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "slow down"}
		next := w.step(t, optInRun())
		ae := next.Target("ap-east-1", "baseline-vpc")
		if ae.Status != runstate.Pending || w.cats.touched("ap-east-1") || len(w.api.enables) != 0 {
			t.Errorf("ap-east-1 target = %s; catalog %v; enables %v", ae.Status, w.cats.regions, w.api.enables)
		}
		w.api.getErr = nil
		w.now = w.now.Add(w.lastDelay())
		w.step(t, next)
		if len(w.api.enables) != 1 {
			t.Errorf("enables = %v after the status could be read", w.api.enables)
		}
	})
}

func TestOptInGateLeavesOtherRegionsAlone(t *testing.T) {
	w := newOptInWorld(t, true, types.RegionOptStatusEnabledByDefault)
	w.step(t, pendingRun()) // us-east-1 only: not an opt-in region
	if len(w.api.gets) != 0 {
		t.Errorf("GetRegionOptStatus called for %v", w.api.gets)
	}
}
