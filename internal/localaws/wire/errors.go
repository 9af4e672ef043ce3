package wire

import "net/http"

// commonCodes pairs the JSON-protocol and Query-protocol spellings of the AWS
// common errors (the ones any service can answer, documented once for all of
// them). Each entry is {JSON code, Query code}.
var commonCodes = [][2]string{
	{"ExpiredTokenException", "ExpiredToken"},
	{"UnrecognizedClientException", "InvalidClientTokenId"},
	{"MissingAuthenticationTokenException", "MissingAuthenticationToken"},
	{"IncompleteSignatureException", "IncompleteSignature"},
	{"ThrottlingException", "Throttling"},
	{"UnknownOperationException", "InvalidAction"},
	{"InvalidSignatureException", "SignatureDoesNotMatch"},
}

// Localize returns e with its code spelled the way protocol p spells it, for
// the common errors that JSON and Query services name differently
// (ThrottlingException vs Throttling, ExpiredTokenException vs ExpiredToken,
// UnrecognizedClientException vs InvalidClientTokenId, ...). Other codes are
// returned unchanged. The server applies it to every error it sends, so
// authenticators and middleware may use either spelling.
func Localize(e *Error, p Protocol) *Error {
	for _, pair := range commonCodes {
		var from, to string
		if p == Query {
			from, to = pair[0], pair[1]
		} else {
			from, to = pair[1], pair[0]
		}
		if e.Code == from {
			c := *e
			c.Code = to
			return &c
		}
	}
	return e
}

// Throttled is the error AWS answers when a caller exceeds a rate limit:
// ThrottlingException "Rate exceeded" (HTTP 400); Query services spell the
// code Throttling (Localize does that).
func Throttled() *Error {
	return &Error{Code: "ThrottlingException", Message: "Rate exceeded", Status: http.StatusBadRequest}
}

// InternalFailure is the 500 answered for unexpected server-side failures.
func InternalFailure(msg string) *Error {
	if msg == "" {
		msg = "We encountered an internal error. Please try again."
	}
	return &Error{Code: "InternalFailure", Message: msg, Status: http.StatusInternalServerError, Server: true}
}

// ServiceUnavailable is the 503 answered when a service is temporarily unable
// to handle a request.
func ServiceUnavailable() *Error {
	return &Error{Code: "ServiceUnavailable", Message: "Service is unavailable. Please try again later.", Status: http.StatusServiceUnavailable, Server: true}
}

// AccessDenied is the Query-protocol authorization error (STS, SNS): HTTP 403
// code AccessDenied.
func AccessDenied(msg string) *Error {
	return &Error{Code: "AccessDenied", Message: msg, Status: http.StatusForbidden}
}

// Validation is the ValidationError the Query services answer for bad
// parameters (HTTP 400).
func Validation(msg string) *Error {
	return &Error{Code: "ValidationError", Message: msg}
}
