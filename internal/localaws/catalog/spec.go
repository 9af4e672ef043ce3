package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/region"
)

// Spec is the catalog section of a world file: per region, the portfolios and
// products that exist before anything is provisioned. Every region is
// independent, as in AWS: the same product name in two regions is two products
// with two IDs.
type Spec struct {
	// Regions lists the regions that have a catalog. Regions not listed have
	// an empty one.
	Regions []RegionSpec `yaml:"regions"`
}

// RegionSpec is the catalog of one region.
type RegionSpec struct {
	// Region is the region code, e.g. us-east-1.
	Region string `yaml:"region"`
	// Portfolios are the region's portfolios.
	Portfolios []PortfolioSpec `yaml:"portfolios"`
	// Products are the region's products; a product is reachable by end users
	// only through the portfolios that list it, one launch path per
	// portfolio, whose ID and name are the portfolio's.
	Products []ProductSpec `yaml:"products"`
}

// PortfolioSpec is one portfolio.
type PortfolioSpec struct {
	// ID is the portfolio ID, e.g. port-ue1baseline0.
	ID string `yaml:"id"`
	// Name is the portfolio's display name.
	Name string `yaml:"name"`
	// Owner is the account that owns the portfolio; empty means the
	// organization's management account.
	Owner string `yaml:"owner"`
	// ProviderName is the portfolio's provider name.
	ProviderName string `yaml:"providerName"`
	// Description is the portfolio's description.
	Description string `yaml:"description"`
	// Created is when the portfolio was created; the zero value shows as the
	// Unix epoch.
	Created time.Time `yaml:"created"`
	// Shares lists who the portfolio is shared with: "organization" (every
	// member account), an OU or root ID (every account below it), or an
	// account ID (a direct account share, accepted with type IMPORTED).
	Shares []string `yaml:"shares"`
	// Products lists the IDs of the products in the portfolio: products its
	// owner owns, or products another account shares with the owner through
	// a portfolio of its own (imported products, which a recipient's
	// administrator may add to a local portfolio, as AWS allows).
	Products []string `yaml:"products"`
	// Principals are principals of the owner account already associated with
	// the portfolio, e.g. a member account's AWSControlTowerExecution role
	// associated with a portfolio local to that account.
	Principals []PrincipalSpec `yaml:"principals"`
}

// PrincipalSpec is a principal associated with a portfolio.
type PrincipalSpec struct {
	// Type is IAM (a full role or user ARN) or IAM_PATTERN (an ARN without
	// account ID, e.g. arn:aws:iam:::role/Admin*).
	Type string `yaml:"type"`
	// ARN is the principal ARN or pattern.
	ARN string `yaml:"arn"`
}

// ProductSpec is one product.
type ProductSpec struct {
	// ID is the product ID, e.g. prod-ue1basevpc01.
	ID string `yaml:"id"`
	// Name is the product name, unique among the products of its account in
	// its region. Another account may own a product of the same name: a
	// member account's administrator can create a local product named like
	// the one the organization shares.
	Name string `yaml:"name"`
	// Account is the account that owns (created) the product; empty means
	// the organization's management account.
	Account string `yaml:"account"`
	// Owner is the product's owner as end users see it (a team name, not an
	// account; see Account).
	Owner string `yaml:"owner"`
	// Distributor is the product's distributor.
	Distributor string `yaml:"distributor"`
	// Description is the product's short description.
	Description string `yaml:"description"`
	// SupportEmail is the product's support e-mail address.
	SupportEmail string `yaml:"supportEmail"`
	// Type is the product type; only CLOUD_FORMATION_TEMPLATE (the default) is emulated.
	Type string `yaml:"type"`
	// Artifacts are the product's versions (provisioning artifacts).
	Artifacts []ArtifactSpec `yaml:"artifacts"`
}

