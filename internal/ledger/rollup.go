package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/landfall/landfall/internal/runstate"
)

// A backfill's runs gather in its request's audit record, so that the
// backfill tells its story once, in one roll-up, when the last run
// finishes:
//
//  1. ExpectRuns: before queueing, the launch function writes how many
//     runs the backfill has.
//  2. Contribute: each run, as it finishes, adds its outcome, its target
//     counts and its failures, once (the run's hash joins a set, and a run
//     already in it adds nothing), and gets the gathered state back.
//  3. The run that sees every run gathered claims the roll-up
//     (ClaimRollUp), publishes it and records its message ID
//     (RecordRollUp), with the same claim and lease as a run's summary.
//
// The run's own item is finished only after its contribution (and, for
// the last run, the roll-up), so a worker that dies in between leaves the
// message to be delivered again, and the redelivery completes the story.

// ErrNoRollUp says the run's request gathers no roll-up (it was queued
// before roll-ups, or by hand): the run tells its own story.
var ErrNoRollUp = errors.New("the run's request expects no roll-up")

// MaxFailures bounds the failure lines a roll-up keeps, so a backfill of
// the largest organization stays inside DynamoDB's 400 KB item; later
// failures are counted (DroppedFailures), not listed.
const MaxFailures = 500

// maxFailureError bounds the error a failure line keeps.
const maxFailureError = 300

// Failure is one not-OK target of a backfill's run. Action is a retirement
// candidate's (runstate.Target.Action), empty for the plan's placements.
type Failure struct {
	Account, AccountName, Run, Region, Product, Status, Error, Action string
}

// RollUp is what a backfill's request record has gathered.
type RollUp struct {
	RequestID, PayloadHash, RequestedBy string
	StartedAt                           time.Time
	// Expected is how many runs the backfill queued; Finished how many
	// have contributed.
	Expected, Finished int
	Outcomes           map[string]int
	Targets            map[string]int
	Failures           []Failure
	DroppedFailures    int
	// MessageID is the roll-up's SNS message ID once it is published.
	MessageID string
}

// Complete reports whether every run of the backfill has contributed.
func (r *RollUp) Complete() bool { return r.Expected > 0 && r.Finished >= r.Expected }

// ExpectRuns records that the invocation will queue n runs whose story is
// one roll-up, and prepares the record to gather them.
func (l *Ledger) ExpectRuns(ctx context.Context, requestID, hash string, n int) error {
	_, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(l.Table),
		Key:       requestKey(requestID, hash),
		UpdateExpression: aws.String("SET expectedRuns = :n, finishedRuns = if_not_exists(finishedRuns, :zero), " +
			"runOutcomes = if_not_exists(runOutcomes, :empty), targetCounts = if_not_exists(targetCounts, :empty), " +
			"failures = if_not_exists(failures, :none), droppedFailures = if_not_exists(droppedFailures, :zero)"),
		ExpressionAttributeValues: item{":n": num(int64(n)), ":zero": num(0), ":empty": &ddbtypes.AttributeValueMemberM{Value: item{}},
			":none": &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{}}},
	})
	if err != nil {
		return fmt.Errorf("ledger: record the %d runs of request %s: %w", n, requestID, err)
	}
	return nil
}

