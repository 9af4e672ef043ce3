package manual

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/fielderror"
	"github.com/landfall/landfall/internal/suggest"
)

// The payload is read member by member rather than with json.Unmarshal into
// Request: encoding/json matches keys case-insensitively, keeps the last of
// repeated keys and stops at the first type error, and each of those would
// hide an operator's mistake.

// Keys of each object, in the order help texts list them.
var (
	requestKeys = []string{"accounts", "ous", "recursive", "all", "regions", "products", "targets", "dryRun", "onlyMissing", "includeManagementAccount", "status", "drift", "runs", "run", "cancel", "requestedBy"}
	statusKeys  = []string{"accounts", "ous", "recursive", "all", "regions", "products"}
	pairKeys    = []string{"region", "product"}
)

// IsPayloadKey reports whether key is a top-level key of a manual payload.
// lifecycle.IsEventBridgeEnvelope uses it to tell an operator's request from
// an EventBridge event that lacks its source or detail-type.
func IsPayloadKey(key string) bool { return slices.Contains(requestKeys, key) }

// decoder collects type problems. bad holds the paths already reported, so
// that validation does not report them a second time.
type decoder struct {
	problems []error
	bad      map[string]bool
}

func (d *decoder) add(e *FieldError) {
	d.problems = append(d.problems, e)
}

// fail reports e and marks path as reported.
func (d *decoder) fail(path string, e *FieldError) {
	d.add(e)
	d.bad[path] = true
}

// member is one key and its raw value, in document order.
type member struct {
	key   string
	value json.RawMessage
}

// members returns the members of a JSON object in document order, repeated
// keys included. raw must be valid JSON starting with '{'.
func members(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key is %T", tok)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{key: key, value: bytes.TrimSpace(v)})
	}
	return out, nil
}

// object returns the members of raw, reporting a non-object at path. ok is
// false when raw is not an object.
func (d *decoder) object(path string, raw json.RawMessage, problem, fix string) ([]member, bool) {
	if len(raw) == 0 || raw[0] != '{' {
		d.fail(path, &FieldError{Field: path, Problem: problem + ", got " + kindOf(raw), Fix: fix})
		return nil, false
	}
	ms, err := members(raw)
	if err != nil {
		// Unreachable for input that json.Valid accepted; reported rather
		// than trusted all the same.
		d.fail(path, &FieldError{Field: path, Problem: "cannot be read: " + err.Error(), Fix: fix})
		return nil, false
	}
	return ms, true
}

// unique reports keys given more than once; it returns false for a repeat.
func (d *decoder) unique(seen map[string]bool, path, key string) bool {
	if seen[key] {
		d.add(&FieldError{Field: path, Problem: "given more than once", Fix: "keep one"})
		return false
	}
	seen[key] = true
	return true
}

func (d *decoder) unknown(path, key string, known []string) {
	fix := suggest.DidYouMean(suggest.Closest(key, known))
	if fix == "" {
		fix = "known keys: " + strings.Join(known, ", ")
	}
	d.add(&FieldError{Field: path, Problem: "unknown key", Fix: fix})
}

