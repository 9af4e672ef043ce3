package queues

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

func defaultAttributes() map[string]string {
	return map[string]string{
		"DelaySeconds":                  "0",
		"MaximumMessageSize":            strconv.Itoa(maxMessageSize),
		"MessageRetentionPeriod":        strconv.Itoa(defaultRetention),
		"ReceiveMessageWaitTimeSeconds": "0",
		"VisibilityTimeout":             strconv.Itoa(defaultVisibility),
		"SqsManagedSseEnabled":          "true",
	}
}

// intRanges are the integer queue attributes and their limits.
var intRanges = map[string][2]int{
	"DelaySeconds":                  {0, maxDelay},
	"MaximumMessageSize":            {minMessageSize, maxMessageSize},
	"MessageRetentionPeriod":        {minRetention, maxRetention},
	"ReceiveMessageWaitTimeSeconds": {0, maxWaitTime},
	"VisibilityTimeout":             {0, maxVisibility},
	"KmsDataKeyReusePeriodSeconds":  {60, 86400},
}

// freeAttributes are settable attributes stored as given (Policy once it
// parses as an IAM policy; package authz evaluates it and the KMS key).
var freeAttributes = map[string]bool{"Policy": true, "RedriveAllowPolicy": true, "KmsMasterKeyId": true}

// fifoAttributes only exist on FIFO queues.
var fifoAttributes = map[string]bool{"FifoQueue": true, "ContentBasedDeduplication": true, "DeduplicationScope": true, "FifoThroughputLimit": true}

// readOnlyAttributes are computed by SQS and reported by GetQueueAttributes.
var readOnlyAttributes = []string{
	"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible",
	"CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
}

// normalizeAttributes validates settable queue attributes for q (nil while
// creating a queue in account/region) and returns them in canonical form. An
// empty RedrivePolicy, Policy, RedriveAllowPolicy or KmsMasterKeyId means
// "remove". Callers must hold s.mu (the redrive target is looked up).
func (s *Queues) normalizeAttributes(in map[string]string, account, regionCode, name string) (map[string]string, *redrivePolicy, *wire.Error) {
	out := make(map[string]string, len(in))
	var redrive *redrivePolicy
	for _, k := range sortedKeys(in) {
		v := in[k]
		switch {
		case k == "RedrivePolicy":
			if v == "" {
				out[k] = ""
				continue
			}
			r, err := s.parseRedrive(v, account, regionCode, name)
			if err != nil {
				return nil, nil, err
			}
			redrive = r
			out[k] = r.String()
		case k == "SqsManagedSseEnabled":
			if v != "true" && v != "false" {
				return nil, nil, invalidAttributeValue("Invalid value for the parameter SqsManagedSseEnabled. Reason: must be true or false.")
			}
			out[k] = v
		case freeAttributes[k]:
			if (k == "Policy" || k == "RedriveAllowPolicy") && v != "" && !json.Valid([]byte(v)) {
				return nil, nil, invalidAttributeValue("Invalid value for the parameter %s. Reason: must be a JSON document.", k)
			}
			if k == "Policy" && v != "" {
				if _, err := org.ParseResourcePolicy(v); err != nil {
					return nil, nil, invalidAttributeValue("Invalid value for the parameter Policy. Reason: %v.", err)
				}
			}
			out[k] = v
		case fifoAttributes[k]:
			if k == "FifoQueue" && v == "false" {
				continue // the default, nothing to store
			}
			return nil, nil, invalidParameterValue("Attribute %s is for FIFO queues, which the local AWS does not emulate; use a standard queue.", k)
		default:
			r, ok := intRanges[k]
			if !ok {
				return nil, nil, invalidAttributeName("Unknown Attribute %s.", k)
			}
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < r[0] || n > r[1] {
				return nil, nil, invalidAttributeValue("Invalid value for the parameter %s. Reason: %q must be an integer between %d and %d.", k, v, r[0], r[1])
			}
			out[k] = strconv.Itoa(n)
		}
	}
	return out, redrive, nil
}

