package wire

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unique"

	"github.com/landfall/landfall/internal/localaws/clock"
)

// maxBodyBytes bounds a request body. The largest legitimate request the
// emulated services take is an SNS message (256 KiB) URL-encoded: 4 MiB is
// comfortably above that and still refuses a runaway client.
const maxBodyBytes = 4 << 20

// Middleware wraps every operation of every service (faults use it). It sees
// the decoded, authenticated Request.
type Middleware func(next Operation) Operation

// Validator checks a request against its operation's service model before
// the operation runs (package model implements it). It returns nil, or the
// error the service answers for a request that breaks the model's
// constraints, in that service's code and wording.
type Validator interface {
	Validate(*Request) error
}

// ServerOptions configures a Server.
type ServerOptions struct {
	// Services are the emulated services. Two services may not share a
	// signing name or a target prefix. RESTJSON services must implement
	// RESTService.
	Services []Service
	// Auth resolves access keys to callers. Nil accepts every key as a
	// Caller with only AccessKeyID set.
	Auth Authenticator
	// Clock is the emulator clock; nil means the wall clock.
	Clock clock.Clock
	// Middleware wraps every operation; the first element is the outermost.
	Middleware []Middleware
	// Validator, when set, checks every request before its operation runs,
	// inside the middleware: a call that is throttled or comes from a
	// disabled region is refused for that first, as AWS does.
	Validator Validator
	// Logger logs one line per call; nil means no per-call logging.
	Logger *slog.Logger
}

// mounted is a service with its middleware-wrapped operations.
type mounted struct {
	svc Service
	ops map[string]Operation
}

// Server is the HTTP front door of the emulator: it routes each request to a
// service operation, authenticates the caller, runs the operation and encodes
// the result or error in the service's protocol. It implements http.Handler
// and is safe for concurrent use.
type Server struct {
	byTarget map[string]*mounted // JSON protocols, by X-Amz-Target prefix
	byName   map[string]*mounted // every service, by SigV4 signing name
	rest     []*mounted          // RESTJSON services, in registration order
	auth     Authenticator
	clock    clock.Clock
	logger   *slog.Logger
	calls    *CallLog
}

// NewServer builds a Server. It panics if two services share a signing name
// or target prefix, or a RESTJSON service does not implement RESTService:
// those are wiring bugs in the caller, not runtime conditions.
func NewServer(opts ServerOptions) *Server {
	s := &Server{
		byTarget: map[string]*mounted{},
		byName:   map[string]*mounted{},
		auth:     opts.Auth,
		clock:    opts.Clock,
		logger:   opts.Logger,
		calls:    newCallLog(0),
	}
	if s.clock == nil {
		s.clock = &clock.Wall{}
	}
	for _, svc := range opts.Services {
		m := &mounted{svc: svc, ops: map[string]Operation{}}
		for name, op := range svc.Operations() {
			if opts.Validator != nil {
				op = validated(opts.Validator, op)
			}
			for i := len(opts.Middleware) - 1; i >= 0; i-- {
				op = opts.Middleware[i](op)
			}
			m.ops[name] = op
		}
		if _, dup := s.byName[svc.SigningName()]; dup {
			panic(fmt.Sprintf("wire: two services with signing name %q", svc.SigningName()))
		}
		s.byName[svc.SigningName()] = m
		switch svc.Protocol() {
		case Query:
		case RESTJSON:
			if _, ok := svc.(RESTService); !ok {
				panic(fmt.Sprintf("wire: RESTJSON service %q does not implement wire.RESTService", svc.SigningName()))
			}
			s.rest = append(s.rest, m)
		default:
			if _, dup := s.byTarget[svc.TargetPrefix()]; dup {
				panic(fmt.Sprintf("wire: two services with target prefix %q", svc.TargetPrefix()))
			}
			s.byTarget[svc.TargetPrefix()] = m
		}
	}
	return s
}

// Calls returns the server's call log.
func (s *Server) Calls() *CallLog { return s.calls }

// Client returns an *http.Client whose transport calls the server in memory,
// without sockets. Point SDK clients at it with any BaseEndpoint, e.g.
// http://localaws.internal.
func (s *Server) Client() *http.Client { return NewInMemoryClient(s) }

