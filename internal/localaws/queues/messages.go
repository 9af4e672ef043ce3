package queues

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// Message limits.
const (
	maxBatch             = 10
	maxMessageAttributes = 10
	// maxVisibilityExtension is how far past its receive a message's
	// visibility can be extended.
	maxVisibilityExtension = 12 * time.Hour
)

// attributeValue is a message attribute on the wire. BinaryValue is base64
// in JSON, which encoding/json does for []byte.
type attributeValue struct {
	DataType         string
	StringValue      *string  `json:",omitempty"`
	BinaryValue      []byte   `json:",omitempty"`
	StringListValues []string `json:",omitempty"`
	BinaryListValues [][]byte `json:",omitempty"`
}

type sendEntry struct {
	ID                      string `json:"Id"`
	MessageBody             *string
	DelaySeconds            *int
	MessageAttributes       map[string]attributeValue
	MessageSystemAttributes map[string]attributeValue
	MessageDeduplicationID  string `json:"MessageDeduplicationId"`
	MessageGroupID          string `json:"MessageGroupId"`
}

type sendResult struct {
	ID                           string `json:"Id,omitempty"`
	MessageID                    string `json:"MessageId"`
	MD5OfMessageBody             string
	MD5OfMessageAttributes       string `json:",omitempty"`
	MD5OfMessageSystemAttributes string `json:",omitempty"`
}

// batchFailure is a failed entry of a batch call.
type batchFailure struct {
	ID          string `json:"Id"`
	SenderFault bool
	Code        string
	Message     string
}

func failure(id string, err *wire.Error) batchFailure {
	return batchFailure{ID: id, SenderFault: !err.Server, Code: err.Code, Message: err.Message}
}

// newMessage validates one message for q and builds it. The queue's
// MaximumMessageSize counts the body plus attribute names, types and values.
func (q *queue) newMessage(e sendEntry, caller wire.Caller, now time.Time) (*message, *wire.Error) {
	if e.MessageBody == nil || *e.MessageBody == "" {
		return nil, missingParameter("MessageBody")
	}
	body := *e.MessageBody
	if !ValidChars(body) {
		return nil, sqsError("InvalidMessageContents", "InvalidMessageContents",
			"Invalid characters found in the message body: only #x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD and #x10000 to #x10FFFF are allowed.")
	}
	delay := q.intAttr("DelaySeconds")
	if e.DelaySeconds != nil {
		delay = *e.DelaySeconds
		if delay < 0 || delay > maxDelay {
			return nil, invalidParameterValue("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= %d.", delay, maxDelay)
		}
	}
	if e.MessageDeduplicationID != "" {
		return nil, invalidParameterValue("The request includes parameter MessageDeduplicationId, which is only valid for FIFO queues; the local AWS emulates standard queues only.")
	}
	attrs, attrSize, err := checkMessageAttributes(e.MessageAttributes)
	if err != nil {
		return nil, err
	}
	sys, err := checkSystemAttributes(e.MessageSystemAttributes)
	if err != nil {
		return nil, err
	}
	if size, limit := len(body)+attrSize, q.intAttr("MaximumMessageSize"); size > limit {
		return nil, invalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter than %d bytes (it is %d bytes with its attributes).", limit, size)
	}
	sender := caller.UserID
	if sender == "" {
		sender = caller.Account
	}
	id := newID()
	return &message{
		id:          id,
		ref:         id,
		body:        body,
		md5Body:     md5Hex(body),
		attrs:       attrs,
		md5Attrs:    md5OfAttributes(attrs),
		sysAttrs:    sys,
		md5SysAttrs: md5OfAttributes(sys),
		senderID:    sender,
		sentAt:      now,
		visibleAt:   now.Add(time.Duration(delay) * time.Second),
	}, nil
}

func (m *message) sendResult(id string) sendResult {
	return sendResult{ID: id, MessageID: m.id, MD5OfMessageBody: m.md5Body, MD5OfMessageAttributes: m.md5Attrs, MD5OfMessageSystemAttributes: m.md5SysAttrs}
}

type sendMessageInput struct {
	QueueURL string `json:"QueueUrl"`
	sendEntry
}

