package iampolicy

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/landfall/landfall/internal/fielderror"
)

// The two versions of the policy language. Only the newer one has policy
// variables; a document without Version is read as the older one, as AWS
// does.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Policy is a parsed policy document. It is immutable and safe for
// concurrent use.
type Policy struct {
	doc        string
	statements []statement
}

// Effect is what a policy, or a statement, says about a request.
type Effect int

// The effects, weakest first: a Deny anywhere outweighs any Allow.
const (
	NoMatch Effect = iota
	Allow
	Deny
)

// String names e as policies and logs spell it.
func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	default:
		return "NoMatch"
	}
}

// Match is the outcome of one policy for one request: the strongest effect
// among matching statements (Deny > Allow > NoMatch) and the Sid (or index
// "Statement[3]") that decided it, the first in document order.
type Match struct {
	Effect    Effect
	Statement string
}

// statementFields are the elements a statement may have.
var statementFields = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

// Parse decodes a JSON policy document: identity, resource or trust policy.
// Errors name the statement and field and say how to fix it, e.g.
// `Statement[2].Condition: operator is not supported (got "NumericLessThan"); use one of ...`.
// Use CheckIdentity or CheckResource for the rules of one policy type.
func Parse(doc []byte) (*Policy, error) {
	top, err := object(doc, "(policy)", []string{"Version", "Id", "Statement"})
	if err != nil {
		return nil, err
	}
	vars, err := version(top)
	if err != nil {
		return nil, err
	}
	if id, ok := top["Id"]; ok {
		if _, err := text(id, "Id"); err != nil {
			return nil, err
		}
	}
	raws, paths, err := statementList(top["Statement"])
	if err != nil {
		return nil, err
	}
	p := &Policy{doc: compact(doc), statements: make([]statement, len(raws))}
	sids := map[string]string{}
	for i, raw := range raws {
		s, err := parseStatement(raw, paths[i], vars)
		if err != nil {
			return nil, err
		}
		if s.sid != "" {
			if first, dup := sids[s.sid]; dup {
				return nil, fieldError(paths[i]+".Sid", s.sid, "repeats the Sid of "+first, "give every statement of a policy its own Sid")
			}
			sids[s.sid] = paths[i]
		}
		p.statements[i] = s
	}
	return p, nil
}

// MustParse is Parse for documents written into the program (tests, built-in
// policies): it panics on an error.
func MustParse(doc string) *Policy {
	p, err := Parse([]byte(doc))
	if err != nil {
		panic(fmt.Sprintf("iampolicy.MustParse: %v", err))
	}
	return p
}

// String is the document as parsed, as compact JSON: what the emulator
// returns when asked for the policy.
func (p *Policy) String() string {
	if p == nil {
		return ""
	}
	return p.doc
}

// version reads Version and reports whether policy variables are on.
func version(top map[string]json.RawMessage) (bool, error) {
	raw, ok := top["Version"]
	if !ok {
		return false, nil
	}
	v, err := text(raw, "Version")
	if err != nil {
		return false, err
	}
	switch v {
	case Version2012:
		return true, nil
	case Version2008:
		return false, nil
	}
	return false, fieldError("Version", v, "is not a version of the policy language", `use "`+Version2012+`" (or "`+Version2008+`", without policy variables)`)
}

// statementList splits Statement, a single object or an array of them, and
// names each one's path.
func statementList(raw json.RawMessage) ([]json.RawMessage, []string, error) {
	switch k := fielderror.KindOf(raw); k {
	case fielderror.KindNothing:
		return nil, nil, fieldError("Statement", "", "is missing", "add a statement, or an array of them")
	case fielderror.KindObject:
		return []json.RawMessage{raw}, []string{"Statement"}, nil
	case fielderror.KindArray:
		var raws []json.RawMessage
		if err := json.Unmarshal(raw, &raws); err != nil {
			return nil, nil, fieldError("Statement", "", "is not valid JSON: "+err.Error(), "")
		}
		paths := make([]string, len(raws))
		for i := range raws {
			paths[i] = fmt.Sprintf("Statement[%d]", i)
		}
		return raws, paths, nil
	default:
		return nil, nil, fieldError("Statement", "", "must be an object or an array of objects, got "+string(k), "")
	}
}

// label names the statement in a Match or Decision: its Sid, else its path.
func (s *statement) label() string {
	if s.sid != "" {
		return s.sid
	}
	return s.path
}

// statement is one parsed statement.
type statement struct {
	sid    string
	path   string
	effect Effect

	actions   []glob // lower case
	notAction bool

	resources   []template // nil: no Resource element (trust policies)
	notResource bool

	principal    *principalSet // nil: no Principal element
	notPrincipal bool

	conditions []condition
}

