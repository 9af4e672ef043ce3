package lambdafn

import (
	"fmt"
	"net/http"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// The constructors below produce Lambda's error codes, statuses and messages
// as the service sends them, so the SDK maps them to its typed errors.

// functionNameRegex is the pattern Lambda's model gives FunctionName, quoted
// in validation errors.
const functionNameRegex = `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`

func functionNotFound(arn string) *wire.Error {
	// ResourceNotFoundException is the one Lambda error whose message member
	// the model spells "Message".
	return &wire.Error{Code: "ResourceNotFoundException", Message: "Function not found: " + arn, Status: http.StatusNotFound, MessageKey: "Message"}
}

func notReachable(from, in string) *wire.Error {
	return &wire.Error{
		Code:       "ResourceNotFoundException",
		Message:    fmt.Sprintf("Functions from '%s' are not reachable in this region ('%s'); send the request to a %s client", from, in, from),
		Status:     http.StatusNotFound,
		MessageKey: "Message",
	}
}

func accessDenied(c wire.Caller, action, arn string) *wire.Error {
	caller := c.ARN
	if caller == "" {
		caller = "arn:aws:iam::" + c.Account + ":root"
	}
	return &wire.Error{
		Code: "AccessDeniedException",
		Message: fmt.Sprintf("User: %s is not authorized to perform: lambda:%s on resource: %s because no resource-based policy allows the lambda:%s action",
			caller, action, arn, action),
		Status: http.StatusForbidden,
	}
}

func validation(value, member, constraint string) *wire.Error {
	return &wire.Error{
		Code:    "ValidationException",
		Message: fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint),
	}
}

func invalidParameter(format string, args ...any) *wire.Error {
	return &wire.Error{Code: "InvalidParameterValueException", Message: fmt.Sprintf(format, args...)}
}

func invalidContent(format string, args ...any) *wire.Error {
	return &wire.Error{Code: "InvalidRequestContentException", Message: fmt.Sprintf(format, args...)}
}

func tooLarge(limit int, operation string) *wire.Error {
	return &wire.Error{
		Code:    "RequestTooLargeException",
		Message: fmt.Sprintf("Request must be smaller than %d bytes for the %s operation", limit, operation),
		Status:  http.StatusRequestEntityTooLarge,
	}
}