func (s *Queues) sendMessage(req *wire.Request, in *sendMessageInput) (any, error) {
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	m, err := q.newMessage(in.sendEntry, req.Caller, req.Now)
	if err != nil {
		return nil, err
	}
	q.push(m)
	return m.sendResult(""), nil
}

type sendMessageBatchInput struct {
	QueueURL string `json:"QueueUrl"`
	Entries  []sendEntry
}

func (s *Queues) sendMessageBatch(req *wire.Request, in *sendMessageBatchInput) (any, error) {
	ids := make([]string, len(in.Entries))
	total := 0
	for i, e := range in.Entries {
		ids[i] = e.ID
		if e.MessageBody != nil {
			total += len(*e.MessageBody)
		}
		for name, a := range e.MessageAttributes {
			total += attributeSize(name, a)
		}
	}
	if err := checkBatchIDs(ids); err != nil {
		return nil, err
	}
	if total > maxMessageSize {
		return nil, batchTooLong(total)
	}
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	res := struct {
		Successful []sendResult
		Failed     []batchFailure
	}{Successful: []sendResult{}, Failed: []batchFailure{}}
	for _, e := range in.Entries {
		m, err := q.newMessage(e, req.Caller, req.Now)
		if err != nil {
			res.Failed = append(res.Failed, failure(e.ID, err))
			continue
		}
		q.push(m)
		res.Successful = append(res.Successful, m.sendResult(e.ID))
	}
	return res, nil
}

var batchIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// checkBatchIDs applies the batch entry rules: 1-10 entries with distinct,
// well-formed IDs.
func checkBatchIDs(ids []string) *wire.Error {
	switch {
	case len(ids) == 0:
		return emptyBatch()
	case len(ids) > maxBatch:
		return tooManyEntries(len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if !batchIDPattern.MatchString(id) {
			return invalidBatchEntryID(id)
		}
		if seen[id] {
			return idsNotDistinct(id)
		}
		seen[id] = true
	}
	return nil
}

type receivedWire struct {
	MessageID              string `json:"MessageId"`
	ReceiptHandle          string
	MD5OfBody              string
	Body                   string
	Attributes             map[string]string         `json:",omitempty"`
	MD5OfMessageAttributes string                    `json:",omitempty"`
	MessageAttributes      map[string]attributeValue `json:",omitempty"`
}

type receiveMessageInput struct {
	QueueURL                    string `json:"QueueUrl"`
	AttributeNames              []string
	MessageSystemAttributeNames []string
	MessageAttributeNames       []string
	MaxNumberOfMessages         *int
	VisibilityTimeout           *int
	WaitTimeSeconds             *int
}

func (s *Queues) receiveMessage(req *wire.Request, in *receiveMessageInput) (any, error) {
	limit := 1
	if in.MaxNumberOfMessages != nil {
		limit = *in.MaxNumberOfMessages
		if limit < 1 || limit > maxBatch {
			return nil, invalidParameterValue("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and %d, if provided.", limit, maxBatch)
		}
	}
	if v := in.VisibilityTimeout; v != nil && (*v < 0 || *v > maxVisibility) {
		return nil, invalidParameterValue("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and %d, if provided.", *v, maxVisibility)
	}
	// Long polling is accepted but answered at once: on a manual clock no
	// message could ever arrive while the request waited.
	if w := in.WaitTimeSeconds; w != nil && (*w < 0 || *w > maxWaitTime) {
		return nil, invalidParameterValue("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= %d, if provided.", *w, maxWaitTime)
	}
	sysNames := append(append([]string{}, in.AttributeNames...), in.MessageSystemAttributeNames...)
	for _, n := range sysNames {
		if !slices.Contains(systemAttributeNames, n) {
			return nil, invalidAttributeName("Unknown Attribute %s.", n)
		}
	}
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	visibility := q.intAttr("VisibilityTimeout")
	if in.VisibilityTimeout != nil {
		visibility = *in.VisibilityTimeout
	}
	var out struct {
		Messages []receivedWire `json:",omitempty"`
	}
	var twice func() bool
	if s.duplicates != nil {
		twice = func() bool { return s.duplicates(req) }
	}
	for _, r := range s.receive(q, req.Now, limit, visibility, twice) {
		w := receivedWire{MessageID: r.msg.id, ReceiptHandle: r.handle, MD5OfBody: r.msg.md5Body, Body: r.msg.body}
		if len(sysNames) > 0 {
			w.Attributes = r.msg.systemAttributes(sysNames)
		}
		selected := selectAttributes(r.msg.attrs, in.MessageAttributeNames)
		if len(selected) > 0 {
			// The digest covers the attributes returned, so that a client
			// can check what it got.
			w.MD5OfMessageAttributes = md5OfAttributes(selected)
			w.MessageAttributes = map[string]attributeValue{}
			for name, a := range selected {
				w.MessageAttributes[name] = toWire(a)
			}
		}
		out.Messages = append(out.Messages, w)
	}
	return out, nil
}

// selectAttributes picks the attributes MessageAttributeNames asks for:
// "All" or ".*" for all, "prefix.*" for a prefix, or exact names.
func selectAttributes(attrs map[string]Attribute, names []string) map[string]Attribute {
	out := map[string]Attribute{}
	for _, n := range names {
		for name, a := range attrs {
			prefix, wildcard := strings.CutSuffix(n, ".*")
			switch {
			case n == "All" || n == ".*",
				wildcard && strings.HasPrefix(name, prefix+"."),
				name == n:
				out[name] = a
			}
		}
	}
	return out
}

func toWire(a Attribute) attributeValue {
	w := attributeValue{DataType: a.DataType}
	if isBinary(a.DataType) {
		w.BinaryValue = a.BinaryValue
	} else {
		v := a.StringValue
		w.StringValue = &v
	}
	return w
}

type deleteMessageInput struct {
	QueueURL      string `json:"QueueUrl"`
	ReceiptHandle string
}

func (s *Queues) deleteMessage(req *wire.Request, in *deleteMessageInput) (any, error) {
	if in.ReceiptHandle == "" {
		return nil, missingParameter("ReceiptHandle")
	}
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if q.deleteByHandle(in.ReceiptHandle) != nil {
		return nil, receiptHandleIsInvalid(in.ReceiptHandle)
	}
	return struct{}{}, nil
}

type handleEntry struct {
	ID                string `json:"Id"`
	ReceiptHandle     string
	VisibilityTimeout *int
}

type batchResult struct {
	Successful []idResult
	Failed     []batchFailure
}

type idResult struct {
	ID string `json:"Id"`
}

// handleBatch runs fn on every entry of a DeleteMessageBatch or
// ChangeMessageVisibilityBatch request.
func (s *Queues) handleBatch(req *wire.Request, in *handleBatchInput, fn func(*queue, handleEntry) *wire.Error) (any, error) {
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.ID
	}
	if err := checkBatchIDs(ids); err != nil {
		return nil, err
	}
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	res := batchResult{Successful: []idResult{}, Failed: []batchFailure{}}
	for _, e := range in.Entries {
		if err := fn(q, e); err != nil {
			res.Failed = append(res.Failed, failure(e.ID, err))
			continue
		}
		res.Successful = append(res.Successful, idResult{ID: e.ID})
	}
	return res, nil
}

// handleBatchInput is the input of the batch operations on receipt handles.
type handleBatchInput struct {
	QueueURL string `json:"QueueUrl"`
	Entries  []handleEntry
}

func (s *Queues) deleteMessageBatch(req *wire.Request, in *handleBatchInput) (any, error) {
	return s.handleBatch(req, in, func(q *queue, e handleEntry) *wire.Error {
		if e.ReceiptHandle == "" {
			return missingParameter("ReceiptHandle")
		}
		if q.deleteByHandle(e.ReceiptHandle) != nil {
			return receiptHandleIsInvalid(e.ReceiptHandle)
		}
		return nil
	})
}

type changeMessageVisibilityInput struct {
	QueueURL string `json:"QueueUrl"`
	handleEntry
}

