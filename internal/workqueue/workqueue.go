// Package workqueue sends account runs to the worker through SQS: the first
// step from the launch function, continuations from the worker itself.
package workqueue

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/landfall/landfall/internal/runstate"
)

// Sender is the SQS call the queue makes. *sqs.Client satisfies it.
type Sender interface {
	SendMessage(context.Context, *sqs.SendMessageInput, ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

var _ Sender = (*sqs.Client)(nil)

// MaxBody is the largest run message sent: SQS accepts 256 KiB including
// message attributes, which take well under 1 KiB here.
const MaxBody = 255 << 10

// MaxDelay is the longest per-message delay a standard queue accepts.
const MaxDelay = 900 * time.Second

// Queue is the work queue.
type Queue struct {
	URL string
	SQS Sender
}

// Attribute names on work messages, so a message in the dead-letter queue
// says what it is without decoding its body.
const (
	AttrRun     = "landfall.run"
	AttrAccount = "landfall.account"
)

// Send queues run for the worker after delay (capped at MaxDelay).
func (q *Queue) Send(ctx context.Context, run *runstate.Run, delay time.Duration) error {
	body, err := runstate.EncodeWithin(run, MaxBody)
	if err != nil {
		return err
	}
	delay = min(max(delay, 0), MaxDelay)
	_, err = q.SQS.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:     aws.String(q.URL),
		MessageBody:  aws.String(string(body)),
		DelaySeconds: int32(delay / time.Second),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			AttrRun:     {DataType: aws.String("String"), StringValue: aws.String(run.ID)},
			AttrAccount: {DataType: aws.String("String"), StringValue: aws.String(run.Account.ID)},
		},
	})
	if err != nil {
		return fmt.Errorf("queue run %s for account %s: %w", run.ID, run.Account.ID, err)
	}
	return nil
}

// Backoff is the delay before continuation step n (1-based): 30 s doubling,
// capped at 15 minutes, so a 3-minute product is checked a few times and a
// 2-hour one costs about a dozen invocations.
func Backoff(step int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < step && d < MaxDelay; i++ {
		d *= 2
	}
	return min(d, MaxDelay)
}
