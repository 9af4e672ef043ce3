// Package org models the AWS organization of the local AWS emulator (root,
// OUs, accounts with their roles, join times and disabled regions, the
// Control Tower home and governed regions) and serves the read side of the
// AWS Organizations API over it (awsJson1_1).
//
// The model is what the other emulated services consult: STS asks whether a
// role exists in an account and when the account joined, Service Catalog
// whether an account belongs to the organization a portfolio is shared with,
// IAM (package authz) for a role's trust and identity policies (Role).
package org

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Account is one account of the organization.
type Account struct {
	ID     string
	Name   string
	Email  string
	Parent string
	// Status is ACTIVE, SUSPENDED or PENDING_CLOSURE.
	Status          string
	Joined          time.Time
	Roles           []string
	DisabledRegions []string
}

// OU is one organizational unit.
type OU struct {
	ID     string
	Name   string
	Parent string
}

// Organization is the organization model. It is safe for concurrent use;
// accounts can be added while the emulator runs (AddAccount), to play out
// Control Tower creating an account.
type Organization struct {
	// Immutable after New: read without locking.
	id, root, mgmt, home string
	governed             []string

	mu       sync.RWMutex
	spec     Spec // as given, with defaults applied; AddAccount validates against it
	accounts map[string]*Account
	ous      map[string]*OU
	// ordered holds the accounts in world-file order and children the
	// accounts of each parent in that order. Both are rebuilt by load and
	// never changed after: a listing takes them under the read lock and pages
	// through them without copying every account.
	ordered  []*Account
	children map[string][]*Account
	// roles holds each account's IAM roles by name, rebuilt by load like
	// ordered; policies caches parsed documents across loads.
	roles    map[string]map[string]*Role
	policies policyCache
	changes  []Change
	// regions holds the region opt-in changes made at run time (regions.go).
	regions regionStates
}

// New validates spec and builds the organization. Accounts without a join
// time joined at start.
func New(spec Spec, start time.Time) (*Organization, error) {
	o := &Organization{policies: policyCache{}}
	if err := o.load(cloneSpec(spec), start); err != nil {
		return nil, err
	}
	o.id, o.root, o.mgmt, o.home = o.spec.ID, o.spec.Root, o.spec.ManagementAccount, o.spec.HomeRegion
	o.governed = slices.Clone(o.spec.GovernedRegions)
	return o, nil
}

// load validates spec, applies defaults and replaces the model. The caller
// holds the write lock (or owns o exclusively).
func (o *Organization) load(spec Spec, start time.Time) error {
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("invalid organization: %w", err)
	}
	if len(spec.GovernedRegions) == 0 {
		spec.GovernedRegions = []string{spec.HomeRegion}
	}
	accounts := make(map[string]*Account, len(spec.Accounts))
	ordered := make([]*Account, 0, len(spec.Accounts))
	children := map[string][]*Account{}
	for i := range spec.Accounts {
		a := &spec.Accounts[i]
		if a.Status == "" {
			a.Status = StatusActive
		}
		if a.Email == "" {
			a.Email = "aws+" + a.ID + "@example.com"
		}
		if a.Joined.IsZero() {
			a.Joined = start
		}
		if a.Roles == nil && a.ID != spec.ManagementAccount {
			a.Roles = []string{ControlTowerExecutionRole, OrganizationAccessRole}
		}
		acct := &Account{
			ID: a.ID, Name: a.Name, Email: a.Email, Parent: a.Parent, Status: a.Status,
			Joined: a.Joined.UTC(), Roles: roleNames(a), DisabledRegions: slices.Clone(a.DisabledRegions),
		}
		accounts[a.ID] = acct
		ordered = append(ordered, acct)
		children[a.Parent] = append(children[a.Parent], acct)
	}
	roles, err := o.buildAllRoles(spec)
	if err != nil {
		return err
	}
	ous := make(map[string]*OU, len(spec.OUs))
	for _, u := range spec.OUs {
		ous[u.ID] = &OU{ID: u.ID, Name: u.Name, Parent: u.Parent}
	}
	o.spec, o.accounts, o.ous = spec, accounts, ous
	o.ordered, o.children, o.roles = ordered, children, roles
	return nil
}

