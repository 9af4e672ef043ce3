package iampolicy

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/landfall/landfall/internal/suggest"
)

// opKind is the comparison an operator makes.
type opKind uint8

const (
	opStringEquals opKind = iota
	opStringEqualsIgnoreCase
	opStringLike
	opArn // ArnEquals and ArnLike behave identically in AWS
	opBool
	opNull
)

// setKind is the set prefix of an operator.
type setKind uint8

const (
	setNone setKind = iota
	setAnyValue
	setAllValues
)

// operator is a parsed condition operator name.
type operator struct {
	kind     opKind
	negated  bool
	ifExists bool
	set      setKind
}

// baseOperators are the supported operators without prefix or suffix.
var baseOperators = map[string]operator{
	"StringEquals":              {kind: opStringEquals},
	"StringNotEquals":           {kind: opStringEquals, negated: true},
	"StringEqualsIgnoreCase":    {kind: opStringEqualsIgnoreCase},
	"StringNotEqualsIgnoreCase": {kind: opStringEqualsIgnoreCase, negated: true},
	"StringLike":                {kind: opStringLike},
	"StringNotLike":             {kind: opStringLike, negated: true},
	"ArnEquals":                 {kind: opArn},
	"ArnLike":                   {kind: opArn},
	"ArnNotEquals":              {kind: opArn, negated: true},
	"ArnNotLike":                {kind: opArn, negated: true},
	"Bool":                      {kind: opBool},
	"Null":                      {kind: opNull},
}

// supportedOperators is the fix for an unsupported operator.
const supportedOperators = "use one of StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike, " +
	"ArnEquals, ArnLike, ArnNotEquals, ArnNotLike, Bool or Null, optionally with an IfExists suffix and a ForAnyValue: or ForAllValues: prefix (not on Null); " +
	"the local AWS does not model the Numeric, Date, IpAddress and Binary operators"

// parseOperator reads an operator name such as ForAnyValue:StringLikeIfExists.
func parseOperator(name string) (operator, error) {
	base, set := name, setNone
	if rest, ok := strings.CutPrefix(name, "ForAnyValue:"); ok {
		base, set = rest, setAnyValue
	} else if rest, ok := strings.CutPrefix(name, "ForAllValues:"); ok {
		base, set = rest, setAllValues
	}
	base, ifExists := strings.CutSuffix(base, "IfExists")
	op, ok := baseOperators[base]
	if !ok {
		fix := supportedOperators
		if hint := suggest.DidYouMean(suggest.Closest(base, sortedKeys(baseOperators))); hint != "" {
			fix = hint + " " + fix
		}
		return op, fmt.Errorf("operator %q is not supported; %s", name, fix)
	}
	if op.kind == opNull && (ifExists || set != setNone) {
		return op, fmt.Errorf("operator %q is not valid: Null tests whether a key is present and takes neither IfExists nor a set prefix", name)
	}
	op.ifExists, op.set = ifExists, set
	return op, nil
}

// condition is one key tested by one operator.
type condition struct {
	op     operator
	key    string
	values []template
	// absent holds Null's values: true means "the key must be absent".
	absent []bool
}

