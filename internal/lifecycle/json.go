package lifecycle

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/landfall/landfall/internal/fielderror"
)

// The detail of an event is read through maps of raw values rather than
// structs: keys are matched exactly (encoding/json matches struct fields case
// insensitively), unknown keys cost nothing, and every type problem is
// reported with its full path instead of only the first one.

// object decodes raw as a JSON object; a missing or null value is an error.
func object(raw json.RawMessage, path string) (map[string]json.RawMessage, error) {
	if len(raw) == 0 || isNull(raw) {
		return nil, &FieldError{Field: path, Problem: "missing", Fix: "Control Tower and Organizations events carry a JSON object there"}
	}
	var m map[string]json.RawMessage
	if raw = bytes.TrimSpace(raw); raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return nil, &FieldError{Field: path, Problem: "must be a JSON object, got " + string(fielderror.KindOf(raw))}
	}
	return m, nil
}

// optionalObject returns the object under key, or nil when it is absent or null.
func optionalObject(m map[string]json.RawMessage, key, path string) (map[string]json.RawMessage, error) {
	raw, ok := m[key]
	if !ok || isNull(raw) {
		return nil, nil
	}
	return object(raw, path+"."+key)
}

// stringField returns the string under key, "" when it is absent or null.
// The string must follow the text rules (text.go) for a single-line value.
func stringField(m map[string]json.RawMessage, key, path string) (string, error) {
	return textField(m, key, path, 0, false)
}

// textField returns the string under key, "" when it is absent or null,
// checked against the text rules (text.go): at most maxLen characters (0: no
// limit), tabs and line breaks only if breaks is set.
func textField(m map[string]json.RawMessage, key, path string, maxLen int, breaks bool) (string, error) {
	raw, ok := m[key]
	if !ok || isNull(raw) {
		return "", nil
	}
	var s string
	if raw = bytes.TrimSpace(raw); len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", &FieldError{Field: path + "." + key, Problem: "must be a JSON string, got " + string(fielderror.KindOf(raw))}
	}
	if fe := checkText(path+"."+key, raw, s, maxLen, breaks); fe != nil {
		return "", fe
	}
	return s, nil
}

// timestampField returns the timestamp under key, the zero time when it is
// absent, null or empty.
func timestampField(m map[string]json.RawMessage, key, path string) (time.Time, error) {
	s, err := stringField(m, key, path)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	t, err := parseTimestamp(s)
	if err != nil {
		return time.Time{}, &FieldError{
			Field: path + "." + key, Value: s, Problem: "is not a timestamp",
			Fix: `use ISO 8601 with a zone, such as "2019-11-15T11:45:18+0000" or "2018-08-30T21:42:18Z"`,
		}
	}
	return t, nil
}

// isNull reports whether raw is the JSON literal null.
func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}
