package plan

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/region"
)

// Regions chosen at run time, and opt-in regions.
//
// A plan lists its regions (`regions: [us-east-1, eu-west-1]`), or says
// `regions: enabled`: each account gets the plan's candidate regions that
// are enabled for it when its run is built (the Account Management API's
// ListRegions, package accountregions). The map form narrows the
// candidates:
//
//	regions:
//	  enabled: true
//	  allow: [us-east-1, us-west-2, eu-west-1]   # optional
//	  deny: [us-west-1]                           # optional
//
// A region can only be provisioned where the plan knows the portfolio that
// shares its products (portfolios are regional), so the candidates are the
// allow list when there is one, else every region with a plan-level
// portfolio entry; deny takes regions out of either. The candidates become
// Plan.Regions, so everything that works per plan region (a product's own
// regions, which must be a subset, per-region portfolios, product and
// artifact IDs, which name one region's copy, template checks, the IAM
// grants on each region's products) works on them unchanged. A region
// enabled for an account but not a candidate is simply not Landfall's; a
// candidate not enabled for the account is an exclusion of that account's
// run saying so (InEnabledRegions).
//
// enableOptInRegions: true lets the worker enable a planned opt-in region
// an account has not enabled and wait for it (package worker). It cannot go
// with `regions: enabled`, which chooses among the regions already enabled
// for each account: there would be nothing to enable. The list form with
// the opt-in region named is what says "enable it".

// RegionSelection says how the plan's regions are chosen for each account.
type RegionSelection struct {
	// Enabled is true for `regions: enabled`: Plan.Regions are the
	// candidates, and each account's run gets those enabled for it.
	Enabled bool
	// Allow and Deny are the plan's allow and deny lists, in file order
	// (nil when absent). Plan.Regions already applies them.
	Allow, Deny []string
}

// regionSelectionKeys are the keys of the map form of regions.
var regionSelectionKeys = []string{"enabled", "allow", "deny"}

// regionsEnabled is the shorthand that chooses regions at run time.
const regionsEnabled = "enabled"

// regionsForm says how to write regions, for messages.
const regionsForm = "write a list of regions ([us-east-1, us-west-2]), enabled (the regions enabled for each account, among those with a portfolio), or a mapping with enabled: true and optional allow and deny lists"

// planRegions decodes the plan's regions and enableOptInRegions into
// p.regions and the plan. portfolios are the plan-level portfolio entries,
// in file order: without an allow list they name the candidates.
func (p *parser) planRegions(n, optIn *yaml.Node, portfolios []entry) {
	pl := p.pl
	if optIn != nil {
		pl.EnableOptInRegions, _ = p.boolean(optIn, "enableOptInRegions")
	}
	n = p.resolve(n)
	switch {
	case isNull(n):
		p.add(nil, "regions", "missing; list the regions Landfall works in, for example [us-east-1, us-west-2]")
		return
	case n.Kind == yaml.SequenceNode:
		if p.emptyList(n) {
			p.add(n, "regions", "is empty; list the regions Landfall works in, for example [us-east-1, us-west-2]")
		}
		p.regions = p.regionList(p.strList(n, "regions"), nil)
		return
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value == regionsEnabled:
		pl.RegionSelection.Enabled = true
	case n.Kind == yaml.MappingNode:
		if !p.regionMap(n) {
			return
		}
	case n.Kind == yaml.ScalarNode && region.Known(n.Value):
		p.add(n, "regions", "%q is one region, not a list; write [%s]", n.Value, n.Value)
		return
	default:
		p.add(n, "regions", "%s is not a way to give regions; %s", describe(n), regionsForm)
		return
	}

	if pl.EnableOptInRegions {
		p.add(optIn, "enableOptInRegions", "cannot go with regions: enabled, which chooses among the regions each account has enabled already, so there is nothing to enable; list the regions (with the opt-in ones) to have Landfall enable them, or remove enableOptInRegions")
	}
	p.regions = p.candidates(n, portfolios)
}

// regionMap decodes the map form into the plan's RegionSelection and
// reports whether it chooses regions at run time (enabled: true).
func (p *parser) regionMap(n *yaml.Node) bool {
	sel := &p.pl.RegionSelection
	f := p.fields(n, "regions", regionSelectionKeys)
	if an := f["allow"]; an != nil {
		if p.emptyList(an) || isNull(p.resolve(an)) {
			p.add(an, "regions.allow", "is empty; leave it out to use every region with a portfolio under portfolios, or list the regions Landfall may work in")
		}
		sel.Allow = p.regionList(p.strList(an, "regions.allow"), nil)
	}
	if dn := f["deny"]; dn != nil {
		if p.emptyList(dn) || isNull(p.resolve(dn)) {
			p.add(dn, "regions.deny", "is empty; leave it out, or list the regions Landfall must never work in")
		}
		sel.Deny = p.regionList(p.strList(dn, "regions.deny"), nil)
	}
	en := f["enabled"]
	if isNull(en) {
		what := "allow and deny choose"
		if sel.Allow == nil && sel.Deny == nil {
			what = "the mapping form chooses"
		}
		p.add(n, "regions.enabled", "missing; %s among the regions enabled for each account, so set enabled: true, or write regions as a list", what)
		return false
	}
	on, ok := p.boolean(en, "regions.enabled")
	if !ok {
		return false
	}
	if !on {
		p.add(en, "regions.enabled", "is false; the mapping form only chooses regions at run time: set enabled: true, or write regions as a list ([us-east-1, us-west-2])")
		return false
	}
	sel.Enabled = true
	var both []string
	for _, r := range sel.Deny {
		if slices.Contains(sel.Allow, r) {
			both = append(both, r)
		}
	}
	if len(both) > 0 {
		p.add(f["deny"], "regions.deny", "%s also in regions.allow; a region cannot be both allowed and denied: remove it from one of the lists", listed(both))
	}
	return true
}

