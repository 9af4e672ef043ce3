package queues

import (
	"errors"
	"fmt"
	"strings"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/region"
)

// Spec is the sqs section of a world file: the queues that exist when the
// emulator starts.
type Spec struct {
	// Queues lists the queues to create.
	Queues []QueueSpec `yaml:"queues"`
}

// QueueSpec declares one standard queue.
type QueueSpec struct {
	// Account is the 12-digit ID of the account that owns the queue.
	Account string `yaml:"account"`
	// Region is the region the queue lives in.
	Region string `yaml:"region"`
	// Name is the queue name (1-80 characters of A-Za-z0-9_-).
	Name string `yaml:"name"`
	// DelaySeconds is the default delivery delay, 0-900 (default 0).
	DelaySeconds int `yaml:"delaySeconds,omitempty"`
	// VisibilityTimeout is the default visibility timeout in seconds,
	// 0-43200; nil means the SQS default of 30. A pointer because 0 is a
	// meaningful value.
	VisibilityTimeout *int `yaml:"visibilityTimeout,omitempty"`
	// MessageRetentionPeriod is how long messages are kept, in seconds,
	// 60-1209600; 0 means the SQS default of 345600 (4 days).
	MessageRetentionPeriod int `yaml:"messageRetentionPeriod,omitempty"`
	// DeadLetter, when set, redrives messages received more than
	// MaxReceiveCount times to another declared queue.
	DeadLetter *DeadLetterSpec `yaml:"deadLetter,omitempty"`
	// Policy is the queue policy (the Policy attribute): JSON, or the same
	// document as YAML. The emulator evaluates it for every call on the
	// queue (see package authz).
	Policy org.PolicyDocument `yaml:"policy,omitempty"`
	// KMSMasterKeyID encrypts the queue with a KMS key (the KmsMasterKeyId
	// attribute): a key of the kms section (ID or ARN), or alias/aws/sqs.
	// Senders then need kms:GenerateDataKey and kms:Decrypt, receivers
	// kms:Decrypt.
	KMSMasterKeyID string `yaml:"kmsMasterKeyId,omitempty"`
}

// DeadLetterSpec is a queue's redrive policy.
type DeadLetterSpec struct {
	// Name is the dead-letter queue's name; it must be declared in the same
	// account and region.
	Name string `yaml:"name"`
	// MaxReceiveCount is how many receives a message gets before the next
	// one moves it to the dead-letter queue, 1-1000.
	MaxReceiveCount int `yaml:"maxReceiveCount"`
}

// Validate reports every problem in the spec at once, each prefixed with its
// path relative to the section, e.g.
// `queues[0].name: "bad name!" must be 1-80 characters of A-Za-z0-9_-`.
func (s Spec) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	seen := map[string]int{}
	for i, q := range s.Queues {
		key := q.Account + "/" + q.Region + "/" + q.Name
		if j, dup := seen[key]; dup {
			add("queues[%d]: duplicates queues[%d] (%s): remove one of them", i, j, key)
		} else {
			seen[key] = i
		}
	}
	for i, q := range s.Queues {
		path := fmt.Sprintf("queues[%d]", i)
		if !org.IsAccountID(q.Account) {
			add("%s.account: %q must be a 12-digit AWS account ID", path, q.Account)
		}
		if !region.Known(q.Region) {
			add("%s.region: %q is not an AWS region (e.g. us-east-1)", path, q.Region)
		}
		if err := checkQueueName(q.Name); err != nil {
			add("%s.name: %w", path, err)
		}
		if q.DelaySeconds < 0 || q.DelaySeconds > maxDelay {
			add("%s.delaySeconds: %d must be between 0 and %d", path, q.DelaySeconds, maxDelay)
		}
		if v := q.VisibilityTimeout; v != nil && (*v < 0 || *v > maxVisibility) {
			add("%s.visibilityTimeout: %d must be between 0 and %d", path, *v, maxVisibility)
		}
		if r := q.MessageRetentionPeriod; r != 0 && (r < minRetention || r > maxRetention) {
			add("%s.messageRetentionPeriod: %d must be between %d and %d seconds (or left out for the default %d)", path, r, minRetention, maxRetention, defaultRetention)
		}
		if q.Policy != "" {
			if _, err := org.ParseResourcePolicy(string(q.Policy)); err != nil {
				add("%s.policy: %w", path, err)
			}
		}
		if dl := q.DeadLetter; dl != nil {
			target := q.Account + "/" + q.Region + "/" + dl.Name
			switch _, declared := seen[target]; {
			case dl.Name == "":
				add("%s.deadLetter.name: is required: name a queue declared in the same account and region", path)
			case dl.Name == q.Name:
				add("%s.deadLetter.name: %q is the queue itself: name a different queue", path, dl.Name)
			case !declared:
				add("%s.deadLetter.name: %q is not declared in %s/%s: declare it under queues too", path, dl.Name, q.Account, q.Region)
			}
			if dl.MaxReceiveCount < 1 || dl.MaxReceiveCount > maxReceiveCountLimit {
				add("%s.deadLetter.maxReceiveCount: %d must be between 1 and %d", path, dl.MaxReceiveCount, maxReceiveCountLimit)
			}
		}
	}
	return errors.Join(errs...)
}

// Limits of the queue attributes.
const (
	maxDelay             = 900
	maxVisibility        = 43200
	minRetention         = 60
	maxRetention         = 1209600
	defaultRetention     = 345600
	defaultVisibility    = 30
	minMessageSize       = 1024
	maxMessageSize       = 262144
	maxWaitTime          = 20
	maxReceiveCountLimit = 1000
)

// checkQueueName applies the SQS queue name rules. FIFO queues are rejected
// because their ordering, deduplication and group semantics are not
// emulated, and silently treating one as a standard queue would hide that.
func checkQueueName(name string) error {
	if base, fifo := strings.CutSuffix(name, ".fifo"); fifo && validQueueName(base) {
		return fmt.Errorf("%q is a FIFO queue name: FIFO queues are not emulated; drop the .fifo suffix", name)
	}
	if !validQueueName(name) {
		return fmt.Errorf("%q must be 1-80 characters of A-Za-z0-9_-", name)
	}
	return nil
}

func validQueueName(name string) bool {
	if len(name) < 1 || len(name) > 80 {
		return false
	}
	for _, c := range name {
		if !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isAlnum(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
