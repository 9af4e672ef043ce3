package gameday

import (
	"context"
	"fmt"

	"github.com/landfall/landfall/internal/localrun"
)

// OUs of the default world the Organizations steps move accounts between.
const (
	customOU  = "ou-ab12-l3zc8b3h"
	sandboxOU = "ou-ab12-s4ndb0x1"
)

// platformAdmin is who makes the game day's Organizations calls.
const platformAdmin = "arn:aws:iam::111111111111:user/platform"

// MoveAccount moves account from one OU to another, as an administrator
// would, and delivers CloudTrail's record of it as EventBridge does.
func MoveAccount(account, from, to string) Step {
	return Step{
		what: fmt.Sprintf("Organizations moves %s from %s to %s", account, from, to),
		do: func(ctx context.Context, p *play) error {
			o := p.env.Cloud.Org()
			if err := o.MoveAccount(platformAdmin, account, from, to, p.env.Cloud.Clock().Now()); err != nil {
				return fmt.Errorf("move %s: %w", account, err)
			}
			return p.deliverChange(ctx, true)
		},
	}
}

// CloseAccount closes account, as an administrator would, and delivers
// CloudTrail's record of it as EventBridge does.
func CloseAccount(account string) Step {
	return Step{
		what: "Organizations closes " + account,
		do: func(ctx context.Context, p *play) error {
			if err := p.env.Cloud.Org().CloseAccount(platformAdmin, account, p.env.Cloud.Clock().Now()); err != nil {
				return fmt.Errorf("close %s: %w", account, err)
			}
			return p.deliverChange(ctx, false)
		},
	}
}

// deliverChange delivers the event of the organization's latest change;
// runs says whether it is meant to start a run, which the game day then
// expects to finish.
func (p *play) deliverChange(ctx context.Context, runs bool) error {
	changes := p.env.Cloud.Org().Changes()
	ch := changes[len(changes)-1]
	body, err := localrun.OrganizationsEvent(ch, p.world.Organization.ManagementAccount)
	if err != nil {
		return err
	}
	if runs {
		p.delivered("org-"+ch.EventID+"-"+ch.AccountID, ch.AccountID)
	}
	p.env.InvokeLaunchAsync(ctx, localrun.Payload{Name: ch.EventName, Body: body})
	return nil
}
