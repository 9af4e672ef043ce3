package faults_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/localaws/queues"
)

// sqsClient returns an SQS client of e making attempts attempts per call.
func (e *env) sqsClient(attempts int) *sqs.Client {
	cfg := e.config("us-east-1", nil)
	if attempts == 1 {
		cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	}
	return sqs.NewFromConfig(cfg)
}

// isTimeout tells whether err is what the SDK counts as a retryable timeout.
func isTimeout(err error) bool {
	var lost *faults.TimeoutError
	return errors.As(err, &lost) &&
		retry.TimeouterError{}.IsErrorTimeout(err) == aws.TrueTernary &&
		retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary
}

func isInternalFailure(err error) bool { return apiCode(err) == faults.ErrInternalFailure }

// TestLoseResponse: the call takes effect, then the caller gets an error or
// a timeout instead of its answer.
func TestLoseResponse(t *testing.T) {
	tests := []struct {
		name string
		rule faults.Rule
		// op is "send" (SendMessage) or "delete" (DeleteMessage of a message
		// received first).
		op       string
		attempts int
		wantErr  func(error) bool
		// wantQueued is how many messages the queue holds afterwards: the
		// effect of every attempt happened.
		wantQueued int
	}{
		{"send lost as error", faults.Rule{Service: "sqs", Operation: "SendMessage", LoseResponseRate: 1}, "send", 1, isInternalFailure, 1},
		{"send lost as timeout", faults.Rule{Service: "sqs", Operation: "SendMessage", LoseResponseRate: 1, LoseResponseAs: faults.LoseAsTimeout}, "send", 1, isTimeout, 1},
		{"send retried after timeouts sends again", faults.Rule{Service: "sqs", Operation: "SendMessage", LoseResponseRate: 1, LoseResponseAs: faults.LoseAsTimeout}, "send", 3, isTimeout, 3},
		{"delete lost as error", faults.Rule{Service: "sqs", Operation: "DeleteMessage", LoseResponseRate: 1, LoseResponseAs: faults.LoseAsError}, "delete", 1, isInternalFailure, 0},
		{"delete lost as timeout", faults.Rule{Service: "sqs", Operation: "DeleteMessage", LoseResponseRate: 1, LoseResponseAs: faults.LoseAsTimeout}, "delete", 3, isTimeout, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, faults.Spec{tt.rule})
			client := e.sqsClient(tt.attempts)
			err := act(t.Context(), t, client, tt.op)
			if !tt.wantErr(err) {
				t.Errorf("error = %v (%T)", err, err)
			}
			if got := len(e.queues.Messages(workURL)); got != tt.wantQueued {
				t.Errorf("queue holds %d messages, want %d", got, tt.wantQueued)
			}
			op := map[string]string{"send": "sqs.SendMessage", "delete": "sqs.DeleteMessage"}[tt.op]
			if got := e.srv.Calls().Count(op); got != tt.attempts {
				t.Errorf("%s answered %d times, want %d (lost answers are retried)", op, got, tt.attempts)
			}
		})
	}
}

// act sends a message, or sends, receives and deletes one, through client;
// only the last call's error is returned.
func act(ctx context.Context, t *testing.T, client *sqs.Client, op string) error {
	t.Helper()
	send := &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("run 222222222222")}
	if op == "send" {
		_, err := client.SendMessage(ctx, send)
		return err
	}
	if _, err := client.SendMessage(ctx, send); err != nil {
		t.Fatal(err)
	}
	out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(workURL)})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("ReceiveMessage = %v, %v", out, err)
	}
	_, err = client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(workURL), ReceiptHandle: out.Messages[0].ReceiptHandle})
	return err
}

// TestLoseResponseRateIsSeeded: which answers are lost depends on the seed only.
func TestLoseResponseRateIsSeeded(t *testing.T) {
	pattern := func(seed uint64) string {
		e := newEnv(t, faults.Spec{{Service: "sqs", LoseResponseRate: 0.5, Seed: seed}})
		client := e.sqsClient(1)
		var b strings.Builder
		for range 30 {
			_, err := client.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("m")})
			b.WriteString(map[bool]string{true: "x", false: "."}[err != nil])
		}
		if n := len(e.queues.Messages(workURL)); n != 30 {
			t.Errorf("%d messages queued, want all 30: a lost answer is no lost call", n)
		}
		return b.String()
	}
	first, again, other := pattern(4), pattern(4), pattern(5)
	if first != again || first == other || !strings.Contains(first, "x") || !strings.Contains(first, ".") {
		t.Errorf("seed 4 twice and seed 5:\n%s\n%s\n%s", first, again, other)
	}
}

// TestLoseResponseWithoutTransport: with nobody to drop the response, a
// timeout degrades to a 500 that says what is missing.
func TestLoseResponseWithoutTransport(t *testing.T) {
	e := newEnv(t, faults.Spec{{Service: "sqs", LoseResponseRate: 1, LoseResponseAs: faults.LoseAsTimeout}})
	cfg := e.config("us-east-1", nil)
	cfg.HTTPClient = e.srv.Client()
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	_, err := sqs.NewFromConfig(cfg).SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("m")})
	if !isInternalFailure(err) || !strings.Contains(err.Error(), "faults.Transport") {
		t.Errorf("error = %v, want InternalFailure naming faults.Transport", err)
	}
	if n := len(e.queues.Messages(workURL)); n != 1 {
		t.Errorf("%d messages queued, want 1", n)
	}
}

// TestLoseResponseOverSocket: served on a socket (Handler), a timeout
// aborts the connection after the call ran; the SDK sees a retryable
// connection error. Other answers pass.
func TestLoseResponseOverSocket(t *testing.T) {
	e := newEnv(t, faults.Spec{{Service: "sqs", Operation: "SendMessage", LoseResponseRate: 1, LoseResponseAs: faults.LoseAsTimeout}})
	srv := httptest.NewServer(faults.Handler(e.srv))
	defer srv.Close()
	cfg := e.config("us-east-1", nil)
	cfg.BaseEndpoint, cfg.HTTPClient = aws.String(srv.URL), srv.Client()
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	client := sqs.NewFromConfig(cfg)
	_, err := client.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("m")})
	if err == nil || retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) != aws.TrueTernary {
		t.Errorf("error = %v, want a retryable connection error", err)
	}
	if n := len(e.queues.Messages(workURL)); n != 1 {
		t.Errorf("%d messages queued, want 1", n)
	}
	out, err := client.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(workURL)})
	if err != nil || len(out.Messages) != 1 {
		t.Errorf("ReceiveMessage over the socket = %v, %v", out, err)
	}
	if st := e.queues.Stats(workURL); st != (queues.Stats{InFlight: 1}) {
		t.Errorf("Stats = %+v", st)
	}
}
