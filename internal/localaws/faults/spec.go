package faults

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/landfall/landfall/internal/region"
)

// Services are the signing names of the emulated services a rule may name.
var Services = []string{"account", "cloudformation", "dynamodb", "lambda", "organizations", "servicecatalog", "sns", "sqs", "sts"}

// Error codes a rule's errorRate can answer.
const (
	ErrInternalFailure    = "InternalFailure"
	ErrServiceUnavailable = "ServiceUnavailable"
)

// How a lost response shows to the caller (loseResponseAs).
const (
	// LoseAsError answers 500 InternalFailure after the operation ran.
	LoseAsError = "error"
	// LoseAsTimeout makes the client's HTTP round trip fail with a timeout
	// after the operation ran (see Transport and Handler).
	LoseAsTimeout = "timeout"
)

// maxLatency bounds injected latency: it is slept on the real clock, and a
// world file asking for minutes is a typo, not a test.
const maxLatency = 30 * time.Second

// Spec is the faults section of a world file: rules applied to matching calls.
type Spec []Rule

// Rule injects faults into the calls it matches. Service, Operation (or
// Operations), Region and Account select calls (empty matches any); From and
// Until bound when the rule acts; every other field is an effect, and a rule
// needs at least one.
type Rule struct {
	// Service is the signing name: account, dynamodb, organizations, servicecatalog, sns, sqs, sts.
	Service string `yaml:"service"`
	// Operation is the API operation, e.g. ProvisionProduct.
	Operation string `yaml:"operation"`
	// Operations selects several operations where Operation selects one
	// (set one or the other): AWS's per-account limits span operations, and
	// with throttle.shared they draw from one bucket.
	Operations []string `yaml:"operations"`
	// Region is the region of the call.
	Region string `yaml:"region"`
	// Account is the calling account; for assumeRoleDeniedFor it is the
	// account whose role is assumed, for shareInvisibleFor the account
	// looking for the share.
	Account string `yaml:"account"`

	// From and Until bound the rule's window on the emulator clock,
	// measured from the moment the rule was loaded: the emulator's start for
	// the world file, the call to Faults.Set or Faults.Add at run time, so a
	// test says "throttle for the next ten minutes" without knowing the
	// time. Zero From starts at once; zero Until never ends. Outside
	// [from, until) the rule has no effect at all: no latency, no token
	// taken, no error or loss drawn, no propagation delay.
	From  time.Duration `yaml:"from"`
	Until time.Duration `yaml:"until"`

	// Latency delays every matching call, on the real clock (tests should use
	// it sparingly; at most 30s).
	Latency time.Duration `yaml:"latency"`
	// Throttle limits matching calls with a token bucket per rule, calling
	// account, region and operation (AWS's limits are per account, region and
	// API), or per rule, account and region with throttle.shared; refilled
	// on the emulator clock. Calls beyond it answer ThrottlingException
	// "Rate exceeded" (Throttling for Query services).
	Throttle *Throttle `yaml:"throttle"`
	// ErrorRate is the fraction (0 to 1) of matching calls that fail with
	// Error. Which calls fail is pseudo-random but repeatable: the sequence
	// depends only on Seed.
	ErrorRate float64 `yaml:"errorRate"`
	// Error is InternalFailure (500, the default) or ServiceUnavailable (503).
	Error string `yaml:"error"`
	// Seed seeds the rule's draws (errorRate, loseResponseRate,
	// duplicateRate); 0 means 1.
	Seed uint64 `yaml:"seed"`

	// LoseResponseRate is the fraction (0 to 1) of matching calls that run,
	// with all their effects, but whose answer never reaches the caller, as
	// when a connection drops after the service acted: the retry then
	// repeats a call that already happened, which idempotency must absorb.
	LoseResponseRate float64 `yaml:"loseResponseRate"`
	// LoseResponseAs is how a lost answer shows: error (the default, a 500
	// InternalFailure) or timeout (the HTTP round trip fails with a timeout,
	// which the SDK retries as a connection error; see Transport).
	LoseResponseAs string `yaml:"loseResponseAs"`

	// DuplicateRate is the fraction (0 to 1) of the messages sqs
	// ReceiveMessage hands out that SQS delivers twice, as a standard queue
	// may: a second copy, with the same MessageId and body, stays visible
	// and is received again with its own receipt handle, while the first is
	// in flight or after it was deleted. A copy is not duplicated again (see
	// queues.WithDuplicates).
	DuplicateRate float64 `yaml:"duplicateRate"`

	// AssumeRoleDeniedFor makes sts AssumeRole into an account answer
	// AccessDenied for this long after the account joined the organization:
	// a new account's roles take a while to become assumable.
	AssumeRoleDeniedFor time.Duration `yaml:"assumeRoleDeniedFor"`
	// ShareInvisibleFor hides the organization's Service Catalog portfolio
	// shares from an account for this long after it joined.
	ShareInvisibleFor time.Duration `yaml:"shareInvisibleFor"`
	// AssociationInvisibleFor delays an AssociatePrincipalWithPortfolio in an
	// account: for this long after it, end-user calls do not see the
	// portfolio's products (ResourceNotFoundException), as while AWS
	// propagates a new association.
	AssociationInvisibleFor time.Duration `yaml:"associationInvisibleFor"`
}

