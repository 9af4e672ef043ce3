package tables

import (
	"fmt"
	"slices"
	"strings"
)

// maxIndexes is DynamoDB's default quota of global secondary indexes per
// table; maxProjected caps the NonKeyAttributes of all a table's indexes.
const (
	maxIndexes   = 20
	maxProjected = 100
)

// Projection is the attributes an index copies from the table (wire
// shape), besides the table and index keys, which it always holds.
type Projection struct {
	ProjectionType   string   // ALL, KEYS_ONLY or INCLUDE
	NonKeyAttributes []string `json:",omitempty"` // INCLUDE only
}

// gsiInput is one GlobalSecondaryIndexes member of CreateTable (wire shape).
type gsiInput struct {
	IndexName             string
	KeySchema             []KeySchemaElement
	Projection            *Projection
	ProvisionedThroughput *throughput
}

// index is a global secondary index: a second key over the items that
// carry its key attributes.
type index struct {
	name       string
	keySchema  []KeySchemaElement
	projection Projection
	hash, rng  string
	// projects names what a KEYS_ONLY or INCLUDE index holds; nil for ALL.
	projects map[string]bool
}

func newIndex(name string, keySchema []KeySchemaElement, p Projection, tableKeys []KeySchemaElement) *index {
	x := &index{name: name, keySchema: keySchema, projection: p}
	x.hash, x.rng = keyNames(keySchema)
	if p.ProjectionType != "ALL" {
		x.projects = map[string]bool{}
		for _, k := range append(slices.Clone(tableKeys), keySchema...) {
			x.projects[k.AttributeName] = true
		}
		for _, a := range p.NonKeyAttributes {
			x.projects[a] = true
		}
	}
	return x
}

// keyNames returns the HASH and RANGE attribute names of a key schema.
func keyNames(ks []KeySchemaElement) (hash, rng string) {
	for _, k := range ks {
		if k.KeyType == "HASH" {
			hash = k.AttributeName
		} else {
			rng = k.AttributeName
		}
	}
	return hash, rng
}

// holds reports whether item is in the index: a sparse index has only the
// items carrying every one of its key attributes.
func (x *index) holds(item Item) bool {
	if _, ok := item[x.hash]; !ok {
		return false
	}
	_, ok := item[x.rng]
	return x.rng == "" || ok
}

// checkIndexes validates CreateTable's GlobalSecondaryIndexes in the order
// DynamoDB reports problems: key attributes defined, every definition
// used, then each index's own rules, then the count.
func checkIndexes(in *createTableInput, types map[string]string) ([]*index, *wireError) {
	if in.GlobalSecondaryIndexes == nil {
		return nil, nil
	}
	if len(*in.GlobalSecondaryIndexes) == 0 {
		return nil, invalid("List of GlobalSecondaryIndexes is empty")
	}
	gsis := *in.GlobalSecondaryIndexes
	if err := checkDefinitionsUsed(in, gsis, types); err != nil {
		return nil, err
	}
	var out []*index
	seen := map[string]bool{}
	projected := 0
	for i, g := range gsis {
		if err := checkIndex(i, g, in.BillingMode); err != nil {
			return nil, err
		}
		if seen[g.IndexName] {
			return nil, invalid("Duplicate index name: %s", g.IndexName)
		}
		seen[g.IndexName] = true
		projected += len(g.Projection.NonKeyAttributes)
		out = append(out, newIndex(g.IndexName, g.KeySchema, *g.Projection, in.KeySchema))
	}
	if len(gsis) > maxIndexes {
		return nil, invalid("GlobalSecondaryIndex count exceeds the per-table limit of %d", maxIndexes)
	}
	if projected > maxProjected {
		return nil, invalid("The number of NonKeyAttributes of all secondary indexes, %d, exceeds the per-table limit of %d", projected, maxProjected)
	}
	return out, nil
}

// checkDefinitionsUsed: with indexes, AttributeDefinitions must name
// exactly the key attributes of the table and its indexes.
func checkDefinitionsUsed(in *createTableInput, gsis []gsiInput, types map[string]string) *wireError {
	used := map[string]string{}
	for _, k := range in.KeySchema {
		used[k.AttributeName] = types[k.AttributeName]
	}
	for _, g := range gsis {
		var names []string
		for _, k := range g.KeySchema {
			names = append(names, k.AttributeName)
			used[k.AttributeName] = types[k.AttributeName]
		}
		for _, n := range names {
			if types[n] == "" {
				return invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
					strings.Join(names, ", "), strings.Join(keysSorted(types), ", "))
			}
		}
	}
	if len(types) > len(used) {
		return invalid("Some AttributeDefinitions are not used. AttributeDefinitions: [%s], keys used: [%s]",
			strings.Join(keysSorted(types), ", "), strings.Join(keysSorted(used), ", "))
	}
	return nil
}

