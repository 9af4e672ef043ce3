// Package topics emulates Amazon SNS for the local AWS: topics, subscriptions
// and Publish, spoken over awsQuery so that the real aws-sdk-go-v2 SNS client
// works against it unchanged.
//
// Messages reach SQS subscribers (WithQueues): the SNS envelope, or the
// message itself with raw message delivery, only when the subscription's
// filter policy (FilterPolicy, on the message attributes or the JSON body
// per FilterPolicyScope) accepts it, and only if the queue's policy lets
// sns.amazonaws.com send from the topic. Other protocols receive nothing.
// Every accepted message is kept, in publish order, so tests and the demo
// driver can read what Landfall published (Messages, All), what a
// subscriber of a given protocol would have seen (Delivered) and what each
// subscription got (Deliveries). Validation follows the real service
// closely (subject rules, message structure, attribute rules, size limit,
// filter policies, owner-only access) because those are the mistakes a
// notifier makes that only show up in production.
//
// Who may call what is not decided here: the emulator's IAM middleware
// (package authz) evaluates the caller's policies and the topic's Policy
// attribute (ResourcePolicy) before an operation runs. A topic without a
// Policy reports SNS's default policy but is evaluated as having none, so
// the caller's identity policies decide within the owner account.
package topics

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// Namespace is the XML namespace of SNS responses.
const Namespace = "http://sns.amazonaws.com/doc/2010-03-31/"

// Topics is the emulated SNS service. It is safe for concurrent use.
type Topics struct {
	mu       sync.Mutex
	topics   map[string]*topic // by ARN
	messages []Message         // every accepted message, in publish order
	// deliveries records each message's fate per subscription.
	deliveries []Delivery
	observers  []func(Message)
	// queues receives sqs deliveries; nil records them as failed.
	queues QueueDeliverer
}

var _ wire.Service = (*Topics)(nil)

type topic struct {
	arn, account, region, name string
	// attrs holds the settable attributes (DisplayName, Policy, ...) as set;
	// GetTopicAttributes adds the computed ones.
	attrs map[string]string
	// policy is the Policy attribute, parsed; nil without one.
	policy      *iampolicy.Policy
	subs        []*subscription
	deletedSubs int
}

type subscription struct {
	arn, protocol, endpoint, owner string
	confirmed                      bool
	// attrs are the attributes set with Subscribe or SetSubscriptionAttributes.
	attrs map[string]string
	// filter is attrs' FilterPolicy, parsed with its scope; nil without one.
	filter *filterPolicy
}

// Message is one accepted Publish call.
type Message struct {
	// MessageID is the ID Publish returned.
	MessageID string
	// TopicARN is the topic the message was published to (TopicArn or TargetArn).
	TopicARN string
	// Subject is the optional subject (email subject line).
	Subject string
	// Message is the message text exactly as published; with
	// MessageStructure "json" it is the JSON object of per-protocol messages.
	Message string
	// MessageStructure is "json" or empty.
	MessageStructure string
	// Attributes are the message attributes by name.
	Attributes map[string]Attribute
	// PublishedAt is the emulator time of the Publish call.
	PublishedAt time.Time
	// PublisherAccount is the account of the caller that published.
	PublisherAccount string
}

// Attribute is one message attribute.
type Attribute struct {
	// DataType is String, Number, Binary or String.Array.
	DataType string
	// Value is the StringValue, or for Binary the base64 text as sent.
	Value string
}

// Subscription is a snapshot of one subscription.
type Subscription struct {
	// ARN is the subscription ARN, also for subscriptions still pending
	// confirmation (the API shows those as "PendingConfirmation").
	ARN string
	// TopicARN is the topic subscribed to.
	TopicARN string
	// Protocol is email, email-json, sqs, lambda, http, https or sms.
	Protocol string
	// Endpoint is the address, queue ARN, function ARN or URL.
	Endpoint string
	// Owner is the account that subscribed.
	Owner string
	// Confirmed is false while an email or http(s) subscription waits for
	// its confirmation link to be followed.
	Confirmed bool
}

// New builds the service with the topics of spec, which must be valid.
func New(spec Spec, opts ...Option) (*Topics, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("sns spec: %w", err)
	}
	t := &Topics{topics: map[string]*topic{}}
	for _, o := range opts {
		o(t)
	}
	for _, ts := range spec.Topics {
		arn := ARN(ts.Account, ts.Region, ts.Name)
		tp := &topic{arn: arn, account: ts.Account, region: ts.Region, name: ts.Name, attrs: map[string]string{}}
		if ts.DisplayName != "" {
			tp.attrs["DisplayName"] = ts.DisplayName
		}
		tp.set("Policy", string(ts.Policy))
		tp.set("KmsMasterKeyId", ts.KMSMasterKeyID)
		t.topics[arn] = tp
	}
	return t, nil
}

// ARN returns the ARN of topic name in account and region.
func ARN(account, regionCode, name string) string {
	return fmt.Sprintf("arn:%s:sns:%s:%s:%s", region.Partition(regionCode), regionCode, account, name)
}