// Throttle is a token bucket: Rate tokens per second, holding at most Burst.
type Throttle struct {
	// Rate is the refill, in tokens (calls) per second of emulated time.
	Rate float64 `yaml:"rate"`
	// Burst defaults to Rate rounded up (at least 1).
	Burst int `yaml:"burst"`
	// Shared makes the operations the rule matches draw from one bucket per
	// calling account and region, as AWS's account-wide limits do, instead
	// of one bucket per operation.
	Shared bool `yaml:"shared"`
}

var (
	accountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	operationPattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
)

// Validate checks every rule and returns all problems at once, each named by
// its path relative to the section: `[2].throttle.rate: ...`.
func (s Spec) Validate() error {
	var errs []error
	for i, r := range s {
		for _, err := range r.problems() {
			errs = append(errs, fmt.Errorf("[%d].%w", i, err))
		}
	}
	return errors.Join(errs...)
}

// Validate checks one rule; paths are relative to the rule.
func (r Rule) Validate() error {
	return errors.Join(r.problems()...)
}

// problemList collects what is wrong with a rule, each error naming the
// field's path (relative to the rule) and what to do about it.
type problemList []error

func (p *problemList) add(path, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

func (r Rule) problems() []error {
	var p problemList
	r.selectorProblems(&p)
	r.windowProblems(&p)
	r.effectProblems(&p)
	r.rateProblems(&p)
	r.propagationProblems(&p)
	if !r.hasEffect() {
		p.add("rule", "has no effect; set latency, throttle, errorRate, loseResponseRate, duplicateRate, assumeRoleDeniedFor, shareInvisibleFor or associationInvisibleFor")
	}
	return p
}

func (r Rule) selectorProblems(p *problemList) {
	if r.Service != "" && !slices.Contains(Services, r.Service) {
		p.add("service", "%q is not an emulated service; use one of %v (SigV4 signing names)", r.Service, Services)
	}
	if r.Operation != "" && !operationPattern.MatchString(r.Operation) {
		p.add("operation", "%q is not an API operation name (e.g. ProvisionProduct)", r.Operation)
	}
	if r.Operation != "" && len(r.Operations) > 0 {
		p.add("operations", "is set with operation %q; set operation for one operation or operations for several, not both", r.Operation)
	}
	for i, op := range r.Operations {
		if !operationPattern.MatchString(op) {
			p.add(fmt.Sprintf("operations[%d]", i), "%q is not an API operation name (e.g. DescribeRecord)", op)
		}
	}
	if r.Region != "" && !region.Known(r.Region) {
		p.add("region", "%q is not an AWS region", r.Region)
	}
	if r.Account != "" && !accountPattern.MatchString(r.Account) {
		p.add("account", "%q is not an account ID: want exactly 12 digits (quote it in YAML)", r.Account)
	}
}

func (r Rule) windowProblems(p *problemList) {
	if r.From < 0 {
		p.add("from", "%s is negative; it is measured from when the rule is loaded (0 means at once)", r.From)
	}
	switch {
	case r.Until < 0:
		p.add("until", "%s is negative; it is measured from when the rule is loaded (0 means never ends)", r.Until)
	case r.Until > 0 && r.Until <= r.From:
		p.add("until", "%s is not after from (%s); the window would be empty: make until later than from", r.Until, r.From)
	}
}

func (r Rule) effectProblems(p *problemList) {
	switch {
	case r.Latency < 0:
		p.add("latency", "%s is negative", r.Latency)
	case r.Latency > maxLatency:
		p.add("latency", "%s is above the %s maximum (latency is slept on the real clock)", r.Latency, maxLatency)
	}
	if t := r.Throttle; t != nil {
		if t.Rate <= 0 {
			p.add("throttle.rate", "%v must be above 0 (requests per second)", t.Rate)
		}
		if t.Burst < 0 {
			p.add("throttle.burst", "%d is negative", t.Burst)
		}
	}
	if r.Error != "" && r.Error != ErrInternalFailure && r.Error != ErrServiceUnavailable {
		p.add("error", "%q is not %s or %s", r.Error, ErrInternalFailure, ErrServiceUnavailable)
	}
	if r.Error != "" && r.ErrorRate == 0 {
		p.add("error", "is set but errorRate is 0; set errorRate to the fraction of calls that fail")
	}
	if r.LoseResponseAs != "" && r.LoseResponseAs != LoseAsError && r.LoseResponseAs != LoseAsTimeout {
		p.add("loseResponseAs", "%q is not %s or %s", r.LoseResponseAs, LoseAsError, LoseAsTimeout)
	}
	if r.LoseResponseAs != "" && r.LoseResponseRate == 0 {
		p.add("loseResponseAs", "is set but loseResponseRate is 0; set loseResponseRate to the fraction of answers lost")
	}
	if r.DuplicateRate > 0 && !r.canSelect("sqs", "ReceiveMessage") {
		p.add("duplicateRate", "applies to sqs ReceiveMessage; leave service and operation empty or set them to sqs and ReceiveMessage")
	}
}

// rateProblems checks the fractions.
func (r Rule) rateProblems(p *problemList) {
	for _, f := range []struct {
		path string
		rate float64
	}{{"errorRate", r.ErrorRate}, {"loseResponseRate", r.LoseResponseRate}, {"duplicateRate", r.DuplicateRate}} {
		if f.rate < 0 || f.rate > 1 {
			p.add(f.path, "%v is not between 0 and 1", f.rate)
		}
	}
}

func (r Rule) propagationProblems(p *problemList) {
	if r.AssumeRoleDeniedFor < 0 {
		p.add("assumeRoleDeniedFor", "%s is negative", r.AssumeRoleDeniedFor)
	}
	if r.AssumeRoleDeniedFor > 0 && !r.canSelect("sts", "AssumeRole") {
		p.add("assumeRoleDeniedFor", "applies to sts AssumeRole; leave service and operation empty or set them to sts and AssumeRole")
	}
	if r.ShareInvisibleFor < 0 {
		p.add("shareInvisibleFor", "%s is negative", r.ShareInvisibleFor)
	}
	if r.ShareInvisibleFor > 0 && !r.selectsWholeService("servicecatalog") {
		p.add("shareInvisibleFor", "applies to Service Catalog shares; leave operation empty and service empty or servicecatalog")
	}
	if r.AssociationInvisibleFor < 0 {
		p.add("associationInvisibleFor", "%s is negative", r.AssociationInvisibleFor)
	}
	if r.AssociationInvisibleFor > 0 && !r.selectsWholeService("servicecatalog") {
		p.add("associationInvisibleFor", "applies to Service Catalog associations; leave operation empty and service empty or servicecatalog")
	}
}

// canSelect reports whether the rule's service and operations can match a
// call of operation in service.
func (r Rule) canSelect(service, operation string) bool {
	return (r.Service == "" || r.Service == service) &&
		(r.Operation == "" || r.Operation == operation) &&
		(len(r.Operations) == 0 || slices.Contains(r.Operations, operation))
}

// selectsWholeService reports whether the rule names no operation and
// either no service or service.
func (r Rule) selectsWholeService(service string) bool {
	return (r.Service == "" || r.Service == service) && r.Operation == "" && len(r.Operations) == 0
}

func (r Rule) hasEffect() bool {
	return r.Latency != 0 || r.Throttle != nil || r.ErrorRate != 0 || r.LoseResponseRate != 0 || r.DuplicateRate != 0 ||
		r.AssumeRoleDeniedFor != 0 || r.ShareInvisibleFor != 0 || r.AssociationInvisibleFor != 0
}

// burst is the bucket size of t.
func (t Throttle) burst() float64 {
	if t.Burst > 0 {
		return float64(t.Burst)
	}
	b := float64(int(t.Rate))
	if b < t.Rate {
		b++
	}
	return max(b, 1)
}
