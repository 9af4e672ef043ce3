package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/landfall/landfall/internal/metrics"
)

// ChatNotPublished is the message of the ERROR log line for a chat
// notification that did not reach the chat topic: fixed, so that a metric
// filter or a log search can count them.
const ChatNotPublished = "chat notification not published"

// publishChat publishes m's chat form to the chat topic as the raw message
// body (no MessageStructure: Amazon Q Developer reads the body as it
// arrives), with the summary's attributes, so a chat subscription can have
// a filter policy too (failures only, say).
//
// A failure is logged, not returned. The summary topic already has the
// message, and it is the record: email, JSON subscribers, filters. An error
// here would make the worker requeue the finished run and publish its
// summary again, and the launch function fail so that Lambda retries the
// event: a chat outage would duplicate summaries, which a standard topic
// cannot deduplicate. By the time Publish returns, the SDK's retryer has
// retried throttling and server errors; what is left (a deleted topic, a
// topic or key policy that refuses, a disabled key) does not heal by
// retrying, and the log line says which.
func (n *Notifier) publishChat(ctx context.Context, m Message) {
	// Its own time: a summary publish the SDK retried must not have used
	// up the chat copy's.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), chatTimeout)
	defer cancel()
	body, err := Chat(m)
	if err == nil {
		_, err = n.SNS.Publish(ctx, &sns.PublishInput{
			TopicArn:          aws.String(n.ChatTopicARN),
			Message:           aws.String(string(body)),
			MessageAttributes: m.attributes(),
		})
	}
	if err != nil {
		n.logger().ErrorContext(ctx, ChatNotPublished, "chatTopic", n.ChatTopicARN, "subject", m.Subject,
			"kind", m.Doc.Kind, "outcome", m.Doc.Outcome, "error", err,
			"fix", "the summary topic has the message; check that the chat topic exists and that its policy and the stack's KMS key let this function publish")
		// The chat alarm counts these: a channel that stops hearing must page someone.
		if merr := metrics.Write(ctx, n.logger(), metrics.ChatFailureLine(time.Now(), metrics.FunctionName("landfall"))); merr != nil {
			n.logger().ErrorContext(ctx, "chat failure metric not written", "error", merr)
		}
	}
}

// chatTimeout bounds the chat publish, retries included.
const chatTimeout = 10 * time.Second

func (n *Notifier) logger() *slog.Logger {
	if n.Logger != nil {
		return n.Logger
	}
	return slog.Default()
}
