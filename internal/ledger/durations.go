package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// durationsPK is the partition holding every observed duration, so one
// Query reads them all.
const durationsPK = "DURATIONS"

// Observe adds one observed provisioning duration of product (the plan's
// key) in region: from the record's start to the step that saw it end.
func (l *Ledger) Observe(ctx context.Context, region, product string, d time.Duration) error {
	secs := max(int64(d/time.Second), 1)
	_, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(l.Table),
		Key:                       item{AttrPK: str(durationsPK), AttrSK: str(region + "#" + product)},
		UpdateExpression:          aws.String("SET kind = :kind, lastSeconds = :d, updatedAt = :now ADD samples :one, totalSeconds :d"),
		ExpressionAttributeValues: item{":kind": str("duration"), ":d": num(secs), ":now": stamp(l.now()), ":one": num(1)},
	})
	if err != nil {
		return fmt.Errorf("ledger: record the duration of %s in %s: %w", product, region, err)
	}
	return nil
}

// Duration is what the ledger knows of a product's provisioning time in a region.
type Duration struct {
	Samples int
	Mean    time.Duration
	Last    time.Duration
}

// Durations reads every observed duration, keyed "region/product".
func (l *Ledger) Durations(ctx context.Context) (map[string]Duration, error) {
	out := map[string]Duration{}
	p := dynamodb.NewQueryPaginator(l.DB, &dynamodb.QueryInput{
		TableName:                 aws.String(l.Table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: item{":pk": str(durationsPK)},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ledger: read durations: %w", err)
		}
		for _, it := range page.Items {
			region, product, ok := strings.Cut(getS(it, AttrSK), "#")
			n := getN(it, "samples")
			if !ok || n <= 0 {
				continue
			}
			out[region+"/"+product] = Duration{
				Samples: int(n),
				Mean:    time.Duration(getN(it, "totalSeconds")/n) * time.Second,
				Last:    time.Duration(getN(it, "lastSeconds")) * time.Second,
			}
		}
	}
	return out, nil
}
