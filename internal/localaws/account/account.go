// Package account emulates the region operations of the AWS Account
// Management API (service "account", restJson1) for the local AWS:
// ListRegions, GetRegionOptStatus, EnableRegion and DisableRegion, so the
// real aws-sdk-go-v2 account client drives them unchanged.
//
// The region state is the organization's (package org, regions.go): the same
// state decides whether an account may use a region at all, so enabling a
// region through this API is what makes STS issue credentials there.
//
// What it models, checked against botocore's account/2021-02-01 model, the
// SDK's (de)serializers and captures of the real API:
//
//   - The endpoint is global (account.us-east-1.amazonaws.com): requests
//     count as made in us-east-1 whatever region the client is configured
//     with (GlobalEndpoint), so a region disabled for the caller does not
//     lock it out of the API that enables it.
//   - Without AccountId an operation acts on the caller's own account, from
//     any account of the organization (a member account's assumed role
//     included). With AccountId the caller must be the management account,
//     the organization must have trusted access enabled for
//     account.amazonaws.com, the account must be an active member, and the
//     management account cannot name itself ("The management account can
//     only be managed using the standalone context"): each refusal is
//     AccessDeniedException (403), worded as AWS words it. Delegated
//     administrators are not modelled.
//   - Regions are the commercial partition's, sorted by name; ListRegions
//     pages 20 by default (MaxResults 1 to 50), filters by
//     RegionOptStatusContains, and refuses a NextToken it did not issue
//     ("NextToken is malformed"). Tokens are bound to the account and the
//     filter.
//   - EnableRegion moves DISABLED to ENABLING, and ENABLED once the
//     organization's regionEnablementDelay has passed on the emulator
//     clock; DisableRegion moves ENABLED to DISABLING, then DISABLED. While a
//     change is pending, either operation answers ConflictException (as AWS
//     does for enabling twice, not only for enabling while DISABLING);
//     enabling an ENABLED region, disabling a DISABLED one, and changing an
//     ENABLED_BY_DEFAULT one answer ValidationException with reason
//     invalidRegionOptTarget. A region name AWS does not know answers
//     ValidationException fieldValidationFailed naming RegionName.
//
// IAM (package authz) authorizes account:ListRegions,
// account:GetRegionOptStatus, account:EnableRegion and account:DisableRegion
// on arn:aws:account::<account>:account, or, with AccountId,
// arn:aws:account::<management>:account/<org ID>/<member>, with the
// condition key account:TargetRegion for the single-region operations.
package account

import (
	"net/http"
	"time"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// SigningName is the SigV4 service name of AWS Account Management.
const SigningName = "account"

// Organization is what the service needs of the organization
// (*org.Organization).
type Organization interface {
	ManagementAccount() string
	Account(id string) (org.Account, bool)
	TrustedAccess(principal string) bool
	RegionOptStatus(account, region string, now time.Time) (org.RegionOptStatus, error)
	RegionOptStatuses(account string, now time.Time) ([]org.RegionOpt, error)
	EnableRegion(account, region string, now time.Time) error
	DisableRegion(account, region string, now time.Time) error
}

// Service is the emulated Account Management API. It keeps no state of its
// own and is safe for concurrent use.
type Service struct {
	org Organization
}

var _ wire.RESTService = (*Service)(nil)

// New returns the Account Management API over o.
func New(o Organization) *Service { return &Service{org: o} }

// SigningName implements wire.Service.
func (*Service) SigningName() string { return SigningName }

// Protocol implements wire.Service.
func (*Service) Protocol() wire.Protocol { return wire.RESTJSON }

// TargetPrefix implements wire.Service; restJson1 has none.
func (*Service) TargetPrefix() string { return "" }

// XMLNamespace implements wire.Service; restJson1 has none.
func (*Service) XMLNamespace() string { return "" }

// Operations implements wire.Service.
func (s *Service) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{
		"ListRegions":        wire.Op(s.listRegions),
		"GetRegionOptStatus": wire.Op(s.getRegionOptStatus),
		"EnableRegion":       wire.Op(s.enableRegion),
		"DisableRegion":      wire.Op(s.disableRegion),
	}
}

// routes are the request URIs of the emulated operations, from the model:
// every operation is a POST to its own path, members in a JSON body.
var routes = []struct{ method, pattern, operation string }{
	{http.MethodPost, "/listRegions", "ListRegions"},
	{http.MethodPost, "/getRegionOptStatus", "GetRegionOptStatus"},
	{http.MethodPost, "/enableRegion", "EnableRegion"},
	{http.MethodPost, "/disableRegion", "DisableRegion"},
}

// Route implements wire.RESTService.
func (*Service) Route(method, path string) (string, map[string]string, bool) {
	for _, r := range routes {
		if r.method != method {
			continue
		}
		if params, ok := wire.MatchPath(r.pattern, path); ok {
			return r.operation, params, true
		}
	}
	return "", nil, false
}
