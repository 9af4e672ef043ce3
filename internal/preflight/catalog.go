package preflight

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/suggest"
)

// Catalog is the part of Service Catalog the catalog check reads, as the
// administrator of the plan's portfolios (the management account), in one
// region. *servicecatalog.Client satisfies it.
type Catalog interface {
	DescribePortfolio(context.Context, *servicecatalog.DescribePortfolioInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribePortfolioOutput, error)
	DescribePortfolioShares(context.Context, *servicecatalog.DescribePortfolioSharesInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribePortfolioSharesOutput, error)
	SearchProductsAsAdmin(context.Context, *servicecatalog.SearchProductsAsAdminInput, ...func(*servicecatalog.Options)) (*servicecatalog.SearchProductsAsAdminOutput, error)
	ListProvisioningArtifacts(context.Context, *servicecatalog.ListProvisioningArtifactsInput, ...func(*servicecatalog.Options)) (*servicecatalog.ListProvisioningArtifactsOutput, error)
	DescribeProvisioningArtifact(context.Context, *servicecatalog.DescribeProvisioningArtifactInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProvisioningArtifactOutput, error)
}

var _ Catalog = (*servicecatalog.Client)(nil)

// regionConcurrency bounds how many regions are checked at once.
const regionConcurrency = 4

// Products is the catalog check's resolution of the plan's products: the
// product ID of each product key in each region, found in the plan's
// portfolio for that region (the trust anchor), never by name alone.
type Products struct {
	ids     map[regionKey]string
	why     map[regionKey]string // why a product key is not resolved in a region
	regions []string
}

type regionKey struct{ region, key string }

// ID returns the product ID the plan's product key resolves to in region.
func (p *Products) ID(region, key string) (string, bool) {
	if p == nil {
		return "", false
	}
	id, ok := p.ids[regionKey{region, key}]
	return id, ok
}

// Regions returns the regions whose catalogs were checked, in plan order.
func (p *Products) Regions() []string {
	if p == nil {
		return nil
	}
	return slices.Clone(p.regions)
}

// CheckCatalog checks every product the plan provisions, in every region it
// provisions it in, against that region's catalog (catalogs(region)), as
// seen by the portfolios' owner:
//
//   - the product's portfolio exists and is shared with the organization;
//   - the product is in that portfolio, by exact name (exactly one) or ID;
//   - the version a run would launch now exists, is active and is not
//     deprecated (for latest: there is one);
//   - every parameter the plan sets is declared by that version, and every
//     parameter the version requires (no default) is set.
//
// What is wrong with the plan, including an ID Service Catalog calls
// malformed or cannot find, is a Problem in the Report. An error is the
// check failing (throttling or a server fault the SDK's retries did not
// overcome, access denied, the context ending): the caller tries again
// later. Regions are checked concurrently; each is checked to the end even
// when another fails, and the Report holds what every region found. A
// problem found identically in several regions is reported once, naming
// them all.
func CheckCatalog(ctx context.Context, pl *plan.Plan, catalogs func(region string) Catalog) (Report, *Products, error) {
	var regions []string
	for _, r := range pl.Regions {
		if slices.ContainsFunc(pl.Products, func(p *plan.Product) bool { return slices.Contains(p.Regions, r) }) {
			regions = append(regions, r)
		}
	}
	results := make([]*regionCheck, len(regions))
	var g errgroup.Group
	g.SetLimit(regionConcurrency)
	for i, r := range regions {
		rc := &regionCheck{pl: pl, region: r, portfolios: map[string]*portfolioState{}, ids: map[string]string{}, why: map[string]string{}}
		results[i] = rc
		g.Go(func() error {
			cat := catalogs(r)
			if cat == nil {
				rc.err = fmt.Errorf("%s: no Service Catalog client for the region", r)
				return nil
			}
			rc.cat = cat
			rc.err = rc.run(ctx)
			return nil
		})
	}
	_ = g.Wait() // every goroutine returns nil: errors are kept per region

	prods := &Products{ids: map[regionKey]string{}, why: map[regionKey]string{}, regions: regions}
	var errs []error
	var found []finding
	for _, rc := range results {
		if rc.err != nil {
			errs = append(errs, rc.err)
		}
		found = append(found, rc.found...)
		for key, id := range rc.ids {
			prods.ids[regionKey{rc.region, key}] = id
		}
		for key, why := range rc.why {
			prods.why[regionKey{rc.region, key}] = why
		}
	}
	return merge(found), prods, errors.Join(errs...)
}

