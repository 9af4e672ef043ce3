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
	IndexName              *string
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
	p, err := in.prepare(true)
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
	v, err := t.viewFor(in, p)
	if err != nil {
		return readOutput{}, err
	}
	kr, err := v.keyRange(p.keyCond)
	if err != nil {
		return readOutput{}, err
	}
	if err := v.checkQueryFilter(p.filter); err != nil {
		return readOutput{}, err
	}
	if err := v.checkQueryStart(in.ExclusiveStartKey, kr); err != nil {
		return readOutput{}, err
	}
	var keys []string
	for _, k := range v.keys() {
		it := t.items[k]
		if !equal(it[v.hash], kr.hash) {
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
	return v.page(in, p, keys)
}

// checkQueryStart validates a Query's ExclusiveStartKey, which must also
// lie in the partition the key condition names.
func (v view) checkQueryStart(start Item, kr keyRange) *wireError {
	if start == nil {
		return nil
	}
	if err := v.checkStartKey(start); err != nil {
		return err
	}
	if !equal(start[v.hash], kr.hash) {
		return validation("The provided starting key is outside query boundaries based on provided conditions")
	}
	return nil
}

func (s *Tables) scan(r *wire.Request, in *readInput) (readOutput, error) {
	if in.ScanIndexForward != nil {
		return readOutput{}, validation("ScanIndexForward is not a Scan parameter")
	}
	p, err := in.prepare(false)
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
	v, err := t.viewFor(in, p)
	if err != nil {
		return readOutput{}, err
	}
	if in.ExclusiveStartKey != nil {
		if err := v.checkStartKey(in.ExclusiveStartKey); err != nil {
			return readOutput{}, err
		}
	}
	return v.page(in, p, v.keys())
}

func (in *readInput) prepare(query bool) (parsed, *wireError) {
	if err := checkTableName(in.TableName); err != nil {
		return parsed{}, err
	}
	if err := in.check(); err != nil {
		return parsed{}, err
	}
	if in.Limit != nil && *in.Limit < 1 {
		return parsed{}, validation(fmt.Sprintf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit))
	}
	if err := in.checkSelect(query); err != nil {
		return parsed{}, err
	}
	if in.ConditionExpression != nil || in.UpdateExpression != nil {
		return parsed{}, validation("ConditionExpression and UpdateExpression are not read parameters")
	}
	return in.parse()
}

// selected is how DynamoDB's messages name what a Select value returns.
var selected = map[string]string{
	"ALL_ATTRIBUTES": "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES": "ALL_PROJECTED_ATTRIBUTES", "COUNT": "only the Count",
}

// checkSelect checks Select against ProjectionExpression and IndexName
// with DynamoDB's words; Query prefixes them with "1 validation error
// detected: ", Scan does not.
func (in *readInput) checkSelect(query bool) *wireError {
	prefix := ""
	if query {
		prefix = "1 validation error detected: "
	}
	switch in.Select {
	case "":
		return nil
	case "SPECIFIC_ATTRIBUTES":
		if in.ProjectionExpression == nil {
			return validation(prefix + "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
		}
		return nil
	case "ALL_PROJECTED_ATTRIBUTES":
		if in.IndexName == nil {
			return validation(prefix + "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
		}
	case "ALL_ATTRIBUTES", "COUNT":
	default:
		return validation("1 validation error detected: Value '" + in.Select + "' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")
	}
	if in.ProjectionExpression != nil {
		return validation(prefix + "Cannot specify the ProjectionExpression when choosing to get " + selected[in.Select])
	}
	return nil
}

// page reads keys in order from ExclusiveStartKey, stopping after Limit
// entries or 1 MB of entry data, then applies the filter and projection to
// what the view holds of each item.
func (v view) page(in *readInput, p parsed, keys []string) (readOutput, error) {
	start := 0
	if in.ExclusiveStartKey != nil {
		start = v.resume(keys, in.ExclusiveStartKey, in.ScanIndexForward == nil || *in.ScanIndexForward)
	}
	items := []Item{}
	out := readOutput{}
	read := 0
	for i := start; i < len(keys); i++ {
		it := v.t.items[keys[i]]
		e := v.entry(it)
		out.ScannedCount++
		read += itemSize(e)
		if p.filter == nil || filterMatch(p.filter, e) {
			out.Count++
			if in.Select != "COUNT" {
				items = append(items, project(e.clone(), p.projection))
			}
		}
		limited := in.Limit != nil && out.ScannedCount >= int(*in.Limit)
		// Like DynamoDB, a page that stops at its limit has a
		// LastEvaluatedKey even when nothing follows; the next page is empty.
		if limited || read >= pageBytes {
			out.LastEvaluatedKey = v.lastKey(it)
			break
		}
	}
	if in.Select != "COUNT" {
		out.Items = items
	}
	return out, nil
}

func filterMatch(c *cond, it Item) bool {
	ok, err := c.eval(it)
	return err == nil && ok
}
