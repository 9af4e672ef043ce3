package tables

import (
	"strconv"
	"strings"
)

// lookup finds the value at p in item.
func lookup(item Item, p path) (Value, bool) {
	v, ok := item[p[0].name]
	if !ok || p[0].isIdx {
		return Value{}, false
	}
	for _, s := range p[1:] {
		switch {
		case s.isIdx && v.kind == "L" && s.index < len(v.l):
			v = v.l[s.index]
		case !s.isIdx && v.kind == "M":
			e, ok := v.m[s.name]
			if !ok {
				return Value{}, false
			}
			v = e
		default:
			return Value{}, false
		}
	}
	return v, true
}

// value evaluates an operand of a condition; ok is false when it names a
// missing attribute.
func (o operand) eval(item Item) (Value, bool, *wireError) {
	switch o.kind {
	case "value":
		return o.value, true, nil
	case "path":
		v, ok := lookup(item, o.path)
		return v, ok, nil
	case "size":
		v, ok := lookup(item, o.args[0].path)
		if !ok {
			return Value{}, false, nil
		}
		n, err := sizeOf(v)
		if err != nil {
			return Value{}, false, err
		}
		return Number(strconv.Itoa(n)), true, nil
	}
	return Value{}, false, validation("unsupported operand " + o.kind)
}

// sizeOf is the size function: string and binary length, set, list and
// map element counts.
func sizeOf(v Value) (int, *wireError) {
	switch v.kind {
	case "S":
		return len(v.str), nil
	case "B":
		return len(v.str), nil
	case "SS", "NS", "BS":
		return v.setLen(), nil
	case "L":
		return len(v.l), nil
	case "M":
		return len(v.m), nil
	}
	return 0, validation("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: " + v.kind)
}

// eval evaluates a condition on item (nil: no item).
func (c *cond) eval(item Item) (bool, *wireError) {
	switch c.op {
	case "AND", "OR":
		l, err := c.subs[0].eval(item)
		if err != nil {
			return false, err
		}
		if (c.op == "AND" && !l) || (c.op == "OR" && l) {
			return l, nil
		}
		return c.subs[1].eval(item)
	case "NOT":
		b, err := c.subs[0].eval(item)
		return !b, err
	case "attribute_exists", "attribute_not_exists":
		_, ok := lookup(item, c.ops[0].path)
		return ok == (c.op == "attribute_exists"), nil
	}
	vals := make([]Value, len(c.ops))
	for i, o := range c.ops {
		v, ok, err := o.eval(item)
		if err != nil {
			return false, err
		}
		if !ok {
			// A missing attribute equals nothing, so it differs from
			// everything: DynamoDB's a <> :v holds for items without a.
			return c.op == "<>", nil
		}
		vals[i] = v
	}
	return c.test(vals), nil
}

// test applies a comparison, BETWEEN, IN or function to evaluated operands.
func (c *cond) test(v []Value) bool {
	switch c.op {
	case "=":
		return equal(v[0], v[1])
	case "<>":
		return !equal(v[0], v[1])
	case "<", "<=", ">", ">=":
		n, ok := compare(v[0], v[1])
		return ok && map[string]bool{"<": n < 0, "<=": n <= 0, ">": n > 0, ">=": n >= 0}[c.op]
	case "BETWEEN":
		lo, ok1 := compare(v[0], v[1])
		hi, ok2 := compare(v[0], v[2])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	case "IN":
		for _, e := range v[1:] {
			if equal(v[0], e) {
				return true
			}
		}
		return false
	case "attribute_type":
		return v[0].kind == v[1].str
	case "begins_with":
		return beginsWith(v[0], v[1])
	case "contains":
		return contains(v[0], v[1])
	}
	return false
}

func beginsWith(a, prefix Value) bool {
	switch {
	case a.kind == "S" && prefix.kind == "S":
		return strings.HasPrefix(a.str, prefix.str)
	case a.kind == "B" && prefix.kind == "B":
		return strings.HasPrefix(a.str, prefix.str)
	}
	return false
}

// contains is true for a substring of a string, an element of a set of the
// matching type, or an element of a list.
func contains(a, e Value) bool {
	switch a.kind {
	case "S":
		return e.kind == "S" && strings.Contains(a.str, e.str)
	case "B":
		return e.kind == "B" && strings.Contains(a.str, e.str)
	case "SS", "NS", "BS":
		if e.kind+"S" != a.kind {
			return false
		}
		for i := range a.setLen() {
			if equal(a.element(i), e) {
				return true
			}
		}
	case "L":
		for _, x := range a.l {
			if equal(x, e) {
				return true
			}
		}
	}
	return false
}

// element returns element i of a set as a scalar value.
func (v Value) element(i int) Value {
	switch v.kind {
	case "SS":
		return String(v.ss[i])
	case "NS":
		return Number(v.ss[i])
	}
	return Value{kind: "B", str: v.ss[i]}
}
