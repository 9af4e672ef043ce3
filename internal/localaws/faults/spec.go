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
var Services = []string{"cloudformation", "dynamodb", "lambda", "organizations", "servicecatalog", "sns", "sqs", "sts"}

// Error codes a rule's errorRate can answer.
const (
	ErrInternalFailure    = "InternalFailure"
	ErrServiceUnavailable = "ServiceUnavailable"
)

// maxLatency bounds injected latency: it is slept on the real clock, and a
// world file asking for minutes is a typo, not a test.
const maxLatency = 30 * time.Second

// Spec is the faults section of a world file: rules applied to matching calls.
type Spec []Rule

// Rule injects faults into the calls it matches. Service, Operation, Region
// and Account select calls (empty matches any); every other field is an
// effect, and a rule needs at least one.
type Rule struct {
	// Service is the signing name: dynamodb, organizations, servicecatalog, sns, sqs, sts.
	Service string `yaml:"service"`
	// Operation is the API operation, e.g. ProvisionProduct.
	Operation string `yaml:"operation"`
	// Region is the region of the call.
	Region string `yaml:"region"`
	// Account is the calling account; for assumeRoleDeniedFor it is the
	// account whose role is assumed, for shareInvisibleFor the account
	// looking for the share.
	Account string `yaml:"account"`

	// Latency delays every matching call, on the real clock (tests should use
	// it sparingly; at most 30s).
	Latency time.Duration `yaml:"latency"`
	// Throttle limits matching calls with a token bucket per rule, calling
	// account, region and operation (AWS's limits are per account, region and
	// API), refilled on the emulator clock; calls beyond it answer
	// ThrottlingException "Rate exceeded" (Throttling for Query services).
	Throttle *Throttle `yaml:"throttle"`
	// ErrorRate is the fraction (0 to 1) of matching calls that fail with
	// Error. Which calls fail is pseudo-random but repeatable: the sequence
	// depends only on Seed.
	ErrorRate float64 `yaml:"errorRate"`
	// Error is InternalFailure (500, the default) or ServiceUnavailable (503).
	Error string `yaml:"error"`
	// Seed seeds the errorRate sequence; 0 means 1.
	Seed uint64 `yaml:"seed"`

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
	Rate float64 `yaml:"rate"`
	// Burst defaults to Rate rounded up (at least 1).
	Burst int `yaml:"burst"`
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

func (r Rule) problems() []error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if r.Service != "" && !slices.Contains(Services, r.Service) {
		add("service", "%q is not an emulated service; use one of %v (SigV4 signing names)", r.Service, Services)
	}
	if r.Operation != "" && !operationPattern.MatchString(r.Operation) {
		add("operation", "%q is not an API operation name (e.g. ProvisionProduct)", r.Operation)
	}
	if r.Region != "" && !region.Known(r.Region) {
		add("region", "%q is not an AWS region", r.Region)
	}
	if r.Account != "" && !accountPattern.MatchString(r.Account) {
		add("account", "%q is not an account ID: want exactly 12 digits (quote it in YAML)", r.Account)
	}
	switch {
	case r.Latency < 0:
		add("latency", "%s is negative", r.Latency)
	case r.Latency > maxLatency:
		add("latency", "%s is above the %s maximum (latency is slept on the real clock)", r.Latency, maxLatency)
	}
	if t := r.Throttle; t != nil {
		if t.Rate <= 0 {
			add("throttle.rate", "%v must be above 0 (requests per second)", t.Rate)
		}
		if t.Burst < 0 {
			add("throttle.burst", "%d is negative", t.Burst)
		}
	}
	if r.ErrorRate < 0 || r.ErrorRate > 1 {
		add("errorRate", "%v is not between 0 and 1", r.ErrorRate)
	}
	if r.Error != "" && r.Error != ErrInternalFailure && r.Error != ErrServiceUnavailable {
		add("error", "%q is not %s or %s", r.Error, ErrInternalFailure, ErrServiceUnavailable)
	}
	if r.Error != "" && r.ErrorRate == 0 {
		add("error", "is set but errorRate is 0; set errorRate to the fraction of calls that fail")
	}
	if r.AssumeRoleDeniedFor < 0 {
		add("assumeRoleDeniedFor", "%s is negative", r.AssumeRoleDeniedFor)
	}
	if r.AssumeRoleDeniedFor > 0 && ((r.Service != "" && r.Service != "sts") || (r.Operation != "" && r.Operation != "AssumeRole")) {
		add("assumeRoleDeniedFor", "applies to sts AssumeRole; leave service and operation empty or set them to sts and AssumeRole")
	}
	if r.ShareInvisibleFor < 0 {
		add("shareInvisibleFor", "%s is negative", r.ShareInvisibleFor)
	}
	if r.ShareInvisibleFor > 0 && (r.Service != "" && r.Service != "servicecatalog" || r.Operation != "") {
		add("shareInvisibleFor", "applies to Service Catalog shares; leave operation empty and service empty or servicecatalog")
	}
	if r.AssociationInvisibleFor < 0 {
		add("associationInvisibleFor", "%s is negative", r.AssociationInvisibleFor)
	}
	if r.AssociationInvisibleFor > 0 && (r.Service != "" && r.Service != "servicecatalog" || r.Operation != "") {
		add("associationInvisibleFor", "applies to Service Catalog associations; leave operation empty and service empty or servicecatalog")
	}
	if r.Latency == 0 && r.Throttle == nil && r.ErrorRate == 0 && r.AssumeRoleDeniedFor == 0 && r.ShareInvisibleFor == 0 && r.AssociationInvisibleFor == 0 {
		add("rule", "has no effect; set latency, throttle, errorRate, assumeRoleDeniedFor, shareInvisibleFor or associationInvisibleFor")
	}
	return errs
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
