package plan

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// function is one function a template may call. params mirror the Go
// signature text/template would see, so that argument counts and types are
// checked, and fail with the same messages, as there: a variadic function's
// last param is the kind of each extra argument.
type function struct {
	params   []param
	variadic bool
	call     func(args []any) (any, error)
}

// param is how an argument is checked before a call, by the Go type the
// function's parameter has in text/template.
type param int

const (
	// anyParam is reflect.Value or any: every value is accepted.
	anyParam param = iota
	// stringParam accepts a string; a literal must be a quoted string.
	stringParam
	// accountParam accepts a plan.Account only.
	accountParam
	// untyped is a chain's base ((index .Account.Ancestors 0).Name): no check.
	untyped
)

// String names the parameter's Go type, as text/template's messages do.
func (p param) String() string {
	switch p {
	case stringParam:
		return "string"
	case accountParam:
		return "plan.Account"
	}
	return "interface {}"
}

// builtins are the Go template built-ins plan templates may use, with
// text/template's semantics (funcs.go in the standard library): values and
// not-empty truth, short-circuit and/or, comparisons of basic values,
// indexing and slicing of strings, lists and maps, and fmt printing.
// refusedBuiltins are the rest, refused at validation.
var builtins = map[string]function{
	"and":     {params: []param{anyParam, anyParam}, variadic: true}, // evalCall short-circuits and and or
	"or":      {params: []param{anyParam, anyParam}, variadic: true},
	"not":     {params: []param{anyParam}, call: func(a []any) (any, error) { return !truth(a[0]), nil }},
	"len":     {params: []param{anyParam}, call: func(a []any) (any, error) { return lengthOf(a[0]) }},
	"index":   {params: []param{anyParam, anyParam}, variadic: true, call: func(a []any) (any, error) { return indexOf(a[0], a[1:]) }},
	"slice":   {params: []param{anyParam, anyParam}, variadic: true, call: func(a []any) (any, error) { return sliceOf(a[0], a[1:]) }},
	"print":   {params: []param{anyParam}, variadic: true, call: func(a []any) (any, error) { return fmt.Sprint(a...), nil }},
	"printf":  {params: []param{stringParam, anyParam}, variadic: true, call: func(a []any) (any, error) { return fmt.Sprintf(a[0].(string), a[1:]...), nil }},
	"println": {params: []param{anyParam}, variadic: true, call: func(a []any) (any, error) { return fmt.Sprintln(a...), nil }},
	"eq":      {params: []param{anyParam, anyParam}, variadic: true, call: func(a []any) (any, error) { return eq(a[0], a[1:]) }},
	"ne":      {params: []param{anyParam, anyParam}, call: compare(ne)},
	"lt":      {params: []param{anyParam, anyParam}, call: compare(lt)},
	"le":      {params: []param{anyParam, anyParam}, call: compare(le)},
	"gt":      {params: []param{anyParam, anyParam}, call: compare(gt)},
	"ge":      {params: []param{anyParam, anyParam}, call: compare(ge)},
}

// refusedBuiltins are text/template's built-ins that plan templates do not
// support: escaping for HTML, JavaScript and URLs has no use in a
// provisioning parameter, and call needs function values, which RenderData
// has none of.
var refusedBuiltins = []string{"call", "html", "js", "urlquery"}

// parseFuncs lists every function name the parser accepts: the plan's, the
// supported built-ins and the refused ones, so that a refused built-in is
// reported as such (unsupported) rather than as an unknown function.
func parseFuncs() map[string]any {
	m := make(map[string]any, len(funcs)+len(builtins)+len(refusedBuiltins))
	for name := range funcs {
		m[name] = true
	}
	for name := range builtins {
		m[name] = true
	}
	for _, name := range refusedBuiltins {
		m[name] = true
	}
	return m
}

func builtinNames() string {
	return strings.Join(slices.Sorted(maps.Keys(builtins)), ", ")
}

func compare(f func(a, b any) (bool, error)) func([]any) (any, error) {
	return func(a []any) (any, error) { return f(a[0], a[1]) }
}

