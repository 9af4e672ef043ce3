package org

import (
	"fmt"
	"slices"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// StatusPendingClosure is an account's status (and state) from CloseAccount
// until AWS suspends it: no longer ACTIVE, so Landfall must not act in it.
const StatusPendingClosure = "PENDING_CLOSURE"

// Change is an Organizations call that changed an account, kept as
// CloudTrail records it, so that a local run can deliver it to the launch
// function as EventBridge delivers CloudTrail's record in us-east-1.
type Change struct {
	// EventID is CloudTrail's eventID: unique per call.
	EventID string
	// EventName is MoveAccount, CloseAccount or RemoveAccountFromOrganization.
	EventName string
	// AccountID is requestParameters.accountId.
	AccountID string
	// SourceParentID and DestinationParentID are MoveAccount's parameters.
	SourceParentID, DestinationParentID string
	// Caller is the ARN of the principal that made the call.
	Caller string
	// At is when the call was made, on the emulator's clock.
	At time.Time
}

// Changes returns the account changes made so far, oldest first.
func (o *Organization) Changes() []Change {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return slices.Clone(o.changes)
}

// MoveAccount moves account from source to dest, as Organizations'
// MoveAccount does, with its refusals.
func (o *Organization) MoveAccount(caller, account, source, dest string, now time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	a, ok := o.accounts[account]
	switch {
	case !ok:
		return accountNotFound()
	case !o.isParentLocked(source):
		return &wire.Error{Code: "SourceParentNotFoundException", Message: "We can't find a source root or OU with the ParentId that you specified."}
	case !o.isParentLocked(dest):
		return &wire.Error{Code: "DestinationParentNotFoundException", Message: "We can't find the destination container (a root or OU) with the ParentId that you specified."}
	case a.Parent != source:
		return accountNotFound() // AWS looks the account up under the source parent
	case a.Parent == dest:
		return &wire.Error{Code: "DuplicateAccountException", Message: "That account is already present in the specified destination."}
	}
	return o.change(now, Change{EventName: "MoveAccount", AccountID: account, SourceParentID: source, DestinationParentID: dest, Caller: caller},
		func(s *AccountSpec) { s.Parent = dest })
}

// CloseAccount starts closing a member account: it is PENDING_CLOSURE at
// once, as Organizations reports it while closure runs in the background.
func (o *Organization) CloseAccount(caller, account string, now time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	a, ok := o.accounts[account]
	switch {
	case !ok:
		return accountNotFound()
	case account == o.mgmt:
		return constraintViolation("CANNOT_CLOSE_MANAGEMENT_ACCOUNT", "You can't close the management account with this operation.")
	case a.Status == StatusPendingClosure || a.Status == StatusSuspended:
		return &wire.Error{Code: "AccountAlreadyClosedException", Message: "You attempted to close an account that is already closed."}
	}
	return o.change(now, Change{EventName: "CloseAccount", AccountID: account, Caller: caller},
		func(s *AccountSpec) { s.Status = StatusPendingClosure })
}

// RemoveAccount removes a member account from the organization: it becomes
// a standalone account Organizations no longer knows.
func (o *Organization) RemoveAccount(caller, account string, now time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch _, ok := o.accounts[account]; {
	case !ok:
		return accountNotFound()
	case account == o.mgmt:
		return &wire.Error{Code: "MasterCannotLeaveOrganizationException", Message: "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization."}
	}
	return o.change(now, Change{EventName: "RemoveAccountFromOrganization", AccountID: account, Caller: caller}, nil)
}

// change applies edit to account's spec (nil removes the account), reloads
// the model and records the change. The caller holds the write lock.
func (o *Organization) change(now time.Time, c Change, edit func(*AccountSpec)) error {
	spec := cloneSpec(o.spec)
	i := slices.IndexFunc(spec.Accounts, func(a AccountSpec) bool { return a.ID == c.AccountID })
	if edit == nil {
		spec.Accounts = slices.Delete(spec.Accounts, i, i+1)
	} else {
		edit(&spec.Accounts[i])
	}
	if err := o.load(spec, now); err != nil {
		return fmt.Errorf("%s %s: %w", c.EventName, c.AccountID, err)
	}
	c.At = now.UTC()
	c.EventID = fmt.Sprintf("0a9c1e00-%04d-4000-8000-%s", len(o.changes)%10000, c.AccountID)
	o.changes = append(o.changes, c)
	return nil
}

func (o *Organization) isParentLocked(id string) bool {
	if id == o.root {
		return true
	}
	_, ok := o.ous[id]
	return ok
}

func accountNotFound() *wire.Error {
	return &wire.Error{Code: "AccountNotFoundException", Message: "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization."}
}

func constraintViolation(reason, message string) *wire.Error {
	return &wire.Error{Code: "ConstraintViolationException", Message: message, Fields: map[string]any{"Reason": reason}}
}
