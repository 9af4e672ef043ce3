package org_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/org"
)

// The account-changing calls move, close and remove accounts with
// Organizations' refusals, and each success is recorded as CloudTrail
// records it, for delivery as an EventBridge event.
func TestAccountChanges(t *testing.T) {
	o := newOrg(t, loadSpec(t))
	c := client(t, o, "111111111111")
	ctx := t.Context()
	const (
		lifeCycle1 = "222222222222"
		custom     = "ou-ab12-l3zc8b3h"
		sandbox    = "ou-ab12-s4ndb0x1"
	)
	wantCode := func(t *testing.T, err error, code string) {
		t.Helper()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != code {
			t.Errorf("err = %v, want %s", err, code)
		}
	}

	refusals := []struct {
		name string
		call func() error
		code string
	}{
		{"move from a parent it is not in", func() error {
			_, err := c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(lifeCycle1), SourceParentId: aws.String(sandbox), DestinationParentId: aws.String(custom)})
			return err
		}, "AccountNotFoundException"},
		{"move to where it is", func() error {
			_, err := c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(lifeCycle1), SourceParentId: aws.String(custom), DestinationParentId: aws.String(custom)})
			return err
		}, "DuplicateAccountException"},
		{"move to an unknown OU", func() error {
			_, err := c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(lifeCycle1), SourceParentId: aws.String(custom), DestinationParentId: aws.String("ou-ab12-n0tth3r3")})
			return err
		}, "DestinationParentNotFoundException"},
		{"close the management account", func() error {
			_, err := c.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String("111111111111")})
			return err
		}, "ConstraintViolationException"},
		{"remove the management account", func() error {
			_, err := c.RemoveAccountFromOrganization(ctx, &organizations.RemoveAccountFromOrganizationInput{AccountId: aws.String("111111111111")})
			return err
		}, "MasterCannotLeaveOrganizationException"},
		{"close an unknown account", func() error {
			_, err := c.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String("999999999999")})
			return err
		}, "AccountNotFoundException"},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) { wantCode(t, r.call(), r.code) })
	}
	if n := len(o.Changes()); n != 0 {
		t.Fatalf("refused calls recorded %d changes", n)
	}

	if _, err := c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(lifeCycle1), SourceParentId: aws.String(custom), DestinationParentId: aws.String(sandbox)}); err != nil {
		t.Fatalf("MoveAccount: %v", err)
	}
	if p, _ := o.Parent(lifeCycle1); p != sandbox {
		t.Errorf("after the move the parent is %s, want %s", p, sandbox)
	}
	if _, err := c.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String(lifeCycle1)}); err != nil {
		t.Fatalf("CloseAccount: %v", err)
	}
	d, err := c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(lifeCycle1)})
	if err != nil || d.Account.State != orgtypes.AccountStatePendingClosure {
		t.Errorf("after CloseAccount DescribeAccount = %+v, %v; want PENDING_CLOSURE", d, err)
	}
	_, err = c.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String(lifeCycle1)})
	wantCode(t, err, "AccountAlreadyClosedException")

	if _, err := c.RemoveAccountFromOrganization(ctx, &organizations.RemoveAccountFromOrganizationInput{AccountId: aws.String("333333333333")}); err != nil {
		t.Fatalf("RemoveAccountFromOrganization: %v", err)
	}
	if o.Contains("333333333333") {
		t.Error("a removed account is still in the organization")
	}
	_, err = c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("333333333333")})
	wantCode(t, err, "AccountNotFoundException")

	changes := o.Changes()
	want := []org.Change{
		{EventName: "MoveAccount", AccountID: lifeCycle1, SourceParentID: custom, DestinationParentID: sandbox},
		{EventName: "CloseAccount", AccountID: lifeCycle1},
		{EventName: "RemoveAccountFromOrganization", AccountID: "333333333333"},
	}
	if len(changes) != len(want) {
		t.Fatalf("changes = %+v, want %d", changes, len(want))
	}
	ids := map[string]bool{}
	for i, ch := range changes {
		w := want[i]
		if ch.EventName != w.EventName || ch.AccountID != w.AccountID || ch.SourceParentID != w.SourceParentID || ch.DestinationParentID != w.DestinationParentID ||
			ch.Caller != "arn:aws:iam::111111111111:user/admin" || ch.At.IsZero() || ch.EventID == "" || ids[ch.EventID] {
			t.Errorf("change %d = %+v, want %+v by the caller, timed, with a unique event ID", i, ch, w)
		}
		ids[ch.EventID] = true
	}
}

// Only the management account may change accounts.
func TestAccountChangesManagementOnly(t *testing.T) {
	o := newOrg(t, loadSpec(t))
	c := client(t, o, "222222222222")
	_, err := c.CloseAccount(t.Context(), &organizations.CloseAccountInput{AccountId: aws.String("333333333333")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("a member closing an account: %v, want AccessDeniedException", err)
	}
}