// SigningName implements wire.Service.
func (*Topics) SigningName() string { return "sns" }

// Protocol implements wire.Service.
func (*Topics) Protocol() wire.Protocol { return wire.Query }

// TargetPrefix implements wire.Service; Query services have none.
func (*Topics) TargetPrefix() string { return "" }

// XMLNamespace implements wire.Service.
func (*Topics) XMLNamespace() string { return Namespace }

// Operations implements wire.Service.
func (t *Topics) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{
		"CreateTopic":               wire.Op(t.createTopic),
		"DeleteTopic":               wire.Op(t.deleteTopic),
		"ListTopics":                wire.Op(t.listTopics),
		"GetTopicAttributes":        wire.Op(t.getTopicAttributes),
		"SetTopicAttributes":        wire.Op(t.setTopicAttributes),
		"Subscribe":                 wire.Op(t.subscribe),
		"Unsubscribe":               wire.Op(t.unsubscribe),
		"ListSubscriptionsByTopic":  wire.Op(t.listSubscriptionsByTopic),
		"Publish":                   wire.Op(t.publish),
		"GetSubscriptionAttributes": wire.Op(t.getSubscriptionAttributes),
		"SetSubscriptionAttributes": wire.Op(t.setSubscriptionAttributes),
	}
}

// Messages returns the messages accepted for topicARN, in publish order.
// Messages published before a topic was deleted are kept.
func (t *Topics) Messages(topicARN string) []Message {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Message
	for _, m := range t.messages {
		if m.TopicARN == topicARN {
			out = append(out, cloneMessage(m))
		}
	}
	return out
}

// All returns every accepted message, in publish order.
func (t *Topics) All() []Message {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Message, len(t.messages))
	for i, m := range t.messages {
		out[i] = cloneMessage(m)
	}
	return out
}

// Subscriptions returns the subscriptions of topicARN in the order they were
// made, or nil when the topic does not exist.
func (t *Topics) Subscriptions(topicARN string) []Subscription {
	t.mu.Lock()
	defer t.mu.Unlock()
	tp := t.topics[topicARN]
	if tp == nil {
		return nil
	}
	out := make([]Subscription, len(tp.subs))
	for i, s := range tp.subs {
		out[i] = Subscription{ARN: s.arn, TopicARN: tp.arn, Protocol: s.protocol, Endpoint: s.endpoint, Owner: s.owner, Confirmed: s.confirmed}
	}
	return out
}

// ConfirmSubscription marks a pending subscription confirmed, as following
// the link in the confirmation email would. Nothing is ever emailed, so
// tests call this instead.
func (t *Topics) ConfirmSubscription(subscriptionARN string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, tp := range t.topics {
		for _, s := range tp.subs {
			if s.arn == subscriptionARN {
				s.confirmed = true
				return nil
			}
		}
	}
	return fmt.Errorf("confirm subscription %s: no such subscription", subscriptionARN)
}

// Delivered returns the message text a subscriber using protocol ("email",
// "email-json", "sqs", "lambda", "https", ...) would receive for m: with
// MessageStructure "json", the protocol's own entry or else the "default"
// one; otherwise the message as published. For the JSON-enveloped protocols
// this is the envelope's Message field, not the envelope.
func Delivered(m Message, protocol string) string {
	if m.MessageStructure != "json" {
		return m.Message
	}
	var per map[string]string
	if err := json.Unmarshal([]byte(m.Message), &per); err != nil {
		// Publish validated the structure, so this only happens for a
		// hand-built Message; the raw text is the most useful answer.
		return m.Message
	}
	if v, ok := per[protocol]; ok {
		return v
	}
	return per["default"]
}

func cloneMessage(m Message) Message {
	m.Attributes = maps.Clone(m.Attributes)
	return m
}

// sortedTopics returns the topics of account in region, ordered by ARN so
// that paging is stable.
func (t *Topics) sortedTopics(account, regionCode string) []*topic {
	var out []*topic
	for _, tp := range t.topics {
		if tp.account == account && tp.region == regionCode {
			out = append(out, tp)
		}
	}
	slices.SortFunc(out, func(a, b *topic) int { return strings.Compare(a.arn, b.arn) })
	return out
}

// newID returns a random version 4 UUID, the format of SNS message and
// subscription IDs.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// set sets a checked topic attribute; an empty value removes it. Policy is
// kept parsed too, for ResourcePolicy.
func (tp *topic) set(name, value string) {
	if name == "Policy" {
		tp.policy, _ = iampolicy.Parse([]byte(value)) // checked by accessPolicy or the spec; "" is nil
	}
	if value == "" {
		delete(tp.attrs, name)
		return
	}
	tp.attrs[name] = value
}

// ResourcePolicy returns the topic's Policy (nil without one) and its
// KmsMasterKeyId ("" without one), for the emulator's IAM middleware; ok is
// false when there is no such topic.
func (t *Topics) ResourcePolicy(arn string) (policy *iampolicy.Policy, kmsKey string, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tp := t.topics[arn]
	if tp == nil {
		return nil, "", false
	}
	return tp.policy, tp.attrs["KmsMasterKeyId"], true
}
