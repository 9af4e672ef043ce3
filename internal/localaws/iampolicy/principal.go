package iampolicy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/fielderror"
)

// Principal is who makes a request, for matching the Principal element of
// resource and trust policies.
type Principal struct {
	// AWS is the IAM identity: the role ARN arn:aws:iam::<acct>:role/<path+name>
	// for an assumed-role session (not the sts assumed-role ARN, which goes in
	// SessionARN), the user ARN for users, arn:aws:iam::<acct>:root for the
	// account's root user.
	//
	// A policy's Principal matches a session when it names the account, the
	// role or the session. A NotPrincipal exempts a session from its Deny only
	// when it names all three, and a user only when it names the user and the
	// account: AWS may check the account and the role before the session, so
	// the IAM User Guide tells authors to list each of them, and the emulator
	// holds policies to that.
	AWS string
	// SessionARN is arn:aws:sts::<acct>:assumed-role/<name>/<session> for
	// assumed roles, empty otherwise.
	SessionARN string
	// Account is the principal's 12-digit account. When empty, it is read
	// from the AWS ARN.
	Account string
	// Service is set instead of AWS for AWS service principals, e.g.
	// "lambda.amazonaws.com".
	Service string
}

// account is p's account, from Account or else its ARN.
func (p Principal) account() string {
	if p.Account != "" || p.AWS == "" {
		return p.Account
	}
	return arnAccount(p.AWS)
}

// arnAccount is the account part of an ARN, "" when it has none.
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", arnParts)
	if len(parts) != arnParts {
		return ""
	}
	return parts[4]
}

// principalMatch is how a Principal element matched a principal.
type principalMatch int

const (
	// noPrincipal: the element does not name the principal.
	noPrincipal principalMatch = iota
	// byAccount: the element names the principal's account, which delegates
	// to the account's identity-based policies.
	byAccount
	// byName: the element names the principal itself ("*", its user, role,
	// session or service).
	byName
)

// principalSet is a parsed Principal or NotPrincipal element.
type principalSet struct {
	everyone  bool     // "*" or {"AWS": "*"}
	accounts  []string // 12-digit IDs, from "123456789012" or its root ARN
	arns      []string // user, role, assumed-role and federated-user ARNs
	services  []string
	federated []string // parsed, never matched: the emulator has no federation
}

// principalKinds are the members of a Principal object the emulator reads.
var principalKinds = []string{"AWS", "Service", "Federated"}

// parsePrincipal decodes Principal or NotPrincipal, refusing NotPrincipal
// with Allow.
func (s *statement) parsePrincipal(m map[string]json.RawMessage, path string) error {
	raw, not, err := either(m, path, "Principal", "NotPrincipal")
	if err != nil || raw == nil {
		return err
	}
	field := path + ".Principal"
	if not {
		field = path + ".NotPrincipal"
		if s.effect == Allow {
			return fieldError(field, "", `with "Effect": "Allow" grants every principal but the ones named, including anonymous ones, and is not supported`,
				`use "Principal" with a Condition on aws:PrincipalArn instead, or "Effect": "Deny"`)
		}
	}
	ps, err := parsePrincipalSet(raw, field)
	if err != nil {
		return err
	}
	s.principal, s.notPrincipal = ps, not
	return nil
}

// parsePrincipalSet decodes "*" or an object of AWS, Service and Federated
// lists.
func parsePrincipalSet(raw json.RawMessage, field string) (*principalSet, error) {
	if fielderror.KindOf(raw) == fielderror.KindString {
		s, err := text(raw, field)
		if err != nil {
			return nil, err
		}
		if s != "*" {
			return nil, fieldError(field, s, "is not a principal", `use "*" or an object such as {"AWS": "arn:aws:iam::111111111111:root"} or {"Service": "lambda.amazonaws.com"}`)
		}
		return &principalSet{everyone: true}, nil
	}
	m, err := object(raw, field, principalKinds)
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, fieldError(field, "", "names no principal", `give "AWS", "Service" or "Federated"`)
	}
	ps := &principalSet{}
	for _, kind := range sortedKeys(m) {
		list, err := texts(m[kind], field+"."+kind)
		if err != nil {
			return nil, err
		}
		for i, v := range list {
			if err := ps.add(kind, v); err != nil {
				return nil, fieldError(fmt.Sprintf("%s.%s[%d]", field, kind, i), v, err.Error(), principalFix(kind))
			}
		}
	}
	return ps, nil
}