// finding is one problem in one region. Its message holds regionsMark where
// the region goes, so that the same problem in several regions is reported
// once.
type finding struct {
	order  int // product index; -1 for the plan's own portfolios
	path   string
	msg    string
	region string
}

// regionsMark stands for the region(s) in a finding's message.
const regionsMark = "\x00regions\x00"

// merge joins findings that differ only in their region, keeping plan order:
// the plan's portfolios first, then product by product.
func merge(found []finding) Report {
	type group struct {
		f       finding
		regions []string
	}
	var groups []*group
	byKey := map[[2]string]*group{}
	for _, f := range found {
		k := [2]string{f.path, f.msg}
		if g, ok := byKey[k]; ok {
			if !slices.Contains(g.regions, f.region) {
				g.regions = append(g.regions, f.region)
			}
			continue
		}
		g := &group{f: f, regions: []string{f.region}}
		byKey[k] = g
		groups = append(groups, g)
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(a.f.order, b.f.order) })
	var r Report
	for _, g := range groups {
		r.Problems = append(r.Problems, Problem{Path: g.f.path, Message: strings.ReplaceAll(g.f.msg, regionsMark, suggest.AndList(g.regions))})
	}
	return r
}

// regionCheck checks one region's catalog. It is used by one goroutine.
type regionCheck struct {
	pl     *plan.Plan
	region string
	cat    Catalog

	portfolios map[string]*portfolioState // by portfolio ID
	found      []finding
	ids        map[string]string // product key -> product ID
	why        map[string]string // product key -> the problem that left it unresolved
	err        error
}

// portfolioState is what the region's portfolio holds, read once for all
// the products that use it.
type portfolioState struct {
	usable   bool   // it exists (shared or not: its products are still checked)
	name     string // display name
	products []sctypes.ProductViewSummary
	reported map[string]bool // plan paths its own problems were reported at
	problem  string          // its problem, "" when none
}

func (rc *regionCheck) add(order int, path, format string, args ...any) {
	rc.found = append(rc.found, finding{order: order, path: path, msg: fmt.Sprintf(format, args...), region: rc.region})
}

func (rc *regionCheck) run(ctx context.Context) error {
	for i, p := range rc.pl.Products {
		if !slices.Contains(p.Regions, rc.region) {
			continue
		}
		if err := rc.product(ctx, i, p); err != nil {
			return fmt.Errorf("%s: %s: %w", rc.region, p.Key, err)
		}
	}
	return nil
}

// portfolioPath is where the plan sets p's portfolio for region: the
// product's own portfolios, or the plan's.
func portfolioPath(pl *plan.Plan, i int, p *plan.Product, region string) (string, int) {
	if pl.Portfolios[region] == p.Portfolios[region] {
		return "portfolios." + region, -1
	}
	return p.Path() + ".portfolios." + region, i
}

func (rc *regionCheck) product(ctx context.Context, i int, p *plan.Product) error {
	portID := p.Portfolios[rc.region]
	ps, err := rc.portfolio(ctx, portID)
	if err != nil {
		return err
	}
	if ps.problem != "" {
		path, order := portfolioPath(rc.pl, i, p, rc.region)
		if !ps.reported[path] {
			ps.reported[path] = true
			rc.add(order, path, "%s", ps.problem)
		}
	}
	if !ps.usable {
		// The portfolio's problem says it all.
		path, _ := portfolioPath(rc.pl, i, p, rc.region)
		rc.why[p.Key] = path + ": " + strings.ReplaceAll(ps.problem, regionsMark, rc.region)
		return nil
	}
	prod, ok := rc.resolve(i, p, ps)
	if !ok {
		f := rc.found[len(rc.found)-1] // resolve's problem
		rc.why[p.Key] = f.path + ": " + strings.ReplaceAll(f.msg, regionsMark, rc.region)
		return nil
	}
	productID := aws.ToString(prod.ProductId)
	rc.ids[p.Key] = productID
	art, ok, err := rc.version(ctx, i, p, prod)
	if err != nil || !ok {
		return err
	}
	return rc.parameters(ctx, i, p, prod, art)
}

