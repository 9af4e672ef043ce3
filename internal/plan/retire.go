package plan

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// RetirePolicy says what runs do with a retirement candidate: a provisioned
// product Landfall named in an account that the plan no longer places there
// (the product left the plan, the account left the product's or the plan's
// selectors, or the product's regions shrank).
//
// Retain is the default because terminating a provisioned product deletes
// its CloudFormation stack and whatever the stack made (a VPC, a trail): a
// plan edit must not do that unless the plan says so, in writing, and a dry
// run shows it first.
type RetirePolicy string

const (
	// RetireRetain reports candidates and leaves them (the default).
	RetireRetain RetirePolicy = "retain"
	// RetireTerminate terminates candidates that carry Landfall's own tag,
	// on the account's next run.
	RetireTerminate RetirePolicy = "terminate"
)

// OwnerTagKey is the tag Landfall writes on every product it provisions,
// the product's key as its value. A provisioned product's name alone is
// not proof that Landfall made it (anyone can launch a product named
// landfall-baseline-vpc by hand), so termination also requires this tag,
// which the plan cannot set (keys starting with ReservedTagPrefix are
// refused) and Landfall sets only at launch.
const OwnerTagKey = "landfall:product"

// ReservedTagPrefix starts the tag keys that are Landfall's own.
const ReservedTagPrefix = "landfall:"

// reservedTags counts the tags Landfall adds to the plan's own, which share
// Service Catalog's 50-tag limit with them.
const reservedTags = 1

// OwnerTag returns the tag that marks a provisioned product as Landfall's
// own for product key.
func OwnerTag(key string) (k, v string) { return OwnerTagKey, key }

// RetirementEnabled reports whether any run may terminate something: the
// plan's retire, or some product's, is terminate. The launch function
// queues runs for accounts the plan gives nothing only when it is (see
// launch's retire.go): with retain everywhere such runs could only report,
// and fleet status reports the same candidates without a run.
func (pl *Plan) RetirementEnabled() bool {
	if pl.Retire == RetireTerminate {
		return true
	}
	return slices.ContainsFunc(pl.Products, func(p *Product) bool { return p.Retire == RetireTerminate })
}

// retirePolicy decodes a retire value.
func (p *parser) retirePolicy(n *yaml.Node, at string) RetirePolicy {
	s, ok := p.str(n, at)
	if !ok {
		return RetireRetain
	}
	switch RetirePolicy(s) {
	case RetireRetain, RetireTerminate:
		return RetirePolicy(s)
	}
	p.add(n, at, "%q is not a retire policy; use retain (report provisioned products the plan no longer places and leave them, the default) or terminate (terminate them on the account's next run)", s)
	return RetireRetain
}

// Fate is what the plan wants done with a provisioned product found in an
// account.
type Fate string

const (
	// FateIgnore: not a name Landfall gives (another prefix, or no product
	// key after the prefix). Never touched, never reported.
	FateIgnore Fate = ""
	// FateWanted: the plan still places this product in this region of
	// the account; runs provision and update it as usual.
	FateWanted Fate = "wanted"
	// FateRetain: a retirement candidate runs leave in place and report,
	// because retire is retain or because it is not provably Landfall's.
	FateRetain Fate = "retain"
	// FateTerminate: a retirement candidate runs terminate: retire is
	// terminate and it carries Landfall's owner tag for its key.
	FateTerminate Fate = "terminate"
)

// Found is a provisioned product found in an account and region, as much
// of it as the retirement rule reads.
type Found struct {
	Region string
	// Name is the provisioned product's name.
	Name string
	// Tags are its tags (SearchProvisionedProducts returns them).
	Tags map[string]string
}

// Verdict is the rule's answer for one found product.
type Verdict struct {
	Fate Fate
	// Key is the product key the name carries after the plan's prefix.
	Key string
	// Why says why the plan no longer places it (empty unless a candidate).
	Why string
	// Policy is the retire policy that applies and PolicyPath where the
	// plan sets it: "retire" (the plan's, also for products that left the
	// plan) or "products[1].retire".
	Policy     RetirePolicy
	PolicyPath string
	// Owned says the product carries OwnerTagKey with Key as its value:
	// proof enough that Landfall provisioned it.
	Owned bool
	// OwnerTag is the value of OwnerTagKey it carries ("" for none).
	OwnerTag string
	// ProductPath is the product's place in the plan (products[1]) while
	// it is still a product of the plan, "" once it left.
	ProductPath string
}

// Candidate reports whether the product is a retirement candidate.
func (v Verdict) Candidate() bool { return v.Fate == FateRetain || v.Fate == FateTerminate }

