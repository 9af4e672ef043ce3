package wire

import (
	"fmt"
	"reflect"
	"strings"
)

// Op is the one shape of an emulated operation: fn takes the request and the
// operation's input, already decoded the way the service's protocol carries
// it, and returns the output (encoded as Operation describes) or an error.
// Services register every operation as Op(fn), so none of them parses a
// body, a form or a path by hand, and each keeps its own protocol.
//
// How In is decoded, by protocol:
//
//   - awsJson1_0, awsJson1_1: the JSON body, with encoding/json (see
//     Request.DecodeJSON); In's member names are the model's.
//   - awsQuery: every string field of In itself (not promoted ones) from
//     the form parameter of the field's name, or of its `query:"Name"`
//     tag. Lists and maps stay in Request.Form, for FormList, FormMap and
//     FormStructs, as does whether a parameter was sent at all.
//   - restJson1: fields tagged `rest:"label"`, `rest:"query"`,
//     `rest:"header=X-Amz-Name"` (strings) and `rest:"payload"` ([]byte)
//     from the path label, query parameter, header or raw body they name;
//     the name after "=" defaults to the field's name. Without a payload
//     field the body is decoded as JSON into the untagged fields.
//
// An In without fields (struct{}) reads nothing, not even to check that a
// body is well-formed, for operations that take no input.
//
// An error that is a nil *Error counts as success: helpers returning *Error
// can be returned from fn directly without turning a nil into a failure.
func Op[In, Out any](fn func(*Request, *In) (Out, error)) Operation {
	binder := binderFor(reflect.TypeFor[In]())
	return func(r *Request) (any, error) {
		var in In
		if err := binder.bind(r, reflect.ValueOf(&in).Elem()); err != nil {
			return nil, err
		}
		out, err := fn(r, &in)
		if e, ok := err.(*Error); ok && e == nil {
			err = nil
		}
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// field is one struct field bound to a part of a request other than a JSON body.
type field struct {
	index int
	// kind is "query" (awsQuery form), or the restJson1 binding: "label",
	// "query", "header" or "payload".
	kind, name string
}

// binder decodes an input type; it is computed once per operation so a
// tagging mistake fails when the service is built, not on some later call.
type binder struct {
	form    []field // awsQuery
	rest    []field // restJson1
	payload bool    // a rest:"payload" field takes the whole body
	empty   bool    // In has no fields: nothing to decode
}

var (
	stringType = reflect.TypeFor[string]()
	bytesType  = reflect.TypeFor[[]byte]()
)

// binderFor reads In's tags. It panics on a rest tag it does not know or
// on a field type the tag cannot fill: those are wiring bugs.
func binderFor(t reflect.Type) binder {
	var b binder
	if t.Kind() != reflect.Struct {
		return b
	}
	b.empty = t.NumField() == 0
	// Only In's own fields bind to forms and URIs: promoted ones may sit in
	// an unexported embedded struct, which reflection cannot set.
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		if tag, ok := f.Tag.Lookup("rest"); ok {
			b.addREST(t, i, tag)
			continue
		}
		if f.Type == stringType {
			name := f.Name
			if q := f.Tag.Get("query"); q != "" {
				name = q
			}
			b.form = append(b.form, field{index: i, kind: "query", name: name})
		}
	}
	return b
}

func (b *binder) addREST(t reflect.Type, i int, tag string) {
	f := t.Field(i)
	kind, name, _ := strings.Cut(tag, "=")
	if name == "" {
		name = f.Name
	}
	want := stringType
	switch kind {
	case "label", "query", "header":
	case "payload":
		want, b.payload = bytesType, true
	default:
		panic(fmt.Sprintf("wire: %s.%s has unknown rest tag %q", t, f.Name, tag))
	}
	if f.Type != want {
		panic(fmt.Sprintf("wire: %s.%s is %s; rest:%q needs %s", t, f.Name, f.Type, tag, want))
	}
	b.rest = append(b.rest, field{index: i, kind: kind, name: name})
}

// bind fills v (an In) from r according to r's protocol.
func (b binder) bind(r *Request, v reflect.Value) error {
	if b.empty {
		return nil
	}
	switch r.Protocol {
	case Query:
		for _, f := range b.form {
			v.Field(f.index).SetString(r.Form.Get(f.name))
		}
		return nil
	case RESTJSON:
		return b.bindREST(r, v)
	default:
		return r.DecodeJSON(v.Addr().Interface())
	}
}

func (b binder) bindREST(r *Request, v reflect.Value) error {
	if !b.payload {
		if err := r.DecodeJSON(v.Addr().Interface()); err != nil {
			return err
		}
	}
	for _, f := range b.rest {
		dst := v.Field(f.index)
		switch f.kind {
		case "label":
			dst.SetString(r.PathParams[f.name])
		case "query":
			dst.SetString(r.Query.Get(f.name))
		case "header":
			dst.SetString(r.Header.Get(f.name))
		case "payload":
			dst.SetBytes(r.Body)
		}
	}
	return nil
}
