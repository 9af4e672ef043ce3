package lambdafn_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/lambdafn"
)

var launchARN = lambdafn.ARN(mgmt, home, "landfall-launch")

func TestInvokeRequestResponse(t *testing.T) {
	h := newHarness(t)
	h.fns.Register(mgmt, home, "landfall-launch", echo())
	out, err := h.client("AKIDMGMT", home).Invoke(t.Context(), &awslambda.InvokeInput{
		FunctionName: aws.String("landfall-launch"),
		Payload:      []byte(`{"accounts":["222222222222"]}`),
	})
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if out.StatusCode != 200 || aws.ToString(out.ExecutedVersion) != "$LATEST" || out.FunctionError != nil || out.LogResult != nil {
		t.Errorf("Invoke = status %d version %q function error %q log %q", out.StatusCode, aws.ToString(out.ExecutedVersion), aws.ToString(out.FunctionError), aws.ToString(out.LogResult))
	}
	var got seen
	if err := json.Unmarshal(out.Payload, &got); err != nil {
		t.Fatalf("payload %s: %v", out.Payload, err)
	}
	requestID, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if got.RequestID == "" || got.RequestID != requestID {
		t.Errorf("handler's AwsRequestID = %q, response request ID = %q; want the same", got.RequestID, requestID)
	}
	if got.FunctionARN != launchARN || string(got.Event) != `{"accounts":["222222222222"]}` || !got.HasDeadline {
		t.Errorf("handler saw %+v", got)
	}

	invs := h.fns.Invocations("landfall-launch")
	if len(invs) != 1 {
		t.Fatalf("Invocations = %+v, want 1", invs)
	}
	inv := invs[0]
	if inv.RequestID != requestID || inv.FunctionARN != launchARN || inv.Type != lambdafn.RequestResponse || !inv.Done ||
		!inv.At.Equal(t0) || inv.Error != nil || inv.FunctionError != "" || !bytes.Equal(inv.Response, out.Payload) || string(inv.Payload) != `{"accounts":["222222222222"]}` {
		t.Errorf("Invocation = %+v", inv)
	}
	if n := len(h.fns.Invocations(launchARN)); n != 1 {
		t.Errorf("Invocations(ARN) has %d, want 1", n)
	}
	if n := len(h.fns.Invocations("other")); n != 0 {
		t.Errorf("Invocations(other) has %d, want 0", n)
	}
}

// customError is an error type whose name the runtime reports as errorType.
type customError struct{ reason string }

func (e *customError) Error() string { return "custom: " + e.reason }

