package topics_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/topics"
)

// onlyWorker is a topic policy in the shape Landfall's stack uses: an
// explicit Deny of Publish to everyone but one role.
const onlyWorker = `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyWorker","Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"*",` +
	`"Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/Worker"}}}]}`

func publishAs(role string) iampolicy.Request {
	arn := "arn:aws:iam::111111111111:role/" + role
	return iampolicy.Request{
		Action: "sns:Publish", Resource: notifications,
		Principal: iampolicy.Principal{AWS: arn, Account: mgmt},
		Context:   map[string][]string{"aws:PrincipalArn": {arn}},
	}
}

func TestTopicPolicyAttribute(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	c := h.client("AKIDMGMT", home)
	if p, key, ok := h.svc.ResourcePolicy(notifications); !ok || p != nil || key != "" {
		t.Fatalf("ResourcePolicy before = %v, %q, %v; want no policy (the reported default is not evaluated)", p, key, ok)
	}

	_, err := c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(notifications), AttributeName: aws.String("Policy"),
		AttributeValue: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sns:Publish","Resource":"*"}]}`)})
	if e := wantError[*snstypes.InvalidParameterException](t, err); !strings.Contains(e.ErrorMessage(), "Policy Error") || !strings.Contains(e.ErrorMessage(), "Principal") {
		t.Errorf("policy without Principal: %q, want a Policy Error naming Principal", e.ErrorMessage())
	}

	for _, kv := range [][2]string{{"Policy", onlyWorker}, {"KmsMasterKeyId", "alias/aws/sns"}} {
		if _, err := c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(notifications), AttributeName: aws.String(kv[0]), AttributeValue: aws.String(kv[1])}); err != nil {
			t.Fatalf("SetTopicAttributes %s: %v", kv[0], err)
		}
	}
	p, key, ok := h.svc.ResourcePolicy(notifications)
	if !ok || p == nil || key != "alias/aws/sns" {
		t.Fatalf("ResourcePolicy = %v, %q, %v", p, key, ok)
	}
	if p.Resource(publishAs("Launch")).Effect != iampolicy.Deny || p.Resource(publishAs("Worker")).Effect != iampolicy.NoMatch {
		t.Errorf("parsed policy does not deny exactly the other roles: %s", p)
	}

	if _, err := c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(notifications), AttributeName: aws.String("Policy"), AttributeValue: aws.String("")}); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := h.svc.ResourcePolicy(notifications); p != nil {
		t.Errorf("ResourcePolicy after removing = %v, want nil", p)
	}
}

func TestCrossAccountLeftToIAM(t *testing.T) {
	// Whether another account may publish is IAM's decision (package
	// authz), by the topic policy: the service itself refuses nothing.
	h := newHarness(t, defaultSpec)
	if _, err := h.client("AKIDMEMBER", home).Publish(context.Background(), &sns.PublishInput{TopicArn: aws.String(notifications), Message: aws.String("x")}); err != nil {
		t.Fatalf("cross-account Publish: %v", err)
	}
	if msgs := h.svc.Messages(notifications); len(msgs) != 1 || msgs[0].PublisherAccount != member {
		t.Errorf("Messages = %+v, want one from %s", msgs, member)
	}
}

func TestSpecPolicy(t *testing.T) {
	const section = `
topics:
  - account: "111111111111"
    region: us-east-1
    name: landfall-notifications
    kmsMasterKeyId: alias/aws/sns
    policy: '` + onlyWorker + `'
`
	var spec topics.Spec
	if err := yaml.Unmarshal([]byte(section), &spec); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, spec)
	if p, key, _ := h.svc.ResourcePolicy(notifications); p == nil || p.Resource(publishAs("Launch")).Effect != iampolicy.Deny || key != "alias/aws/sns" {
		t.Errorf("ResourcePolicy = %v, %q; want the JSON policy and the key", p, key)
	}
	spec.Topics[0].Policy = "{"
	if err := spec.Validate(); err == nil || !strings.Contains(err.Error(), "topics[0].policy: ") {
		t.Errorf("Validate(bad policy) = %v, want an error at topics[0].policy", err)
	}
}
