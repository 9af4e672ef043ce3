package org

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/region"
)

// RegionOptStatus is an account's opt-in status of a region, as the AWS
// Account Management API reports it (ListRegions, GetRegionOptStatus).
//
// # One model for regions
//
// Whether an account may use a region (RegionEnabled, which the emulator's
// disabled-region check asks on every call, STS included) and what the
// Account Management API reports are the same state:
//
//   - A region listed in the account's disabledRegions starts DISABLED and
//     can be enabled with EnableRegion. AWS only lets opt-in regions be
//     disabled; the emulator accepts any region there, so tests can play a
//     disabled region in whichever region they use (us-west-1 is a common
//     stand-in), and such a region then behaves as an opt-in region of that
//     account.
//   - Any other opt-in region (internal/region.OptIn) starts ENABLED. AWS
//     creates accounts with opt-in regions DISABLED, but worlds and tests
//     use opt-in regions (ap-east-1) freely, so disabling one is the
//     explicit setting: list it in disabledRegions.
//   - Any other region is ENABLED_BY_DEFAULT and cannot be changed.
//
// A region is usable while ENABLED, ENABLED_BY_DEFAULT or DISABLING, and not
// while DISABLED or ENABLING: captures of the real API show STS refusing
// credentials for an ENABLING region and still issuing them for a
// DISABLING one, until the change completes.
type RegionOptStatus string

// Region opt-in statuses.
const (
	// OptStatusEnabledByDefault: a region every account has (launched before
	// March 2019); it cannot be enabled or disabled.
	OptStatusEnabledByDefault RegionOptStatus = "ENABLED_BY_DEFAULT"
	// OptStatusEnabled: an opt-in region the account has enabled.
	OptStatusEnabled RegionOptStatus = "ENABLED"
	// OptStatusEnabling: EnableRegion was called; the region is not usable yet.
	OptStatusEnabling RegionOptStatus = "ENABLING"
	// OptStatusDisabling: DisableRegion was called; the region stays usable
	// until it is DISABLED.
	OptStatusDisabling RegionOptStatus = "DISABLING"
	// OptStatusDisabled: an opt-in region the account has not enabled.
	OptStatusDisabled RegionOptStatus = "DISABLED"
)

// DefaultRegionEnablementDelay is how long ENABLING and DISABLING last when
// the world does not say (Spec.RegionEnablementDelay). AWS documents "a few
// minutes for most accounts, but it can take several hours"; captures of
// the real API show about two minutes to enable and one to disable. Five
// minutes is long enough that code polling the status must really wait.
const DefaultRegionEnablementDelay = 5 * time.Minute

// maxRegionEnablementDelay bounds Spec.RegionEnablementDelay: AWS speaks of
// hours, and a day is a typo.
const maxRegionEnablementDelay = 24 * time.Hour

// Errors of the region opt-in operations; the Account Management service
// turns them into the API's errors.
var (
	// ErrUnknownAccount: the account is not in the organization.
	ErrUnknownAccount = errors.New("account is not in the organization")
	// ErrNotOptInTarget: the name is not a region of the account's
	// partition (aws) the Account Management API knows.
	ErrNotOptInTarget = errors.New("not a valid region for opt-in or opt-out")
	// ErrRegionOptStatus: the region's status does not allow the change
	// (enabling an ENABLED or ENABLED_BY_DEFAULT region, disabling a
	// DISABLED or ENABLED_BY_DEFAULT one).
	ErrRegionOptStatus = errors.New("unable to switch region status because of its current opt-in status")
	// ErrRegionTransitioning: the region is ENABLING or DISABLING.
	ErrRegionTransitioning = errors.New("region is currently being enabled or disabled")
)

// RegionOpt is one region's opt-in status for an account.
type RegionOpt struct {
	Region string
	Status RegionOptStatus
}

// regionStates holds the region opt-in changes made while the emulator
// runs, by account and region. A region without an entry has the status
// the world file gives it (see baseStatus and RegionOptStatus), so accounts
// added at run time and reloads of the organization need no bookkeeping
// here. The zero value is ready to use.
type regionStates struct {
	mu      sync.Mutex
	changes map[string]map[string]regionChange
}