// parseStatement decodes one statement at path.
func parseStatement(raw json.RawMessage, path string, vars bool) (statement, error) {
	m, err := object(raw, path, statementFields)
	if err != nil {
		return statement{}, err
	}
	s := statement{path: path}
	if sid, ok := m["Sid"]; ok {
		if s.sid, err = text(sid, path+".Sid"); err != nil {
			return s, err
		}
	}
	if s.effect, err = effect(m["Effect"], path+".Effect"); err != nil {
		return s, err
	}
	if err = s.parseActions(m, path); err != nil {
		return s, err
	}
	if err = s.parseResources(m, path, vars); err != nil {
		return s, err
	}
	if err = s.parsePrincipal(m, path); err != nil {
		return s, err
	}
	if c, ok := m["Condition"]; ok {
		if s.conditions, err = parseConditions(c, path+".Condition", vars); err != nil {
			return s, err
		}
	}
	return s, nil
}

// effect decodes Effect, which AWS spells exactly Allow or Deny.
func effect(raw json.RawMessage, field string) (Effect, error) {
	if raw == nil {
		return NoMatch, fieldError(field, "", "is missing", `set "Effect": "Allow" or "Deny"`)
	}
	e, err := text(raw, field)
	if err != nil {
		return NoMatch, err
	}
	switch e {
	case "Allow":
		return Allow, nil
	case "Deny":
		return Deny, nil
	}
	return NoMatch, fieldError(field, e, "is not an effect", `use "Allow" or "Deny" (case-sensitive)`)
}

// either returns which one of two exclusive elements m has, refusing both.
func either(m map[string]json.RawMessage, path, name, notName string) (json.RawMessage, bool, error) {
	raw, has := m[name]
	notRaw, hasNot := m[notName]
	switch {
	case has && hasNot:
		return nil, false, fieldError(path, "", "has both "+name+" and "+notName, "keep one of them")
	case hasNot:
		return notRaw, true, nil
	}
	return raw, false, nil
}

// parseActions decodes Action or NotAction: "*" or "service:action", the
// action part may hold * and ? wildcards.
func (s *statement) parseActions(m map[string]json.RawMessage, path string) error {
	raw, not, err := either(m, path, "Action", "NotAction")
	if err != nil {
		return err
	}
	if raw == nil {
		return fieldError(path, "", "has no Action or NotAction", `add "Action": "service:Operation" (or a list)`)
	}
	field := path + ".Action"
	if not {
		field = path + ".NotAction"
	}
	list, err := texts(raw, field)
	if err != nil {
		return err
	}
	s.notAction = not
	for i, a := range list {
		if err := checkAction(a); err != nil {
			return fieldError(fmt.Sprintf("%s[%d]", field, i), a, err.Error(), `write actions as "service:Operation", e.g. "sqs:SendMessage", "sqs:*" or "*"`)
		}
		s.actions = append(s.actions, glob(nil).appendText(strings.ToLower(a), true))
	}
	return nil
}

// checkAction checks the shape of one action.
func checkAction(a string) error {
	if a == "*" {
		return nil
	}
	service, name, ok := strings.Cut(a, ":")
	if !ok || name == "" {
		return fmt.Errorf("is not prefixed by a service")
	}
	for _, r := range strings.ToLower(service) {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return fmt.Errorf("has a service prefix that is not a service name")
		}
	}
	if service == "" {
		return fmt.Errorf("has an empty service prefix")
	}
	return nil
}

// parseResources decodes Resource or NotResource, which may be absent (role
// trust policies; resource policies apply to the resource they are on).
func (s *statement) parseResources(m map[string]json.RawMessage, path string, vars bool) error {
	raw, not, err := either(m, path, "Resource", "NotResource")
	if err != nil || raw == nil {
		return err
	}
	field := path + ".Resource"
	if not {
		field = path + ".NotResource"
	}
	list, err := texts(raw, field)
	if err != nil {
		return err
	}
	s.notResource = not
	s.resources = make([]template, len(list))
	for i, r := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		t, err := parseTemplate(r, vars)
		if err != nil {
			return fieldError(f, r, "has a malformed policy variable", err.Error())
		}
		if err := checkResource(t); err != nil {
			return fieldError(f, r, err.Error(), `write "*" or a full ARN, arn:partition:service:region:account:resource, with variables only after the fifth colon`)
		}
		s.resources[i] = t
	}
	return nil
}

// checkResource checks that t is "*" or an ARN whose first five colons are
// written out before any policy variable: AWS allows variables only in the
// resource part of an ARN.
func checkResource(t template) error {
	var head glob
	var headText strings.Builder
	for _, tok := range t {
		if tok.variable {
			break
		}
		head = head.appendText(tok.text, !tok.escaped)
		headText.WriteString(tok.text)
	}
	if !t.hasVariables() && head.matchesAll() {
		return nil
	}
	if !strings.HasPrefix(headText.String(), "arn:") {
		return fmt.Errorf(`must be in ARN format or "*"`)
	}
	if len(head.splitARN()) < arnParts {
		if t.hasVariables() {
			return fmt.Errorf("uses a policy variable before the resource part of the ARN")
		}
		return fmt.Errorf(`must be in ARN format or "*"`)
	}
	return nil
}
