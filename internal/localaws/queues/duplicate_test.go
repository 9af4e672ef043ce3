package queues_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// TestDuplicateDelivery plays a message SQS delivers twice (the first
// receive leaves a copy behind) through receives, deletes and visibility
// timeouts. Steps: "receive N" receives the message with
// ApproximateReceiveCount N, "receive none" receives nothing, "delete K"
// deletes with the handle of the K-th receive (from 1), "wait" passes the
// queue's 60 s visibility timeout. After the steps the queue holds want.
func TestDuplicateDelivery(t *testing.T) {
	tests := []struct {
		name  string
		steps []string
		want  queues.Stats
	}{
		{"the copy is received while the first is in flight", []string{"receive 1", "receive 2", "receive none"}, queues.Stats{InFlight: 2}},
		{"deleting the first leaves the copy", []string{"receive 1", "receive 2", "delete 1"}, queues.Stats{InFlight: 1}},
		{"deleting the copy leaves the first", []string{"receive 1", "receive 2", "delete 2", "wait", "receive 2", "receive none"}, queues.Stats{InFlight: 1}},
		{"the copy comes after the first was deleted", []string{"receive 1", "delete 1", "receive 2", "receive none", "delete 2"}, queues.Stats{}},
		{"stale handles of deleted copies succeed", []string{"receive 1", "receive 2", "delete 2", "delete 1", "delete 1", "delete 2"}, queues.Stats{}},
		{"a copy is not duplicated again", []string{"receive 1", "delete 1", "receive 2", "delete 2", "receive none"}, queues.Stats{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, seen := duplicatingHarness(t)
			sent := h.send(t, work, "run 222222222222")
			var handles []string
			for _, step := range tt.steps {
				handles = h.step(t, step, aws.ToString(sent.MessageId), handles)
			}
			if got := h.svc.Stats(work); got != tt.want {
				t.Errorf("Stats = %+v, want %+v", got, tt.want)
			}
			for _, call := range *seen {
				if call != "sqs.ReceiveMessage" {
					t.Errorf("the hook was asked about %s; want ReceiveMessage calls only", call)
				}
			}
		})
	}
}

// duplicatingHarness is a harness whose first message handed out is
// delivered twice; seen records the requests the hook was asked about.
func duplicatingHarness(t *testing.T) (*harness, *[]string) {
	t.Helper()
	var seen []string
	clk := clock.NewManual(t0)
	svc, err := queues.New(defaultSpec, queues.WithClock(clk), queues.WithDuplicates(func(r *wire.Request) bool {
		seen = append(seen, r.Service+"."+r.Operation)
		return len(seen) == 1
	}))
	if err != nil {
		t.Fatal(err)
	}
	return serve(svc, clk), &seen
}

// step runs one step of TestDuplicateDelivery and returns the handles
// received so far.
func (h *harness) step(t *testing.T, step, id string, handles []string) []string {
	t.Helper()
	verb, arg, _ := strings.Cut(step, " ")
	switch verb {
	case "receive":
		return h.receiveCopy(t, arg, id, handles)
	case "delete":
		k, _ := strconv.Atoi(arg)
		_, err := h.sqs.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(work), ReceiptHandle: aws.String(handles[k-1])})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	case "wait":
		h.clock.Advance(60 * time.Second)
	default:
		t.Fatalf("unknown step %q", step)
	}
	return handles
}

// receiveCopy receives one message and checks it is the message id with
// ApproximateReceiveCount count and a receipt handle never seen before, or
// that nothing comes when count is "none".
func (h *harness) receiveCopy(t *testing.T, count, id string, handles []string) []string {
	t.Helper()
	out, err := h.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(work), MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
	})
	if err != nil {
		t.Fatal(err)
	}
	if count == "none" {
		if len(out.Messages) != 0 {
			t.Fatalf("receive: got %d messages, want none", len(out.Messages))
		}
		return handles
	}
	if len(out.Messages) != 1 {
		t.Fatalf("receive %s: got %d messages, want 1", count, len(out.Messages))
	}
	m := out.Messages[0]
	handle := aws.ToString(m.ReceiptHandle)
	for _, old := range handles {
		if old == handle {
			t.Errorf("receive %s: the receipt handle of an earlier receive came again", count)
		}
	}
	if aws.ToString(m.MessageId) != id || aws.ToString(m.Body) != "run 222222222222" || m.Attributes["ApproximateReceiveCount"] != count {
		t.Errorf("receive %s: got ID %s, body %q, attributes %v; want ID %s and the same body", count, aws.ToString(m.MessageId), aws.ToString(m.Body), m.Attributes, id)
	}
	return append(handles, handle)
}