// portfolio reads the portfolio once: it exists, it is shared with the
// organization, and which products it holds.
func (rc *regionCheck) portfolio(ctx context.Context, id string) (*portfolioState, error) {
	if ps, ok := rc.portfolios[id]; ok {
		return ps, nil
	}
	ps := &portfolioState{reported: map[string]bool{}}
	out, err := rc.cat.DescribePortfolio(ctx, &servicecatalog.DescribePortfolioInput{Id: aws.String(id)})
	if err != nil {
		code, msg, ok := planFault(err)
		if !ok {
			return nil, fmt.Errorf("describe portfolio %s: %w", id, err)
		}
		if code == codeNotFound {
			ps.problem = fmt.Sprintf("portfolio %s does not exist in %s; portfolio IDs are regional: use the ID of the portfolio in %s (aws servicecatalog list-portfolios --region %s, with the management account's credentials)", id, rc.region, rc.region, rc.region)
		} else {
			ps.problem = fmt.Sprintf("%q is not a portfolio ID Service Catalog accepts in %s (%s); use the portfolio's ID, port-…", id, rc.region, msg)
		}
		rc.portfolios[id] = ps
		return ps, nil
	}
	if out.PortfolioDetail != nil {
		ps.name = aws.ToString(out.PortfolioDetail.DisplayName)
	}
	ps.usable = true
	rc.portfolios[id] = ps

	problem, err := rc.shares(ctx, id, ps.name)
	if err != nil {
		return nil, err
	}
	ps.problem = problem

	pg := servicecatalog.NewSearchProductsAsAdminPaginator(rc.cat, &servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String(id)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			if code, _, ok := planFault(err); ok && code == codeNotFound {
				// Described a moment ago: gone since, or not readable here.
				ps.usable = false
				ps.problem = fmt.Sprintf("portfolio %s (%s) in %s: its products cannot be listed: %s", id, ps.name, regionsMark, apiMessage(err))
				return ps, nil
			}
			return nil, fmt.Errorf("list the products of portfolio %s: %w", id, err)
		}
		for _, d := range page.ProductViewDetails {
			if d.ProductViewSummary != nil {
				ps.products = append(ps.products, *d.ProductViewSummary)
			}
		}
	}
	return ps, nil
}

// shares returns the portfolio's problem when it is not shared with the
// organization, saying who it is shared with instead.
func (rc *regionCheck) shares(ctx context.Context, id, name string) (string, error) {
	list := func(t sctypes.DescribePortfolioShareType) ([]string, error) {
		var principals []string
		pg := servicecatalog.NewDescribePortfolioSharesPaginator(rc.cat, &servicecatalog.DescribePortfolioSharesInput{PortfolioId: aws.String(id), Type: t})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, s := range page.PortfolioShareDetails {
				principals = append(principals, aws.ToString(s.PrincipalId))
			}
		}
		return principals, nil
	}
	org, err := list(sctypes.DescribePortfolioShareTypeOrganization)
	if err != nil {
		if code, _, ok := planFault(err); ok && code == codeNotFound {
			return fmt.Sprintf("portfolio %s (%s) in %s is not owned by the account running the check, so who it is shared with cannot be read; the plan's portfolios must be the management account's own (run with the management account's credentials)", id, name, regionsMark), nil
		}
		return "", fmt.Errorf("describe the organization shares of portfolio %s: %w", id, err)
	}
	if len(org) > 0 {
		return "", nil
	}
	var instead []string
	for _, t := range []struct {
		typ  sctypes.DescribePortfolioShareType
		word string
	}{{sctypes.DescribePortfolioShareTypeOrganizationalUnit, "OU"}, {sctypes.DescribePortfolioShareTypeAccount, "account"}} {
		ps, err := list(t.typ)
		if err != nil {
			return "", fmt.Errorf("describe the %s shares of portfolio %s: %w", t.typ, id, err)
		}
		for _, p := range ps {
			instead = append(instead, t.word+" "+p)
		}
	}
	found := "it is not shared at all"
	if len(instead) > 0 {
		found = "it is shared with " + suggest.AndList(instead) + " only"
	}
	return fmt.Sprintf("portfolio %s (%s) in %s is not shared with the organization (%s), so new accounts elsewhere cannot see its products; share it with the organization: aws servicecatalog create-portfolio-share --portfolio-id %s --organization-node Type=ORGANIZATION,Value=o-… --region %s", id, name, regionsMark, found, id, rc.region), nil
}

