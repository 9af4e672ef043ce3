package org

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
)

// AdministratorAccess is the identity policy of the AWS managed policy of
// that name: every action on every resource. Default roles and the
// management account's built-in administrator carry it.
const AdministratorAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// administratorAccess is AdministratorAccess, parsed once.
var administratorAccess = iampolicy.MustParse(AdministratorAccess)

// AdministratorPolicy returns AdministratorAccess, parsed. Policies are
// immutable, so every caller shares one.
func AdministratorPolicy() *iampolicy.Policy { return administratorAccess }

// TrustManagementAccount is the trust policy of the default member roles
// (AWSControlTowerExecution, OrganizationAccountAccessRole): the management
// account may assume them, subject to its principals' own policies.
func TrustManagementAccount(mgmt string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + mgmt + `:root"},"Action":"sts:AssumeRole"}]}`
}

// PolicyDocument is an IAM policy document in a world file: JSON text, or
// the same document written as YAML (a mapping), which is converted to
// JSON. Either way the document is checked with iampolicy.Parse when the
// world is validated.
type PolicyDocument string

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *PolicyDocument) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*d = PolicyDocument(n.Value)
		return nil
	case yaml.MappingNode:
		var doc any
		if err := n.Decode(&doc); err != nil {
			return err
		}
		b, err := json.Marshal(doc)
		if err != nil {
			return fmt.Errorf("line %d: policy document cannot be written as JSON: %w", n.Line, err)
		}
		*d = PolicyDocument(b)
		return nil
	}
	return fmt.Errorf("line %d: a policy document is JSON text or a YAML mapping", n.Line)
}

// ParseIdentityPolicy parses an identity-based policy, refusing what IAM
// refuses to attach (a Principal, a statement without Resource).
func ParseIdentityPolicy(doc string) (*iampolicy.Policy, error) {
	p, err := iampolicy.Parse([]byte(doc))
	if err == nil {
		err = p.CheckIdentity()
	}
	return p, err
}

// ParseResourcePolicy parses a resource-based policy (queue, topic, key
// policy) or a role trust policy, refusing statements without a principal.
func ParseResourcePolicy(doc string) (*iampolicy.Policy, error) {
	p, err := iampolicy.Parse([]byte(doc))
	if err == nil {
		err = p.CheckResource()
	}
	return p, err
}

// RoleSpec is an IAM role with its own policies, declared under an
// account's iamRoles.
type RoleSpec struct {
	// Name is the role name (1 to 64 of letters, digits and +=,.@_-).
	Name string `yaml:"name"`
	// TrustPolicy says who may assume the role (sts:AssumeRole): AWS
	// principals, or a service such as lambda.amazonaws.com for a function's
	// execution role. Required, as in IAM.
	TrustPolicy PolicyDocument `yaml:"trustPolicy"`
	// Policies are the role's identity policies (inline or managed, the
	// emulator does not tell them apart). None means the role may do nothing.
	Policies []PolicyDocument `yaml:"policies"`
}

// Role is an IAM role of the organization, with its policies parsed.
type Role struct {
	// Account is the account the role belongs to.
	Account string
	// Name is the role name.
	Name string
	// ARN is arn:aws:iam::<account>:role/<name>.
	ARN string
	// Trust is the trust policy.
	Trust *iampolicy.Policy
	// Policies are the identity policies.
	Policies []*iampolicy.Policy
}

// validateRoles checks an account's iamRoles (path is the account's),
// parsing each policy as IAM would attach it.
func validateRoles(path string, roles []RoleSpec, add func(path, format string, args ...any)) {
	seen := map[string]int{}
	for i, r := range roles {
		rp := fmt.Sprintf("%s.iamRoles[%d]", path, i)
		switch j, dup := seen[r.Name]; {
		case r.Name == "":
			add(rp+".name", "is required (the role name, e.g. LandfallWorker)")
		case !roleNamePattern.MatchString(r.Name):
			add(rp+".name", "%q is not an IAM role name (1 to 64 of letters, digits and +=,.@_-)", r.Name)
		case dup:
			add(rp+".name", "%q is already declared by iamRoles[%d]", r.Name, j)
		default:
			seen[r.Name] = i
		}
		if strings.TrimSpace(string(r.TrustPolicy)) == "" {
			add(rp+".trustPolicy", `is required: say who may assume the role, e.g. {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`)
		} else if _, err := ParseResourcePolicy(string(r.TrustPolicy)); err != nil {
			add(rp+".trustPolicy", "%v", err)
		}
		for j, p := range r.Policies {
			if _, err := ParseIdentityPolicy(string(p)); err != nil {
				add(fmt.Sprintf("%s.policies[%d]", rp, j), "%v", err)
			}
		}
	}
}

// policyCache parses policy documents once per distinct text: AddAccount
// rebuilds the model, and re-parsing every role of every account each time
// would make adding accounts quadratic in parsing.
type policyCache map[string]*iampolicy.Policy

// parse returns the parsed document; the spec was validated, so errors are
// bugs and reported as such.
func (c policyCache) parse(doc string) (*iampolicy.Policy, error) {
	if p, ok := c[doc]; ok {
		return p, nil
	}
	p, err := iampolicy.Parse([]byte(doc))
	if err != nil {
		return nil, fmt.Errorf("parse validated policy: %w", err)
	}
	c[doc] = p
	return p, nil
}

// buildRoles returns the roles of account a: the ones it names (with the
// default trust and AdministratorAccess) and its iamRoles, which replace a
// named or default role of the same name.
func (c policyCache) buildRoles(a *AccountSpec, defaultTrust *iampolicy.Policy) (map[string]*Role, error) {
	roles := make(map[string]*Role, len(a.Roles)+len(a.IAMRoles))
	for _, name := range a.Roles {
		roles[name] = &Role{Account: a.ID, Name: name, ARN: roleARN(a.ID, name), Trust: defaultTrust, Policies: []*iampolicy.Policy{administratorAccess}}
	}
	var errs []error
	for _, rs := range a.IAMRoles {
		role := &Role{Account: a.ID, Name: rs.Name, ARN: roleARN(a.ID, rs.Name)}
		var err error
		if role.Trust, err = c.parse(string(rs.TrustPolicy)); err != nil {
			errs = append(errs, err)
		}
		for _, doc := range rs.Policies {
			p, err := c.parse(string(doc))
			errs = append(errs, err)
			role.Policies = append(role.Policies, p)
		}
		roles[rs.Name] = role
	}
	return roles, errors.Join(errs...)
}

func roleARN(account, name string) string { return "arn:aws:iam::" + account + ":role/" + name }

// Role returns the IAM role name of account, with its policies. Roles are
// immutable: callers share them.
func (o *Organization) Role(account, name string) (*Role, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	r, ok := o.roles[account][name]
	return r, ok
}

// roleNames returns the names of the roles of a: its named roles, then its
// iamRoles not already named.
func roleNames(a *AccountSpec) []string {
	names := slices.Clone(a.Roles)
	for _, r := range a.IAMRoles {
		if !slices.Contains(names, r.Name) {
			names = append(names, r.Name)
		}
	}
	return names
}
