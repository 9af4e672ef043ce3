package queues

import (
	"container/heap"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/org"
)

// queue is one standard queue. All access goes through Queues.mu.
type queue struct {
	account, region, name string
	url, arn              string
	// attrs holds the settable attributes in canonical form (integers
	// without leading zeros, RedrivePolicy re-encoded), defaults included.
	attrs   map[string]string
	redrive *redrivePolicy
	// policy is the Policy attribute, parsed; nil without one.
	policy   *iampolicy.Policy
	created  time.Time
	modified time.Time
	// messages are kept in send order, which is also receive order: SQS
	// standard queues promise no order, and a stable one makes tests
	// deterministic.
	messages  []*message
	idx       index
	lastPurge time.Time
	tags      map[string]string
}

type redrivePolicy struct {
	target          string // dead-letter queue ARN
	maxReceiveCount int
}

// String encodes the policy the way GetQueueAttributes reports it.
func (r *redrivePolicy) String() string {
	b, _ := json.Marshal(struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		MaxReceiveCount     int    `json:"maxReceiveCount"`
	}{r.target, r.maxReceiveCount}) // a string and an int cannot fail to marshal
	return string(b)
}

type message struct {
	id string
	// ref tells apart the copies of a message SQS delivered twice (see
	// duplicate): the ID for the original, the ID and a copy number for a
	// copy. Receipt handles and the index name messages by it.
	ref      string
	body     string
	md5Body  string
	attrs    map[string]Attribute
	md5Attrs string
	// sysAttrs holds the AWSTraceHeader system attribute, if sent.
	sysAttrs       map[string]Attribute
	md5SysAttrs    string
	senderID       string
	sentAt         time.Time
	visibleAt      time.Time
	receiveCount   int
	firstReceiveAt time.Time
	// receivedAt is the latest receive; the visibility timeout of one
	// receive may not be extended past 12 hours from it.
	receivedAt time.Time
	dlqSource  string

	// seq orders the messages of a queue by send (or arrival, for a message
	// moved to a dead-letter queue); slot and where place it in the index.
	seq   uint64
	slot  int
	where int
}

func newQueue(account, regionCode, name string, now time.Time) *queue {
	return &queue{
		account: account, region: regionCode, name: name,
		url: URL(account, regionCode, name), arn: ARN(account, regionCode, name),
		attrs:   defaultAttributes(),
		created: now, modified: now,
		tags: map[string]string{},
		idx:  newIndex(),
	}
}

func (q *queue) key() string { return key(q.account, q.region, q.name) }

// intAttr returns an integer attribute; canonical values always parse.
func (q *queue) intAttr(name string) int {
	n, _ := strconv.Atoi(q.attrs[name])
	return n
}

// expire drops the messages older than the retention period and brings
// the index to now. Messages are only scanned when the oldest may have
// outlived the retention period.
func (q *queue) expire(now time.Time) {
	retention := time.Duration(q.intAttr("MessageRetentionPeriod")) * time.Second
	if len(q.messages) > 0 && !now.Before(q.idx.oldestSent.Add(retention)) {
		q.messages = slices.DeleteFunc(q.messages, func(m *message) bool {
			return !now.Before(m.sentAt.Add(retention))
		})
		q.reindex(now)
		return
	}
	q.sync(now)
}

func (q *queue) stats(now time.Time) Stats {
	var st Stats
	for _, m := range q.messages {
		switch m.state(now) {
		case stateVisible:
			st.Visible++
		case stateInFlight:
			st.InFlight++
		default:
			st.Delayed++
		}
	}
	return st
}

const (
	stateVisible  = "visible"
	stateInFlight = "in flight"
	stateDelayed  = "delayed"
)

// state tells a message's state: delays only apply before the first
// receive, so a hidden message that was received is in flight.
func (m *message) state(now time.Time) string {
	switch {
	case !m.visibleAt.After(now):
		return stateVisible
	case m.receiveCount > 0:
		return stateInFlight
	default:
		return stateDelayed
	}
}

// find returns the message (or copy) with the given ref, or nil.
func (q *queue) find(ref string) *message { return q.idx.byID[ref] }

// Receipt handles name the queue, the message (its ref: a copy has handles
// of its own) and the receive, so a handle is valid for its queue only, and a
// stale one (from an earlier receive) still finds the message, as in SQS.
type receipt struct {
	queueARN, messageRef string
}

var errInvalidHandle = errors.New("invalid receipt handle")

func newHandle(queueARN, messageRef string, receive int) string {
	var nonce [8]byte
	_, _ = rand.Read(nonce[:]) // crypto/rand.Read never fails on supported platforms
	raw := strings.Join([]string{queueARN, messageRef, strconv.Itoa(receive), hex.EncodeToString(nonce[:])}, "\n")
	return base64.StdEncoding.EncodeToString([]byte(raw))
}

func parseHandle(handle string) (receipt, error) {
	raw, err := base64.StdEncoding.DecodeString(handle)
	if err != nil {
		return receipt{}, errInvalidHandle
	}
	parts := strings.Split(string(raw), "\n")
	if len(parts) != 4 || parts[0] == "" || parts[1] == "" {
		return receipt{}, errInvalidHandle
	}
	return receipt{queueARN: parts[0], messageRef: parts[1]}, nil
}

// handleFor parses a receipt handle of this queue.
func (q *queue) handleFor(handle string) (receipt, error) {
	r, err := parseHandle(handle)
	if err != nil || r.queueARN != q.arn {
		return receipt{}, errInvalidHandle
	}
	return r, nil
}

