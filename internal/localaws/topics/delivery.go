package topics

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// QueueDelivery is one message SNS sends to a subscribed SQS queue.
type QueueDelivery struct {
	// QueueARN is the subscription's endpoint.
	QueueARN string
	// TopicARN is the topic the message was published to: SNS sends as
	// sns.amazonaws.com with aws:SourceArn set to it, so the queue's policy
	// (and its KMS key's) must allow that.
	TopicARN string
	// Body is the SNS envelope JSON, or with raw message delivery the
	// message itself.
	Body string
	// Attributes are the message attributes SNS passes on as SQS message
	// attributes, with raw message delivery only.
	Attributes map[string]Attribute
	// SentAt is the time of the Publish call.
	SentAt time.Time
}

// QueueDeliverer sends SNS's deliveries to SQS: in the emulator, its SQS
// behind IAM, as the SNS service principal. A refusal (no such queue, a
// policy that does not allow the topic) is an error; the Publish call that
// caused it still succeeds, as in SNS.
type QueueDeliverer interface {
	DeliverToQueue(d QueueDelivery) error
}

// Option configures New.
type Option func(*Topics)

// WithQueues makes SNS deliver to sqs subscriptions through d. Without it,
// sqs deliveries are recorded as failed ("no SQS to deliver to").
func WithQueues(d QueueDeliverer) Option {
	return func(t *Topics) { t.queues = d }
}

// DeliveryStatus is what became of one message for one subscription.
type DeliveryStatus string

// Delivery statuses.
const (
	// DeliveredToQueue: the queue accepted the message.
	DeliveredToQueue DeliveryStatus = "delivered"
	// FilteredOut: the subscription's filter policy did not match.
	FilteredOut DeliveryStatus = "filtered out"
	// DeliveryFailed: the queue refused the message or does not exist
	// (SNS would retry, then drop it or send it to the subscription's
	// dead-letter queue).
	DeliveryFailed DeliveryStatus = "failed"
	// NotSent: the filter policy let the message through to a protocol the
	// emulator does not deliver to (email, https, lambda, ...).
	NotSent DeliveryStatus = "not sent"
)

// Delivery records what SNS did with one message for one confirmed
// subscription, in the order of publishing.
type Delivery struct {
	MessageID       string
	TopicARN        string
	SubscriptionARN string
	Protocol        string
	Endpoint        string
	Status          DeliveryStatus
	// Error is why a delivery failed.
	Error string
}

// Deliveries returns what became of every message published to topicARN,
// per confirmed subscription, in publish order.
func (t *Topics) Deliveries(topicARN string) []Delivery {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Delivery
	for _, d := range t.deliveries {
		if d.TopicARN == topicARN {
			out = append(out, d)
		}
	}
	return out
}

// OnPublish calls f with every message accepted from now on, after its
// deliveries, outside the service's lock. `landfall local serve` prints
// each notification with it.
func (t *Topics) OnPublish(f func(Message)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.observers = append(t.observers, f)
}

// target is a subscription as one Publish call sees it.
type target struct {
	arn, protocol, endpoint string
	raw                     bool
	filter                  *filterPolicy
	signatureVersion        string
}

// targets snapshots the confirmed subscriptions of tp. Callers hold t.mu.
func (tp *topic) targets() []target {
	var out []target
	for _, s := range tp.subs {
		if !s.confirmed {
			continue // SNS sends nothing to a pending subscription
		}
		out = append(out, target{
			arn: s.arn, protocol: s.protocol, endpoint: s.endpoint,
			raw: s.attrs["RawMessageDelivery"] == "true", filter: s.filter,
			signatureVersion: tp.attrs["SignatureVersion"],
		})
	}
	return out
}