// ArtifactSpec is one version of a product.
type ArtifactSpec struct {
	// ID is the provisioning artifact ID, e.g. pa-ue1basevpc10.
	ID string `yaml:"id"`
	// Name is the version name, e.g. v2.0, unique within the product.
	Name string `yaml:"name"`
	// Description is the version's description.
	Description string `yaml:"description"`
	// Created is the version's creation time; "latest" means newest Created.
	Created time.Time `yaml:"created"`
	// Active is false for a version hidden from end users; nil means true.
	Active *bool `yaml:"active"`
	// Guidance is DEFAULT (the default) or DEPRECATED (no new provisioning).
	Guidance string `yaml:"guidance"`
	// Parameters are the template's parameters.
	Parameters []ParameterSpec `yaml:"parameters"`
	// Provisioning says how long provisioning takes and how it ends.
	Provisioning ProvisioningSpec `yaml:"provisioning"`
	// Outputs are the stack outputs a successful provisioning reports. Values
	// may reference parameters and pseudo parameters as CloudFormation's
	// Fn::Sub does: ${VpcCidr}, ${AWS::AccountId}, ${AWS::Region},
	// ${AWS::StackName}.
	Outputs map[string]string `yaml:"outputs"`
}

// ParameterSpec is one template parameter.
type ParameterSpec struct {
	// Key is the parameter name (alphanumeric).
	Key string `yaml:"key"`
	// Type is the CloudFormation parameter type; empty means String.
	Type string `yaml:"type"`
	// Default is the default value; nil means the parameter is required. A
	// pointer, because an empty default ("") is a default.
	Default *string `yaml:"default"`
	// AllowedValues restricts the value to a list.
	AllowedValues []string `yaml:"allowedValues"`
	// AllowedPattern is a regular expression the whole value must match.
	AllowedPattern string `yaml:"allowedPattern"`
	// ConstraintDescription explains the constraints to users.
	ConstraintDescription string `yaml:"constraintDescription"`
	// Description is the parameter's description.
	Description string `yaml:"description"`
	// NoEcho marks a secret parameter.
	NoEcho bool `yaml:"noEcho"`
}

// ProvisioningSpec describes how provisioning an artifact plays out.
type ProvisioningSpec struct {
	// Duration is how long provisioning (or an update to this version) takes;
	// zero means one minute.
	Duration time.Duration `yaml:"duration"`
	// TerminateDuration is how long terminating a product on this version
	// takes; zero means one minute.
	TerminateDuration time.Duration `yaml:"terminateDuration"`
	// Outcome is SUCCEEDED (the default) or FAILED.
	Outcome string `yaml:"outcome"`
	// Error is the record error description of a failed provisioning.
	Error string `yaml:"error"`
	// TerminateOutcome is how terminating a product on this version ends:
	// SUCCEEDED (the default) or FAILED (its stack could not be deleted,
	// say a bucket that is not empty); TerminateError is the record error
	// description then.
	TerminateOutcome string `yaml:"terminateOutcome"`
	TerminateError   string `yaml:"terminateError"`
	// Accounts overrides the outcome for some accounts, keyed by account ID.
	Accounts map[string]OutcomeSpec `yaml:"accounts"`
}

// OutcomeSpec overrides how provisioning plays out in one account.
type OutcomeSpec struct {
	// Outcome is SUCCEEDED or FAILED; empty keeps the artifact's outcome.
	Outcome string `yaml:"outcome"`
	// Error is the record error description; empty keeps the artifact's.
	Error string `yaml:"error"`
	// Duration replaces the artifact's duration when non-zero.
	Duration time.Duration `yaml:"duration"`
	// TerminateOutcome and TerminateError replace the artifact's when set.
	TerminateOutcome string `yaml:"terminateOutcome"`
	TerminateError   string `yaml:"terminateError"`
}

const (
	guidanceDefault    = "DEFAULT"
	guidanceDeprecated = "DEPRECATED"
	outcomeSucceeded   = "SUCCEEDED"
	outcomeFailed      = "FAILED"
	productTypeCFN     = "CLOUD_FORMATION_TEMPLATE"
	principalIAM       = "IAM"
	principalPattern   = "IAM_PATTERN"
	shareOrganization  = "organization"
	defaultDuration    = time.Minute
	maxPatterns        = 10
)

