// Package catalog emulates AWS Service Catalog for the local AWS: portfolios
// owned by one account and shared with the organization, per-account share
// acceptance and principal association, product discovery, and provisioned
// products whose records move through their lifecycle as the emulator's
// clock advances.
//
// Everything is per account and per region, as in AWS: accepting a share in
// us-east-1 does nothing in us-west-2, and a product provisioned by one
// account is invisible to another.
package catalog

import (
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// Directory is what the catalog needs to know about the organization. The
// org package's *Organization satisfies it.
type Directory interface {
	// ManagementAccount returns the organization's management account ID.
	ManagementAccount() string
	// IsMember reports whether account is a member account of the
	// organization (not its management account).
	IsMember(account string) bool
	// Ancestors returns the parents of an account (OUs, nearest first, then
	// the root); a share with an OU or root reaches every account below it.
	Ancestors(id string) []string
	// RoleExists reports whether the IAM role role exists in account.
	RoleExists(account, role string) bool
	// JoinedAt returns when account joined the organization, and whether it
	// is in the organization at all.
	JoinedAt(account string) (time.Time, bool)
	// ID returns the organization's ID (o-...), the principal of a share
	// with the whole organization.
	ID() string
}

// Options tunes the catalog.
type Options struct {
	// ShareDelay, when set, returns how long after joining the organization
	// an account must wait before the organization's portfolio shares reach
	// it in a region (AWS propagates shares asynchronously). During the delay
	// accepting answers ResourceNotFoundException.
	ShareDelay func(account, region string) time.Duration
	// AssociationDelay, when set, returns how long an association made with
	// AssociatePrincipalWithPortfolio takes to reach end-user calls in an
	// account and region (AWS propagates it asynchronously). Until then the
	// portfolio's products are not found.
	AssociationDelay func(account, region string) time.Duration
}

// Catalog is the emulated Service Catalog of every account and region. It
// implements wire.Service and is safe for concurrent use.
type Catalog struct {
	dir     Directory
	opts    Options
	regions map[string]*regionCatalog

	mu     sync.Mutex
	states map[stateKey]*accountState
	// now is the time of the request being served; operations run one at a
	// time under mu, so the association-delay check can read it.
	now time.Time
}

var _ wire.Service = (*Catalog)(nil)

type stateKey struct{ account, region string }

// regionCatalog is the static catalog of one region, built from the spec.
type regionCatalog struct {
	region          string
	portfolios      []*portfolio
	portfolioByID   map[string]*portfolio
	products        []*product
	productByID     map[string]*product
	productByViewID map[string]*product
}

// productsNamed returns the region's products named name, of every
// account, in spec order: a name is not an identity.
func (rc *regionCatalog) productsNamed(name string) []*product {
	var out []*product
	for _, prod := range rc.products {
		if prod.name == name {
			out = append(out, prod)
		}
	}
	return out
}

type portfolio struct {
	id, name, owner, provider, description string
	arn                                    string
	created                                time.Time
	shares                                 []string
	products                               []*product
	principals                             []principal
}

type product struct {
	id, viewID, name, owner, distributor string
	description, supportEmail, typ       string
	account, arn                         string
	created                              time.Time
	artifacts                            []*artifact
	paths                                []*launchPath
}

// launchPath is a product's path through one portfolio that lists it. As in
// AWS, it is named after its portfolio: its ID is the portfolio's ID and its
// name the portfolio's display name.
type launchPath struct {
	id, name  string
	portfolio *portfolio
}

type artifact struct {
	id, name, description string
	created               time.Time
	active                bool
	guidance              string
	params                []parameter
	prov                  ProvisioningSpec
	outputs               map[string]string
}

type parameter struct {
	ParameterSpec
	pattern *regexp.Regexp
}

type principal struct {
	typ, arn string
}

// New builds the catalog described by spec. It validates the spec itself, so
// a Go test building a Spec by hand gets the same path-named errors as a
// world file, and checks portfolio owners against the organization.
func New(spec Spec, dir Directory, opts Options) (*Catalog, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("catalog spec: %w", err)
	}
	if dir == nil {
		return nil, fmt.Errorf("catalog: a Directory is required")
	}
	mgmt := dir.ManagementAccount()
	c := &Catalog{
		dir:     dir,
		opts:    opts,
		regions: map[string]*regionCatalog{},
		states:  map[stateKey]*accountState{},
	}
	var p problems
	for ri, rs := range spec.Regions {
		rc := buildRegion(rs, mgmt)
		for i, port := range rc.portfolios {
			if port.owner != mgmt && !dir.IsMember(port.owner) {
				p.add(fmt.Sprintf("regions[%d].portfolios[%d].owner", ri, i), "account %s is not in the organization", port.owner)
			}
		}
		for i, prod := range rc.products {
			if prod.account != mgmt && !dir.IsMember(prod.account) {
				p.add(fmt.Sprintf("regions[%d].products[%d].account", ri, i), "account %s is not in the organization", prod.account)
			}
		}
		c.regions[rs.Region] = rc
		for i, port := range rc.portfolios {
			for j, prod := range port.products {
				if prod.account != port.owner && !c.importable(rc, prod, port.owner) {
					p.add(fmt.Sprintf("regions[%d].portfolios[%d].products[%d]", ri, i, j),
						"product %s is owned by %s and no portfolio of that account listing it is shared with %s; a portfolio lists its owner's products, or products imported from a share with its owner",
						prod.id, ownerName(prod.account, mgmt), ownerName(port.owner, mgmt))
				}
			}
		}
	}
	if len(p) > 0 {
		return nil, fmt.Errorf("catalog spec: %w", errors.Join(p...))
	}
	return c, nil
}

