package leastprivilege

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/localaws/deploy"
	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/runstate"
	"github.com/landfall/landfall/internal/status"
)

// Path is one way Landfall is used, run end to end.
type Path struct {
	Name string
	Run  func(ctx context.Context, d *Deployed) error
}

// Paths are every way a deployment is driven, in the order an installation
// meets them: a new account's event, an operator's backfill (and one of a
// plan selecting by account tag, tagpaths.go), a dry run, a
// fleet status query, the run ledger's listings, a cancellation and a run
// the ledger has lost (ledgerpaths.go), an account moved and one closed
// mid-run (orgpaths.go), and an event the launch function fails on, which
// Lambda parks in the failure queue.
var Paths = []Path{
	{"event", runEvent},
	{"account joined since the worker listed", runNewAccount},
	{"account creation failed", runAccountFailed},
	{"account moved", runAccountMoved},
	{"backfill", runBackfill},
	{"backfill selecting by tag", runTagBackfill},
	{"dry run", runDryRun},
	{"status", runStatus},
	{"runs listed and shown", runRunsListed},
	{"run cancelled", runCancelled},
	{"run the ledger lost", runLedgerLost},
	{"account closed mid-run", runAccountClosed},
	{"failed event", runFailedEvent},
}

// outcomeSucceeded is a run summary's outcome when every target succeeded.
const outcomeSucceeded = "SUCCEEDED"

const sampleEvent = "create-managed-account-succeeded.json"

// runEvent delivers a CreateManagedAccount event as EventBridge does and
// expects the run's summary to say it succeeded.
func runEvent(ctx context.Context, d *Deployed) error {
	inv := d.Env.InvokeLaunchAsync(ctx, localrun.Payload{Name: sampleEvent, Body: samples.Event(sampleEvent)})
	if err := expectOutcome(inv, launch.OutcomeQueued); err != nil {
		return err
	}
	return drainAndExpect(ctx, d, 1)
}

// runBackfill queues a run for every account in scope and expects the
// backfill's one roll-up to say it succeeded (the event's account already
// has its products): the worker gathers the runs and publishes it.
func runBackfill(ctx context.Context, d *Deployed) error {
	inv := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "backfill", Body: []byte(`{"all": true}`)})
	if err := expectOutcome(inv, launch.OutcomeQueued); err != nil {
		return err
	}
	// One roll-up tells the whole backfill (plan notifications.backfills).
	return drainAndExpect(ctx, d, 1)
}

// runNewAccount lets an account join after the worker listed the
// organization's accounts, and expects its run to succeed: the worker looks
// it up rather than refusing it.
func runNewAccount(ctx context.Context, d *Deployed) error {
	before, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	// Another event for the event path's account (the ledger answers a
	// replay of the same event as a duplicate, queuing nothing).
	again := strings.ReplaceAll(string(samples.Event(sampleEvent)), "0000000-0000-0000-1111-123456789012", "0000000-0000-0000-1111-888888888888")
	first := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "another " + sampleEvent, Body: []byte(again)})
	if err := expectOutcome(first, launch.OutcomeQueued); err != nil {
		return err
	}
	if _, err := d.Env.DeliverNext(ctx); err != nil {
		return fmt.Errorf("first worker step: %w", err)
	}
	if err := d.AddAccount(org.AccountSpec{ID: newAccount, Name: "LifeCycle9", Email: "lifecycle9@example.com", Parent: customOU}); err != nil {
		return err
	}
	if err := expectOutcome(d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "new account", Body: sampleEventFor(newAccount, "LifeCycle9")}), launch.OutcomeQueued); err != nil {
		return err
	}
	// The first event's run changed nothing, so only the new account's run
	// sends a summary (the plan's notifications.unchangedEventRuns).
	return drainAndExpectSince(ctx, d, len(before), 1)
}

// sampleEventFor is the sample event for another account, named name, with
// an event ID of its own (ending in the account's ID).
func sampleEventFor(account, name string) []byte {
	return []byte(strings.NewReplacer(`"222222222222"`, `"`+account+`"`, `"LifeCycle1"`, `"`+name+`"`, "0000000-0000-0000-1111-123456789012", "0000000-0000-0000-1111-"+account).
		Replace(string(samples.Event(sampleEvent))))
}

// The account runNewAccount adds, in the sample event's OU.
const (
	newAccount = "999999999999"
	customOU   = "ou-ab12-l3zc8b3h"
)

// runAccountFailed delivers Control Tower's report of an account it failed
// to create; the launch function tells people itself.
func runAccountFailed(ctx context.Context, d *Deployed) error {
	const name = "create-managed-account-failed.json"
	before, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	if err := expectOutcome(d.Env.InvokeLaunch(ctx, localrun.Payload{Name: name, Body: samples.Event(name)}), launch.OutcomeAccountFailed); err != nil {
		return err
	}
	after, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	if len(after) != len(before)+1 {
		return fmt.Errorf("%d notifications for a failed account creation, want 1", len(after)-len(before))
	}
	return nil
}

