package tables

import (
	"encoding/json"
	"strings"
)

// legacy holds the pre-expression parameters, which the emulator refuses by
// name: Landfall uses expressions only.
type legacy struct {
	Expected            json.RawMessage
	ConditionalOperator json.RawMessage
	AttributeUpdates    json.RawMessage
	AttributesToGet     json.RawMessage
	KeyConditions       json.RawMessage
	QueryFilter         json.RawMessage
	ScanFilter          json.RawMessage
	Segment             json.RawMessage
	TotalSegments       json.RawMessage
}

func (l *legacy) check() *wireError {
	for _, f := range []struct {
		name string
		raw  json.RawMessage
	}{
		{"Expected", l.Expected}, {"ConditionalOperator", l.ConditionalOperator}, {"AttributeUpdates", l.AttributeUpdates},
		{"AttributesToGet", l.AttributesToGet}, {"KeyConditions", l.KeyConditions}, {"QueryFilter", l.QueryFilter},
		{"ScanFilter", l.ScanFilter}, {"Segment (parallel scan)", l.Segment},
		{"TotalSegments (parallel scan)", l.TotalSegments},
	} {
		if len(f.raw) > 0 && string(f.raw) != "null" {
			return unsupported(f.name)
		}
	}
	return nil
}

// expressions are the expression members a request may carry.
type expressions struct {
	ExpressionAttributeNames  map[string]string
	ExpressionAttributeValues map[string]Value
	ConditionExpression       *string
	ProjectionExpression      *string
	FilterExpression          *string
	KeyConditionExpression    *string
	UpdateExpression          *string
}

// parsed holds a request's parsed expressions (nil when absent).
type parsed struct {
	condition, filter, keyCond *cond
	projection                 []path
	update                     []action
}

// parse validates the names and values and parses every expression
// present, then refuses unused names and values, as DynamoDB does.
func (e *expressions) parse() (parsed, *wireError) {
	var out parsed
	if err := e.checkSubstitutions(); err != nil {
		return out, err
	}
	x := newExprContext(e.ExpressionAttributeNames, e.ExpressionAttributeValues)
	conds := []struct {
		what string
		src  *string
		dst  **cond
	}{
		{"KeyConditionExpression", e.KeyConditionExpression, &out.keyCond},
		{"ConditionExpression", e.ConditionExpression, &out.condition},
		{"FilterExpression", e.FilterExpression, &out.filter},
	}
	for _, c := range conds {
		if c.src == nil {
			continue
		}
		p, err := newParser(c.what, *c.src, x)
		if err != nil {
			return out, err
		}
		if *c.dst, err = p.parseCondition(); err != nil {
			return out, err
		}
	}
	if e.UpdateExpression != nil {
		p, err := newParser("UpdateExpression", *e.UpdateExpression, x)
		if err != nil {
			return out, err
		}
		if out.update, err = p.parseUpdate(); err != nil {
			return out, err
		}
	}
	if e.ProjectionExpression != nil {
		var err *wireError
		if out.projection, err = parseProjection(*e.ProjectionExpression, x); err != nil {
			return out, err
		}
	}
	return out, x.checkUnused()
}

func (e *expressions) checkSubstitutions() *wireError {
	if e.ExpressionAttributeNames != nil && len(e.ExpressionAttributeNames) == 0 {
		return validation("ExpressionAttributeNames must not be empty")
	}
	if e.ExpressionAttributeValues != nil && len(e.ExpressionAttributeValues) == 0 {
		return validation("ExpressionAttributeValues must not be empty")
	}
	for k := range e.ExpressionAttributeNames {
		if !strings.HasPrefix(k, "#") || len(k) == 1 {
			return validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + k + "\"")
		}
	}
	for k, v := range e.ExpressionAttributeValues {
		if !strings.HasPrefix(k, ":") || len(k) == 1 {
			return validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + k + "\"")
		}
		if err := v.validate(); err != nil {
			return validation("ExpressionAttributeValues contains invalid value: " + err.Message + " for key " + k)
		}
	}
	return nil
}

func parseProjection(src string, x *exprContext) ([]path, *wireError) {
	p, err := newParser("ProjectionExpression", src, x)
	if err != nil {
		return nil, err
	}
	var out []path
	for {
		pa, err := p.path()
		if err != nil {
			return nil, err
		}
		out = append(out, pa)
		if !p.accept(",") {
			break
		}
	}
	return out, p.end()
}

// project keeps only the projected paths of item (nil projection: all).
func project(item Item, paths []path) Item {
	if item == nil || paths == nil {
		return item
	}
	out := Item{}
	for _, p := range paths {
		v, ok := lookup(item, p)
		if !ok {
			continue
		}
		build(out, p, v)
	}
	return out
}

// build sets v at p in out, creating the maps and lists on the way; list
// elements keep their order, compacted.
func build(out Item, p path, v Value) {
	if len(p) == 1 {
		out[p[0].name] = v.clone()
		return
	}
	cur, ok := out[p[0].name]
	if !ok {
		cur = container0(p[1])
	}
	out[p[0].name] = buildIn(cur, p[1:], v)
}

func container0(s step) Value {
	if s.isIdx {
		return Value{kind: "L"}
	}
	return Value{kind: "M", m: map[string]Value{}}
}

func buildIn(cur Value, p path, v Value) Value {
	s := p[0]
	if len(p) == 1 {
		if s.isIdx {
			cur.l = append(cur.l, v.clone())
		} else {
			cur.m[s.name] = v.clone()
		}
		return cur
	}
	if s.isIdx {
		cur.l = append(cur.l, buildIn(container0(p[1]), p[1:], v))
		return cur
	}
	next, ok := cur.m[s.name]
	if !ok {
		next = container0(p[1])
	}
	cur.m[s.name] = buildIn(next, p[1:], v)
	return cur
}

// validateItem checks an item's values and size.
func validateItem(it Item, sizeMsg string) *wireError {
	for _, v := range it {
		if err := v.validate(); err != nil {
			return err
		}
	}
	if itemSize(it) > maxItemSize {
		return validation(sizeMsg)
	}
	return nil
}
