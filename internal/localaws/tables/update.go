package tables

import (
	"math/big"
	"sort"
	"strings"
)

// action is one action of an update expression.
type action struct {
	verb  string // SET, REMOVE, ADD, DELETE
	path  path
	value operand // SET: the value; ADD, DELETE: the :value
}

// parseUpdate parses an update expression: SET, REMOVE, ADD and DELETE
// clauses, each at most once, in any order.
func (p *parser) parseUpdate() ([]action, *wireError) {
	var out []action
	seen := map[string]bool{}
	for p.peek().kind != tokEOF {
		t := p.next()
		verb := strings.ToUpper(t.text)
		if t.kind != tokIdent || (verb != "SET" && verb != "REMOVE" && verb != "ADD" && verb != "DELETE") {
			return nil, syntaxError(p.what, p.src, t.text, t.pos)
		}
		if seen[verb] {
			return nil, p.fail("The %q section can only be used once in an update expression;", verb)
		}
		seen[verb] = true
		for {
			a, err := p.updateAction(verb)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
			if !p.accept(",") {
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, p.unexpected()
	}
	return out, overlaps(p, out)
}

func (p *parser) updateAction(verb string) (action, *wireError) {
	pa, err := p.path()
	if err != nil {
		return action{}, err
	}
	a := action{verb: verb, path: pa}
	switch verb {
	case "SET":
		if err := p.expect("="); err != nil {
			return action{}, err
		}
		a.value, err = p.setValue()
	case "ADD", "DELETE":
		a.value, err = p.operand(false)
		if err == nil && a.value.kind != "value" {
			return action{}, p.fail("Incorrect operand type for operator or function; operator: %s, operand type: path", verb)
		}
	}
	return a, err
}

// setValue is operand [+|- operand].
func (p *parser) setValue() (operand, *wireError) {
	left, err := p.operand(true)
	if err != nil {
		return operand{}, err
	}
	for _, op := range []string{"+", "-"} {
		if p.accept(op) {
			right, err := p.operand(true)
			if err != nil {
				return operand{}, err
			}
			return operand{kind: op, args: []operand{left, right}}, nil
		}
	}
	return left, nil
}

// overlaps refuses two actions on the same or nested paths.
func overlaps(p *parser, acts []action) *wireError {
	for i, a := range acts {
		for _, b := range acts[i+1:] {
			if isPrefix(a.path, b.path) || isPrefix(b.path, a.path) {
				return p.fail("Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", a.path, b.path)
			}
		}
	}
	return nil
}

func isPrefix(a, b path) bool {
	if len(a) > len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// errMissing is DynamoDB's answer to an update reading an absent attribute.
var errMissing = validation("The provided expression refers to an attribute that does not exist in the item")

// errOperandType is DynamoDB's answer to arithmetic, ADD or DELETE on the
// wrong type.
var errOperandType = validation("An operand in the update expression has an incorrect data type")

// evalSet computes a SET value against the item as it was before the update.
func evalSet(o operand, old Item) (Value, *wireError) {
	switch o.kind {
	case "value":
		return o.value, nil
	case "path":
		v, ok := lookup(old, o.path)
		if !ok {
			return Value{}, errMissing
		}
		return v, nil
	case "if_not_exists":
		if v, ok := lookup(old, o.args[0].path); ok {
			return v, nil
		}
		return evalSet(o.args[1], old)
	case "list_append":
		a, err := evalSet(o.args[0], old)
		if err != nil {
			return Value{}, err
		}
		b, err := evalSet(o.args[1], old)
		if err != nil {
			return Value{}, err
		}
		if a.kind != "L" || b.kind != "L" {
			return Value{}, errOperandType
		}
		return Value{kind: "L", l: append(append([]Value{}, a.l...), b.l...)}, nil
	case "+", "-":
		return arith(o, old)
	}
	return Value{}, validation("Invalid UpdateExpression: size is not allowed in an update expression")
}

func arith(o operand, old Item) (Value, *wireError) {
	a, err := evalSet(o.args[0], old)
	if err != nil {
		return Value{}, err
	}
	b, err := evalSet(o.args[1], old)
	if err != nil {
		return Value{}, err
	}
	if a.kind != "N" || b.kind != "N" {
		return Value{}, errOperandType
	}
	x, _ := parseNumber(a.str)
	y, _ := parseNumber(b.str)
	r := new(big.Rat)
	if o.kind == "+" {
		r.Add(x, y)
	} else {
		r.Sub(x, y)
	}
	return Number(formatNumber(r)), nil
}

// apply runs the actions on a copy of old (nil: a new item with only key)
// and returns the new item.
func apply(acts []action, old, key Item) (Item, *wireError) {
	item := old.clone()
	if item == nil {
		item = key.clone()
	}
	vals := make([]Value, len(acts))
	for i, a := range acts {
		if a.verb == "SET" {
			v, err := evalSet(a.value, old)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
	}
	// Every path names the item as it was: list elements removed by index
	// go last, highest index first, so one removal does not shift another.
	order := make([]int, len(acts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		ix, iy := removedIndex(acts[order[x]]), removedIndex(acts[order[y]])
		if (ix < 0) != (iy < 0) {
			return ix < 0
		}
		return ix > iy
	})
	for _, i := range order {
		a := acts[i]
		var err *wireError
		switch a.verb {
		case "SET":
			err = setPath(item, a.path, vals[i].clone())
		case "REMOVE":
			removePath(item, a.path)
		case "ADD":
			err = addPath(item, a.path, a.value.value)
		case "DELETE":
			err = deletePath(item, a.path, a.value.value)
		}
		if err != nil {
			return nil, err
		}
	}
	return item, nil
}

// removedIndex is the list index a REMOVE action takes out, or -1 for any
// other action.
func removedIndex(a action) int {
	if a.verb != "REMOVE" || len(a.path) == 0 || !a.path[len(a.path)-1].isIdx {
		return -1
	}
	return a.path[len(a.path)-1].index
}

var errInvalidPath = validation("The document path provided in the update expression is invalid for update")

// container returns the parent of p's last step, which must exist.
func container(item Item, p path) (Value, bool) {
	if len(p) == 1 {
		return Value{}, true
	}
	return lookup(item, p[:len(p)-1])
}

func setPath(item Item, p path, v Value) *wireError {
	if len(p) == 1 {
		item[p[0].name] = v
		return nil
	}
	parent, ok := container(item, p)
	last := p[len(p)-1]
	switch {
	case !ok:
		return errInvalidPath
	case last.isIdx && parent.kind == "L":
		if last.index < len(parent.l) {
			parent.l[last.index] = v
			return nil
		}
		return setPath(item, p[:len(p)-1], Value{kind: "L", l: append(parent.l, v)})
	case !last.isIdx && parent.kind == "M":
		parent.m[last.name] = v
		return nil
	}
	return errInvalidPath
}

func removePath(item Item, p path) {
	if len(p) == 1 {
		delete(item, p[0].name)
		return
	}
	parent, ok := container(item, p)
	last := p[len(p)-1]
	switch {
	case !ok:
	case last.isIdx && parent.kind == "L" && last.index < len(parent.l):
		l := append(append([]Value{}, parent.l[:last.index]...), parent.l[last.index+1:]...)
		_ = setPath(item, p[:len(p)-1], Value{kind: "L", l: l})
	case !last.isIdx && parent.kind == "M":
		delete(parent.m, last.name)
	}
}

// addPath adds a number or unions a set; a missing attribute takes v.
func addPath(item Item, p path, v Value) *wireError {
	cur, ok := lookup(item, p)
	if !ok {
		if v.kind != "N" && v.kind != "SS" && v.kind != "NS" && v.kind != "BS" {
			return errOperandType
		}
		return setPath(item, p, v.clone())
	}
	switch {
	case cur.kind == "N" && v.kind == "N":
		return setPath(item, p, Number(formatNumber(addRat(cur.str, v.str))))
	case cur.kind == v.kind && (v.kind == "SS" || v.kind == "NS" || v.kind == "BS"):
		out := cur.clone()
		for i := range v.setLen() {
			if !contains(out, v.element(i)) {
				out = appendElement(out, v.element(i))
			}
		}
		return setPath(item, p, out)
	}
	return errOperandType
}

// deletePath removes v's elements from the set at p; an emptied set is removed.
func deletePath(item Item, p path, v Value) *wireError {
	if v.kind != "SS" && v.kind != "NS" && v.kind != "BS" {
		return errOperandType
	}
	cur, ok := lookup(item, p)
	if !ok {
		return nil
	}
	if cur.kind != v.kind {
		return errOperandType
	}
	out := Value{kind: cur.kind}
	for i := range cur.setLen() {
		if !contains(v, cur.element(i)) {
			out = appendElement(out, cur.element(i))
		}
	}
	if out.setLen() == 0 {
		removePath(item, p)
		return nil
	}
	return setPath(item, p, out)
}

func appendElement(set, e Value) Value {
	set.ss = append(set.ss, e.str)
	return set
}

func addRat(a, b string) *big.Rat {
	x, _ := parseNumber(a)
	y, _ := parseNumber(b)
	return new(big.Rat).Add(x, y)
}