// buildAllRoles builds every account's roles and adds the iamRoles to the
// accounts' role names. The caller holds the write lock.
func (o *Organization) buildAllRoles(spec Spec) (map[string]map[string]*Role, error) {
	trust, err := o.policies.parse(TrustManagementAccount(spec.ManagementAccount))
	if err != nil {
		return nil, err
	}
	roles := make(map[string]map[string]*Role, len(spec.Accounts))
	for i := range spec.Accounts {
		a := &spec.Accounts[i]
		if roles[a.ID], err = o.policies.buildRoles(a, trust); err != nil {
			return nil, fmt.Errorf("account %s: %w", a.ID, err)
		}
	}
	return roles, nil
}

func cloneSpec(s Spec) Spec {
	s.GovernedRegions = slices.Clone(s.GovernedRegions)
	s.OUs = slices.Clone(s.OUs)
	s.Accounts = slices.Clone(s.Accounts)
	for i := range s.Accounts {
		s.Accounts[i].Roles = slices.Clone(s.Accounts[i].Roles)
		s.Accounts[i].IAMRoles = slices.Clone(s.Accounts[i].IAMRoles)
		s.Accounts[i].DisabledRegions = slices.Clone(s.Accounts[i].DisabledRegions)
	}
	return s
}

// AddAccount adds an account to the running organization, as Control Tower's
// account factory would. A zero a.Joined means now. The account is validated
// like one in the world file; errors name the field.
func (o *Organization) AddAccount(a AccountSpec, now time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if a.Joined.IsZero() {
		a.Joined = now
	}
	spec := cloneSpec(o.spec)
	spec.Accounts = append(spec.Accounts, a)
	if err := o.load(spec, now); err != nil {
		return fmt.Errorf("add account %s: %w", a.ID, err)
	}
	return nil
}

// Spec returns the organization as a Spec, defaults applied, including
// accounts added at run time.
func (o *Organization) Spec() Spec {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return cloneSpec(o.spec)
}

// ID returns the organization ID.
func (o *Organization) ID() string { return o.id }

// Root returns the root ID.
func (o *Organization) Root() string { return o.root }

// ManagementAccount returns the management account ID.
func (o *Organization) ManagementAccount() string { return o.mgmt }

// HomeRegion returns the Control Tower home region.
func (o *Organization) HomeRegion() string { return o.home }

// GovernedRegions returns the regions Control Tower governs.
func (o *Organization) GovernedRegions() []string { return slices.Clone(o.governed) }

// Governed reports whether Control Tower governs region.
func (o *Organization) Governed(region string) bool {
	return slices.Contains(o.governed, region)
}

// Account returns the account with the given ID.
func (o *Organization) Account(id string) (Account, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	a, ok := o.accounts[id]
	if !ok {
		return Account{}, false
	}
	return cloneAccount(a), true
}

func cloneAccount(a *Account) Account {
	c := *a
	c.Roles = slices.Clone(a.Roles)
	c.DisabledRegions = slices.Clone(a.DisabledRegions)
	return c
}

// Accounts returns every account in world-file order (accounts added at run
// time last).
func (o *Organization) Accounts() []Account {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return cloneAccounts(o.ordered)
}

// cloneAccounts copies accounts for a caller.
func cloneAccounts(accounts []*Account) []Account {
	out := make([]Account, 0, len(accounts))
	for _, a := range accounts {
		out = append(out, cloneAccount(a))
	}
	return out
}

// accountList returns the accounts in world-file order, shared: the caller
// must not change them. load replaces rather than changes the slice and
// the accounts, so the snapshot stays valid after the lock is released.
func (o *Organization) accountList() []*Account {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.ordered
}

// childAccountList returns the accounts directly under parent in
// world-file order, shared like accountList.
func (o *Organization) childAccountList(parent string) []*Account {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.children[parent]
}

// OU returns the organizational unit with the given ID.
func (o *Organization) OU(id string) (OU, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	u, ok := o.ous[id]
	if !ok {
		return OU{}, false
	}
	return *u, true
}

// OUs returns every OU in world-file order.
func (o *Organization) OUs() []OU {
	o.mu.RLock()
	defer o.mu.RUnlock()
	out := make([]OU, 0, len(o.spec.OUs))
	for _, u := range o.spec.OUs {
		out = append(out, *o.ous[u.ID])
	}
	return out
}