// importable reports whether account can import prod: a portfolio of the
// product's own account lists it and is shared with account.
func (c *Catalog) importable(rc *regionCatalog, prod *product, account string) bool {
	for _, port := range rc.portfolios {
		if port.owner == prod.account && slices.Contains(port.products, prod) && len(c.shareTypes(port, account)) > 0 {
			return true
		}
	}
	return false
}

func buildRegion(rs RegionSpec, mgmt string) *regionCatalog {
	partition := region.Partition(rs.Region)
	rc := &regionCatalog{
		region:          rs.Region,
		portfolioByID:   map[string]*portfolio{},
		productByID:     map[string]*product{},
		productByViewID: map[string]*product{},
	}
	for _, ps := range rs.Products {
		prod := &product{
			id:           ps.ID,
			viewID:       generatedID("prodview-", rs.Region, ps.ID),
			name:         ps.Name,
			owner:        ps.Owner,
			distributor:  ps.Distributor,
			description:  ps.Description,
			supportEmail: ps.SupportEmail,
			typ:          productTypeCFN,
			account:      ps.Account,
		}
		if prod.account == "" {
			prod.account = mgmt
		}
		for _, as := range ps.Artifacts {
			a := &artifact{
				id:          as.ID,
				name:        as.Name,
				description: as.Description,
				created:     as.Created,
				active:      as.Active == nil || *as.Active,
				guidance:    as.Guidance,
				prov:        as.Provisioning,
				outputs:     as.Outputs,
			}
			if a.guidance == "" {
				a.guidance = guidanceDefault
			}
			for _, param := range as.Parameters {
				pm := parameter{ParameterSpec: param}
				if pm.Type == "" {
					pm.Type = "String"
				}
				if param.AllowedPattern != "" {
					pm.pattern, _ = compilePattern(param.AllowedPattern) // validated
				}
				a.params = append(a.params, pm)
			}
			if prod.created.IsZero() || a.created.Before(prod.created) {
				prod.created = a.created
			}
			prod.artifacts = append(prod.artifacts, a)
		}
		rc.products = append(rc.products, prod)
		rc.productByID[prod.id] = prod
		rc.productByViewID[prod.viewID] = prod
	}
	for _, ps := range rs.Portfolios {
		owner := ps.Owner
		if owner == "" {
			owner = mgmt
		}
		port := &portfolio{
			id:          ps.ID,
			name:        ps.Name,
			owner:       owner,
			provider:    ps.ProviderName,
			description: ps.Description,
			created:     ps.Created,
			shares:      ps.Shares,
			arn:         fmt.Sprintf("arn:%s:catalog:%s:%s:portfolio/%s", partition, rs.Region, owner, ps.ID),
		}
		for _, pr := range ps.Principals {
			port.principals = append(port.principals, principal{typ: pr.Type, arn: pr.ARN})
		}
		for _, id := range ps.Products {
			port.products = append(port.products, rc.productByID[id])
		}
		rc.portfolios = append(rc.portfolios, port)
		rc.portfolioByID[port.id] = port
	}
	for _, prod := range rc.products {
		prod.arn = fmt.Sprintf("arn:%s:catalog:%s:%s:product/%s", partition, rs.Region, prod.account, prod.id)
		for _, port := range rc.portfolios {
			if slices.Contains(port.products, prod) {
				prod.paths = append(prod.paths, &launchPath{id: port.id, name: port.name, portfolio: port})
			}
		}
	}
	return rc
}

// SigningName implements wire.Service.
func (c *Catalog) SigningName() string { return "servicecatalog" }