// call is the state of one request while it is being served.
type call struct {
	proto     Protocol
	namespace string
	service   string
	operation string
	scope     Scope
	caller    Caller
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	start := time.Now()
	req := &Request{Context: hr.Context(), Now: s.clock.Now(), RequestID: newRequestID()}
	c, resp := s.serve(hr, req)
	resp.write(w)

	errCode := resp.code
	if c.service != "" && c.operation != "" {
		s.calls.add(Call{
			Key: unique.Make(c.service + "." + c.operation).Value(), Service: c.service, Operation: c.operation,
			Account: c.caller.Account, Region: c.scope.Region, CallerARN: c.caller.ARN,
			RequestID: req.RequestID, Time: req.Now, Status: resp.status, ErrorCode: errCode, ErrorMessage: resp.message,
		})
	}
	if s.logger != nil {
		s.logger.LogAttrs(hr.Context(), slog.LevelInfo, "localaws call",
			slog.String("service", c.service), slog.String("operation", c.operation),
			slog.String("account", c.caller.Account), slog.String("region", c.scope.Region),
			slog.Int("status", resp.status), slog.String("error", errCode),
			slog.String("requestId", req.RequestID), slog.Duration("took", time.Since(start)))
	}
}

// serve decodes, authenticates and runs one request. It always returns a
// response; the call describes as much of the request as could be decoded.
func (s *Server) serve(hr *http.Request, req *Request) (call, response) {
	var c call
	fail := func(e *Error) (call, response) {
		e = Localize(e, c.proto)
		return c, encodeError(c.proto, c.namespace, req.RequestID, e)
	}

	// Protocol and operation: JSON requests name them in X-Amz-Target,
	// restJson1 requests in the method and path, Query requests in the
	// Action form field. REST routing needs no body, and decides how large
	// a body may be.
	target := hr.Header.Get("X-Amz-Target")
	var m *mounted
	limit := maxBodyBytes
	if target == "" {
		var params map[string]string
		if m, c.operation, params = s.routeREST(hr); m != nil {
			c.proto, c.service = RESTJSON, m.svc.SigningName()
			req.PathParams = params
			limit = maxRESTBodyBytes
		}
	}
	errProto := c.proto
	if errProto == 0 {
		errProto = JSON11
	}

	sizeHint := 0
	if hr.ContentLength >= 0 && hr.ContentLength <= int64(limit) {
		sizeHint = int(hr.ContentLength)
	}
	body, err := readBody(io.LimitReader(hr.Body, int64(limit)+1), sizeHint)
	if err != nil {
		c.proto = errProto
		return fail(&Error{Code: "SerializationException", Message: "cannot read request body: " + err.Error()})
	}
	if len(body) > limit {
		c.proto = errProto
		return fail(&Error{Code: "RequestEntityTooLarge", Message: fmt.Sprintf("request body exceeds %d bytes", limit), Status: http.StatusRequestEntityTooLarge})
	}
	req.Header = hr.Header.Clone()
	req.Query = hr.URL.Query()

	switch {
	case m != nil: // restJson1, routed above
		req.Body = body
	case target != "":
		c.proto = JSON11
		prefix, op, ok := strings.Cut(target, ".")
		if !ok || op == "" {
			return fail(&Error{Code: "UnknownOperationException", Message: fmt.Sprintf("X-Amz-Target %q is not <ServicePrefix>.<Operation>", target)})
		}
		c.operation = op
		if m = s.byTarget[prefix]; m == nil {
			return fail(&Error{Code: "UnknownOperationException", Message: fmt.Sprintf("no emulated service has X-Amz-Target prefix %q (operation %s)", prefix, op)})
		}
		c.proto, c.service = m.svc.Protocol(), m.svc.SigningName()
		req.Body = body
	default:
		if rm := s.restByScope(hr); rm != nil {
			// Signed for a REST service, but no route matched: answer in
			// that service's protocol, not with a missing Action.
			c.proto, c.service = RESTJSON, rm.svc.SigningName()
			return fail(&Error{
				Code:    "UnknownOperationException",
				Message: fmt.Sprintf("%s %s is not an operation of the emulated %s service", hr.Method, hr.URL.EscapedPath(), c.service),
				Status:  http.StatusNotFound,
			})
		}
		c.proto = Query
		form, err := parseForm(string(body))
		if err != nil {
			return fail(&Error{Code: "MalformedQueryString", Message: "cannot parse form body: " + err.Error()})
		}
		for k, v := range hr.URL.Query() {
			if !strings.HasPrefix(k, "X-Amz-") {
				form[k] = append(form[k], v...)
			}
		}
		c.operation = form.Get("Action")
		if c.operation == "" {
			return fail(&Error{Code: "MissingAction", Message: "the request must contain the parameter Action (or the X-Amz-Target header for JSON protocols)"})
		}
		req.Form = form
	}

	scope, err := RequestScope(hr)
	switch {
	case errors.Is(err, errNoAuth):
		return fail(&Error{Code: "MissingAuthenticationTokenException", Message: "Request is missing Authentication Token", Status: http.StatusForbidden})
	case err != nil:
		return fail(&Error{Code: "IncompleteSignatureException", Message: err.Error(), Status: http.StatusForbidden})
	}
	c.scope = scope

	if m == nil { // Query: the service is the signing name of the credential scope
		c.service = scope.Service
		if m = s.byName[scope.Service]; m == nil || m.svc.Protocol() != Query {
			return fail(&Error{Code: "InvalidAction", Message: fmt.Sprintf("The action %s is not valid for this web service (no emulated Query service signs as %s).", c.operation, scope.Service)})
		}
	}
	c.namespace = m.svc.XMLNamespace()

	caller := Caller{AccessKeyID: scope.AccessKeyID}
	if s.auth != nil {
		caller, err = s.auth.Authenticate(scope.AccessKeyID, req.Now)
		if err != nil {
			return fail(asError(err))
		}
		caller.AccessKeyID = scope.AccessKeyID
	}
	c.caller = caller

	op := m.ops[c.operation]
	if op == nil {
		if c.proto == Query {
			return fail(&Error{Code: "InvalidAction", Message: fmt.Sprintf("The action %s is not valid for this web service.", c.operation)})
		}
		return fail(&Error{Code: "UnknownOperationException", Message: fmt.Sprintf("operation %s is not supported by the emulated %s service", c.operation, c.service)})
	}

	req.Service, req.Operation, req.Region, req.Caller, req.Protocol = c.service, c.operation, scope.Region, caller, c.proto
	out, err := runOperation(op, req)
	if err != nil {
		return fail(asError(err))
	}
	resp, err := encodeResult(c.proto, c.namespace, c.operation, req.RequestID, out)
	if err != nil {
		return fail(InternalFailure(err.Error()))
	}
	return c, resp
}

