package fielderror

import (
	"bytes"
	"reflect"
)

// Kind is the kind of a JSON value, as error messages name it: "must be a
// JSON object, got array".
type Kind string

// The kinds of JSON values, and KindNothing for no value at all.
const (
	KindNothing Kind = "nothing"
	KindNull    Kind = "null"
	KindBoolean Kind = "boolean"
	KindNumber  Kind = "number"
	KindString  Kind = "string"
	KindArray   Kind = "array"
	KindObject  Kind = "object"
)

// KindOf returns the kind of the JSON value raw, judged by its first byte
// after white space: raw is expected to be valid JSON, as a json.RawMessage
// from a successful decode is. Empty input is KindNothing.
func KindOf(raw []byte) Kind {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return KindNothing
	}
	switch raw[0] {
	case '{':
		return KindObject
	case '[':
		return KindArray
	case '"':
		return KindString
	case 't', 'f':
		return KindBoolean
	case 'n':
		return KindNull
	default:
		return KindNumber
	}
}

// ExpectedKind names, in JSON terms, the value encoding/json wanted for a Go
// value of kind k (a *json.UnmarshalTypeError's Type.Kind()): "string",
// "object", "array" or "boolean", and "value" for any other kind.
func ExpectedKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return string(KindString)
	case reflect.Struct, reflect.Map:
		return string(KindObject)
	case reflect.Slice, reflect.Array:
		return string(KindArray)
	case reflect.Bool:
		return string(KindBoolean)
	default:
		return "value"
	}
}
