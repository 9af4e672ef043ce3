package iampolicy

import "strings"

// Decision is the final answer for a request.
type Decision struct {
	Allowed bool
	// Reason explains a refusal in AWS's words, the tail of its AccessDenied
	// message: "with an explicit deny in a resource-based policy", "because
	// no identity-based policy allows the sts:AssumeRole action", etc.
	Reason string
	// Statement is the deciding statement (Sid or "Statement[i]"), when one
	// decided: the explicit Deny, or the Allow that granted the request (for
	// a cross-account request, the resource policy's).
	Statement string
}

// policyKind is how AWS names a resource's policy in its messages, and
// whether that policy must allow the request itself.
type policyKind struct {
	implicit string // "because no <implicit> policy allows ..."
	explicit string // "with an explicit deny in <explicit>"
	// mustAllow: IAM role trust policies and KMS key policies must allow a
	// request themselves, even within the account (by naming the principal
	// or its account); other resource policies are optional there.
	mustAllow bool
}

var (
	resourceBased = policyKind{implicit: "resource-based", explicit: "a resource-based policy"}
	keyPolicy     = policyKind{implicit: "resource-based", explicit: "a resource-based policy", mustAllow: true}
	trustPolicy   = policyKind{implicit: "role trust", explicit: "the role trust policy", mustAllow: true}
)

// kindOf tells a role's trust policy (an sts action on an IAM role) and a KMS
// key policy from other resource-based policies.
func kindOf(r Request) policyKind {
	parts := strings.SplitN(r.Resource, ":", arnParts)
	if len(parts) != arnParts {
		return resourceBased
	}
	service, _, _ := strings.Cut(strings.ToLower(r.Action), ":")
	switch {
	case parts[2] == "iam" && strings.HasPrefix(parts[5], "role/") && service == "sts":
		return trustPolicy
	case parts[2] == "kms":
		return keyPolicy
	}
	return resourceBased
}

// Decide applies AWS's policy evaluation logic to one request, given the
// principal's identity-based policies and the resource's policy (nil when it
// has none) in resourceAccount (when empty, the account in r.Resource; when
// that is empty too, as for S3 buckets, the principal's own):
//
//   - an explicit Deny in any identity policy or in the resource policy wins;
//   - same account: allowed if an identity policy allows, or the resource
//     policy allows naming the principal itself ("*", its user, role or
//     session ARN); a resource policy that names only the account
//     ("arn:aws:iam::<acct>:root" or "<acct>") delegates to identity
//     policies, so it alone does not allow;
//   - cross account: both an identity policy and the resource policy must
//     allow;
//   - role trust policies (sts actions on a role) and KMS key policies must
//     allow the request even within the account, as AWS documents;
//   - service principals (and anonymous callers) have no identity policies:
//     the resource policy alone decides.
//
// AWS names one policy type when several refuse; Decide names the identity
// side first.
func Decide(r Request, identity []*Policy, resource *Policy, resourceAccount string) Decision {
	e := newEvaluation(r)
	kind := kindOf(r)
	isIdentity := r.Principal.Service == "" && r.Principal.AWS != ""
	var id, res outcome
	if isIdentity {
		id = identityOutcome(e, identity)
	}
	if resource != nil {
		res = resource.resource(e)
	}
	switch {
	case id.deny != nil:
		return Decision{Reason: "with an explicit deny in an identity-based policy", Statement: id.deny.label()}
	case res.deny != nil:
		return Decision{Reason: "with an explicit deny in " + kind.explicit, Statement: res.deny.label()}
	case !isIdentity:
		return allowedBy(res.allow, kind, r)
	case kind.mustAllow && res.allow == nil:
		return implicitDeny(kind.implicit, r)
	}
	if resourceAccount == "" {
		resourceAccount = arnAccount(r.Resource)
	}
	sameAccount := resourceAccount == "" || resourceAccount == r.Principal.account()
	switch {
	case sameAccount && res.allowByName != nil:
		return Decision{Allowed: true, Statement: res.allowByName.label()}
	case id.allow == nil:
		return implicitDeny("identity-based", r)
	case sameAccount:
		return Decision{Allowed: true, Statement: id.allow.label()}
	}
	return allowedBy(res.allow, kind, r)
}

// identityOutcome combines identity policies: the first Deny, the first
// Allow.
func identityOutcome(e *evaluation, policies []*Policy) outcome {
	var all outcome
	for _, p := range policies {
		if p == nil {
			continue
		}
		o := p.identity(e)
		if all.deny == nil {
			all.deny = o.deny
		}
		if all.allow == nil {
			all.allow = o.allow
		}
	}
	return all
}

// allowedBy allows the request on the strength of the resource policy's
// Allow, or refuses it for want of one.
func allowedBy(allow *statement, kind policyKind, r Request) Decision {
	if allow == nil {
		return implicitDeny(kind.implicit, r)
	}
	return Decision{Allowed: true, Statement: allow.label()}
}

// implicitDeny is a refusal for want of an Allow in a policy type.
func implicitDeny(policyType string, r Request) Decision {
	return Decision{Reason: "because no " + policyType + " policy allows the " + r.Action + " action"}
}

// AccessDeniedMessage formats AWS's message for a refused request:
//
//	User: arn:aws:sts::111111111111:assumed-role/x/y is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:111111111111:q because no identity-based policy allows the sqs:SendMessage action
//
// The resource is left out for actions without one ("*"). It returns "" for
// an allowed request.
func AccessDeniedMessage(callerARN string, r Request, d Decision) string {
	if d.Allowed {
		return ""
	}
	var b strings.Builder
	b.WriteString("User: " + callerARN + " is not authorized to perform: " + r.Action)
	if r.Resource != "" && r.Resource != "*" {
		b.WriteString(" on resource: " + r.Resource)
	}
	if d.Reason != "" {
		b.WriteString(" " + d.Reason)
	}
	return b.String()
}
