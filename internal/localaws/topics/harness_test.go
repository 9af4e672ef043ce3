package topics_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/topics"
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
	svc   *topics.Topics
	srv   *wire.Server
	clock *clock.Manual
}

func newHarness(t *testing.T, spec topics.Spec) *harness {
	t.Helper()
	svc, err := topics.New(spec)
	if err != nil {
		t.Fatalf("topics.New: %v", err)
	}
	clk := clock.NewManual(t0)
	srv := wire.NewServer(wire.ServerOptions{
		Services: []wire.Service{svc},
		Clock:    clk,
		Auth: wire.AuthFunc(func(key string, _ time.Time) (wire.Caller, error) {
			acct, ok := keys[key]
			if !ok {
				return wire.Caller{}, wire.Errorf("InvalidClientTokenId", "The security token included in the request is invalid.")
			}
			return wire.Caller{Account: acct, ARN: "arn:aws:iam::" + acct + ":user/tester", UserID: "AIDA" + acct}, nil
		}),
	})
	return &harness{svc: svc, srv: srv, clock: clk}
}

// client returns an SNS client signing with key in region.
func (h *harness) client(key, region string) *sns.Client {
	return sns.New(sns.Options{
		Region:           region,
		BaseEndpoint:     aws.String("http://localaws.internal"),
		HTTPClient:       h.srv.Client(),
		Credentials:      credentials.NewStaticCredentialsProvider(key, "secret", ""),
		RetryMaxAttempts: 1,
	})
}

// defaultSpec has the default world's notification topic.
var defaultSpec = topics.Spec{Topics: []topics.TopicSpec{{Account: mgmt, Region: home, Name: "landfall-notifications"}}}

var notifications = topics.ARN(mgmt, home, "landfall-notifications")

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
