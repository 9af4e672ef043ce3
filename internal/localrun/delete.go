package localrun

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

// deleteDelivered deletes a message the worker processed. When the delete
// fails, Lambda's SQS event source fails nothing: the message comes back
// after its visibility timeout and the worker sees it again, so the drain
// goes on and the story says so.
func (e *Env) deleteDelivered(ctx context.Context, m sqstypes.Message) {
	_, err := e.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(e.Config.QueueURL), ReceiptHandle: m.ReceiptHandle})
	if err == nil {
		return
	}
	why := err.Error()
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		why = apiErr.ErrorCode()
	}
	e.story("%s worker: could not delete message %s (%s); it comes back after the queue's visibility timeout", e.since(), aws.ToString(m.MessageId), why)
}