// Contains reports whether account belongs to the organization (management
// account included).
func (o *Organization) Contains(account string) bool {
	o.mu.RLock()
	defer o.mu.RUnlock()
	_, ok := o.accounts[account]
	return ok
}

// IsMember reports whether account is a member account: in the
// organization and not its management account.
func (o *Organization) IsMember(account string) bool {
	return account != o.mgmt && o.Contains(account)
}

// Parent returns the parent (root or OU ID) of an account or OU.
func (o *Organization) Parent(id string) (string, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.parentLocked(id)
}

func (o *Organization) parentLocked(id string) (string, bool) {
	if a, ok := o.accounts[id]; ok {
		return a.Parent, true
	}
	if u, ok := o.ous[id]; ok {
		return u.Parent, true
	}
	return "", false
}

// Ancestors returns the parent chain of an account or OU, nearest first,
// ending with the root. It is empty for the root and unknown IDs.
func (o *Organization) Ancestors(id string) []string {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.ancestorsLocked(id)
}

func (o *Organization) ancestorsLocked(id string) []string {
	var out []string
	for p, ok := o.parentLocked(id); ok; p, ok = o.parentLocked(p) {
		out = append(out, p)
	}
	return out
}

// IsParent reports whether id is the root or an OU.
func (o *Organization) IsParent(id string) bool {
	o.mu.RLock()
	defer o.mu.RUnlock()
	_, isOU := o.ous[id]
	return id == o.root || isOU
}

// ChildAccounts returns the accounts directly under parent, in world-file order.
func (o *Organization) ChildAccounts(parent string) []string {
	o.mu.RLock()
	defer o.mu.RUnlock()
	var out []string
	for _, a := range o.children[parent] {
		out = append(out, a.ID)
	}
	return out
}

// ChildOUs returns the OUs directly under parent, in world-file order.
func (o *Organization) ChildOUs(parent string) []string {
	o.mu.RLock()
	defer o.mu.RUnlock()
	var out []string
	for _, u := range o.spec.OUs {
		if u.Parent == parent {
			out = append(out, u.ID)
		}
	}
	return out
}

// Path returns the Organizations path of an account or OU, e.g.
// o-ab12cd34ef/r-ab12/ou-ab12-l3zc8b3h/222222222222/.
func (o *Organization) Path(id string) string {
	o.mu.RLock()
	defer o.mu.RUnlock()
	chain := o.ancestorsLocked(id)
	slices.Reverse(chain)
	return o.id + "/" + strings.Join(append(chain, id), "/") + "/"
}

// RoleExists reports whether an IAM role named role exists in account.
func (o *Organization) RoleExists(account, role string) bool {
	o.mu.RLock()
	defer o.mu.RUnlock()
	a, ok := o.accounts[account]
	return ok && slices.Contains(a.Roles, role)
}

// JoinedAt returns when account joined the organization.
func (o *Organization) JoinedAt(account string) (time.Time, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	a, ok := o.accounts[account]
	if !ok {
		return time.Time{}, false
	}
	return a.Joined, true
}

// RegionEnabled reports whether account may use region at now: the region
// is ENABLED, ENABLED_BY_DEFAULT or still DISABLING (see regions.go, which
// also says how disabledRegions and EnableRegion combine). Accounts outside
// the organization have no regions enabled in this world.
func (o *Organization) RegionEnabled(account, region string, now time.Time) bool {
	return o.regionEnabled(account, region, now)
}

// ARN returns the Organizations ARN of the organization (id == org ID), the
// root, an OU or an account; empty for unknown IDs.
func (o *Organization) ARN(id string) string {
	mgmt, orgID := o.mgmt, o.id
	switch id {
	case orgID:
		return fmt.Sprintf("arn:aws:organizations::%s:organization/%s", mgmt, orgID)
	case o.root:
		return fmt.Sprintf("arn:aws:organizations::%s:root/%s/%s", mgmt, orgID, id)
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if _, ok := o.ous[id]; ok {
		return fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", mgmt, orgID, id)
	}
	if _, ok := o.accounts[id]; ok {
		return fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", mgmt, orgID, id)
	}
	return ""
}
