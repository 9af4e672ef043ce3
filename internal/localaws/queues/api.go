package queues

import (
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

// resolve finds the queue a QueueUrl names. The host is not checked (the
// SDK sends whatever endpoint it was configured with), except that a real
// SQS host must name the request's region. Whether the caller may use a
// queue of another account is IAM's to decide (package authz), by the
// queue policy.
func (s *Queues) resolve(req *wire.Request, queueURL string) (*queue, *wire.Error) {
	if queueURL == "" {
		return nil, missingParameter("QueueUrl")
	}
	account, regionCode, name, ok := ParseURL(queueURL)
	if !ok {
		return nil, sqsError("InvalidAddress", "InvalidAddress", "The address %s is not valid for this endpoint: want https://sqs.<region>.amazonaws.com/<account>/<queue>.", queueURL)
	}
	if regionCode != "" && regionCode != req.Region {
		return nil, sqsError("InvalidAddress", "InvalidAddress", "The queue %s is in %s but the request was sent to %s: use a client for the queue's region.", queueURL, regionCode, req.Region)
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

type createQueueInput struct {
	QueueName  string
	Attributes map[string]string
	Tags       map[string]string `json:"tags"`
}

func (s *Queues) createQueue(req *wire.Request, in *createQueueInput) (any, error) {
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

type getQueueURLInput struct {
	QueueName              string
	QueueOwnerAWSAccountID string `json:"QueueOwnerAWSAccountId"`
}

func (s *Queues) getQueueURL(req *wire.Request, in *getQueueURLInput) (any, error) {
	if in.QueueName == "" {
		return nil, missingParameter("QueueName")
	}
	account := req.Caller.Account
	if in.QueueOwnerAWSAccountID != "" {
		account = in.QueueOwnerAWSAccountID
	}
	defer s.begin(req)()
	q := s.queues[key(account, req.Region, in.QueueName)]
	if q == nil {
		return nil, queueDoesNotExist()
	}
	return queueURLResult{QueueURL: q.url}, nil
}

// listPage pages through sorted URLs. Tokens name the last URL returned
// (wire.KeyTokens) so a deletion between calls does not skip a queue.
// Without maxResults SQS returns up to 1000 queues and no token.
func listPage(urls []string, maxResults *int, token string) (page []string, next string, _ *wire.Error) {
	limit := 1000
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 1000 {
			return nil, "", invalidParameterValue("Value %d for parameter MaxResults is invalid. Reason: must be between 1 and 1000.", *maxResults)
		}
		limit = *maxResults
	}
	page, next, ok := wire.Page(urls, token, limit, wire.StringKeys())
	if !ok {
		return nil, "", invalidParameterValue("Invalid NextToken value %q: pass the token of a previous call.", token)
	}
	if maxResults == nil {
		next = ""
	}
	return page, next, nil
}

type listQueuesInput struct {
	QueueNamePrefix string
	MaxResults      *int
	NextToken       string
}

func (s *Queues) listQueues(req *wire.Request, in *listQueuesInput) (any, error) {
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

type listDeadLetterSourceQueuesInput struct {
	QueueURL   string `json:"QueueUrl"`
	MaxResults *int
	NextToken  string
}

func (s *Queues) listDeadLetterSourceQueues(req *wire.Request, in *listDeadLetterSourceQueuesInput) (any, error) {
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

type getQueueAttributesInput struct {
	QueueURL       string `json:"QueueUrl"`
	AttributeNames []string
}

func (s *Queues) getQueueAttributes(req *wire.Request, in *getQueueAttributesInput) (any, error) {
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

type setQueueAttributesInput struct {
	QueueURL   string `json:"QueueUrl"`
	Attributes map[string]string
}

func (s *Queues) setQueueAttributes(req *wire.Request, in *setQueueAttributesInput) (any, error) {
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

type deleteQueueInput struct {
	QueueURL string `json:"QueueUrl"`
}

func (s *Queues) deleteQueue(req *wire.Request, in *deleteQueueInput) (any, error) {
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	delete(s.queues, q.key())
	s.deleted[q.key()] = req.Now
	return struct{}{}, nil
}

type purgeQueueInput struct {
	QueueURL string `json:"QueueUrl"`
}

func (s *Queues) purgeQueue(req *wire.Request, in *purgeQueueInput) (any, error) {
	defer s.begin(req)()
	q, err := s.resolve(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if !q.lastPurge.IsZero() && req.Now.Before(q.lastPurge.Add(purgeWait)) {
		return nil, sqsError("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress",
			"Only one PurgeQueue operation on %s is allowed every 60 seconds.", q.name)
	}
	q.clearMessages()
	q.lastPurge = req.Now
	return struct{}{}, nil
}