// fanOut delivers m to each target and records what happened.
func (t *Topics) fanOut(m Message, targets []target, regionCode string) {
	records := make([]Delivery, 0, len(targets))
	for _, tg := range targets {
		d := Delivery{MessageID: m.MessageID, TopicARN: m.TopicARN, SubscriptionARN: tg.arn, Protocol: tg.protocol, Endpoint: tg.endpoint}
		body := Delivered(m, tg.protocol)
		switch {
		case !tg.filter.accepts(body, m.Attributes):
			d.Status = FilteredOut
		case tg.protocol != "sqs":
			d.Status = NotSent
		default:
			d.Status = DeliveredToQueue
			if err := t.toQueue(m, tg, body, regionCode); err != nil {
				d.Status, d.Error = DeliveryFailed, err.Error()
			}
		}
		records = append(records, d)
	}
	t.mu.Lock()
	t.deliveries = append(t.deliveries, records...)
	observers := append([]func(Message){}, t.observers...)
	t.mu.Unlock()
	for _, f := range observers {
		f(cloneMessage(m))
	}
}

func (t *Topics) toQueue(m Message, tg target, body, regionCode string) error {
	if t.queues == nil {
		return fmt.Errorf("no SQS to deliver to: the topics service was built without WithQueues")
	}
	d := QueueDelivery{QueueARN: tg.endpoint, TopicARN: m.TopicARN, SentAt: m.PublishedAt}
	if tg.raw {
		d.Body = body
		if m.MessageStructure != "json" {
			d.Attributes = cloneMessage(m).Attributes
		}
	} else {
		d.Body = envelope(m, body, tg, regionCode)
	}
	return t.queues.DeliverToQueue(d)
}

// envelopeAttribute is a message attribute in the SNS envelope.
type envelopeAttribute struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// snsEnvelope is the JSON document SNS delivers to SQS (and HTTP/S)
// subscribers without raw message delivery, members in SNS's order.
type snsEnvelope struct {
	Type              string                       `json:"Type"`
	MessageID         string                       `json:"MessageId"`
	TopicARN          string                       `json:"TopicArn"`
	Subject           string                       `json:"Subject,omitempty"`
	Message           string                       `json:"Message"`
	Timestamp         string                       `json:"Timestamp"`
	SignatureVersion  string                       `json:"SignatureVersion"`
	Signature         string                       `json:"Signature"`
	SigningCertURL    string                       `json:"SigningCertURL"`
	UnsubscribeURL    string                       `json:"UnsubscribeURL"`
	MessageAttributes map[string]envelopeAttribute `json:"MessageAttributes,omitempty"`
}

// envelope wraps body (m as delivered to the subscription's protocol) in
// the SNS envelope. The emulator holds no SNS signing key: Signature is a
// digest of the envelope, which signature verification will reject, as it
// should reject anything not signed by SNS.
func envelope(m Message, body string, tg target, regionCode string) string {
	e := snsEnvelope{
		Type: "Notification", MessageID: m.MessageID, TopicARN: m.TopicARN, Subject: m.Subject, Message: body,
		Timestamp:        m.PublishedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
		SignatureVersion: tg.signatureVersion,
		SigningCertURL:   "https://sns." + regionCode + ".amazonaws.com/SimpleNotificationService-localaws.pem",
		UnsubscribeURL:   "https://sns." + regionCode + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + url.QueryEscape(tg.arn),
	}
	if e.SignatureVersion == "" {
		e.SignatureVersion = "1"
	}
	// Message attributes are delivered only with a string message structure.
	if m.MessageStructure != "json" && len(m.Attributes) > 0 {
		e.MessageAttributes = map[string]envelopeAttribute{}
		for name, a := range m.Attributes {
			e.MessageAttributes[name] = envelopeAttribute{Type: a.DataType, Value: a.Value}
		}
	}
	digest := sha256.Sum256([]byte(strings.Join([]string{e.MessageID, e.TopicARN, e.Subject, e.Message, e.Timestamp}, "\n")))
	e.Signature = base64.StdEncoding.EncodeToString(digest[:])
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // SNS leaves <, > and & as they are
	_ = enc.Encode(e)        // strings and maps of strings always encode
	return strings.TrimSuffix(b.String(), "\n")
}