// request decodes the top-level object; nil when it is not an object.
func (d *decoder) request(raw []byte) *Request {
	ms, ok := d.object("", raw, "must be a JSON object", payloadFix)
	if !ok {
		return nil
	}
	r := &Request{}
	seen := map[string]bool{}
	for _, m := range ms {
		path := keyPath("", m.key)
		if !d.unique(seen, path, m.key) {
			continue
		}
		switch m.key {
		case "accounts":
			r.Accounts = d.stringList(path, m.key, m.value, accountList)
		case "ous":
			r.OUs = d.stringList(path, m.key, m.value, ouList)
		case "recursive":
			r.Recursive = d.boolean(path, m.key, m.value)
		case "all":
			r.All = d.boolean(path, m.key, m.value)
		case "regions":
			r.Regions = d.stringList(path, m.key, m.value, regionList)
		case "products":
			r.Products = d.stringList(path, m.key, m.value, productList)
		case "targets":
			r.Targets = d.targets(path, m.value)
		case "dryRun":
			r.DryRun = d.boolean(path, m.key, m.value)
		case "onlyMissing":
			r.OnlyMissing = d.boolean(path, m.key, m.value)
		case "includeManagementAccount":
			r.IncludeManagement = d.boolean(path, m.key, m.value)
		case "status":
			r.Status = d.status(path, m.value)
		case "drift":
			r.Drift = d.status(path, m.value)
		case "runs":
			r.Runs = d.runs(path, m.value)
		case "run":
			r.Run = d.text(path, m.value, "the run ID", `name the run by its ID; {"runs": {}} lists runs`)
		case "cancel":
			r.Cancel = d.text(path, m.value, "the run ID", `name the run to cancel by its ID; {"runs": {"status": "RUNNING"}} lists running runs`)
		case "requestedBy":
			r.RequestedBy = d.text(path, m.value, "who asked (your IAM ARN)", requestedByFix)
		default:
			d.unknown(path, m.key, requestKeys)
		}
	}
	return r
}

// status decodes a status query (the value of "status" or "drift", named
// by path). It returns a non-nil request even when
// the value is unusable, so that validation still counts it as given.
func (d *decoder) status(path string, raw json.RawMessage) *StatusRequest {
	s := &StatusRequest{}
	ms, ok := d.object(path, raw, "must be an object",
		`write "`+path+`": {"accounts": [...]}, {"ous": [...]} or {"all": true}`)
	if !ok {
		return s
	}
	seen := map[string]bool{}
	for _, m := range ms {
		p := keyPath(path, m.key)
		if !d.unique(seen, p, m.key) {
			continue
		}
		switch m.key {
		case "accounts":
			s.Accounts = d.stringList(p, m.key, m.value, accountList)
		case "ous":
			s.OUs = d.stringList(p, m.key, m.value, ouList)
		case "recursive":
			s.Recursive = d.boolean(p, m.key, m.value)
		case "all":
			s.All = d.boolean(p, m.key, m.value)
		case "regions":
			s.Regions = d.stringList(p, m.key, m.value, regionList)
		case "products":
			s.Products = d.stringList(p, m.key, m.value, productList)
		default:
			d.unknown(p, m.key, statusKeys)
		}
	}
	return s
}

const pairExample = `{"region": "us-west-1", "product": "baseline-vpc"}`

// targets decodes the list of region/product pairs; never nil once given.
func (d *decoder) targets(path string, raw json.RawMessage) []Pair {
	if len(raw) == 0 || raw[0] != '[' {
		d.fail(path, &FieldError{
			Field: path, Problem: `must be a list of {"region", "product"} objects, got ` + kindOf(raw),
			Fix: `write "targets": [` + pairExample + `]`,
		})
		return []Pair{}
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		d.fail(path, &FieldError{Field: path, Problem: "cannot be read: " + err.Error()})
		return []Pair{}
	}
	out := make([]Pair, len(elems))
	for i, e := range elems {
		p := fmt.Sprintf("%s[%d]", path, i)
		ms, ok := d.object(p, bytes.TrimSpace(e), "must be an object", "write "+pairExample)
		if !ok {
			continue
		}
		seen := map[string]bool{}
		for _, m := range ms {
			mp := keyPath(p, m.key)
			if !d.unique(seen, mp, m.key) {
				continue
			}
			switch m.key {
			case "region":
				out[i].Region = d.str(mp, m.value, `a region code such as "us-west-1"`)
			case "product":
				out[i].Product = d.str(mp, m.value, `a product key such as "baseline-vpc"`)
			default:
				d.unknown(mp, m.key, pairKeys)
			}
		}
	}
	return out
}

// str decodes a string value.
func (d *decoder) str(path string, raw json.RawMessage, example string) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		d.fail(path, &FieldError{Field: path, Problem: "must be a string, got " + kindOf(raw), Fix: "write " + example + " in quotes"})
		return ""
	}
	return s
}