// parseConditions decodes a Condition element.
func parseConditions(raw json.RawMessage, field string, vars bool) ([]condition, error) {
	ops, err := object(raw, field, nil)
	if err != nil {
		return nil, err
	}
	var out []condition
	for _, name := range sortedKeys(ops) {
		op, err := parseOperator(name)
		if err != nil {
			return nil, fieldError(field, "", err.Error(), "")
		}
		keys, err := object(ops[name], field+"."+name, nil)
		if err != nil {
			return nil, err
		}
		for _, key := range sortedKeys(keys) {
			c, err := parseCondition(op, key, keys[key], field+"."+name+"."+key, vars)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// parseCondition decodes the values of one key under one operator.
func parseCondition(op operator, key string, raw json.RawMessage, field string, vars bool) (condition, error) {
	c := condition{op: op, key: key}
	if strings.TrimSpace(key) == "" {
		return c, fieldError(field, "", "has an empty condition key", `name a context key such as "aws:PrincipalArn"`)
	}
	vals, err := conditionValues(raw, field)
	if err != nil {
		return c, err
	}
	for i, v := range vals {
		f := field
		if len(vals) > 1 || strings.HasPrefix(strings.TrimSpace(string(raw)), "[") {
			f = fmt.Sprintf("%s[%d]", field, i)
		}
		if op.kind == opNull {
			b, ok := boolText(v)
			if !ok {
				return c, fieldError(f, v, "is not a Null value", `use true (the key must be absent) or false (it must be present)`)
			}
			c.absent = append(c.absent, b)
			continue
		}
		t, err := parseTemplate(v, vars)
		if err != nil {
			return c, fieldError(f, v, "has a malformed policy variable", err.Error())
		}
		if problem, fix := checkValue(op.kind, t); problem != "" {
			return c, fieldError(f, v, problem, fix)
		}
		c.values = append(c.values, t)
	}
	return c, nil
}

// boolText reads "true" or "false" in any case.
func boolText(v string) (bool, bool) {
	switch {
	case strings.EqualFold(v, "true"):
		return true, true
	case strings.EqualFold(v, "false"):
		return false, true
	}
	return false, false
}

// checkValue refuses values that can never match, saying what is wrong and
// the fix: a Bool value other than true or false, an Arn value that is not an
// ARN. Values with variables can only be judged once resolved.
func checkValue(kind opKind, t template) (problem, fix string) {
	if t.hasVariables() {
		return "", ""
	}
	s, _ := t.literal()
	switch kind {
	case opBool:
		if _, ok := boolText(s); !ok {
			return "is not a Bool value", "use true or false"
		}
	case opArn:
		g, _ := t.glob(nil, true)
		if !g.matchesAll() && (len(g.splitARN()) != arnParts || !strings.HasPrefix(s, "arn:")) {
			return "is not an ARN", "write arn:partition:service:region:account:resource (wildcards allowed in each part), or use a String operator"
		}
	}
	return "", ""
}

// holds evaluates the condition against the request context.
func (c *condition) holds(ctx contextKeys) bool {
	vals := ctx.get(c.key)
	if c.op.kind == opNull {
		for _, absent := range c.absent {
			if absent == (len(vals) == 0) {
				return true
			}
		}
		return false
	}
	if len(vals) == 0 {
		switch {
		case c.op.ifExists, c.op.set == setAllValues:
			return true
		case c.op.set == setAnyValue:
			return false
		}
		return c.op.negated
	}
	want := c.resolve(ctx)
	// Negated operators NOR the policy's values: a request value passes
	// when it matches none of them. Without a set prefix every request value
	// must pass a negated operator and any may pass a positive one.
	every := c.op.set == setAllValues || (c.op.set == setNone && c.op.negated)
	for _, v := range vals {
		ok := want.match(c.op.kind, v) != c.op.negated
		if every != ok {
			return !every
		}
	}
	return every
}

// patterns are a condition's values resolved for one request; values whose
// variables have no value are left out, as they match nothing.
type patterns struct {
	texts []string
	globs []glob
}

// resolve fills the condition's variables from ctx.
func (c *condition) resolve(ctx contextKeys) patterns {
	var p patterns
	for _, t := range c.values {
		switch c.op.kind {
		case opStringLike, opArn:
			if g, ok := t.glob(ctx, true); ok {
				p.globs = append(p.globs, g)
			}
		default:
			if s, ok := t.resolve(ctx); ok {
				p.texts = append(p.texts, s)
			}
		}
	}
	return p
}

// match reports whether v matches any of the patterns under kind.
func (p patterns) match(kind opKind, v string) bool {
	for _, g := range p.globs {
		if (kind == opArn && g.matchARN(v)) || (kind == opStringLike && g.match(v)) {
			return true
		}
	}
	for _, s := range p.texts {
		if (kind == opStringEquals && s == v) || (kind != opStringEquals && strings.EqualFold(s, v)) {
			return true
		}
	}
	return false
}