func TestInvokeFunctionErrors(t *testing.T) {
	tests := []struct {
		name      string
		handler   lambda.Handler
		opts      []lambdafn.FunctionOption
		wantType  string
		wantMsg   string
		wantStack bool
		wantErr   func(error) bool
	}{
		{
			name:     "errors.New",
			handler:  lambda.NewHandler(func() error { return errors.New("plan has no regions") }),
			wantType: "errorString", wantMsg: "plan has no regions",
			wantErr: func(err error) bool { return err != nil && err.Error() == "plan has no regions" },
		},
		{
			name:     "wrapped",
			handler:  lambda.NewHandler(func() error { return fmt.Errorf("queue run: %w", context.Canceled) }),
			wantType: "wrapError", wantMsg: "queue run: context canceled",
			wantErr: func(err error) bool { return errors.Is(err, context.Canceled) },
		},
		{
			name:     "custom type",
			handler:  lambda.NewHandler(func() error { return &customError{"x"} }),
			wantType: "customError", wantMsg: "custom: x",
			wantErr: func(err error) bool { var c *customError; return errors.As(err, &c) },
		},
		{
			name: "runtime error document",
			handler: lambda.NewHandler(func() error {
				return messages.InvokeResponse_Error{Type: "Landfall.Invalid", Message: "bad payload"}
			}),
			wantType: "Landfall.Invalid", wantMsg: "bad payload",
			wantErr: func(err error) bool { return err != nil },
		},
		{
			name:     "payload the handler cannot decode",
			handler:  lambda.NewHandler(func(n int) error { return nil }),
			wantType: "UnmarshalTypeError", wantMsg: "json: cannot unmarshal object into Go value of type int",
			wantErr: func(err error) bool { return err != nil },
		},
		{
			name:     "panic",
			handler:  lambda.NewHandler(func() error { panic("assignment to entry in nil map") }),
			wantType: "string", wantMsg: "assignment to entry in nil map", wantStack: true,
			wantErr: func(err error) bool {
				var p *lambdafn.PanicError
				return errors.As(err, &p) && p.Value == "assignment to entry in nil map"
			},
		},
		{
			name: "timeout",
			handler: lambda.NewHandler(func(ctx context.Context) (string, error) {
				<-ctx.Done() // a handler that ignores its deadline would be cut off too
				return "too late", nil
			}),
			opts:     []lambdafn.FunctionOption{lambdafn.WithTimeout(time.Millisecond)},
			wantType: "Sandbox.Timedout", wantMsg: "Task timed out after 0.00 seconds",
			wantErr: func(err error) bool { return errors.Is(err, context.DeadlineExceeded) },
		},
		{
			name: "response too large",
			handler: lambda.NewHandler(func() (string, error) {
				return strings.Repeat("x", lambdafn.MaxResponsePayload), nil
			}),
			wantType: "Function.ResponseSizeTooLarge", wantMsg: "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
			wantErr: func(err error) bool { return err != nil && strings.Contains(err.Error(), "6291556") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fns.Register(mgmt, home, "fn", tt.handler, tt.opts...)
			out, err := h.client("AKIDMGMT", home).Invoke(t.Context(), &awslambda.InvokeInput{
				FunctionName: aws.String("fn"), Payload: []byte(`{"k":"v"}`), LogType: types.LogTypeTail,
			})
			if err != nil {
				t.Fatalf("Invoke: %v, want a function error in a 200 response", err)
			}
			if out.StatusCode != 200 || aws.ToString(out.FunctionError) != "Unhandled" {
				t.Errorf("status %d, FunctionError %q; want 200 Unhandled", out.StatusCode, aws.ToString(out.FunctionError))
			}
			var doc messages.InvokeResponse_Error
			if err := json.Unmarshal(out.Payload, &doc); err != nil {
				t.Fatalf("payload %.200s: %v", out.Payload, err)
			}
			if doc.Type != tt.wantType || !strings.Contains(doc.Message, tt.wantMsg) {
				t.Errorf("error document = %s, want errorType %q and errorMessage containing %q", out.Payload, tt.wantType, tt.wantMsg)
			}
			if tt.wantStack != (len(doc.StackTrace) > 0) {
				t.Errorf("stackTrace = %v, want present: %v", doc.StackTrace, tt.wantStack)
			}
			if tt.wantStack && !strings.HasSuffix(doc.StackTrace[0].Path, "invoke_test.go") {
				t.Errorf("first stack frame = %+v, want the panicking handler in invoke_test.go", doc.StackTrace[0])
			}

			logs, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
			if err != nil {
				t.Fatalf("LogResult: %v", err)
			}
			requestID, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
			for _, want := range []string{"START RequestId: " + requestID + " Version: $LATEST", `"errorType":"` + tt.wantType + `"`, "END RequestId: " + requestID, "REPORT RequestId: " + requestID} {
				if !strings.Contains(string(logs), want) {
					t.Errorf("log tail = %q\nwant it to contain %q", logs, want)
				}
			}

			invs := h.fns.Invocations("fn")
			if len(invs) != 1 || invs[0].FunctionError != "Unhandled" || !tt.wantErr(invs[0].Error) || !bytes.Equal(invs[0].Response, out.Payload) {
				t.Errorf("Invocations = %+v", invs)
			}
		})
	}
}

