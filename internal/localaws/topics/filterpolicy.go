package topics

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Filter policy scopes: which part of a message a subscription's
// FilterPolicy is matched against.
const (
	ScopeAttributes = "MessageAttributes"
	ScopeBody       = "MessageBody"
)

// Limits SNS documents for filter policies ("Filter policy constraints").
const (
	maxFilterPolicyBytes = 256 * 1024
	maxFilterKeys        = 5
	maxCombinations      = 150
	maxNesting           = 5
)

// filterPolicy is a parsed subscription FilterPolicy: a node of keys, each
// a list of conditions (ORed) or, for the message body, a nested node;
// keys are ANDed. "$or" lists alternative nodes.
type filterPolicy struct {
	scope string
	root  *filterNode
}

type filterNode struct {
	leaves map[string][]condition
	nested map[string]*filterNode
	ors    [][]*filterNode
}

// condition is one entry of a key's list: a literal, or an operator object.
type condition struct {
	op string // "equals" for literals, else the operator's name
	// literal is the value for "equals" and equals-ignore-case, prefix and suffix.
	literal any // string, float64, bool or nil (JSON null)
	// exists is the operand of "exists".
	exists bool
	// except is anything-but's list of literals, or its prefix/suffix.
	except       []any
	exceptPrefix string
	exceptSuffix string
	// ranges are numeric's (operator, bound) pairs, ANDed.
	ranges []numericBound
	cidr   netip.Prefix
}

type numericBound struct {
	op    string
	bound float64
}

// policyError is a refused filter policy; its text follows SNS's
// ("FilterPolicy: Empty arrays are not allowed"), without the prefix the
// calling operation adds.
type policyError string

func (e policyError) Error() string { return string(e) }

func policyErrorf(format string, args ...any) policyError {
	return policyError("FilterPolicy: " + fmt.Sprintf(format, args...))
}

// parseFilterPolicy checks doc as SNS does for scope and returns it parsed.
// An empty doc means no policy (nil, nil).
func parseFilterPolicy(doc, scope string) (*filterPolicy, error) {
	if doc == "" {
		return nil, nil
	}
	if len(doc) > maxFilterPolicyBytes {
		return nil, policyErrorf("Filter policy is too large: %d bytes, at most %d", len(doc), maxFilterPolicyBytes)
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, policyErrorf("failed to parse JSON: %v", err)
	}
	if dec.More() {
		return nil, policyErrorf("failed to parse JSON: text after the policy object")
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, policyErrorf("failed to parse JSON: the filter policy must be a JSON object")
	}
	if len(obj) > maxFilterKeys {
		return nil, policyErrorf("Filter policy can not have more than %d keys", maxFilterKeys)
	}
	p := parser{scope: scope}
	root, combos, err := p.node(obj, 1)
	if err != nil {
		return nil, err
	}
	if combos > maxCombinations {
		return nil, policyErrorf("Filter policy is too complex: %d combinations of values, at most %d", combos, maxCombinations)
	}
	return &filterPolicy{scope: scope, root: root}, nil
}

type parser struct{ scope string }

// node parses one object of the policy at depth (1 for the top) and
// returns it with its combination count, as SNS counts it: the product of
// each key's number of values times its depth, "$or" branches summed.
func (p parser) node(obj map[string]any, depth int) (*filterNode, int, error) {
	n := &filterNode{leaves: map[string][]condition{}, nested: map[string]*filterNode{}}
	combos := 1
	for _, key := range sortedKeys(obj) {
		var c int
		var err error
		switch v := obj[key].(type) {
		case map[string]any:
			c, err = p.nestedKey(n, key, v, depth)
		case []any:
			if key == "$or" {
				c, err = p.or(n, v, depth)
			} else {
				c, err = p.leaf(n, key, v, depth)
			}
		default:
			err = policyErrorf("%q must be an object or an array", key)
		}
		if err != nil {
			return nil, 0, err
		}
		combos *= c
	}
	return n, combos, nil
}

func (p parser) nestedKey(n *filterNode, key string, v map[string]any, depth int) (int, error) {
	if p.scope != ScopeBody {
		return 0, policyError("Filter policy scope MessageAttributes does not support nested filter policy")
	}
	if depth >= maxNesting {
		return 0, policyErrorf("Filter policy can only have up to %d levels of nesting", maxNesting)
	}
	sub, c, err := p.node(v, depth+1)
	if err != nil {
		return 0, err
	}
	n.nested[key] = sub
	return c, nil
}

func (p parser) or(n *filterNode, v []any, depth int) (int, error) {
	if len(v) < 2 {
		return 0, policyErrorf(`"$or" must list at least 2 alternative objects`)
	}
	branches := make([]*filterNode, 0, len(v))
	sum := 0
	for _, alt := range v {
		obj, ok := alt.(map[string]any)
		if !ok {
			return 0, policyErrorf(`"$or" must list objects, each a filter policy of its own`)
		}
		sub, c, err := p.node(obj, depth)
		if err != nil {
			return 0, err
		}
		branches = append(branches, sub)
		sum += c
	}
	n.ors = append(n.ors, branches)
	return sum, nil
}

