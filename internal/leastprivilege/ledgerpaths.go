package leastprivilege

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/localrun"
)

// The paths of the run ledger that the others do not take: an operator
// lists and reads runs (the launch function's Query on the indexes and
// GetItem), cancels one (its conditional UpdateItem), and the worker meets
// a run whose ledger item is gone, as after TTL removed it while its
// message waited (its PutItem, Adopt).

// ledgerAccount is the account the ledger paths run: the sample event's,
// which has its products by then.
const ledgerAccount = "222222222222"

// runRunsListed lists the last week's runs, which the paths before it
// made, and reads the newest with its targets.
func runRunsListed(ctx context.Context, d *Deployed) error {
	list := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "runs", Body: []byte(`{"runs": {"since": "7d"}}`)})
	if err := expectOutcome(list, launch.OutcomeRuns); err != nil {
		return err
	}
	if len(list.Response.Runs) == 0 {
		return fmt.Errorf("runs: the ledger lists no run after the paths before it: %s", list.Response.Message)
	}
	id := list.Response.Runs[0].RunID
	rec, err := showRun(ctx, d, id)
	if err != nil {
		return err
	}
	if rec.Run == nil || len(rec.Run.Targets) == 0 {
		return fmt.Errorf("run %s: shown without its targets", id)
	}
	return nil
}

// runCancelled queues a run, cancels it before the worker takes it, and
// expects its one summary and the ledger to say it finished cancelled.
func runCancelled(ctx context.Context, d *Deployed) error {
	id, err := queueOneRun(ctx, d, "run to cancel")
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"cancel": id, "requestedBy": "least-privilege proof"})
	if err := expectOutcome(d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "cancel", Body: body}), launch.OutcomeCancelRequested); err != nil {
		return err
	}
	if err := drainAndCount(ctx, d, 1); err != nil {
		return err
	}
	rec, err := showRun(ctx, d, id)
	if err != nil {
		return err
	}
	if !rec.Finished() || !rec.CancelRequested {
		return fmt.Errorf("cancelled run %s: ledger status %s, cancel requested %v; want FINISHED and true", id, rec.Status, rec.CancelRequested)
	}
	return nil
}

// runLedgerLost queues a run, deletes its ledger item as the account's
// administrator (as DynamoDB's TTL would), and expects the worker to record
// the run anew from its message and finish it.
func runLedgerLost(ctx context.Context, d *Deployed) error {
	id, err := queueOneRun(ctx, d, "run the ledger loses")
	if err != nil {
		return err
	}
	admin := dynamodb.NewFromConfig(d.Cloud.Config(d.Env.AWS.Region, nil))
	// The run's key, as internal/ledger's doc comment lays the table out.
	_, err = admin.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(d.Env.Config.LedgerTable),
		Key: map[string]ddbtypes.AttributeValue{
			ledger.AttrPK: &ddbtypes.AttributeValueMemberS{Value: "RUN#" + id},
			ledger.AttrSK: &ddbtypes.AttributeValueMemberS{Value: "RUN"},
		},
		ConditionExpression: aws.String("attribute_exists(" + ledger.AttrPK + ")"),
	})
	if err != nil {
		return fmt.Errorf("delete run %s from the ledger as the administrator: %w", id, err)
	}
	if err := drainAndExpect(ctx, d, 1); err != nil {
		return err
	}
	rec, err := showRun(ctx, d, id)
	if err != nil {
		return err
	}
	if !rec.Finished() {
		return fmt.Errorf("run %s, adopted by the worker: ledger status %s, want FINISHED", id, rec.Status)
	}
	return nil
}

// queueOneRun asks for a run of ledgerAccount and returns its ID.
func queueOneRun(ctx context.Context, d *Deployed, name string) (string, error) {
	inv := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: name, Body: []byte(`{"accounts": ["` + ledgerAccount + `"]}`)})
	if err := expectOutcome(inv, launch.OutcomeQueued); err != nil {
		return "", err
	}
	if len(inv.Response.Queued) != 1 {
		return "", fmt.Errorf("%s: %d runs queued, want 1", name, len(inv.Response.Queued))
	}
	return inv.Response.Queued[0].RunID, nil
}

// showRun asks the launch function for one run ({"run": ID}).
func showRun(ctx context.Context, d *Deployed, id string) (*ledger.Record, error) {
	body, _ := json.Marshal(map[string]string{"run": id})
	inv := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "run " + id, Body: body})
	if err := expectOutcome(inv, launch.OutcomeRun); err != nil {
		return nil, err
	}
	if inv.Response.Run == nil || inv.Response.Run.RunID != id {
		return nil, fmt.Errorf("run %s: answered %+v", id, inv.Response.Run)
	}
	return inv.Response.Run, nil
}

// drainAndCount runs the worker until the queue is empty and expects runs
// new summaries, whatever their outcome.
func drainAndCount(ctx context.Context, d *Deployed, runs int) error {
	before, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	if err := d.Env.Drain(ctx); err != nil {
		return fmt.Errorf("drain the work queue: %w", err)
	}
	after, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	if n := len(after) - len(before); n != runs {
		return fmt.Errorf("%d summaries published, want %d (one per run)", n, runs)
	}
	return nil
}
