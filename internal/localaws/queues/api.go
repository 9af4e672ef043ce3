package queues

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// Wait periods SQS enforces after a queue deletion or a purge.
const (
	recreateWait = 60 * time.Second
	purgeWait    = 60 * time.Second
)

// begin locks the service for one request and records its time; the
// returned function unlocks.
func (s *Queues) begin(req *wire.Request) func() {
	s.mu.Lock()
	s.observe(req.Now)
	return s.mu.Unlock
}

// decode decodes a JSON request body; an empty body is an empty object.
func decode(req *wire.Request, v any) *wire.Error {
	var e *wire.Error
	if err := req.DecodeJSON(v); err != nil && !errors.As(err, &e) {
		e = &wire.Error{Code: "SerializationException", Message: err.Error()}
	}
	return e
}

// resolve finds the queue a QueueUrl names, for the caller. The host is not
// checked (the SDK sends whatever endpoint it was configured with), except
// that a real SQS host must name the request's region.
func (s *Queues) resolve(req *wire.Request, queueURL string) (*queue, *wire.Error) {
	if queueURL == "" {
		return nil, missingParameter("QueueUrl")
	}
	account, regionCode, name, ok := parseURL(queueURL)
	if !ok {
		return nil, sqsError("InvalidAddress", "InvalidAddress", "The address %s is not valid for this endpoint: want https://sqs.<region>.amazonaws.com/<account>/<queue>.", queueURL)
	}
	if regionCode != "" && regionCode != req.Region {
		return nil, sqsError("InvalidAddress", "InvalidAddress", "The queue %s is in %s but the request was sent to %s: use a client for the queue's region.", queueURL, regionCode, req.Region)
	}
	if account != req.Caller.Account {
		return nil, accessDenied(queueURL)
	}
	q := s.queues[key(account, req.Region, name)]
	if q == nil {
		return nil, queueDoesNotExist()
	}
	q.expire(req.Now)
	return q, nil
}

type queueURLResult struct {
	QueueURL string `json:"QueueUrl"`
}

// checkNewQueueName applies the name rules to a CreateQueue request.
func checkNewQueueName(name string) *wire.Error {
	switch base, fifo := strings.CutSuffix(name, ".fifo"); {
	case name == "":
		return missingParameter("QueueName")
	case fifo && validQueueName(base):
		return invalidParameterValue("Queue name %q is a FIFO queue: FIFO queues are not emulated by the local AWS; drop the .fifo suffix.", name)
	case !validQueueName(name):
		return invalidParameterValue("Queue name %q: can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.", name)
	}
	return nil
}

func (s *Queues) createQueue(req *wire.Request) (any, *wire.Error) {
	var in struct {
		QueueName  string
		Attributes map[string]string
		Tags       map[string]string `json:"tags"`
	}
	if err := decode(req, &in); err != nil {
		return nil, err
	}
	if err := checkNewQueueName(in.QueueName); err != nil {
		return nil, err
	}
	defer s.begin(req)()
	account := req.Caller.Account
	attrs, redrive, err := s.normalizeAttributes(in.Attributes, account, req.Region, in.QueueName)
	if err != nil {
		return nil, err
	}
	k := key(account, req.Region, in.QueueName)
	if q := s.queues[k]; q != nil {
		// CreateQueue is idempotent only for the same attribute values.
		for _, name := range sortedKeys(attrs) {
			if q.attrs[name] != attrs[name] {
				return nil, sqsError("QueueNameExists", "QueueAlreadyExists",
					"A queue already exists with the same name and a different value for attribute %s.", name)
			}
		}
		return queueURLResult{QueueURL: q.url}, nil
	}
	if at, ok := s.deleted[k]; ok && req.Now.Before(at.Add(recreateWait)) {
		return nil, sqsError("QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently",
			"You must wait 60 seconds after deleting a queue before you can create another queue with the same name.")
	}
	q := newQueue(account, req.Region, in.QueueName, req.Now)
	q.apply(attrs, redrive, req.Now)
	for tk, tv := range in.Tags {
		q.tags[tk] = tv
	}
	s.queues[k] = q
	return queueURLResult{QueueURL: q.url}, nil
}

func (s *Queues) getQueueURL(req *wire.Request) (any, *wire.Error) {
	var in struct {
		QueueName              string
		QueueOwnerAWSAccountID string `json:"QueueOwnerAWSAccountId"`
	}
	if err := decode(req, &in); err != nil {
		return nil, err
	}
	if in.QueueName == "" {
		return nil, missingParameter("QueueName")
	}
	account := req.Caller.Account
	if in.QueueOwnerAWSAccountID != "" {
		account = in.QueueOwnerAWSAccountID
	}
	defer s.begin(req)()
	if account != req.Caller.Account {
		return nil, accessDenied(URL(account, req.Region, in.QueueName))
	}
	q := s.queues[key(account, req.Region, in.QueueName)]
	if q == nil {
		return nil, queueDoesNotExist()
	}
	return queueURLResult{QueueURL: q.url}, nil
}

