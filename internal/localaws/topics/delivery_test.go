package topics_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/topics"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// fakeQueues records deliveries; refuse lists queue ARNs it refuses.
type fakeQueues struct {
	mu     sync.Mutex
	got    []topics.QueueDelivery
	refuse map[string]bool
}

func (f *fakeQueues) DeliverToQueue(d topics.QueueDelivery) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse[d.QueueARN] {
		return errors.New("User: sns.amazonaws.com is not authorized to perform: sqs:SendMessage")
	}
	f.got = append(f.got, d)
	return nil
}

func (f *fakeQueues) to(queueARN string) []topics.QueueDelivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []topics.QueueDelivery
	for _, d := range f.got {
		if d.QueueARN == queueARN {
			out = append(out, d)
		}
	}
	return out
}

// deliveryHarness is the SNS service wired to fake queues, with a client of
// the management account.
func deliveryHarness(t *testing.T) (*topics.Topics, *fakeQueues, *sns.Client) {
	t.Helper()
	q := &fakeQueues{refuse: map[string]bool{}}
	svc, err := topics.New(defaultSpec, topics.WithQueues(q))
	if err != nil {
		t.Fatal(err)
	}
	srv := wire.NewServer(wire.ServerOptions{
		Services: []wire.Service{svc},
		Clock:    clock.NewManual(t0),
		Auth: wire.AuthFunc(func(key string, _ time.Time) (wire.Caller, error) {
			return wire.Caller{Account: mgmt, ARN: "arn:aws:iam::" + mgmt + ":user/tester"}, nil
		}),
	})
	c := sns.New(sns.Options{
		Region: home, BaseEndpoint: aws.String("http://localaws.internal"), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDMGMT", "secret", ""), RetryMaxAttempts: 1,
	})
	return svc, q, c
}

func subscribeQueue(t *testing.T, c *sns.Client, queue string, attrs map[string]string) string {
	t.Helper()
	out, err := c.Subscribe(context.Background(), &sns.SubscribeInput{
		TopicArn: aws.String(notifications), Protocol: aws.String("sqs"), Endpoint: aws.String(queue), Attributes: attrs,
	})
	if err != nil {
		t.Fatalf("subscribe %s: %v", queue, err)
	}
	return aws.ToString(out.SubscriptionArn)
}

func publishOutcome(t *testing.T, c *sns.Client, subject, outcome string) string {
	t.Helper()
	out, err := c.Publish(context.Background(), &sns.PublishInput{
		TopicArn: aws.String(notifications), Subject: aws.String(subject), Message: aws.String("body of " + subject),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"landfall.outcome": {DataType: aws.String("String"), StringValue: aws.String(outcome)},
		},
	})
	if err != nil {
		t.Fatalf("publish %s: %v", subject, err)
	}
	return aws.ToString(out.MessageId)
}

const failuresOnly = `{"landfall.outcome": ["PARTIAL", "FAILED", "ACCOUNT_FAILED", "INVALID_EVENT", "REFUSED"]}`

// TestDeliveryToQueues checks fan-out to sqs subscriptions: the envelope,
// raw delivery, filtering, and a refused delivery that leaves Publish
// successful.
func TestDeliveryToQueues(t *testing.T) {
	svc, q, c := deliveryHarness(t)
	const all, failures, raw, refused = "arn:aws:sqs:us-east-1:111111111111:all", "arn:aws:sqs:us-east-1:111111111111:failures",
		"arn:aws:sqs:us-west-2:111111111111:raw", "arn:aws:sqs:us-east-1:111111111111:refused"
	allSub := subscribeQueue(t, c, all, nil)
	subscribeQueue(t, c, failures, map[string]string{"FilterPolicy": failuresOnly})
	subscribeQueue(t, c, raw, map[string]string{"RawMessageDelivery": "true"})
	subscribeQueue(t, c, refused, nil)
	q.refuse[refused] = true

	okID := publishOutcome(t, c, "Landfall: ok", "SUCCEEDED")
	failID := publishOutcome(t, c, "Landfall: 1 failed", "FAILED")

	if got := q.to(all); len(got) != 2 {
		t.Fatalf("the unfiltered queue got %d messages, want 2", len(got))
	}
	var env map[string]any
	if err := json.Unmarshal([]byte(q.to(all)[0].Body), &env); err != nil {
		t.Fatalf("envelope is not JSON: %v\n%s", err, q.to(all)[0].Body)
	}
	want := map[string]any{"Type": "Notification", "MessageId": okID, "TopicArn": notifications, "Subject": "Landfall: ok",
		"Message": "body of Landfall: ok", "Timestamp": "2026-03-01T12:00:00.000Z", "SignatureVersion": "1"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("envelope %s = %v, want %v", k, env[k], v)
		}
	}
	if attrs, _ := env["MessageAttributes"].(map[string]any); attrs["landfall.outcome"] == nil ||
		!strings.Contains(env["UnsubscribeURL"].(string), "SubscriptionArn="+strings.ReplaceAll(allSub, ":", "%3A")) {
		t.Errorf("envelope lacks the attributes or the unsubscribe URL: %v", env)
	}
	if got := q.to(failures); len(got) != 1 || !strings.Contains(got[0].Body, failID) {
		t.Errorf("the failures-only queue got %v, want only message %s", got, failID)
	}
	if got := q.to(raw); len(got) != 2 || got[1].Body != "body of Landfall: 1 failed" || got[1].Attributes["landfall.outcome"].Value != "FAILED" {
		t.Errorf("the raw queue got %+v, want the bare message with its attributes", got)
	}

	byStatus := map[topics.DeliveryStatus]int{}
	for _, d := range svc.Deliveries(notifications) {
		byStatus[d.Status]++
		if d.Status == topics.DeliveryFailed && (d.Endpoint != refused || !strings.Contains(d.Error, "not authorized")) {
			t.Errorf("unexpected failed delivery %+v", d)
		}
	}
	want2 := map[topics.DeliveryStatus]int{topics.DeliveredToQueue: 5, topics.FilteredOut: 1, topics.DeliveryFailed: 2}
	for s, n := range want2 {
		if byStatus[s] != n {
			t.Errorf("%d deliveries %q, want %d (all: %v)", byStatus[s], s, n, byStatus)
		}
	}
}