// resolve finds the plan's product in its portfolio: by ID, or by exact
// name, refusing to guess between several of the same name.
func (rc *regionCheck) resolve(i int, p *plan.Product, ps *portfolioState) (sctypes.ProductViewSummary, bool) {
	path := p.Path() + ".product"
	var matches []sctypes.ProductViewSummary
	for _, s := range ps.products {
		if p.ProductIsID() && aws.ToString(s.ProductId) == p.Product || !p.ProductIsID() && aws.ToString(s.Name) == p.Product {
			matches = append(matches, s)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], true
	case 0:
		rc.add(i, path, "%s", notInPortfolio(p, ps))
	default:
		ids := make([]string, len(matches))
		for j, m := range matches {
			ids[j] = aws.ToString(m.ProductId)
		}
		fix := "rename all but one, or remove them from the portfolio"
		if len(p.Regions) == 1 {
			fix = "name the one you mean by its ID, or " + fix
		}
		rc.add(i, path, "%d products named %q are in portfolio %s in %s (%s); Landfall will not guess: %s", len(matches), p.Product, ps.name, regionsMark, strings.Join(ids, ", "), fix)
	}
	return sctypes.ProductViewSummary{}, false
}

func notInPortfolio(p *plan.Product, ps *portfolioState) string {
	var names, words []string
	for _, s := range ps.products {
		name, id := aws.ToString(s.Name), aws.ToString(s.ProductId)
		if p.ProductIsID() {
			names = append(names, fmt.Sprintf("%s (%s)", name, id))
			words = append(words, id)
		} else {
			names = append(names, name)
			words = append(words, name)
		}
	}
	what := fmt.Sprintf("product %q", p.Product)
	if p.ProductIsID() {
		what = "product " + p.Product
	}
	has := "it holds no products"
	if len(names) > 0 {
		has = "it has " + suggest.AndList(names)
	}
	msg := fmt.Sprintf("%s is not in the plan's portfolio %s in %s (%s)", what, ps.name, regionsMark, has)
	if hint := suggest.DidYouMean(suggest.Closest(p.Product, words)); hint != "" {
		return msg + "; " + hint
	}
	return msg + "; name a product of the portfolio, or add the product to it"
}

// version finds the version a run would launch now and reports why there is
// none.
func (rc *regionCheck) version(ctx context.Context, i int, p *plan.Product, prod sctypes.ProductViewSummary) (sctypes.ProvisioningArtifactDetail, bool, error) {
	id := aws.ToString(prod.ProductId)
	out, err := rc.cat.ListProvisioningArtifacts(ctx, &servicecatalog.ListProvisioningArtifactsInput{ProductId: prod.ProductId})
	if err != nil {
		if _, _, ok := planFault(err); ok {
			rc.add(i, p.Path()+".product", "the versions of %s (%s) in %s cannot be listed: %s", p.Product, id, regionsMark, apiMessage(err))
			return sctypes.ProvisioningArtifactDetail{}, false, nil
		}
		return sctypes.ProvisioningArtifactDetail{}, false, fmt.Errorf("list the versions of %s: %w", id, err)
	}
	art, fault := launchable(p, out.ProvisioningArtifactDetails)
	if fault == versionOK {
		return art, true, nil
	}
	rc.add(i, p.Path()+".version", "%s", versionMessage(fault, p, art, out.ProvisioningArtifactDetails))
	return sctypes.ProvisioningArtifactDetail{}, false, nil
}

func versionMessage(fault versionFault, p *plan.Product, art sctypes.ProvisioningArtifactDetail, arts []sctypes.ProvisioningArtifactDetail) string {
	usable := usableNames(arts)
	available := "none"
	if len(usable) > 0 {
		available = strings.Join(usable, ", ")
	}
	switch fault {
	case versionNoneUsable:
		var all []string
		for _, a := range arts {
			all = append(all, aws.ToString(a.Name)+" ("+artifactState(a)+")")
		}
		versions := "it has no versions"
		if len(all) > 0 {
			versions = "versions: " + strings.Join(all, ", ")
		}
		return fmt.Sprintf("%s has no active, non-deprecated version in %s (%s); activate a version or add a new one", p.Product, regionsMark, versions)
	case versionDeprecated:
		return fmt.Sprintf("version %s of %s is DEPRECATED in %s and cannot be provisioned: pin another version (available: %s) or use latest", p.Version, p.Product, regionsMark, available)
	case versionInactive:
		return fmt.Sprintf("version %s of %s (%s) is inactive in %s, so member accounts cannot see it: activate it, pin another version (available: %s) or use latest", p.Version, p.Product, aws.ToString(art.Id), regionsMark, available)
	default:
		msg := fmt.Sprintf("version %q of %s does not exist in %s (available: %s)", p.Version, p.Product, regionsMark, available)
		var words []string
		for _, a := range arts {
			words = append(words, aws.ToString(a.Name))
			if p.VersionKind() == plan.VersionArtifactID {
				words = append(words, aws.ToString(a.Id))
			}
		}
		if hint := suggest.DidYouMean(suggest.Closest(p.Version, words)); hint != "" {
			return msg + "; " + hint
		}
		return msg + "; pin one of those or use latest"
	}
}