// runDryRun expects every planned target to be resolved: a target the dry
// run could not look at (a role it could not assume, a catalog it could not
// read) carries an error.
func runDryRun(ctx context.Context, d *Deployed) error {
	inv := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "dry run", Body: []byte(`{"all": true, "dryRun": true}`)})
	if err := expectOutcome(inv, launch.OutcomeDryRun); err != nil {
		return err
	}
	for _, r := range inv.Response.DryRun {
		for _, t := range r.Targets {
			if t.Error != "" || t.Status == runstate.Failed || t.Status == runstate.Skipped {
				return fmt.Errorf("dry run of %s %s %s: %s %s", r.Account.ID, t.Region, t.Product, t.Status, t.Error)
			}
		}
	}
	return nil
}

// runStatus expects fleet status to reach every account and read every target.
func runStatus(ctx context.Context, d *Deployed) error {
	rep, err := statusReport(ctx, d)
	if err != nil {
		return err
	}
	if rep.UnreachableAccounts > 0 {
		return fmt.Errorf("status could not reach %d accounts", rep.UnreachableAccounts)
	}
	for _, row := range rep.Rows {
		if row.Error != "" {
			return fmt.Errorf("status of %s %s %s: %s", row.Account, row.Region, row.Product, row.Error)
		}
	}
	return nil
}

// statusReport asks the launch function for fleet status over the whole
// organization.
func statusReport(ctx context.Context, d *Deployed) (*status.Report, error) {
	inv := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "status", Body: []byte(`{"status": {"all": true}}`)})
	if err := expectOutcome(inv, launch.OutcomeStatus); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(inv.Response.Status)
	if err != nil {
		return nil, err
	}
	var rep status.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return nil, fmt.Errorf("decode the status report: %w", err)
	}
	return &rep, nil
}

// runFailedEvent makes every Organizations call fail, so the launch
// function fails on an event through Lambda's retries, and expects the
// event in the on-failure queue, delivered as the launch role.
func runFailedEvent(ctx context.Context, d *Deployed) error {
	rules := d.Cloud.Faults()
	if err := rules.Set(faults.Spec{{Service: "organizations", ErrorRate: 1, Error: "ServiceUnavailable"}}); err != nil {
		return err
	}
	defer func() { _ = rules.Set(nil) }()
	inv := d.Env.InvokeLaunchAsync(ctx, localrun.Payload{Name: "failing " + sampleEvent, Body: samples.Event(sampleEvent)})
	if inv.Error == "" {
		return fmt.Errorf("the launch function did not fail with Organizations down: %+v", inv.Response)
	}
	i := slices.IndexFunc(d.Deployment.Queues, func(q deploy.Queue) bool { return q.ARN == d.launchOnFailure })
	if i < 0 {
		return fmt.Errorf("the launch function's on-failure destination %q is not a queue of the stack", d.launchOnFailure)
	}
	admin := sqs.NewFromConfig(d.Cloud.Config(d.Env.AWS.Region, nil))
	out, err := admin.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(d.Deployment.Queues[i].URL), AttributeNames: []sqstypes.QueueAttributeName{"ApproximateNumberOfMessages"},
	})
	if err != nil {
		return fmt.Errorf("read the on-failure queue: %w", err)
	}
	if n := out.Attributes["ApproximateNumberOfMessages"]; n != "1" {
		return fmt.Errorf("the on-failure queue holds %s messages, want the failed event: %s", n, inv.Error)
	}
	return nil
}

func expectOutcome(inv localrun.Invocation, want string) error {
	if inv.Error != "" {
		return fmt.Errorf("%s: launch failed: %s", inv.Name, inv.Error)
	}
	if inv.Response.Outcome != want {
		return fmt.Errorf("%s: launch answered %s (%s %s), want %s", inv.Name, inv.Response.Outcome, inv.Response.Message, inv.Response.Error, want)
	}
	return nil
}

// drainAndExpect runs the worker until the queue is empty and expects runs
// new summaries, each SUCCEEDED.
func drainAndExpect(ctx context.Context, d *Deployed, runs int) error {
	before, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	return drainAndExpectSince(ctx, d, len(before), runs)
}

// drainAndExpectSince is drainAndExpect counting the summaries published
// after the first before.
func drainAndExpectSince(ctx context.Context, d *Deployed, before, runs int) error {
	if err := d.Env.Drain(ctx); err != nil {
		return fmt.Errorf("drain the work queue: %w", err)
	}
	all, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	got := all[before:]
	if len(got) != runs {
		return fmt.Errorf("%d summaries published, want %d (one per run)", len(got), runs)
	}
	for _, n := range got {
		if n.Document.Outcome != outcomeSucceeded {
			return fmt.Errorf("run summary %q: outcome %s", n.Subject, n.Document.Outcome)
		}
	}
	return nil
}