// listPage pages through sorted URLs. Tokens name the last URL returned so
// a deletion between calls does not skip a queue. Without maxResults SQS
// returns up to 1000 queues and no token.
func listPage(urls []string, maxResults *int, token string) (page []string, next string, _ *wire.Error) {
	limit := 1000
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 1000 {
			return nil, "", invalidParameterValue("Value %d for parameter MaxResults is invalid. Reason: must be between 1 and 1000.", *maxResults)
		}
		limit = *maxResults
	}
	start := 0
	if token != "" {
		last, err := base64.RawURLEncoding.DecodeString(token)
		i := slices.Index(urls, string(last))
		if err != nil || i < 0 {
			return nil, "", invalidParameterValue("Invalid NextToken value %q: pass the token of a previous call.", token)
		}
		start = i + 1
	}
	end := min(start+limit, len(urls))
	page = urls[start:end]
	if maxResults != nil && end < len(urls) {
		next = base64.RawURLEncoding.EncodeToString([]byte(urls[end-1]))
	}
	return page, next, nil
}

func (s *Queues) listQueues(req *wire.Request) (any, *wire.Error) {
	var in struct {
		QueueNamePrefix string
		MaxResults      *int
		NextToken       string
	}
	if err := decode(req, &in); err != nil {
		return nil, err
	}
	defer s.begin(req)()
	var urls []string
	for _, q := range s.queues {
		if q.account == req.Caller.Account && q.region == req.Region && strings.HasPrefix(q.name, in.QueueNamePrefix) {
			urls = append(urls, q.url)
		}
	}
	slices.Sort(urls)
	page, next, err := listPage(urls, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return struct {
		QueueUrls []string `json:",omitempty"`
		NextToken string   `json:",omitempty"`
	}{page, next}, nil
}

func (s *Queues) listDeadLetterSourceQueues(req *wire.Request) (any, *wire.Error) {
	var in struct {
		QueueURL   string `json:"QueueUrl"`
		MaxResults *int
		NextToken  string
	}
	if err := decode(req, &in); err != nil {
		return nil, err
	}
	defer s.begin(req)()
	dlq, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	urls := []string{}
	for _, q := range s.queues {
		if q.redrive != nil && q.redrive.target == dlq.arn {
			urls = append(urls, q.url)
		}
	}
	slices.Sort(urls)
	page, next, err := listPage(urls, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return struct {
		QueueUrls []string `json:"queueUrls"`
		NextToken string   `json:",omitempty"`
	}{page, next}, nil
}

func (s *Queues) getQueueAttributes(req *wire.Request) (any, *wire.Error) {
	var in struct {
		QueueURL       string `json:"QueueUrl"`
		AttributeNames []string
	}
	if err := decode(req, &in); err != nil {
		return nil, err
	}
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	attrs, err := q.attributes(in.AttributeNames, req.Now)
	if err != nil {
		return nil, err
	}
	return struct {
		Attributes map[string]string `json:",omitempty"`
	}{attrs}, nil
}

func (s *Queues) setQueueAttributes(req *wire.Request) (any, *wire.Error) {
	var in struct {
		QueueURL   string `json:"QueueUrl"`
		Attributes map[string]string
	}
	if err := decode(req, &in); err != nil {
		return nil, err
	}
	if in.Attributes == nil {
		return nil, missingParameter("Attributes")
	}
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	attrs, redrive, err := s.normalizeAttributes(in.Attributes, q.account, q.region, q.name)
	if err != nil {
		return nil, err
	}
	q.apply(attrs, redrive, req.Now)
	return struct{}{}, nil
}

func (s *Queues) deleteQueue(req *wire.Request) (any, *wire.Error) {
	var in struct {
		QueueURL string `json:"QueueUrl"`
	}
	if err := decode(req, &in); err != nil {
		return nil, err
	}
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	delete(s.queues, q.key())
	s.deleted[q.key()] = req.Now
	return struct{}{}, nil
}

func (s *Queues) purgeQueue(req *wire.Request) (any, *wire.Error) {
	var in struct {
		QueueURL string `json:"QueueUrl"`
	}
	if err := decode(req, &in); err != nil {
		return nil, err
	}
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if !q.lastPurge.IsZero() && req.Now.Before(q.lastPurge.Add(purgeWait)) {
		return nil, sqsError("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress",
			"Only one PurgeQueue operation on %s is allowed every 60 seconds.", q.name)
	}
	q.messages = nil
	q.lastPurge = req.Now
	return struct{}{}, nil
}