// regionChange is the last change made to one region of one account:
// status, and while ENABLING or DISABLING, when that completes.
type regionChange struct {
	status RegionOptStatus
	until  time.Time
}

// settled returns the status at now: a pending change completes at until.
func (c regionChange) settled(now time.Time) RegionOptStatus {
	if now.Before(c.until) {
		return c.status
	}
	switch c.status {
	case OptStatusEnabling:
		return OptStatusEnabled
	case OptStatusDisabling:
		return OptStatusDisabled
	}
	return c.status
}

// OptInTargets returns the regions the Account Management API lists and
// accepts, sorted: the AWS regions of the commercial partition, the only
// one the emulated accounts live in (GovCloud and China regions answer as
// unknown ones do).
func OptInTargets() []string {
	var out []string
	for _, r := range region.All() {
		if region.Partition(r) == "aws" {
			out = append(out, r)
		}
	}
	return out
}

// IsOptInTarget reports whether name is one of OptInTargets: a region the
// Account Management API knows.
func IsOptInTarget(name string) bool {
	return region.Known(name) && region.Partition(name) == "aws"
}

// baseStatus is the status a region has before any change at run time (see
// regionStates).
func baseStatus(a *Account, name string) RegionOptStatus {
	switch {
	case slices.Contains(a.DisabledRegions, name):
		return OptStatusDisabled
	case region.OptIn(name):
		return OptStatusEnabled
	default:
		return OptStatusEnabledByDefault
	}
}

// statusLocked returns the status of region name for account a at now. The
// caller holds o.regions.mu.
func (o *Organization) statusLocked(a *Account, name string, now time.Time) RegionOptStatus {
	if c, ok := o.regions.changes[a.ID][name]; ok {
		return c.settled(now)
	}
	return baseStatus(a, name)
}

// account returns the account's model, shared (see accountList).
func (o *Organization) account(id string) (*Account, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	a, ok := o.accounts[id]
	return a, ok
}

// regionEnabled reports whether account may use region at now. Regions the
// Account Management API does not know (GovCloud, China) are usable unless
// listed in the account's disabledRegions.
func (o *Organization) regionEnabled(account, name string, now time.Time) bool {
	a, ok := o.account(account)
	if !ok {
		return false
	}
	if !IsOptInTarget(name) {
		return !slices.Contains(a.DisabledRegions, name)
	}
	o.regions.mu.Lock()
	defer o.regions.mu.Unlock()
	switch o.statusLocked(a, name, now) {
	case OptStatusEnabled, OptStatusEnabledByDefault, OptStatusDisabling:
		return true
	}
	return false
}

// RegionOptStatus returns account's opt-in status of region at now. The
// error wraps ErrUnknownAccount or ErrNotOptInTarget.
func (o *Organization) RegionOptStatus(account, region string, now time.Time) (RegionOptStatus, error) {
	a, err := o.optTarget(account, region)
	if err != nil {
		return "", err
	}
	o.regions.mu.Lock()
	defer o.regions.mu.Unlock()
	return o.statusLocked(a, region, now), nil
}

// RegionOptStatuses returns the opt-in status of every region of
// OptInTargets for account at now, in region order. The error wraps
// ErrUnknownAccount.
func (o *Organization) RegionOptStatuses(account string, now time.Time) ([]RegionOpt, error) {
	a, ok := o.account(account)
	if !ok {
		return nil, fmt.Errorf("region opt-in status of %s: %w", account, ErrUnknownAccount)
	}
	targets := OptInTargets()
	out := make([]RegionOpt, 0, len(targets))
	o.regions.mu.Lock()
	defer o.regions.mu.Unlock()
	for _, r := range targets {
		out = append(out, RegionOpt{Region: r, Status: o.statusLocked(a, r, now)})
	}
	return out, nil
}

// EnableRegion starts enabling region for account at now, as the Account
// Management API's EnableRegion does: DISABLED becomes ENABLING, and
// ENABLED once RegionEnablementDelay has passed. The error wraps
// ErrUnknownAccount, ErrNotOptInTarget, ErrRegionTransitioning (ENABLING or
// DISABLING) or ErrRegionOptStatus (ENABLED or ENABLED_BY_DEFAULT).
func (o *Organization) EnableRegion(account, region string, now time.Time) error {
	return o.switchRegion(account, region, now, OptStatusDisabled, OptStatusEnabling)
}

