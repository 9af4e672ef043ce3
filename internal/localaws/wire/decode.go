package wire

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DecodeJSON decodes the JSON body of r into v. Malformed JSON answers
// SerializationException, as AWS JSON services do; an empty body decodes as {}.
// Unknown fields are ignored, because newer SDKs may send members the
// emulator does not model.
func (r *Request) DecodeJSON(v any) error {
	body := bytes.TrimSpace(r.Body)
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &Error{Code: "SerializationException", Message: "cannot decode the " + r.Operation + " request: " + err.Error()}
	}
	return nil
}

// FormList returns the awsQuery list `name.member.1`, `name.member.2`, ...
// in index order. Missing indices are skipped rather than ending the list.
func FormList(form url.Values, name string) []string {
	var out []string
	for _, f := range FormStructs(form, name+".member") {
		if v, ok := f[""]; ok && len(v) > 0 {
			out = append(out, v[0])
		}
	}
	return out
}

// FormStructs returns the indexed groups `prefix.1.*`, `prefix.2.*`, ... in
// index order, each with the `prefix.N.` part stripped from its keys; a plain
// `prefix.N` value is under the key "". Use it for lists of structures
// (`Tags.member`) and maps (`MessageAttributes.entry`, then read "Name",
// "Value.DataType", ...).
func FormStructs(form url.Values, prefix string) []url.Values {
	groups := map[int]url.Values{}
	p := prefix + "."
	for k, v := range form {
		rest, ok := strings.CutPrefix(k, p)
		if !ok {
			continue
		}
		idx, field, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(idx)
		if err != nil || n < 1 {
			continue
		}
		if groups[n] == nil {
			groups[n] = url.Values{}
		}
		groups[n][field] = v
	}
	keys := make([]int, 0, len(groups))
	for n := range groups {
		keys = append(keys, n)
	}
	slices.Sort(keys)
	out := make([]url.Values, 0, len(keys))
	for _, n := range keys {
		out = append(out, groups[n])
	}
	return out
}

// FormMap returns the awsQuery map `name.entry.N.<keyField>` /
// `name.entry.N.<valueField>` (for example Attributes with key/value).
func FormMap(form url.Values, name, keyField, valueField string) map[string]string {
	out := map[string]string{}
	for _, e := range FormStructs(form, name+".entry") {
		if k := e.Get(keyField); k != "" {
			out[k] = e.Get(valueField)
		}
	}
	return out
}

// Timestamp is a time that encodes the way AWS protocols send timestamps by
// default: epoch seconds (with milliseconds) in JSON, ISO 8601 UTC in XML.
// Use it in response structs; `json:",omitzero"` leaves the zero value out
// of JSON, and a *Timestamp with `xml:",omitempty"` leaves it out of XML.
type Timestamp time.Time

// Time returns t as a time.Time.
func (t Timestamp) Time() time.Time { return time.Time(t) }

// IsZero reports whether t is the zero time, for `json:",omitzero"`.
func (t Timestamp) IsZero() bool { return time.Time(t).IsZero() }

// MarshalJSON encodes t as epoch seconds.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

// UnmarshalJSON decodes epoch seconds.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*t = Timestamp(time.UnixMilli(int64(f * 1000)).UTC())
	return nil
}

// MarshalXML encodes t as ISO 8601 with milliseconds, e.g. 2026-01-01T00:00:00.000Z.
func (t Timestamp) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z"), start)
}

// Document returns the JSON body as a generic document (numbers as
// json.Number; an empty body is {}), decoded on the first call only; ok is
// false when the body is not a JSON object. Callers must not modify it: it
// is shared by everyone who asks.
func (r *Request) Document() (doc map[string]any, ok bool) {
	if !r.docRead {
		r.docRead = true
		r.doc, r.docOK = DecodeDocument(r.Body)
	}
	return r.doc, r.docOK
}

// DecodeDocument decodes body as a JSON object with numbers as
// json.Number (an empty body is {}); ok is false when it is not one.
func DecodeDocument(body []byte) (map[string]any, bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]any{}, true
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	return doc, true
}
