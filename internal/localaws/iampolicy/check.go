package iampolicy

// CheckIdentity reports what keeps p from being an identity-based policy, so
// the emulator refuses to attach it as IAM does (MalformedPolicyDocument):
// a statement naming a principal, or one without Resource or NotResource.
func (p *Policy) CheckIdentity() error {
	for i := range p.statements {
		s := &p.statements[i]
		switch {
		case s.principal != nil && s.notPrincipal:
			return fieldError(s.path+".NotPrincipal", "", "is not allowed in an identity-based policy", "the policy applies to the identity it is attached to; remove NotPrincipal")
		case s.principal != nil:
			return fieldError(s.path+".Principal", "", "is not allowed in an identity-based policy", "the policy applies to the identity it is attached to; remove Principal")
		case s.resources == nil:
			return fieldError(s.path, "", "has no Resource or NotResource", `add "Resource": "*" or the ARNs the statement covers`)
		}
	}
	return nil
}

// CheckResource reports what keeps p from being a resource-based or role
// trust policy: a statement that names no principal.
func (p *Policy) CheckResource() error {
	for i := range p.statements {
		if s := &p.statements[i]; s.principal == nil {
			return fieldError(s.path, "", "has no Principal or NotPrincipal", `name who the statement is for, e.g. "Principal": {"AWS": "arn:aws:iam::111111111111:root"}`)
		}
	}
	return nil
}
