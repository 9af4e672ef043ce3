// Package status answers "what does account X have, where, on which
// version?": for each account x region x planned product it looks up the
// provisioned product Landfall named and compares it with the plan. It only
// reads, fans out over accounts and regions with bounds, and never lets one
// unreachable account or region fail the whole report: such targets become
// UNREACHABLE rows saying why.
//
// `landfall status` and the launch function's {"status": {...}} payload both
// build their reports here.
package status

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/provision"
)

// State is how a target compares with the plan.
type State string

// States. Only OK means the account has what the plan says; every other
// state is drift someone may have to act on.
const (
	// OK: AVAILABLE on the version the plan wants.
	OK State = "OK"
	// InProgress: UNDER_CHANGE or PLAN_IN_PROGRESS (a run is working on it).
	InProgress State = "IN_PROGRESS"
	// Outdated: AVAILABLE on another version than the plan wants.
	Outdated State = "OUTDATED"
	// Unverified: AVAILABLE, but the plan's version could not be resolved
	// as the account sees the product, so the versions were not compared.
	Unverified State = "UNVERIFIED"
	// Missing: no provisioned product with the name Landfall gives it.
	Missing State = "MISSING"
	// Failed: the provisioned product is in ERROR (its provisioning failed).
	Failed State = "FAILED"
	// Tainted: an update failed and was rolled back; it runs the old version.
	Tainted State = "TAINTED"
	// Unreachable: the target could not be looked at (execution role not
	// assumable, region disabled for the account, access denied).
	Unreachable State = "UNREACHABLE"
	// Unwanted and Retirable are retirement candidates (retire.go): a
	// provisioned product Landfall named that the plan no longer places.
	// Unwanted: the account's next run terminates it (retire: terminate).
	Unwanted State = "UNWANTED"
	// Retirable: runs leave it (retire: retain, or not provably Landfall's).
	Retirable State = "RETIRABLE"
)

// States lists every state in report order.
var States = []State{OK, InProgress, Outdated, Unverified, Missing, Failed, Tainted, Unreachable, Unwanted, Retirable}

// Directory selects accounts; *directory.Directory implements it.
type Directory interface {
	Select(ctx context.Context, sel directory.Selection) ([]plan.Account, []directory.Excluded, error)
}

// Catalog is what status reads of Service Catalog, in one member account and
// region: it only ever describes.
type Catalog interface {
	DescribeProvisionedProduct(context.Context, *servicecatalog.DescribeProvisionedProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProvisionedProductOutput, error)
	DescribeProduct(context.Context, *servicecatalog.DescribeProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProductOutput, error)
	// SearchProvisionedProducts finds retirement candidates (retire.go).
	SearchProvisionedProducts(context.Context, *servicecatalog.SearchProvisionedProductsInput, ...func(*servicecatalog.Options)) (*servicecatalog.SearchProvisionedProductsOutput, error)
}

// Accounts opens a member account as the execution role and returns its
// Service Catalog per region; Opened adapts the sessions runs use.
type Accounts interface {
	Open(ctx context.Context, account, sessionName string) (func(region string) Catalog, error)
}

// Opened implements Accounts with the opener runs and dry runs use
// (*provision.Sessions), so status assumes roles exactly as they do.
type Opened struct {
	Opener provision.Opener
}

// Open implements Accounts.
func (o Opened) Open(ctx context.Context, account, sessionName string) (func(region string) Catalog, error) {
	_, cats, err := o.Opener.Open(ctx, account, sessionName)
	if err != nil {
		return nil, err
	}
	return func(region string) Catalog { return cats(region) }, nil
}

// Default fan-out bounds. Their product bounds the Service Catalog calls in
// flight (each region's products are looked at one after another), and
// AccountConcurrency bounds the STS AssumeRole calls in flight.
const (
	DefaultAccountConcurrency = 16
	DefaultRegionConcurrency  = 4
)

// Reporter builds status reports. Its fields are read-only once in use; a
// Reporter is safe for concurrent use.
type Reporter struct {
	Plan      *plan.Plan
	Directory Directory
	Accounts  Accounts
	// Products resolves the plan's products to their IDs in the plan's
	// portfolios, as runs do; required.
	Products provision.ProductIDs
	// Regions lists the regions enabled for an account when the plan
	// chooses them at run time (regions: enabled; regions.go).
	Regions Regions
	// RoleName names the execution role Accounts assumes, for messages;
	// empty means the plan's executionRoleName.
	RoleName string
	// ManagementAccount is left out of OU and organization-wide reports unless
	// the plan includes it. Empty means the account of the invoked Lambda
	// function (the launch function runs in the management account); the CLI
	// sets it from Organizations.
	ManagementAccount string
	// AccountConcurrency bounds the accounts looked at at once
	// (default DefaultAccountConcurrency); RegionConcurrency bounds the
	// regions of one account looked at at once (default DefaultRegionConcurrency).
	AccountConcurrency int
	RegionConcurrency  int
}