// principalFix says what a valid principal of kind looks like.
func principalFix(kind string) string {
	switch kind {
	case "AWS":
		return `use "*", an account ID, or the ARN of an account root, user, role or assumed-role session, with no wildcards`
	case "Service":
		return `use a service principal such as "lambda.amazonaws.com"`
	}
	return "use the ARN or name of an identity provider"
}

// add records one principal of kind.
func (ps *principalSet) add(kind, v string) error {
	if v == "" {
		return fmt.Errorf("is empty")
	}
	if kind == "AWS" && v == "*" {
		ps.everyone = true
		return nil
	}
	if strings.ContainsAny(v, "*?") {
		return fmt.Errorf("has a wildcard, which cannot match part of a principal")
	}
	switch kind {
	case "Service":
		ps.services = append(ps.services, v)
	case "Federated":
		ps.federated = append(ps.federated, v)
	default:
		return ps.addAWS(v)
	}
	return nil
}

// addAWS records an account ID or the ARN of an account root, user, role or
// session.
func (ps *principalSet) addAWS(v string) error {
	if isAccountID(v) {
		ps.accounts = append(ps.accounts, v)
		return nil
	}
	parts := strings.SplitN(v, ":", arnParts)
	if len(parts) != arnParts || parts[0] != "arn" || parts[1] == "" || parts[3] != "" || !isAccountID(parts[4]) {
		return fmt.Errorf("is not an account ID or an IAM or STS principal ARN")
	}
	switch service, resource := parts[2], parts[5]; {
	case service == "iam" && resource == "root":
		ps.accounts = append(ps.accounts, parts[4])
	case service == "iam" && (hasName(resource, "user/") || hasName(resource, "role/")),
		service == "sts" && (hasName(resource, "assumed-role/") || hasName(resource, "federated-user/")):
		ps.arns = append(ps.arns, v)
	default:
		return fmt.Errorf("is not the ARN of an account root, user, role or session")
	}
	return nil
}

// hasName reports whether resource is prefix followed by a name.
func hasName(resource, prefix string) bool {
	return strings.HasPrefix(resource, prefix) && len(resource) > len(prefix)
}

// isAccountID reports whether s is a 12-digit account ID.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// match says how the element names p.
func (ps *principalSet) match(p Principal) principalMatch {
	switch {
	case ps.everyone:
		return byName
	case p.Service != "":
		if slices.ContainsFunc(ps.services, func(s string) bool { return strings.EqualFold(s, p.Service) }) {
			return byName
		}
		return noPrincipal
	case p.AWS == "":
		return noPrincipal
	case slices.Contains(ps.arns, p.AWS), p.SessionARN != "" && slices.Contains(ps.arns, p.SessionARN):
		return byName
	case slices.Contains(ps.accounts, p.account()):
		return byAccount
	}
	return noPrincipal
}

// exempts reports whether a NotPrincipal element keeps p out of its Deny:
// every level AWS may check (account, then user or role, then session) must
// be named.
func (ps *principalSet) exempts(p Principal) bool {
	switch {
	case ps.everyone:
		return true
	case p.Service != "":
		return slices.ContainsFunc(ps.services, func(s string) bool { return strings.EqualFold(s, p.Service) })
	case p.AWS == "" || !slices.Contains(ps.accounts, p.account()):
		return false
	case strings.HasSuffix(p.AWS, ":root"):
		return true
	}
	return slices.Contains(ps.arns, p.AWS) && (p.SessionARN == "" || slices.Contains(ps.arns, p.SessionARN))
}
