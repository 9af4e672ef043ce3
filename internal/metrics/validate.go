package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Check validates one log line against the CloudWatch Embedded Metric
// Format specification and reports every violation, each naming its path
// in the document. It reads the line as CloudWatch Logs would, independently
// of how Write built it, so tests can run it on whatever a handler logged.
//
// Besides the specification's MUSTs and its JSON schema (Timestamp an
// integer in milliseconds, Namespace, Dimensions and Metrics in every
// directive, at most 30 dimensions per set and 100 metrics per directive,
// every referenced member present at the top level with a string or numeric
// value, numeric arrays of at most 100 values, no members the specification
// does not define), it refuses what CloudWatch would accept and then ignore
// or bill for nothing: a directive without metrics, a metric named twice in
// one directive, an empty dimension value, a namespace under "AWS/",
// duplicate top-level members.
func Check(line []byte) error {
	if len(line) > maxEventBytes {
		return fmt.Errorf("line: %d bytes, over the %d-byte log event limit", len(line), maxEventBytes)
	}
	root, err := members(line)
	if err != nil {
		return fmt.Errorf("line: %w", err)
	}
	raw, ok := root["_aws"]
	if !ok {
		return errors.New("_aws: missing; an EMF line needs the metadata object")
	}
	meta, err := members(raw)
	if err != nil {
		return fmt.Errorf("_aws: %w", err)
	}
	v := &validator{root: root}
	v.only("_aws", meta, "Timestamp", "CloudWatchMetrics")
	v.timestamp(meta["Timestamp"])
	v.directives(meta["CloudWatchMetrics"])
	return errors.Join(v.errs...)
}

// maxEventBytes is CloudWatch Logs' largest log event, which bounds an EMF document.
const maxEventBytes = 1 << 20

// units are the CloudWatch metric units (MetricDatum.Unit).
var units = map[Unit]bool{}

func init() {
	for _, u := range strings.Fields(`Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes
		Bits Kilobits Megabits Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second
		Gigabytes/Second Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second
		Terabits/Second Count/Second None`) {
		units[Unit(u)] = true
	}
}

type validator struct {
	root map[string]json.RawMessage
	errs []error
}

func (v *validator) fail(path, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(path+": "+format, args...))
}

// only fails on members of obj the specification does not define.
func (v *validator) only(path string, obj map[string]json.RawMessage, allowed ...string) {
	for name := range obj {
		if !slices.Contains(allowed, name) {
			v.fail(path, "member %q is not part of the specification", name)
		}
	}
}

func (v *validator) timestamp(raw json.RawMessage) {
	const path = "_aws.Timestamp"
	switch {
	case raw == nil:
		v.fail(path, "missing")
	case kind(raw) != "number" || bytes.ContainsAny(raw, ".eE-"):
		v.fail(path, "%s is not a non-negative integer (milliseconds since the epoch)", raw)
	}
}

func (v *validator) directives(raw json.RawMessage) {
	const path = "_aws.CloudWatchMetrics"
	var list []json.RawMessage
	if raw == nil || json.Unmarshal(raw, &list) != nil || kind(raw) != "array" {
		v.fail(path, "missing or not an array")
		return
	}
	if len(list) == 0 {
		v.fail(path, "empty; the line publishes nothing")
	}
	for i, d := range list {
		v.directive(fmt.Sprintf("%s[%d]", path, i), d)
	}
}

func (v *validator) directive(path string, raw json.RawMessage) {
	d, err := members(raw)
	if err != nil {
		v.fail(path, "%v", err)
		return
	}
	v.only(path, d, "Namespace", "Dimensions", "Metrics")
	ns, ok := v.str(path+".Namespace", d["Namespace"], 1, 1024)
	if ok && strings.HasPrefix(ns, "AWS/") {
		v.fail(path+".Namespace", "%q: namespaces starting with AWS/ are reserved for AWS", ns)
	}
	v.dimensionSets(path+".Dimensions", d["Dimensions"])
	v.definitions(path+".Metrics", d["Metrics"])
}

