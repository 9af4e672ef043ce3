// Package wire is the protocol layer of the local AWS emulator: it turns the
// HTTP requests the real aws-sdk-go-v2 clients send into calls on emulated
// services, and their results and errors back into the exact response shapes
// the SDK deserializers expect (awsJson1_0, awsJson1_1 and awsQuery/XML).
//
// Services know nothing about HTTP: they register operations that take a
// decoded Request and return a value or an *Error.
package wire

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Protocol is an AWS wire protocol.
type Protocol int

const (
	// JSON10 is awsJson1_0 (SQS): POST /, X-Amz-Target, application/x-amz-json-1.0.
	JSON10 Protocol = iota + 1
	// JSON11 is awsJson1_1 (Service Catalog, Organizations).
	JSON11
	// Query is awsQuery (STS, SNS): form-encoded Action=...&Version=..., XML responses.
	Query
)

// Caller is the identity that signed a request, resolved from its access key.
type Caller struct {
	// AccessKeyID is the key that signed the request. Never log the secret; the
	// key ID alone is not a credential.
	AccessKeyID string
	// Account is the 12-digit account the credentials belong to.
	Account string
	// ARN is the caller's ARN as GetCallerIdentity reports it, e.g.
	// arn:aws:sts::222222222222:assumed-role/AWSControlTowerExecution/landfall-run.
	ARN string
	// UserID is the caller's unique ID as GetCallerIdentity reports it.
	UserID string
	// RoleARN is the IAM role ARN (arn:aws:iam::<acct>:role/<name>) for assumed
	// roles, empty otherwise. Service Catalog principal association matches on it.
	RoleARN string
	// RoleName is the role's name for assumed roles, empty otherwise.
	RoleName string
	// SessionName is the role session name for assumed roles.
	SessionName string
	// Admin is true for the built-in administrator identity that credentials the
	// server did not issue map to.
	Admin bool
}

// Request is one decoded API call.
type Request struct {
	// Context is the HTTP request's context.
	Context context.Context
	// Service is the SigV4 signing name: "sts", "sns", "sqs", "servicecatalog", "organizations".
	Service string
	// Operation is the API operation name, e.g. "ProvisionProduct".
	Operation string
	// Region is the region of the SigV4 credential scope.
	Region string
	// Caller is who signed the request.
	Caller Caller
	// RequestID is the ID returned to the client in the request-ID header.
	RequestID string
	// Now is the emulator clock's time when the request arrived; operations use
	// it rather than reading a clock, so one call sees one instant.
	Now time.Time
	// Body is the raw JSON body (JSON protocols only).
	Body []byte
	// Form holds the form parameters (Query protocol only).
	Form url.Values
	// Protocol is the wire protocol the request arrived in, so middleware can
	// pick the protocol's spelling of an error code (ThrottlingException for
	// JSON, Throttling for Query).
	Protocol Protocol
}

// Operation executes one API operation. It returns the response value, which
// wire encodes with encoding/json for JSON protocols or with encoding/xml as
// the content of the <OperationResult> element for Query, or an error. Errors
// that are not *Error become InternalFailure 500s.
type Operation func(*Request) (any, error)

// Service is an emulated AWS service.
type Service interface {
	// SigningName is the SigV4 service name, e.g. "servicecatalog".
	SigningName() string
	// Protocol is the service's wire protocol.
	Protocol() Protocol
	// TargetPrefix is the X-Amz-Target prefix for JSON protocols, e.g.
	// "AWS242ServiceCatalogService"; empty for Query.
	TargetPrefix() string
	// XMLNamespace is the response namespace for Query protocols, e.g.
	// "https://sts.amazonaws.com/doc/2011-06-15/"; empty for JSON.
	XMLNamespace() string
	// Operations maps operation names to their implementations.
	Operations() map[string]Operation
}

// Error is an AWS API error as the service would return it.
type Error struct {
	// Code is the error code, e.g. "ResourceNotFoundException", "AccessDenied".
	Code string
	// Message is the human-readable message.
	Message string
	// Status is the HTTP status; 0 means 400 for client errors, 500 for server ones.
	Status int
	// Server marks a server-side fault (Type Receiver in awsQuery, 5xx).
	Server bool
	// QueryCode is the awsQuery-compatible code sent in the x-amzn-query-error
	// header by JSON services that carry the awsQueryCompatible trait (SQS),
	// e.g. "AWS.SimpleQueueService.NonExistentQueue". Empty when not applicable.
	QueryCode string
	// Fields are extra members of a JSON error body, next to __type and
	// message, for modelled errors that carry them (Organizations'
	// InvalidInputException Reason). Ignored by the Query protocol.
	Fields map[string]any
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// HTTPStatus returns the HTTP status the error is sent with.
func (e *Error) HTTPStatus() int {
	switch {
	case e.Status != 0:
		return e.Status
	case e.Server:
		return http.StatusInternalServerError
	default:
		return http.StatusBadRequest
	}
}

// Errorf builds a client-side (400) error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
