package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/landfall/landfall/internal/runstate"
)

// A run's one summary is published under a claim:
//
//  1. ClaimSummary: a conditional update takes the claim (a token and a
//     lease) while the run is RUNNING and nobody holds an unexpired claim.
//  2. The worker publishes to SNS.
//  3. RecordSummary: the SNS message ID, the outcome and FINISHED are
//     written, on condition that the claim is still this worker's.
//
// The crash points, and why each tells the story exactly once:
//   - Before 1: the message is redelivered and the next delivery claims.
//   - Between 1 and 2: the claim lapses after its lease (shorter than the
//     work queue's visibility timeout), so the redelivered message claims
//     again and publishes.
//   - SNS refuses the publish: ReleaseClaim drops the claim at once, and
//     the finished run is queued again to retry.
//   - Between 2 and 3, the ledger write fails: the worker acknowledges the
//     message anyway (a redelivery would publish again), leaving the run
//     RUNNING with a lapsed claim, which `landfall runs show` reports.
//   - A duplicate delivery while a claim is held: ErrClaimed; the message
//     is handed back and finds the run FINISHED (or the claim lapsed) later.
//
// One window is left, and it is SNS's: a standard topic does not
// deduplicate, so if SNS accepts a publish and its answer is lost, or the
// worker dies in the milliseconds between SNS's answer and step 3, a
// second identical summary follows. Each carries the run ID (attribute
// landfall.run), which subscribers that must be exact deduplicate on.

// ErrClaimed says another worker holds an unexpired claim on the summary.
var ErrClaimed = errors.New("another worker is publishing the summary")

// ErrClaimLost says the claim lapsed and another worker took it.
var ErrClaimLost = errors.New("the summary claim lapsed before it was recorded")

// Claim is a worker's claim on a run's summary.
type Claim struct {
	RunID string
	Token string
}

// ClaimSummary takes the claim on run's summary for lease. token must be
// unique to this attempt (the worker uses its invocation's request ID and
// the message ID).
func (l *Ledger) ClaimSummary(ctx context.Context, runID, token string, lease time.Duration) (*Claim, error) {
	now := l.now()
	_, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(l.Table),
		Key:              runKey(runID),
		UpdateExpression: aws.String("SET claimToken = :token, claimExpires = :expires"),
		// Or the claim is already this attempt's: the SDK's retry of a claim whose answer was lost.
		ConditionExpression:                 aws.String("#status = :running AND (attribute_not_exists(claimExpires) OR claimExpires <= :now OR claimToken = :token)"),
		ExpressionAttributeNames:            map[string]string{"#status": "status"},
		ExpressionAttributeValues:           item{":token": str(token), ":expires": epoch(now.Add(lease)), ":now": epoch(now), ":running": str(StatusRunning)},
		ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if ccf, ok := conditionFailed(err); ok {
		switch {
		case len(ccf.Item) == 0:
			return nil, fmt.Errorf("run %s: %w", runID, ErrNotFound)
		case getS(ccf.Item, "status") == StatusFinished:
			return nil, fmt.Errorf("run %s: %w", runID, ErrFinished)
		}
		return nil, fmt.Errorf("run %s, until %s: %w", runID, getEpoch(ccf.Item, "claimExpires").Format(time.RFC3339), ErrClaimed)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: claim the summary of run %s: %w", runID, err)
	}
	return &Claim{RunID: runID, Token: token}, nil
}

// ReleaseClaim drops a claim whose publish failed, so a retry can publish
// at once. A claim already lost is left alone.
func (l *Ledger) ReleaseClaim(ctx context.Context, c *Claim) error {
	_, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(l.Table),
		Key:                       runKey(c.RunID),
		UpdateExpression:          aws.String("REMOVE claimToken, claimExpires"),
		ConditionExpression:       aws.String("claimToken = :token"),
		ExpressionAttributeValues: item{":token": str(c.Token)},
	})
	if _, ok := conditionFailed(err); ok {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ledger: release the summary claim of run %s: %w", c.RunID, err)
	}
	return nil
}

// RecordSummary finishes the run under claim c: its final state, outcome,
// the summary's SNS message ID, and the TTL that retires it.
func (l *Ledger) RecordSummary(ctx context.Context, c *Claim, run *runstate.Run, messageID string) error {
	// Or this very summary is recorded already: the SDK's retry of a write whose answer was lost.
	err := l.finish(ctx, run, SummarySent, messageID, "claimToken = :token OR (#status = :finished AND messageId = :mid)", item{":token": str(c.Token), ":mid": str(messageID)})
	if _, ok := conditionFailed(err); ok {
		return fmt.Errorf("run %s: %w", run.ID, ErrClaimLost)
	}
	return err
}

// FinishWithoutSummary finishes a run the plan sends no summary for:
// summary says why (SummarySkipped, SummaryRolledUp). A run already
// finished is left as it is.
func (l *Ledger) FinishWithoutSummary(ctx context.Context, run *runstate.Run, summary string) error {
	err := l.finish(ctx, run, summary, "", "#status = :running", item{":running": str(StatusRunning)})
	if _, ok := conditionFailed(err); ok {
		return nil
	}
	return err
}

func (l *Ledger) finish(ctx context.Context, run *runstate.Run, summary, messageID, cond string, vals item) error {
	state, err := encodeState(run)
	if err != nil {
		return err
	}
	now := l.now()
	set := "SET #status = :finished, outcome = :outcome, finishedAt = :now, summary = :summary, #state = :state, #counts = :counts, step = :step, expiresAt = :expires"
	vals[":finished"], vals[":outcome"], vals[":now"] = str(StatusFinished), str(run.Outcome()), stamp(now)
	vals[":summary"], vals[":state"], vals[":counts"] = str(summary), str(state), counts(countMap(run))
	vals[":step"], vals[":expires"] = num(int64(run.Step)), epoch(now.Add(l.retention()))
	if messageID != "" {
		set += ", messageId = :mid"
		vals[":mid"] = str(messageID)
	}
	_, err = l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(l.Table),
		Key:                       runKey(run.ID),
		UpdateExpression:          aws.String(set + " REMOVE claimToken, claimExpires"),
		ConditionExpression:       aws.String(cond),
		ExpressionAttributeNames:  map[string]string{"#status": "status", "#state": "state", "#counts": "counts"},
		ExpressionAttributeValues: vals,
	})
	if _, ok := conditionFailed(err); ok {
		return err
	}
	if err != nil {
		return fmt.Errorf("ledger: finish run %s: %w", run.ID, err)
	}
	return nil
}
