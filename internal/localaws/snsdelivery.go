package localaws

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/landfall/landfall/internal/localaws/authz"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/topics"
)

// snsService is the service principal SNS delivers to subscribers as.
const snsService = "sns.amazonaws.com"

// snsToSQS delivers SNS messages to subscribed queues as AWS does: SNS
// calls sqs:SendMessage as sns.amazonaws.com with aws:SourceArn set to the
// topic, so the queue policy (and an encrypted queue's key policy) must
// allow that; nothing else does.
type snsToSQS struct{ c *Cloud }

var _ topics.QueueDeliverer = snsToSQS{}

// DeliverToQueue implements topics.QueueDeliverer.
func (d snsToSQS) DeliverToQueue(m topics.QueueDelivery) error {
	call := authz.ServiceCall{
		Service: snsService, Action: "sqs:SendMessage", Resource: m.QueueARN,
		SourceARN: m.TopicARN, SourceAccount: accountOfARN(m.TopicARN), Encrypts: true,
	}
	if err := d.c.iam.AuthorizeService(call); err != nil {
		return fmt.Errorf("deliver to %s: %w", m.QueueARN, err)
	}
	attrs, err := sqsAttributes(m.Attributes)
	if err != nil {
		return fmt.Errorf("deliver to %s: %w", m.QueueARN, err)
	}
	if _, err := d.c.queues.ServiceSend(m.QueueARN, m.Body, attrs, queues.SNSSenderID, m.SentAt); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	return nil
}

// sqsAttributes converts SNS message attributes (raw message delivery) to
// SQS ones. SQS has no String.Array type: SNS passes those as String.
func sqsAttributes(in map[string]topics.Attribute) (map[string]queues.Attribute, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]queues.Attribute, len(in))
	for name, a := range in {
		switch a.DataType {
		case "Binary":
			b, err := base64.StdEncoding.DecodeString(a.Value)
			if err != nil {
				return nil, fmt.Errorf("message attribute %s: %w", name, err)
			}
			out[name] = queues.Attribute{DataType: "Binary", BinaryValue: b}
		case "String.Array":
			out[name] = queues.Attribute{DataType: "String", StringValue: a.Value}
		default:
			out[name] = queues.Attribute{DataType: a.DataType, StringValue: a.Value}
		}
	}
	return out, nil
}

// accountOfARN is the account part of an ARN.
func accountOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return ""
	}
	return parts[4]
}