func (v *validator) dimensionSets(path string, raw json.RawMessage) {
	var sets [][]json.RawMessage
	if raw == nil || kind(raw) != "array" || json.Unmarshal(raw, &sets) != nil {
		v.fail(path, "missing or not an array of arrays")
		return
	}
	if len(sets) == 0 {
		v.fail(path, "empty; a directive needs at least one dimension set (which may be empty)")
	}
	for i, set := range sets {
		p := fmt.Sprintf("%s[%d]", path, i)
		if len(set) > maxDimensionsPerSet {
			v.fail(p, "%d dimensions; at most %d", len(set), maxDimensionsPerSet)
		}
		for j, ref := range set {
			name, ok := v.str(fmt.Sprintf("%s[%d]", p, j), ref, 1, 250)
			if ok {
				v.target(name, "dimension")
			}
		}
	}
}

func (v *validator) definitions(path string, raw json.RawMessage) {
	var list []json.RawMessage
	if raw == nil || kind(raw) != "array" || json.Unmarshal(raw, &list) != nil {
		v.fail(path, "missing or not an array")
		return
	}
	if n := len(list); n == 0 || n > maxMetricsPerDirective {
		v.fail(path, "%d metric definitions; 1 to %d", n, maxMetricsPerDirective)
	}
	seen := map[string]bool{}
	for i, def := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		m, err := members(def)
		if err != nil {
			v.fail(p, "%v", err)
			continue
		}
		v.only(p, m, "Name", "Unit", "StorageResolution")
		if name, ok := v.str(p+".Name", m["Name"], 1, 1024); ok {
			if seen[name] {
				v.fail(p+".Name", "%q is defined twice in this directive", name)
			}
			seen[name] = true
			v.target(name, "metric")
		}
		v.unit(p+".Unit", m["Unit"])
		v.resolution(p+".StorageResolution", m["StorageResolution"])
	}
}

func (v *validator) unit(path string, raw json.RawMessage) {
	if raw == nil {
		return // optional: None
	}
	var u string
	if kind(raw) != "string" || json.Unmarshal(raw, &u) != nil || !units[Unit(u)] {
		v.fail(path, "%s is not a CloudWatch unit", raw)
	}
}

func (v *validator) resolution(path string, raw json.RawMessage) {
	if raw == nil {
		return // optional: 60
	}
	if s := string(raw); s != "1" && s != "60" {
		v.fail(path, "%s; CloudWatch stores at 1 or 60 seconds", raw)
	}
}

// target checks the top-level member a directive references.
func (v *validator) target(name, role string) {
	path := fmt.Sprintf("member %q", name)
	raw, ok := v.root[name]
	if !ok {
		v.fail(path, "the %s is referenced but not a top-level member", role)
		return
	}
	if role == "dimension" {
		v.str(path, raw, 1, maxDimensionValue)
		return
	}
	switch kind(raw) {
	case "number":
	case "array":
		var vals []json.RawMessage
		_ = json.Unmarshal(raw, &vals) // valid JSON: members decoded it
		if len(vals) == 0 || len(vals) > 100 || slices.ContainsFunc(vals, func(x json.RawMessage) bool { return kind(x) != "number" }) {
			v.fail(path, "a metric array must hold 1 to 100 numbers, got %s", raw)
		}
	default:
		v.fail(path, "a metric value must be a number or an array of numbers, got %s", raw)
	}
}

// str checks a string of min to max characters and returns it.
func (v *validator) str(path string, raw json.RawMessage, minLen, maxLen int) (string, bool) {
	var s string
	if raw == nil || kind(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		v.fail(path, "missing or not a string")
		return "", false
	}
	if n := len([]rune(s)); n < minLen || n > maxLen {
		v.fail(path, "%q has %d characters; %d to %d", s, n, minLen, maxLen)
		return s, false
	}
	return s, true
}

// members decodes a JSON object, refusing duplicate members (which parsers
// resolve differently) and anything after the object.
func members(raw []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	out := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		key := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, fmt.Errorf("member %q: invalid JSON: %w", key, err)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("member %q appears twice", key)
		}
		out[key] = val
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if rest := bytes.TrimSpace(raw[dec.InputOffset():]); len(rest) > 0 {
		return nil, errors.New("data after the JSON object")
	}
	return out, nil
}

// kind is the JSON type of a valid value.
func kind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	default:
		return "number"
	}
}
