package localrun

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// asyncRetryDelays are Lambda's waits before retrying a failed asynchronous
// invocation: about one minute, then about two.
var asyncRetryDelays = []time.Duration{time.Minute, 2 * time.Minute}

// InvokeLaunchAsync delivers one payload as EventBridge does, as an
// asynchronous invocation: Lambda runs the function, retries a function
// error up to the configured number of times (Options.LaunchAsyncRetries)
// with its one- and two-minute waits, then sends an invocation record to the
// on-failure destination, an SQS queue, as the function's execution role.
// Without a destination the event is dropped after the retries, as Lambda
// drops it, and the story says so.
func (e *Env) InvokeLaunchAsync(ctx context.Context, p Payload) Invocation {
	var inv Invocation
	for attempt := 0; ; attempt++ {
		inv = e.InvokeLaunch(ctx, p)
		if inv.Error == "" || attempt >= e.asyncRetries {
			break
		}
		if e.Clock != nil {
			e.Clock.Advance(asyncRetryDelays[min(attempt, len(asyncRetryDelays)-1)])
		}
	}
	if inv.Error == "" {
		return inv
	}
	if e.launchOnFailure == "" {
		e.story("%s lambda: %s failed %d times; no on-failure destination, the event is dropped", e.since(), p.Name, e.asyncRetries+1)
		return inv
	}
	if err := e.sendFailureRecord(ctx, p, inv); err != nil {
		inv.Error += "; on-failure destination: " + err.Error()
		e.story("%s lambda: could not deliver %s to the on-failure destination: %v", e.since(), p.Name, err)
		return inv
	}
	e.story("%s lambda: %s failed %d times; sent to the on-failure destination", e.since(), p.Name, e.asyncRetries+1)
	return inv
}

// failureRecord is the invocation record Lambda sends to an on-failure
// destination.
type failureRecord struct {
	Version        string          `json:"version"`
	Timestamp      string          `json:"timestamp"`
	RequestContext map[string]any  `json:"requestContext"`
	RequestPayload json.RawMessage `json:"requestPayload"`
	Response       map[string]any  `json:"responseContext"`
	ResponseBody   map[string]any  `json:"responsePayload"`
}

func (e *Env) sendFailureRecord(ctx context.Context, p Payload, inv Invocation) error {
	queueURL, err := queueURLOf(e.launchOnFailure)
	if err != nil {
		return err
	}
	payload := json.RawMessage(p.Body)
	if !json.Valid(payload) {
		payload, _ = json.Marshal(string(p.Body))
	}
	rec := failureRecord{
		Version:   "1.0",
		Timestamp: e.clk.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		RequestContext: map[string]any{
			"requestId": fmt.Sprintf("%08d-0000-4000-8000-%012d", e.reqSeq.Load(), e.reqSeq.Load()), "functionArn": e.launchARN() + ":$LATEST",
			"condition": "RetriesExhausted", "approximateInvokeCount": e.asyncRetries + 1,
		},
		RequestPayload: payload,
		Response:       map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
		ResponseBody:   map[string]any{"errorMessage": inv.Error},
	}
	body, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode invocation record: %w", err)
	}
	_, err = sqs.NewFromConfig(e.launchAWS).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(string(body))})
	if err != nil {
		return fmt.Errorf("send invocation record: %w", err)
	}
	return nil
}

// queueURLOf is the URL of the queue with an SQS ARN
// (arn:aws:sqs:<region>:<account>:<name>).
func queueURLOf(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[2] != "sqs" {
		return "", fmt.Errorf("on-failure destination %q is not an SQS queue ARN (only queues are modelled)", arn)
	}
	return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", parts[3], parts[4], parts[5]), nil
}