func artifactState(a sctypes.ProvisioningArtifactDetail) string {
	switch {
	case !isActive(a):
		return "inactive"
	case a.Guidance == sctypes.ProvisioningArtifactGuidanceDeprecated:
		return "deprecated"
	}
	return "active"
}

// parameters checks the plan's parameters against those the version declares.
func (rc *regionCheck) parameters(ctx context.Context, i int, p *plan.Product, prod sctypes.ProductViewSummary, art sctypes.ProvisioningArtifactDetail) error {
	out, err := rc.cat.DescribeProvisioningArtifact(ctx, &servicecatalog.DescribeProvisioningArtifactInput{
		ProductId:                             prod.ProductId,
		ProvisioningArtifactId:                art.Id,
		IncludeProvisioningArtifactParameters: true,
	})
	which := aws.ToString(art.Name)
	if p.VersionKind() == plan.VersionLatest || p.Version == "" {
		which += " (latest)"
	}
	if err != nil {
		if _, _, ok := planFault(err); ok {
			rc.add(i, p.Path()+".version", "the parameters of %s %s (%s) in %s cannot be read: %s", p.Product, which, aws.ToString(art.Id), regionsMark, apiMessage(err))
			return nil
		}
		return fmt.Errorf("describe version %s of %s: %w", aws.ToString(art.Id), aws.ToString(prod.ProductId), err)
	}
	declared := map[string]sctypes.ProvisioningArtifactParameter{}
	var keys []string
	for _, d := range out.ProvisioningArtifactParameters {
		k := aws.ToString(d.ParameterKey)
		declared[k] = d
		keys = append(keys, k)
	}
	slices.Sort(keys)
	declaredList := "it declares none"
	if len(keys) > 0 {
		declaredList = "declared: " + strings.Join(keys, ", ")
	}
	// A required parameter a misspelt one was surely meant for is reported
	// once, as the misspelling.
	meant := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(p.Parameters)) {
		if _, ok := declared[k]; ok {
			continue
		}
		msg := fmt.Sprintf("%s %s in %s does not declare parameter %q (%s)", p.Product, which, regionsMark, k, declaredList)
		near := suggest.Closest(k, keys)
		if hint := suggest.DidYouMean(near); hint != "" {
			msg += "; " + hint
		} else {
			msg += "; remove it or name a declared one"
		}
		if len(near) == 1 {
			meant[near[0]] = true
		}
		rc.add(i, p.Path()+".parameters."+k, "%s", msg)
	}
	for _, k := range keys {
		if _, set := p.Parameters[k]; set || declared[k].DefaultValue != nil || meant[k] {
			continue
		}
		rc.add(i, p.Path()+".parameters", "%s %s in %s requires parameter %q, which has no default; set %s under parameters", p.Product, which, regionsMark, k, k)
	}
	return nil
}

// AWS error codes that mean the plan names something wrong rather than that
// the check could not be made.
const (
	codeNotFound   = "ResourceNotFoundException"
	codeValidation = "ValidationException"
	codeInvalid    = "InvalidParametersException"
)

// planFault reports whether err is Service Catalog saying that what the plan
// names does not exist (not found) or is malformed (validation, invalid
// parameters): a problem with the plan. Anything else (throttling and server
// faults left after the SDK's retries, access denied, a network failure) is
// the check failing.
func planFault(err error) (code, msg string, ok bool) {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return "", "", false
	}
	switch ae.ErrorCode() {
	case codeNotFound, codeValidation, codeInvalid:
		return ae.ErrorCode(), apiMessage(err), true
	}
	return "", "", false
}

// apiMessage is AWS's code and message without the SDK's operation wrapping.
func apiMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}
