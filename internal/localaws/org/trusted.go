package org

import (
	"fmt"
	"slices"
	"strings"
)

// AccountServicePrincipal is the service principal of AWS Account
// Management. Trusted access for it (Spec.TrustedAccess) is what lets the
// management account name a member in the Account Management API's
// AccountId.
const AccountServicePrincipal = "account.amazonaws.com"

// TrustedAccess reports whether the organization has enabled trusted access
// for the service principal, e.g. AccountServicePrincipal.
func (o *Organization) TrustedAccess(principal string) bool {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return slices.Contains(o.spec.TrustedAccess, principal)
}

// SetTrustedAccess enables or disables trusted access for the service
// principal while the emulator runs, as Organizations'
// EnableAWSServiceAccess and DisableAWSServiceAccess would.
func (o *Organization) SetTrustedAccess(principal string, enabled bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	// A new slice every time: Spec() hands out copies that share it.
	list := slices.DeleteFunc(slices.Clone(o.spec.TrustedAccess), func(p string) bool { return p == principal })
	if enabled {
		list = append(list, principal)
	}
	o.spec.TrustedAccess = list
}

// validateTrustedAccess checks the spec's trusted-access service principals.
func validateTrustedAccess(s Spec, add func(path, format string, args ...any)) {
	seen := map[string]bool{}
	for i, p := range s.TrustedAccess {
		path := fmt.Sprintf("trustedAccess[%d]", i)
		switch {
		case !strings.HasSuffix(p, ".amazonaws.com") || strings.ContainsAny(p, " /:") || len(p) <= len(".amazonaws.com"):
			add(path, "%q is not a service principal: want <service>.amazonaws.com, e.g. %s", p, AccountServicePrincipal)
		case seen[p]:
			add(path, "%q is listed twice", p)
		}
		seen[p] = true
	}
}
