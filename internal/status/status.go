// Package status answers "what does account X have, where, on which
// version?": for each account x region x planned product it looks up the
// provisioned product Landfall named and compares it with the plan. It only
// reads, fans out over accounts and regions with bounds, and never lets one
// unreachable account or region fail the whole report.
package status

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/runstate"
)

// State is how a target compares with the plan.
type State string

// States.
const (
	OK          State = "OK"          // AVAILABLE on the planned version
	Missing     State = "MISSING"     // no provisioned product with Landfall's name
	Outdated    State = "OUTDATED"    // AVAILABLE on another version
	Failed      State = "FAILED"      // ERROR
	Tainted     State = "TAINTED"     // an update failed and was rolled back
	InProgress  State = "IN_PROGRESS" // UNDER_CHANGE or PLAN_IN_PROGRESS
	Unreachable State = "UNREACHABLE" // role not assumable, region disabled
)

// States lists every state in report order.
var States = []State{OK, InProgress, Outdated, Missing, Failed, Tainted, Unreachable}

// Directory selects accounts.
type Directory interface {
	Select(ctx context.Context, sel directory.Selection) ([]runstate.Account, []directory.Excluded, error)
}

// Accounts opens a member account as the execution role.
type Accounts interface {
	Open(ctx context.Context, account, sessionName string) (roleARN string, cats provision.Catalogs, err error)
}

// Reporter builds status reports.
type Reporter struct {
	Plan      *plan.Plan
	Directory Directory
	Accounts  Accounts
	// ManagementAccount is left out of org-wide reports unless the plan includes it.
	ManagementAccount string
	// AccountConcurrency bounds accounts looked at at once (default 16);
	// RegionConcurrency bounds regions per account (default 4). Their product
	// bounds the Service Catalog calls in flight.
	AccountConcurrency int
	RegionConcurrency  int
}

// Request selects what to report on. Exactly one of Accounts, OUs or All.
type Request struct {
	Accounts  []string
	OUs       []string
	Recursive bool
	All       bool
	Regions   []string
	Products  []string
}

// Row is one account x region x product.
type Row struct {
	Account              string `json:"account"`
	AccountName          string `json:"accountName,omitempty"`
	Region               string `json:"region"`
	Product              string `json:"product"`
	State                State  `json:"state"`
	Status               string `json:"status,omitempty"` // Service Catalog's status
	Version              string `json:"version,omitempty"`
	WantedVersion        string `json:"wantedVersion,omitempty"`
	ProvisionedProductID string `json:"provisionedProductId,omitempty"`
	Reason               string `json:"reason,omitempty"`
}

// Report is a status report.
type Report struct {
	Accounts int                  `json:"accounts"`
	Rows     []Row                `json:"rows"`
	Summary  map[State]int        `json:"summary"`
	Excluded []directory.Excluded `json:"excluded,omitempty"`
}

