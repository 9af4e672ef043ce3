package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Filter selects runs to list.
type Filter struct {
	// Account limits the list to one account's runs.
	Account string
	// Since lists runs started at or after it; it is required, so a
	// listing never walks the whole retention.
	Since time.Time
	// Status keeps runs whose ledger status (RUNNING, FINISHED) or outcome
	// (SUCCEEDED, CANCELLED, PARTIAL, FAILED) is this; empty keeps all.
	Status string
	// Limit bounds the runs returned; zero means DefaultLimit.
	Limit int
}

// DefaultLimit is how many runs a listing returns when not told.
const DefaultLimit = 100

// List returns runs newest first, without their states: one Query on the
// account's index partition, or one per day on the day index.
func (l *Ledger) List(ctx context.Context, f Filter) ([]*Record, error) {
	if f.Since.IsZero() {
		return nil, fmt.Errorf("ledger: list runs: a start time is required")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if f.Account != "" {
		return l.listPartition(ctx, IndexByAccount, AttrAccount, f.Account, f, limit)
	}
	var out []*Record
	for day := l.now(); !day.Before(f.Since.UTC().Truncate(24 * time.Hour)); day = day.AddDate(0, 0, -1) {
		recs, err := l.listPartition(ctx, IndexByDay, AttrDay, day.Format(dayFormat), f, limit-len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

func (l *Ledger) listPartition(ctx context.Context, index, keyAttr, key string, f Filter, limit int) ([]*Record, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(l.Table),
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#key = :key AND startedAt >= :since"),
		ExpressionAttributeNames:  map[string]string{"#key": keyAttr},
		ExpressionAttributeValues: item{":key": str(key), ":since": stamp(f.Since)},
		ScanIndexForward:          aws.Bool(false),
	}
	if f.Status != "" {
		in.FilterExpression = aws.String("#status = :status OR outcome = :status")
		in.ExpressionAttributeNames["#status"] = "status"
		in.ExpressionAttributeValues[":status"] = str(f.Status)
	}
	var out []*Record
	p := dynamodb.NewQueryPaginator(l.DB, in)
	for p.HasMorePages() && len(out) < limit {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ledger: list runs (%s %s): %w", keyAttr, key, err)
		}
		for _, it := range page.Items {
			rec, err := decodeRecord(it, false)
			if err != nil {
				return nil, err
			}
			if out = append(out, rec); len(out) == limit {
				break
			}
		}
	}
	return out, nil
}
