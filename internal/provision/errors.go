package provision

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// class is how the engine reacts to an AWS error.
type class int

const (
	// classOther: permanent for this target; fail it with AWS's message.
	classOther class = iota
	// classNotFound: possibly propagation (share, association, new account): retry with bounded backoff.
	classNotFound
	// classInvalid: the request is wrong (parameters, deprecated version): fail at once.
	classInvalid
	// classState: the resource is busy (UNDER_CHANGE): try again on the next step.
	classState
	// classTransient: throttling or a server fault that survived the SDK's retries: try again next step.
	classTransient
	// classUnreachable: region disabled for the account, or credentials refused there.
	classUnreachable
	// classAccessDenied: the assumed role may not do this.
	classAccessDenied
)

// classify maps an error to a class by its AWS error code. The SDK retryer has
// already retried throttling and 5xx by the time an error gets here, so those
// are deferred to a later step rather than failing the target.
func classify(err error) class {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return classTransient // network-level failure: the next step will try again
	}
	switch code := ae.ErrorCode(); code {
	case "ResourceNotFoundException":
		return classNotFound
	case "InvalidParametersException", "DuplicateResourceException", "ValidationException":
		return classInvalid
	case "InvalidStateException", "ResourceInUseException":
		return classState
	case "ExpiredToken", "ExpiredTokenException":
		// Session credentials expired under a long step: the credentials
		// cache fetches new ones on the next step.
		return classTransient
	case "ThrottlingException", "Throttling", "LimitExceededException", "TooManyRequestsException",
		"RequestLimitExceeded", "InternalFailure", "InternalError", "ServiceUnavailable", "ServiceUnavailableException":
		return classTransient
	case "UnrecognizedClientException", "InvalidClientTokenId", "RegionDisabledException", "OptInRequired", "AuthFailure":
		return classUnreachable
	default:
		if strings.HasPrefix(code, "AccessDenied") || code == "UnauthorizedOperation" {
			return classAccessDenied
		}
		if ae.ErrorFault() == smithy.FaultServer {
			return classTransient
		}
		return classOther
	}
}

// message returns the AWS error's code and message without the SDK's
// operation-error wrapping, which is noise in a notification.
func message(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

// alreadyExists reports whether a ProvisionProduct error says the name is
// taken: the sign that another run (a duplicate event) got there first.
func alreadyExists(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	if ae.ErrorCode() == "DuplicateResourceException" {
		return true
	}
	return ae.ErrorCode() == "InvalidParametersException" && strings.Contains(ae.ErrorMessage(), "already exists")
}
