// Package queues emulates Amazon SQS standard queues for the local AWS,
// spoken over awsJson1_0 with the awsQueryCompatible error codes, so that
// the real aws-sdk-go-v2 SQS client works against it unchanged (typed errors
// such as *types.QueueDoesNotExist included).
//
// Time comes from the emulator clock: per-message delays, visibility
// timeouts, retention and the redrive to a dead-letter queue all follow the
// Now of each request, so a test on a manual clock can step through a
// ten-minute polling loop instantly. For the same reason ReceiveMessage
// never long-polls: with a manual clock nothing would ever wake it up, so
// WaitTimeSeconds is validated and then answered immediately; callers that
// want the next message ask NextVisibleAt and advance the clock.
//
// Who may call what is not decided here: the emulator's IAM middleware
// (package authz) evaluates the caller's policies and the queue policy
// (ResourcePolicy) before an operation runs, so a queue policy can grant
// another account access, as in SQS. The service keeps the Policy attribute
// parsed for it.
package queues

import (
	"crypto/rand"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// Queues is the emulated SQS service. It is safe for concurrent use.
type Queues struct {
	mu    sync.Mutex
	clock clock.Clock // nil: the Go API uses the latest request time
	// lastNow is the latest request time seen; time never goes backwards.
	lastNow time.Time
	queues  map[string]*queue    // by account/region/name
	deleted map[string]time.Time // queue key → when it was deleted
	// duplicates decides, per message a ReceiveMessage call hands out,
	// whether it is delivered twice; nil never.
	duplicates func(*wire.Request) bool
}

var _ wire.Service = (*Queues)(nil)

// Option configures New.
type Option func(*Queues)

// WithClock makes the Go API (Stats, NextVisibleAt, Messages, Receive,
// Delete) and the creation time of the spec's queues read c. Without it they
// use the time of the latest request the service handled; pass the same
// clock the wire.Server uses.
func WithClock(c clock.Clock) Option {
	return func(q *Queues) { q.clock = c }
}

// WithDuplicates makes ReceiveMessage deliver some messages twice, as a
// standard queue may (delivery is at least once). For each message a
// ReceiveMessage call hands out, duplicate(req) decides whether a second
// copy stays behind, visible at once: the next ReceiveMessage (by another
// consumer while the first copy is in flight, or after it was deleted) gets
// the same MessageId and body with a receipt handle of its own and
// ApproximateReceiveCount one higher. A copy is not duplicated again, so a
// message comes twice, not without end. Each copy is deleted by its own
// handles only; a handle of a copy already deleted still succeeds, as in
// SQS. The local AWS wires it to the faults' duplicateRate rules
// (faults.Faults.Duplicate), whose draws are seeded. The Go API's Receive
// never duplicates.
func WithDuplicates(duplicate func(req *wire.Request) bool) Option {
	return func(q *Queues) { q.duplicates = duplicate }
}

// New builds the service with the queues of spec, which must be valid.
func New(spec Spec, opts ...Option) (*Queues, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("sqs spec: %w", err)
	}
	s := &Queues{queues: map[string]*queue{}, deleted: map[string]time.Time{}}
	for _, o := range opts {
		o(s)
	}
	now := s.now()
	for _, qs := range spec.Queues {
		q := newQueue(qs.Account, qs.Region, qs.Name, now)
		q.attrs["DelaySeconds"] = fmt.Sprint(qs.DelaySeconds)
		if qs.VisibilityTimeout != nil {
			q.attrs["VisibilityTimeout"] = fmt.Sprint(*qs.VisibilityTimeout)
		}
		if qs.MessageRetentionPeriod != 0 {
			q.attrs["MessageRetentionPeriod"] = fmt.Sprint(qs.MessageRetentionPeriod)
		}
		if err := q.setAccess(string(qs.Policy), qs.KMSMasterKeyID); err != nil {
			return nil, fmt.Errorf("sqs spec: queue %s: %w", qs.Name, err)
		}
		s.queues[q.key()] = q
	}
	for _, qs := range spec.Queues {
		if qs.DeadLetter == nil {
			continue
		}
		q := s.queues[key(qs.Account, qs.Region, qs.Name)]
		q.redrive = &redrivePolicy{target: ARN(qs.Account, qs.Region, qs.DeadLetter.Name), maxReceiveCount: qs.DeadLetter.MaxReceiveCount}
		q.attrs["RedrivePolicy"] = q.redrive.String()
	}
	return s, nil
}

// URL returns the URL of queue name in account and region, as SQS forms it.
func URL(account, regionCode, name string) string {
	domain := "amazonaws.com"
	if region.Partition(regionCode) == "aws-cn" {
		domain = "amazonaws.com.cn"
	}
	return fmt.Sprintf("https://sqs.%s.%s/%s/%s", regionCode, domain, account, name)
}

