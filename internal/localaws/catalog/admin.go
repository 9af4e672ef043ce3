package catalog

import (
	"cmp"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// Administrator APIs that read what a portfolio holds and who it is shared
// with, from the account that owns it (for Landfall, the management
// account, before it plans anything).

type searchProductsAsAdminInput struct {
	pagedInput
	PortfolioID   string              `json:"PortfolioId"`
	Filters       map[string][]string `json:"Filters"`
	SortBy        string              `json:"SortBy"`
	SortOrder     string              `json:"SortOrder"`
	ProductSource string              `json:"ProductSource"`
}

type describePortfolioSharesInput struct {
	PortfolioID string `json:"PortfolioId"`
	Type        string `json:"Type"`
	PageSize    int32  `json:"PageSize"`
	PageToken   string `json:"PageToken"`
}

type portfolioShareDetail struct {
	Accepted        bool   `json:"Accepted"`
	PrincipalID     string `json:"PrincipalId"`
	SharePrincipals bool   `json:"SharePrincipals"`
	ShareTagOptions bool   `json:"ShareTagOptions"`
	Type            string `json:"Type"`
}

// Share types of DescribePortfolioShares.
const (
	shareTypeAccount       = "ACCOUNT"
	shareTypeOrganization  = "ORGANIZATION"
	shareTypeOU            = "ORGANIZATIONAL_UNIT"
	shareTypeMemberAccount = "ORGANIZATION_MEMBER_ACCOUNT"
)

// searchProductsAsAdmin lists the products of one portfolio the account
// owns or imported (PortfolioId), or every product the account administers:
// its own and, unless ProductSource is ACCOUNT, those of the portfolios it
// imported. Without SortBy the order is the catalog's, as AWS leaves such
// results unsorted.
func (c *Catalog) searchProductsAsAdmin(r *wire.Request, in *searchProductsAsAdminInput) (any, error) {
	if err := checkProductFilters(in.Filters); err != nil {
		return nil, err
	}
	switch in.ProductSource {
	case "", "ACCOUNT":
	default:
		return nil, invalidParams("ProductSource %q is not ACCOUNT", in.ProductSource)
	}
	st := c.state(r.Caller.Account, r.Region)
	var products []*product
	if in.PortfolioID != "" {
		port, err := c.visiblePortfolio(st, in.PortfolioID)
		if err != nil {
			return nil, err
		}
		products = port.products
	} else if rc := c.regions[r.Region]; rc != nil {
		for _, prod := range rc.products {
			if prod.account == st.account || (in.ProductSource == "" && c.imported(st, prod)) {
				products = append(products, prod)
			}
		}
	}
	var found []*product
	for _, prod := range products {
		if matchesProductFilters(prod, in.Filters) {
			found = append(found, prod)
		}
	}
	if err := sortProducts(found, in.SortBy, in.SortOrder, false); err != nil {
		return nil, err
	}
	pg, next, err := page(found, in.pagedInput, 20)
	if err != nil {
		return nil, err
	}
	out := struct {
		NextPageToken      *string             `json:"NextPageToken,omitempty"`
		ProductViewDetails []productViewDetail `json:"ProductViewDetails"`
	}{NextPageToken: next, ProductViewDetails: []productViewDetail{}}
	for _, prod := range pg {
		out.ProductViewDetails = append(out.ProductViewDetails, prod.viewDetail())
	}
	return out, nil
}

// imported reports whether the account reaches prod, owned by another
// account, through a portfolio it sees: one it imported, or a local one
// the product was added to.
func (c *Catalog) imported(st *accountState, prod *product) bool {
	return slices.ContainsFunc(prod.paths, func(lp *launchPath) bool { return c.portfolioVisible(st, lp.portfolio) })
}

func (prod *product) viewDetail() productViewDetail {
	return productViewDetail{
		CreatedTime:        stamp(prod.created),
		ProductARN:         prod.arn,
		ProductViewSummary: prod.summary(len(prod.paths)),
		Status:             "AVAILABLE",
	}
}

func checkProductFilters(filters map[string][]string) error {
	for key := range filters {
		if !slices.Contains(productFilters, key) {
			return invalidParams("Filters key %q is not one of %s", key, strings.Join(productFilters, ", "))
		}
	}
	return nil
}

// sortProducts sorts by SortBy (Title, VersionCount, CreationDate) and
// SortOrder. An empty SortBy sorts by Title when byTitle, and keeps the
// catalog's order otherwise.
func sortProducts(found []*product, sortBy, sortOrder string, byTitle bool) error {
	var less func(a, b *product) int
	switch sortBy {
	case "":
		if byTitle {
			less = func(a, b *product) int { return strings.Compare(a.name, b.name) }
		}
	case "Title":
		less = func(a, b *product) int { return strings.Compare(a.name, b.name) }
	case "VersionCount":
		less = func(a, b *product) int { return cmp.Compare(len(a.artifacts), len(b.artifacts)) }
	case "CreationDate":
		less = func(a, b *product) int { return a.created.Compare(b.created) }
	default:
		return invalidParams("SortBy %q is not one of Title, VersionCount, CreationDate", sortBy)
	}
	switch sortOrder {
	case "", "ASCENDING":
	case "DESCENDING":
		if less == nil {
			slices.Reverse(found)
			return nil
		}
		asc := less
		less = func(a, b *product) int { return asc(b, a) }
	default:
		return invalidParams("SortOrder %q is not ASCENDING or DESCENDING", sortOrder)
	}
	if less != nil {
		slices.SortStableFunc(found, less)
	}
	return nil
}

// describePortfolioShares lists the shares of one type of a portfolio the
// caller owns. The world's shares map to AWS's share types: "organization"
// is ORGANIZATION (principal: the organization ID), an OU or root is
// ORGANIZATIONAL_UNIT, an account ID is an account-to-account share
// (ACCOUNT), accepted once the recipient accepted it in the region.
// Organization-node shares are imported automatically, so always accepted.
// The world has no organization-node share with a single account, so
// ORGANIZATION_MEMBER_ACCOUNT lists nothing.
func (c *Catalog) describePortfolioShares(r *wire.Request, in *describePortfolioSharesInput) (any, error) {
	if err := required("PortfolioId", in.PortfolioID); err != nil {
		return nil, err
	}
	switch in.Type {
	case shareTypeAccount, shareTypeOrganization, shareTypeOU, shareTypeMemberAccount:
	case "":
		return nil, invalidParams("Type is required")
	default:
		return nil, invalidParams("Type %q is not one of %s, %s, %s, %s", in.Type, shareTypeAccount, shareTypeOrganization, shareTypeOU, shareTypeMemberAccount)
	}
	port := c.portfolio(r.Region, in.PortfolioID)
	if port == nil || port.owner != r.Caller.Account {
		return nil, notFound("Portfolio not found.")
	}
	details := []portfolioShareDetail{}
	for _, s := range port.shares {
		d := portfolioShareDetail{PrincipalID: s, Accepted: true}
		switch {
		case s == shareOrganization:
			d.Type, d.PrincipalID = shareTypeOrganization, c.dir.ID()
		case accountIDRe.MatchString(s):
			d.Type = shareTypeAccount
			st, ok := c.states[stateKey{s, r.Region}]
			d.Accepted = ok && st.accepted[port.id] == shareImported
		default:
			d.Type = shareTypeOU
		}
		if d.Type == in.Type {
			details = append(details, d)
		}
	}
	pg, next, err := page(details, pagedInput{PageSize: in.PageSize, PageToken: str(in.PageToken)}, 100)
	if err != nil {
		return nil, err
	}
	return struct {
		NextPageToken         *string                `json:"NextPageToken,omitempty"`
		PortfolioShareDetails []portfolioShareDetail `json:"PortfolioShareDetails"`
	}{next, pg}, nil
}
