package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Context keys of the hardening settings (issue 11): the launch function's
// reserved concurrency, log encryption, the launch function's CloudTrail
// data events and the principals allowed to redrive into the work queue.
const (
	KeyLaunchReservedConcurrency = "landfall:launchReservedConcurrency"
	KeyEncryptLogs               = "landfall:encryptLogs"
	KeyLaunchDataEvents          = "landfall:launchDataEvents"
	KeyRedrivePrincipals         = "landfall:redrivePrincipals"
)

// DefaultLaunchReservedConcurrency is the launch function's reserved
// concurrency. Control Tower runs at most 10 account operations at once, so
// lifecycle events arrive at most about 10 at a time, and each takes the
// launch function a second or two. Reserving 10 keeps that many slots for
// Landfall even when other functions exhaust the Region's pool, and caps a
// flood of events or manual requests at 10 concurrent Organizations
// readers: a throttled asynchronous event is not lost, Lambda retries it
// for up to the function's maximum event age (one hour), and the throttles
// alarm says so. It takes 10 of the account's 1,000 default.
const DefaultLaunchReservedConcurrency = 10

// MinLaunchReservedConcurrency and MaxLaunchReservedConcurrency bound the
// setting. Reserved concurrency 0 turns a function off (every invocation is
// throttled). Lambda keeps at least 100 of the account's concurrency
// unreserved, so under the default quota of 1,000 no function can reserve
// more than 900.
const (
	MinLaunchReservedConcurrency = 1
	MaxLaunchReservedConcurrency = 900
)

// MaxRedrivePrincipals bounds landfall:redrivePrincipals: each entry is a
// value in the work queue policy, and the list is meant for a few operator
// roles, not for every principal of the account.
const MaxRedrivePrincipals = 10

// CheckLaunchReservedConcurrency reports whether n is a reserved
// concurrency the launch function can run with.
func CheckLaunchReservedConcurrency(n int) error {
	switch {
	case n == 0:
		return errors.New("0 would turn the launch function off (Lambda throttles every invocation of a function with reserved concurrency 0): use at least 1, or leave it out for the default 10")
	case n < MinLaunchReservedConcurrency || n > MaxLaunchReservedConcurrency:
		return fmt.Errorf("%d is out of range: use %d to %d (Lambda keeps 100 of the account's default 1,000 unreserved)", n, MinLaunchReservedConcurrency, MaxLaunchReservedConcurrency)
	}
	return nil
}

// principalARNPattern is an IAM principal ARN as aws:PrincipalArn carries
// it: the account root, a role (with its path) or a user, in one account.
// Wildcards (* and ?) are allowed in the name only, for roles whose names
// carry a generated suffix (IAM Identity Center's AWSReservedSSO_…).
var principalARNPattern = regexp.MustCompile(`^arn:aws(-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?:iam::[0-9]{12}:(root|(role|user)/[\w+=,.@/*?-]+)$`)

// CheckRedrivePrincipals reports every entry that is not an IAM principal
// ARN of one account, or that would exempt every role or user of it (and so
// undo the work queue's restriction), and duplicates.
func CheckRedrivePrincipals(arns []string) error {
	var errs []error
	if len(arns) > MaxRedrivePrincipals {
		errs = append(errs, fmt.Errorf("%d principals: at most %d (name the operator roles that redrive, not everyone)", len(arns), MaxRedrivePrincipals))
	}
	seen := map[string]bool{}
	for i, a := range arns {
		switch {
		case !principalARNPattern.MatchString(a):
			errs = append(errs, fmt.Errorf("[%d]: %q is not an IAM principal ARN: write arn:aws:iam::<account>:role/<path/name> (wildcards only in the name)", i, a))
		case namesEveryone(a):
			errs = append(errs, fmt.Errorf("[%d]: %q names every principal of its kind, which lets anyone send to the work queue: name the operator role (for example arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AWSAdministratorAccess_*)", i, a))
		case seen[a]:
			errs = append(errs, fmt.Errorf("[%d]: %q is listed twice", i, a))
		}
		seen[a] = true
	}
	return errors.Join(errs...)
}

// namesEveryone reports whether a principal ARN pattern's name is only
// wildcards (role/*, user/?*): it would match every role or user.
func namesEveryone(arn string) bool {
	resource := arn[strings.LastIndex(arn, ":")+1:]
	_, name, hasName := strings.Cut(resource, "/")
	return hasName && strings.Trim(name, "*?/") == ""
}

// hardeningProblems checks the hardening settings, each error naming its key.
func (c Config) hardeningProblems() []error {
	var errs []error
	if err := CheckLaunchReservedConcurrency(c.LaunchReservedConcurrency); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", KeyLaunchReservedConcurrency, err))
	}
	if err := CheckRedrivePrincipals(c.RedrivePrincipals); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", KeyRedrivePrincipals, err))
	}
	return errs
}
