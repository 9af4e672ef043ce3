// Package ledger is Landfall's run ledger: one DynamoDB table that makes
// each run happen once and tell its story once, records who asked for
// manual runs, keeps each run's targets as history, and remembers how long
// products take to provision.
//
// # Keys and access patterns
//
// The table has a string partition key pk and sort key sk. Every write is
// conditional, so concurrent and repeated deliveries resolve in DynamoDB,
// not in the functions:
//
//	item       pk                     sk                    written by
//	run        RUN#<run ID>           RUN                   launch (create), worker (steps, summary), launch (cancel)
//	request    REQUEST#<req>#<hash>   REQUEST               launch: every manual invocation, its outcome
//	duration   DURATIONS              <region>#<product>    worker: observed provisioning times
//
//	question                          how
//	this run (worker, runs show)      GetItem RUN#id, strongly consistent
//	did this trigger run already      the run ID is derived from the trigger (event ID, or
//	                                  request ID and payload hash), so the create is a
//	                                  PutItem with attribute_not_exists(pk)
//	runs of account X since T         Query index byAccount: account = X AND startedAt >= T
//	runs since T, any account         Query index byDay, one day partition at a time
//	how long does product P take      Query pk = DURATIONS: every product and region in one read
//
// Both indexes are sparse (only run items carry account and day) and
// project the few attributes a listing shows, so listing a backfill's
// thousand runs does not read their states. byDay spreads the fleet's runs
// over one partition per day, which a backfill's spread (waves every 15 s)
// keeps far below a partition's 1,000 writes per second.
//
// The ledger is the source of truth for "this run already happened" and
// "its summary went out". When it cannot be reached Landfall fails closed:
// the launch function returns an error (Lambda retries the event, then
// parks it in the on-failure queue) and the worker hands the message back
// (SQS redelivers it, then moves it to the dead-letter queue), both with
// their alarms. Nothing runs twice and nothing is lost; runs wait.
package ledger

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// API is the DynamoDB calls the ledger makes; *dynamodb.Client satisfies it.
type API interface {
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Index names.
const (
	IndexByAccount = "byAccount"
	IndexByDay     = "byDay"
)

// Key attribute names, and the attributes the indexes are keyed on.
const (
	AttrPK        = "pk"
	AttrSK        = "sk"
	AttrAccount   = "account"
	AttrDay       = "day"
	AttrStartedAt = "startedAt"
	// AttrExpiresAt is the table's TTL attribute (epoch seconds).
	AttrExpiresAt = "expiresAt"
)

// Projected lists the non-key attributes both indexes carry: what a
// listing of runs shows. The infrastructure declares the indexes with it.
var Projected = []string{"runId", "accountName", "trigger", "status", "outcome", "requestedBy", "finishedAt", "counts", "cancelRequested"}

// DefaultRetention is how long finished runs stay in the ledger when the
// deployment does not say.
const DefaultRetention = 90 * 24 * time.Hour

// Ledger reads and writes the run ledger table.
type Ledger struct {
	DB    API
	Table string
	// Retention is how long a finished run (and an audited request) stays
	// before DynamoDB's TTL removes it; zero means DefaultRetention.
	Retention time.Duration
	// Now tells the time (default time.Now); the local driver uses the emulator's clock.
	Now func() time.Time
}

func (l *Ledger) now() time.Time {
	if l.Now != nil {
		return l.Now().UTC()
	}
	return time.Now().UTC()
}

func (l *Ledger) retention() time.Duration {
	if l.Retention > 0 {
		return l.Retention
	}
	return DefaultRetention
}

// ErrNotFound says the ledger has no such run.
var ErrNotFound = errors.New("no such run in the ledger")

// conditionFailed reports whether err is DynamoDB refusing a conditional write.
func conditionFailed(err error) (*ddbtypes.ConditionalCheckFailedException, bool) {
	var ccf *ddbtypes.ConditionalCheckFailedException
	return ccf, errors.As(err, &ccf)
}