// ARN returns the ARN of queue name in account and region.
func ARN(account, regionCode, name string) string {
	return fmt.Sprintf("arn:%s:sqs:%s:%s:%s", region.Partition(regionCode), regionCode, account, name)
}

// SigningName implements wire.Service.
func (*Queues) SigningName() string { return "sqs" }

// Protocol implements wire.Service.
func (*Queues) Protocol() wire.Protocol { return wire.JSON10 }

// TargetPrefix implements wire.Service.
func (*Queues) TargetPrefix() string { return "AmazonSQS" }

// XMLNamespace implements wire.Service; JSON services have none.
func (*Queues) XMLNamespace() string { return "" }

// Operations implements wire.Service.
func (s *Queues) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{
		"CreateQueue":                  wire.Op(s.createQueue),
		"GetQueueUrl":                  wire.Op(s.getQueueURL),
		"ListQueues":                   wire.Op(s.listQueues),
		"GetQueueAttributes":           wire.Op(s.getQueueAttributes),
		"SetQueueAttributes":           wire.Op(s.setQueueAttributes),
		"DeleteQueue":                  wire.Op(s.deleteQueue),
		"PurgeQueue":                   wire.Op(s.purgeQueue),
		"ListDeadLetterSourceQueues":   wire.Op(s.listDeadLetterSourceQueues),
		"SendMessage":                  wire.Op(s.sendMessage),
		"SendMessageBatch":             wire.Op(s.sendMessageBatch),
		"ReceiveMessage":               wire.Op(s.receiveMessage),
		"DeleteMessage":                wire.Op(s.deleteMessage),
		"DeleteMessageBatch":           wire.Op(s.deleteMessageBatch),
		"ChangeMessageVisibility":      wire.Op(s.changeMessageVisibility),
		"ChangeMessageVisibilityBatch": wire.Op(s.changeMessageVisibilityBatch),
	}
}

// Stats counts a queue's messages by state.
type Stats struct {
	// Visible messages can be received now.
	Visible int
	// InFlight messages were received and are within their visibility timeout.
	InFlight int
	// Delayed messages were never received and are still within their delay.
	Delayed int
}

// Message is a snapshot of one message in a queue. A message delivered
// twice (WithDuplicates) shows as two, with the same ID, until each copy is
// deleted.
type Message struct {
	// ID is the message ID SendMessage returned.
	ID string
	// Body is the message body.
	Body string
	// Attributes are the message attributes by name.
	Attributes map[string]Attribute
	// SentAt is when the message was sent (for a redriven message: to the
	// source queue).
	SentAt time.Time
	// VisibleAt is when the message is or became visible.
	VisibleAt time.Time
	// ReceiveCount is how many times the message was received from this queue.
	ReceiveCount int
	// FirstReceivedAt is the first receive from this queue; zero if never.
	FirstReceivedAt time.Time
	// State is "visible", "in flight" or "delayed".
	State string
	// DeadLetterSourceARN is the queue the message was redriven from, if any.
	DeadLetterSourceARN string
}

// Attribute is one message attribute.
type Attribute struct {
	// DataType is String, Number or Binary, optionally with a custom label
	// (Number.int).
	DataType string
	// StringValue is the value of String and Number attributes.
	StringValue string
	// BinaryValue is the value of Binary attributes.
	BinaryValue []byte
}

// Delivery is one received message, with what an SQS event source mapping
// hands a Lambda function.
type Delivery struct {
	// MessageID is the message ID.
	MessageID string
	// ReceiptHandle deletes the message or changes its visibility.
	ReceiptHandle string
	// Body is the message body.
	Body string
	// MD5OfBody is the hex MD5 of the body.
	MD5OfBody string
	// Attributes are the system attributes: ApproximateReceiveCount,
	// SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp and, for a
	// redriven message, DeadLetterQueueSourceArn.
	Attributes map[string]string
	// MessageAttributes are the message attributes.
	MessageAttributes map[string]Attribute
	// EventSourceARN is the queue's ARN.
	EventSourceARN string
}

// Stats returns the message counts of the queue at queueURL now; all zero
// when there is no such queue.
func (s *Queues) Stats(queueURL string) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.byURL(queueURL)
	if q == nil {
		return Stats{}
	}
	now := s.now()
	q.expire(now)
	return q.stats(now)
}

// NextVisibleAt returns the earliest time at which a message of the queue at
// queueURL that is now delayed or in flight becomes visible, and false when
// there is none (or no such queue). A driver on a manual clock advances to
// it to get the next continuation message.
func (s *Queues) NextVisibleAt(queueURL string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.byURL(queueURL)
	if q == nil {
		return time.Time{}, false
	}
	now := s.now()
	q.expire(now)
	// After expire the hidden heap holds exactly the messages not visible now.
	if q.idx.hidden.Len() == 0 {
		return time.Time{}, false
	}
	return q.idx.hidden.min().visibleAt, true
}

