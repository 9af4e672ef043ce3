// Package membership decides whether Landfall may act in an account: the
// account must be a member of this organization, ACTIVE, and not the
// management account unless the plan includes it. Landfall holds
// administrator rights in every member account, so the event path, the
// manual path and the worker (before it assumes any role: a queued message
// may be stale or injected) all ask here, and refuse rather than guess.
package membership

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// API is the part of Organizations membership reads.
// *organizations.Client satisfies it.
type API interface {
	ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
	DescribeAccount(context.Context, *organizations.DescribeAccountInput, ...func(*organizations.Options)) (*organizations.DescribeAccountOutput, error)
}

var _ API = (*organizations.Client)(nil)

// Refusal says why Landfall will not act in an account. It is a decision,
// not a failure: callers report it once and assume no role.
type Refusal struct {
	Account string
	Reason  string
	// Inactive says the account is gone from Landfall's reach: no longer in
	// the organization, or not ACTIVE (closing, closed, suspended). A run in
	// progress for it stops, its remaining targets cancelled, rather than
	// failing: nothing went wrong, the account left.
	Inactive bool
}

func (r *Refusal) Error() string { return "account " + r.Account + ": " + r.Reason }

// Rule is the one rule, for callers that already know an account's state
// (a backfill lists OUs and gets it with every account). state is
// Organizations' account state (or its older status); management says the
// account is the organization's management account.
func Rule(account, state string, management, includeManagement bool) *Refusal {
	switch {
	case management && !includeManagement:
		return &Refusal{Account: account, Reason: "it is the organization's management account, which the plan leaves out (set includeManagementAccount: true in the plan to include it)"}
	case state != "" && state != string(orgtypes.AccountStateActive):
		return &Refusal{Account: account, Reason: "its state in Organizations is " + state + ", not ACTIVE: Landfall acts only in active accounts", Inactive: true}
	}
	return nil
}

// DefaultMaxAge is how long a listing of the organization is trusted. A
// run's steps come minutes apart; an account suspended since the listing is
// caught by the next listing, and its role would refuse to be assumed anyway.
const DefaultMaxAge = 5 * time.Minute

// Checker answers Check from one listing of the organization's accounts,
// refreshed when older than MaxAge, so a worker stepping through a thousand
// runs lists the organization a few times instead of describing every
// account on every step. It is safe for concurrent use.
type Checker struct {
	API API
	// ManagementAccount is the organization's management account; empty
	// means the account of the invoked Lambda function, which Landfall's
	// functions are deployed in.
	ManagementAccount string
	// IncludeManagement is the plan's includeManagementAccount.
	IncludeManagement bool
	// MaxAge bounds how old a listing may be (default DefaultMaxAge).
	MaxAge time.Duration
	// Now tells the time (default time.Now).
	Now func() time.Time

	mu     sync.Mutex
	states map[string]string // account ID -> state
	listed time.Time
}

// Check returns nil when Landfall may act in account, a *Refusal when it may
// not, and another error when Organizations cannot tell.
func (c *Checker) Check(ctx context.Context, account string) error {
	mgmt := ManagementAccount(ctx, c.ManagementAccount)
	if mgmt == "" {
		// Without it the management account could pass as a member: refuse
		// to decide rather than guess.
		return errors.New("membership: the management account is not known")
	}
	state, known, err := c.state(ctx, account)
	if err != nil {
		return err
	}
	return c.decide(account, mgmt, state, known)
}

// decide applies Rule to what Organizations said about account.
func (c *Checker) decide(account, mgmt, state string, known bool) error {
	if !known {
		return &Refusal{Account: account, Reason: "it is not an account of this organization", Inactive: true}
	}
	if r := Rule(account, state, account == mgmt, c.IncludeManagement); r != nil {
		return r
	}
	return nil
}

// state looks account up in the listing, and asks Organizations directly for
// an account the listing does not have (it may have joined since).
func (c *Checker) state(ctx context.Context, account string) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.states == nil || c.now().Sub(c.listed) > c.maxAge() {
		if err := c.list(ctx); err != nil {
			return "", false, err
		}
	}
	if s, ok := c.states[account]; ok {
		return s, true, nil
	}
	return c.describe(ctx, account)
}

// CheckNow is Check asking Organizations about account at once, past the
// listing: an event saying the account changed (closed, removed) is checked
// against Organizations as it is now, never a listing from before.
func (c *Checker) CheckNow(ctx context.Context, account string) error {
	mgmt := ManagementAccount(ctx, c.ManagementAccount)
	if mgmt == "" {
		return errors.New("membership: the management account is not known")
	}
	c.mu.Lock()
	if c.states == nil {
		c.states = map[string]string{}
	}
	state, known, err := c.describe(ctx, account)
	c.mu.Unlock()
	if err != nil {
		return err
	}
	return c.decide(account, mgmt, state, known)
}

// describe asks Organizations for account's state and keeps the answer in
// the listing; an account Organizations does not know is forgotten. The
// caller holds c.mu.
func (c *Checker) describe(ctx context.Context, account string) (string, bool, error) {
	out, err := c.API.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(account)})
	var nf *orgtypes.AccountNotFoundException
	switch {
	case errors.As(err, &nf):
		delete(c.states, account)
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("describe account %s: %w", account, err)
	}
	s := accountState(out.Account)
	c.states[account] = s
	return s, true, nil
}

func (c *Checker) list(ctx context.Context) error {
	states := map[string]string{}
	p := organizations.NewListAccountsPaginator(c.API, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the organization's accounts: %w", err)
		}
		for i := range page.Accounts {
			states[aws.ToString(page.Accounts[i].Id)] = accountState(&page.Accounts[i])
		}
	}
	c.states, c.listed = states, c.now()
	return nil
}

// accountState prefers State, which replaces the deprecated Status.
func accountState(a *orgtypes.Account) string {
	if a == nil {
		return ""
	}
	if a.State != "" {
		return string(a.State)
	}
	return string(a.Status)
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Checker) maxAge() time.Duration {
	if c.MaxAge > 0 {
		return c.MaxAge
	}
	return DefaultMaxAge
}