func (s *Queues) changeMessageVisibility(req *wire.Request, in *changeMessageVisibilityInput) (any, error) {
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if err := q.changeVisibility(in.handleEntry, req.Now); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func (s *Queues) changeMessageVisibilityBatch(req *wire.Request, in *handleBatchInput) (any, error) {
	return s.handleBatch(req, in, func(q *queue, e handleEntry) *wire.Error {
		return q.changeVisibility(e, req.Now)
	})
}

// changeVisibility hides an in-flight message for VisibilityTimeout seconds
// from now; 0 makes it visible at once.
func (q *queue) changeVisibility(e handleEntry, now time.Time) *wire.Error {
	if e.ReceiptHandle == "" {
		return missingParameter("ReceiptHandle")
	}
	if e.VisibilityTimeout == nil {
		return missingParameter("VisibilityTimeout")
	}
	timeout := *e.VisibilityTimeout
	if timeout < 0 || timeout > maxVisibility {
		return invalidParameterValue("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and %d.", timeout, maxVisibility)
	}
	r, err := q.handleFor(e.ReceiptHandle)
	if err != nil {
		return receiptHandleIsInvalid(e.ReceiptHandle)
	}
	m := q.find(r.messageRef)
	if m == nil {
		return invalidParameterValue("Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", e.ReceiptHandle)
	}
	if m.state(now) != stateInFlight {
		return sqsError("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", "The message referred to is not in flight.")
	}
	until := now.Add(time.Duration(timeout) * time.Second)
	if until.After(m.receivedAt.Add(maxVisibilityExtension)) {
		return invalidParameterValue("Value %d for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [%d seconds].", timeout, maxVisibility)
	}
	q.setVisibleAt(m, until)
	return nil
}

// checkMessageAttributes validates message attributes and returns them with
// the bytes they count against the message size limit.
func checkMessageAttributes(in map[string]attributeValue) (map[string]Attribute, int, *wire.Error) {
	if len(in) == 0 {
		return nil, 0, nil
	}
	if len(in) > maxMessageAttributes {
		return nil, 0, invalidParameterValue("Number of message attributes [%d] exceeds the allowed maximum [%d].", len(in), maxMessageAttributes)
	}
	out := make(map[string]Attribute, len(in))
	size := 0
	for _, name := range sortedKeys(in) {
		v := in[name]
		if err := checkAttributeName(name); err != nil {
			return nil, 0, err
		}
		a, err := checkAttributeValue("Message (user) attribute", name, v)
		if err != nil {
			return nil, 0, err
		}
		out[name] = a
		size += attributeSize(name, v)
	}
	return out, size, nil
}

// checkSystemAttributes validates MessageSystemAttributes: only
// AWSTraceHeader exists, as a String.
func checkSystemAttributes(in map[string]attributeValue) (map[string]Attribute, *wire.Error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := map[string]Attribute{}
	for _, name := range sortedKeys(in) {
		v := in[name]
		if name != "AWSTraceHeader" {
			return nil, invalidParameterValue("Message system attribute name %q is invalid: the only message system attribute is AWSTraceHeader.", name)
		}
		if v.DataType != "String" {
			return nil, invalidParameterValue("Message system attribute AWSTraceHeader must have DataType String, got %q.", v.DataType)
		}
		a, err := checkAttributeValue("Message system attribute", name, v)
		if err != nil {
			return nil, err
		}
		out[name] = a
	}
	return out, nil
}

var dataTypeLabel = regexp.MustCompile(`^[A-Za-z0-9_.-]*$`)

func checkAttributeValue(kind, name string, v attributeValue) (Attribute, *wire.Error) {
	base, label, _ := strings.Cut(v.DataType, ".")
	if base != "String" && base != "Number" && base != "Binary" || len(v.DataType) > 256 || !dataTypeLabel.MatchString(label) {
		return Attribute{}, invalidParameterValue("The type of %s %q is invalid (%q). You must use only the following supported type prefixes: Binary, Number, String.", strings.ToLower(kind), name, v.DataType)
	}
	if len(v.StringListValues) > 0 || len(v.BinaryListValues) > 0 {
		return Attribute{}, invalidParameterValue("%s %q uses StringListValues or BinaryListValues, which SQS reserves and does not implement: use StringValue or BinaryValue.", kind, name)
	}
	a := Attribute{DataType: v.DataType}
	if base == "Binary" {
		if len(v.BinaryValue) == 0 {
			return Attribute{}, invalidParameterValue("%s %q must contain a non-empty value of message attribute type Binary.", kind, name)
		}
		a.BinaryValue = v.BinaryValue
		return a, nil
	}
	if v.StringValue == nil || *v.StringValue == "" {
		return Attribute{}, invalidParameterValue("%s %q must contain a non-empty value of message attribute type %s.", kind, name, base)
	}
	a.StringValue = *v.StringValue
	if base == "Number" && !validNumber(a.StringValue) {
		return Attribute{}, invalidParameterValue("Can't cast the value of %s %q to a number: %q.", strings.ToLower(kind), name, a.StringValue)
	}
	if !ValidChars(a.StringValue) {
		return Attribute{}, sqsError("InvalidMessageContents", "InvalidMessageContents", "Invalid characters found in the value of %s %q.", strings.ToLower(kind), name)
	}
	return a, nil
}

// checkAttributeName applies the message attribute naming rules.
func checkAttributeName(name string) *wire.Error {
	lower := strings.ToLower(name)
	switch {
	case name == "" || len(name) > 256:
		return invalidParameterValue("Message (user) attribute name %q must be 1-256 characters.", name)
	case strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon."):
		return invalidParameterValue("Message (user) attribute name %q starts with a reserved prefix (AWS. or Amazon.).", name)
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, "."):
		return invalidParameterValue("Message (user) attribute name %q must not start or end with a period.", name)
	case strings.Contains(name, ".."):
		return invalidParameterValue("Message (user) attribute name %q must not contain successive periods.", name)
	}
	for _, c := range name {
		if !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return invalidParameterValue("Message (user) attribute name %q has an invalid character %q: use A-Za-z0-9_-.", name, c)
		}
	}
	return nil
}

