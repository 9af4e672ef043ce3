package tables

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// KeySchemaElement is one key attribute of a table (wire shape).
type KeySchemaElement struct {
	AttributeName string
	KeyType       string // HASH or RANGE
}

// AttributeDefinition is a key attribute's type (wire shape).
type AttributeDefinition struct {
	AttributeName string
	AttributeType string // S, N or B
}

// definition is what CreateTable fixes about a table.
type definition struct {
	name       string
	keySchema  []KeySchemaElement
	attrs      []AttributeDefinition
	billing    string
	sseKey     string // SSE KMS key (ID, ARN or alias); "" for the AWS owned key
	protection bool
	indexes    []*index // global secondary indexes, in CreateTable's order
	pitr       bool     // point-in-time recovery
}

// table is one DynamoDB table and its items.
type table struct {
	account, region string
	def             definition
	created         time.Time
	id              string
	hash, rng       string            // key attribute names; rng may be ""
	types           map[string]string // table and index key attribute → S, N, B
	ttl             string            // TTL attribute name, "" when disabled
	items           map[string]Item   // by encoded primary key
	expiries        map[string]expiry // TTL values already parsed, by their text (ttlmemo.go)
	// sweepDue is the earliest time a sweep can delete anything, when
	// sweepKnown: sweep runs on every request, and scanning every item each
	// time made a busy table's requests quadratic (ttlmemo.go).
	sweepDue   time.Time
	sweepKnown bool
}

func newTable(account, regionCode string, def definition, now time.Time) *table {
	t := &table{account: account, region: regionCode, def: def, created: now, items: map[string]Item{}, types: map[string]string{}}
	sum := sha256.Sum256([]byte(tableKey(account, regionCode, def.name) + now.String()))
	h := hex.EncodeToString(sum[:16])
	t.id = h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	t.hash, t.rng = keyNames(def.keySchema)
	for _, a := range def.attrs {
		t.types[a.AttributeName] = a.AttributeType
	}
	return t
}

func (t *table) key() string { return tableKey(t.account, t.region, t.def.name) }

var tableNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)

// checkTableName validates a TableName member as DynamoDB does.
func checkTableName(name string) *wireError {
	if !tableNamePattern.MatchString(name) {
		return validation("1 validation error detected: Value '" + name + "' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and length between 3 and 255")
	}
	return nil
}

// keyOf extracts and checks the primary key of item (isKey: item is a Key
// parameter, which must hold exactly the key attributes).
func (t *table) keyOf(item Item, isKey bool) (Item, string, *wireError) {
	names := []string{t.hash}
	if t.rng != "" {
		names = append(names, t.rng)
	}
	if isKey && len(item) != len(names) {
		return nil, "", validation("The provided key element does not match the schema")
	}
	key := Item{}
	var enc strings.Builder
	for _, n := range names {
		v, ok := item[n]
		if ok {
			if err := v.validate(); err != nil {
				return nil, "", err
			}
		}
		switch {
		case !ok && isKey:
			return nil, "", validation("The provided key element does not match the schema")
		case !ok:
			return nil, "", invalid("Missing the key %s in the item", n)
		case v.kind != t.types[n] && isKey:
			return nil, "", validation("The provided key element does not match the schema")
		case v.kind != t.types[n]:
			return nil, "", invalid("Type mismatch for key %s expected: %s actual: %s", n, t.types[n], v.kind)
		case v.kind == "S" && v.str == "" || v.kind == "B" && v.str == "":
			return nil, "", validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty " + map[string]string{"S": "string", "B": "binary"}[v.kind] + " value. Key: " + n)
		}
		key[n] = v
		enc.WriteString(encodeScalar(v))
		enc.WriteByte(0)
	}
	return key, enc.String(), nil
}

// encodeScalar is a key value as a map key; numbers by value.
func encodeScalar(v Value) string {
	switch v.kind {
	case "N":
		if isCanonicalInt(v.str) { // its RatString
			return "N" + v.str
		}
		n, _ := parseNumber(v.str)
		return "N" + n.RatString()
	case "B":
		return "B" + v.str
	}
	return "S" + v.str
}

// sortedKeys orders the items by hash key, then range key, as Scan
// (deterministically) and Query return them.
func (t *table) sortedKeys() []string { return t.tableView().keys() }

