// Package wire is the protocol layer of the local AWS emulator: it turns the
// HTTP requests the real aws-sdk-go-v2 clients send into calls on emulated
// services, and their results and errors back into the exact response shapes
// the SDK deserializers expect (awsJson1_0, awsJson1_1, awsQuery/XML and
// restJson1).
//
// Services know nothing about HTTP: every operation has one shape, Op, a
// function of the Request and its typed input, decoded here the way the
// service's protocol carries it, returning a value or an *Error. Listings
// share one paging core, Page, with each service's own token format.
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
	// RESTJSON is restJson1 (Lambda): the method and URL path name the
	// operation, members travel in path labels, query parameters, headers and
	// the body. Services speaking it implement RESTService.
	RESTJSON
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
	// Service is the SigV4 signing name: "sts", "sns", "sqs", "servicecatalog", "organizations", "lambda".
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
	// Body is the raw request body (JSON and REST protocols): a JSON
	// document for awsJson, the HTTP payload as sent for restJson1.
	Body []byte
	// Form holds the form parameters (Query protocol only).
	Form url.Values
	// PathParams holds the URL path labels the RESTService's Route extracted,
	// already percent-decoded (RESTJSON only).
	PathParams map[string]string
	// Query holds the URL query parameters (every protocol; Query services
	// also see them merged into Form).
	Query url.Values
	// Header holds the request headers (every protocol). restJson1 binds
	// members to headers, e.g. Lambda's X-Amz-Invocation-Type.
	Header http.Header
	// Protocol is the wire protocol the request arrived in, so middleware can
	// pick the protocol's spelling of an error code (ThrottlingException for
	// JSON, Throttling for Query).
	Protocol Protocol

	// doc is Body decoded once by Document, for the validator and the
	// authorizer, which both read a request's members before its operation.
	doc     map[string]any
	docOK   bool
	docRead bool
}

// Operation executes one API operation. It returns the response value, which
// wire encodes with encoding/json for JSON and REST protocols (HTTP 200) or
// with encoding/xml as the content of the <OperationResult> element for Query,
// or an error. A RawResponse (or *RawResponse) result is sent as is, for
// operations whose output is bound to the status, headers or raw body.
// Errors that are not *Error become InternalFailure 500s.
type Operation func(*Request) (any, error)

// Service is an emulated AWS service.
type Service interface {
	// SigningName is the SigV4 service name, e.g. "servicecatalog".
	SigningName() string
	// Protocol is the service's wire protocol.
	Protocol() Protocol
	// TargetPrefix is the X-Amz-Target prefix for JSON protocols, e.g.
	// "AWS242ServiceCatalogService"; empty for Query and RESTJSON.
	TargetPrefix() string
	// XMLNamespace is the response namespace for Query protocols, e.g.
	// "https://sts.amazonaws.com/doc/2011-06-15/"; empty for JSON.
	XMLNamespace() string
	// Operations maps operation names to their implementations.
	Operations() map[string]Operation
}

// RESTService is implemented by services whose Protocol is RESTJSON: the
// server asks it which operation a request's method and path name.
type RESTService interface {
	Service
	// Route maps a request to an operation of Operations and the path
	// labels it carries. path is the URL path as sent, still percent-encoded,
	// so that an encoded "/" inside a label cannot split it; MatchPath
	// matches it against a URI pattern of the service model and decodes the
	// labels. ok is false if no operation has that method and path.
	Route(method, path string) (operation string, params map[string]string, ok bool)
}

// RawResponse is an operation result sent exactly as given, for operations
// whose output is bound to the HTTP response rather than a JSON document:
// Lambda's Invoke answers the function's payload as the body, its outcome in
// headers and 202/204 for asynchronous and dry-run invocations. The server
// adds Content-Length and the request-ID headers, and a Content-Type for the
// protocol when Header has none and Body is not empty.
type RawResponse struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Header holds the response headers to send.
	Header http.Header
	// Body is the response body, sent byte for byte.
	Body []byte
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
	// MessageKey is the member that carries Message in a RESTJSON error
	// body; empty means "message". The SDK reads modelled errors' members by
	// their exact model names, and a few (Lambda's ResourceNotFoundException)
	// spell it "Message".
	MessageKey string
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
