package account

import (
	"errors"
	"strings"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// target returns the account a request acts on: the caller's own without
// AccountId (standalone context), the member AccountId names otherwise
// (organization context), which only the management account may use, with
// trusted access for account.amazonaws.com enabled, and never for itself.
// The order of the checks follows what AWS answers: without trusted access
// even the management account naming itself hears about trusted access.
func (s *Service) target(r *wire.Request, accountID string) (string, error) {
	caller := r.Caller.Account
	if accountID == "" {
		if _, ok := s.org.Account(caller); !ok {
			return "", accessDenied(r, "")
		}
		return caller, nil
	}
	mgmt := s.org.ManagementAccount()
	switch {
	case caller != mgmt:
		return "", accessDenied(r, "")
	case !s.org.TrustedAccess(org.AccountServicePrincipal):
		return "", accessDenied(r, noTrustedAccess)
	case accountID == mgmt:
		return "", accessDenied(r, standaloneOnly)
	}
	// A suspended or closing account, or one outside the organization:
	// AWS's exact wording for these is not known; IAM's plain refusal is the
	// closest.
	if a, ok := s.org.Account(accountID); !ok || a.Status != org.StatusActive {
		return "", accessDenied(r, "")
	}
	return accountID, nil
}

// regionError turns the organization's refusal of a region operation into
// the API's error.
func regionError(r *wire.Request, account, region string, err error) error {
	switch {
	case errors.Is(err, org.ErrNotOptInTarget):
		// A known region spelled in the wrong case is refused as an
		// authorization failure, as AWS does; anything else is unknown.
		if lower := strings.ToLower(region); lower != region && org.IsOptInTarget(lower) {
			return accessDenied(r, invalidTarget)
		}
		return unknownRegion(region)
	case errors.Is(err, org.ErrRegionTransitioning):
		return transitioning(account, region)
	case errors.Is(err, org.ErrRegionOptStatus):
		return cannotSwitch()
	case errors.Is(err, org.ErrUnknownAccount):
		return accessDenied(r, "")
	}
	return &wire.Error{Code: "InternalServerException", Message: "region operation failed: " + err.Error(), Server: true}
}
