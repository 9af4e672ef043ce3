package account

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// The constructors below produce Account Management's error codes,
// statuses and wording as captures of the real API show them, so the SDK
// maps them to its typed errors (types.ValidationException with Reason and
// FieldList, types.AccessDeniedException, types.ConflictException).

// Reasons of ValidationException (types.ValidationExceptionReason).
const (
	reasonFieldValidation = "fieldValidationFailed"
	reasonOptTarget       = "invalidRegionOptTarget"
)

// Parenthesised reasons AWS appends to an AccessDeniedException that is not
// IAM's doing.
const (
	noTrustedAccess = "Your organization must first enable trusted access with AWS Account Management."
	standaloneOnly  = "The management account can only be managed using the standalone context from the management account."
	invalidTarget   = "You specified an invalid target region."
)

// accessDenied is the refusal of a call the service, not IAM, does not
// allow: "User: <caller> is not authorized to perform: account:<Operation>",
// with the reason in parentheses when AWS gives one.
func accessDenied(r *wire.Request, reason string) *wire.Error {
	caller := r.Caller.ARN
	if caller == "" {
		caller = "arn:aws:iam::" + r.Caller.Account + ":root"
	}
	msg := "User: " + caller + " is not authorized to perform: account:" + r.Operation
	if reason != "" {
		msg += " (" + reason + ")"
	}
	return &wire.Error{Code: "AccessDeniedException", Message: msg, Status: http.StatusForbidden}
}

// fieldInvalid is ValidationException about one member: the message is
// repeated in the fieldList entry naming it, as AWS sends it.
func fieldInvalid(reason, field, msg string) *wire.Error {
	return &wire.Error{
		Code:    "ValidationException",
		Message: msg,
		Fields: map[string]any{
			"reason":    reason,
			"fieldList": []map[string]string{{"name": field, "message": msg}},
		},
	}
}

// unknownRegion answers a RegionName that is not a region of the partition.
func unknownRegion(name string) *wire.Error {
	return fieldInvalid(reasonFieldValidation, "RegionName", name+" is not a valid region for opt-in or opt-out.")
}

// cannotSwitch answers enabling an ENABLED region, disabling a DISABLED one,
// or changing an ENABLED_BY_DEFAULT one.
func cannotSwitch() *wire.Error {
	return fieldInvalid(reasonOptTarget, "RegionName", "Unable to switch region status because of its current opt-in status.")
}

// malformedToken answers a NextToken ListRegions did not issue for this
// account and filter.
func malformedToken() *wire.Error {
	return fieldInvalid(reasonFieldValidation, "NextToken", "NextToken is malformed")
}

// transitioning answers a change to a region that is ENABLING or DISABLING.
func transitioning(account, region string) *wire.Error {
	return &wire.Error{
		Code:    "ConflictException",
		Message: fmt.Sprintf("Account %s and region %s is currently being enabled or disabled. Please wait until it finishes and then try again.", account, region),
		Status:  http.StatusConflict,
	}
}

// notInEnum answers a RegionOptStatusContains value that is not a status,
// in the words AWS's request validation uses (no reason, no fieldList).
func notInEnum(value string) *wire.Error {
	quoted := make([]string, len(statuses))
	for i, s := range statuses {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return &wire.Error{
		Code:    "ValidationException",
		Message: fmt.Sprintf(`[instance value (%q) not found in enum (possible values: [%s])]`, value, strings.Join(quoted, ",")),
	}
}

// outOfRange answers a MaxResults outside 1 to 50 that reached the
// operation (the model validator refuses it first in the emulator).
func outOfRange(n int32) *wire.Error {
	return fieldInvalid(reasonFieldValidation, "MaxResults", fmt.Sprintf("MaxResults %d is out of range: it must be from 1 to %d", n, maxPageSize))
}

// statuses are the RegionOptStatus values, in the model's order.
var statuses = []org.RegionOptStatus{
	org.OptStatusEnabled, org.OptStatusEnabling, org.OptStatusDisabling, org.OptStatusDisabled, org.OptStatusEnabledByDefault,
}