func (p parser) leaf(n *filterNode, key string, v []any, depth int) (int, error) {
	if len(v) == 0 {
		return 0, policyErrorf("Empty arrays are not allowed (%q)", key)
	}
	conds := make([]condition, 0, len(v))
	for _, item := range v {
		c, err := parseCondition(item)
		if err != nil {
			return 0, err
		}
		conds = append(conds, c)
	}
	n.leaves[key] = conds
	return len(v) * depth, nil
}

// parseCondition reads one entry of a key's list.
func parseCondition(item any) (condition, error) {
	if lit, ok := literal(item); ok {
		return condition{op: "equals", literal: lit}, nil
	}
	obj, ok := item.(map[string]any)
	if !ok {
		return condition{}, policyErrorf("Match value must be String, number, true, false, or null")
	}
	if len(obj) != 1 {
		return condition{}, policyErrorf("Only one key allowed in match expression")
	}
	for op, operand := range obj {
		return parseOperator(op, operand)
	}
	panic("unreachable")
}

// literal converts a JSON scalar to the values conditions compare.
func literal(v any) (any, bool) {
	switch x := v.(type) {
	case nil, string, bool:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return nil, false
}

func parseOperator(op string, operand any) (condition, error) {
	c := condition{op: op}
	switch op {
	case "prefix", "suffix", "equals-ignore-case":
		s, ok := operand.(string)
		if !ok {
			return c, policyErrorf("%s match pattern must be a string", op)
		}
		c.literal = s
	case "exists":
		b, ok := operand.(bool)
		if !ok {
			return c, policyErrorf("exists match pattern must be either true or false.")
		}
		c.exists = b
	case "anything-but":
		return parseAnythingBut(c, operand)
	case "numeric":
		ranges, err := parseNumeric(operand)
		c.ranges = ranges
		return c, err
	case "cidr":
		s, _ := operand.(string)
		prefix, err := netip.ParsePrefix(s)
		if err != nil {
			return c, policyErrorf("Malformed CIDR, one '/' required")
		}
		c.cidr = prefix.Masked()
	default:
		return c, policyErrorf("Unrecognized match type %s", op)
	}
	return c, nil
}

// parseAnythingBut reads anything-but's operand: one literal, a list of
// them, or a prefix or suffix object.
func parseAnythingBut(c condition, operand any) (condition, error) {
	bad := policyErrorf("Value of anything-but must be an array or single string/number value.")
	switch x := operand.(type) {
	case []any:
		if len(x) == 0 {
			return c, policyErrorf("Empty arrays are not allowed")
		}
		for _, item := range x {
			lit, ok := literal(item)
			if !ok || lit == nil {
				return c, bad
			}
			c.except = append(c.except, lit)
		}
	case map[string]any:
		if len(x) != 1 {
			return c, policyErrorf("Only one key allowed in match expression")
		}
		switch s, ok := x["prefix"].(string); {
		case ok:
			c.exceptPrefix = s
		default:
			s, ok := x["suffix"].(string)
			if !ok {
				return c, bad
			}
			c.exceptSuffix = s
		}
	default:
		lit, ok := literal(operand)
		if !ok || lit == nil {
			return c, bad
		}
		if _, isBool := lit.(bool); isBool {
			return c, bad
		}
		c.except = []any{lit}
	}
	return c, nil
}

// parseNumeric reads ["op", n] or [">"|">=", n, "<"|"<=", m] with n < m.
func parseNumeric(operand any) ([]numericBound, error) {
	terms, ok := operand.([]any)
	if !ok || len(terms) == 0 {
		return nil, policyErrorf("Value of numeric must be an array.")
	}
	first, err := numericTerm(terms, 0, []string{"<", "<=", "=", ">", ">="}, "Unrecognized numeric range operator")
	if err != nil || len(terms) == 2 {
		return []numericBound{first}, err
	}
	if first.op != ">" && first.op != ">=" {
		return nil, policyErrorf("Too many elements in numeric expression")
	}
	second, err := numericTerm(terms, 2, []string{"<", "<="}, "Bad numeric range operator")
	if err != nil {
		return nil, err
	}
	if second.bound <= first.bound {
		return nil, policyErrorf("Bottom must be less than top")
	}
	if len(terms) > 4 {
		return nil, policyErrorf("Too many terms in numeric range expression")
	}
	return []numericBound{first, second}, nil
}

// numericTerm reads the operator at terms[i] (one of ops) and its bound.
func numericTerm(terms []any, i int, ops []string, badOp string) (numericBound, error) {
	op, ok := terms[i].(string)
	if !ok {
		return numericBound{}, policyErrorf("Invalid member in numeric match: %v", terms[i])
	}
	if !slices.Contains(ops, op) {
		return numericBound{}, policyErrorf("%s: %s", badOp, op)
	}
	name := op
	if op == "=" {
		name = "equals"
	}
	if i+1 >= len(terms) {
		return numericBound{}, policyErrorf("Value of %s must be numeric", name)
	}
	n, ok := terms[i+1].(json.Number)
	if !ok {
		return numericBound{}, policyErrorf("Value of %s must be numeric", name)
	}
	// SNS documents -10^9 to 10^9 with five decimals, but accepts more.
	f, err := n.Float64()
	if err != nil {
		return numericBound{}, policyErrorf("Value of %s must be numeric", name)
	}
	return numericBound{op: op, bound: f}, nil
}
