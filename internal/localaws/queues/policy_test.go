package queues_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/queues"
)

// denyOthers is a queue policy in the shape Landfall's stack uses: an
// explicit Deny of SendMessage to everyone but one role.
const denyOthers = `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyWorker","Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*",` +
	`"Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/Worker"}}}]}`

// sendAs is an SQS SendMessage request by a session of role in the
// management account.
func sendAs(role string) iampolicy.Request {
	return iampolicy.Request{
		Action: "sqs:SendMessage", Resource: queues.ARN(mgmt, home, "landfall-work"),
		Principal: iampolicy.Principal{AWS: "arn:aws:iam::111111111111:role/" + role, Account: mgmt},
		Context:   map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::111111111111:role/" + role}},
	}
}

func TestQueuePolicyAttribute(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, defaultSpec)
	arn := queues.ARN(mgmt, home, "landfall-work")
	if p, key, ok := h.svc.ResourcePolicy(arn); !ok || p != nil || key != "" {
		t.Fatalf("ResourcePolicy before = %v, %q, %v; want no policy and no key", p, key, ok)
	}

	for name, doc := range map[string]string{
		"not JSON":     "{",
		"no principal": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"*"}]}`,
		"bad operator": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"1"}}}]}`,
	} {
		_, err := h.sqs.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(work), Attributes: map[string]string{"Policy": doc}})
		if err == nil {
			t.Errorf("Policy %s: accepted", name)
			continue
		}
		_ = wantError[*sqstypes.InvalidAttributeValue](t, err)
	}

	_, err := h.sqs.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(work), Attributes: map[string]string{"Policy": denyOthers, "KmsMasterKeyId": "alias/aws/sqs"}})
	if err != nil {
		t.Fatalf("SetQueueAttributes: %v", err)
	}
	p, key, ok := h.svc.ResourcePolicy(arn)
	if !ok || p == nil || key != "alias/aws/sqs" {
		t.Fatalf("ResourcePolicy = %v, %q, %v", p, key, ok)
	}
	if got := p.Resource(sendAs("Launch")).Effect; got != iampolicy.Deny {
		t.Errorf("parsed policy on another role's SendMessage = %v, want Deny", got)
	}
	if got := p.Resource(sendAs("Worker")).Effect; got != iampolicy.NoMatch {
		t.Errorf("parsed policy on the worker's SendMessage = %v, want no match", got)
	}
	out, err := h.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(work), AttributeNames: []sqstypes.QueueAttributeName{"Policy"}})
	if err != nil || out.Attributes["Policy"] != denyOthers {
		t.Errorf("GetQueueAttributes Policy = %v, %v; want the document as set", out, err)
	}

	// An empty Policy removes it.
	if _, err := h.sqs.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(work), Attributes: map[string]string{"Policy": ""}}); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := h.svc.ResourcePolicy(arn); p != nil {
		t.Errorf("ResourcePolicy after removing = %v, want nil", p)
	}
}

func TestCreateQueueWithPolicy(t *testing.T) {
	h := newHarness(t, defaultSpec)
	out, err := h.sqs.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("guarded"), Attributes: map[string]string{"Policy": denyOthers}})
	if err != nil {
		t.Fatal(err)
	}
	if p, _, ok := h.svc.ResourcePolicy(queues.ARN(mgmt, home, "guarded")); !ok || p == nil {
		t.Errorf("ResourcePolicy of %s = %v, %v; want the policy", aws.ToString(out.QueueUrl), p, ok)
	}
}

func TestSpecPolicyAndKey(t *testing.T) {
	const section = `
queues:
  - account: "111111111111"
    region: us-east-1
    name: landfall-work
    kmsMasterKeyId: 1234abcd-12ab-34cd-56ef-1234567890ab
    policy:
      Version: "2012-10-17"
      Statement:
        - {Sid: OnlyWorker, Effect: Deny, Principal: "*", Action: "sqs:SendMessage", Resource: "*",
           Condition: {ArnNotEquals: {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/Worker"}}}
`
	var spec queues.Spec
	if err := yaml.Unmarshal([]byte(section), &spec); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, spec)
	p, key, ok := h.svc.ResourcePolicy(queues.ARN(mgmt, home, "landfall-work"))
	if !ok || p == nil || key != "1234abcd-12ab-34cd-56ef-1234567890ab" {
		t.Fatalf("ResourcePolicy = %v, %q, %v", p, key, ok)
	}
	if p.Resource(sendAs("Launch")).Effect != iampolicy.Deny {
		t.Errorf("the YAML policy does not deny another role: %s", p)
	}

	spec.Queues[0].Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`
	if err := spec.Validate(); err == nil || !strings.Contains(err.Error(), "queues[0].policy: ") || !strings.Contains(err.Error(), "Principal") {
		t.Errorf("Validate(policy without Principal) = %v, want an error at queues[0].policy naming Principal", err)
	}
}
