// Package lambdafn emulates AWS Lambda's Invoke API for the local AWS: Go
// handlers registered per account and region are invoked in-process when a
// real SDK client, the AWS CLI or `landfall invoke` calls Invoke on the
// emulator, over restJson1 exactly as Lambda speaks it.
//
// Invocation follows what a deployed Go function (provided.al2023 with
// aws-lambda-go) would do: the handler's context carries a
// lambdacontext.LambdaContext with the request ID the response reports and
// the invoked function's ARN, and a deadline of the function's timeout;
// errors and panics come back as a 200 with X-Amz-Function-Error: Unhandled
// and the runtime's {"errorMessage","errorType"} document. Event invocations
// answer 202 and run the handler in the background with a context detached
// from the caller's; DryRun answers 204 without running anything.
//
// Each function behaves as one execution environment: its invocations run one
// at a time, because aws-lambda-go's handlers reuse their response buffer
// between invocations, which is safe in a Lambda sandbox (one invocation at a
// time per process) but not across goroutines of one process.
//
// Only $LATEST exists: there are no versions, aliases, resource policies,
// asynchronous retries or destinations.
package lambdafn

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// SigningName is Lambda's SigV4 service name.
const SigningName = "lambda"

// Runtime and Handler are what GetFunction reports for every function: Go
// functions run on the OS-only runtime with a bootstrap executable.
const (
	Runtime = "provided.al2023"
	Handler = "bootstrap"
)

// Latest is the only version an emulated function has.
const Latest = "$LATEST"

// DefaultTimeout is the timeout of functions registered without WithTimeout:
// Lambda's maximum, so that only a deliberate setting makes a handler run
// out of time.
const DefaultTimeout = 15 * time.Minute

// Payload limits, in bytes, as Lambda enforces them.
const (
	// MaxSyncPayload bounds a RequestResponse or DryRun request body.
	MaxSyncPayload = 6 << 20
	// MaxAsyncPayload bounds an Event request body.
	MaxAsyncPayload = 256 << 10
	// MaxResponsePayload bounds what a synchronous invocation may return;
	// Lambda reports a larger response as a function error.
	MaxResponsePayload = 6291556
)

// maxRecords bounds the invocation history kept for Invocations, so that a
// long-running emulator does not keep every payload forever.
const maxRecords = 1000

// functionNamePattern is what Register accepts as a function name, as
// CreateFunction does.
var functionNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// InvocationType is how a function was invoked (X-Amz-Invocation-Type).
type InvocationType string

// Invocation types.
const (
	RequestResponse InvocationType = "RequestResponse"
	Event           InvocationType = "Event"
	DryRun          InvocationType = "DryRun"
)

// Invocation is one run of a function's handler. DryRun invocations run
// nothing and are not recorded.
type Invocation struct {
	// RequestID is the AwsRequestID the handler saw, also the request ID of
	// the Invoke response.
	RequestID string
	// FunctionARN is the invoked function's unqualified ARN.
	FunctionARN string
	// Type is RequestResponse or Event.
	Type InvocationType
	// Payload is the event the handler received.
	Payload []byte
	// Response is what a synchronous caller got (or would have got, for
	// Event): the handler's output, or the error document when FunctionError
	// is set. Empty until Done.
	Response []byte
	// FunctionError is "Unhandled" when the handler failed, panicked, ran
	// out of time or returned too large a response; empty on success.
	FunctionError string
	// Error is the handler's error as returned, a *PanicError, or an error
	// describing the timeout or oversized response; nil on success.
	Error error
	// At is the emulator clock's time of the Invoke call.
	At time.Time
	// Done is false while an Event invocation is queued or running.
	Done bool
}

// PanicError is the Invocation.Error of a handler that panicked.
type PanicError struct {
	// Value is what the handler panicked with.
	Value any
}

// Error implements error.
func (e *PanicError) Error() string { return fmt.Sprintf("handler panicked: %v", e.Value) }

// Functions is the emulated Lambda service. It is safe for concurrent use.
type Functions struct {
	clock clock.Clock

	mu      sync.Mutex
	fns     map[functionKey]*function
	records []*Invocation
	pending int           // Event invocations not yet done
	idle    chan struct{} // closed when pending drops back to 0
}

var _ wire.RESTService = (*Functions)(nil)

type functionKey struct{ account, region, name string }

// function is one registered function, an execution environment of its own.
type function struct {
	arn, account, region, name string
	handler                    lambda.Handler
	timeout                    time.Duration
	registered                 time.Time
	// sandbox holds a token while an invocation runs: one at a time.
	sandbox chan struct{}
}

// Option configures New.
type Option func(*Functions)

// WithClock sets the emulator clock that stamps invocations and
// registrations; the default is the wall clock.
func WithClock(c clock.Clock) Option {
	return func(f *Functions) { f.clock = c }
}

// FunctionOption configures one function at Register.
type FunctionOption func(*function)

