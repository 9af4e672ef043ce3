package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/landfall/landfall/internal/runstate"
)

// maxState bounds a run's recorded state: DynamoDB items hold 400 KB,
// and the rest of a run item takes well under 10 KB.
const maxState = 380 << 10

// ErrStale says another delivery of the run's message recorded this step
// first: the caller holds a duplicate and must stop.
var ErrStale = errors.New("another delivery advanced the run first")

// ErrFinished says the run's story is already told.
var ErrFinished = errors.New("the run has finished")

func encodeState(run *runstate.Run) (string, error) {
	b, err := runstate.EncodeWithin(run, maxState)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Create records a new run, once per trigger: the run ID is derived from
// the trigger, so a second delivery of the same event or invocation finds
// the first one's run. It returns the existing record (and created false)
// in that case.
func (l *Ledger) Create(ctx context.Context, run *runstate.Run) (created bool, existing *Record, err error) {
	return l.put(ctx, run, -1)
}

// Adopt records a run the ledger has never seen, whose message the worker
// holds: one queued before the ledger existed, or whose item has expired.
// The message in hand is the run's carrier, so its step counts as sent.
func (l *Ledger) Adopt(ctx context.Context, run *runstate.Run) (*Record, error) {
	created, existing, err := l.put(ctx, run, run.Step)
	if err != nil || !created {
		return existing, err
	}
	return l.Get(ctx, run.ID)
}

func (l *Ledger) put(ctx context.Context, run *runstate.Run, sent int) (bool, *Record, error) {
	state, err := encodeState(run)
	if err != nil {
		return false, nil, err
	}
	_, err = l.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           aws.String(l.Table),
		Item:                                l.runItem(run, state, sent),
		ConditionExpression:                 aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if ccf, ok := conditionFailed(err); ok {
		rec, derr := decodeRecord(ccf.Item, true)
		return false, rec, derr
	}
	if err != nil {
		return false, nil, fmt.Errorf("ledger: record run %s: %w", run.ID, err)
	}
	return true, nil, nil
}

// Get reads a run, strongly consistent, with its state.
func (l *Ledger) Get(ctx context.Context, runID string) (*Record, error) {
	out, err := l.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.Table), Key: runKey(runID), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: read run %s: %w", runID, err)
	}
	if len(out.Item) == 0 {
		return nil, fmt.Errorf("run %s: %w", runID, ErrNotFound)
	}
	return decodeRecord(out.Item, true)
}

// MarkSent records that step's message is on the work queue. An older
// mark never overwrites a newer one.
func (l *Ledger) MarkSent(ctx context.Context, runID string, step int) error {
	_, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(l.Table),
		Key:                       runKey(runID),
		UpdateExpression:          aws.String("SET sent = :s"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND sent < :s"),
		ExpressionAttributeValues: item{":s": num(int64(step))},
	})
	if _, ok := conditionFailed(err); ok {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ledger: mark run %s step %d queued: %w", runID, step, err)
	}
	return nil
}

// Advance records the run's state after a step, if the ledger is still at
// step from: the compare-and-set that lets exactly one of several
// deliveries of one message carry the run on. It returns ErrStale when
// another delivery got there first, ErrFinished when the run has finished.
//
// token names this attempt (unique per delivery). The write is conditional,
// so the SDK's retry of a write whose answer was lost would otherwise find
// its own step recorded and take it for another delivery's: the token
// lets the retry recognise its own write.
func (l *Ledger) Advance(ctx context.Context, run *runstate.Run, from int, token string) error {
	state, err := encodeState(run)
	if err != nil {
		return err
	}
	_, err = l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                           aws.String(l.Table),
		Key:                                 runKey(run.ID),
		UpdateExpression:                    aws.String("SET step = :step, #state = :state, #counts = :counts, updatedAt = :now, stepToken = :token"),
		ConditionExpression:                 aws.String("#status = :running AND (step = :from OR (step = :step AND stepToken = :token))"),
		ExpressionAttributeNames:            map[string]string{"#state": "state", "#counts": "counts", "#status": "status"},
		ExpressionAttributeValues:           item{":step": num(int64(run.Step)), ":state": str(state), ":counts": counts(countMap(run)), ":now": stamp(l.now()), ":running": str(StatusRunning), ":from": num(int64(from)), ":token": str(token)},
		ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if ccf, ok := conditionFailed(err); ok {
		if getS(ccf.Item, "status") == StatusFinished {
			return fmt.Errorf("run %s: %w", run.ID, ErrFinished)
		}
		if len(ccf.Item) == 0 {
			return fmt.Errorf("run %s: %w", run.ID, ErrNotFound)
		}
		return fmt.Errorf("run %s step %d (ledger at step %d): %w", run.ID, from, getN(ccf.Item, "step"), ErrStale)
	}
	if err != nil {
		return fmt.Errorf("ledger: record run %s step %d: %w", run.ID, run.Step, err)
	}
	return nil
}

// ErrNotCancellable says the run cannot be cancelled any more.
var ErrNotCancellable = errors.New("only a running run can be cancelled")

// Cancel asks a running run to stop at its next step. by says who asked
// (self-asserted, as for manual runs).
func (l *Ledger) Cancel(ctx context.Context, runID, by string) (*Record, error) {
	return l.cancel(ctx, runID, by, "")
}

// Stop is Cancel because the run's account left (closed, suspended,
// removed): why says so, and the run's summary suggests no re-run.
func (l *Ledger) Stop(ctx context.Context, runID, by, why string) (*Record, error) {
	return l.cancel(ctx, runID, by, why)
}

func (l *Ledger) cancel(ctx context.Context, runID, by, stopped string) (*Record, error) {
	set := "SET cancelRequested = :t, cancelRequestedAt = :now"
	vals := item{":t": boolean(true), ":now": stamp(l.now()), ":running": str(StatusRunning)}
	if by != "" {
		set += ", cancelledBy = :by"
		vals[":by"] = str(by)
	}
	if stopped != "" {
		set += ", stopped = :stopped"
		vals[":stopped"] = str(stopped)
	}
	out, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                           aws.String(l.Table),
		Key:                                 runKey(runID),
		UpdateExpression:                    aws.String(set),
		ConditionExpression:                 aws.String("attribute_exists(pk) AND #status = :running"),
		ExpressionAttributeNames:            map[string]string{"#status": "status"},
		ExpressionAttributeValues:           vals,
		ReturnValues:                        ddbtypes.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if ccf, ok := conditionFailed(err); ok {
		if len(ccf.Item) == 0 {
			return nil, fmt.Errorf("run %s: %w", runID, ErrNotFound)
		}
		rec, derr := decodeRecord(ccf.Item, false)
		if derr != nil {
			return nil, derr
		}
		return rec, fmt.Errorf("run %s finished at %s with outcome %s: %w", runID, rec.FinishedAt.Format(timeFormat), rec.Outcome, ErrNotCancellable)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: cancel run %s: %w", runID, err)
	}
	return decodeRecord(out.Attributes, true)
}