// expired reports whether item's TTL has passed at now.
func (t *table) expiry(item Item) (time.Time, bool) {
	if t.ttl == "" {
		return time.Time{}, false
	}
	v, ok := item[t.ttl]
	if !ok || v.kind != "N" {
		return time.Time{}, false
	}
	n, ok := parseNumber(v.str)
	if !ok {
		return time.Time{}, false
	}
	f, _ := n.Float64()
	return time.Unix(int64(f), 0), true
}

// sweep deletes the items whose TTL deletion is due at now: expired for
// TTLDeletionDelay, and not more than five years before now.
func (t *table) sweep(now time.Time) {
	if t.sweepKnown && now.Before(t.sweepDue) {
		return
	}
	next := neverDue
	for k, it := range t.items {
		exp, ok := t.memoExpiry(it)
		if !ok || now.Sub(exp) > maxTTLAge {
			continue // never deleted
		}
		if due := exp.Add(TTLDeletionDelay); !now.Before(due) {
			delete(t.items, k)
		} else if due.Before(next) {
			next = due
		}
	}
	t.sweepDue, t.sweepKnown = next, true
}

// neverDue is the sweep time of a table with nothing to delete.
var neverDue = time.Unix(1<<40, 0)

// noteExpiry keeps sweepDue true of a written item.
func (t *table) noteExpiry(item Item) {
	if !t.sweepKnown {
		return
	}
	if exp, ok := t.memoExpiry(item); ok {
		if due := exp.Add(TTLDeletionDelay); due.Before(t.sweepDue) {
			t.sweepDue = due
		}
	}
}

// sseDescription is a table's SSEDescription (wire shape).
type sseDescription struct {
	Status          string
	SSEType         string
	KMSMasterKeyArn string `json:",omitempty"`
}

// AWSManagedKey names the AWS managed key of DynamoDB, which a table
// encrypted with SSEType KMS and no KMSMasterKeyId uses.
const AWSManagedKey = "alias/aws/dynamodb"

// sseDescription reports a table encrypted with a KMS key; nil for the
// AWS owned key, which DescribeTable leaves out.
func (t *table) sseDescription() *sseDescription {
	ref := t.def.sseKey
	if ref == "" {
		return nil
	}
	arn := ref
	if !strings.HasPrefix(ref, "arn:") {
		if !strings.HasPrefix(ref, "alias/") {
			ref = "key/" + ref
		}
		arn = fmt.Sprintf("arn:%s:kms:%s:%s:%s", region.Partition(t.region), t.region, t.account, ref)
	}
	return &sseDescription{Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: arn}
}

// tableDescription is the TableDescription wire shape.
type tableDescription struct {
	TableName                 string
	TableArn                  string
	TableId                   string
	TableStatus               string
	KeySchema                 []KeySchemaElement
	AttributeDefinitions      []AttributeDefinition
	CreationDateTime          wire.Timestamp
	ItemCount                 int64
	TableSizeBytes            int64
	BillingModeSummary        *billingSummary `json:",omitempty"`
	ProvisionedThroughput     throughput
	SSEDescription            *sseDescription `json:",omitempty"`
	DeletionProtectionEnabled bool
	GlobalSecondaryIndexes    []gsiDescription `json:",omitempty"`
}

type billingSummary struct {
	BillingMode                       string
	LastUpdateToPayPerRequestDateTime wire.Timestamp
}

type throughput struct {
	NumberOfDecreasesToday int64
	ReadCapacityUnits      int64
	WriteCapacityUnits     int64
}

func (t *table) describe(status string) tableDescription {
	d := tableDescription{
		TableName: t.def.name, TableArn: ARN(t.account, t.region, t.def.name), TableId: t.id, TableStatus: status,
		KeySchema: t.def.keySchema, AttributeDefinitions: t.def.attrs, CreationDateTime: wire.Timestamp(t.created),
		ItemCount: int64(len(t.items)), SSEDescription: t.sseDescription(), DeletionProtectionEnabled: t.def.protection,
		GlobalSecondaryIndexes: t.describeIndexes(status),
	}
	for _, it := range t.items {
		d.TableSizeBytes += int64(itemSize(it))
	}
	if t.def.billing == "PAY_PER_REQUEST" {
		d.BillingModeSummary = &billingSummary{BillingMode: "PAY_PER_REQUEST", LastUpdateToPayPerRequestDateTime: wire.Timestamp(t.created)}
	}
	return d
}