// deleteByHandle deletes the message a handle refers to. A valid handle of a
// message that is gone already succeeds, as in SQS. A copy delivered twice
// is deleted by its own handles only: deleting one copy leaves the other, as
// SQS documents for a copy on a server that was unavailable.
func (q *queue) deleteByHandle(handle string) error {
	r, err := q.handleFor(handle)
	if err != nil {
		return err
	}
	if m := q.find(r.messageRef); m != nil {
		q.remove(m)
	}
	return nil
}

type receivedMessage struct {
	msg    *message
	handle string
}

// receive hands out up to limit visible messages of q, hiding each for
// visibility seconds. A message that has already been received
// maxReceiveCount times is moved to the dead-letter queue instead of being
// received again, keeping its ID, body, attributes and sent time, with its
// receive count reset. If the dead-letter queue was deleted the message
// stays and is received again. For each message handed out (not itself a
// copy), a non-nil twice decides whether SQS delivers it twice (see
// duplicate). Callers must hold s.mu.
func (s *Queues) receive(q *queue, now time.Time, limit, visibility int, twice func() bool) []receivedMessage {
	q.expire(now)
	var out []receivedMessage
	var dlq *queue
	if q.redrive != nil {
		dlq = s.byARN(q.redrive.target)
	}
	// The ready heap holds exactly the messages visible now, by seq: the
	// order a scan of q.messages would meet them in.
	for len(out) < limit && q.idx.ready.Len() > 0 {
		m := heap.Pop(&q.idx.ready).(*message)
		m.where = inNone
		if dlq != nil && m.receiveCount >= q.redrive.maxReceiveCount {
			q.remove(m)
			m.receiveCount = 0
			m.firstReceiveAt = time.Time{}
			m.receivedAt = time.Time{}
			m.visibleAt = now
			m.dlqSource = q.arn
			dlq.push(m)
			continue
		}
		m.receiveCount++
		if m.firstReceiveAt.IsZero() {
			m.firstReceiveAt = now
		}
		m.receivedAt = now
		m.visibleAt = now.Add(time.Duration(visibility) * time.Second)
		out = append(out, receivedMessage{msg: m, handle: newHandle(q.arn, m.ref, m.receiveCount)})
	}
	// Placed back only now: a message received with a visibility timeout
	// of 0 is visible again, but not to this same receive; nor is a copy.
	for _, r := range out {
		q.place(r.msg)
	}
	for _, r := range out {
		if twice != nil && !r.msg.isCopy() && twice() {
			q.duplicate(r.msg, now)
		}
	}
	return out
}

// isCopy reports whether m is the copy duplicate left behind: it is not
// duplicated again, so that a message is delivered twice, not without end.
func (m *message) isCopy() bool { return m.ref != m.id }

// duplicate leaves a second copy of m behind, visible at once, as a standard
// queue does when a server holding one of its copies of m missed the
// receive: the same ID, body, attributes and sent time, the receive count
// so far (the next receive of the copy counts one more), and receipt
// handles of its own, so that deleting either copy leaves the other.
func (q *queue) duplicate(m *message, now time.Time) {
	c := *m
	c.ref = fmt.Sprintf("%s#%d", m.id, q.idx.nextSeq)
	c.visibleAt = now
	c.slot, c.where = -1, inNone
	q.push(&c)
}

// byARN finds a queue by ARN. Callers must hold s.mu.
func (s *Queues) byARN(arn string) *queue {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" {
		return nil
	}
	return s.queues[key(parts[4], parts[3], parts[5])]
}

// systemAttributeNames are the attributes ReceiveMessage can return per
// message. The FIFO ones are accepted and never present.
var systemAttributeNames = []string{
	"All", "ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "AWSTraceHeader",
	"DeadLetterQueueSourceArn", "MessageDeduplicationId", "MessageGroupId", "SenderId",
	"SentTimestamp", "SequenceNumber",
}

// systemAttributes returns the requested system attributes of m.
func (m *message) systemAttributes(names []string) map[string]string {
	all := map[string]string{
		"ApproximateReceiveCount": strconv.Itoa(m.receiveCount),
		"SentTimestamp":           millis(m.sentAt),
		"SenderId":                m.senderID,
	}
	if !m.firstReceiveAt.IsZero() {
		all["ApproximateFirstReceiveTimestamp"] = millis(m.firstReceiveAt)
	}
	if m.dlqSource != "" {
		all["DeadLetterQueueSourceArn"] = m.dlqSource
	}
	if th, ok := m.sysAttrs["AWSTraceHeader"]; ok {
		all["AWSTraceHeader"] = th.StringValue
	}
	out := map[string]string{}
	for _, n := range names {
		if n == "All" {
			return all
		}
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	return out
}

func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// setAccess sets the queue policy and KMS key of a queue declared in the
// world file, as SetQueueAttributes would.
func (q *queue) setAccess(policy, kmsKey string) error {
	if policy != "" {
		p, err := org.ParseResourcePolicy(policy)
		if err != nil {
			return fmt.Errorf("policy: %w", err)
		}
		q.policy, q.attrs["Policy"] = p, policy
	}
	if kmsKey != "" {
		q.attrs["KmsMasterKeyId"] = kmsKey
		q.attrs["KmsDataKeyReusePeriodSeconds"] = "300"
	}
	return nil
}

// ResourcePolicy returns the queue policy (nil without one) and the
// KmsMasterKeyId ("" without one) of the queue with the given ARN, for the
// emulator's IAM middleware; ok is false when there is no such queue.
func (s *Queues) ResourcePolicy(arn string) (policy *iampolicy.Policy, kmsKey string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.byARN(arn)
	if q == nil {
		return nil, "", false
	}
	return q.policy, q.attrs["KmsMasterKeyId"], true
}
