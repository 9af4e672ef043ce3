package iampolicy

import "strings"

// Request is one authorization question.
type Request struct {
	// Action is "service:Operation", e.g. "sqs:SendMessage"; matched
	// case-insensitively.
	Action string
	// Resource is the full ARN, or "*" for actions without a resource type.
	Resource  string
	Principal Principal
	// Context holds condition keys and their values. Key lookup is
	// case-insensitive (AWS condition keys are). Missing keys are absent,
	// not empty; a key with an empty list is absent too.
	Context map[string][]string
}

// contextKeys is a request context keyed by lower-case key.
type contextKeys map[string][]string

// newContextKeys folds the keys of c to lower case, merging keys that differ
// only in case.
func newContextKeys(c map[string][]string) contextKeys {
	out := make(contextKeys, len(c))
	for k, v := range c {
		lk := strings.ToLower(k)
		out[lk] = append(out[lk], v...)
	}
	return out
}

// get returns the values of key, nil when absent.
func (c contextKeys) get(key string) []string {
	return c[strings.ToLower(key)]
}

// evaluation is one request being evaluated, its context folded once.
type evaluation struct {
	r      Request
	ctx    contextKeys
	action string // lower case
}

func newEvaluation(r Request) *evaluation {
	return &evaluation{r: r, ctx: newContextKeys(r.Context), action: strings.ToLower(r.Action)}
}

// outcome is what one policy says, with what Decide needs beyond a Match:
// whether an Allow named the principal itself.
type outcome struct {
	deny, allow, allowByName *statement
}

// match is the Match the outcome amounts to.
func (o outcome) match() Match {
	switch {
	case o.deny != nil:
		return Match{Effect: Deny, Statement: o.deny.label()}
	case o.allow != nil:
		return Match{Effect: Allow, Statement: o.allow.label()}
	}
	return Match{Effect: NoMatch}
}

// Identity evaluates p as an identity-based policy. A statement with a
// Principal or NotPrincipal element does not belong in an identity-based
// policy (IAM refuses to store one, see CheckIdentity) and never matches
// here.
func (p *Policy) Identity(r Request) Match {
	return p.identity(newEvaluation(r)).match()
}

// Resource evaluates p as a resource-based or trust policy: a statement
// applies only if its Principal matches r.Principal, or its NotPrincipal
// does not exempt it. A statement without either never matches. An Allow
// whose Principal names only the principal's account counts here; Decide
// judges whether that is enough.
func (p *Policy) Resource(r Request) Match {
	return p.resource(newEvaluation(r)).match()
}

func (p *Policy) identity(e *evaluation) outcome {
	var o outcome
	for i := range p.statements {
		s := &p.statements[i]
		if s.principal == nil && s.applies(e) {
			o.record(s, byName)
		}
	}
	return o
}

func (p *Policy) resource(e *evaluation) outcome {
	var o outcome
	for i := range p.statements {
		s := &p.statements[i]
		if s.principal == nil || !s.applies(e) {
			continue
		}
		how := byName
		if s.notPrincipal {
			if s.principal.exempts(e.r.Principal) {
				continue
			}
		} else if how = s.principal.match(e.r.Principal); how == noPrincipal {
			continue
		}
		o.record(s, how)
	}
	return o
}

// record notes a matching statement, keeping the first of each kind.
func (o *outcome) record(s *statement, how principalMatch) {
	if s.effect == Deny {
		if o.deny == nil {
			o.deny = s
		}
		return
	}
	if o.allow == nil {
		o.allow = s
	}
	if how == byName && o.allowByName == nil {
		o.allowByName = s
	}
}

// applies reports whether s covers the request's action and resource and its
// conditions hold; the principal is the caller's concern.
func (s *statement) applies(e *evaluation) bool {
	return s.coversAction(e.action) && s.coversResource(e) && s.conditionsHold(e.ctx)
}

func (s *statement) coversAction(action string) bool {
	for _, g := range s.actions {
		if g.match(action) {
			return !s.notAction
		}
	}
	return s.notAction
}

// coversResource matches Resource or NotResource; a statement without either
// covers the resource its policy is attached to. A pattern whose variable
// has no value matches no resource.
func (s *statement) coversResource(e *evaluation) bool {
	if s.resources == nil {
		return true
	}
	for _, t := range s.resources {
		if g, ok := t.glob(e.ctx, true); ok && g.matchARN(e.r.Resource) {
			return !s.notResource
		}
	}
	return s.notResource
}

func (s *statement) conditionsHold(ctx contextKeys) bool {
	for i := range s.conditions {
		if !s.conditions[i].holds(ctx) {
			return false
		}
	}
	return true
}