// candidates returns the regions `regions: enabled` may choose from, in
// file order: the allow list, else the regions with a plan-level
// portfolio, less the deny list. It reports an empty result, naming why.
func (p *parser) candidates(n *yaml.Node, portfolios []entry) []string {
	sel := p.pl.RegionSelection
	var from []string
	source := "regions.allow"
	if sel.Allow != nil {
		from = sel.Allow
	} else {
		source = "the plan-level portfolios"
		for _, e := range portfolios {
			from = append(from, e.Key)
		}
	}
	out := slices.DeleteFunc(slices.Clone(from), func(r string) bool { return slices.Contains(sel.Deny, r) })
	if len(out) > 0 {
		return out
	}
	switch {
	case len(from) == 0 && sel.Allow == nil && len(p.portfolioMentioned) == 0:
		p.add(n, "regions", "enabled chooses among the regions with a portfolio under portfolios, and there is none: add portfolios (region: port-…) at the top level, or list the candidates under regions.allow")
	case len(from) == 0:
		// The portfolio entries are invalid, and reported already.
	default:
		p.add(n, "regions", "no candidate region is left: regions.deny takes out every one of %s (%s); deny fewer regions", source, strings.Join(from, ", "))
	}
	return nil
}

// addRegionHint says how to make a region one of the plan's regions, for
// a product listing a region the plan does not have.
func (p *parser) addRegionHint() string {
	sel := p.pl.RegionSelection
	switch {
	case !sel.Enabled:
		return "add it to regions at the top level"
	case sel.Allow != nil:
		return "add it to regions.allow"
	default:
		return "give it a portfolio under portfolios at the top level, which makes it a candidate of regions: enabled"
	}
}

func listed(rs []string) string {
	if len(rs) == 1 {
		return fmt.Sprintf("%q is", rs[0])
	}
	q := make([]string, len(rs))
	for i, r := range rs {
		q[i] = fmt.Sprintf("%q", r)
	}
	return strings.Join(q, ", ") + " are"
}

// RegionsAtRunTime reports whether each account's regions are chosen when
// its run is built (`regions: enabled`): callers then ask which of the
// plan's regions are enabled for the account and pass them to
// InEnabledRegions.
func (pl *Plan) RegionsAtRunTime() bool { return pl.RegionSelection.Enabled }

// OptInRegions returns the plan's regions that are opt-in regions (an
// account must enable them before anything can be provisioned there), in
// plan order.
func (pl *Plan) OptInRegions() []string {
	var out []string
	for _, r := range pl.Regions {
		if region.OptIn(r) {
			out = append(out, r)
		}
	}
	return out
}

// InEnabledRegions narrows the placements Placements gave account a to the
// regions enabled for it, when the plan chooses regions at run time;
// otherwise it returns them unchanged. Each candidate region that had a
// placement and is not enabled becomes one exclusion (every product of
// that region) saying so and how to enable it. A region enabled for the
// account but not a candidate never appears: it is not Landfall's.
func (pl *Plan) InEnabledRegions(a Account, targets []Placement, enabled []string) ([]Placement, []Exclusion) {
	if !pl.RegionsAtRunTime() {
		return targets, nil
	}
	var kept []Placement
	var excluded []Exclusion
	seen := map[string]bool{}
	for _, t := range targets {
		if slices.Contains(enabled, t.Region) {
			kept = append(kept, t)
			continue
		}
		if !seen[t.Region] {
			seen[t.Region] = true
			excluded = append(excluded, Exclusion{Region: t.Region, Reason: NotEnabledReason(a, t.Region)})
		}
	}
	return kept, excluded
}

// NotEnabledReason says that region r, a candidate of `regions: enabled`,
// is not enabled for account a, and how to enable it.
func NotEnabledReason(a Account, r string) string {
	cmd := "aws account enable-region --region-name " + r
	if !a.Management {
		cmd += " --account-id " + a.ID
	}
	return fmt.Sprintf("region %s is not enabled for %s, and regions: enabled provisions only in regions the account has enabled; to have it provisioned there, enable it (%s) and re-run the account", r, accountLabel(a), cmd)
}