// Request selects what to report on: exactly one of Accounts, OUs or All;
// Regions and Products narrow the plan (nil: everything the plan names).
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
	Account     string `json:"account"`
	AccountName string `json:"accountName,omitempty"`
	Region      string `json:"region"`
	// Product is the plan's product key.
	Product string `json:"product"`
	State   State  `json:"state"`
	// Status is Service Catalog's status of the provisioned product.
	Status string `json:"status,omitempty"`
	// Version is the version (artifact name, else ID) the product runs.
	Version string `json:"version,omitempty"`
	// WantedVersion is the version the plan wants: the artifact name once
	// resolved, else the plan's version ("latest", a name or an ID).
	WantedVersion          string `json:"wantedVersion,omitempty"`
	ProvisionedProductName string `json:"provisionedProductName"`
	ProvisionedProductID   string `json:"provisionedProductId,omitempty"`
	// Reason says briefly why the state is not OK.
	Reason string `json:"reason,omitempty"`
	// Error is AWS's full error message behind the reason, when there is one.
	Error string `json:"error,omitempty"`
}

// Exclusion is an account (or one product of it) the selection or the plan
// leaves out, and why.
type Exclusion struct {
	Account     string `json:"account"`
	AccountName string `json:"accountName,omitempty"`
	Product     string `json:"product,omitempty"`
	Reason      string `json:"reason"`
}

// Report is a status report; its JSON form is `landfall status --json` and
// the launch function's answer to a status payload.
type Report struct {
	// Plan names the plan compared with (its source and hash).
	Plan string `json:"plan"`
	// Accounts counts the accounts with at least one row; Unreachable the
	// ones of them whose execution role could not be assumed.
	Accounts            int `json:"accounts"`
	UnreachableAccounts int `json:"unreachableAccounts"`
	// Targets counts the rows.
	Targets int `json:"targets"`
	// Summary counts the rows per state.
	Summary  map[State]int `json:"summary"`
	Rows     []Row         `json:"rows"`
	Excluded []Exclusion   `json:"excluded,omitempty"`
}

// Drift reports whether any target drifted (State.Drifted).
func (rep *Report) Drift() bool {
	for s, n := range rep.Summary {
		if n > 0 && s.Drifted() {
			return true
		}
	}
	return false
}

// Validate checks a request's selection and filter against the plan,
// returning every problem joined.
func (r *Reporter) Validate(req Request) error {
	var errs []error
	n := 0
	for _, given := range []bool{req.Accounts != nil, req.OUs != nil, req.All} {
		if given {
			n++
		}
	}
	if n != 1 {
		errs = append(errs, errors.New("status: select accounts with exactly one of accounts, OUs or all"))
	}
	if req.Recursive && req.OUs == nil {
		errs = append(errs, errors.New("status: recursive applies only to OUs; select OUs or drop recursive"))
	}
	if err := r.Plan.CheckFilter(plan.Filter{Regions: req.Regions, Products: req.Products}); err != nil {
		errs = append(errs, fmt.Errorf("status: %w", err))
	}
	return errors.Join(errs...)
}

// Run builds the report. It fails only when the request is invalid or
// Organizations cannot say which accounts to look at; everything that goes
// wrong with an account or a region is a row.
func (r *Reporter) Run(ctx context.Context, req Request) (*Report, error) {
	if err := r.Validate(req); err != nil {
		return nil, err
	}
	mgmt := membership.ManagementAccount(ctx, r.ManagementAccount)
	accts, dirExcl, err := r.Directory.Select(ctx, directory.Selection{
		Accounts: req.Accounts, OUs: req.OUs, Recursive: req.Recursive, All: req.All,
		ManagementAccount: mgmt, IncludeManagement: r.Plan.IncludeManagementAccount,
	})
	if err != nil {
		return nil, fmt.Errorf("status: select accounts: %w", err)
	}
	rep := &Report{Plan: r.Plan.Label(), Summary: map[State]int{}, Rows: []Row{}}
	for _, e := range dirExcl {
		rep.Excluded = append(rep.Excluded, Exclusion{Account: e.Account, Reason: e.Reason})
	}

	filter := plan.Filter{Regions: req.Regions, Products: req.Products}
	results := make([]accountResult, len(accts))
	var g errgroup.Group // no shared cancellation: one account never stops another
	g.SetLimit(orDefault(r.AccountConcurrency, DefaultAccountConcurrency))
	for i, a := range accts {
		g.Go(func() error {
			results[i] = r.account(ctx, a, a.ID == mgmt, filter)
			return nil
		})
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}

	for _, res := range results {
		rep.Excluded = append(rep.Excluded, res.excluded...)
		if len(res.rows) == 0 {
			continue
		}
		rep.Accounts++
		if res.unreachable {
			rep.UnreachableAccounts++
		}
		for _, row := range res.rows {
			rep.Rows = append(rep.Rows, row)
			rep.Summary[row.State]++
		}
	}
	rep.Targets = len(rep.Rows)
	return rep, nil
}