// Note says, in one sentence, why the product is a candidate and what runs
// do with it, for run summaries, dry runs and fleet status alike. The
// caller says what happened ("terminated", "would terminate").
func (v Verdict) Note() string {
	switch {
	case v.Fate == FateTerminate:
		return fmt.Sprintf("%s; %s is terminate", v.Why, v.PolicyPath)
	case !v.Candidate():
		return ""
	case v.Policy == RetireTerminate:
		return fmt.Sprintf("%s, but Landfall will not terminate it although %s is terminate: %s (made by hand, or by a Landfall that did not tag yet); check it and terminate it by hand if it is not wanted", v.Why, v.PolicyPath, v.ownerProblem())
	case !v.Owned:
		return fmt.Sprintf("retained (retire: retain): %s; %s, so Landfall would not terminate it even with retire: terminate: remove it by hand if it is not wanted", v.Why, v.ownerProblem())
	}
	where := "at the top of the plan"
	if v.ProductPath != "" {
		where = "on " + v.ProductPath + " (or at the top of the plan)"
	}
	return fmt.Sprintf("retained (retire: retain): %s; set retire: terminate %s to remove it", v.Why, where)
}

// ownerProblem says why the product is not provably Landfall's.
func (v Verdict) ownerProblem() string {
	if v.OwnerTag == "" {
		return "it has no " + OwnerTagKey + " tag"
	}
	return fmt.Sprintf("its %s tag is %q, not %q", OwnerTagKey, v.OwnerTag, v.Key)
}

// Retirement is the plan's retirement rule for one account: which of the
// products Landfall named there the plan still wants, and what to do with
// the rest. Runs (at their first step), dry runs and fleet status all ask
// it, so the three never disagree about a product. Build one with
// Plan.Retirement.
type Retirement struct {
	pl *Plan
	// wanted holds "region/key" for every placement of the account.
	wanted map[string]bool
	// accountWhy says why the plan gives the account nothing ("" if it
	// selects it); productWhy why it gives it nothing of a product.
	accountWhy string
	productWhy map[string]string
}

// Retirement returns the rule for account a. What the plan wants there is
// its placements without any filter: a run narrowed by hand still knows
// everything the plan places (the launch function decides whether a
// narrowed run looks for candidates at all). It fails only for an account
// the plan cannot work with (a malformed ID).
func (pl *Plan) Retirement(a Account) (*Retirement, error) {
	placed, excluded, err := pl.Placements(a, Filter{})
	if err != nil {
		return nil, fmt.Errorf("retirement rule: %w", err)
	}
	r := &Retirement{pl: pl, wanted: make(map[string]bool, len(placed)), productWhy: map[string]string{}}
	for _, t := range placed {
		r.wanted[t.Key()] = true
	}
	for _, e := range excluded {
		switch {
		case e.Product == "":
			r.accountWhy = e.Reason
		case e.Region == "":
			r.productWhy[e.Product] = e.Reason
		}
	}
	return r, nil
}

// Decide says what to do with f. A product is a candidate when its name is
// the plan's prefix followed by a product key and the plan does not place
// that key in f's region of the account. A candidate is terminated only
// when the policy for its key is terminate and it carries OwnerTagKey with
// that key; every other candidate is retained and reported.
func (r *Retirement) Decide(f Found) Verdict {
	pl := r.pl
	key, ok := strings.CutPrefix(f.Name, pl.ProvisionedProductPrefix)
	if !ok || !IsKey(key) {
		return Verdict{}
	}
	if r.wanted[f.Region+"/"+key] {
		return Verdict{Fate: FateWanted, Key: key}
	}
	v := Verdict{Key: key, Policy: pl.Retire, PolicyPath: "retire", OwnerTag: f.Tags[OwnerTagKey]}
	v.Owned = v.OwnerTag == key
	p, inPlan := pl.byKey[key]
	switch {
	case !inPlan:
		v.Why = fmt.Sprintf("%s is no longer a product of the plan", key)
	case r.accountWhy != "":
		v.Why = r.accountWhy
	case r.productWhy[key] != "":
		v.Why = fmt.Sprintf("%s is not placed in this account: %s", key, r.productWhy[key])
	case !pl.HasRegion(f.Region):
		v.Why = fmt.Sprintf("%s is not one of the plan's regions (%s)", f.Region, strings.Join(pl.Regions, ", "))
	default:
		v.Why = fmt.Sprintf("%s is not one of %s's regions (%s)", f.Region, key, strings.Join(p.Regions, ", "))
	}
	if inPlan {
		v.Policy, v.ProductPath = p.Retire, p.Path()
		if p.retireSet {
			v.PolicyPath = p.Path() + ".retire"
		}
	}
	v.Fate = FateRetain
	if v.Policy == RetireTerminate && v.Owned {
		v.Fate = FateTerminate
	}
	return v
}

// Allows reports whether the filter keeps (region, key): status and runs
// narrowed by hand report only the candidates they would report targets
// for. A key that left the plan passes only a filter that names no
// products.
func (f Filter) Allows(region, key string) bool {
	ok, _ := f.allows(region, key)
	return ok
}