// Contribute adds a finished run to its backfill's roll-up, once, and
// returns what the roll-up has gathered.
func (l *Ledger) Contribute(ctx context.Context, run *runstate.Run) (*RollUp, error) {
	lines := failureLines(run)
	out, err := l.contribute(ctx, run, lines)
	if ccf, ok := conditionFailed(err); ok {
		switch {
		case len(ccf.Item) == 0 || getN(ccf.Item, "expectedRuns") == 0:
			return nil, fmt.Errorf("run %s, request %s: %w", run.ID, run.RequestID, ErrNoRollUp)
		case hasRun(ccf.Item, runHash(run.ID)):
			return decodeRollUp(ccf.Item), nil // contributed already
		}
		// The failure list is full: count these failures instead.
		out, err = l.contribute(ctx, run, nil, len(lines))
		if ccf, ok := conditionFailed(err); ok && hasRun(ccf.Item, runHash(run.ID)) {
			return decodeRollUp(ccf.Item), nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: add run %s to its backfill's roll-up: %w", run.ID, err)
	}
	return decodeRollUp(out.Attributes), nil
}

func (l *Ledger) contribute(ctx context.Context, run *runstate.Run, lines []ddbtypes.AttributeValue, dropped ...int) (*dynamodb.UpdateItemOutput, error) {
	names := map[string]string{"#o": run.Outcome()}
	vals := item{":one": num(1), ":zero": num(0), ":run": str(runHash(run.ID)),
		":runs": &ddbtypes.AttributeValueMemberSS{Value: []string{runHash(run.ID)}}}
	set := "SET finishedRuns = finishedRuns + :one, runOutcomes.#o = if_not_exists(runOutcomes.#o, :zero) + :one"
	i := 0
	for status, n := range run.Counts() {
		k := fmt.Sprintf("%d", i)
		names["#s"+k], vals[":n"+k] = string(status), num(int64(n))
		set += fmt.Sprintf(", targetCounts.#s%s = if_not_exists(targetCounts.#s%s, :zero) + :n%s", k, k, k)
		i++
	}
	cond := "attribute_exists(expectedRuns) AND NOT contains(rolledRuns, :run)"
	if len(lines) > 0 {
		set += ", failures = list_append(failures, :lines)"
		vals[":lines"] = &ddbtypes.AttributeValueMemberL{Value: lines}
		vals[":room"] = num(int64(MaxFailures - len(lines)))
		cond += " AND size(failures) <= :room"
	}
	if len(dropped) > 0 {
		set += ", droppedFailures = droppedFailures + :dropped"
		vals[":dropped"] = num(int64(dropped[0]))
	}
	return l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                           aws.String(l.Table),
		Key:                                 requestKey(run.RequestID, run.RequestHash),
		UpdateExpression:                    aws.String(set + " ADD rolledRuns :runs"),
		ConditionExpression:                 aws.String(cond),
		ExpressionAttributeNames:            names,
		ExpressionAttributeValues:           vals,
		ReturnValues:                        ddbtypes.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld,
	})
}

// runHash is a short name for a run in the roll-up's set of contributed
// runs: a thousand full run IDs would take a sixth of the item.
func runHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:8])
}

func hasRun(it item, h string) bool {
	ss, ok := it["rolledRuns"].(*ddbtypes.AttributeValueMemberSS)
	if !ok {
		return false
	}
	for _, v := range ss.Value {
		if v == h {
			return true
		}
	}
	return false
}

// failureLines are the run's not-OK targets as the roll-up keeps them.
func failureLines(run *runstate.Run) []ddbtypes.AttributeValue {
	var out []ddbtypes.AttributeValue
	for i := range run.Targets {
		t := &run.Targets[i]
		if t.Status.OK() {
			continue
		}
		m := item{"account": str(run.Account.ID), "run": str(run.ID), "region": str(t.Region), "product": str(t.Product), "status": str(string(t.Status))}
		if run.Account.Name != "" {
			m["accountName"] = str(run.Account.Name)
		}
		if t.Error != "" {
			m["error"] = str(clip(t.Error, maxFailureError))
		}
		if t.Action != "" {
			m["action"] = str(t.Action)
		}
		out = append(out, &ddbtypes.AttributeValueMemberM{Value: m})
	}
	return out
}

