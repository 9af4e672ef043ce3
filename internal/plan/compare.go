package plan

import (
	"errors"
	"fmt"
)

// The comparison built-ins, as text/template defines them: basic values
// (strings, integers, decimals, booleans) compare by value, integers of
// either sign with each other; eq also compares an OU with an OU and tells
// nil lists and maps apart; anything else is an error.

var (
	errBadComparisonType = errors.New("invalid type for comparison")
	errNoComparison      = errors.New("missing argument for comparison")
)

type kind int

const (
	invalidKind kind = iota
	boolKind
	intKind
	floatKind
	stringKind
	uintKind
)

func basicKind(v any) (kind, error) {
	switch v.(type) {
	case bool:
		return boolKind, nil
	case int:
		return intKind, nil
	case uint8:
		return uintKind, nil
	case float64:
		return floatKind, nil
	case string:
		return stringKind, nil
	}
	return invalidKind, errBadComparisonType
}

// asInt and asUint read an integer of intKind or uintKind.
func asInt(v any) int64 { return int64(v.(int)) }

func asUint(v any) uint64 { return uint64(v.(uint8)) }

// eq reports whether arg1 equals any of arg2.
func eq(arg1 any, arg2 []any) (bool, error) {
	if len(arg2) == 0 {
		return false, errNoComparison
	}
	k1, _ := basicKind(arg1)
	for _, arg := range arg2 {
		k2, _ := basicKind(arg)
		var truth bool
		switch {
		case k1 == intKind && k2 == uintKind:
			truth = asInt(arg1) >= 0 && uint64(asInt(arg1)) == asUint(arg)
		case k1 == uintKind && k2 == intKind:
			truth = asInt(arg) >= 0 && asUint(arg1) == uint64(asInt(arg))
		case k1 != k2:
			if arg1 != nil && arg != nil {
				return false, fmt.Errorf("incompatible types for comparison: %T and %T", arg1, arg)
			}
		case k1 == invalidKind:
			t, err := eqComposite(arg1, arg)
			if err != nil {
				return false, err
			}
			truth = t
		default:
			truth = arg1 == arg
		}
		if truth {
			return true, nil
		}
	}
	return false, nil
}

// eqComposite compares values that are not basic: structs, lists, maps.
func eqComposite(a, b any) (bool, error) {
	if !sameShape(a, b) {
		return false, fmt.Errorf("non-comparable types %s: %T, %T: %v", a, a, b, b)
	}
	if isNil(a) || isNil(b) {
		return isNil(a) == isNil(b), nil
	}
	if _, ok := b.(OU); !ok {
		return false, fmt.Errorf("non-comparable type %s: %T", b, b)
	}
	return a == b, nil
}

// valueShape is a value's reflect.Kind among those RenderData holds.
type valueShape int

const (
	noShape valueShape = iota
	structShape
	listShape
	mapShape
	basicShape
)

func shapeOf(v any) valueShape {
	switch v.(type) {
	case nil:
		return noShape
	case RenderData, Account, OU:
		return structShape
	case []OU:
		return listShape
	case map[string]string:
		return mapShape
	}
	return basicShape
}

// sameShape is text/template's canCompare: the same kind, or one is nil.
func sameShape(a, b any) bool {
	sa, sb := shapeOf(a), shapeOf(b)
	return sa == sb || sa == noShape || sb == noShape
}

func isNil(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case []OU:
		return v == nil
	case map[string]string:
		return v == nil
	}
	return false
}

func ne(a, b any) (bool, error) {
	equal, err := eq(a, []any{b})
	return !equal, err
}

func lt(a, b any) (bool, error) {
	k1, err := basicKind(a)
	if err != nil {
		return false, err
	}
	k2, err := basicKind(b)
	if err != nil {
		return false, err
	}
	switch {
	case k1 == intKind && k2 == uintKind:
		return asInt(a) < 0 || uint64(asInt(a)) < asUint(b), nil
	case k1 == uintKind && k2 == intKind:
		return asInt(b) >= 0 && asUint(a) < uint64(asInt(b)), nil
	case k1 != k2:
		return false, fmt.Errorf("incompatible types for comparison: %T and %T", a, b)
	}
	switch k1 {
	case floatKind:
		return a.(float64) < b.(float64), nil
	case intKind:
		return asInt(a) < asInt(b), nil
	case stringKind:
		return a.(string) < b.(string), nil
	case uintKind:
		return asUint(a) < asUint(b), nil
	}
	return false, errBadComparisonType // bool
}

func le(a, b any) (bool, error) {
	less, err := lt(a, b)
	if less || err != nil {
		return less, err
	}
	return eq(a, []any{b})
}

func gt(a, b any) (bool, error) {
	lessOrEqual, err := le(a, b)
	if err != nil {
		return false, err
	}
	return !lessOrEqual, nil
}

func ge(a, b any) (bool, error) {
	less, err := lt(a, b)
	if err != nil {
		return false, err
	}
	return !less, nil
}
