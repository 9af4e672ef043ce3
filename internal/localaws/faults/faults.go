// Package faults injects the failures a real AWS deployment meets into the
// local AWS emulator: latency, throttling, 5xx errors, new-account
// propagation delays (roles not yet assumable, organization shares not yet
// visible) and regions disabled for an account.
//
// Rules come from the world file's faults section and can be replaced at run
// time (Faults.Set) by tests. Everything time-based runs on the emulator
// clock, so a test moves through a propagation window or refills a throttle
// bucket by advancing its manual clock; only latency sleeps on the real
// clock, because its purpose is to make clients wait.
package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/identity"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// Faults applies fault rules. It is safe for concurrent use.
type Faults struct {
	org   *org.Organization
	clock clock.Clock

	mu    sync.Mutex
	rules []*ruleState
}

// ruleState is a rule with its mutable state.
type ruleState struct {
	Rule
	buckets map[bucketKey]*bucket
	rng     *rand.Rand
}

type bucketKey struct{ account, region, operation string }

// bucket is a token bucket refilled on the emulator clock.
type bucket struct {
	tokens float64
	last   time.Time
}

// New returns the faults of spec. o provides account join times for the
// propagation faults; c is the emulator clock.
func New(spec Spec, o *org.Organization, c clock.Clock) (*Faults, error) {
	if c == nil {
		c = &clock.Wall{}
	}
	f := &Faults{org: o, clock: c}
	if err := f.Set(spec); err != nil {
		return nil, err
	}
	return f, nil
}

// Set replaces all rules, resetting throttle buckets and error sequences. An
// invalid spec changes nothing.
func (f *Faults) Set(spec Spec) error {
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("invalid faults: %w", err)
	}
	rules := make([]*ruleState, 0, len(spec))
	for _, r := range spec {
		rules = append(rules, newRuleState(r))
	}
	f.mu.Lock()
	f.rules = rules
	f.mu.Unlock()
	return nil
}

// Add appends one rule to the running rules.
func (f *Faults) Add(r Rule) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("invalid fault rule: %w", err)
	}
	f.mu.Lock()
	f.rules = append(f.rules, newRuleState(r))
	f.mu.Unlock()
	return nil
}

// Rules returns the current rules.
func (f *Faults) Rules() Spec {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(Spec, 0, len(f.rules))
	for _, r := range f.rules {
		out = append(out, r.Rule)
	}
	return out
}

func newRuleState(r Rule) *ruleState {
	seed := r.Seed
	if seed == 0 {
		seed = 1
	}
	if r.Throttle != nil {
		t := *r.Throttle
		r.Throttle = &t
	}
	return &ruleState{Rule: r, buckets: map[bucketKey]*bucket{}, rng: rand.New(rand.NewPCG(seed, seed))}
}

// matches reports whether the rule selects a call by service, operation,
// region and account.
func (r *ruleState) matches(service, operation, region, account string) bool {
	return (r.Service == "" || r.Service == service) &&
		(r.Operation == "" || r.Operation == operation) &&
		(r.Region == "" || r.Region == region) &&
		(r.Account == "" || r.Account == account)
}

// take removes a token from the caller's bucket, reporting false when empty.
// The caller holds f.mu.
func (r *ruleState) take(key bucketKey, now time.Time) bool {
	burst := r.Throttle.burst()
	b := r.buckets[key]
	if b == nil {
		b = &bucket{tokens: burst, last: now}
		r.buckets[key] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(burst, b.tokens+elapsed.Seconds()*r.Throttle.Rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Middleware returns the wire middleware that applies the rules to every call.
func (f *Faults) Middleware() wire.Middleware {
	return func(next wire.Operation) wire.Operation {
		return func(r *wire.Request) (any, error) {
			latency, err := f.decide(r)
			if latency > 0 {
				if serr := sleep(r.Context, latency); serr != nil {
					return nil, serr
				}
			}
			if err != nil {
				return nil, err
			}
			return next(r)
		}
	}
}

// decide evaluates the rules for one call: the latency to add and the error
// to answer instead of running the operation, if any.
func (f *Faults) decide(r *wire.Request) (time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var latency time.Duration
	var failure error
	for _, rule := range f.rules {
		if rule.AssumeRoleDeniedFor > 0 && failure == nil && r.Service == "sts" && r.Operation == "AssumeRole" {
			failure = f.assumeRoleDenied(rule, r)
		}
		if !rule.matches(r.Service, r.Operation, r.Region, r.Caller.Account) {
			continue
		}
		latency = max(latency, rule.Latency)
		if failure != nil {
			continue
		}
		if rule.Throttle != nil && !rule.take(bucketKey{r.Caller.Account, r.Region, r.Operation}, r.Now) {
			failure = wire.Throttled()
			continue
		}
		if rule.ErrorRate > 0 && rule.rng.Float64() < rule.ErrorRate {
			if rule.Error == ErrServiceUnavailable {
				failure = wire.ServiceUnavailable()
			} else {
				failure = wire.InternalFailure("")
			}
		}
	}
	return latency, failure
}

// assumeRoleDenied applies an assumeRoleDeniedFor rule: the rule's account
// and region select the target account and the STS region.
func (f *Faults) assumeRoleDenied(rule *ruleState, r *wire.Request) error {
	roleARN := r.Form.Get("RoleArn")
	account, _, ok := identity.ParseRoleARN(roleARN)
	if !ok || f.org == nil || (rule.Account != "" && rule.Account != account) || (rule.Region != "" && rule.Region != r.Region) {
		return nil
	}
	joined, ok := f.org.JoinedAt(account)
	if !ok || !r.Now.Before(joined.Add(rule.AssumeRoleDeniedFor)) {
		return nil
	}
	return identity.AssumeRoleDenied(r.Caller, roleARN)
}

// AssociationDelay returns how long a new principal association takes to
// reach end-user calls in account and region: the longest
// associationInvisibleFor of the matching rules. It has the signature of
// catalog.Options.AssociationDelay.
func (f *Faults) AssociationDelay(account, region string) time.Duration {
	return f.longest(account, region, func(r Rule) time.Duration { return r.AssociationInvisibleFor })
}

// ShareDelay returns how long after joining the organization its portfolio
// shares stay invisible to account in region: the longest shareInvisibleFor
// of the matching rules. It has the signature of catalog.Options.ShareDelay.
func (f *Faults) ShareDelay(account, region string) time.Duration {
	return f.longest(account, region, func(r Rule) time.Duration { return r.ShareInvisibleFor })
}

// longest is the largest delay of the rules that match account and region.
func (f *Faults) longest(account, region string, delay func(Rule) time.Duration) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var d time.Duration
	for _, rule := range f.rules {
		if (rule.Account == "" || rule.Account == account) && (rule.Region == "" || rule.Region == region) {
			d = max(d, delay(rule.Rule))
		}
	}
	return d
}

// sleep waits d on the real clock, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("injected latency: %w", ctx.Err())
	}
}