// validated runs op only for requests v accepts.
func validated(v Validator, op Operation) Operation {
	return func(r *Request) (any, error) {
		if err := v.Validate(r); err != nil {
			return nil, err
		}
		return op(r)
	}
}

// runOperation runs op, turning a panic into an InternalFailure so that one
// buggy operation cannot take the whole emulator down.
func runOperation(op Operation, req *Request) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, InternalFailure(fmt.Sprintf("operation %s.%s panicked: %v", req.Service, req.Operation, p))
		}
	}()
	return op(req)
}

// asError maps any error to an *Error: errors that are not API errors are bugs
// or unexpected conditions and surface as InternalFailure 500s.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return InternalFailure(err.Error())
}

// newRequestID returns a random UUID-formatted request ID, as AWS uses.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// parseForm parses an awsQuery body into copies of its keys and values.
// url.ParseQuery returns substrings of the body where nothing is escaped,
// and the emulator keeps some values (a published message's subject, a
// topic's ARN): a substring would keep each whole request body alive.
func parseForm(body string) (url.Values, error) {
	parsed, err := url.ParseQuery(body)
	if err != nil {
		return nil, err
	}
	form := make(url.Values, len(parsed))
	for k, vs := range parsed {
		copied := make([]string, len(vs))
		for i, v := range vs {
			copied[i] = strings.Clone(v)
		}
		form[strings.Clone(k)] = copied
	}
	return form, nil
}

// readBody is io.ReadAll with the buffer sized for sizeHint bytes (the
// request's Content-Length, when known), so that reading a body does not
// grow the buffer step by step.
func readBody(r io.Reader, sizeHint int) ([]byte, error) {
	b := make([]byte, 0, max(sizeHint+1, 512)) // +1: room for the read that sees EOF
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}