// boolean decodes true or false.
func (d *decoder) boolean(path, key string, raw json.RawMessage) bool {
	switch string(raw) {
	case "true":
		return true
	case "false":
		return false
	}
	fix := "write " + strconv.Quote(key) + ": true or false, without quotes"
	var s string
	if json.Unmarshal(raw, &s) == nil && (s == "true" || s == "false") {
		fix = "write " + strconv.Quote(key) + ": " + s + ", without quotes"
	}
	d.fail(path, &FieldError{Field: path, Problem: "must be true or false, got " + kindOf(raw), Fix: fix})
	return false
}

// listSpec describes a list of strings for error messages.
type listSpec struct {
	what    string // "account IDs"
	item    string // "an account ID"
	example string // `"123456789012"`
	ids     bool   // numbers are account IDs that lost their quotes
}

var (
	accountList = listSpec{what: "account IDs", item: "an account ID", example: `"123456789012"`, ids: true}
	ouList      = listSpec{what: "OU IDs", item: "an OU ID", example: `"ou-ab12-l3zc8b3h"`}
	regionList  = listSpec{what: "region codes", item: "a region code", example: `"us-west-1"`}
	productList = listSpec{what: "product keys", item: "a product key", example: `"baseline-vpc"`}
)

// stringList decodes a list of strings. Once given it is never nil, so that
// validation can tell "given but empty or broken" from "absent"; an element
// of the wrong type is left "" and its path marked.
func (d *decoder) stringList(path, key string, raw json.RawMessage, spec listSpec) []string {
	if len(raw) == 0 || raw[0] != '[' {
		kind := kindOf(raw)
		fix := fmt.Sprintf("write %q: [%s]", key, spec.example)
		var s string
		switch {
		case kind == "string" && json.Unmarshal(raw, &s) == nil:
			fix = fmt.Sprintf("put it in a list: %q: [%s]", key, strconv.Quote(truncate(s, maxValueLen)))
		case kind == "number" && spec.ids:
			fix = fmt.Sprintf("put it in a list, in quotes: %q: [%s]", key, strconv.Quote(truncate(string(raw), maxValueLen)))
		}
		d.fail(path, &FieldError{Field: path, Problem: "must be a list of " + spec.what + ", got " + kind, Fix: fix})
		return []string{}
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		d.fail(path, &FieldError{Field: path, Problem: "cannot be read: " + err.Error()})
		return []string{}
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		p := fmt.Sprintf("%s[%d]", path, i)
		e = bytes.TrimSpace(e)
		if len(e) > 0 && e[0] == '"' && json.Unmarshal(e, &out[i]) == nil {
			continue
		}
		kind := kindOf(e)
		if kind == "number" && spec.ids {
			d.fail(p, numberAccountID(p, string(e)))
			continue
		}
		d.fail(p, &FieldError{Field: p, Problem: "must be a string, got " + kind, Fix: "write " + spec.item + " in quotes, such as " + spec.example})
	}
	return out
}

// numberAccountID explains why an account ID must be quoted: JSON numbers
// have no leading zeros, so 012345678901 cannot even be written as one.
func numberAccountID(path, num string) *FieldError {
	fix := `write the 12-digit account ID in quotes, such as "123456789012": a JSON number cannot keep leading zeros`
	if awsid.IsAccountID(num) {
		fix = "write it in quotes, " + strconv.Quote(num) + ": a JSON number cannot keep an account ID's leading zeros"
	}
	return &FieldError{Field: path, Problem: "is the number " + truncate(num, maxValueLen) + ", not a string", Fix: fix}
}

// keyPath appends key to the path of its object, quoting keys that would make
// the path ambiguous.
func keyPath(parent, key string) string {
	if !simpleKey(key) {
		key = strconv.Quote(truncate(key, maxValueLen))
	}
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func simpleKey(key string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		letter := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if !letter && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// kindOf names the kind of a JSON value in the operator's terms, in which an
// array is a list (the help texts' word).
func kindOf(raw []byte) string {
	if k := fielderror.KindOf(raw); k != fielderror.KindArray {
		return string(k)
	}
	return "list"
}