// Report implements launch.StatusReporter: the launch function's
// {"status": {...}} payload, already validated by package manual.
func (r *Reporter) Report(ctx context.Context, req *manual.StatusRequest) (any, error) {
	return r.Run(ctx, Request{
		Accounts: req.Accounts, OUs: req.OUs, Recursive: req.Recursive, All: req.All,
		Regions: req.Regions, Products: req.Products,
	})
}

func orDefault(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// accountResult is what one account contributes to the report.
type accountResult struct {
	rows        []Row
	excluded    []Exclusion
	unreachable bool
}

// sessionLabel names status sessions in CloudTrail.
const sessionLabel = "status"

// account reports on one account: a row per planned target, in plan region
// order then plan product order.
func (r *Reporter) account(ctx context.Context, a plan.Account, management bool, f plan.Filter) accountResult {
	pa := a
	pa.Management = management
	targets, excl, err := r.Plan.Placements(pa, f)
	var res accountResult
	if err != nil {
		// The filter was checked up front; this is an account the plan cannot
		// work with (a malformed ID), which is worth seeing rather than hiding.
		res.excluded = append(res.excluded, Exclusion{Account: a.ID, AccountName: a.Name, Reason: err.Error()})
		return res
	}
	for _, e := range excl {
		if !e.ByFilter { // the operator's own narrowing needs no explaining
			res.excluded = append(res.excluded, Exclusion{Account: a.ID, AccountName: a.Name, Product: e.Product, Reason: e.Reason})
		}
	}
	targets, notEnabled, blocked := r.inEnabledRegions(ctx, pa, targets)
	res.excluded = append(res.excluded, notEnabled...)
	if len(targets) == 0 {
		// Nothing placed, but Landfall may have left something: retire.go.
		return r.candidatesOnly(ctx, pa, f, res)
	}

	// Regions in plan order, each with its targets in plan product order.
	byRegion := map[string][]plan.Placement{}
	var regions []string
	for _, reg := range r.Plan.Regions {
		for _, t := range targets {
			if t.Region == reg {
				if byRegion[reg] == nil {
					regions = append(regions, reg)
				}
				byRegion[reg] = append(byRegion[reg], t)
			}
		}
	}
	rowsByRegion := make([][]Row, len(regions))
	newRow := func(t plan.Placement) Row {
		return Row{
			Account: a.ID, AccountName: a.Name, Region: t.Region, Product: t.Product.Key,
			ProvisionedProductName: t.ProvisionedProductName, WantedVersion: t.Product.Version,
		}
	}
	if blocked != nil {
		res.unreachable = true
		for _, reg := range regions {
			res.rows = append(res.rows, blockedRows(byRegion[reg], newRow, blocked)...)
		}
		return res
	}

	cats, err := r.Accounts.Open(ctx, a.ID, provision.SessionName(sessionLabel))
	if err != nil {
		res.unreachable = true
		role := r.RoleName
		if role == "" {
			role = r.Plan.ExecutionRoleName
		}
		reason := fmt.Sprintf("cannot assume %s in the account", role)
		if provision.RoleNotAssumable(err) {
			reason = fmt.Sprintf("role %s not assumable", role)
		}
		for i, reg := range regions {
			for _, t := range byRegion[reg] {
				row := newRow(t)
				row.State, row.Reason, row.Error = Unreachable, reason, provision.Message(err)
				rowsByRegion[i] = append(rowsByRegion[i], row)
			}
		}
		res.rows = concat(rowsByRegion)
		return res
	}

	var g errgroup.Group
	g.SetLimit(orDefault(r.RegionConcurrency, DefaultRegionConcurrency))
	for i, reg := range regions {
		g.Go(func() error {
			cat := cats(reg)
			var rows []Row
			var blocked *Row // set once the region proves unusable for the account
			for _, t := range byRegion[reg] {
				row := newRow(t)
				if blocked != nil {
					row.State, row.Reason, row.Error = blocked.State, blocked.Reason, blocked.Error
				} else {
					r.lookUp(ctx, cat, t, &row)
					if row.State == Unreachable {
						blocked = &row
					}
				}
				rows = append(rows, row)
			}
			rowsByRegion[i] = rows
			return nil
		})
	}
	_ = g.Wait()
	res.rows = withCandidates(r.Plan, concat(rowsByRegion), r.candidateRows(ctx, pa, f, cats))
	return res
}

func concat(parts [][]Row) []Row {
	var out []Row
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// lookUp fills row with the state of one target.
func (r *Reporter) lookUp(ctx context.Context, cat Catalog, t plan.Placement, row *Row) {
	out, err := cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(t.ProvisionedProductName)})
	if err != nil {
		switch {
		case provision.NotFound(err):
			row.State, row.Reason = Missing, "not provisioned"
		case provision.Unreachable(err):
			row.State, row.Reason, row.Error = Unreachable, fmt.Sprintf("region %s not usable by the account (disabled or not opted in)", t.Region), provision.Message(err)
		case provision.RoleNotAssumable(err):
			row.State, row.Reason, row.Error = Unreachable, "access denied to Service Catalog", provision.Message(err)
		default:
			row.State, row.Reason, row.Error = Unreachable, "cannot describe the provisioned product", provision.Message(err)
		}
		return
	}
	d := out.ProvisionedProductDetail
	row.Status = string(d.Status)
	row.ProvisionedProductID = aws.ToString(d.Id)
	current := aws.ToString(d.ProvisioningArtifactId)
	row.Version = current

	wanted, names, werr := r.wantedArtifact(ctx, cat, t, d)
	if n := names[current]; n != "" {
		row.Version = n
	}
	if wanted != nil {
		row.WantedVersion = aws.ToString(wanted.Name)
	}
	switch d.Status {
	case sctypes.ProvisionedProductStatusError:
		row.State, row.Reason, row.Error = Failed, "provisioning failed", aws.ToString(d.StatusMessage)
	case sctypes.ProvisionedProductStatusTainted:
		row.State, row.Reason, row.Error = Tainted, "an update failed and was rolled back", aws.ToString(d.StatusMessage)
	case sctypes.ProvisionedProductStatusUnderChange, sctypes.ProvisionedProductStatusPlanInProgress:
		row.State, row.Reason = InProgress, "a change is in progress"
	case sctypes.ProvisionedProductStatusAvailable:
		switch {
		case werr != nil:
			row.State, row.Reason, row.Error = Unverified, "wanted version not resolvable", werr.Error()
		case current == aws.ToString(wanted.Id):
			row.State = OK
		default:
			row.State, row.Reason = Outdated, fmt.Sprintf("runs %s, the plan wants %s", row.Version, row.WantedVersion)
		}
	default:
		row.State, row.Reason = Unverified, fmt.Sprintf("unexpected status %q", d.Status)
	}
}

