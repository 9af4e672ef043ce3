package faults

import (
	"net/http"

	"github.com/landfall/landfall/internal/localaws/identity"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// DisabledRegions returns the middleware that enforces the organization's
// per-account disabled regions (accounts[].disabledRegions):
//
//   - STS answers RegionDisabledException (403). For AssumeRole the account
//     that matters is the one whose role is assumed, as in AWS; for other STS
//     calls it is the caller's.
//   - Every other service answers UnrecognizedClientException "The security
//     token included in the request is invalid." (InvalidClientTokenId for
//     Query services), which is what AWS answers for credentials used in a
//     region their account has not enabled.
//
// Callers outside the organization are left alone.
func DisabledRegions(o *org.Organization) wire.Middleware {
	return func(next wire.Operation) wire.Operation {
		return func(r *wire.Request) (any, error) {
			account := r.Caller.Account
			if r.Service == "sts" && r.Operation == "AssumeRole" {
				if target, _, ok := identity.ParseRoleARN(r.Form.Get("RoleArn")); ok {
					account = target
				}
			}
			if !o.Contains(account) || o.RegionEnabled(account, r.Region, r.Now) {
				return next(r)
			}
			if r.Service == "sts" {
				return nil, identity.RegionDisabled(account)
			}
			return nil, &wire.Error{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid.", Status: http.StatusForbidden}
		}
	}
}
