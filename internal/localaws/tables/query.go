package tables

import (
	"fmt"
	"slices"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// pageBytes is the 1 MB of item data a Query or Scan reads per page.
const pageBytes = 1 << 20

type readInput struct {
	legacy
	expressions
	TableName              string
	Limit                  *int32
	ExclusiveStartKey      Item
	ConsistentRead         *bool
	Select                 string
	ScanIndexForward       *bool
	ReturnConsumedCapacity string
}

type readOutput struct {
	// Items is []Item: "Items": [] when nothing matched, left out (nil)
	// for Select COUNT, as DynamoDB answers.
	Items            any `json:",omitempty"`
	Count            int
	ScannedCount     int
	LastEvaluatedKey Item `json:",omitempty"`
}

// keyRange is a parsed key condition: the hash value and an optional
// condition on the range key.
type keyRange struct {
	hash Value
	rng  *cond // nil: every item of the partition
}

func (s *Tables) query(r *wire.Request, in *readInput) (readOutput, error) {
	p, err := in.prepare()
	if err != nil {
		return readOutput{}, err
	}
	if p.keyCond == nil {
		return readOutput{}, validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTable(r, in.TableName)
	if err != nil {
		return readOutput{}, err
	}
	kr, err := t.keyRange(p.keyCond)
	if err != nil {
		return readOutput{}, err
	}
	if start, ok := in.ExclusiveStartKey[t.hash]; ok && in.ExclusiveStartKey != nil && !equal(start, kr.hash) {
		return readOutput{}, validation("The provided starting key is outside query boundaries based on provided conditions")
	}
	var keys []string
	for _, k := range t.sortedKeys() {
		it := t.items[k]
		if !equal(it[t.hash], kr.hash) {
			continue
		}
		if kr.rng != nil {
			if ok, _ := kr.rng.eval(it); !ok {
				continue
			}
		}
		keys = append(keys, k)
	}
	if in.ScanIndexForward != nil && !*in.ScanIndexForward {
		slices.Reverse(keys)
	}
	return t.page(in, p, keys)
}

func (s *Tables) scan(r *wire.Request, in *readInput) (readOutput, error) {
	if in.ScanIndexForward != nil {
		return readOutput{}, validation("ScanIndexForward is not a Scan parameter")
	}
	p, err := in.prepare()
	if err != nil {
		return readOutput{}, err
	}
	if p.keyCond != nil {
		return readOutput{}, validation("KeyConditionExpression is not a Scan parameter")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTable(r, in.TableName)
	if err != nil {
		return readOutput{}, err
	}
	return t.page(in, p, t.sortedKeys())
}

func (in *readInput) prepare() (parsed, *wireError) {
	if err := checkTableName(in.TableName); err != nil {
		return parsed{}, err
	}
	if err := in.check(); err != nil {
		return parsed{}, err
	}
	if in.Limit != nil && *in.Limit < 1 {
		return parsed{}, validation(fmt.Sprintf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit))
	}
	switch in.Select {
	case "", "ALL_ATTRIBUTES", "COUNT":
	case "SPECIFIC_ATTRIBUTES":
		if in.ProjectionExpression == nil {
			return parsed{}, validation("Select type SPECIFIC_ATTRIBUTES requires ProjectionExpression")
		}
	default:
		return parsed{}, unsupported("Select " + in.Select)
	}
	if in.ConditionExpression != nil || in.UpdateExpression != nil {
		return parsed{}, validation("ConditionExpression and UpdateExpression are not read parameters")
	}
	return in.parse()
}

// page reads keys in order from ExclusiveStartKey, stopping after Limit
// items or 1 MB of item data, then applies the filter and projection.
func (t *table) page(in *readInput, p parsed, keys []string) (readOutput, error) {
	start := 0
	if in.ExclusiveStartKey != nil {
		_, k, err := t.keyOf(in.ExclusiveStartKey, true)
		if err != nil {
			return readOutput{}, validation("The provided starting key is invalid: " + err.Message)
		}
		start = len(keys)
		for i, key := range keys {
			if key == k || t.after(t.items[key], in.ExclusiveStartKey, in.ScanIndexForward) {
				start = i
				if key == k {
					start = i + 1
				}
				break
			}
		}
	}
	items := []Item{}
	out := readOutput{}
	read := 0
	for i := start; i < len(keys); i++ {
		it := t.items[keys[i]]
		out.ScannedCount++
		read += itemSize(it)
		if p.filter == nil || filterMatch(p.filter, it) {
			out.Count++
			if in.Select != "COUNT" {
				items = append(items, project(it.clone(), p.projection))
			}
		}
		limited := in.Limit != nil && out.ScannedCount >= int(*in.Limit)
		// Like DynamoDB, a page that stops at its limit has a
		// LastEvaluatedKey even when nothing follows; the next page is empty.
		if limited || read >= pageBytes {
			key, _, _ := t.keyOf(it, false)
			out.LastEvaluatedKey = key
			break
		}
	}
	if in.Select != "COUNT" {
		out.Items = items
	}
	return out, nil
}

// after reports whether item comes after the start key in read order (the
// start key's own item may have been deleted since).
func (t *table) after(item, start Item, forward *bool) bool {
	later := t.less(start, item)
	if forward != nil && !*forward {
		return t.less(item, start)
	}
	return later
}

func filterMatch(c *cond, it Item) bool {
	ok, err := c.eval(it)
	return err == nil && ok
}

// checkRangeCondition refuses what DynamoDB refuses on a range key rather
// than matching nothing: begins_with on a number, and a BETWEEN whose bounds
// are the wrong way round.
func (t *table) checkRangeCondition(part *cond) *wireError {
	switch part.op {
	case "begins_with":
		if t.types[t.rng] == "N" {
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

// keyRange checks a KeyConditionExpression: hash = :v, optionally AND a
// condition on the range key (=, <, <=, >, >=, BETWEEN, begins_with).
func (t *table) keyRange(c *cond) (keyRange, *wireError) {
	var parts []*cond
	var flatten func(*cond) *wireError
	flatten = func(c *cond) *wireError {
		switch c.op {
		case "AND":
			if err := flatten(c.subs[0]); err != nil {
				return err
			}
			return flatten(c.subs[1])
		case "OR", "NOT", "IN", "<>", "attribute_exists", "attribute_not_exists", "attribute_type", "contains":
			return validation("Invalid operator used in KeyConditionExpression: " + c.op)
		}
		parts = append(parts, c)
		return nil
	}
	if err := flatten(c); err != nil {
		return keyRange{}, err
	}
	if len(parts) > 2 {
		return keyRange{}, validation("Conditions can be of length 1 or 2 only")
	}
	var kr keyRange
	haveHash := false
	for _, part := range parts {
		if part.ops[0].kind != "path" || len(part.ops[0].path) != 1 {
			return keyRange{}, validation("Query key condition not supported")
		}
		name := part.ops[0].path[0].name
		for _, o := range part.ops[1:] {
			if o.kind != "value" {
				return keyRange{}, validation("Query key condition not supported")
			}
			if o.value.kind != t.types[name] && t.types[name] != "" {
				return keyRange{}, invalid("Condition parameter type does not match schema type")
			}
		}
		switch {
		case name == t.hash && part.op == "=" && !haveHash:
			haveHash, kr.hash = true, part.ops[1].value
		case name == t.rng && t.rng != "" && kr.rng == nil:
			if err := t.checkRangeCondition(part); err != nil {
				return keyRange{}, err
			}
			kr.rng = part
		default:
			return keyRange{}, validation("Query key condition not supported")
		}
	}
	if !haveHash {
		return keyRange{}, validation("Query condition missed key schema element: " + t.hash)
	}
	return kr, nil
}
