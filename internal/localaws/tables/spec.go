package tables

import (
	"errors"
	"fmt"
	"slices"

	"github.com/landfall/landfall/internal/localaws/org"
)

// Spec is the world file's dynamodb section: tables that exist at start.
type Spec struct {
	// Tables are created ACTIVE, on demand, empty.
	Tables []TableSpec `yaml:"tables"`
}

// TableSpec is one table of the world file.
type TableSpec struct {
	Account string `yaml:"account"`
	Region  string `yaml:"region"`
	Name    string `yaml:"name"`
	// HashKey and RangeKey are "name:type", e.g. "pk:S"; RangeKey is optional.
	HashKey  string `yaml:"hashKey"`
	RangeKey string `yaml:"rangeKey"`
	// TTLAttribute enables TTL on that attribute.
	TTLAttribute string `yaml:"ttlAttribute"`
	// GlobalSecondaryIndexes are the table's indexes, as CreateTable's
	// GlobalSecondaryIndexes would declare them.
	GlobalSecondaryIndexes []IndexSpec `yaml:"globalSecondaryIndexes"`
	// KMSMasterKeyID encrypts the table with a KMS key: a key ID or ARN
	// of kms.keys, or alias/aws/dynamodb. Empty: the AWS owned key, which
	// DescribeTable does not report.
	KMSMasterKeyID string `yaml:"kmsMasterKeyId"`
	// PointInTimeRecovery is reported by DescribeContinuousBackups; the
	// emulator keeps no backups.
	PointInTimeRecovery bool `yaml:"pointInTimeRecovery"`
}

// IndexSpec is a global secondary index of a table. Items lacking its key
// attributes are not in it.
type IndexSpec struct {
	Name string `yaml:"name"`
	// HashKey and RangeKey are "name:type" like the table's; RangeKey is
	// optional.
	HashKey  string `yaml:"hashKey"`
	RangeKey string `yaml:"rangeKey"`
	// Projection is ALL, KEYS_ONLY or INCLUDE; as in DynamoDB, there is no
	// default.
	Projection string `yaml:"projection"`
	// NonKeyAttributes are what an INCLUDE index copies besides the keys.
	NonKeyAttributes []string `yaml:"nonKeyAttributes"`
}

// Validate checks every table, naming the field and the fix.
func (s Spec) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, t := range s.Tables {
		at := fmt.Sprintf("tables[%d]", i)
		errs = append(errs, t.validate(at)...)
		k := tableKey(t.Account, t.Region, t.Name)
		if seen[k] {
			errs = append(errs, fmt.Errorf("%s.name: table %q is declared twice in %s %s", at, t.Name, t.Account, t.Region))
		}
		seen[k] = true
	}
	return errors.Join(errs...)
}

func (t TableSpec) validate(at string) []error {
	var errs []error
	if !org.IsAccountID(t.Account) {
		errs = append(errs, fmt.Errorf("%s.account: %q is not a 12-digit account ID", at, t.Account))
	}
	if t.Region == "" {
		errs = append(errs, fmt.Errorf("%s.region: is required, e.g. us-east-1", at))
	}
	if checkTableName(t.Name) != nil {
		errs = append(errs, fmt.Errorf("%s.name: %q must be 3-255 characters of a-z, A-Z, 0-9, _ . -", at, t.Name))
	}
	types := attrTypes{}
	errs = append(errs, types.key(at+".hashKey", t.HashKey, true, "pk:S")...)
	errs = append(errs, types.key(at+".rangeKey", t.RangeKey, false, "sk:S")...)
	if n, _, _ := keyAttr(t.RangeKey); n != "" && t.HashKey == t.RangeKey {
		errs = append(errs, fmt.Errorf("%s.rangeKey: %q is also the hashKey; a range key is another attribute", at, t.RangeKey))
	}
	errs = append(errs, t.validateIndexes(at, types)...)
	return errs
}

// attrTypes records the type each key attribute is given, so that a table
// and its indexes agree on it, as one AttributeDefinitions list makes them.
type attrTypes map[string]string

// key checks a "name:type" key field; fields give an attribute one type.
func (a attrTypes) key(at, spec string, required bool, example string) []error {
	if spec == "" && !required {
		return nil
	}
	name, typ, ok := keyAttr(spec)
	if !ok {
		return []error{fmt.Errorf("%s: %q must be name:type with type S, N or B, e.g. %s", at, spec, example)}
	}
	if had, seen := a[name]; seen && had != typ {
		return []error{fmt.Errorf("%s: %q gives %s type %s, but another key gives it %s; use %s:%s", at, spec, name, typ, had, name, had)}
	}
	a[name] = typ
	return nil
}

