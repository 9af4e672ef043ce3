package plan

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/region"
)

// Account is what the plan needs to know about an account to select it and
// render its templates. Callers fill it from Organizations (or the lifecycle
// event plus Organizations for the ancestry).
//
// It is also the account a run is for, and travels in run messages: the JSON
// names are part of the work-queue format.
type Account struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	// OU is the account's parent: an OU, or the root for accounts directly
	// under it.
	OU OU `json:"ou"`
	// Ancestors are the OUs above the account, parent OU first, up to but
	// excluding the root.
	Ancestors []OU `json:"ancestors,omitempty"`
	// Tags are the account's tags in Organizations (ListTagsForResource),
	// read only when the plan selects by tag or a template names
	// .Account.Tags (Plan.NeedsTags). Nil means they were not read: a plan
	// that selects by tag then places the account nowhere and says so
	// (Placements fails, Selects refuses), so an account is never placed,
	// left unexcluded or made a retirement candidate on tags nobody looked
	// at. Read tags are never nil, only empty. The JSON keeps the
	// difference (null, not read; {}, none), which is why it is not
	// omitempty: the worker decides retirement from the run's account.
	Tags map[string]string `json:"tags"`
	// Management is true for the organization's management account, which the
	// plan only provisions when includeManagementAccount is set. Callers take
	// it from DescribeOrganization's master account ID. It never travels in a
	// message: whoever acts on an account decides it again.
	Management bool `json:"-"`
}

// Label returns "Name (ID)", or the ID alone when the name is unknown.
func (a Account) Label() string {
	if a.Name == "" {
		return a.ID
	}
	return a.Name + " (" + a.ID + ")"
}

// OU is an organizational unit (or the root) by ID and name.
type OU struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Selector picks accounts. An account matches when it is in one of OUs, or is
// one of Accounts, or its name matches one of AccountNames, or it carries
// every tag of Tags. An empty selector matches nothing; as an include it
// means "every account".
type Selector struct {
	// OUs are OU IDs (ou-…) or exact OU names. A name matches every OU with
	// that name; use IDs where names repeat.
	OUs []string
	// Recursive makes OUs match accounts in nested OUs too (the default, as
	// with StackSets deployment targets).
	Recursive bool
	// Accounts are 12-digit account IDs.
	Accounts []string
	// AccountNames are path.Match patterns on the account name, such as prod-*.
	AccountNames []string
	// Tags is one tags clause: the account matches when every entry does
	// (accounttags.go), in plan order.
	Tags []TagMatch
}

// IsZero reports whether the selector names nothing.
func (s Selector) IsZero() bool {
	return len(s.OUs) == 0 && len(s.Accounts) == 0 && len(s.AccountNames) == 0 && len(s.Tags) == 0
}

// match reports whether a matches s and, if so, which entry matched, as it
// reads after the selector's path: `ous "Sandbox"`.
func (s Selector) match(a Account) (string, bool) {
	for _, ou := range s.OUs {
		if ouMatches(ou, a.OU) {
			return fmt.Sprintf("ous %q", ou), true
		}
	}
	if s.Recursive {
		for _, ou := range s.OUs {
			for _, anc := range a.Ancestors {
				if anc.ID != "" && anc.ID == a.OU.ID {
					continue
				}
				if ouMatches(ou, anc) {
					return fmt.Sprintf("ous %q (its OU %s is inside)", ou, ouLabel(a.OU)), true
				}
			}
		}
	}
	for _, id := range s.Accounts {
		if id == a.ID {
			return fmt.Sprintf("accounts %q", id), true
		}
	}
	for _, g := range s.AccountNames {
		if ok, _ := path.Match(g, a.Name); ok {
			return fmt.Sprintf("accountNames %q", g), true
		}
	}
	if len(s.Tags) > 0 && tagsMatch(s.Tags, a.Tags) {
		return "tags " + accountTagValues(s.Tags, a.Tags), true
	}
	return "", false
}

// summary describes a selector for "not matched by" messages.
func (s Selector) summary() string {
	var parts []string
	if len(s.OUs) > 0 {
		rec := ""
		if !s.Recursive {
			rec = ", not recursive"
		}
		parts = append(parts, fmt.Sprintf("ous %s%s", strings.Join(s.OUs, ", "), rec))
	}
	if len(s.Accounts) > 0 {
		parts = append(parts, "accounts "+strings.Join(s.Accounts, ", "))
	}
	if len(s.AccountNames) > 0 {
		parts = append(parts, "accountNames "+strings.Join(s.AccountNames, ", "))
	}
	if len(s.Tags) > 0 {
		parts = append(parts, "tags "+tagClause(s.Tags))
	}
	return strings.Join(parts, "; ")
}