// wantedArtifact resolves the plan's version of t as the member account sees
// the product, by the rule runs use (provision.Wanted), and names every
// artifact it can see. A pinned version that is now deprecated is still the
// wanted one: a product running it is as planned, and one running another
// version is outdated, though a run could not move it there.
func (r *Reporter) wantedArtifact(ctx context.Context, cat Catalog, t plan.Placement, current *sctypes.ProvisionedProductDetail) (*sctypes.ProvisioningArtifact, map[string]string, error) {
	p := t.Product
	if r.Products == nil {
		return nil, nil, errors.New("no product resolver is configured: refusing to find products by name")
	}
	id, problem, err := r.Products.ProductID(ctx, t.Region, p.Key)
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("resolve product %s: %w", p.Product, err)
	case problem != "":
		return nil, nil, errors.New(problem)
	}
	out, err := cat.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String(id)})
	if err != nil {
		return nil, nil, fmt.Errorf("describe product %s: %s", p.Product, provision.Message(err))
	}
	names := map[string]string{}
	for _, a := range out.ProvisioningArtifacts {
		names[aws.ToString(a.Id)] = aws.ToString(a.Name)
	}
	art, err := provision.Wanted(p, t.Region, current, out.ProvisioningArtifacts)
	var verr *provision.VersionError
	switch {
	case errors.As(err, &verr) && verr.Problem == provision.VersionDeprecated:
		return art, names, nil
	case errors.As(err, &verr) && verr.Problem == provision.VersionMissing:
		return nil, names, fmt.Errorf("version %s of %s is not visible to the account in %s", p.Version, p.Product, t.Region)
	}
	return art, names, err
}

// ensure the ports are implemented by what app wires in.
var (
	_ Directory = (*directory.Directory)(nil)
	_ Accounts  = Opened{}
)
