package queues_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/queues"
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
	svc   *queues.Queues
	srv   *wire.Server
	clock *clock.Manual
	sqs   *sqs.Client // the management account in us-east-1
}

func newHarness(t *testing.T, spec queues.Spec) *harness {
	t.Helper()
	clk := clock.NewManual(t0)
	svc, err := queues.New(spec, queues.WithClock(clk))
	if err != nil {
		t.Fatalf("queues.New: %v", err)
	}
	return serve(svc, clk)
}

// serve puts svc behind a wire.Server on clk.
func serve(svc *queues.Queues, clk *clock.Manual) *harness {
	srv := wire.NewServer(wire.ServerOptions{
		Services: []wire.Service{svc},
		Clock:    clk,
		Auth: wire.AuthFunc(func(key string, _ time.Time) (wire.Caller, error) {
			acct, ok := keys[key]
			if !ok {
				return wire.Caller{}, wire.Errorf("InvalidClientTokenId", "The security token included in the request is invalid.")
			}
			return wire.Caller{Account: acct, ARN: "arn:aws:sts::" + acct + ":assumed-role/Runner/test", UserID: "AROA" + acct + ":test"}, nil
		}),
	})
	h := &harness{svc: svc, srv: srv, clock: clk}
	h.sqs = h.client("AKIDMGMT", home)
	return h
}

// client returns an SQS client signing with key in region. Message checksum
// validation stays on (the default): every send and receive in these tests
// also checks the emulator's MD5s.
func (h *harness) client(key, region string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:           region,
		BaseEndpoint:     aws.String("http://localaws.internal"),
		HTTPClient:       h.srv.Client(),
		Credentials:      credentials.NewStaticCredentialsProvider(key, "secret", ""),
		RetryMaxAttempts: 1,
	})
}

// send sends body to queueURL and fails the test on error.
func (h *harness) send(t *testing.T, queueURL, body string) *sqs.SendMessageOutput {
	t.Helper()
	out, err := h.sqs.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(body)})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	return out
}

// receive receives up to 10 messages with all attributes; visibility 0
// means the queue's visibility timeout (the SDK leaves a zero out).
func (h *harness) receive(t *testing.T, queueURL string, visibility int32) *sqs.ReceiveMessageOutput {
	t.Helper()
	out, err := h.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(queueURL),
		MaxNumberOfMessages:         10,
		VisibilityTimeout:           visibility,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	return out
}

var (
	work    = queues.URL(mgmt, home, "landfall-work")
	workDLQ = queues.URL(mgmt, home, "landfall-work-dlq")
)

// defaultSpec has the default world's work queue and its dead-letter queue.
var defaultSpec = queues.Spec{Queues: []queues.QueueSpec{
	{Account: mgmt, Region: home, Name: "landfall-work", VisibilityTimeout: aws.Int(60), DeadLetter: &queues.DeadLetterSpec{Name: "landfall-work-dlq", MaxReceiveCount: 5}},
	{Account: mgmt, Region: home, Name: "landfall-work-dlq"},
}}

// wantError fails unless err is (or wraps) a T.
func wantError[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
	return target
}
