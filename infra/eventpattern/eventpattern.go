// Package eventpattern matches JSON events against an Amazon EventBridge event
// pattern, offline. It exists so the infrastructure tests can prove that the
// rule in the synthesized template selects the Control Tower events Landfall
// needs and nothing else, using real sample events instead of a copy of the
// pattern.
//
// It implements the part of EventBridge's content filtering a lifecycle rule
// uses: exact values (strings, numbers, booleans, null), "prefix", "suffix",
// "equals-ignore-case", "anything-but" (a value, a list of values, or a
// prefix/suffix) and "exists". Any other operator is a compile error, never a
// silent non-match.
package eventpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Pattern is a compiled event pattern.
type Pattern struct {
	root object
}

// object is a pattern level: every field must match (AND).
type object map[string]field

// field is either a nested object or a list of alternatives (OR).
type field struct {
	nested       object
	alternatives []matcher
}

// matcher tests one event value; present is false when the field is absent.
type matcher interface {
	match(value any, present bool) bool
}

// Compile parses an EventBridge event pattern and reports every problem in it.
func Compile(pattern []byte) (*Pattern, error) {
	var doc any
	if err := decode(pattern, &doc); err != nil {
		return nil, fmt.Errorf("parse event pattern: %w", err)
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("event pattern: got %s, want a JSON object", describe(doc))
	}
	var errs []error
	root := compileObject(top, "", &errs)
	if len(root) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("event pattern: empty: it would match every event"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Pattern{root: root}, nil
}

// Match reports whether the JSON event matches the pattern.
func (p *Pattern) Match(event []byte) (bool, error) {
	var doc any
	if err := decode(event, &doc); err != nil {
		return false, fmt.Errorf("parse event: %w", err)
	}
	ev, ok := doc.(map[string]any)
	if !ok {
		return false, fmt.Errorf("event: got %s, want a JSON object", describe(doc))
	}
	return p.root.match(ev), nil
}

func decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func (o object) match(ev map[string]any) bool {
	for name, f := range o {
		value, present := ev[name]
		if f.nested != nil {
			// An absent or non-object parent behaves like an empty object,
			// so that {"a": {"b": [{"exists": false}]}} matches an event without "a".
			child, _ := value.(map[string]any)
			if !f.nested.match(child) {
				return false
			}
			continue
		}
		if !f.matchLeaf(value, present) {
			return false
		}
	}
	return true
}

// matchLeaf applies the alternatives to a value; an array value matches when
// any of its elements does, as in EventBridge.
func (f field) matchLeaf(value any, present bool) bool {
	for _, m := range f.alternatives {
		if _, isExists := m.(existsMatcher); isExists {
			if m.match(value, present) {
				return true
			}
			continue
		}
		if !present {
			continue
		}
		if arr, ok := value.([]any); ok {
			if slices.ContainsFunc(arr, func(v any) bool { return m.match(v, true) }) {
				return true
			}
			continue
		}
		if m.match(value, true) {
			return true
		}
	}
	return false
}

func compileObject(doc map[string]any, path string, errs *[]error) object {
	out := object{}
	for _, name := range slices.Sorted(maps.Keys(doc)) {
		v := doc[name]
		p := join(path, name)
		switch v := v.(type) {
		case map[string]any:
			nested := compileObject(v, p, errs)
			if len(nested) == 0 {
				*errs = append(*errs, fmt.Errorf("%s: empty object: give at least one field", p))
				continue
			}
			out[name] = field{nested: nested}
		case []any:
			if len(v) == 0 {
				*errs = append(*errs, fmt.Errorf("%s: empty array: EventBridge rejects it; list at least one value", p))
				continue
			}
			var alts []matcher
			for i, item := range v {
				if m, err := compileMatcher(item); err != nil {
					*errs = append(*errs, fmt.Errorf("%s[%d]: %w", p, i, err))
				} else {
					alts = append(alts, m)
				}
			}
			out[name] = field{alternatives: alts}
		default:
			*errs = append(*errs, fmt.Errorf("%s: got %s, want an array of values or a nested object", p, describe(v)))
		}
	}
	return out
}

func compileMatcher(item any) (matcher, error) {
	rule, ok := item.(map[string]any)
	if !ok {
		return exactMatcher{want: item}, nil
	}
	if len(rule) != 1 {
		return nil, fmt.Errorf("a content filter has exactly one operator, got %d", len(rule))
	}
	var op string
	var arg any
	for k, v := range rule { // the only entry
		op, arg = k, v
	}
	switch op {
	case "prefix", "suffix", "equals-ignore-case":
		s, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("%s: got %s, want a string", op, describe(arg))
		}
		return stringMatcher{op: op, arg: s}, nil
	case "exists":
		b, ok := arg.(bool)
		if !ok {
			return nil, fmt.Errorf("exists: got %s, want true or false", describe(arg))
		}
		return existsMatcher{want: b}, nil
	case "anything-but":
		return compileAnythingBut(arg)
	default:
		return nil, fmt.Errorf("operator %q is not supported by this matcher", op)
	}
}

func compileAnythingBut(arg any) (matcher, error) {
	switch arg := arg.(type) {
	case map[string]any:
		inner, err := compileMatcher(arg)
		if err != nil {
			return nil, fmt.Errorf("anything-but: %w", err)
		}
		sm, ok := inner.(stringMatcher)
		if !ok || sm.op == "equals-ignore-case" {
			return nil, errors.New("anything-but: only prefix and suffix may be nested")
		}
		return notMatcher{inner: sm}, nil
	case []any:
		if len(arg) == 0 {
			return nil, errors.New("anything-but: empty list")
		}
		var alts []matcher
		for _, v := range arg {
			if _, isObj := v.(map[string]any); isObj {
				return nil, errors.New("anything-but: a list holds plain values only")
			}
			alts = append(alts, exactMatcher{want: v})
		}
		return notMatcher{inner: anyOf(alts)}, nil
	default:
		return notMatcher{inner: exactMatcher{want: arg}}, nil
	}
}

type exactMatcher struct{ want any }

// match compares type-aware: "5" does not match 5; JSON numbers compare as numbers.
func (m exactMatcher) match(value any, _ bool) bool {
	switch want := m.want.(type) {
	case nil:
		return value == nil
	case string:
		got, ok := value.(string)
		return ok && got == want
	case float64:
		got, ok := value.(float64)
		return ok && got == want
	case bool:
		got, ok := value.(bool)
		return ok && got == want
	default:
		return false
	}
}

type stringMatcher struct{ op, arg string }

func (m stringMatcher) match(value any, _ bool) bool {
	s, ok := value.(string)
	if !ok {
		return false
	}
	switch m.op {
	case "prefix":
		return strings.HasPrefix(s, m.arg)
	case "suffix":
		return strings.HasSuffix(s, m.arg)
	default:
		return strings.EqualFold(s, m.arg)
	}
}

type existsMatcher struct{ want bool }

func (m existsMatcher) match(_ any, present bool) bool { return present == m.want }

// notMatcher is anything-but: a present value the inner matcher rejects. It
// never matches an absent field.
type notMatcher struct{ inner matcher }

func (m notMatcher) match(value any, present bool) bool {
	return present && !m.inner.match(value, present)
}

type anyOf []matcher

func (a anyOf) match(value any, present bool) bool {
	return slices.ContainsFunc(a, func(m matcher) bool { return m.match(value, present) })
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("string %q", v)
	case float64:
		return fmt.Sprintf("number %v", v)
	case bool:
		return fmt.Sprintf("boolean %v", v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}