// Protocol implements wire.Service.
func (c *Catalog) Protocol() wire.Protocol { return wire.JSON11 }

// TargetPrefix implements wire.Service.
func (c *Catalog) TargetPrefix() string { return "AWS242ServiceCatalogService" }

// XMLNamespace implements wire.Service.
func (c *Catalog) XMLNamespace() string { return "" }

// Operations implements wire.Service.
func (c *Catalog) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{
		"AcceptPortfolioShare":               handle(c, c.acceptPortfolioShare),
		"RejectPortfolioShare":               handle(c, c.rejectPortfolioShare),
		"ListAcceptedPortfolioShares":        handle(c, c.listAcceptedPortfolioShares),
		"ListPortfolios":                     handle(c, c.listPortfolios),
		"DescribePortfolio":                  handle(c, c.describePortfolio),
		"AssociatePrincipalWithPortfolio":    handle(c, c.associatePrincipal),
		"DisassociatePrincipalFromPortfolio": handle(c, c.disassociatePrincipal),
		"ListPrincipalsForPortfolio":         handle(c, c.listPrincipals),
		"SearchProducts":                     handle(c, c.searchProducts),
		"DescribeProduct":                    handle(c, c.describeProduct),
		"DescribeProductAsAdmin":             handle(c, c.describeProductAsAdmin),
		"SearchProductsAsAdmin":              handle(c, c.searchProductsAsAdmin),
		"DescribePortfolioShares":            handle(c, c.describePortfolioShares),
		"ListProvisioningArtifacts":          handle(c, c.listProvisioningArtifacts),
		"DescribeProvisioningArtifact":       handle(c, c.describeProvisioningArtifact),
		"ListLaunchPaths":                    handle(c, c.listLaunchPaths),
		"DescribeProvisioningParameters":     handle(c, c.describeProvisioningParameters),
		"ProvisionProduct":                   handle(c, c.provisionProduct),
		"UpdateProvisionedProduct":           handle(c, c.updateProvisionedProduct),
		"TerminateProvisionedProduct":        handle(c, c.terminateProvisionedProduct),
		"DescribeRecord":                     handle(c, c.describeRecord),
		"ListRecordHistory":                  handle(c, c.listRecordHistory),
		"DescribeProvisionedProduct":         handle(c, c.describeProvisionedProduct),
		"SearchProvisionedProducts":          handle(c, c.searchProvisionedProducts),
		"ScanProvisionedProducts":            handle(c, c.scanProvisionedProducts),
		"GetProvisionedProductOutputs":       handle(c, c.getProvisionedProductOutputs),
	}
}

// accountState is what one account has done in one region.
type accountState struct {
	account, region string
	seq             int
	// accepted maps a portfolio ID to the share type it was accepted with.
	accepted    map[string]string
	acceptOrder []string
	principals  map[string][]principal
	// associatedAt records when each association was made (key from
	// associationKey), for Options.AssociationDelay.
	associatedAt map[string]time.Time
	products     []*provisioned
	records      []*record
	recordByID   map[string]*record
	// Tokens are per operation, as AWS keeps them per API.
	provisionTokens map[string]*record
	updateTokens    map[string]*record
	terminateTokens map[string]*record
}

// state returns the account's state in the region, creating it on first use.
// The caller holds c.mu.
func (c *Catalog) state(account, reg string) *accountState {
	key := stateKey{account, reg}
	if st, ok := c.states[key]; ok {
		return st
	}
	st := &accountState{
		account:         account,
		region:          reg,
		accepted:        map[string]string{},
		principals:      map[string][]principal{},
		associatedAt:    map[string]time.Time{},
		recordByID:      map[string]*record{},
		provisionTokens: map[string]*record{},
		updateTokens:    map[string]*record{},
		terminateTokens: map[string]*record{},
	}
	if rc := c.regions[reg]; rc != nil {
		for _, port := range rc.portfolios {
			if port.owner == account && len(port.principals) > 0 {
				st.principals[port.id] = slices.Clone(port.principals)
			}
		}
	}
	c.states[key] = st
	return st
}

// nextID returns a new ID that is unique in the account and region and the
// same from run to run, so golden outputs stay stable.
func (st *accountState) nextID(prefix string) string {
	st.seq++
	return generatedID(prefix, st.account, st.region, strconv.Itoa(st.seq))
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// generatedID derives an AWS-looking ID (prefix + 13 lower-case characters)
// from parts.
func generatedID(prefix string, parts ...string) string {
	sum := sha256.Sum256([]byte(prefix + "\x00" + strings.Join(parts, "\x00")))
	return prefix + idEncoding.EncodeToString(sum[:])[:13]
}