// checkIndex checks the i-th index's key schema, projection and throughput.
func checkIndex(i int, g gsiInput, billing string) *wireError {
	ks := g.KeySchema
	switch {
	case len(ks) == 2 && ks[0].AttributeName == ks[1].AttributeName:
		return validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
	case len(ks) == 0 || ks[0].KeyType != "HASH":
		return validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	case len(ks) == 2 && ks[1].KeyType != "RANGE":
		return validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
	case len(ks) > 2:
		return unsupported("GlobalSecondaryIndexes with multi-attribute keys (" + g.IndexName + ")")
	}
	if g.Projection == nil { // the model requires it; a request that skipped validation
		return validation(fmt.Sprintf("1 validation error detected: Value null at 'globalSecondaryIndexes.%d.member.projection' failed to satisfy constraint: Member must not be null", i+1))
	}
	if err := checkProjection(g.Projection); err != nil {
		return err
	}
	if billing == "PAY_PER_REQUEST" && g.ProvisionedThroughput != nil {
		return invalid("ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST", g.IndexName)
	}
	return nil
}

func checkProjection(p *Projection) *wireError {
	switch {
	case p.ProjectionType == "":
		return invalid("Unknown ProjectionType: null")
	case p.ProjectionType == "INCLUDE" && p.NonKeyAttributes == nil:
		return invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
	case p.ProjectionType != "INCLUDE" && p.NonKeyAttributes != nil:
		return invalid("ProjectionType is %s, but NonKeyAttributes is specified", p.ProjectionType)
	}
	seen := map[string]bool{}
	for _, a := range p.NonKeyAttributes {
		if seen[a] {
			return invalid("Duplicate element in NonKeyAttributes: %s", a)
		}
		seen[a] = true
	}
	return nil
}

// isIndexKey reports whether name is a key attribute of an index.
func (t *table) isIndexKey(name string) bool {
	for _, x := range t.def.indexes {
		if name == x.hash || name == x.rng {
			return true
		}
	}
	return false
}

// checkIndexKeys refuses an item DynamoDB could not index: an index key
// attribute of the wrong type, or an empty string or binary. An item
// without an index's key attributes is valid; it is just not in the index.
func (t *table) checkIndexKeys(item Item) *wireError {
	for _, x := range t.def.indexes {
		for _, k := range x.keySchema {
			n := k.AttributeName
			v, ok := item[n]
			if !ok || n == t.hash || n == t.rng {
				continue // absent: sparse; table keys: checked by keyOf
			}
			if v.kind != t.types[n] {
				return invalid("Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", n, t.types[n], v.kind, x.name)
			}
			if empty := emptyKind(v); empty != "" {
				return emptyIndexKey(empty, x.name, n)
			}
		}
	}
	return nil
}

// emptyKind is "string" or "binary" for an empty S or B value, else "".
func emptyKind(v Value) string {
	switch {
	case v.kind == "S" && v.str == "":
		return "string"
	case v.kind == "B" && v.str == "":
		return "binary"
	}
	return ""
}

func emptyIndexKey(kind, indexName, key string) *wireError {
	return validation(fmt.Sprintf("One or more parameter values are not valid. A value specified for a secondary index key is not supported. "+
		"The AttributeValue for a key attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s", kind, indexName, key))
}

// gsiDescription is the GlobalSecondaryIndexDescription wire shape.
type gsiDescription struct {
	IndexName             string
	KeySchema             []KeySchemaElement
	Projection            Projection
	IndexStatus           string
	ProvisionedThroughput throughput
	IndexSizeBytes        int64
	ItemCount             int64
	IndexArn              string
}

// describeIndexes reports the indexes in the order CreateTable listed
// them; NonKeyAttributes come back sorted, as DynamoDB returns them.
func (t *table) describeIndexes(status string) []gsiDescription {
	var out []gsiDescription
	for _, x := range t.def.indexes {
		p := x.projection
		p.NonKeyAttributes = slices.Sorted(slices.Values(p.NonKeyAttributes))
		d := gsiDescription{IndexName: x.name, KeySchema: x.keySchema, Projection: p, IndexStatus: status,
			IndexArn: ARN(t.account, t.region, t.def.name) + "/index/" + x.name}
		v := t.indexView(x)
		for _, it := range t.items {
			if x.holds(it) {
				d.ItemCount++
				d.IndexSizeBytes += int64(itemSize(v.entry(it)))
			}
		}
		out = append(out, d)
	}
	return out
}
