package deploy

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// addTable records an AWS::DynamoDB::Table as CreateTable would take it,
// refusing what the emulator does not model (provisioned capacity, local
// secondary indexes, streams) rather than deploying something else.
func (d *Deployment) addTable(id string, p map[string]any, r *resolver) error {
	if err := refuseTableFeatures(p); err != nil {
		return err
	}
	types, err := attributeTypes(p["AttributeDefinitions"])
	if err != nil {
		return err
	}
	used := map[string]bool{}
	t := Table{LogicalID: id, Name: r.refs[id], ARN: r.attrs[id]["Arn"]}
	if t.HashKey, t.RangeKey, err = keySchema("KeySchema", p["KeySchema"], types, used); err != nil {
		return err
	}
	for i, g := range asList(p["GlobalSecondaryIndexes"]) {
		x, err := tableIndex(fmt.Sprintf("GlobalSecondaryIndexes[%d]", i), g, types, used)
		if err != nil {
			return err
		}
		t.Indexes = append(t.Indexes, x)
	}
	if err := checkAllUsed(types, used); err != nil {
		return err
	}
	if t.TTLAttribute, err = ttlAttribute(p["TimeToLiveSpecification"]); err != nil {
		return err
	}
	if t.KMSKey, err = sseKey(p["SSESpecification"]); err != nil {
		return err
	}
	if spec, ok := p["PointInTimeRecoverySpecification"].(map[string]any); ok {
		t.PointInTimeRecovery = str(spec["PointInTimeRecoveryEnabled"]) == "true"
	}
	d.Tables = append(d.Tables, t)
	return nil
}

// refuseTableFeatures refuses tables package tables does not model.
func refuseTableFeatures(p map[string]any) error {
	switch bm := str(p["BillingMode"]); {
	case bm == "":
		return errors.New("BillingMode: not set, so PROVISIONED; the local AWS models on-demand tables only: set BillingMode: PAY_PER_REQUEST (CDK: billingMode: BillingMode.PAY_PER_REQUEST)")
	case bm != "PAY_PER_REQUEST":
		return fmt.Errorf("BillingMode: %q; the local AWS models on-demand tables only: set BillingMode: PAY_PER_REQUEST (CDK: billingMode: BillingMode.PAY_PER_REQUEST)", bm)
	case p["ProvisionedThroughput"] != nil:
		return errors.New("ProvisionedThroughput: an on-demand (PAY_PER_REQUEST) table takes none, and DynamoDB refuses it; remove it")
	case p["LocalSecondaryIndexes"] != nil:
		return errors.New("LocalSecondaryIndexes: not modelled by the local AWS; use a global secondary index or extend package tables")
	case p["StreamSpecification"] != nil:
		return errors.New("StreamSpecification: DynamoDB streams are not modelled by the local AWS; remove the stream or extend package tables")
	}
	return nil
}

// attributeTypes reads AttributeDefinitions: attribute name to S, N or B.
func attributeTypes(v any) (map[string]string, error) {
	types := map[string]string{}
	for i, a := range asList(v) {
		m, _ := a.(map[string]any)
		name, typ := str(m["AttributeName"]), str(m["AttributeType"])
		if name == "" || (typ != "S" && typ != "N" && typ != "B") {
			return nil, fmt.Errorf("AttributeDefinitions[%d]: want {AttributeName, AttributeType: S, N or B}, got %s", i, compact(a))
		}
		types[name] = typ
	}
	return types, nil
}

// keySchema reads a table's or index's KeySchema into "name:type" keys,
// marking the attributes it uses.
func keySchema(at string, v any, types map[string]string, used map[string]bool) (hash, rng string, err error) {
	for i, e := range asList(v) {
		m, _ := e.(map[string]any)
		name, kind := str(m["AttributeName"]), str(m["KeyType"])
		typ, ok := types[name]
		switch {
		case name == "" || (kind != "HASH" && kind != "RANGE"):
			return "", "", fmt.Errorf("%s[%d]: want {AttributeName, KeyType: HASH or RANGE}, got %s", at, i, compact(e))
		case !ok:
			return "", "", fmt.Errorf("%s[%d]: %s has no AttributeDefinitions entry; add {AttributeName: %s, AttributeType: S, N or B}", at, i, name, name)
		case kind == "HASH" && hash == "":
			hash = name + ":" + typ
		case kind == "RANGE" && rng == "" && hash != "":
			rng = name + ":" + typ
		default:
			return "", "", fmt.Errorf("%s: want one HASH key, then at most one RANGE key; got %s", at, compact(v))
		}
		used[name] = true
	}
	if hash == "" {
		return "", "", fmt.Errorf("%s: a HASH key is required", at)
	}
	return hash, rng, nil
}

// tableIndex reads one GlobalSecondaryIndexes entry.
func tableIndex(at string, v any, types map[string]string, used map[string]bool) (Index, error) {
	m, _ := v.(map[string]any)
	x := Index{Name: str(m["IndexName"])}
	var err error
	if x.HashKey, x.RangeKey, err = keySchema(at+".KeySchema", m["KeySchema"], types, used); err != nil {
		return Index{}, err
	}
	if m["ProvisionedThroughput"] != nil {
		return Index{}, fmt.Errorf("%s.ProvisionedThroughput: an index of an on-demand table takes none, and DynamoDB refuses it; remove it", at)
	}
	proj, _ := m["Projection"].(map[string]any)
	x.Projection = str(proj["ProjectionType"])
	for _, a := range asList(proj["NonKeyAttributes"]) {
		x.NonKeyAttributes = append(x.NonKeyAttributes, str(a))
	}
	return x, nil
}

// checkAllUsed: CreateTable refuses an attribute definition no key uses.
func checkAllUsed(types map[string]string, used map[string]bool) error {
	var unused []string
	for name := range types {
		if !used[name] {
			unused = append(unused, name)
		}
	}
	if len(unused) == 0 {
		return nil
	}
	sort.Strings(unused)
	return fmt.Errorf("AttributeDefinitions: %s used by no key schema; DynamoDB refuses unused definitions: remove them", strings.Join(unused, ", "))
}

// ttlAttribute reads TimeToLiveSpecification: the attribute when enabled.
func ttlAttribute(v any) (string, error) {
	spec, ok := v.(map[string]any)
	if !ok || str(spec["Enabled"]) != "true" {
		return "", nil
	}
	name := str(spec["AttributeName"])
	if name == "" {
		return "", errors.New("TimeToLiveSpecification.AttributeName: required when Enabled is true; name the epoch-seconds attribute")
	}
	return name, nil
}

// sseKey reads SSESpecification: the KMS key when SSE is enabled, the
// AWS managed key when it names none.
func sseKey(v any) (string, error) {
	spec, ok := v.(map[string]any)
	if !ok || str(spec["SSEEnabled"]) != "true" {
		return "", nil
	}
	if typ := str(spec["SSEType"]); !slices.Contains([]string{"", "KMS"}, typ) {
		return "", fmt.Errorf("SSESpecification.SSEType: %q; DynamoDB encrypts with KMS only: set KMS or leave it out", typ)
	}
	if key := str(spec["KMSMasterKeyId"]); key != "" {
		return key, nil
	}
	return "alias/aws/dynamodb", nil
}
