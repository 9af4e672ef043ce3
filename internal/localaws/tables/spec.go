package tables

import (
	"errors"
	"fmt"

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
}

// Validate checks every table, naming the field and the fix.
func (s Spec) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, t := range s.Tables {
		at := fmt.Sprintf("tables[%d]", i)
		if !org.IsAccountID(t.Account) {
			errs = append(errs, fmt.Errorf("%s.account: %q is not a 12-digit account ID", at, t.Account))
		}
		if t.Region == "" {
			errs = append(errs, fmt.Errorf("%s.region: is required, e.g. us-east-1", at))
		}
		if checkTableName(t.Name) != nil {
			errs = append(errs, fmt.Errorf("%s.name: %q must be 3-255 characters of a-z, A-Z, 0-9, _ . -", at, t.Name))
		}
		if _, _, ok := keyAttr(t.HashKey); !ok {
			errs = append(errs, fmt.Errorf("%s.hashKey: %q must be name:type with type S, N or B, e.g. pk:S", at, t.HashKey))
		}
		if _, _, ok := keyAttr(t.RangeKey); t.RangeKey != "" && !ok {
			errs = append(errs, fmt.Errorf("%s.rangeKey: %q must be name:type with type S, N or B, e.g. sk:S", at, t.RangeKey))
		}
		k := tableKey(t.Account, t.Region, t.Name)
		if seen[k] {
			errs = append(errs, fmt.Errorf("%s.name: table %q is declared twice in %s %s", at, t.Name, t.Account, t.Region))
		}
		seen[k] = true
	}
	return errors.Join(errs...)
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
	d := definition{name: t.Name, billing: "PAY_PER_REQUEST"}
	for _, k := range []struct{ spec, kind string }{{t.HashKey, "HASH"}, {t.RangeKey, "RANGE"}} {
		if name, typ, ok := keyAttr(k.spec); ok {
			d.keySchema = append(d.keySchema, KeySchemaElement{AttributeName: name, KeyType: k.kind})
			d.attrs = append(d.attrs, AttributeDefinition{AttributeName: name, AttributeType: typ})
		}
	}
	return d
}