// Run builds the report.
func (r *Reporter) Run(ctx context.Context, req Request) (*Report, error) {
	f := plan.Filter{Regions: req.Regions, Products: req.Products}
	if err := r.Plan.CheckFilter(f); err != nil {
		return nil, err
	}
	accts, excl, err := r.Directory.Select(ctx, directory.Selection{
		Accounts: req.Accounts, OUs: req.OUs, Recursive: req.Recursive, All: req.All,
		ManagementAccount: r.ManagementAccount, IncludeManagement: r.Plan.IncludeManagementAccount,
	})
	if err != nil {
		return nil, fmt.Errorf("select accounts: %w", err)
	}
	rep := &Report{Accounts: len(accts), Excluded: excl, Summary: map[State]int{}}
	rows := make([][]Row, len(accts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(orDefault(r.AccountConcurrency, 16))
	for i, a := range accts {
		g.Go(func() error {
			rows[i] = r.account(gctx, a, f)
			return nil // an account's problems are rows, never a failed report
		})
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	for _, rs := range rows {
		for _, row := range rs {
			rep.Rows = append(rep.Rows, row)
			rep.Summary[row.State]++
		}
	}
	return rep, nil
}

// Report implements the launch function's {"status": ...} payload.
func (r *Reporter) Report(ctx context.Context, req *manual.StatusRequest) (any, error) {
	return r.Run(ctx, Request{Accounts: req.Accounts, OUs: req.OUs, Recursive: req.Recursive, All: req.All, Regions: req.Regions, Products: req.Products})
}

func orDefault(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// account reports on one account.
func (r *Reporter) account(ctx context.Context, a runstate.Account, f plan.Filter) []Row {
	targets, _, err := r.Plan.Targets(a.Plan(), f)
	if err != nil || len(targets) == 0 {
		return nil
	}
	rows := make([]Row, len(targets))
	for i, t := range targets {
		rows[i] = Row{Account: a.ID, AccountName: a.Name, Region: t.Region, Product: t.Product.Key}
	}
	_, cats, err := r.Accounts.Open(ctx, a.ID, provision.SessionName("status"))
	if err != nil {
		for i := range rows {
			rows[i].State, rows[i].Reason = Unreachable, "cannot assume the execution role: "+provision.Message(err)
		}
		return rows
	}
	byRegion := map[string][]int{}
	var regions []string
	for i, t := range targets {
		if _, ok := byRegion[t.Region]; !ok {
			regions = append(regions, t.Region)
		}
		byRegion[t.Region] = append(byRegion[t.Region], i)
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(orDefault(r.RegionConcurrency, 4))
	for _, region := range regions {
		g.Go(func() error {
			cat := cats(region)
			for _, i := range byRegion[region] {
				row := r.target(gctx, cat, targets[i])
				row.Account, row.AccountName, row.Region, row.Product = a.ID, a.Name, region, targets[i].Product.Key
				mu.Lock()
				rows[i] = row
				mu.Unlock()
				if row.State == Unreachable {
					// The region is unusable for this account: say so for every product there without more calls.
					for _, j := range byRegion[region] {
						if j != i {
							mu.Lock()
							rows[j].State, rows[j].Reason = Unreachable, row.Reason
							mu.Unlock()
						}
					}
					return nil
				}
			}
			return nil
		})
	}
	_ = g.Wait()
	return rows
}

// target reports on one (region, product).
func (r *Reporter) target(ctx context.Context, cat provision.Catalog, t plan.Target) Row {
	var row Row
	pp, err := cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(t.ProvisionedProductName)})
	if err != nil {
		switch {
		case provision.Unreachable(err):
			row.State, row.Reason = Unreachable, fmt.Sprintf("region %s is not usable by the account (%s)", t.Region, provision.Message(err))
		case provision.NotFound(err):
			row.State = Missing
			row.Reason = "no provisioned product named " + t.ProvisionedProductName
		default:
			row.State, row.Reason = Unreachable, "describe provisioned product: "+provision.Message(err)
		}
		return row
	}
	d := pp.ProvisionedProductDetail
	row.Status = string(d.Status)
	row.ProvisionedProductID = aws.ToString(d.Id)
	current := aws.ToString(d.ProvisioningArtifactId)
	row.Version = current

	wanted, names, werr := wantedArtifact(ctx, cat, t.Product)
	if n, ok := names[current]; ok {
		row.Version = n
	}
	switch d.Status {
	case sctypes.ProvisionedProductStatusError:
		row.State, row.Reason = Failed, aws.ToString(d.StatusMessage)
	case sctypes.ProvisionedProductStatusTainted:
		row.State, row.Reason = Tainted, aws.ToString(d.StatusMessage)
	case sctypes.ProvisionedProductStatusUnderChange, sctypes.ProvisionedProductStatusPlanInProgress:
		row.State = InProgress
	default:
		switch {
		case werr != nil:
			row.State, row.Reason = OK, "version not compared: "+werr.Error()
		case current == aws.ToString(wanted.Id):
			row.State = OK
		default:
			row.State = Outdated
		}
	}
	if wanted != nil {
		row.WantedVersion = aws.ToString(wanted.Name)
	}
	return row
}

// wantedArtifact resolves the plan's version for a product as the member
// account sees it, and names every artifact it can see.
func wantedArtifact(ctx context.Context, cat provision.Catalog, p *plan.Product) (*sctypes.ProvisioningArtifact, map[string]string, error) {
	in := &servicecatalog.DescribeProductInput{}
	if p.ProductIsID() {
		in.Id = aws.String(p.Product)
	} else {
		in.Name = aws.String(p.Product)
	}
	out, err := cat.DescribeProduct(ctx, in)
	if err != nil {
		return nil, nil, fmt.Errorf("describe product %s: %s", p.Product, provision.Message(err))
	}
	names := map[string]string{}
	for _, a := range out.ProvisioningArtifacts {
		names[aws.ToString(a.Id)] = aws.ToString(a.Name)
	}
	art, err := provision.ChooseArtifact(p, "", out.ProvisioningArtifacts)
	if err != nil {
		return nil, names, err
	}
	return art, names, nil
}
