package queues

import (
	"fmt"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// SNSSenderID is the SenderId SQS records for messages Amazon SNS delivers
// to a subscribed queue.
const SNSSenderID = "AIDAIT2UOQQY3AUEKVGXU"

// ServiceSend puts a message an AWS service delivers (SNS fanning a topic
// out to a subscribed queue) on the queue with ARN queueARN, as SendMessage
// would at time now, with the same checks of body, attributes and size.
// Authorization is the caller's (package authz, AuthorizeService): this is
// the queue's side only. It returns the message ID.
func (s *Queues) ServiceSend(queueARN, body string, attrs map[string]Attribute, senderID string, now time.Time) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.observe(now)
	q := s.byARN(queueARN)
	if q == nil {
		return "", fmt.Errorf("send to %s: %w", queueARN, queueDoesNotExist())
	}
	in := sendEntry{MessageBody: &body, MessageAttributes: map[string]attributeValue{}}
	for name, a := range attrs {
		v := attributeValue{DataType: a.DataType, BinaryValue: a.BinaryValue}
		if a.BinaryValue == nil {
			v.StringValue = &a.StringValue
		}
		in.MessageAttributes[name] = v
	}
	m, err := q.newMessage(in, wire.Caller{UserID: senderID}, s.now())
	if err != nil {
		return "", fmt.Errorf("send to %s: %w", queueARN, err)
	}
	q.push(m)
	return m.id, nil
}
