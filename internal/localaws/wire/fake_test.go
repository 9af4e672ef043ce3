package wire_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// fakeService is a hand-written wire.Service whose operations are set per test.
type fakeService struct {
	name, prefix, ns string
	proto            wire.Protocol
	ops              map[string]wire.Operation
}

func (f *fakeService) SigningName() string                   { return f.name }
func (f *fakeService) Protocol() wire.Protocol               { return f.proto }
func (f *fakeService) TargetPrefix() string                  { return f.prefix }
func (f *fakeService) XMLNamespace() string                  { return f.ns }
func (f *fakeService) Operations() map[string]wire.Operation { return f.ops }

func fakeSTS(ops map[string]wire.Operation) *fakeService {
	return &fakeService{name: "sts", proto: wire.Query, ns: "https://sts.amazonaws.com/doc/2011-06-15/", ops: ops}
}

func fakeOrganizations(ops map[string]wire.Operation) *fakeService {
	return &fakeService{name: "organizations", proto: wire.JSON11, prefix: "AWSOrganizationsV20161128", ops: ops}
}

func fakeSQS(ops map[string]wire.Operation) *fakeService {
	return &fakeService{name: "sqs", proto: wire.JSON10, prefix: "AmazonSQS", ops: ops}
}

// start is the fixed emulator time of the tests.
var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// testAuth maps the access keys the tests use to callers.
var testAuth = wire.AuthFunc(func(key string, now time.Time) (wire.Caller, error) {
	switch key {
	case "EXPIRED":
		return wire.Caller{}, &wire.Error{Code: "ExpiredTokenException", Message: "The security token included in the request is expired"}
	case "BOGUS":
		return wire.Caller{}, &wire.Error{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid.", Status: http.StatusForbidden}
	}
	return wire.Caller{Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/admin", UserID: "AIDAADMIN", Admin: true}, nil
})

func newServer(t *testing.T, services ...wire.Service) *wire.Server {
	t.Helper()
	return wire.NewServer(wire.ServerOptions{Services: services, Auth: testAuth, Clock: clock.NewManual(start)})
}

// sdkConfig points SDK clients at srv with the given access key. Retries
// keep the standard retryer's decisions but skip its backoff sleeps.
func sdkConfig(srv *wire.Server, key string) aws.Config {
	return aws.Config{
		Region:       "us-west-1",
		BaseEndpoint: aws.String("http://localaws.internal"),
		HTTPClient:   srv.Client(),
		Credentials:  credentials.NewStaticCredentialsProvider(key, "secret", ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		},
	}
}

// counter numbers the calls of a fake operation, so it can fail some of them.
type counter struct {
	mu    sync.Mutex
	calls int
}

func (c *counter) next() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return c.calls
}

func ctx(t *testing.T) context.Context { return t.Context() }
