package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Kinds of violation, one per model constraint.
const (
	KindRequired  = "required"
	KindMinLength = "minLength"
	KindMaxLength = "maxLength"
	KindPattern   = "pattern"
	KindEnum      = "enum"
	KindMinValue  = "minValue"
	KindMaxValue  = "maxValue"
	KindKey       = "mapKey" // a map key breaks its shape's constraints
)

// Violation is one broken constraint.
type Violation struct {
	// Path is where, as AWS names it: the member name with a lower-case
	// first letter, list items as ".N.member" (from 1), map values as
	// ".<key>", e.g. "tags.1.member.key".
	Path string
	// Member is the violating member's model name, e.g. "Key".
	Member string
	// Value is the value found; nil for a missing member.
	Value any
	// Kind is one of the Kind constants.
	Kind string
	// Key is the offending key of a KindKey violation.
	Key string
	// Constraint is AWS's wording, e.g. "Member must not be null".
	Constraint string
}

// String renders the violation as AWS does: Value 'x' at 'path' failed to
// satisfy constraint: Member must ...
func (v Violation) String() string {
	if v.Value == nil {
		return fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", v.Path, v.Constraint)
	}
	return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", formatValue(v.Value), v.Path, v.Constraint)
}

// Check validates the input document of operation op (members by their
// model names, as awsJson carries them: strings, json.Number, bool, []any,
// map[string]any) and returns every violation, in the model's member order.
// Values of the wrong type are left to the operation, which refuses them
// when it decodes its input.
func (s *Service) Check(op string, doc map[string]any) []Violation {
	input, ok := s.Operations[op]
	if !ok || input == "" {
		return nil
	}
	var out []Violation
	s.check(input, doc, nil, "", nil, &out)
	return out
}

// valuePath is where a value sits in the input, built into its string only for
// a violation: most requests have none, and checking them should not
// spell out the path of every member.
type valuePath struct {
	parent *valuePath
	kind   byte // 'm' a structure member, 'i' a list item, 'k' a map value
	name   string
	index  int
}

// String spells the path as AWS does (see Violation.Path); nil is the input
// itself, "".
func (p *valuePath) String() string {
	if p == nil {
		return ""
	}
	parent := p.parent.String()
	switch p.kind {
	case 'm':
		if parent == "" {
			return lowerFirst(p.name)
		}
		return parent + "." + lowerFirst(p.name)
	case 'i':
		return fmt.Sprintf("%s.%d.member", parent, p.index)
	default:
		return parent + "." + p.name
	}
}

// site is the value being checked, where its violations are reported.
type site struct {
	path    *valuePath
	member  string
	value   any
	dropped []string
	out     *[]Violation
}

func (c site) add(kind, constraint string) {
	if !slices.Contains(c.dropped, kind) {
		*c.out = append(*c.out, Violation{Path: c.path.String(), Member: c.member, Value: c.value, Kind: kind, Constraint: constraint})
	}
}

// check validates v against shape name; p is v's path, member its model
// member name, dropped the constraints that do not apply to it.
func (s *Service) check(name string, v any, p *valuePath, member string, dropped []string, out *[]Violation) {
	sh := s.Shapes[name]
	if sh == nil {
		return
	}
	c := site{path: p, member: member, value: v, dropped: dropped, out: out}
	switch sh.Type {
	case "structure":
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, r := range sh.Members {
			val, present := m[r.Name]
			if !present || val == nil {
				if r.Required {
					mp := valuePath{parent: p, kind: 'm', name: r.Name}
					*out = append(*out, Violation{Path: mp.String(), Member: r.Name, Kind: KindRequired, Constraint: "Member must not be null"})
				}
				continue
			}
			s.check(r.Shape, val, &valuePath{parent: p, kind: 'm', name: r.Name}, r.Name, r.Dropped, out)
		}
	case "list":
		l, ok := v.([]any)
		if !ok {
			return
		}
		s.checkSize(sh, len(l), c)
		for i, item := range l {
			// A member's dropped constraints are its items' (gen drops
			// them per member).
			s.check(sh.Member.Shape, item, &valuePath{parent: p, kind: 'i', index: i + 1}, member, dropped, out)
		}
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		s.checkSize(sh, len(m), c)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var keyProblems []Violation
			s.check(sh.Key.Shape, k, p, member, dropped, &keyProblems)
			if len(keyProblems) > 0 {
				cs := make([]string, len(keyProblems))
				for i, kp := range keyProblems {
					cs[i] = kp.Constraint
				}
				*out = append(*out, Violation{Path: p.String(), Member: member, Value: m, Kind: KindKey, Key: k, Constraint: "Map keys must satisfy constraint: [" + strings.Join(cs, ", ") + "]"})
			}
			if m[k] != nil {
				s.check(sh.Value.Shape, m[k], &valuePath{parent: p, kind: 'k', name: k}, member, nil, out)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return
		}
		s.checkLength(sh, utf16Len(str), c)
		if sh.re != nil && !sh.re.MatchString(str) {
			c.add(KindPattern, "Member must satisfy regular expression pattern: "+sh.Pattern)
		}
		if len(sh.Enum) > 0 && !slices.Contains(sh.Enum, str) {
			c.add(KindEnum, "Member must satisfy enum value set: ["+strings.Join(sh.Enum, ", ")+"]")
		}
	case "blob":
		switch b := v.(type) {
		case string:
			s.checkLength(sh, len(b), c)
		case []byte:
			s.checkLength(sh, len(b), c)
		}
	case "integer", "long", "double", "float":
		n, ok := number(v)
		if !ok {
			return
		}
		if sh.Min != nil && n < *sh.Min {
			c.add(KindMinValue, "Member must have value greater than or equal to "+formatFloat(*sh.Min))
		}
		if sh.Max != nil && n > *sh.Max {
			c.add(KindMaxValue, "Member must have value less than or equal to "+formatFloat(*sh.Max))
		}
	}
}

func (s *Service) checkLength(sh *Shape, n int, c site) {
	if sh.Min != nil && float64(n) < *sh.Min {
		c.add(KindMinLength, "Member must have length greater than or equal to "+formatFloat(*sh.Min))
	}
	if sh.Max != nil && float64(n) > *sh.Max {
		c.add(KindMaxLength, "Member must have length less than or equal to "+formatFloat(*sh.Max))
	}
}

// checkSize checks a list's or map's size; AWS words it as a length too.
func (s *Service) checkSize(sh *Shape, n int, c site) {
	s.checkLength(sh, n, c)
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

// utf16Len is a string's length as AWS (Java) counts it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// formatValue renders a value as AWS's (Java) messages do: [a, b] for
// lists, {k=v} for maps.
func formatValue(v any) string {
	switch t := v.(type) {
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = formatValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + formatValue(t[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []byte:
		return string(t)
	default:
		return fmt.Sprint(t)
	}
}
