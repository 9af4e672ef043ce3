package tables

import (
	"slices"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// writeInput is what PutItem, UpdateItem and DeleteItem share.
type writeInput struct {
	legacy
	expressions
	TableName                           string
	ReturnValues                        string
	ReturnValuesOnConditionCheckFailure string
	ReturnConsumedCapacity              string
	ReturnItemCollectionMetrics         string
}

type putItemInput struct {
	writeInput
	Item Item
}

type deleteItemInput struct {
	writeInput
	Key Item
}

type updateItemInput struct {
	writeInput
	Key Item
}

type attributesOutput struct {
	Attributes Item `json:",omitempty"`
}

// prepare validates what every write checks before touching the table.
func (in *writeInput) prepare(allowed ...string) (parsed, *wireError) {
	if err := checkTableName(in.TableName); err != nil {
		return parsed{}, err
	}
	if err := in.check(); err != nil {
		return parsed{}, err
	}
	if in.ReturnValues != "" && in.ReturnValues != "NONE" && !slices.Contains(allowed, in.ReturnValues) {
		return parsed{}, validation("Return values set to invalid value")
	}
	switch in.ReturnValuesOnConditionCheckFailure {
	case "", "NONE", "ALL_OLD":
	default:
		return parsed{}, validation("1 validation error detected: Value '" + in.ReturnValuesOnConditionCheckFailure + "' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]")
	}
	if in.KeyConditionExpression != nil || in.FilterExpression != nil || in.ProjectionExpression != nil {
		return parsed{}, validation("Can not use KeyConditionExpression, FilterExpression or ProjectionExpression in a write")
	}
	return in.parse()
}

// checkCondition evaluates ConditionExpression on the current item and
// answers ConditionalCheckFailedException, with the item when asked.
func (in *writeInput) checkCondition(c *cond, old Item) *wireError {
	if c == nil {
		return nil
	}
	ok, err := c.eval(old)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	e := &wire.Error{Code: "ConditionalCheckFailedException", Message: "The conditional request failed"}
	if in.ReturnValuesOnConditionCheckFailure == "ALL_OLD" && old != nil {
		e.Fields = map[string]any{"Item": old}
	}
	return e
}

func (s *Tables) putItem(r *wire.Request, in *putItemInput) (attributesOutput, error) {
	p, err := in.prepare("ALL_OLD")
	if err != nil {
		return attributesOutput{}, err
	}
	if in.UpdateExpression != nil {
		return attributesOutput{}, validation("UpdateExpression is not a PutItem parameter")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTable(r, in.TableName)
	if err != nil {
		return attributesOutput{}, err
	}
	_, k, err := t.keyOf(in.Item, false)
	if err != nil {
		return attributesOutput{}, err
	}
	if err := validateItem(in.Item, "Item size has exceeded the maximum allowed size"); err != nil {
		return attributesOutput{}, err
	}
	if err := t.checkIndexKeys(in.Item); err != nil {
		return attributesOutput{}, err
	}
	old := t.items[k]
	if err := in.checkCondition(p.condition, old); err != nil {
		return attributesOutput{}, err
	}
	t.items[k] = in.Item.normalized()
	t.noteExpiry(t.items[k])
	if in.ReturnValues == "ALL_OLD" {
		return attributesOutput{old}, nil
	}
	return attributesOutput{}, nil
}

func (s *Tables) deleteItem(r *wire.Request, in *deleteItemInput) (attributesOutput, error) {
	p, err := in.prepare("ALL_OLD")
	if err != nil {
		return attributesOutput{}, err
	}
	if in.UpdateExpression != nil {
		return attributesOutput{}, validation("UpdateExpression is not a DeleteItem parameter")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTable(r, in.TableName)
	if err != nil {
		return attributesOutput{}, err
	}
	_, k, err := t.keyOf(in.Key, true)
	if err != nil {
		return attributesOutput{}, err
	}
	old := t.items[k]
	if err := in.checkCondition(p.condition, old); err != nil {
		return attributesOutput{}, err
	}
	delete(t.items, k)
	if in.ReturnValues == "ALL_OLD" {
		return attributesOutput{old}, nil
	}
	return attributesOutput{}, nil
}

func (s *Tables) updateItem(r *wire.Request, in *updateItemInput) (attributesOutput, error) {
	p, err := in.prepare("ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")
	if err != nil {
		return attributesOutput{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTable(r, in.TableName)
	if err != nil {
		return attributesOutput{}, err
	}
	key, k, err := t.keyOf(in.Key, true)
	if err != nil {
		return attributesOutput{}, err
	}
	if err := t.checkUpdatePaths(p.update); err != nil {
		return attributesOutput{}, err
	}
	old := t.items[k]
	if err := in.checkCondition(p.condition, old); err != nil {
		return attributesOutput{}, err
	}
	updated, err := apply(p.update, old, key)
	if err != nil {
		return attributesOutput{}, err
	}
	if err := validateItem(updated, "Item size to update has exceeded the maximum allowed size"); err != nil {
		return attributesOutput{}, err
	}
	if err := t.checkIndexKeys(updated); err != nil {
		return attributesOutput{}, err
	}
	updated = updated.normalized()
	t.items[k] = updated
	t.noteExpiry(updated)
	return attributesOutput{returned(in.ReturnValues, p.update, old, updated)}, nil
}

// checkUpdatePaths refuses updates DynamoDB refuses before reading the
// item: to a table key attribute, or inside an index key attribute, which
// must stay a scalar.
func (t *table) checkUpdatePaths(acts []action) *wireError {
	for _, a := range acts {
		name := a.path[0].name
		switch {
		case name == t.hash || name == t.rng:
			return invalid("Cannot update attribute %s. This attribute is part of the key", name)
		case len(a.path) > 1 && t.isIndexKey(name):
			return validation("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: " + name)
		}
	}
	return nil
}

// returned picks UpdateItem's Attributes: UPDATED_* return the updated
// top-level attributes (as the Developer Guide shows for top-level updates).
func returned(rv string, acts []action, old, updated Item) Item {
	switch rv {
	case "ALL_OLD":
		return old.clone()
	case "ALL_NEW":
		return updated.clone()
	case "UPDATED_OLD", "UPDATED_NEW":
		src := updated
		if rv == "UPDATED_OLD" {
			src = old
		}
		var paths []path
		for _, a := range acts {
			paths = append(paths, a.path)
		}
		out := project(src, paths)
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return nil
}

type getItemInput struct {
	legacy
	expressions
	TableName              string
	Key                    Item
	ConsistentRead         *bool
	ReturnConsumedCapacity string
}

type getItemOutput struct {
	Item Item `json:",omitempty"`
}

// getItem returns the item, expired or not, until TTL deletion removes it.
func (s *Tables) getItem(r *wire.Request, in *getItemInput) (getItemOutput, error) {
	if err := checkTableName(in.TableName); err != nil {
		return getItemOutput{}, err
	}
	if err := in.check(); err != nil {
		return getItemOutput{}, err
	}
	if in.ConditionExpression != nil || in.UpdateExpression != nil || in.FilterExpression != nil || in.KeyConditionExpression != nil {
		return getItemOutput{}, validation("GetItem takes only a ProjectionExpression")
	}
	p, err := in.parse()
	if err != nil {
		return getItemOutput{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTable(r, in.TableName)
	if err != nil {
		return getItemOutput{}, err
	}
	_, k, err := t.keyOf(in.Key, true)
	if err != nil {
		return getItemOutput{}, err
	}
	return getItemOutput{project(t.items[k].clone(), p.projection)}, nil
}
