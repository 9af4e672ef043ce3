package tables

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// view is what a Query or Scan reads: the table itself, or one of its
// global secondary indexes. An index holds only the items carrying its key
// attributes, cut to its projection, ordered by its key and then, among
// items with equal index keys, by the table's key, so reads are
// deterministic where DynamoDB promises no order.
type view struct {
	t         *table
	idx       *index // nil: the table
	hash, rng string // the key read by
}

func (t *table) tableView() view { return view{t: t, hash: t.hash, rng: t.rng} }

func (t *table) indexView(x *index) view { return view{t: t, idx: x, hash: x.hash, rng: x.rng} }

// index returns the index named name, nil if the table has none.
func (t *table) index(name string) *index {
	for _, x := range t.def.indexes {
		if x.name == name {
			return x
		}
	}
	return nil
}

// viewFor picks what a read names and refuses what DynamoDB refuses on a
// global secondary index: strongly consistent reads, ALL_ATTRIBUTES from
// an index that does not project everything, and a ProjectionExpression
// naming an attribute the index does not hold (a GSI cannot fetch from
// the table).
func (t *table) viewFor(in *readInput, p parsed) (view, *wireError) {
	if in.IndexName == nil {
		return t.tableView(), nil
	}
	x := t.index(*in.IndexName)
	switch {
	case x == nil:
		return view{}, validation("The table does not have the specified index: " + *in.IndexName)
	case in.ConsistentRead != nil && *in.ConsistentRead:
		return view{}, validation("Consistent reads are not supported on global secondary indexes")
	case in.Select == "ALL_ATTRIBUTES" && x.projects != nil:
		return view{}, invalid("Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL", x.name)
	}
	v := t.indexView(x)
	var names []string
	for _, pa := range p.projection {
		names = append(names, pa[0].name)
	}
	if missing := v.unprojected(names); len(missing) > 0 {
		return view{}, invalid("Global secondary index %s does not project [%s]", x.name, strings.Join(missing, ", "))
	}
	return v, nil
}

// unprojected returns the names, in order and once each, that the view
// does not hold.
func (v view) unprojected(names []string) []string {
	var out []string
	for _, n := range names {
		if v.idx != nil && v.idx.projects != nil && !v.idx.projects[n] && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// checkQueryFilter refuses what DynamoDB refuses in a Query's
// FilterExpression: the key attributes being queried (they belong in the
// key condition), and, on an index, attributes it does not project.
func (v view) checkQueryFilter(c *cond) *wireError {
	if c == nil {
		return nil
	}
	names := condNames(c, nil)
	for _, k := range []string{v.hash, v.rng} {
		if k != "" && slices.Contains(names, k) {
			return validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + k)
		}
	}
	if missing := v.unprojected(names); len(missing) > 0 {
		slices.Sort(missing)
		return invalid("Secondary index %s does not project one or more filter attributes: [%s]", v.idx.name, strings.Join(missing, ", "))
	}
	return nil
}

// condNames appends the top-level attribute names c reads to out.
func condNames(c *cond, out []string) []string {
	for _, o := range c.ops {
		out = operandNames(o, out)
	}
	for _, s := range c.subs {
		out = condNames(s, out)
	}
	return out
}

func operandNames(o operand, out []string) []string {
	if o.kind == "path" && !slices.Contains(out, o.path[0].name) {
		out = append(out, o.path[0].name)
	}
	for _, a := range o.args {
		out = operandNames(a, out)
	}
	return out
}

// keys returns the encoded table keys of the view's items, in read order.
func (v view) keys() []string {
	keys := make([]string, 0, len(v.t.items))
	for k, it := range v.t.items {
		if v.idx == nil || v.idx.holds(it) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return v.less(v.t.items[keys[i]], v.t.items[keys[j]]) })
	return keys
}

// less orders by the view's key, then, in an index, by the table's key.
func (v view) less(a, b Item) bool {
	c := compareKeys(a, b, v.hash, v.rng)
	if c == 0 && v.idx != nil {
		c = compareKeys(a, b, v.t.hash, v.t.rng)
	}
	return c < 0
}

// compareKeys compares a and b on the named key attributes in turn ("" is
// skipped).
func compareKeys(a, b Item, names ...string) int {
	for _, n := range names {
		if n == "" {
			continue
		}
		if c, _ := compare(a[n], b[n]); c != 0 {
			return c
		}
	}
	return 0
}

// entry is what the view holds of item: all of it, or for a KEYS_ONLY or
// INCLUDE index the table and index keys and the projected attributes.
func (v view) entry(item Item) Item {
	if v.idx == nil || v.idx.projects == nil {
		return item
	}
	out := Item{}
	for n, val := range item {
		if v.idx.projects[n] {
			out[n] = val
		}
	}
	return out
}