// truth is text/template's truth: not the zero value of its type (structs
// are always true).
func truth(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != ""
	case bool:
		return v
	case int:
		return v != 0
	case uint8:
		return v != 0
	case float64:
		return v != 0
	case []OU:
		return len(v) > 0
	case map[string]string:
		return len(v) > 0
	}
	return true
}

func lengthOf(v any) (any, error) {
	switch v := v.(type) {
	case string:
		return len(v), nil
	case []OU:
		return len(v), nil
	case map[string]string:
		return len(v), nil
	case nil:
		return nil, errors.New("reflect: call of reflect.Value.Type on zero Value")
	}
	return nil, fmt.Errorf("len of type %T", v)
}

// indexOf is x[i][j]…: a string gives a byte (uint8), a list an OU, a map its
// value or "" when the key is absent.
func indexOf(item any, indexes []any) (any, error) {
	if item == nil {
		return nil, errors.New("index of untyped nil")
	}
	for _, ix := range indexes {
		switch it := item.(type) {
		case string:
			x, err := indexArg(ix, len(it))
			if err != nil {
				return nil, err
			}
			if x == len(it) {
				return nil, errors.New("reflect: string index out of range")
			}
			item = it[x]
		case []OU:
			x, err := indexArg(ix, len(it))
			if err != nil {
				return nil, err
			}
			if x == len(it) {
				return nil, errors.New("reflect: slice index out of range")
			}
			item = it[x]
		case map[string]string:
			key, ok := ix.(string)
			if !ok {
				if ix == nil {
					return nil, errors.New("value is nil; should be of type string")
				}
				return nil, fmt.Errorf("value has type %T; should be string", ix)
			}
			item = it[key]
		default:
			return nil, fmt.Errorf("can't index item of type %T", item)
		}
	}
	return item, nil
}

// indexArg checks an index against cap as text/template does: cap itself
// passes (slice needs it), so indexOf rejects it separately.
func indexArg(ix any, capacity int) (int, error) {
	var x int64
	switch ix := ix.(type) {
	case int:
		x = int64(ix)
	case uint8:
		x = int64(ix)
	case nil:
		return 0, errors.New("cannot index slice/array with nil")
	default:
		return 0, fmt.Errorf("cannot index slice/array with type %T", ix)
	}
	if x < 0 || int(x) < 0 || int(x) > capacity {
		return 0, fmt.Errorf("index out of range: %d", x)
	}
	return int(x), nil
}

// sliceOf is x[i:j] or x[i:j:k] of a string or a list; a list slices up to
// its capacity, as Go and text/template do.
func sliceOf(item any, indexes []any) (any, error) {
	if item == nil {
		return nil, errors.New("slice of untyped nil")
	}
	if len(indexes) > 3 {
		return nil, fmt.Errorf("too many slice indexes: %d", len(indexes))
	}
	var length, capacity int
	switch it := item.(type) {
	case string:
		if len(indexes) == 3 {
			return nil, errors.New("cannot 3-index slice a string")
		}
		length, capacity = len(it), len(it)
	case []OU:
		length, capacity = len(it), cap(it)
	default:
		return nil, fmt.Errorf("can't slice item of type %T", item)
	}
	idx := [3]int{0, length}
	for i, ix := range indexes {
		x, err := indexArg(ix, capacity)
		if err != nil {
			return nil, err
		}
		idx[i] = x
	}
	if idx[0] > idx[1] {
		return nil, fmt.Errorf("invalid slice index: %d > %d", idx[0], idx[1])
	}
	if s, ok := item.(string); ok {
		return s[idx[0]:idx[1]], nil
	}
	list := item.([]OU)
	if len(indexes) < 3 {
		return list[idx[0]:idx[1]], nil
	}
	if idx[1] > idx[2] {
		return nil, fmt.Errorf("invalid slice index: %d > %d", idx[1], idx[2])
	}
	return list[idx[0]:idx[1]:idx[2]], nil
}
