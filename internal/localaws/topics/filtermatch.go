package topics

import (
	"encoding/json"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// field is what one key of a message holds, as filter conditions see it:
// whether it exists (present, not null, not an empty array), its scalar
// values (one, or an array's; a null is the value nil), and the objects
// under it (message body only).
type field struct {
	present bool
	values  []any // string, float64, bool or nil
	objects []map[string]any
}

// filterable is a message as a filter policy reads it: its attributes, or
// its body's JSON object.
type filterable interface {
	field(key string) field
}

// attributeFields are message attributes: String and Number values, and the
// elements of String.Array; Binary attributes are ignored, as SNS does.
type attributeFields map[string]Attribute

func (a attributeFields) field(key string) field {
	attr, ok := a[key]
	if !ok {
		return field{}
	}
	switch attr.DataType {
	case "String":
		return field{present: true, values: []any{attr.Value}}
	case "Number":
		f, err := strconv.ParseFloat(attr.Value, 64)
		if err != nil {
			return field{present: true}
		}
		return field{present: true, values: []any{f}}
	case "String.Array":
		var arr []json.RawMessage
		if json.Unmarshal([]byte(attr.Value), &arr) != nil {
			return field{present: true}
		}
		f := field{present: true}
		for _, raw := range arr {
			if v, ok := decodeScalar(raw); ok {
				f.values = append(f.values, v)
			}
		}
		return f
	}
	return field{} // Binary
}

// bodyFields is a message body that is a JSON object.
type bodyFields map[string]any

func (b bodyFields) field(key string) field {
	v, ok := b[key]
	switch {
	case !ok:
		return field{}
	case v == nil:
		// null matches the null literal, but does not exist.
		return field{values: []any{nil}}
	}
	f := field{present: true}
	items := []any{v}
	if arr, isArr := v.([]any); isArr {
		items = arr
		f.present = len(arr) > 0
	}
	for _, item := range items {
		switch x := item.(type) {
		case map[string]any:
			f.objects = append(f.objects, x)
		case []any:
			// arrays of arrays hold nothing a condition compares
		default:
			if lit, ok := literal(x); ok {
				f.values = append(f.values, lit)
			}
		}
	}
	return f
}

func decodeScalar(raw json.RawMessage) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return literal(v)
}

// accepts reports whether the policy lets a message through to its
// subscription: body is the message as delivered to the subscription's
// protocol, attrs its message attributes.
func (p *filterPolicy) accepts(body string, attrs map[string]Attribute) bool {
	if p == nil || p.root.empty() {
		return true
	}
	if p.scope == ScopeBody {
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		var obj map[string]any
		if dec.Decode(&obj) != nil || obj == nil {
			return false // body filtering needs a JSON object body
		}
		return p.root.matches(bodyFields(obj))
	}
	// "exists": false only matches if at least one attribute is present.
	if len(attrs) == 0 {
		return false
	}
	return p.root.matches(attributeFields(attrs))
}

func (n *filterNode) empty() bool {
	return len(n.leaves) == 0 && len(n.nested) == 0 && len(n.ors) == 0
}

// matches ANDs the node's keys (each an OR of its conditions) and its
// "$or" groups (each an OR of its alternatives).
func (n *filterNode) matches(obj filterable) bool {
	for key, conds := range n.leaves {
		f := obj.field(key)
		if !slices.ContainsFunc(conds, func(c condition) bool { return c.matches(f) }) {
			return false
		}
	}
	for key, sub := range n.nested {
		f := obj.field(key)
		if len(f.objects) == 0 {
			if !sub.matches(bodyFields(nil)) {
				return false
			}
			continue
		}
		if !slices.ContainsFunc(f.objects, func(o map[string]any) bool { return sub.matches(bodyFields(o)) }) {
			return false
		}
	}
	for _, group := range n.ors {
		if !slices.ContainsFunc(group, func(alt *filterNode) bool { return alt.matches(obj) }) {
			return false
		}
	}
	return true
}

// matches reports whether one condition holds for f: for a key with
// several values (an array), whether it holds for any of them.
func (c condition) matches(f field) bool {
	if c.op == "exists" {
		return f.present == c.exists
	}
	return slices.ContainsFunc(f.values, c.holds)
}

// holds applies the condition to one scalar value.
func (c condition) holds(v any) bool {
	s, isString := v.(string)
	switch c.op {
	case "equals":
		return sameValue(c.literal, v)
	case "equals-ignore-case":
		return isString && strings.EqualFold(s, c.literal.(string))
	case "prefix":
		return isString && strings.HasPrefix(s, c.literal.(string))
	case "suffix":
		return isString && strings.HasSuffix(s, c.literal.(string))
	case "anything-but":
		return c.allows(v)
	case "numeric":
		f, ok := v.(float64)
		return ok && inRanges(f, c.ranges)
	case "cidr":
		ip, err := netip.ParseAddr(s)
		return isString && err == nil && c.cidr.Contains(ip)
	}
	return false
}

// allows is anything-but: the value is none of the listed ones, or does
// not start (end) with the prefix (suffix).
func (c condition) allows(v any) bool {
	s, isString := v.(string)
	switch {
	case c.exceptPrefix != "":
		return isString && !strings.HasPrefix(s, c.exceptPrefix)
	case c.exceptSuffix != "":
		return isString && !strings.HasSuffix(s, c.exceptSuffix)
	}
	return !slices.ContainsFunc(c.except, func(e any) bool { return sameValue(e, v) })
}

// sameValue compares a policy literal with a message value: strings
// exactly (case-sensitive), numbers to five decimal places, as SNS
// documents, booleans and null by kind.
func sameValue(want, got any) bool {
	switch w := want.(type) {
	case float64:
		g, ok := got.(float64)
		return ok && fiveDecimals(w) == fiveDecimals(g)
	case nil:
		return got == nil
	}
	return want == got
}

func fiveDecimals(f float64) float64 { return math.Round(f * 1e5) }

func inRanges(f float64, ranges []numericBound) bool {
	for _, r := range ranges {
		v, b := fiveDecimals(f), fiveDecimals(r.bound)
		ok := false
		switch r.op {
		case "=":
			ok = v == b
		case "<":
			ok = v < b
		case "<=":
			ok = v <= b
		case ">":
			ok = v > b
		case ">=":
			ok = v >= b
		}
		if !ok {
			return false
		}
	}
	return true
}