// keyNames are the attributes of a start or last evaluated key: the
// table's key, and in an index its key too.
func (v view) keyNames() []string {
	var out []string
	for _, n := range []string{v.t.hash, v.t.rng, v.hash, v.rng} {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// lastKey is the LastEvaluatedKey of a page that stopped at item.
func (v view) lastKey(item Item) Item {
	out := Item{}
	for _, n := range v.keyNames() {
		out[n] = item[n]
	}
	return out
}

// checkStartKey validates ExclusiveStartKey: the table's key, and in an
// index the index key too, each of its defined type.
func (v view) checkStartKey(start Item) *wireError {
	if v.idx == nil {
		if _, _, err := v.t.keyOf(start, true); err != nil {
			return validation("The provided starting key is invalid: " + err.Message)
		}
		return nil
	}
	names := v.keyNames()
	if len(start) != len(names) {
		return validation("The provided starting key is invalid")
	}
	for _, n := range names {
		val, ok := start[n]
		if !ok || val.kind != v.t.types[n] || val.validate() != nil {
			return validation("The provided starting key is invalid")
		}
	}
	return nil
}

// resume is where a read continues after start: the first entry past it
// in read order (the start key's own item may have gone since).
func (v view) resume(keys []string, start Item, forward bool) int {
	for i, k := range keys {
		it := v.t.items[k]
		if forward && v.less(start, it) || !forward && v.less(it, start) {
			return i
		}
	}
	return len(keys)
}

// checkRangeCondition refuses what DynamoDB refuses on a range key rather
// than matching nothing: begins_with on a number, and a BETWEEN whose bounds
// are the wrong way round.
func (v view) checkRangeCondition(part *cond) *wireError {
	switch part.op {
	case "begins_with":
		if v.t.types[v.rng] == "N" {
			return validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
		}
	case "BETWEEN":
		if n, ok := compare(part.ops[1].value, part.ops[2].value); ok && n > 0 {
			return validation(fmt.Sprintf("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower operand: %s, upper operand: %s",
				describe(part.ops[1].value), describe(part.ops[2].value)))
		}
	}
	return nil
}

// describe renders a key value as DynamoDB's messages do: {S: a}, {N: 1}.
func describe(v Value) string { return "{" + v.kind + ": " + v.Text() + "}" }

// keyParts splits a KeyConditionExpression into its AND-ed parts,
// refusing the operators a key condition cannot use.
func keyParts(c *cond) ([]*cond, *wireError) {
	switch c.op {
	case "AND":
		left, err := keyParts(c.subs[0])
		if err != nil {
			return nil, err
		}
		right, err := keyParts(c.subs[1])
		return append(left, right...), err
	case "OR", "NOT", "IN", "<>", "attribute_exists", "attribute_not_exists", "attribute_type", "contains":
		return nil, validation("Invalid operator used in KeyConditionExpression: " + c.op)
	}
	return []*cond{c}, nil
}

// keyRange checks a KeyConditionExpression: hash = :v, optionally AND a
// condition on the range key (=, <, <=, >, >=, BETWEEN, begins_with).
func (v view) keyRange(c *cond) (keyRange, *wireError) {
	parts, err := keyParts(c)
	if err != nil {
		return keyRange{}, err
	}
	if len(parts) > 2 {
		return keyRange{}, validation("Conditions can be of length 1 or 2 only")
	}
	var kr keyRange
	var unsupported *wireError // reported once the hash key is known named
	haveHash, namedHash := false, false
	for _, part := range parts {
		name, err := v.keyPart(part)
		if err != nil {
			return keyRange{}, err
		}
		namedHash = namedHash || name == v.hash
		switch {
		case name == v.hash && part.op == "=" && !haveHash:
			haveHash, kr.hash = true, part.ops[1].value
		case name == v.rng && v.rng != "" && kr.rng == nil:
			if err := v.checkRangeCondition(part); err != nil {
				return keyRange{}, err
			}
			kr.rng = part
		default:
			unsupported = validation("Query key condition not supported")
		}
	}
	if !namedHash {
		return keyRange{}, validation("Query condition missed key schema element: " + v.hash)
	}
	if unsupported != nil {
		return keyRange{}, unsupported
	}
	return kr, nil
}

// keyPart checks one part of a key condition, an attribute compared with
// values of its type, and returns the attribute. An index key compared
// with an empty string or binary is refused, as DynamoDB refuses it.
func (v view) keyPart(part *cond) (string, *wireError) {
	if part.ops[0].kind != "path" || len(part.ops[0].path) != 1 {
		return "", validation("Query key condition not supported")
	}
	name := part.ops[0].path[0].name
	for _, o := range part.ops[1:] {
		if o.kind != "value" {
			return "", validation("Query key condition not supported")
		}
		isKey := name == v.hash || name == v.rng
		if isKey && o.value.kind != v.t.types[name] {
			return "", invalid("Condition parameter type does not match schema type")
		}
		if empty := emptyKind(o.value); empty != "" && isKey && v.idx != nil {
			return "", emptyIndexKey(empty, v.idx.name, name)
		}
	}
	return name, nil
}
