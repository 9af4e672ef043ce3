// Package tables emulates Amazon DynamoDB tables for the local AWS, spoken
// over awsJson1_0 (X-Amz-Target DynamoDB_20120810.<Operation>), so the real
// aws-sdk-go-v2 DynamoDB client works against it unchanged, typed errors
// included (*types.ConditionalCheckFailedException carrying the item when
// ReturnValuesOnConditionCheckFailure is ALL_OLD).
//
// It models what a run ledger needs: on-demand tables with a hash key and
// an optional range key; global secondary indexes (KEYS_ONLY, INCLUDE or ALL
// projections, sparse: an item lacking an index's key attributes is not in
// it); PutItem, GetItem, UpdateItem, DeleteItem, Query and Scan, on the
// table or an index, with the expression language (condition, update, key
// condition, filter and projection expressions) parsed by a real tokenizer
// and recursive-descent parser; the 400 KB item limit; TTL; and the SSE key
// and point-in-time recovery setting a table reports.
//
// TTL behaves as AWS documents it: an item whose TTL attribute (a Number,
// epoch seconds) has passed stays readable, and is returned by GetItem,
// Query and Scan, until the background sweeper deletes it. The emulator's
// sweeper is deterministic: an item is deleted when a request on its table
// arrives TTLDeletionDelay (48 hours) or more after its expiry on the
// emulator clock. Items whose TTL is more than five years in the past are
// never deleted, as in AWS.
//
// Scan returns items in key order (hash key, then range key), which is
// deterministic; AWS's order follows the hash of the partition key, so code
// must not depend on either. An index is read in its key order, items with
// equal index keys in table key order. Indexes are updated with the table,
// where AWS propagates to them within about a second: code that must see its
// own write reads the table, as it must in AWS, where an index read cannot
// be strongly consistent. TableSizeBytes, ItemCount and their index
// counterparts are live, where AWS refreshes them about every six hours.
//
// Everything outside the modelled subset is refused with a
// ValidationException naming the unsupported construct (local secondary
// indexes, streams, provisioned capacity, parallel scans, the legacy
// parameters Expected, AttributeUpdates, KeyConditions, ...), rather than
// silently ignored. IAM (package authz) and faults (package faults) apply
// before an operation runs, as for every emulated service; a read of an
// index is authorized against the index's ARN, <table ARN>/index/<name>.
package tables

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// TTLDeletionDelay is how long after an item's expiry the emulator's TTL
// sweeper deletes it. AWS deletes expired items "typically within a few
// days"; a fixed delay keeps tests deterministic.
const TTLDeletionDelay = 48 * time.Hour

// maxTTLAge is the age beyond which AWS never deletes an expired item.
const maxTTLAge = 5 * 365 * 24 * time.Hour

// Tables is the emulated DynamoDB service. It is safe for concurrent use.
type Tables struct {
	mu     sync.Mutex
	tables map[string]*table // by account/region/name
}

var _ wire.Service = (*Tables)(nil)

// New returns a DynamoDB service with the tables of spec, which must be
// valid, created at now.
func New(spec Spec, now time.Time) (*Tables, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("dynamodb spec: %w", err)
	}
	s := &Tables{tables: map[string]*table{}}
	for _, ts := range spec.Tables {
		t := newTable(ts.Account, ts.Region, ts.definition(), now)
		if ts.TTLAttribute != "" {
			t.ttl, t.sweepKnown = ts.TTLAttribute, false
		}
		s.tables[t.key()] = t
	}
	return s, nil
}

// ARN returns the ARN of table name in account and region.
func ARN(account, regionCode, name string) string {
	return fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", region.Partition(regionCode), regionCode, account, name)
}

// SigningName implements wire.Service.
func (*Tables) SigningName() string { return "dynamodb" }

// Protocol implements wire.Service.
func (*Tables) Protocol() wire.Protocol { return wire.JSON10 }

// TargetPrefix implements wire.Service.
func (*Tables) TargetPrefix() string { return "DynamoDB_20120810" }

// XMLNamespace implements wire.Service; JSON services have none.
func (*Tables) XMLNamespace() string { return "" }

// Operations implements wire.Service.
func (s *Tables) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{
		"CreateTable":        wire.Op(s.createTable),
		"DescribeTable":      wire.Op(s.describeTable),
		"DeleteTable":        wire.Op(s.deleteTable),
		"UpdateTimeToLive":   wire.Op(s.updateTimeToLive),
		"DescribeTimeToLive": wire.Op(s.describeTimeToLive),
		"PutItem":            wire.Op(s.putItem),
		"GetItem":            wire.Op(s.getItem),
		"UpdateItem":         wire.Op(s.updateItem),
		"DeleteItem":         wire.Op(s.deleteItem),
		"Query":              wire.Op(s.query),
		"Scan":               wire.Op(s.scan),
		// DescribeContinuousBackups reports point-in-time recovery.
		"DescribeContinuousBackups": wire.Op(s.describeContinuousBackups),
	}
}

func tableKey(account, regionCode, name string) string {
	return account + "/" + regionCode + "/" + name
}

// lookupTable returns the caller's table name, swept of items whose TTL
// deletion is due at r.Now. s.mu must be held.
func (s *Tables) lookupTable(r *wire.Request, name string) (*table, *wireError) {
	t := s.tables[tableKey(r.Caller.Account, r.Region, name)]
	if t == nil {
		return nil, &wire.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found"}
	}
	t.sweep(r.Now)
	return t, nil
}

// Items returns a copy of the items of a table, sorted by key, expired or
// not, for tests and the game day; nil if there is no such table.
func (s *Tables) Items(account, regionCode, name string) []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[tableKey(account, regionCode, name)]
	if t == nil {
		return nil
	}
	var out []Item
	for _, k := range t.sortedKeys() {
		out = append(out, t.items[k].clone())
	}
	return out
}

// keysSorted returns a map's keys in order.
func keysSorted[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
