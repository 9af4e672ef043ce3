package lambdafn

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// maxClientContext bounds the X-Amz-Client-Context header (base64), as Lambda does.
const maxClientContext = 3583

// maxLogTail is how much of the log X-Amz-Log-Type: Tail returns, as Lambda does.
const maxLogTail = 4096

// functionError is the X-Amz-Function-Error value of a failed invocation.
const functionError = "Unhandled"

var (
	// namePattern is a bare function name in an Invoke or GetFunction URI.
	namePattern = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,140}$`)
	// qualifierPattern is a version or alias.
	qualifierPattern = regexp.MustCompile(`^(\$LATEST|[a-zA-Z0-9_-]{1,128})$`)
)

// ref is a function named by a request: a name, a partial ARN
// (account:function:name) or an ARN, optionally qualified.
type ref struct {
	account, region, name, qualifier string
}

// parseRef parses the FunctionName path label.
func parseRef(s string) (ref, *wire.Error) {
	bad := validation(s, "functionName", "Member must satisfy regular expression pattern: "+functionNameRegex)
	parts := strings.Split(s, ":")
	var r ref
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function":
		if len(parts) > 8 || !region.Known(parts[3]) || !org.IsAccountID(parts[4]) {
			return ref{}, bad
		}
		r = ref{region: parts[3], account: parts[4], name: parts[6]}
		if len(parts) == 8 {
			r.qualifier = parts[7]
		}
	case len(parts) >= 3 && parts[1] == "function":
		if len(parts) > 4 || !org.IsAccountID(parts[0]) {
			return ref{}, bad
		}
		r = ref{account: parts[0], name: parts[2]}
		if len(parts) == 4 {
			r.qualifier = parts[3]
		}
	case len(parts) <= 2:
		r.name = parts[0]
		if len(parts) == 2 {
			r.qualifier = parts[1]
		}
	default:
		return ref{}, bad
	}
	if !namePattern.MatchString(r.name) || (r.qualifier != "" && !qualifierPattern.MatchString(r.qualifier)) {
		return ref{}, bad
	}
	return r, nil
}

// resolve finds the function a request names, on behalf of its caller, for
// action (InvokeFunction, GetFunction), from the FunctionName path label and
// Qualifier query parameter. It returns the function and the qualifier the
// request named, if any.
func (f *Functions) resolve(req *wire.Request, name, q, action string) (*function, string, *wire.Error) {
	r, werr := parseRef(name)
	if werr != nil {
		return nil, "", werr
	}
	if q != "" && !qualifierPattern.MatchString(q) {
		return nil, "", validation(q, "qualifier", `Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`)
	}
	if r.qualifier != "" && q != "" && r.qualifier != q {
		return nil, "", invalidParameter("The derived qualifier from the function name does not match the specified qualifier.")
	}
	if q == "" {
		q = r.qualifier
	}
	if r.region != "" && r.region != req.Region {
		return nil, "", notReachable(r.region, req.Region)
	}
	account := req.Caller.Account
	if r.account != "" && r.account != account {
		// Another account's function needs a resource-based policy, and the
		// emulator has none: Lambda answers AccessDenied whether the
		// function exists or not.
		return nil, "", accessDenied(req.Caller, action, ARN(r.account, req.Region, r.name))
	}
	arn := ARN(account, req.Region, r.name)
	if q != "" && q != Latest {
		return nil, "", functionNotFound(arn + ":" + q)
	}
	fn := f.lookup(account, req.Region, r.name)
	if fn == nil {
		return nil, "", functionNotFound(arn)
	}
	return fn, q, nil
}

// invokeInput is Invoke's input, bound as the Lambda model binds it.
type invokeInput struct {
	FunctionName   string `rest:"label"`
	Qualifier      string `rest:"query"`
	InvocationType string `rest:"header=X-Amz-Invocation-Type"`
	LogType        string `rest:"header=X-Amz-Log-Type"`
	ClientContext  string `rest:"header=X-Amz-Client-Context"`
	Payload        []byte `rest:"payload"`
}

// invoke implements Invoke.
func (f *Functions) invoke(req *wire.Request, in *invokeInput) (any, error) {
	fn, qualifier, werr := f.resolve(req, in.FunctionName, in.Qualifier, "InvokeFunction")
	if werr != nil {
		return nil, werr
	}
	typ := InvocationType(in.InvocationType)
	switch typ {
	case "":
		typ = RequestResponse
	case RequestResponse, Event, DryRun:
	default:
		return nil, validation(string(typ), "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
	}
	logType := in.LogType
	if logType != "" && logType != "None" && logType != "Tail" {
		return nil, validation(logType, "logType", "Member must satisfy enum value set: [Tail, None]")
	}
	cc, werr := clientContext(in.ClientContext)
	if werr != nil {
		return nil, werr
	}
	switch {
	case typ == Event && len(in.Payload) > MaxAsyncPayload:
		return nil, tooLarge(MaxAsyncPayload, "InvokeFunction (InvocationType Event)")
	case len(in.Payload) > MaxSyncPayload:
		return nil, tooLarge(MaxSyncPayload, "InvokeFunction")
	}
	payload := bytes.TrimSpace(in.Payload)
	if len(payload) == 0 {
		// Lambda hands a handler invoked without a payload an empty object.
		payload = []byte("{}")
	} else if err := checkJSON(payload); err != nil {
		return nil, invalidContent("Could not parse request body into json: Could not parse payload into json: %v: the payload must be a JSON document", err)
	} else {
		payload = bytes.Clone(in.Payload)
	}

	if typ == DryRun {
		return wire.RawResponse{Status: http.StatusNoContent}, nil
	}

	invokedARN := fn.arn
	if qualifier != "" {
		invokedARN += ":" + qualifier
	}
	lc := lambdacontext.LambdaContext{AwsRequestID: req.RequestID, InvokedFunctionArn: invokedARN, ClientContext: cc}
	inv := &Invocation{RequestID: req.RequestID, FunctionARN: fn.arn, Type: typ, Payload: payload, At: req.Now}
	// The handler runs on, detached from the caller's context, if the caller
	// goes away: a Lambda execution outlives the HTTP request that started it.
	ctx := context.WithoutCancel(req.Context)

	if typ == Event {
		f.record(inv)
		f.startAsync()
		go func() {
			fn.sandbox <- struct{}{}
			res := fn.run(ctx, lc, payload, false)
			<-fn.sandbox
			f.finishAsync(inv, res)
		}()
		return wire.RawResponse{Status: http.StatusAccepted}, nil
	}

	select {
	case fn.sandbox <- struct{}{}:
	case <-req.Context.Done():
		return nil, fmt.Errorf("invoke %s: caller went away while the function was busy: %w", fn.arn, req.Context.Err())
	}
	res := fn.run(ctx, lc, payload, true)
	<-fn.sandbox
	res.apply(inv)
	f.record(inv)

	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Amz-Executed-Version", Latest)
	if res.errDoc != nil {
		h.Set("X-Amz-Function-Error", functionError)
	}
	if logType == "Tail" {
		h.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(res.logTail(req.RequestID, req.Now)))
	}
	return wire.RawResponse{Status: http.StatusOK, Header: h, Body: res.body()}, nil
}

// checkJSON reports whether payload is exactly one JSON value.
func checkJSON(payload []byte) error {
	dec := json.NewDecoder(bytes.NewReader(payload))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// clientContext decodes X-Amz-Client-Context: base64 of a JSON object.
func clientContext(header string) (lambdacontext.ClientContext, *wire.Error) {
	var cc lambdacontext.ClientContext
	if header == "" {
		return cc, nil
	}
	if len(header) > maxClientContext {
		return cc, invalidParameter("Client context must be at most %d bytes (base64-encoded); it is %d", maxClientContext, len(header))
	}
	raw, err := base64.StdEncoding.DecodeString(header)
	if err == nil {
		err = json.Unmarshal(raw, &cc)
	}
	if err != nil {
		return cc, invalidContent("Client context must be a valid Base64-encoded JSON object: %v", err)
	}
	return cc, nil
}

// result is the outcome of running a handler once.
type result struct {
	output   []byte
	errDoc   *messages.InvokeResponse_Error
	err      error
	duration time.Duration
}

// apply copies the outcome into an invocation record.
func (r result) apply(inv *Invocation) {
	inv.Response, inv.Error, inv.Done = r.body(), r.err, true
	if r.errDoc != nil {
		inv.FunctionError = functionError
	}
}

// body is what the caller receives: the output or the error document.
func (r result) body() []byte {
	if r.errDoc == nil {
		return r.output
	}
	b, err := json.Marshal(r.errDoc)
	if err != nil { // a stack frame that cannot be marshalled; as the runtime does
		b, _ = json.Marshal(messages.InvokeResponse_Error{Type: "Runtime.SerializationError", Message: err.Error()})
	}
	return b
}

// logTail is the tail of the invocation's log as Lambda would report it: the
// platform's START/END/REPORT lines around the runtime's error line. What the
// handler itself logs goes wherever its logger writes, not here.
func (r result) logTail(requestID string, at time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "START RequestId: %s Version: %s\n", requestID, Latest)
	if r.errDoc != nil {
		// aws-lambda-go logs the error document with log.Printf.
		fmt.Fprintf(&b, "%s %s\n", at.UTC().Format("2006/01/02 15:04:05"), r.body())
	}
	ms := float64(r.duration.Microseconds()) / 1000
	fmt.Fprintf(&b, "END RequestId: %s\n", requestID)
	fmt.Fprintf(&b, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\t\n", requestID, ms, r.duration.Milliseconds()+1)
	s := b.String()
	if len(s) > maxLogTail {
		s = s[len(s)-maxLogTail:]
	}
	return []byte(s)
}

// run invokes the handler the way aws-lambda-go's runtime loop does, and
// turns its outcome into what Lambda reports. sync enables the response size
// limit, which only applies to a caller waiting for the response.
func (fn *function) run(parent context.Context, lc lambdacontext.LambdaContext, payload []byte, sync bool) result {
	ctx, cancel := context.WithTimeout(parent, fn.timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lc)

	start := time.Now()
	out, doc, err := callHandler(ctx, fn, payload)
	res := result{output: out, err: err, errDoc: doc, duration: time.Since(start)}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		// Lambda stops the function at its deadline, whatever it returns after.
		res.output = nil
		res.err = fmt.Errorf("function %s timed out after %s: %w", fn.name, fn.timeout, context.DeadlineExceeded)
		res.errDoc = &messages.InvokeResponse_Error{
			Type:    "Sandbox.Timedout",
			Message: fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", lc.AwsRequestID, fn.timeout.Seconds()),
		}
	case doc == nil && sync && len(out) > MaxResponsePayload:
		res.output = nil
		res.err = fmt.Errorf("function %s returned %d bytes, more than Lambda's %d-byte limit for a synchronous response", fn.name, len(out), MaxResponsePayload)
		res.errDoc = &messages.InvokeResponse_Error{
			Type:    "Function.ResponseSizeTooLarge",
			Message: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponsePayload),
		}
	}
	return res
}

// callHandler calls the handler, recovering a panic into the document the
// runtime reports. The output is copied before the next invocation can start:
// aws-lambda-go handlers return a buffer they reuse.
func callHandler(ctx context.Context, fn *function, payload []byte) (out []byte, doc *messages.InvokeResponse_Error, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, doc, err = nil, panicDocument(p), &PanicError{Value: p}
		}
	}()
	out, err = fn.handler.Invoke(ctx, payload)
	if err != nil {
		return nil, errorDocument(err), err
	}
	return bytes.Clone(out), nil, nil
}

// errorDocument is aws-lambda-go's lambdaErrorResponse: a handler may return
// a messages.InvokeResponse_Error to control the document; any other error
// is reported with the name of its (pointed-to) type.
func errorDocument(err error) *messages.InvokeResponse_Error {
	// A plain type assertion, not errors.As, as the runtime does: only the
	// error itself controls the document, not errors it wraps.
	if ive, ok := err.(messages.InvokeResponse_Error); ok {
		return &ive
	}
	return &messages.InvokeResponse_Error{Message: err.Error(), Type: typeName(err)}
}

// panicDocument is aws-lambda-go's lambdaPanicResponse.
func panicDocument(p any) *messages.InvokeResponse_Error {
	if ive, ok := p.(messages.InvokeResponse_Error); ok {
		return &ive
	}
	return &messages.InvokeResponse_Error{Message: fmt.Sprintf("%v", p), Type: typeName(p), StackTrace: panicStack()}
}

func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return ""
	}
	if t.Kind() == reflect.Pointer {
		return t.Elem().Name()
	}
	return t.Name()
}

// panicStack is the stack of a panicking handler as the runtime reports it:
// frames from the panic down, each path trimmed to the package's directory
// and each label to the function within its package.
func panicStack() []*messages.InvokeResponse_Error_StackFrame {
	pcs := make([]uintptr, 32)
	// Skip runtime.Callers, panicStack, panicDocument, the deferred function
	// and runtime.gopanic: the first frame is where the handler panicked.
	n := runtime.Callers(5, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var out []*messages.InvokeResponse_Error_StackFrame
	for {
		fr, more := frames.Next()
		out = append(out, stackFrame(fr))
		if !more {
			return out
		}
	}
}

// stackFrame formats a frame as aws-lambda-go does: given function
// example.com/pkg/sub.Type.Method in /home/u/src/example.com/pkg/sub/file.go,
// the path is example.com/pkg/sub/file.go and the label Type.Method.
func stackFrame(fr runtime.Frame) *messages.InvokeResponse_Error_StackFrame {
	path, label := fr.File, fr.Function
	i := len(path)
	for range strings.Count(label, "/") + 2 {
		if i = strings.LastIndex(path[:i], "/"); i == -1 {
			break
		}
	}
	path = path[i+1:]
	label = label[strings.LastIndex(label, "/")+1:]
	label = label[strings.Index(label, ".")+1:]
	return &messages.InvokeResponse_Error_StackFrame{Path: path, Line: int32(fr.Line), Label: label}
}