var (
	idChars         = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
	accountIDRe     = regexp.MustCompile(`^[0-9]{12}$`)
	ouIDRe          = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	rootIDRe        = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
	parameterKeyRe  = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)
	outputKeyRe     = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)
	substitutionRe  = regexp.MustCompile(`\$\{([^}]*)\}`)
	iamARNRe        = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):(role|user)/(.+)$`)
	iamPatternARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam:::(role|user)/(.+)$`)
	parameterTypes  = []string{"String", "Number", "CommaDelimitedList", "List<Number>"}
	pseudoParams    = []string{"AWS::AccountId", "AWS::Region", "AWS::StackName", "AWS::Partition"}
)

// problems collects validation errors, each prefixed with its path.
type problems []error

func (p *problems) add(path, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

// Validate checks the spec and reports every problem at once, each naming its
// path relative to the section, e.g.
// regions[1].products[0].artifacts[2].guidance: "DEPRECATE" is not DEFAULT or DEPRECATED.
func (s Spec) Validate() error {
	var p problems
	seenRegions := map[string]int{}
	for ri, r := range s.Regions {
		rp := fmt.Sprintf("regions[%d]", ri)
		switch {
		case r.Region == "":
			p.add(rp+".region", "required (a region code such as us-east-1)")
		case !region.Known(r.Region):
			p.add(rp+".region", "%q is not an AWS region code", r.Region)
		default:
			if prev, dup := seenRegions[r.Region]; dup {
				p.add(rp+".region", "%s is already described by regions[%d]; merge the two entries", r.Region, prev)
			} else {
				seenRegions[r.Region] = ri
			}
		}
		r.validate(rp, &p)
	}
	return errors.Join(p...)
}

func (r RegionSpec) validate(rp string, p *problems) {
	productIndex := map[string]int{}
	// productNames maps an owning account and a name to the product's index:
	// names are unique per account, not per region.
	productNames := map[[2]string]int{}
	for i, prod := range r.Products {
		path := fmt.Sprintf("%s.products[%d]", rp, i)
		if checkID(path+".id", prod.ID, "prod-", p) {
			if prev, dup := productIndex[prod.ID]; dup {
				p.add(path+".id", "%s is already used by %s.products[%d]; product IDs must be unique in a region", prod.ID, rp, prev)
			} else {
				productIndex[prod.ID] = i
			}
		}
		if prod.Account != "" && !accountIDRe.MatchString(prod.Account) {
			p.add(path+".account", "%q is not a 12-digit account ID (leave it empty for the management account)", prod.Account)
		}
		key := [2]string{prod.Account, prod.Name}
		if prod.Name == "" {
			p.add(path+".name", "required (the name end users search for)")
		} else if prev, dup := productNames[key]; dup {
			p.add(path+".name", "%q is already used by %s.products[%d]; product names must be unique among an account's products", prod.Name, rp, prev)
		} else {
			productNames[key] = i
		}
	}

	portfolioIndex := map[string]int{}
	for i, port := range r.Portfolios {
		path := fmt.Sprintf("%s.portfolios[%d]", rp, i)
		if checkID(path+".id", port.ID, "port-", p) {
			if prev, dup := portfolioIndex[port.ID]; dup {
				p.add(path+".id", "%s is already used by %s.portfolios[%d]; portfolio IDs must be unique in a region", port.ID, rp, prev)
			} else {
				portfolioIndex[port.ID] = i
			}
		}
		if port.Name == "" {
			p.add(path+".name", "required (the portfolio's display name)")
		} else if len(port.Name) > 100 {
			p.add(path+".name", "longer than 100 characters")
		}
		validOwner := port.Owner == "" || accountIDRe.MatchString(port.Owner)
		if !validOwner {
			p.add(path+".owner", "%q is not a 12-digit account ID (leave it empty for the management account)", port.Owner)
		}
		seenShares := map[string]bool{}
		for j, share := range port.Shares {
			sp := fmt.Sprintf("%s.shares[%d]", path, j)
			if !validShare(share) {
				p.add(sp, "%q is not %q, an OU ID (ou-...), a root ID (r-...) or a 12-digit account ID", share, shareOrganization)
			}
			if seenShares[share] {
				p.add(sp, "%q is listed twice", share)
			}
			seenShares[share] = true
		}
		seenProducts := map[string]bool{}
		for j, id := range port.Products {
			pp := fmt.Sprintf("%s.products[%d]", path, j)
			if _, ok := productIndex[id]; !ok {
				p.add(pp, "product %q is not defined in %s.products", id, rp)
				continue
			}
			if seenProducts[id] {
				p.add(pp, "product %q is listed twice", id)
				continue
			}
			seenProducts[id] = true
		}
		patterns := 0
		for j, pr := range port.Principals {
			pp := fmt.Sprintf("%s.principals[%d]", path, j)
			switch pr.Type {
			case principalIAM:
				m := iamARNRe.FindStringSubmatch(pr.ARN)
				if m == nil {
					p.add(pp+".arn", "%q is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)", pr.ARN)
				} else if port.Owner != "" && m[1] != port.Owner {
					p.add(pp+".arn", "%q belongs to account %s, not to the portfolio's owner %s", pr.ARN, m[1], port.Owner)
				}
			case principalPattern:
				patterns++
				if !iamPatternARNRe.MatchString(pr.ARN) {
					p.add(pp+".arn", "%q is not an IAM_PATTERN ARN (arn:aws:iam:::role/<name or pattern>, no account ID)", pr.ARN)
				}
			default:
				p.add(pp+".type", "%q is not IAM or IAM_PATTERN", pr.Type)
			}
		}
		if patterns > maxPatterns {
			p.add(path+".principals", "%d IAM_PATTERN principals; a portfolio allows at most %d", patterns, maxPatterns)
		}
	}

	artifactIDs := map[string]string{}
	for i, prod := range r.Products {
		path := fmt.Sprintf("%s.products[%d]", rp, i)
		if prod.Type != "" && prod.Type != productTypeCFN {
			p.add(path+".type", "%q is not supported; only %s is emulated", prod.Type, productTypeCFN)
		}
		if len(prod.Artifacts) == 0 {
			p.add(path+".artifacts", "at least one artifact (version) is required")
		}
		names := map[string]int{}
		for j, a := range prod.Artifacts {
			ap := fmt.Sprintf("%s.artifacts[%d]", path, j)
			if checkID(ap+".id", a.ID, "pa-", p) {
				if prev, dup := artifactIDs[a.ID]; dup {
					p.add(ap+".id", "%s is already used by %s; artifact IDs must be unique in a region", a.ID, prev)
				} else {
					artifactIDs[a.ID] = ap
				}
			}
			if a.Name == "" {
				p.add(ap+".name", "required (the version name, e.g. v1.0)")
			} else if prev, dup := names[a.Name]; dup {
				p.add(ap+".name", "%q is already used by %s.artifacts[%d]; version names must be unique in a product", a.Name, path, prev)
			} else {
				names[a.Name] = j
			}
			a.validate(ap, p)
		}
	}
}

func (a ArtifactSpec) validate(ap string, p *problems) {
	if a.Created.IsZero() {
		p.add(ap+".created", "required (RFC 3339 time, e.g. 2024-06-01T00:00:00Z); the newest active version is the latest")
	}
	if a.Guidance != "" && a.Guidance != guidanceDefault && a.Guidance != guidanceDeprecated {
		p.add(ap+".guidance", "%q is not %s or %s", a.Guidance, guidanceDefault, guidanceDeprecated)
	}
	keys := map[string]bool{}
	for k, param := range a.Parameters {
		pp := fmt.Sprintf("%s.parameters[%d]", ap, k)
		if !parameterKeyRe.MatchString(param.Key) {
			p.add(pp+".key", "%q is not a CloudFormation parameter name (letters and digits only)", param.Key)
		} else if keys[param.Key] {
			p.add(pp+".key", "%q is defined twice", param.Key)
		}
		keys[param.Key] = true
		if param.Type != "" && !slices.Contains(parameterTypes, param.Type) && !strings.HasPrefix(param.Type, "AWS::") {
			p.add(pp+".type", "%q is not one of %s or an AWS-specific type (AWS::...)", param.Type, strings.Join(parameterTypes, ", "))
		}
		var pattern *regexp.Regexp
		if param.AllowedPattern != "" {
			re, err := compilePattern(param.AllowedPattern)
			if err != nil {
				p.add(pp+".allowedPattern", "%q does not compile: %v", param.AllowedPattern, err)
			}
			pattern = re
		}
		if param.Default != nil {
			def := *param.Default
			if len(param.AllowedValues) > 0 && !slices.Contains(param.AllowedValues, def) {
				p.add(pp+".default", "%q is not one of allowedValues %v", def, param.AllowedValues)
			}
			// CloudFormation checks a default only when a launch uses it; a
			// default that can never pass fails every launch that omits the
			// parameter, so it is a world-file mistake.
			if pattern != nil && !pattern.MatchString(def) {
				p.add(pp+".default", "%q does not match allowedPattern %s", def, param.AllowedPattern)
			}
		}
	}
	prov := a.Provisioning
	pp := ap + ".provisioning"
	if prov.Duration < 0 {
		p.add(pp+".duration", "%s is negative", prov.Duration)
	}
	if prov.TerminateDuration < 0 {
		p.add(pp+".terminateDuration", "%s is negative", prov.TerminateDuration)
	}
	if prov.Outcome != "" && prov.Outcome != outcomeSucceeded && prov.Outcome != outcomeFailed {
		p.add(pp+".outcome", "%q is not %s or %s", prov.Outcome, outcomeSucceeded, outcomeFailed)
	}
	if o := prov.TerminateOutcome; o != "" && o != outcomeSucceeded && o != outcomeFailed {
		p.add(pp+".terminateOutcome", "%q is not %s or %s", o, outcomeSucceeded, outcomeFailed)
	}
	for _, acct := range sortedKeys(prov.Accounts) {
		o := prov.Accounts[acct]
		op := fmt.Sprintf("%s.accounts[%s]", pp, acct)
		if !accountIDRe.MatchString(acct) {
			p.add(op, "%q is not a 12-digit account ID", acct)
		}
		if o.Outcome != "" && o.Outcome != outcomeSucceeded && o.Outcome != outcomeFailed {
			p.add(op+".outcome", "%q is not %s or %s", o.Outcome, outcomeSucceeded, outcomeFailed)
		}
		if o.TerminateOutcome != "" && o.TerminateOutcome != outcomeSucceeded && o.TerminateOutcome != outcomeFailed {
			p.add(op+".terminateOutcome", "%q is not %s or %s", o.TerminateOutcome, outcomeSucceeded, outcomeFailed)
		}
		if o.Duration < 0 {
			p.add(op+".duration", "%s is negative", o.Duration)
		}
	}
	for _, key := range sortedKeys(a.Outputs) {
		op := fmt.Sprintf("%s.outputs[%s]", ap, key)
		if !outputKeyRe.MatchString(key) {
			p.add(op, "%q is not a CloudFormation output name (letters and digits only)", key)
		}
		for _, m := range substitutionRe.FindAllStringSubmatch(a.Outputs[key], -1) {
			if !keys[m[1]] && !slices.Contains(pseudoParams, m[1]) {
				p.add(op, "${%s} is neither a parameter of this version nor one of %s", m[1], strings.Join(pseudoParams, ", "))
			}
		}
	}
}

// checkID reports whether id is present and well-formed, adding a problem
// otherwise.
func checkID(path, id, prefix string, p *problems) bool {
	switch {
	case id == "":
		p.add(path, "required (an ID starting with %s)", prefix)
	case !strings.HasPrefix(id, prefix) || len(id) == len(prefix):
		p.add(path, "%q does not start with %s", id, prefix)
	case len(id) > 100 || !idChars.MatchString(id):
		p.add(path, "%q must be at most 100 letters, digits, '_' or '-'", id)
	default:
		return true
	}
	return false
}

func validShare(s string) bool {
	return s == shareOrganization || ouIDRe.MatchString(s) || rootIDRe.MatchString(s) || accountIDRe.MatchString(s)
}

func ownerName(acct, mgmt string) string {
	if acct == "" || acct == mgmt {
		return "the management account"
	}
	return "account " + acct
}

// compilePattern compiles a CloudFormation AllowedPattern, which must match
// the whole value (Java's Matcher.matches semantics).
func compilePattern(pattern string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:` + pattern + `)$`)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