// HasVisible reports whether the queue at queueURL holds a message a
// receive would return now. A driver polling on behalf of Lambda's event
// source asks it before receiving while invocations still run, so its
// polls are not counted as calls nothing could answer.
func (s *Queues) HasVisible(queueURL string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.byURL(queueURL)
	if q == nil {
		return false
	}
	q.expire(s.now())
	// After expire the ready heap holds exactly the messages visible now.
	return q.idx.ready.Len() > 0
}

// Messages returns a snapshot of the messages of the queue at queueURL in the
// order they were sent, or nil when there is no such queue.
func (s *Queues) Messages(queueURL string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.byURL(queueURL)
	if q == nil {
		return nil
	}
	now := s.now()
	q.expire(now)
	out := make([]Message, len(q.messages))
	for i, m := range q.messages {
		out[i] = Message{
			ID:                  m.id,
			Body:                m.body,
			Attributes:          cloneAttributes(m.attrs),
			SentAt:              m.sentAt,
			VisibleAt:           m.visibleAt,
			ReceiveCount:        m.receiveCount,
			FirstReceivedAt:     m.firstReceiveAt,
			State:               m.state(now),
			DeadLetterSourceARN: m.dlqSource,
		}
	}
	return out
}

// Receive receives up to n (1-10) visible messages of the queue at
// queueURL with the queue's visibility timeout, as an event source mapping
// polling for a Lambda function would. Redrive applies as for ReceiveMessage.
func (s *Queues) Receive(queueURL string, n int) ([]Delivery, error) {
	if n < 1 || n > maxBatch {
		return nil, fmt.Errorf("receive from %s: asked for %d messages, want 1 to %d", queueURL, n, maxBatch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.byURL(queueURL)
	if q == nil {
		return nil, fmt.Errorf("receive from %s: no such queue", queueURL)
	}
	now := s.now()
	received := s.receive(q, now, n, q.intAttr("VisibilityTimeout"), nil)
	out := make([]Delivery, len(received))
	for i, r := range received {
		out[i] = Delivery{
			MessageID:         r.msg.id,
			ReceiptHandle:     r.handle,
			Body:              r.msg.body,
			MD5OfBody:         r.msg.md5Body,
			Attributes:        r.msg.systemAttributes([]string{"All"}),
			MessageAttributes: cloneAttributes(r.msg.attrs),
			EventSourceARN:    q.arn,
		}
	}
	return out, nil
}

// Delete deletes the message a receipt handle from Receive (or from
// ReceiveMessage) refers to; deleting a message that is already gone is not
// an error, as in SQS.
func (s *Queues) Delete(queueURL, receiptHandle string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.byURL(queueURL)
	if q == nil {
		return fmt.Errorf("delete from %s: no such queue", queueURL)
	}
	if err := q.deleteByHandle(receiptHandle); err != nil {
		return fmt.Errorf("delete from %s: %w", queueURL, err)
	}
	return nil
}

// now returns the time the Go API works at. Callers must hold s.mu.
func (s *Queues) now() time.Time {
	if s.clock != nil {
		if t := s.clock.Now(); t.After(s.lastNow) {
			return t
		}
	}
	return s.lastNow
}

// observe records a request's time. Callers must hold s.mu.
func (s *Queues) observe(t time.Time) {
	if t.After(s.lastNow) {
		s.lastNow = t
	}
}

// byURL finds a queue from its URL, whatever the host, for the Go API.
// Callers must hold s.mu.
func (s *Queues) byURL(queueURL string) *queue {
	account, regionCode, name, ok := ParseURL(queueURL)
	if !ok {
		return nil
	}
	if regionCode != "" {
		return s.queues[key(account, regionCode, name)]
	}
	for _, q := range s.queues {
		if q.account == account && q.name == name {
			return q
		}
	}
	return nil
}

// ParseURL reads a queue URL as SQS does: the account and name from the
// path; the region from an https://sqs.<region>.amazonaws.com host, empty
// for any other host (the request's region then applies). Authorization
// resolves queues with it too, so IAM decides on the queue the operation
// acts on.
func ParseURL(queueURL string) (account, regionCode, name string, ok bool) {
	u, err := url.Parse(queueURL)
	if err != nil {
		return "", "", "", false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 || !org.IsAccountID(parts[0]) || !validQueueName(parts[1]) {
		return "", "", "", false
	}
	host := strings.Split(u.Hostname(), ".")
	if len(host) >= 4 && host[0] == "sqs" && host[2] == "amazonaws" && region.Known(host[1]) {
		regionCode = host[1]
	}
	return parts[0], regionCode, parts[1], true
}

func key(account, regionCode, name string) string { return account + "/" + regionCode + "/" + name }

func cloneAttributes(in map[string]Attribute) map[string]Attribute {
	if in == nil {
		return nil
	}
	out := make(map[string]Attribute, len(in))
	for k, v := range in {
		v.BinaryValue = slices.Clone(v.BinaryValue)
		out[k] = v
	}
	return out
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// newID returns a random version 4 UUID, the format of SQS message IDs.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
