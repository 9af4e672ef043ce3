package lambdafn_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/lambdafn"
	"github.com/landfall/landfall/internal/localaws/wire"
)

const (
	mgmt   = "111111111111"
	member = "222222222222"
	home   = "us-east-1"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// keys maps the access keys the tests sign with to accounts.
var keys = map[string]string{"AKIDMGMT": mgmt, "AKIDMEMBER": member}

type harness struct {
	fns *lambdafn.Functions
	srv *wire.Server
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	fns := lambdafn.New(lambdafn.WithClock(clock.NewManual(t0)))
	srv := wire.NewServer(wire.ServerOptions{
		Services: []wire.Service{fns},
		Clock:    clock.NewManual(t0),
		Auth: wire.AuthFunc(func(key string, _ time.Time) (wire.Caller, error) {
			acct, ok := keys[key]
			if !ok {
				return wire.Caller{}, &wire.Error{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid.", Status: http.StatusForbidden}
			}
			return wire.Caller{Account: acct, ARN: "arn:aws:iam::" + acct + ":user/tester", UserID: "AIDA" + acct}, nil
		}),
	})
	return &harness{fns: fns, srv: srv}
}

// client returns a Lambda client signing with key in region. Retries are off
// so that every call reaches the handler at most once.
func (h *harness) client(key, region string) *awslambda.Client {
	return awslambda.New(awslambda.Options{
		Region:           region,
		BaseEndpoint:     aws.String("http://localaws.internal"),
		HTTPClient:       h.srv.Client(),
		Credentials:      credentials.NewStaticCredentialsProvider(key, "secret", ""),
		RetryMaxAttempts: 1,
	})
}

// seen is what a handler observed about one invocation.
type seen struct {
	RequestID   string            `json:"requestId"`
	FunctionARN string            `json:"functionArn"`
	Event       json.RawMessage   `json:"event"`
	HasDeadline bool              `json:"hasDeadline"`
	Custom      map[string]string `json:"custom,omitempty"`
	CtxErr      string            `json:"ctxErr,omitempty"`
}

// observe builds what the handler saw from its context and event.
func observe(ctx context.Context, event json.RawMessage) seen {
	s := seen{Event: event}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		s.RequestID, s.FunctionARN, s.Custom = lc.AwsRequestID, lc.InvokedFunctionArn, lc.ClientContext.Custom
	}
	_, s.HasDeadline = ctx.Deadline()
	if err := ctx.Err(); err != nil {
		s.CtxErr = err.Error()
	}
	return s
}

// echo is a handler, wired through aws-lambda-go as a deployed function is,
// that answers what it saw.
func echo() lambda.Handler {
	return lambda.NewHandler(func(ctx context.Context, event json.RawMessage) (seen, error) {
		return observe(ctx, event), nil
	})
}

// recorder is a handler that reports what it saw on a channel, optionally
// waiting for release first; the channel makes waiting for asynchronous
// invocations deterministic.
type recorder struct {
	saw     chan seen
	release chan struct{} // nil: answer at once
	once    sync.Once
}

func newRecorder(gated bool) *recorder {
	r := &recorder{saw: make(chan seen, 16)}
	if gated {
		r.release = make(chan struct{})
	}
	return r
}

func (r *recorder) handler() lambda.Handler {
	return lambda.NewHandler(func(ctx context.Context, event json.RawMessage) (seen, error) {
		if r.release != nil {
			<-r.release
		}
		s := observe(ctx, event)
		r.saw <- s
		return s, nil
	})
}

func (r *recorder) open() { r.once.Do(func() { close(r.release) }) }

// mustNotRun is a handler that fails the test if it is ever invoked.
func mustNotRun(t *testing.T) lambda.Handler {
	return lambda.NewHandler(func(context.Context, json.RawMessage) (string, error) {
		t.Error("handler ran, want it not to")
		return "", nil
	})
}

// wantError fails unless err is (or wraps) a T.
func wantError[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
	return target
}

// httpStatus returns the HTTP status of an SDK error, 0 if there is none.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