func TestInvokeEvent(t *testing.T) {
	h := newHarness(t)
	rec := newRecorder(true)
	h.fns.Register(mgmt, home, "landfall-launch", rec.handler())
	defer rec.open()

	// The caller's context ends as soon as Invoke returns: the function
	// must run on regardless.
	callCtx, cancel := context.WithCancel(t.Context())
	out, err := h.client("AKIDMGMT", home).Invoke(callCtx, &awslambda.InvokeInput{
		FunctionName: aws.String("landfall-launch"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"n":1}`),
	})
	cancel()
	if err != nil {
		t.Fatalf("Invoke Event: %v", err)
	}
	if out.StatusCode != 202 || len(out.Payload) != 0 || out.ExecutedVersion != nil {
		t.Errorf("Invoke Event = status %d payload %q version %v; want 202, empty", out.StatusCode, out.Payload, out.ExecutedVersion)
	}
	requestID, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if invs := h.fns.Invocations("landfall-launch"); len(invs) != 1 || invs[0].Done || invs[0].Type != lambdafn.Event || invs[0].RequestID != requestID {
		t.Errorf("Invocations while the handler waits = %+v, want one Event not done", invs)
	}

	rec.open()
	got := <-rec.saw
	if got.RequestID != requestID || got.FunctionARN != launchARN || string(got.Event) != `{"n":1}` || got.CtxErr != "" {
		t.Errorf("handler saw %+v, want request %s with a live context", got, requestID)
	}
	if err := h.fns.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	invs := h.fns.Invocations("landfall-launch")
	if len(invs) != 1 || !invs[0].Done || invs[0].Error != nil || !strings.Contains(string(invs[0].Response), requestID) {
		t.Errorf("Invocations after Wait = %+v, want the Event done with the handler's response", invs)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	h := newHarness(t)
	rec := newRecorder(true)
	defer rec.open()
	h.fns.Register(mgmt, home, "slow", rec.handler())
	if _, err := h.client("AKIDMGMT", home).Invoke(t.Context(), &awslambda.InvokeInput{FunctionName: aws.String("slow"), InvocationType: types.InvocationTypeEvent}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := h.fns.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with a cancelled context while a handler runs = %v, want context.Canceled", err)
	}
	rec.open()
	<-rec.saw
	if err := h.fns.Wait(t.Context()); err != nil {
		t.Errorf("Wait after the handler finished = %v", err)
	}
}

func TestInvokeDryRun(t *testing.T) {
	h := newHarness(t)
	h.fns.Register(mgmt, home, "landfall-launch", mustNotRun(t))
	out, err := h.client("AKIDMGMT", home).Invoke(t.Context(), &awslambda.InvokeInput{
		FunctionName: aws.String("landfall-launch"), InvocationType: types.InvocationTypeDryRun, Payload: []byte(`{}`),
	})
	if err != nil {
		t.Fatalf("Invoke DryRun: %v", err)
	}
	if out.StatusCode != 204 || len(out.Payload) != 0 {
		t.Errorf("Invoke DryRun = status %d payload %q, want 204 empty", out.StatusCode, out.Payload)
	}
	if invs := h.fns.Invocations("landfall-launch"); len(invs) != 0 {
		t.Errorf("Invocations = %+v, want none for a dry run", invs)
	}
}

func TestInvokeFunctionNameForms(t *testing.T) {
	tests := []struct {
		name, functionName, qualifier, wantARN string
	}{
		{name: "name", functionName: "landfall-launch", wantARN: launchARN},
		{name: "qualified name", functionName: "landfall-launch:$LATEST", wantARN: launchARN + ":$LATEST"},
		{name: "Qualifier parameter", functionName: "landfall-launch", qualifier: "$LATEST", wantARN: launchARN + ":$LATEST"},
		{name: "partial ARN", functionName: mgmt + ":function:landfall-launch", wantARN: launchARN},
		{name: "qualified partial ARN", functionName: mgmt + ":function:landfall-launch:$LATEST", wantARN: launchARN + ":$LATEST"},
		{name: "ARN", functionName: launchARN, wantARN: launchARN},
		{name: "qualified ARN and the same Qualifier", functionName: launchARN + ":$LATEST", qualifier: "$LATEST", wantARN: launchARN + ":$LATEST"},
	}
	h := newHarness(t)
	h.fns.Register(mgmt, home, "landfall-launch", echo())
	client := h.client("AKIDMGMT", home)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &awslambda.InvokeInput{FunctionName: aws.String(tt.functionName)}
			if tt.qualifier != "" {
				in.Qualifier = aws.String(tt.qualifier)
			}
			out, err := client.Invoke(t.Context(), in)
			if err != nil {
				t.Fatalf("Invoke(%s): %v", tt.functionName, err)
			}
			var got seen
			if err := json.Unmarshal(out.Payload, &got); err != nil {
				t.Fatal(err)
			}
			if got.FunctionARN != tt.wantARN || string(got.Event) != "{}" {
				t.Errorf("handler saw ARN %q event %s; want %q and {} (no payload)", got.FunctionARN, got.Event, tt.wantARN)
			}
		})
	}
}

func TestInvokeErrors(t *testing.T) {
	h := newHarness(t)
	h.fns.Register(mgmt, home, "landfall-launch", mustNotRun(t))
	h.fns.Register(mgmt, "us-west-2", "west-only", mustNotRun(t))
	mgmtClient := h.client("AKIDMGMT", home)
	invoke := func(client *awslambda.Client, in *awslambda.InvokeInput) error {
		_, err := client.Invoke(t.Context(), in)
		return err
	}
	name := aws.String("landfall-launch")
	tests := []struct {
		name       string
		err        error
		wantCode   string
		wantStatus int
		wantMsg    string
		typed      func(error) bool // the SDK's modelled error, when there is one
	}{
		{
			name:     "unknown function",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: aws.String("nope")}),
			wantCode: "ResourceNotFoundException", wantStatus: 404, wantMsg: "Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope",
			typed: func(err error) bool {
				var e *types.ResourceNotFoundException
				return errors.As(err, &e) && aws.ToString(e.Type) == "User"
			},
		},
		{
			name:     "another account's function by name",
			err:      invoke(h.client("AKIDMEMBER", home), &awslambda.InvokeInput{FunctionName: name}),
			wantCode: "ResourceNotFoundException", wantStatus: 404, wantMsg: "Function not found: arn:aws:lambda:us-east-1:222222222222:function:landfall-launch",
			typed: func(err error) bool { var e *types.ResourceNotFoundException; return errors.As(err, &e) },
		},
		{
			name:     "another account's function by ARN",
			err:      invoke(h.client("AKIDMEMBER", home), &awslambda.InvokeInput{FunctionName: aws.String(launchARN)}),
			wantCode: "AccessDeniedException", wantStatus: 403,
			wantMsg: "User: arn:aws:iam::222222222222:user/tester is not authorized to perform: lambda:InvokeFunction on resource: " + launchARN,
		},
		{
			name:     "function of another region",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: aws.String("west-only")}),
			wantCode: "ResourceNotFoundException", wantStatus: 404, wantMsg: "function:west-only",
		},
		{
			name:     "ARN of another region",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: aws.String(lambdafn.ARN(mgmt, "us-west-2", "west-only"))}),
			wantCode: "ResourceNotFoundException", wantStatus: 404, wantMsg: "Functions from 'us-west-2' are not reachable in this region ('us-east-1')",
		},
		{
			name:     "version qualifier",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: name, Qualifier: aws.String("3")}),
			wantCode: "ResourceNotFoundException", wantStatus: 404, wantMsg: "Function not found: " + launchARN + ":3",
		},
		{
			name:     "alias in the ARN",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: aws.String(launchARN + ":live")}),
			wantCode: "ResourceNotFoundException", wantStatus: 404, wantMsg: "Function not found: " + launchARN + ":live",
		},
		{
			name:     "qualifiers disagree",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: aws.String("landfall-launch:live"), Qualifier: aws.String("$LATEST")}),
			wantCode: "InvalidParameterValueException", wantStatus: 400, wantMsg: "The derived qualifier from the function name does not match the specified qualifier.",
			typed: func(err error) bool { var e *types.InvalidParameterValueException; return errors.As(err, &e) },
		},
		{
			name:     "malformed name",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:nope:function:x")}),
			wantCode: "ValidationException", wantStatus: 400, wantMsg: "at 'functionName' failed to satisfy constraint",
		},
		{
			name:     "payload that is not JSON",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: name, Payload: []byte(`{"accounts":`)}),
			wantCode: "InvalidRequestContentException", wantStatus: 400, wantMsg: "Could not parse request body into json",
			typed: func(err error) bool {
				var e *types.InvalidRequestContentException
				return errors.As(err, &e) && aws.ToString(e.Type) == "User"
			},
		},
		{
			name:     "two JSON documents",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: name, Payload: []byte(`{} {}`)}),
			wantCode: "InvalidRequestContentException", wantStatus: 400, wantMsg: "unexpected data after the JSON value",
		},
		{
			name:     "synchronous payload over 6 MiB",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: name, Payload: jsonString(lambdafn.MaxSyncPayload + 1)}),
			wantCode: "RequestTooLargeException", wantStatus: 413, wantMsg: "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
			typed: func(err error) bool { var e *types.RequestTooLargeException; return errors.As(err, &e) },
		},
		{
			name: "event payload over 256 KiB",
			err: invoke(mgmtClient, &awslambda.InvokeInput{
				FunctionName: name, InvocationType: types.InvocationTypeEvent, Payload: jsonString(lambdafn.MaxAsyncPayload + 1),
			}),
			wantCode: "RequestTooLargeException", wantStatus: 413, wantMsg: "Request must be smaller than 262144 bytes",
			typed: func(err error) bool { var e *types.RequestTooLargeException; return errors.As(err, &e) },
		},
		{
			name:     "unknown invocation type",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: name, InvocationType: "Sync"}),
			wantCode: "ValidationException", wantStatus: 400, wantMsg: "Value 'Sync' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
		},
		{
			name:     "unknown log type",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: name, LogType: "Full"}),
			wantCode: "ValidationException", wantStatus: 400, wantMsg: "Value 'Full' at 'logType'",
		},
		{
			name:     "client context that is not base64 JSON",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: name, ClientContext: aws.String(base64.StdEncoding.EncodeToString([]byte("not json")))}),
			wantCode: "InvalidRequestContentException", wantStatus: 400, wantMsg: "Client context must be a valid Base64-encoded JSON object",
		},
		{
			name:     "client context too large",
			err:      invoke(mgmtClient, &awslambda.InvokeInput{FunctionName: name, ClientContext: aws.String(strings.Repeat("A", 3584))}),
			wantCode: "InvalidParameterValueException", wantStatus: 400, wantMsg: "Client context must be at most 3583 bytes",
		},
		{
			name:     "unknown access key",
			err:      invoke(h.client("AKIDNOBODY", home), &awslambda.InvokeInput{FunctionName: name}),
			wantCode: "UnrecognizedClientException", wantStatus: 403, wantMsg: "security token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var apiErr smithy.APIError
			if !errors.As(tt.err, &apiErr) {
				t.Fatalf("error = %v (%T), want an API error %s", tt.err, tt.err, tt.wantCode)
			}
			if apiErr.ErrorCode() != tt.wantCode || !strings.Contains(apiErr.ErrorMessage(), tt.wantMsg) || httpStatus(tt.err) != tt.wantStatus {
				t.Errorf("error = %d %s: %s\nwant %d %s containing %q", httpStatus(tt.err), apiErr.ErrorCode(), apiErr.ErrorMessage(), tt.wantStatus, tt.wantCode, tt.wantMsg)
			}
			if tt.typed != nil && !tt.typed(tt.err) {
				t.Errorf("error = %T %v, want the SDK's modelled error", tt.err, tt.err)
			}
		})
	}
	if invs := h.fns.Invocations("landfall-launch"); len(invs) != 0 {
		t.Errorf("rejected calls recorded invocations: %+v", invs)
	}
}

// jsonString returns a JSON string document of exactly n bytes.
func jsonString(n int) []byte {
	return []byte(`"` + strings.Repeat("x", n-2) + `"`)
}

func TestInvokeLargestPayloads(t *testing.T) {
	h := newHarness(t)
	h.fns.Register(mgmt, home, "size", lambda.NewHandler(func(s string) (int, error) { return len(s) + 2, nil }))
	client := h.client("AKIDMGMT", home)
	for _, tt := range []struct {
		typ types.InvocationType
		n   int
	}{{types.InvocationTypeRequestResponse, lambdafn.MaxSyncPayload}, {types.InvocationTypeEvent, lambdafn.MaxAsyncPayload}} {
		out, err := client.Invoke(t.Context(), &awslambda.InvokeInput{FunctionName: aws.String("size"), InvocationType: tt.typ, Payload: jsonString(tt.n)})
		if err != nil {
			t.Errorf("Invoke %s with %d bytes, the limit: %v", tt.typ, tt.n, err)
			continue
		}
		if tt.typ == types.InvocationTypeRequestResponse && string(out.Payload) != fmt.Sprint(tt.n) {
			t.Errorf("handler saw %s bytes, want %d", out.Payload, tt.n)
		}
	}
	if err := h.fns.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestInvokeClientContext(t *testing.T) {
	h := newHarness(t)
	h.fns.Register(mgmt, home, "fn", echo())
	cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"operator":"alice","ticket":42},"env":{"tool":"landfall"}}`))
	out, err := h.client("AKIDMGMT", home).Invoke(t.Context(), &awslambda.InvokeInput{FunctionName: aws.String("fn"), ClientContext: aws.String(cc)})
	if err != nil {
		t.Fatal(err)
	}
	var got seen
	if err := json.Unmarshal(out.Payload, &got); err != nil {
		t.Fatal(err)
	}
	if got.Custom["operator"] != "alice" || got.Custom["ticket"] != "42" {
		t.Errorf("handler's ClientContext.Custom = %v", got.Custom)
	}
}

// TestInvokeConcurrently checks that concurrent callers each get their own
// response: aws-lambda-go handlers reuse their output buffer, so the emulator
// must not let the next invocation overwrite one's output before it is sent.
func TestInvokeConcurrently(t *testing.T) {
	const calls = 200
	h := newHarness(t)
	// Large outputs widen the window in which a reused buffer would be
	// overwritten.
	h.fns.Register(mgmt, home, "fn", lambda.NewHandler(func(in map[string]int) (map[string]string, error) {
		return map[string]string{"v": strings.Repeat(fmt.Sprint(in["n"]%10), 4096)}, nil
	}))
	client := h.client("AKIDMGMT", home)
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Go(func() {
			out, err := client.Invoke(t.Context(), &awslambda.InvokeInput{FunctionName: aws.String("fn"), Payload: fmt.Appendf(nil, `{"n":%d}`, i)})
			want := fmt.Sprintf(`{"v":"%s"}`, strings.Repeat(fmt.Sprint(i%10), 4096))
			switch {
			case err != nil:
				errs <- err
			case strings.TrimSpace(string(out.Payload)) != want:
				errs <- fmt.Errorf("invocation %d answered %.40s..., want %.40s...", i, out.Payload, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(h.fns.Invocations("fn")); n != calls {
		t.Errorf("recorded %d invocations, want %d", n, calls)
	}
}

func TestRegisterReplacesHandler(t *testing.T) {
	h := newHarness(t)
	h.fns.Register(mgmt, home, "fn", lambda.NewHandler(func() (string, error) { return "v1", nil }))
	h.fns.Register(mgmt, home, "fn", lambda.NewHandler(func() (string, error) { return "v2", nil }))
	out, err := h.client("AKIDMGMT", home).Invoke(t.Context(), &awslambda.InvokeInput{FunctionName: aws.String("fn")})
	if err != nil || string(out.Payload) != `"v2"` {
		t.Errorf("Invoke after re-registering = %v, %v; want \"v2\"", out, err)
	}
}

func TestRegisterRejectsBadInput(t *testing.T) {
	tests := []struct {
		name, account, region, fn string
		h                         lambda.Handler
		want                      []string
	}{
		{name: "account", account: "1111", region: home, fn: "fn", h: echo(), want: []string{`account "1111" must be a 12-digit account ID`}},
		{name: "region", account: mgmt, region: "us-east-9", fn: "fn", h: echo(), want: []string{`region "us-east-9" is not an AWS region`}},
		{name: "name", account: mgmt, region: home, fn: "my fn", h: echo(), want: []string{`name "my fn" must be 1-64 characters`}},
		{name: "everything", account: "", region: "", fn: "", want: []string{"account", "region", "name", "handler is nil"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				p, _ := recover().(string)
				for _, w := range tt.want {
					if !strings.Contains(p, w) {
						t.Errorf("panic = %q, want it to contain %q", p, w)
					}
				}
			}()
			lambdafn.New().Register(tt.account, tt.region, tt.fn, tt.h)
		})
	}
}

func TestGetFunction(t *testing.T) {
	h := newHarness(t)
	h.fns.Register(mgmt, home, "landfall-launch", echo(), lambdafn.WithTimeout(5*time.Minute))
	client := h.client("AKIDMGMT", home)
	out, err := client.GetFunction(t.Context(), &awslambda.GetFunctionInput{FunctionName: aws.String("landfall-launch")})
	if err != nil {
		t.Fatalf("GetFunction: %v", err)
	}
	c := out.Configuration
	if aws.ToString(c.FunctionName) != "landfall-launch" || aws.ToString(c.FunctionArn) != launchARN || c.Runtime != types.RuntimeProvidedal2023 ||
		aws.ToString(c.Handler) != "bootstrap" || c.State != types.StateActive || aws.ToString(c.Version) != "$LATEST" ||
		aws.ToInt32(c.Timeout) != 300 || aws.ToString(c.LastModified) != "2026-03-01T12:00:00.000+0000" || c.PackageType != types.PackageTypeZip {
		t.Errorf("Configuration = %+v", c)
	}

	_, err = client.GetFunction(t.Context(), &awslambda.GetFunctionInput{FunctionName: aws.String("nope")})
	if e := wantError[*types.ResourceNotFoundException](t, err); aws.ToString(e.Message) != "Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope" {
		t.Errorf("GetFunction(nope) message = %q", aws.ToString(e.Message))
	}
	_, err = h.client("AKIDMEMBER", home).GetFunction(t.Context(), &awslambda.GetFunctionInput{FunctionName: aws.String(launchARN)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDeniedException" || !strings.Contains(apiErr.ErrorMessage(), "lambda:GetFunction") {
		t.Errorf("GetFunction of another account's ARN = %v, want AccessDeniedException for lambda:GetFunction", err)
	}
}

func TestUnsupportedOperation(t *testing.T) {
	h := newHarness(t)
	_, err := h.client("AKIDMGMT", home).ListFunctions(t.Context(), &awslambda.ListFunctionsInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnknownOperationException" || !strings.Contains(apiErr.ErrorMessage(), "GET /2015-03-31/functions is not an operation") {
		t.Errorf("ListFunctions = %v, want UnknownOperationException naming the request", err)
	}
}
