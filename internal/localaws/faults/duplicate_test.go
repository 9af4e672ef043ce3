package faults_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/localaws/faults"
)

// deliveries sends n messages, then receives and deletes until the queue is
// empty, and returns how often each message was delivered ("1" or "2" per
// message, in send order).
func (e *env) deliveries(t *testing.T, n int) string {
	t.Helper()
	ctx := t.Context()
	client := e.sqsClient(1)
	var order []string
	for i := range n {
		out, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String(fmt.Sprint(i))})
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, aws.ToString(out.MessageId))
	}
	count := map[string]int{}
	for range 4 * n {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(workURL), MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			count[aws.ToString(m.MessageId)]++
			if _, err := client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(workURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b strings.Builder
	for _, id := range order {
		fmt.Fprint(&b, count[id])
	}
	return b.String()
}

// TestDuplicateRate: a duplicateRate rule makes ReceiveMessage deliver a
// seeded subset of messages twice, inside its window only.
func TestDuplicateRate(t *testing.T) {
	tests := []struct {
		name string
		rule faults.Rule
		// want is a pattern of deliveries, or "" for "some 1s and some 2s".
		want string
	}{
		{"none without the rule", faults.Rule{Service: "sqs", Latency: time.Nanosecond}, strings.Repeat("1", 20)},
		{"every message", faults.Rule{Service: "sqs", DuplicateRate: 1}, strings.Repeat("2", 20)},
		{"some", faults.Rule{Service: "sqs", Operation: "ReceiveMessage", DuplicateRate: 0.5, Seed: 9}, ""},
		{"outside the window", faults.Rule{DuplicateRate: 1, From: time.Hour}, strings.Repeat("1", 20)},
		{"other regions", faults.Rule{DuplicateRate: 1, Region: "eu-west-1"}, strings.Repeat("1", 20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newEnv(t, faults.Spec{tt.rule}).deliveries(t, 20)
			if tt.want == "" {
				if !strings.Contains(got, "1") || !strings.Contains(got, "2") {
					t.Errorf("deliveries = %s, want some messages once and some twice", got)
				}
				if again := newEnv(t, faults.Spec{tt.rule}).deliveries(t, 20); again != got {
					t.Errorf("same seed, different duplicates:\n%s\n%s", got, again)
				}
				return
			}
			if got != tt.want {
				t.Errorf("deliveries = %s, want %s", got, tt.want)
			}
		})
	}
	seeded := func(seed uint64) string {
		return newEnv(t, faults.Spec{{Service: "sqs", DuplicateRate: 0.5, Seed: seed}}).deliveries(t, 20)
	}
	if seeded(1) == seeded(2) {
		t.Error("seeds 1 and 2 duplicate the same messages")
	}
}