func (t TableSpec) validateIndexes(at string, types attrTypes) []error {
	var errs []error
	if len(t.GlobalSecondaryIndexes) > maxIndexes {
		errs = append(errs, fmt.Errorf("%s.globalSecondaryIndexes: %d indexes; DynamoDB allows at most %d per table", at, len(t.GlobalSecondaryIndexes), maxIndexes))
	}
	names := map[string]bool{}
	projected := 0
	for j, x := range t.GlobalSecondaryIndexes {
		xat := fmt.Sprintf("%s.globalSecondaryIndexes[%d]", at, j)
		errs = append(errs, x.validate(xat, types)...)
		if names[x.Name] {
			errs = append(errs, fmt.Errorf("%s.name: index %q is declared twice; index names are unique in a table", xat, x.Name))
		}
		names[x.Name] = true
		projected += len(x.NonKeyAttributes)
	}
	if projected > maxProjected {
		errs = append(errs, fmt.Errorf("%s.globalSecondaryIndexes: %d nonKeyAttributes in all; DynamoDB allows at most %d per table", at, projected, maxProjected))
	}
	return errs
}

func (x IndexSpec) validate(at string, types attrTypes) []error {
	var errs []error
	if !tableNamePattern.MatchString(x.Name) {
		errs = append(errs, fmt.Errorf("%s.name: %q must be 3-255 characters of a-z, A-Z, 0-9, _ . -", at, x.Name))
	}
	errs = append(errs, types.key(at+".hashKey", x.HashKey, true, "account:S")...)
	errs = append(errs, types.key(at+".rangeKey", x.RangeKey, false, "startedAt:S")...)
	if x.RangeKey != "" && x.HashKey == x.RangeKey {
		errs = append(errs, fmt.Errorf("%s.rangeKey: %q is also the hashKey; a range key is another attribute", at, x.RangeKey))
	}
	return append(errs, x.validateProjection(at)...)
}

func (x IndexSpec) validateProjection(at string) []error {
	switch {
	case x.Projection != "ALL" && x.Projection != "KEYS_ONLY" && x.Projection != "INCLUDE":
		return []error{fmt.Errorf("%s.projection: %q must be ALL, KEYS_ONLY or INCLUDE (INCLUDE with nonKeyAttributes)", at, x.Projection)}
	case x.Projection == "INCLUDE" && len(x.NonKeyAttributes) == 0:
		return []error{fmt.Errorf("%s.nonKeyAttributes: projection INCLUDE needs the attributes to copy; list them, or use KEYS_ONLY", at)}
	case x.Projection != "INCLUDE" && len(x.NonKeyAttributes) > 0:
		return []error{fmt.Errorf("%s.nonKeyAttributes: only a projection INCLUDE takes them; set projection: INCLUDE or remove them", at)}
	case len(x.NonKeyAttributes) > 20:
		return []error{fmt.Errorf("%s.nonKeyAttributes: %d attributes; an index projects at most 20, use projection ALL", at, len(x.NonKeyAttributes))}
	}
	for k, a := range x.NonKeyAttributes {
		if a == "" || slices.Index(x.NonKeyAttributes, a) < k {
			return []error{fmt.Errorf("%s.nonKeyAttributes[%d]: %q is empty or listed twice; list each attribute once", at, k, a)}
		}
	}
	return nil
}

func keyAttr(s string) (name, typ string, ok bool) {
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == ':' {
			name, typ = s[:i], s[i+1:]
			return name, typ, typ == "S" || typ == "N" || typ == "B"
		}
	}
	return "", "", false
}

func (t TableSpec) definition() definition {
	d := definition{name: t.Name, billing: "PAY_PER_REQUEST", sseKey: t.KMSMasterKeyID, pitr: t.PointInTimeRecovery}
	d.keySchema, d.attrs = keySchema(t.HashKey, t.RangeKey, nil)
	for _, x := range t.GlobalSecondaryIndexes {
		var ks []KeySchemaElement
		ks, d.attrs = keySchema(x.HashKey, x.RangeKey, d.attrs)
		p := Projection{ProjectionType: x.Projection, NonKeyAttributes: x.NonKeyAttributes}
		d.indexes = append(d.indexes, newIndex(x.Name, ks, p, d.keySchema))
	}
	return d
}

// keySchema turns "name:type" keys into a key schema, adding their
// attributes to attrs once each.
func keySchema(hash, rng string, attrs []AttributeDefinition) ([]KeySchemaElement, []AttributeDefinition) {
	var ks []KeySchemaElement
	for _, k := range []struct{ spec, kind string }{{hash, "HASH"}, {rng, "RANGE"}} {
		name, typ, ok := keyAttr(k.spec)
		if !ok {
			continue
		}
		ks = append(ks, KeySchemaElement{AttributeName: name, KeyType: k.kind})
		if !slices.ContainsFunc(attrs, func(a AttributeDefinition) bool { return a.AttributeName == name }) {
			attrs = append(attrs, AttributeDefinition{AttributeName: name, AttributeType: typ})
		}
	}
	return ks, attrs
}