func decodeRollUp(it item) *RollUp {
	r := &RollUp{
		RequestID: getS(it, "requestId"), PayloadHash: getS(it, "payloadHash"), RequestedBy: getS(it, "requestedBy"),
		StartedAt: getTime(it, "createdAt"), Expected: int(getN(it, "expectedRuns")), Finished: int(getN(it, "finishedRuns")),
		Outcomes: getCounts(it, "runOutcomes"), Targets: getCounts(it, "targetCounts"),
		DroppedFailures: int(getN(it, "droppedFailures")), MessageID: getS(it, "rollupMessageId"),
	}
	if l, ok := it["failures"].(*ddbtypes.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if m, ok := v.(*ddbtypes.AttributeValueMemberM); ok {
				f := m.Value
				r.Failures = append(r.Failures, Failure{Account: getS(f, "account"), AccountName: getS(f, "accountName"), Run: getS(f, "run"),
					Region: getS(f, "region"), Product: getS(f, "product"), Status: getS(f, "status"), Error: getS(f, "error"), Action: getS(f, "action")})
			}
		}
	}
	return r
}

// ClaimRollUp takes the claim on a backfill's roll-up, as ClaimSummary
// does for a run's summary. ErrFinished says it is published already.
func (l *Ledger) ClaimRollUp(ctx context.Context, requestID, hash, token string, lease time.Duration) (*Claim, error) {
	now := l.now()
	_, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(l.Table),
		Key:              requestKey(requestID, hash),
		UpdateExpression: aws.String("SET rollupClaimToken = :token, rollupClaimExpires = :expires"),
		ConditionExpression: aws.String("attribute_exists(expectedRuns) AND attribute_not_exists(rollupMessageId) AND " +
			"(attribute_not_exists(rollupClaimExpires) OR rollupClaimExpires <= :now OR rollupClaimToken = :token)"),
		ExpressionAttributeValues:           item{":token": str(token), ":expires": epoch(now.Add(lease)), ":now": epoch(now)},
		ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if ccf, ok := conditionFailed(err); ok {
		if getS(ccf.Item, "rollupMessageId") != "" {
			return nil, fmt.Errorf("roll-up of request %s: %w", requestID, ErrFinished)
		}
		return nil, fmt.Errorf("roll-up of request %s: %w", requestID, ErrClaimed)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: claim the roll-up of request %s: %w", requestID, err)
	}
	return &Claim{RunID: requestID + "#" + hash, Token: token}, nil
}

// ReleaseRollUp drops a roll-up claim whose publish failed.
func (l *Ledger) ReleaseRollUp(ctx context.Context, requestID, hash string, c *Claim) error {
	_, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(l.Table),
		Key:                       requestKey(requestID, hash),
		UpdateExpression:          aws.String("REMOVE rollupClaimToken, rollupClaimExpires"),
		ConditionExpression:       aws.String("rollupClaimToken = :token"),
		ExpressionAttributeValues: item{":token": str(c.Token)},
	})
	if _, ok := conditionFailed(err); ok || err == nil {
		return nil
	}
	return fmt.Errorf("ledger: release the roll-up claim of request %s: %w", requestID, err)
}

// RecordRollUp records the published roll-up's SNS message ID under claim c.
func (l *Ledger) RecordRollUp(ctx context.Context, requestID, hash string, c *Claim, messageID string) error {
	_, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(l.Table),
		Key:                       requestKey(requestID, hash),
		UpdateExpression:          aws.String("SET rollupMessageId = :mid, rollupAt = :now REMOVE rollupClaimToken, rollupClaimExpires"),
		ConditionExpression:       aws.String("rollupClaimToken = :token OR rollupMessageId = :mid"),
		ExpressionAttributeValues: item{":mid": str(messageID), ":now": stamp(l.now()), ":token": str(c.Token)},
	})
	if _, ok := conditionFailed(err); ok {
		return fmt.Errorf("roll-up of request %s: %w", requestID, ErrClaimLost)
	}
	if err != nil {
		return fmt.Errorf("ledger: record the roll-up of request %s: %w", requestID, err)
	}
	return nil
}

// RollsUp reports whether run belongs to a backfill request's roll-up.
func RollsUp(run *runstate.Run) bool {
	return run.Trigger == runstate.TriggerBackfill && run.RequestID != "" && run.RequestHash != ""
}
