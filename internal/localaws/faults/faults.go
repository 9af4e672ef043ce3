// Package faults injects the failures a real AWS deployment meets into the
// local AWS emulator: latency, throttling (per operation or shared across
// operations), 5xx errors, lost responses (the call took effect, the answer
// never arrived), duplicate SQS deliveries, new-account propagation delays
// (roles not yet assumable, organization shares not yet visible) and regions
// disabled for an account.
//
// Rules come from the world file's faults section and can be replaced or
// added to at run time (Faults.Set, Faults.Add) by tests. Everything
// time-based runs on the emulator clock, so a test moves through a
// propagation window, a rule's from/until window or a throttle bucket's
// refill by advancing its manual clock; only latency sleeps on the real
// clock, because its purpose is to make clients wait. Every random draw comes
// from the rule's seeded generator, so a game day replays exactly.
package faults

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
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
	// loadedAt is when the rule was set or added: its window counts from it.
	loadedAt time.Time
	buckets  map[bucketKey]*bucket
	rng      *rand.Rand
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
	now := f.clock.Now()
	for _, r := range spec {
		rules = append(rules, newRuleState(r, now))
	}
	f.mu.Lock()
	f.rules = rules
	f.mu.Unlock()
	return nil
}

// Add appends one rule to the running rules; its window counts from now.
func (f *Faults) Add(r Rule) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("invalid fault rule: %w", err)
	}
	rs := newRuleState(r, f.clock.Now())
	f.mu.Lock()
	f.rules = append(f.rules, rs)
	f.mu.Unlock()
	return nil
}

// Rules returns the current rules.
func (f *Faults) Rules() Spec {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(Spec, 0, len(f.rules))
	for _, r := range f.rules {
		rule := r.Rule
		rule.Operations = slices.Clone(rule.Operations)
		out = append(out, rule)
	}
	return out
}

// newRuleState copies what the rule points to, so that a caller changing
// its Rule afterwards cannot change the running one.
func newRuleState(r Rule, now time.Time) *ruleState {
	seed := r.Seed
	if seed == 0 {
		seed = 1
	}
	if r.Throttle != nil {
		t := *r.Throttle
		r.Throttle = &t
	}
	r.Operations = slices.Clone(r.Operations)
	return &ruleState{Rule: r, loadedAt: now, buckets: map[bucketKey]*bucket{}, rng: rand.New(rand.NewPCG(seed, seed))}
}

// active reports whether now is inside the rule's window.
func (r *ruleState) active(now time.Time) bool {
	return !now.Before(r.loadedAt.Add(r.From)) && (r.Until == 0 || now.Before(r.loadedAt.Add(r.Until)))
}

// matches reports whether the rule selects a call by service, operation,
// region and account.
func (r *ruleState) matches(service, operation, region, account string) bool {
	return r.canSelect(service, operation) &&
		(r.Region == "" || r.Region == region) &&
		(r.Account == "" || r.Account == account)
}

// bucketKey is the bucket a call draws from: one per operation unless the
// throttle is shared.
func (r *ruleState) bucketKey(req *wire.Request) bucketKey {
	if r.Throttle.Shared {
		return bucketKey{req.Caller.Account, req.Region, ""}
	}
	return bucketKey{req.Caller.Account, req.Region, req.Operation}
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
			v := f.decide(r)
			if v.latency > 0 {
				if err := sleep(r.Context, v.latency); err != nil {
					return nil, err
				}
			}
			if v.failure != nil {
				return nil, v.failure
			}
			out, err := next(r)
			if v.lose != "" {
				return loseResponse(r, v.lose, out, err)
			}
			return out, err
		}
	}
}

// verdict is what the rules decided for one call.
type verdict struct {
	latency time.Duration
	// failure is answered instead of running the operation.
	failure error
	// lose, LoseAsError or LoseAsTimeout, loses the answer of the operation
	// after it ran.
	lose string
}

// decide evaluates the rules for one call.
func (f *Faults) decide(r *wire.Request) verdict {
	f.mu.Lock()
	defer f.mu.Unlock()
	var v verdict
	for _, rule := range f.rules {
		if !rule.active(r.Now) {
			continue
		}
		if rule.AssumeRoleDeniedFor > 0 && v.failure == nil && r.Service == "sts" && r.Operation == "AssumeRole" {
			v.failure = f.assumeRoleDenied(rule, r)
		}
		if !rule.matches(r.Service, r.Operation, r.Region, r.Caller.Account) {
			continue
		}
		v.latency = max(v.latency, rule.Latency)
		if v.failure == nil {
			rule.apply(r, &v)
		}
	}
	return v
}

// apply draws the rule's throttle, error and lost response for a call it
// matches, in that order: a throttled call draws no error, and a failed
// call has no answer to lose. The caller holds f.mu.
func (r *ruleState) apply(req *wire.Request, v *verdict) {
	if r.Throttle != nil && !r.take(r.bucketKey(req), req.Now) {
		v.failure = throttled(req.Service)
		return
	}
	if r.ErrorRate > 0 && r.rng.Float64() < r.ErrorRate {
		v.failure = wire.InternalFailure("")
		if r.Error == ErrServiceUnavailable {
			v.failure = wire.ServiceUnavailable()
		}
		return
	}
	if r.LoseResponseRate > 0 && v.lose == "" && r.rng.Float64() < r.LoseResponseRate {
		v.lose = cmp.Or(r.LoseResponseAs, LoseAsError)
	}
}

// throttled is a service's answer to a call over its rate limit:
// ThrottlingException "Rate exceeded" (wire.Throttled), except for Account
// Management, whose model's throttling error is TooManyRequestsException
// (HTTP 429). The SDK's standard retryer treats both as throttles.
func throttled(service string) *wire.Error {
	if service == "account" {
		return &wire.Error{Code: "TooManyRequestsException", Message: "Rate exceeded", Status: http.StatusTooManyRequests}
	}
	return wire.Throttled()
}

// Duplicate reports whether one message a ReceiveMessage call hands out is
// delivered twice: a draw of every active duplicateRate rule matching the
// call, until one says yes. It has the signature of the hook of
// queues.WithDuplicates.
func (f *Faults) Duplicate(r *wire.Request) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, rule := range f.rules {
		if rule.DuplicateRate > 0 && rule.active(r.Now) && rule.matches(r.Service, r.Operation, r.Region, r.Caller.Account) &&
			rule.rng.Float64() < rule.DuplicateRate {
			return true
		}
	}
	return false
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

// longest is the largest delay of the active rules that match account and
// region.
func (f *Faults) longest(account, region string, delay func(Rule) time.Duration) time.Duration {
	now := f.clock.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	var d time.Duration
	for _, rule := range f.rules {
		if rule.active(now) && (rule.Account == "" || rule.Account == account) && (rule.Region == "" || rule.Region == region) {
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
