package catalog

import (
	"slices"

	"github.com/landfall/landfall/internal/localaws/wire"
)

func (c *Catalog) acceptPortfolioShare(r *wire.Request, in *portfolioShareInput) (any, error) {
	typ, err := shareTypeParam(in.PortfolioShareType)
	if err != nil {
		return nil, err
	}
	if err := required("PortfolioId", in.PortfolioID); err != nil {
		return nil, err
	}
	if typ == shareServiceCat {
		return nil, invalidParams("PortfolioShareType AWS_SERVICECATALOG is not supported for accepting shares; use AWS_ORGANIZATIONS for organization shares or IMPORTED for account shares")
	}
	port := c.portfolio(r.Region, in.PortfolioID)
	if port != nil && port.owner == r.Caller.Account {
		return nil, invalidParams("Portfolio %s is owned by account %s and cannot be accepted by its owner", port.id, port.owner)
	}
	// The wrong share type, a portfolio not shared with the account, and a
	// share that has not propagated yet all look alike to the caller.
	if port == nil || !slices.Contains(c.shareTypes(port, r.Caller.Account), typ) ||
		(typ == shareOrganizations && !c.shareArrived(r.Caller.Account, r.Region, r.Now)) {
		return nil, notFound("Portfolio not found.")
	}
	st := c.state(r.Caller.Account, r.Region)
	if _, done := st.accepted[port.id]; !done {
		st.accepted[port.id] = typ
		st.acceptOrder = append(st.acceptOrder, port.id)
	}
	return struct{}{}, nil
}

func (c *Catalog) rejectPortfolioShare(r *wire.Request, in *portfolioShareInput) (any, error) {
	typ, err := shareTypeParam(in.PortfolioShareType)
	if err != nil {
		return nil, err
	}
	st := c.state(r.Caller.Account, r.Region)
	if got, ok := st.accepted[in.PortfolioID]; !ok || got != typ {
		return nil, notFound("Portfolio not found.")
	}
	delete(st.accepted, in.PortfolioID)
	st.acceptOrder = slices.DeleteFunc(st.acceptOrder, func(id string) bool { return id == in.PortfolioID })
	// Rejecting removes the imported portfolio and with it the account's
	// associations; a later accept starts from scratch.
	delete(st.principals, in.PortfolioID)
	return struct{}{}, nil
}

func shareTypeParam(typ string) (string, error) {
	switch typ {
	case "":
		return shareImported, nil
	case shareImported, shareOrganizations, shareServiceCat:
		return typ, nil
	default:
		return "", invalidParams("PortfolioShareType %q is not one of IMPORTED, AWS_ORGANIZATIONS, AWS_SERVICECATALOG", typ)
	}
}

type listPortfoliosOutput struct {
	NextPageToken    *string           `json:"NextPageToken,omitempty"`
	PortfolioDetails []portfolioDetail `json:"PortfolioDetails"`
}

func (c *Catalog) listAcceptedPortfolioShares(r *wire.Request, in *listAcceptedInput) (any, error) {
	typ, err := shareTypeParam(in.PortfolioShareType)
	if err != nil {
		return nil, err
	}
	st := c.state(r.Caller.Account, r.Region)
	var ports []*portfolio
	for _, id := range st.acceptOrder {
		port := c.portfolio(r.Region, id)
		if st.accepted[id] == typ && c.portfolioVisible(st, port) {
			ports = append(ports, port)
		}
	}
	return portfolioPage(ports, in.pagedInput)
}

func (c *Catalog) listPortfolios(r *wire.Request, in *pagedInput) (any, error) {
	var ports []*portfolio
	if rc := c.regions[r.Region]; rc != nil {
		for _, port := range rc.portfolios {
			if port.owner == r.Caller.Account {
				ports = append(ports, port)
			}
		}
	}
	return portfolioPage(ports, *in)
}

func portfolioPage(ports []*portfolio, in pagedInput) (any, error) {
	pg, next, err := page(ports, in, 100)
	if err != nil {
		return nil, err
	}
	out := listPortfoliosOutput{NextPageToken: next, PortfolioDetails: []portfolioDetail{}}
	for _, port := range pg {
		out.PortfolioDetails = append(out.PortfolioDetails, port.detail())
	}
	return out, nil
}

func (port *portfolio) detail() portfolioDetail {
	return portfolioDetail{
		ARN:          port.arn,
		CreatedTime:  stamp(port.created),
		Description:  str(port.description),
		DisplayName:  port.name,
		ID:           port.id,
		ProviderName: str(port.provider),
	}
}

