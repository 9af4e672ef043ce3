package catalog

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

const (
	shareImported      = "IMPORTED"
	shareOrganizations = "AWS_ORGANIZATIONS"
	shareServiceCat    = "AWS_SERVICECATALOG"
)

// shareTypes returns how port is shared with account: IMPORTED for a direct
// account share, AWS_ORGANIZATIONS for a share with the organization or an
// OU above the account. Nil means not shared (an owner is never shared with).
func (c *Catalog) shareTypes(port *portfolio, account string) []string {
	if port.owner == account {
		return nil
	}
	var types []string
	for _, s := range port.shares {
		switch {
		case s == account:
			types = appendOnce(types, shareImported)
		case s == shareOrganization:
			if c.dir.IsMember(account) {
				types = appendOnce(types, shareOrganizations)
			}
		case accountIDRe.MatchString(s):
			// Another account's direct share.
		default:
			if slices.Contains(c.dir.Ancestors(account), s) {
				types = appendOnce(types, shareOrganizations)
			}
		}
	}
	return types
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// shareArrived reports whether organization shares have reached account in
// reg: the Options.ShareDelay fault holds them back for a while after the
// account joined.
func (c *Catalog) shareArrived(account, reg string, now time.Time) bool {
	if c.opts.ShareDelay == nil {
		return true
	}
	joined, ok := c.dir.JoinedAt(account)
	if !ok || joined.IsZero() {
		return true
	}
	return !now.Before(joined.Add(c.opts.ShareDelay(account, reg)))
}

// portfolioVisible reports whether the account sees port: it owns it, or it
// accepted a share that still stands.
func (c *Catalog) portfolioVisible(st *accountState, port *portfolio) bool {
	if port.owner == st.account {
		return true
	}
	typ, ok := st.accepted[port.id]
	return ok && slices.Contains(c.shareTypes(port, st.account), typ)
}

// visiblePortfolio looks up a portfolio the account sees, answering the
// "Portfolio not found." AWS gives for everything else.
func (c *Catalog) visiblePortfolio(st *accountState, id string) (*portfolio, error) {
	if err := required("PortfolioId", id); err != nil {
		return nil, err
	}
	port := c.portfolio(st.region, id)
	if port == nil || !c.portfolioVisible(st, port) {
		return nil, notFound("Portfolio not found.")
	}
	return port, nil
}

func (c *Catalog) portfolio(reg, id string) *portfolio {
	rc := c.regions[reg]
	if rc == nil {
		return nil
	}
	return rc.portfolioByID[id]
}

// callerPrincipal is the IAM principal ARN association matches on: the role
// of an assumed-role session, the emulator's administrator user for the
// built-in admin identity, the caller's own ARN otherwise.
func callerPrincipal(r *wire.Request) string {
	switch {
	case r.Caller.RoleARN != "":
		return r.Caller.RoleARN
	case r.Caller.Admin:
		return "arn:" + region.Partition(r.Region) + ":iam::" + r.Caller.Account + ":user/admin"
	default:
		return r.Caller.ARN
	}
}

// associated reports whether principalARN is associated with port in the
// account, directly (IAM) or through an IAM_PATTERN, and the association has
// propagated (Options.AssociationDelay).
func (c *Catalog) associated(st *accountState, port *portfolio, principalARN string) bool {
	for _, pr := range matchingPrincipals(st, port, principalARN) {
		at, ok := st.associatedAt[associationKey(port.id, pr)]
		if !ok || c.opts.AssociationDelay == nil || !c.now.Before(at.Add(c.opts.AssociationDelay(st.account, st.region))) {
			return true
		}
	}
	return false
}

func associationKey(portfolioID string, pr principal) string {
	return portfolioID + "\x00" + pr.typ + "\x00" + pr.arn
}

// matchingPrincipals returns the principals of port in the account that
// cover principalARN, directly (IAM) or through an IAM_PATTERN.
func matchingPrincipals(st *accountState, port *portfolio, principalARN string) []principal {
	var out []principal
	m := iamARNRe.FindStringSubmatch(principalARN)
	for _, pr := range st.principals[port.id] {
		switch pr.typ {
		case principalIAM:
			if pr.arn == principalARN {
				out = append(out, pr)
			}
		case principalPattern:
			pm := iamPatternARNRe.FindStringSubmatch(pr.arn)
			if m == nil || pm == nil || pm[1] != m[2] {
				continue
			}
			// The pattern covers the resource name, with or without the
			// IAM path before it.
			name := m[3]
			base := name[strings.LastIndex(name, "/")+1:]
			if globMatch(pm[2], name) || globMatch(pm[2], base) {
				out = append(out, pr)
			}
		}
	}
	return out
}

// globMatch matches s against an IAM_PATTERN glob: '*' matches any run of
// characters, '?' any one character.
func globMatch(pattern, s string) bool {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}

// launchPaths returns the paths through which the caller may launch prod:
// those through portfolios the account sees and the caller is associated with.
func (c *Catalog) launchPaths(st *accountState, prod *product, principalARN string) []*launchPath {
	var paths []*launchPath
	for _, lp := range prod.paths {
		if c.portfolioVisible(st, lp.portfolio) && c.associated(st, lp.portfolio, principalARN) {
			paths = append(paths, lp)
		}
	}
	return paths
}

// endUserProducts returns the products the caller can launch, in spec order.
func (c *Catalog) endUserProducts(st *accountState, principalARN string) []*product {
	rc := c.regions[st.region]
	if rc == nil {
		return nil
	}
	var out []*product
	for _, prod := range rc.products {
		if len(c.launchPaths(st, prod, principalARN)) > 0 {
			out = append(out, prod)
		}
	}
	return out
}

// endUserProduct finds a product the caller can launch by ID or name.
// Products that exist but are not launchable answer the same not-found error,
// as AWS does not reveal them. A name may designate several products the
// caller can launch (a member account's local product named like a shared
// one): the account's own product wins, then the others in spec order. AWS
// does not document which one it answers; this is an inference, and the
// reason a name is not an identity (see aws-facts).
func (c *Catalog) endUserProduct(st *accountState, principalARN, id, name string) (*product, []*launchPath, error) {
	for _, prod := range c.candidates(st.region, id, name, st.account) {
		if paths := c.launchPaths(st, prod, principalARN); len(paths) > 0 {
			return prod, paths, nil
		}
	}
	return nil, nil, notFound("%s not found.", describe("Product", id, name))
}

// candidates returns the products an ID or a name may designate in reg:
// the product with the ID, or every product with the name, those account
// owns first.
func (c *Catalog) candidates(reg, id, name, account string) []*product {
	rc := c.regions[reg]
	if rc == nil {
		return nil
	}
	if id != "" {
		if prod := rc.productByID[id]; prod != nil {
			return []*product{prod}
		}
		return nil
	}
	named := rc.productsNamed(name)
	slices.SortStableFunc(named, func(a, b *product) int {
		return cmp.Compare(ownedRank(a, account), ownedRank(b, account))
	})
	return named
}

func ownedRank(prod *product, account string) int {
	if prod.account == account {
		return 0
	}
	return 1
}

// ownedProduct finds a product account owns by ID or name, or nil.
func (c *Catalog) ownedProduct(reg, account, id, name string) *product {
	for _, prod := range c.candidates(reg, id, name, account) {
		if prod.account == account {
			return prod
		}
	}
	return nil
}

// findArtifact finds an artifact of prod by ID or name; inactive ones only
// when includeInactive (administrators see them, end users do not).
func findArtifact(prod *product, id, name string, includeInactive bool) *artifact {
	for _, a := range prod.artifacts {
		if !a.active && !includeInactive {
			continue
		}
		if (id != "" && a.id == id) || (id == "" && a.name == name) {
			return a
		}
	}
	return nil
}

// choosePath picks the launch path for a launch: the named one, or the only
// one. AWS requires a PathId when the caller has more than one.
func choosePath(prod *product, paths []*launchPath, id, name string) (*launchPath, error) {
	if id != "" && name != "" {
		return nil, invalidParams("Specify either PathId or PathName, not both")
	}
	for _, lp := range paths {
		if (id != "" && lp.id == id) || (id == "" && name != "" && lp.name == name) {
			return lp, nil
		}
	}
	if id != "" || name != "" {
		return nil, notFound("%s not found for product %s.", describe("Launch path", id, name), prod.id)
	}
	if len(paths) > 1 {
		ids := make([]string, len(paths))
		for i, lp := range paths {
			ids[i] = lp.id
		}
		return nil, invalidParams("Product %s has more than one launch path (%s); specify a PathId", prod.id, strings.Join(ids, ", "))
	}
	return paths[0], nil
}