// parseRedrive validates a RedrivePolicy document. SQS accepts
// maxReceiveCount as a number or a string; the dead-letter queue must exist
// in the same account and region and not be the queue itself.
func (s *Queues) parseRedrive(doc, account, regionCode, name string) (*redrivePolicy, *wire.Error) {
	bad := func(reason string, args ...any) *wire.Error {
		return invalidParameterValue("Value %s for parameter RedrivePolicy is invalid. Reason: %s", doc, fmt.Sprintf(reason, args...))
	}
	var raw struct {
		DeadLetterTargetArn string          `json:"deadLetterTargetArn"`
		MaxReceiveCount     json.RawMessage `json:"maxReceiveCount"`
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, bad("must be a JSON object with deadLetterTargetArn and maxReceiveCount: %v", err)
	}
	if raw.DeadLetterTargetArn == "" {
		return nil, bad("deadLetterTargetArn is required.")
	}
	count, err := strconv.Atoi(string(bytes.Trim(raw.MaxReceiveCount, `"`)))
	if err != nil || count < 1 || count > maxReceiveCountLimit {
		return nil, bad("maxReceiveCount must be an integer between 1 and %d.", maxReceiveCountLimit)
	}
	parts := strings.Split(raw.DeadLetterTargetArn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" {
		return nil, bad("%s is not an SQS queue ARN.", raw.DeadLetterTargetArn)
	}
	if parts[3] != regionCode || parts[4] != account {
		return nil, bad("the dead-letter queue must be in the same account and region as the queue (%s, %s).", account, regionCode)
	}
	if parts[5] == name {
		return nil, bad("a queue cannot be its own dead-letter queue.")
	}
	if s.byARN(raw.DeadLetterTargetArn) == nil {
		return nil, bad("Dead-letter target does not exist.")
	}
	return &redrivePolicy{target: raw.DeadLetterTargetArn, maxReceiveCount: count}, nil
}

// apply stores normalized attributes on q.
func (q *queue) apply(attrs map[string]string, redrive *redrivePolicy, now time.Time) {
	for k, v := range attrs {
		if k == "Policy" {
			q.policy, _ = iampolicy.Parse([]byte(v)) // normalizeAttributes parsed it; "" is nil
		}
		if v == "" {
			delete(q.attrs, k)
			if k == "RedrivePolicy" {
				q.redrive = nil
			}
			continue
		}
		q.attrs[k] = v
	}
	if redrive != nil {
		q.redrive = redrive
	}
	if _, kms := q.attrs["KmsMasterKeyId"]; kms {
		if _, ok := q.attrs["KmsDataKeyReusePeriodSeconds"]; !ok {
			q.attrs["KmsDataKeyReusePeriodSeconds"] = "300"
		}
	}
	q.modified = now
}

// attributes returns the queue attributes GetQueueAttributes asks for
// ("All" or names); unknown names are an InvalidAttributeName error.
func (q *queue) attributes(names []string, now time.Time) (map[string]string, *wire.Error) {
	all := map[string]string{}
	for k, v := range q.attrs {
		all[k] = v
	}
	st := q.stats(now)
	all["ApproximateNumberOfMessages"] = strconv.Itoa(st.Visible)
	all["ApproximateNumberOfMessagesNotVisible"] = strconv.Itoa(st.InFlight)
	all["ApproximateNumberOfMessagesDelayed"] = strconv.Itoa(st.Delayed)
	all["CreatedTimestamp"] = strconv.FormatInt(q.created.Unix(), 10)
	all["LastModifiedTimestamp"] = strconv.FormatInt(q.modified.Unix(), 10)
	all["QueueArn"] = q.arn
	out := map[string]string{}
	for _, n := range names {
		if n == "All" {
			return all, nil
		}
		if !knownAttribute(n) {
			return nil, invalidAttributeName("Unknown Attribute %s.", n)
		}
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	return out, nil
}

func knownAttribute(n string) bool {
	if _, ok := intRanges[n]; ok {
		return true
	}
	for _, r := range readOnlyAttributes {
		if r == n {
			return true
		}
	}
	return freeAttributes[n] || fifoAttributes[n] || n == "RedrivePolicy" || n == "SqsManagedSseEnabled"
}
