package localaws_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/topics"
)

// snsWorld has the summary topic and queues whose policies and keys allow
// SNS's deliveries from it, or not.
const snsWorld = `start: 2026-01-01T00:00:00Z
organization:
  id: o-ab12cd34ef
  root: r-ab12
  managementAccount: "111111111111"
  homeRegion: us-east-1
  accounts:
    - {id: "111111111111", name: Management, parent: r-ab12}
sns:
  topics:
    - {account: "111111111111", region: us-east-1, name: landfall-notifications}
    - {account: "111111111111", region: us-east-1, name: other-topic}
sqs:
  queues:
    # The policy AWS documents for a queue subscribed to a topic.
    - account: "111111111111"
      region: us-east-1
      name: by-service
      policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: sns.amazonaws.com}
            Action: sqs:SendMessage
            Resource: arn:aws:sqs:us-east-1:111111111111:by-service
            Condition: {ArnEquals: {"aws:SourceArn": arn:aws:sns:us-east-1:111111111111:landfall-notifications}}
    # The older form: anyone, pinned to the topic.
    - account: "111111111111"
      region: us-east-1
      name: by-source
      policy:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: "*", Action: sqs:SendMessage, Resource: "*",
             Condition: {ArnLike: {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:landfall-*"}}}
    # No policy: only identities of the account may send; SNS may not.
    - {account: "111111111111", region: us-east-1, name: no-policy}
    # Allows another topic only.
    - account: "111111111111"
      region: us-east-1
      name: other-source
      policy:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: sns.amazonaws.com}, Action: sqs:SendMessage, Resource: "*",
             Condition: {ArnEquals: {"aws:SourceArn": arn:aws:sns:us-east-1:111111111111:other-topic}}}
    # Encrypted with a key whose policy lets SNS use it.
    - account: "111111111111"
      region: us-east-1
      name: encrypted-ok
      kmsMasterKeyId: sns-ok
      policy: &snsPolicy
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: sns.amazonaws.com}, Action: sqs:SendMessage, Resource: "*"}
    # Encrypted with a key only the account may use.
    - {account: "111111111111", region: us-east-1, name: encrypted-denied, kmsMasterKeyId: account-only, policy: *snsPolicy}
    # Encrypted with SQS's AWS managed key, whose policy SNS cannot use.
    - {account: "111111111111", region: us-east-1, name: encrypted-managed, kmsMasterKeyId: alias/aws/sqs, policy: *snsPolicy}
kms:
  keys:
    - id: sns-ok
      account: "111111111111"
      region: us-east-1
      policy:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:root"}, Action: "kms:*", Resource: "*"}
          - {Effect: Allow, Principal: {Service: sns.amazonaws.com}, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*"}
    - id: account-only
      account: "111111111111"
      region: us-east-1
      policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:root"}, Action: "kms:*", Resource: "*"}]}
`

// TestSNSDeliversThroughIAM subscribes every queue of snsWorld and checks
// that a message reaches exactly the queues whose policies (and keys)
// allow sns.amazonaws.com for the topic, that Publish succeeds regardless,
// and that each refusal is recorded with IAM's reason.
func TestSNSDeliversThroughIAM(t *testing.T) {
	w, err := localaws.ParseWorld([]byte(snsWorld), "sns.yaml")
	if err != nil {
		t.Fatalf("ParseWorld: %v", err)
	}
	cloud := newCloud(t, w)
	ctx := t.Context()
	client := sns.NewFromConfig(cloud.Config("us-east-1", nil))
	topic := topics.ARN("111111111111", "us-east-1", "landfall-notifications")
	names := []string{"by-service", "by-source", "no-policy", "other-source", "encrypted-ok", "encrypted-denied", "encrypted-managed"}
	for _, name := range names {
		if _, err := client.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
			Endpoint: aws.String(queues.ARN("111111111111", "us-east-1", name))}); err != nil {
			t.Fatalf("subscribe %s: %v", name, err)
		}
	}
	if _, err := client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("hello"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{"landfall.outcome": {DataType: aws.String("String"), StringValue: aws.String("FAILED")}}}); err != nil {
		t.Fatalf("Publish failed because of its subscribers: %v", err)
	}

	want := map[string]string{ // queue → "" (delivered) or a part of the refusal
		"by-service":        "",
		"by-source":         "",
		"encrypted-ok":      "",
		"no-policy":         "is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:111111111111:no-policy because no resource-based policy allows",
		"other-source":      "because no resource-based policy allows the sqs:SendMessage action",
		"encrypted-denied":  "kms:GenerateDataKey",
		"encrypted-managed": "kms:GenerateDataKey",
	}
	for _, d := range cloud.Topics().Deliveries(topic) {
		name := d.Endpoint[strings.LastIndex(d.Endpoint, ":")+1:]
		reason, ok := want[name]
		if !ok {
			t.Errorf("unexpected delivery %+v", d)
			continue
		}
		delete(want, name)
		msgs := cloud.Queues().Messages(queues.URL("111111111111", "us-east-1", name))
		switch {
		case reason == "" && (d.Status != topics.DeliveredToQueue || len(msgs) != 1):
			t.Errorf("%s: status %s (%s), %d messages; want delivered once", name, d.Status, d.Error, len(msgs))
		case reason == "" && !strings.Contains(msgs[0].Body, `"Message":"hello"`):
			t.Errorf("%s received %s, want the SNS envelope of hello", name, msgs[0].Body)
		case reason != "" && (d.Status != topics.DeliveryFailed || !strings.Contains(d.Error, reason) || len(msgs) != 0):
			t.Errorf("%s: status %s, error %q, %d messages; want refused with %q and empty", name, d.Status, d.Error, len(msgs), reason)
		}
	}
	if len(want) != 0 {
		t.Errorf("no delivery recorded for %v", want)
	}
}
