package config

import (
	"errors"
	"fmt"

	"github.com/landfall/landfall/internal/awsid"
)

// memberRoleTargetProblems checks landfall:memberRoleTargets, one error per
// problem, including targets without landfall:memberRoles (they would do
// nothing).
func (c Config) memberRoleTargetProblems() []error {
	if len(c.MemberRoleTargets) > 0 && !c.MemberRoles {
		return []error{fmt.Errorf("set, but %s is false: set %s to true or remove this key", KeyMemberRoles, KeyMemberRoles)}
	}
	if joined, ok := CheckMemberRoleTargets(c.MemberRoleTargets).(interface{ Unwrap() []error }); ok {
		return joined.Unwrap()
	}
	return nil
}

// CheckMemberRoleTargets reports every entry a service-managed StackSet
// cannot deploy to: each must be an OU ID (ou-…) or the organization root's
// ID (r-…), named once. Names cannot be used: StackSets take IDs only.
func CheckMemberRoleTargets(targets []string) error {
	var errs []error
	seen := map[string]bool{}
	for i, t := range targets {
		switch {
		case !awsid.IsOUID(t) && !awsid.IsRootID(t):
			errs = append(errs, fmt.Errorf("[%d]: %q is not an OU ID (ou-xxxx-xxxxxxxx) or root ID (r-xxxx): StackSets deploy to IDs only; find them with `aws organizations list-roots` and `list-organizational-units-for-parent`", i, t))
		case seen[t]:
			errs = append(errs, fmt.Errorf("[%d]: %q is listed twice", i, t))
		}
		seen[t] = true
	}
	return errors.Join(errs...)
}
