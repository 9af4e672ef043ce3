package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/topics"
	"github.com/landfall/landfall/internal/notify"
)

// readmeFailuresOnly is the filter policy the README suggests for a
// subscription that takes failures only.
const readmeFailuresOnly = `{"landfall.outcome": ["PARTIAL", "FAILED", "ACCOUNT_FAILED", "INVALID_EVENT", "REFUSED"]}`

// TestFailuresOnlySubscription runs a backfill in which one account
// succeeds and one fails partly (us-west-1 disabled), with Landfall's real
// notifier: a queue subscribed with the README's filter policy receives
// only the failure, and a queue whose policy does not let the topic send
// receives nothing while the run still publishes both summaries.
func TestFailuresOnlySubscription(t *testing.T) {
	env := localAWS(t, func(w *localaws.World) {
		for i, a := range w.Organization.Accounts {
			if a.ID == "777777777777" {
				w.Organization.Accounts[i].DisabledRegions = []string{"us-west-1"}
			}
		}
	})
	ctx := context.Background()
	topic := env.Config.TopicARN
	failures := createQueue(t, env.AWS, "failures", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
		`"Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":%q}}}]}`, topic))
	closed := createQueue(t, env.AWS, "no-policy", "")
	client := sns.NewFromConfig(env.AWS)
	for queue, attrs := range map[string]map[string]string{
		failures: {"FilterPolicy": readmeFailuresOnly},
		closed:   nil,
	} {
		if _, err := client.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
			Endpoint: aws.String(queueARNOf(queue)), Attributes: attrs}); err != nil {
			t.Fatal(err)
		}
	}

	runPayload(t, env, `{"accounts": ["222222222222", "777777777777"]}`)

	if n := len(env.Cloud.Topics().Messages(topic)); n != 2 {
		t.Fatalf("%d summaries published, want 2", n)
	}
	got := env.Cloud.Queues().Messages(failures)
	if len(got) != 1 {
		t.Fatalf("the failures-only queue holds %d messages, want 1", len(got))
	}
	// Landfall publishes with MessageStructure json: the envelope carries
	// the sqs document and, as SNS documents, no message attributes.
	var envelope struct {
		Subject, Message  string
		MessageAttributes map[string]any
	}
	var doc notify.Document
	if err := json.Unmarshal([]byte(got[0].Body), &envelope); err != nil || json.Unmarshal([]byte(envelope.Message), &doc) != nil {
		t.Fatalf("not an SNS envelope of a Landfall document: %v\n%s", err, got[0].Body)
	}
	if doc.Outcome != "PARTIAL" || !strings.Contains(envelope.Subject, "dev-sandbox (777777777777)") || envelope.MessageAttributes != nil {
		t.Errorf("the failures-only queue got %q (outcome %s, attributes %v), want dev-sandbox's PARTIAL summary", envelope.Subject, doc.Outcome, envelope.MessageAttributes)
	}
	if n := len(env.Cloud.Queues().Messages(closed)); n != 0 {
		t.Errorf("the queue without a policy for SNS holds %d messages, want 0", n)
	}
	for _, d := range env.Cloud.Topics().Deliveries(topic) {
		if d.Endpoint == queueARNOf(closed) && (d.Status != topics.DeliveryFailed || !strings.Contains(d.Error, "User: sns.amazonaws.com is not authorized to perform: sqs:SendMessage")) {
			t.Errorf("delivery to the closed queue: %+v", d)
		}
	}
}

// createQueue creates a queue with an optional policy and returns its URL.
func createQueue(t *testing.T, cfg aws.Config, name, policy string) string {
	t.Helper()
	in := &sqs.CreateQueueInput{QueueName: aws.String(name)}
	if policy != "" {
		in.Attributes = map[string]string{"Policy": policy}
	}
	out, err := sqs.NewFromConfig(cfg).CreateQueue(context.Background(), in)
	if err != nil {
		t.Fatalf("create queue %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

// queueARNOf is the ARN of the queue at an SQS URL of the local AWS.
func queueARNOf(url string) string {
	p := strings.Split(strings.TrimPrefix(url, "https://"), "/")
	region := strings.Split(p[0], ".")[1]
	return queues.ARN(p[1], region, p[2])
}
