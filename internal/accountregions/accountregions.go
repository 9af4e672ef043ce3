// Package accountregions answers "which regions has this account enabled?"
// from the Account Management API, for plans that choose their regions at
// run time (`regions: enabled`, see package plan). The launch function (when
// it builds runs and dry runs) and fleet status (the {"status": ...} and
// drift payloads, `landfall status`) all ask here, so an account gets the
// same regions whichever of them looks.
//
// ListRegions is called from the management account. For a member account
// it names the account (AccountId), which AWS allows only with trusted
// access for account.amazonaws.com in Organizations; for the management
// account itself it must not (the API refuses the caller's own ID), and
// needs no trusted access. A refusal is reported as an *Error that says how
// to enable trusted access: callers fail closed on it, because guessing an
// account's regions could provision where nobody meant, or leave out a
// region as if it were disabled.
package accountregions

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/region"
)

// API is the part of the Account Management API the Lister calls;
// *account.Client implements it.
type API interface {
	ListRegions(ctx context.Context, in *account.ListRegionsInput, optFns ...func(*account.Options)) (*account.ListRegionsOutput, error)
}

var _ API = (*account.Client)(nil)

// EnabledStatuses are the opt statuses of a region an account can use:
// ENABLED (an opt-in region the account enabled) and ENABLED_BY_DEFAULT (a
// region that needs no opting in). ENABLING is not usable yet.
var EnabledStatuses = []types.RegionOptStatus{types.RegionOptStatusEnabled, types.RegionOptStatusEnabledByDefault}

// maxPages bounds the listing: AWS has a few dozen regions, so a service
// that keeps answering with a next token is broken, not long.
const maxPages = 100

// TrustedAccessFix is what enables the Account Management API for the
// organization's member accounts, once, from the management account.
const TrustedAccessFix = "aws organizations enable-aws-service-access --service-principal account.amazonaws.com"

// Lister lists the regions enabled for accounts of the organization, as
// the management account. It keeps nothing between calls; callers that ask
// about the same account repeatedly keep their own answers (Memo).
type Lister struct {
	API API
	// ManagementAccount is the organization's management account, listed
	// without AccountId. Empty means the account of the invoked Lambda
	// function (membership.ManagementAccount).
	ManagementAccount string
}

// Error says the regions enabled for an account could not be listed.
type Error struct {
	Account string
	// Denied is true when AWS refused the call (AccessDeniedException):
	// trusted access is off, or the caller lacks account:ListRegions. No
	// retry helps; someone has to enable it.
	Denied bool
	Err    error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("list the regions enabled for account %s: %s", e.Account, message(e.Err))
	if e.Denied {
		msg += "; regions: enabled needs trusted access for AWS Account Management in Organizations (once, from the management account: " +
			TrustedAccessFix + ") and account:ListRegions for the caller"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Enabled returns the regions enabled for account (ENABLED or
// ENABLED_BY_DEFAULT), sorted, or an *Error. Regions AWS names that this
// build does not know are left out: no plan can name them.
func (l *Lister) Enabled(ctx context.Context, acct string) ([]string, error) {
	in := &account.ListRegionsInput{RegionOptStatusContains: EnabledStatuses}
	if acct != membership.ManagementAccount(ctx, l.ManagementAccount) {
		in.AccountId = aws.String(acct)
	}
	var out []string
	pages := account.NewListRegionsPaginator(l.API, in, func(o *account.ListRegionsPaginatorOptions) { o.StopOnDuplicateToken = true })
	for n := 0; pages.HasMorePages(); n++ {
		if n == maxPages {
			return nil, &Error{Account: acct, Err: fmt.Errorf("still more pages after %d", maxPages)}
		}
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, &Error{Account: acct, Denied: denied(err), Err: err}
		}
		for _, r := range page.Regions {
			name := aws.ToString(r.RegionName)
			// The filter is the API's; checking again costs nothing and
			// keeps a region that is only ENABLING out, whatever answered.
			if slices.Contains(EnabledStatuses, r.RegionOptStatus) && region.Known(name) && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// GlobalRegion is the region the Account Management API is called in for
// a partition: its endpoint is global, in us-east-1 for the commercial
// partition.
func GlobalRegion(partition string) string {
	switch partition {
	case "aws-us-gov":
		return "us-gov-west-1"
	case "aws-cn":
		return "cn-northwest-1"
	}
	return "us-east-1"
}

// denied reports whether err is AWS refusing the caller.
func denied(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "AccessDeniedException" || ae.ErrorCode() == "AccessDenied")
}

// message is an AWS error's code and message without the SDK's wrapping.
func message(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}
