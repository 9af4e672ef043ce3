package wire

import (
	"slices"
	"sync"
	"time"
)

// DefaultCallRecords is how many recent calls a CallLog keeps in full; counts
// are kept for every call regardless. A long-running standalone server would
// otherwise grow without bound.
const DefaultCallRecords = 10000

// Call is one API call the server answered.
type Call struct {
	// Key is "<signing name>.<operation>", e.g. "servicecatalog.ProvisionProduct".
	Key       string
	Service   string
	Operation string
	// Account and Region identify who called where; Account is empty when
	// the caller could not be authenticated.
	Account   string
	Region    string
	CallerARN string
	RequestID string
	// Time is the emulator clock's time of the call.
	Time time.Time
	// Status is the HTTP status answered.
	Status int
	// ErrorCode is the error code answered, empty on success.
	ErrorCode string
	// ErrorMessage is the error message answered, e.g. an AccessDenied's
	// "... is not authorized to perform: sqs:SendMessage ...".
	ErrorMessage string
}

type countKey struct{ key, account, region string }

// CallLog records the calls a Server answered, so tests can assert how many
// times (and as whom, where) an operation was called. It is safe for
// concurrent use.
type CallLog struct {
	mu      sync.Mutex
	limit   int
	records []Call
	// failed holds the calls answered with an error, kept apart from
	// records so that they outlive its rotation.
	failed []Call
	counts map[countKey]int
}

func newCallLog(limit int) *CallLog {
	if limit <= 0 {
		limit = DefaultCallRecords
	}
	return &CallLog{limit: limit, counts: map[countKey]int{}}
}

func (l *CallLog) add(c Call) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[countKey{c.Key, c.Account, c.Region}]++
	if len(l.records) >= l.limit {
		// Drop the oldest half at once so appending stays amortised O(1).
		l.records = slices.Delete(l.records, 0, len(l.records)/2+1)
	}
	l.records = append(l.records, c)
	if c.ErrorCode != "" {
		if len(l.failed) >= l.limit {
			l.failed = slices.Delete(l.failed, 0, len(l.failed)/2+1)
		}
		l.failed = append(l.failed, c)
	}
}

// Failed returns the most recent calls answered with an error (up to
// DefaultCallRecords of them), oldest first. Errors are rare next to calls,
// so a test looking for a refusal finds it here long after Records has
// dropped it.
func (l *CallLog) Failed() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.failed)
}

// Count returns how many calls were made to key ("servicecatalog.ProvisionProduct").
func (l *CallLog) Count(key string) int {
	return l.CountFor(key, "", "")
}

// CountFor returns how many calls to key were made by account in region; an
// empty account or region matches any.
func (l *CallLog) CountFor(key, account, region string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for k, c := range l.counts {
		if k.key == key && (account == "" || k.account == account) && (region == "" || k.region == region) {
			n += c
		}
	}
	return n
}

// Snapshot returns the number of calls per key.
func (l *CallLog) Snapshot() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for k, c := range l.counts {
		out[k.key] += c
	}
	return out
}

// Records returns the most recent calls (up to DefaultCallRecords), oldest first.
func (l *CallLog) Records() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.records)
}

// Reset forgets every call.
func (l *CallLog) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records, l.failed = nil, nil
	l.counts = map[countKey]int{}
}
