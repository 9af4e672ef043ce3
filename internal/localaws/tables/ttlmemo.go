package tables

import "time"

// expiry is a parsed TTL value: when the item expires, and whether the
// value is a TTL DynamoDB honours at all.
type expiry struct {
	at time.Time
	ok bool
}

// memoExpiry is table.expiry with each TTL value parsed once. sweep runs
// on every request and reads every item, and parsing a DynamoDB number
// (arbitrary precision) dominated a busy table's requests: a 300-account
// backfill spent 40% of its time re-parsing the same few hundred
// timestamps. The memo is keyed by the value's text, so an item whose TTL
// changes is parsed again, and it is dropped when it outgrows the table.
func (t *table) memoExpiry(item Item) (time.Time, bool) {
	if t.ttl == "" {
		return time.Time{}, false
	}
	v, ok := item[t.ttl]
	if !ok || v.kind != "N" {
		return time.Time{}, false
	}
	if e, ok := t.expiries[v.str]; ok {
		return e.at, e.ok
	}
	if t.expiries == nil || len(t.expiries) > 2*len(t.items)+64 {
		t.expiries = map[string]expiry{}
	}
	at, ok := t.expiry(item)
	t.expiries[v.str] = expiry{at, ok}
	return at, ok
}