func attributeSize(name string, v attributeValue) int {
	n := len(name) + len(v.DataType) + len(v.BinaryValue)
	if v.StringValue != nil {
		n += len(*v.StringValue)
	}
	return n
}

var numberPattern = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// validNumber reports whether s is a Number SQS accepts: up to 38
// significant digits, magnitude between 10^-128 and 10^126.
func validNumber(s string) bool {
	if !numberPattern.MatchString(s) {
		return false
	}
	mant := s
	if i := strings.IndexAny(mant, "eE"); i >= 0 {
		mant = mant[:i]
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, mant)
	if len(strings.Trim(digits, "0")) > 38 {
		return false
	}
	v, ok := new(big.Float).SetString(s)
	if !ok {
		return false
	}
	if v.Sign() == 0 {
		return true
	}
	exp := v.MantExp(nil) // |v| is in [2^(exp-1), 2^exp)
	// 10^126 < 2^419 and 10^-128 > 2^-426.
	return exp <= 419 && exp >= -425
}

// ValidChars reports whether s has only the characters SQS allows in
// message bodies and attribute values.
func ValidChars(s string) bool {
	for _, r := range s {
		switch {
		case r == 0x9, r == 0xA, r == 0xD,
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

func isBinary(dataType string) bool { return strings.HasPrefix(dataType, "Binary") }

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// md5OfAttributes is the digest SQS returns as MD5OfMessageAttributes (and
// MD5OfMessageSystemAttributes): for each attribute in name order, the
// name, the data type and the value, each as a 4-byte big-endian length and
// the bytes, with a transport byte (1 string, 2 binary) before the value.
// Empty for no attributes.
func md5OfAttributes(attrs map[string]Attribute) string {
	if len(attrs) == 0 {
		return ""
	}
	h := md5.New()
	for _, name := range sortedKeys(attrs) {
		a := attrs[name]
		writeField(h, []byte(name))
		writeField(h, []byte(a.DataType))
		if isBinary(a.DataType) {
			h.Write([]byte{2})
			writeField(h, a.BinaryValue)
		} else {
			h.Write([]byte{1})
			writeField(h, []byte(a.StringValue))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeField(h hash.Hash, b []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(b)))
	h.Write(n[:])
	h.Write(b)
}