func ouMatches(want string, ou OU) bool {
	if want == "" {
		return false
	}
	return want == ou.ID || want == ou.Name
}

func ouLabel(ou OU) string {
	if ou.Name != "" {
		return ou.Name
	}
	return ou.ID
}

func accountLabel(a Account) string {
	if a.Name != "" {
		return fmt.Sprintf("account %s (%s)", a.ID, a.Name)
	}
	return "account " + a.ID
}

// selects applies one include/exclude pair; at is the plan path of the pair's
// owner ("" for the plan, "products[1]." for a product).
//
// A tags clause that has to be consulted for an account whose tags were not
// read (Account.Tags nil) decides nothing either way: the account is left
// out, saying so, rather than placed by a guess.
func selects(a Account, include, exclude Selector, at string) (bool, string) {
	var why string
	if !include.IsZero() {
		hit, ok := include.match(a)
		switch {
		case !ok && len(include.Tags) > 0 && a.Tags == nil:
			return false, fmt.Sprintf("%s: cannot tell whether %sinclude.tags (%s) matches: its tags were not read from Organizations", accountLabel(a), at, tagClause(include.Tags))
		case !ok:
			return false, fmt.Sprintf("%s is not matched by %sinclude (%s)%s", accountLabel(a), at, include.summary(), tagMismatch(include.Tags, a.Tags))
		}
		why = fmt.Sprintf("%s selected by %sinclude.%s", accountLabel(a), at, hit)
	}
	if hit, ok := exclude.match(a); ok {
		return false, fmt.Sprintf("%s excluded by %sexclude.%s", accountLabel(a), at, hit)
	}
	if len(exclude.Tags) > 0 && a.Tags == nil {
		return false, fmt.Sprintf("%s: cannot tell whether %sexclude.tags (%s) excludes it: its tags were not read from Organizations", accountLabel(a), at, tagClause(exclude.Tags))
	}
	if why == "" {
		why = fmt.Sprintf("%s selected: %sinclude is empty (every account) and no exclude matches", accountLabel(a), at)
	}
	return true, why
}

// Selects reports whether the plan provisions anything in account a, with the
// reason either way (for `landfall plan` and run summaries): the management
// account rule first, then the plan's include and exclude.
func (pl *Plan) Selects(a Account) (bool, string) {
	if !awsid.IsAccountID(a.ID) {
		return false, fmt.Sprintf("account ID %q is not 12 digits", a.ID)
	}
	if a.Management && !pl.IncludeManagementAccount {
		return false, fmt.Sprintf("%s is the management account; set includeManagementAccount: true to provision it", accountLabel(a))
	}
	return selects(a, pl.Include, pl.Exclude, "")
}

// Placement is one product the plan places in one region of one account:
// what a run target (package runstate) is made from.
type Placement struct {
	Region                 string
	Product                *Product
	Portfolio              string
	ProvisionedProductName string
}

// Key identifies the target within an account run: "us-east-1/baseline-vpc".
func (t Placement) Key() string {
	return t.Region + "/" + t.Product.Key
}

// Exclusion is something the plan would otherwise provision but does not, and
// why. Product "" means the whole account; Region "" means every region.
type Exclusion struct {
	Product string
	Region  string
	Reason  string
	// ByFilter is true when the operator's Filter, not the plan, left it out.
	ByFilter bool
}

// Filter narrows an account run by hand, for example to retry what failed.
// Each non-empty field narrows further (a target must pass all of them); an
// empty Filter narrows nothing.
type Filter struct {
	Regions  []string
	Products []string // product keys
	Pairs    []Pair
}

// Pair is one product key in one region.
type Pair struct {
	Region  string
	Product string
}

// IsZero reports whether the filter narrows nothing.
func (f Filter) IsZero() bool {
	return len(f.Regions) == 0 && len(f.Products) == 0 && len(f.Pairs) == 0
}

// allows reports whether the filter keeps (region, key), or why not.
func (f Filter) allows(region, key string) (bool, string) {
	if len(f.Regions) > 0 && !slices.Contains(f.Regions, region) {
		return false, fmt.Sprintf("left out by the filter's regions (%s)", strings.Join(f.Regions, ", "))
	}
	if len(f.Products) > 0 && !slices.Contains(f.Products, key) {
		return false, fmt.Sprintf("left out by the filter's products (%s)", strings.Join(f.Products, ", "))
	}
	if len(f.Pairs) > 0 && !slices.Contains(f.Pairs, Pair{Region: region, Product: key}) {
		return false, "left out by the filter's pairs"
	}
	return true, ""
}