func (c *Catalog) describePortfolio(r *wire.Request, in *idInput) (any, error) {
	port, err := c.visiblePortfolio(c.state(r.Caller.Account, r.Region), in.ID)
	if err != nil {
		return nil, err
	}
	return struct {
		Budgets         []struct{}      `json:"Budgets"`
		PortfolioDetail portfolioDetail `json:"PortfolioDetail"`
		TagOptions      []struct{}      `json:"TagOptions"`
		Tags            []tagShape      `json:"Tags"`
	}{[]struct{}{}, port.detail(), []struct{}{}, []tagShape{}}, nil
}

func (c *Catalog) associatePrincipal(r *wire.Request, in *principalInput) (any, error) {
	st := c.state(r.Caller.Account, r.Region)
	port, err := c.visiblePortfolio(st, in.PortfolioID)
	if err != nil {
		return nil, err
	}
	if err := required("PrincipalARN", in.PrincipalARN); err != nil {
		return nil, err
	}
	switch in.PrincipalType {
	case principalIAM:
		m := iamARNRe.FindStringSubmatch(in.PrincipalARN)
		if m == nil {
			return nil, invalidParams("PrincipalARN %q is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>); use PrincipalType IAM_PATTERN for an ARN without account ID", in.PrincipalARN)
		}
		if m[1] != r.Caller.Account {
			return nil, invalidParams("PrincipalARN %q belongs to account %s; principals must be in the calling account %s", in.PrincipalARN, m[1], r.Caller.Account)
		}
		if !c.principalExists(m[1], m[2], m[3]) {
			return nil, invalidParams("Principal %s does not exist", in.PrincipalARN)
		}
	case principalPattern:
		if !iamPatternARNRe.MatchString(in.PrincipalARN) {
			return nil, invalidParams("PrincipalARN %q is not an IAM_PATTERN ARN (arn:aws:iam:::role/<name or pattern>, without account ID)", in.PrincipalARN)
		}
	case "":
		return nil, invalidParams("PrincipalType is required: IAM or IAM_PATTERN")
	default:
		return nil, invalidParams("PrincipalType %q is not IAM or IAM_PATTERN", in.PrincipalType)
	}
	pr := principal{typ: in.PrincipalType, arn: in.PrincipalARN}
	current := st.principals[port.id]
	if slices.Contains(current, pr) {
		return struct{}{}, nil
	}
	if pr.typ == principalPattern {
		n := 0
		for _, p := range current {
			if p.typ == principalPattern {
				n++
			}
		}
		if n >= maxPatterns {
			return nil, wire.Errorf(codeLimitExceeded, "Portfolio %s already has %d IAM_PATTERN principals; a portfolio allows at most %d", port.id, maxPatterns, maxPatterns)
		}
	}
	st.principals[port.id] = append(current, pr)
	st.associatedAt[associationKey(port.id, pr)] = r.Now
	return struct{}{}, nil
}

// principalExists checks an IAM principal against the organization. Roles
// come from the directory; the only user is the emulator's administrator.
func (c *Catalog) principalExists(account, kind, name string) bool {
	if kind == "user" {
		return name == "admin"
	}
	base := name
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			base = name[i+1:]
			break
		}
	}
	return c.dir.RoleExists(account, base)
}

func (c *Catalog) disassociatePrincipal(r *wire.Request, in *principalInput) (any, error) {
	st := c.state(r.Caller.Account, r.Region)
	port, err := c.visiblePortfolio(st, in.PortfolioID)
	if err != nil {
		return nil, err
	}
	typ := in.PrincipalType
	if typ == "" {
		typ = principalIAM
	}
	pr := principal{typ: typ, arn: in.PrincipalARN}
	current := st.principals[port.id]
	i := slices.Index(current, pr)
	if i < 0 {
		return nil, notFound("Principal %s is not associated with portfolio %s.", in.PrincipalARN, port.id)
	}
	st.principals[port.id] = slices.Delete(slices.Clone(current), i, i+1)
	delete(st.associatedAt, associationKey(port.id, pr))
	return struct{}{}, nil
}

func (c *Catalog) listPrincipals(r *wire.Request, in *listPrincipalsInput) (any, error) {
	st := c.state(r.Caller.Account, r.Region)
	port, err := c.visiblePortfolio(st, in.PortfolioID)
	if err != nil {
		return nil, err
	}
	pg, next, err := page(st.principals[port.id], in.pagedInput, 20)
	if err != nil {
		return nil, err
	}
	out := struct {
		NextPageToken *string          `json:"NextPageToken,omitempty"`
		Principals    []principalShape `json:"Principals"`
	}{NextPageToken: next, Principals: []principalShape{}}
	for _, pr := range pg {
		out.Principals = append(out.Principals, principalShape{PrincipalARN: pr.arn, PrincipalType: pr.typ})
	}
	return out, nil
}
