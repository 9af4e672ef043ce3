package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/fielderror"
	"github.com/landfall/landfall/internal/suggest"
)

// fieldError is a Parse error: the JSON path of the bad element, what is
// wrong, the offending text if any, and the fix.
func fieldError(field, value, problem, fix string) error {
	return &fielderror.Error{Field: field, Value: value, Problem: problem, Fix: fix}
}

// object decodes raw as a JSON object, refusing members not in known unless
// known is nil (member names are case-sensitive in policies, as in AWS).
func object(raw json.RawMessage, field string, known []string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if k := fielderror.KindOf(raw); k != fielderror.KindObject {
		return nil, fieldError(field, "", "must be a JSON object, got "+string(k), "")
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fieldError(field, "", "is not valid JSON: "+err.Error(), "")
	}
	for _, name := range sortedKeys(m) {
		if known == nil || slices.Contains(known, name) {
			continue
		}
		fix := "use " + suggest.OrList(known)
		if hint := suggest.DidYouMean(suggest.Closest(name, known)); hint != "" {
			fix = hint
		}
		return nil, fieldError(field, name, "has an element the policy language does not define", fix)
	}
	return m, nil
}

// sortedKeys lists m's keys in order, so errors are deterministic.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// text decodes raw as a JSON string.
func text(raw json.RawMessage, field string) (string, error) {
	var s string
	if k := fielderror.KindOf(raw); k != fielderror.KindString {
		return "", fieldError(field, "", "must be a string, got "+string(k), "")
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fieldError(field, "", "is not a valid JSON string: "+err.Error(), "")
	}
	return s, nil
}

// texts decodes a string or a non-empty array of strings, the shape of
// Action, Resource and principal lists.
func texts(raw json.RawMessage, field string) ([]string, error) {
	switch fielderror.KindOf(raw) {
	case fielderror.KindString:
		s, err := text(raw, field)
		return []string{s}, err
	case fielderror.KindArray:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fieldError(field, "", "is not valid JSON: "+err.Error(), "")
		}
		if len(items) == 0 {
			return nil, fieldError(field, "", "is an empty list", "give at least one value")
		}
		out := make([]string, len(items))
		for i, item := range items {
			s, err := text(item, fmt.Sprintf("%s[%d]", field, i))
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	default:
		return nil, fieldError(field, "", "must be a string or an array of strings, got "+string(fielderror.KindOf(raw)), "")
	}
}

// conditionValues decodes the value of one condition key: a string, boolean
// or number, or an array of them, all as their text (true is "true", 10 is
// "10").
func conditionValues(raw json.RawMessage, field string) ([]string, error) {
	if fielderror.KindOf(raw) != fielderror.KindArray {
		s, err := scalar(raw, field)
		return []string{s}, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fieldError(field, "", "is not valid JSON: "+err.Error(), "")
	}
	out := make([]string, len(items))
	for i, item := range items {
		s, err := scalar(item, fmt.Sprintf("%s[%d]", field, i))
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// scalar is one condition value as text.
func scalar(raw json.RawMessage, field string) (string, error) {
	switch k := fielderror.KindOf(raw); k {
	case fielderror.KindString:
		return text(raw, field)
	case fielderror.KindBoolean, fielderror.KindNumber:
		return string(bytes.TrimSpace(raw)), nil
	default:
		return "", fieldError(field, "", "must be a string, boolean or number, or an array of them, got "+string(k), "")
	}
}

// compact is doc without insignificant white space, for Policy.String.
func compact(doc []byte) string {
	var b bytes.Buffer
	if err := json.Compact(&b, doc); err != nil {
		return strings.TrimSpace(string(doc))
	}
	return b.String()
}