// CheckFilter reports a filter naming products or regions the plan does not
// have, as a *FilterError listing each with the valid values.
func (pl *Plan) CheckFilter(f Filter) error {
	var problems []Problem
	addf := func(at, format string, args ...any) {
		problems = append(problems, Problem{Path: at, Message: fmt.Sprintf(format, args...)})
	}
	keys := strings.Join(pl.Keys(), ", ")
	regions := strings.Join(pl.Regions, ", ")
	checkRegion := func(at, r string) bool {
		switch {
		case !pl.HasRegion(r) && !region.Known(r):
			addf(at, "%q is not a region; the plan's regions are %s", r, regions)
		case !pl.HasRegion(r):
			addf(at, "%q is not one of the plan's regions (%s)", r, regions)
		default:
			return true
		}
		return false
	}
	for i, r := range f.Regions {
		checkRegion(index("filter.regions", i), r)
	}
	for i, k := range f.Products {
		if _, ok := pl.byKey[k]; !ok {
			addf(index("filter.products", i), "%q is not a product key of the plan (%s)", k, keys)
		}
	}
	for i, pr := range f.Pairs {
		at := index("filter.pairs", i)
		p, ok := pl.byKey[pr.Product]
		if !ok {
			addf(at+".product", "%q is not a product key of the plan (%s)", pr.Product, keys)
		}
		if !checkRegion(at+".region", pr.Region) || !ok {
			continue
		}
		if !slices.Contains(p.Regions, pr.Region) {
			addf(at, "%s is not planned in %s (its regions: %s)", pr.Product, pr.Region, strings.Join(p.Regions, ", "))
		}
	}
	if len(problems) > 0 {
		return &FilterError{Problems: problems}
	}
	return nil
}

// Placements returns the (region, product) placements the plan gives account a, in
// plan product order then plan region order, and what was left out and why.
// It fails for an account whose tags were not read (Account.Tags nil) when
// the plan selects by tag.
// A product whose dependency is excluded for the account (by selectors) is
// excluded too, since it would wait forever; a dependency left out only by
// the filter is assumed to be in place already. The error is a *FilterError
// when f names products or regions the plan does not have.
func (pl *Plan) Placements(a Account, f Filter) ([]Placement, []Exclusion, error) {
	if err := pl.CheckFilter(f); err != nil {
		return nil, nil, err
	}
	if !awsid.IsAccountID(a.ID) {
		return nil, nil, fmt.Errorf("targets: account ID %q is not 12 digits", a.ID)
	}
	if a.Tags == nil && pl.SelectsByTag() {
		// Not an exclusion: what the plan places here is unknown, and a
		// caller must not act on "nothing" (retirement would take it for
		// "no longer placed").
		return nil, nil, fmt.Errorf("targets: %s: the plan selects accounts by tag, but the account's tags were not read from Organizations", accountLabel(a))
	}
	if ok, why := pl.Selects(a); !ok {
		return nil, []Exclusion{{Reason: why}}, nil
	}

	// Exclusion reasons by product key, following dependencies: products are
	// acyclic (Parse rejects cycles), so the recursion ends.
	reasons := make(map[string]string, len(pl.Products))
	decided := make(map[string]bool, len(pl.Products))
	var excluded func(p *Product) string
	excluded = func(p *Product) string {
		if decided[p.Key] {
			return reasons[p.Key]
		}
		reason := ""
		if ok, why := selects(a, p.Include, p.Exclude, p.Path()+"."); !ok {
			reason = why
		} else {
			for _, d := range p.DependsOn {
				if dr := excluded(pl.byKey[d]); dr != "" {
					reason = fmt.Sprintf("depends on %s, which is not provisioned here: %s", d, dr)
					break
				}
			}
		}
		decided[p.Key], reasons[p.Key] = true, reason
		return reason
	}

	var targets []Placement
	var exclusions []Exclusion
	for _, p := range pl.Products {
		if reason := excluded(p); reason != "" {
			exclusions = append(exclusions, Exclusion{Product: p.Key, Reason: reason})
			continue
		}
		for _, r := range p.Regions {
			if ok, why := f.allows(r, p.Key); !ok {
				exclusions = append(exclusions, Exclusion{Product: p.Key, Region: r, Reason: why, ByFilter: true})
				continue
			}
			targets = append(targets, Placement{
				Region:                 r,
				Product:                p,
				Portfolio:              p.Portfolios[r],
				ProvisionedProductName: pl.ProvisionedProductName(p),
			})
		}
	}
	return targets, exclusions, nil
}
