package leastprivilege

import (
	"context"
	"fmt"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localrun"
)

// The paths of Organizations' events: an account moved into another OU
// (the launch function asks Organizations about it at once, then runs it
// against its new place), and an account closed while its run is in
// progress (the launch function lists the account's runs on the ledger's
// index and stops them; the worker cancels what is left).

// The accounts the Organizations paths change.
const (
	movedAccount  = "777777777777"
	closedAccount = "121212121212"
	sandboxOU     = "ou-ab12-s4ndb0x1"
	prodOU        = "ou-ab12-pr0dw0rk"
	platformAdmin = "arn:aws:iam::111111111111:user/platform"
)

// orgEvent delivers the event of the organization's latest change, as
// EventBridge does, and expects the launch function to answer want.
func orgEvent(ctx context.Context, d *Deployed, want string) error {
	changes := d.Cloud.Org().Changes()
	if len(changes) == 0 {
		return fmt.Errorf("no Organizations change to deliver")
	}
	ch := changes[len(changes)-1]
	body, err := localrun.OrganizationsEvent(ch, d.Cloud.Org().ManagementAccount())
	if err != nil {
		return err
	}
	return expectOutcome(d.Env.InvokeLaunchAsync(ctx, localrun.Payload{Name: ch.EventName, Body: body}), want)
}

// runAccountMoved moves an account the paths before have not provisioned
// into the Prod OU and expects its run's summary to say it succeeded.
func runAccountMoved(ctx context.Context, d *Deployed) error {
	if err := d.Cloud.Org().MoveAccount(platformAdmin, movedAccount, sandboxOU, prodOU, d.Cloud.Clock().Now()); err != nil {
		return err
	}
	if err := orgEvent(ctx, d, launch.OutcomeQueued); err != nil {
		return err
	}
	return drainAndExpect(ctx, d, 1)
}

// runAccountClosed starts a new account's run, closes the account after
// the run's first step, and expects the CloseAccount event to stop the run
// and its one summary to say CANCELLED.
func runAccountClosed(ctx context.Context, d *Deployed) error {
	if err := d.AddAccount(org.AccountSpec{ID: closedAccount, Name: "LifeCycle12", Email: "lifecycle12@example.com", Parent: customOU}); err != nil {
		return err
	}
	if err := expectOutcome(d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "account to close", Body: sampleEventFor(closedAccount, "LifeCycle12")}), launch.OutcomeQueued); err != nil {
		return err
	}
	if _, err := d.Env.DeliverNext(ctx); err != nil {
		return fmt.Errorf("first worker step: %w", err)
	}
	if err := d.Cloud.Org().CloseAccount(platformAdmin, closedAccount, d.Cloud.Clock().Now()); err != nil {
		return err
	}
	if err := orgEvent(ctx, d, launch.OutcomeStopped); err != nil {
		return err
	}
	before, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	if err := drainAndCount(ctx, d, 1); err != nil {
		return err
	}
	after, err := d.Env.Notifications()
	if err != nil {
		return err
	}
	if got := after[len(before)].Document.Outcome; got != "CANCELLED" {
		return fmt.Errorf("the closed account's run finished %s, want CANCELLED", got)
	}
	return nil
}