// DisableRegion starts disabling region for account at now, the mirror of
// EnableRegion: ENABLED becomes DISABLING, then DISABLED after
// RegionEnablementDelay. The error wraps ErrUnknownAccount,
// ErrNotOptInTarget, ErrRegionTransitioning or ErrRegionOptStatus (DISABLED
// or ENABLED_BY_DEFAULT).
func (o *Organization) DisableRegion(account, region string, now time.Time) error {
	return o.switchRegion(account, region, now, OptStatusEnabled, OptStatusDisabling)
}

// switchRegion moves region from status from to the pending status to.
func (o *Organization) switchRegion(account, name string, now time.Time, from, to RegionOptStatus) error {
	a, err := o.optTarget(account, name)
	if err != nil {
		return err
	}
	delay := o.RegionEnablementDelay()
	o.regions.mu.Lock()
	defer o.regions.mu.Unlock()
	switch cur := o.statusLocked(a, name, now); cur {
	case from:
		o.setLocked(account, name, regionChange{status: to, until: now.Add(delay)})
		return nil
	case OptStatusEnabling, OptStatusDisabling:
		return fmt.Errorf("account %s and region %s: %w", account, name, ErrRegionTransitioning)
	default:
		return fmt.Errorf("region %s of account %s is %s: %w", name, account, cur, ErrRegionOptStatus)
	}
}

// SetRegionOptStatus sets account's status of region at once, without the
// ENABLING or DISABLING period: ENABLED or DISABLED, for a region that can
// be enabled and disabled (an opt-in region, or one the account lists in
// disabledRegions). Tests use it to start from a state the world file
// cannot express, such as an opt-in region enabled again.
func (o *Organization) SetRegionOptStatus(account, region string, status RegionOptStatus) error {
	if status != OptStatusEnabled && status != OptStatusDisabled {
		return fmt.Errorf("set region opt-in status: %q is not ENABLED or DISABLED", status)
	}
	a, err := o.optTarget(account, region)
	if err != nil {
		return fmt.Errorf("set region opt-in status: %w", err)
	}
	if baseStatus(a, region) == OptStatusEnabledByDefault {
		return fmt.Errorf("set region opt-in status: %s is enabled by default; only opt-in regions, or regions the account lists in disabledRegions, can change", region)
	}
	o.regions.mu.Lock()
	defer o.regions.mu.Unlock()
	o.setLocked(account, region, regionChange{status: status})
	return nil
}

// setLocked records a change. The caller holds o.regions.mu.
func (o *Organization) setLocked(account, name string, c regionChange) {
	if o.regions.changes == nil {
		o.regions.changes = map[string]map[string]regionChange{}
	}
	if o.regions.changes[account] == nil {
		o.regions.changes[account] = map[string]regionChange{}
	}
	o.regions.changes[account][name] = c
}

// optTarget returns the account whose region name an operation acts on.
func (o *Organization) optTarget(account, name string) (*Account, error) {
	a, ok := o.account(account)
	if !ok {
		return nil, fmt.Errorf("region %s of account %s: %w", name, account, ErrUnknownAccount)
	}
	if !IsOptInTarget(name) {
		return nil, fmt.Errorf("region %q: %w", name, ErrNotOptInTarget)
	}
	return a, nil
}

// RegionEnablementDelay returns how long ENABLING and DISABLING last.
func (o *Organization) RegionEnablementDelay() time.Duration {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if d := o.spec.RegionEnablementDelay; d > 0 {
		return d
	}
	return DefaultRegionEnablementDelay
}

// validateRegionSettings checks the spec's region opt-in settings.
func validateRegionSettings(s Spec, add func(path, format string, args ...any)) {
	if d := s.RegionEnablementDelay; d < 0 || d > maxRegionEnablementDelay {
		add("regionEnablementDelay", "%s is out of range: want a duration from 0 (the default, %s) to %s", d, DefaultRegionEnablementDelay, maxRegionEnablementDelay)
	}
}
