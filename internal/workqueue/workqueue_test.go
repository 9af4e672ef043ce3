package workqueue

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

func TestBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
}

type fakeSQS struct{ in *sqs.SendMessageInput }

func (f *fakeSQS) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	f.in = in
	return &sqs.SendMessageOutput{MessageId: aws.String("m")}, nil
}

func TestSendCapsDelayAndRoundTrips(t *testing.T) {
	f := &fakeSQS{}
	q := &Queue{URL: "https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work", SQS: f}
	run := &runstate.Run{Schema: runstate.SchemaVersion, ID: "r1", Account: plan.Account{ID: "222222222222"}, StartedAt: time.Unix(0, 1),
		Targets: []runstate.Target{{Region: "us-east-1", Product: "p", Status: runstate.Pending}}}
	if err := q.Send(context.Background(), run, time.Hour); err != nil {
		t.Fatal(err)
	}
	if f.in.DelaySeconds != 900 {
		t.Errorf("delay = %d, want capped at 900", f.in.DelaySeconds)
	}
	back, err := runstate.Decode([]byte(aws.ToString(f.in.MessageBody)))
	if err != nil || back.ID != "r1" {
		t.Fatalf("round trip: %v %+v", err, back)
	}
	if aws.ToString(f.in.MessageAttributes[AttrAccount].StringValue) != "222222222222" {
		t.Error("account attribute missing")
	}
	if err := q.Send(context.Background(), &runstate.Run{ID: strings.Repeat("x", 3)}, 0); err != nil {
		t.Errorf("Send validates nothing itself; Decode does: %v", err)
	}
}