// TestDeliveryOfJSONStructure checks that an sqs subscriber gets the sqs
// entry of a MessageStructure json message, and no attributes.
func TestDeliveryOfJSONStructure(t *testing.T) {
	_, q, c := deliveryHarness(t)
	const queue = "arn:aws:sqs:us-east-1:111111111111:q"
	subscribeQueue(t, c, queue, nil)
	_, err := c.Publish(context.Background(), &sns.PublishInput{
		TopicArn: aws.String(notifications), MessageStructure: aws.String("json"),
		Message: aws.String(`{"default": "text", "sqs": "{\"run\":\"r-1\"}"}`),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"landfall.outcome": {DataType: aws.String("String"), StringValue: aws.String("FAILED")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Message           string
		MessageAttributes map[string]any
	}
	got := q.to(queue)
	if len(got) != 1 || json.Unmarshal([]byte(got[0].Body), &env) != nil || env.Message != `{"run":"r-1"}` || env.MessageAttributes != nil {
		t.Errorf("delivered %+v, want the sqs entry without attributes", got)
	}
}

// TestSubscriptionAttributes checks Get/SetSubscriptionAttributes and the
// refusals of invalid attributes, with SNS's messages.
func TestSubscriptionAttributes(t *testing.T) {
	ctx := context.Background()
	_, _, c := deliveryHarness(t)
	arn := subscribeQueue(t, c, "arn:aws:sqs:us-east-1:111111111111:q", map[string]string{"FilterPolicy": failuresOnly})

	got, err := c.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"FilterPolicy": failuresOnly, "FilterPolicyScope": "MessageAttributes", "RawMessageDelivery": "false",
		"Protocol": "sqs", "TopicArn": notifications, "Owner": mgmt, "PendingConfirmation": "false"} {
		if got.Attributes[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, got.Attributes[k], v)
		}
	}

	set := func(name, value string) error {
		_, err := c.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{
			SubscriptionArn: aws.String(arn), AttributeName: aws.String(name), AttributeValue: aws.String(value),
		})
		return err
	}
	refusals := []struct{ name, value, want string }{
		{"FilterPolicy", `{"landfall.outcome": []}`, "Invalid parameter: FilterPolicy: Empty arrays are not allowed"},
		{"FilterPolicy", `{"landfall": {"outcome": ["FAILED"]}}`, "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"},
		{"FilterPolicyScope", "Body", "Invalid parameter: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes"},
		{"Colour", "blue", `Invalid parameter: AttributeName: "Colour" is not a subscription attribute`},
	}
	for _, r := range refusals {
		err := set(r.name, r.value)
		if e := wantError[*snstypes.InvalidParameterException](t, err); !strings.HasPrefix(e.ErrorMessage(), r.want) {
			t.Errorf("set %s=%s: %q, want %q", r.name, r.value, e.ErrorMessage(), r.want)
		}
	}
	// A nested policy becomes valid with the body scope, and the scope can
	// then not go back while the policy is nested.
	if err := set("FilterPolicyScope", "MessageBody"); err != nil {
		t.Fatal(err)
	}
	if err := set("FilterPolicy", `{"summary": {"outcome": ["FAILED"]}}`); err != nil {
		t.Fatalf("nested policy with the MessageBody scope: %v", err)
	}
	_ = wantError[*snstypes.InvalidParameterException](t, set("FilterPolicyScope", "MessageAttributes"))

	_, err = c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(notifications), Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:us-east-1:111111111111:other"), Attributes: map[string]string{"FilterPolicy": `{"a": "b"}`}})
	if e := wantError[*snstypes.InvalidParameterException](t, err); e.ErrorMessage() != `Invalid parameter: Attributes Reason: FilterPolicy: "a" must be an object or an array` {
		t.Errorf("Subscribe with a scalar policy value: %q", e.ErrorMessage())
	}
	_, err = c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(notifications), Protocol: aws.String("email"),
		Endpoint: aws.String("ops@example.com"), Attributes: map[string]string{"RawMessageDelivery": "true"}})
	_ = wantError[*snstypes.InvalidParameterException](t, err)
	_, err = c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(notifications), Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:us-east-1:111111111111:q"), Attributes: map[string]string{"RawMessageDelivery": "true"}})
	if e := wantError[*snstypes.InvalidParameterException](t, err); !strings.Contains(e.ErrorMessage(), "Subscription already exists with different attributes") {
		t.Errorf("re-Subscribe with other attributes: %q", e.ErrorMessage())
	}
	_, err = c.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(notifications + ":no-such")})
	_ = wantError[*snstypes.NotFoundException](t, err)
}

// TestOnPublish checks that observers see each accepted message in full.
func TestOnPublish(t *testing.T) {
	svc, _, c := deliveryHarness(t)
	var seen []topics.Message
	svc.OnPublish(func(m topics.Message) { seen = append(seen, m) })
	publishOutcome(t, c, "Landfall: ok", "SUCCEEDED")
	if len(seen) != 1 || seen[0].Subject != "Landfall: ok" || seen[0].Message != "body of Landfall: ok" || seen[0].Attributes["landfall.outcome"].Value != "SUCCEEDED" {
		t.Errorf("observer saw %+v", seen)
	}
}