// WithTimeout sets the function's timeout: the deadline of its handler's
// context, after which an invocation is reported as timed out. Values <= 0
// keep DefaultTimeout.
func WithTimeout(d time.Duration) FunctionOption {
	return func(fn *function) {
		if d > 0 {
			fn.timeout = d
		}
	}
}

// New returns a service with no functions.
func New(opts ...Option) *Functions {
	f := &Functions{clock: &clock.Wall{}, fns: map[functionKey]*function{}}
	for _, o := range opts {
		o(f)
	}
	return f
}

// ARN returns the unqualified ARN of function name in account and region.
func ARN(account, regionCode, name string) string {
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", region.Partition(regionCode), regionCode, account, name)
}

// Register makes h the function name in account and region; registering a
// name again replaces its handler, as deploying new code would. It panics on
// an invalid account, region or name or a nil handler: those are wiring bugs
// in the caller, not runtime conditions.
func (f *Functions) Register(account, regionCode, name string, h lambda.Handler, opts ...FunctionOption) {
	var problems []string
	if !org.IsAccountID(account) {
		problems = append(problems, fmt.Sprintf("account %q must be a 12-digit account ID", account))
	}
	if !region.Known(regionCode) {
		problems = append(problems, fmt.Sprintf("region %q is not an AWS region (e.g. us-east-1)", regionCode))
	}
	if !functionNamePattern.MatchString(name) {
		problems = append(problems, fmt.Sprintf("name %q must be 1-64 characters of a-z, A-Z, 0-9, - and _", name))
	}
	if h == nil {
		problems = append(problems, "handler is nil; wrap a handler function with lambda.NewHandler")
	}
	if len(problems) > 0 {
		panic("lambdafn: register function: " + strings.Join(problems, "; "))
	}
	fn := &function{
		arn: ARN(account, regionCode, name), account: account, region: regionCode, name: name,
		handler: h, timeout: DefaultTimeout, registered: f.clock.Now(), sandbox: make(chan struct{}, 1),
	}
	for _, o := range opts {
		o(fn)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if old := f.fns[functionKey{account, regionCode, name}]; old != nil {
		// Share the old environment so that invocations still running on the
		// old code and the first ones on the new code do not overlap.
		fn.sandbox = old.sandbox
	}
	f.fns[functionKey{account, regionCode, name}] = fn
}

// Invocations returns the recorded invocations of the functions named name,
// in every account and region, oldest first; a function ARN narrows them to
// that function. Only the most recent invocations are kept (1000 of all
// functions together).
func (f *Functions) Invocations(name string) []Invocation {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Invocation
	for _, r := range f.records {
		if r.FunctionARN != name && !strings.HasSuffix(r.FunctionARN, ":function:"+name) {
			continue
		}
		c := *r
		c.Payload, c.Response = slices.Clone(r.Payload), slices.Clone(r.Response)
		out = append(out, c)
	}
	return out
}

// Wait blocks until no Event invocation is queued or running, or ctx is done.
func (f *Functions) Wait(ctx context.Context) error {
	for {
		f.mu.Lock()
		if f.pending == 0 {
			f.mu.Unlock()
			return nil
		}
		idle := f.idle
		f.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return fmt.Errorf("wait for asynchronous invocations: %w", ctx.Err())
		}
	}
}

// record adds an invocation to the history.
func (f *Functions) record(inv *Invocation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.records) >= maxRecords {
		// Drop the oldest half at once so appending stays amortised O(1).
		f.records = slices.Delete(f.records, 0, len(f.records)/2+1)
	}
	f.records = append(f.records, inv)
}

// startAsync counts an Event invocation as pending; finishAsync records its
// result and uncounts it.
func (f *Functions) startAsync() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == 0 {
		f.idle = make(chan struct{})
	}
	f.pending++
}

func (f *Functions) finishAsync(inv *Invocation, res result) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res.apply(inv)
	f.pending--
	if f.pending == 0 {
		close(f.idle)
	}
}

// lookup returns a registered function.
func (f *Functions) lookup(account, regionCode, name string) *function {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fns[functionKey{account, regionCode, name}]
}

// SigningName implements wire.Service.
func (*Functions) SigningName() string { return SigningName }

// Protocol implements wire.Service.
func (*Functions) Protocol() wire.Protocol { return wire.RESTJSON }

// TargetPrefix implements wire.Service; restJson1 has none.
func (*Functions) TargetPrefix() string { return "" }

// XMLNamespace implements wire.Service; restJson1 has none.
func (*Functions) XMLNamespace() string { return "" }

// Operations implements wire.Service.
func (f *Functions) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{
		"Invoke":      wire.Op(f.invoke),
		"GetFunction": wire.Op(f.getFunction),
	}
}

// routes are the request URIs of the emulated operations, from the Lambda
// service model.
var routes = []struct{ method, pattern, operation string }{
	{http.MethodPost, "/2015-03-31/functions/{FunctionName}/invocations", "Invoke"},
	{http.MethodGet, "/2015-03-31/functions/{FunctionName}", "GetFunction"},
}

// Route implements wire.RESTService.
func (*Functions) Route(method, path string) (string, map[string]string, bool) {
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
