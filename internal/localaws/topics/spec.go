package topics

import (
	"errors"
	"fmt"
	"strings"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/region"
)

// Spec is the sns section of a world file: the topics that exist when the
// emulator starts.
type Spec struct {
	// Topics lists the topics to create.
	Topics []TopicSpec `yaml:"topics"`
}

// TopicSpec declares one topic.
type TopicSpec struct {
	// Account is the 12-digit ID of the account that owns the topic.
	Account string `yaml:"account"`
	// Region is the region the topic lives in.
	Region string `yaml:"region"`
	// Name is the topic name (1-256 characters of A-Za-z0-9_-).
	Name string `yaml:"name"`
	// DisplayName is the optional display name (email "From" name).
	DisplayName string `yaml:"displayName,omitempty"`
	// Policy is the topic's access policy (the Policy attribute): JSON, or
	// the same document as YAML. The emulator evaluates it for every call on
	// the topic (see package authz).
	Policy org.PolicyDocument `yaml:"policy,omitempty"`
	// KMSMasterKeyID encrypts the topic with a KMS key (the KmsMasterKeyId
	// attribute): a key of the kms section (ID or ARN), or alias/aws/sns.
	// Publishers then need kms:GenerateDataKey and kms:Decrypt.
	KMSMasterKeyID string `yaml:"kmsMasterKeyId,omitempty"`
}

// Validate reports every problem in the spec at once, each prefixed with its
// path relative to the section, e.g.
// `topics[0].name: "bad name!" must be 1-256 characters of A-Za-z0-9_-`.
func (s Spec) Validate() error {
	var errs []error
	seen := map[string]int{}
	for i, t := range s.Topics {
		path := fmt.Sprintf("topics[%d]", i)
		if !org.IsAccountID(t.Account) {
			errs = append(errs, fmt.Errorf("%s.account: %q must be a 12-digit AWS account ID", path, t.Account))
		}
		if !region.Known(t.Region) {
			errs = append(errs, fmt.Errorf("%s.region: %q is not an AWS region (e.g. us-east-1)", path, t.Region))
		}
		if err := checkTopicName(t.Name); err != nil {
			errs = append(errs, fmt.Errorf("%s.name: %w", path, err))
		}
		if len(t.DisplayName) > maxDisplayName {
			errs = append(errs, fmt.Errorf("%s.displayName: must be at most %d characters, got %d", path, maxDisplayName, len(t.DisplayName)))
		}
		if t.Policy != "" {
			if _, err := org.ParseResourcePolicy(string(t.Policy)); err != nil {
				errs = append(errs, fmt.Errorf("%s.policy: %w", path, err))
			}
		}
		key := t.Account + "/" + t.Region + "/" + t.Name
		if j, dup := seen[key]; dup {
			errs = append(errs, fmt.Errorf("%s: duplicates topics[%d] (%s): remove one of them", path, j, key))
		} else {
			seen[key] = i
		}
	}
	return errors.Join(errs...)
}

// maxDisplayName is the longest display name SNS accepts.
const maxDisplayName = 100

// checkTopicName applies the SNS topic name rules. FIFO topics are rejected
// because their ordering and deduplication semantics are not emulated, and
// silently treating one as a standard topic would hide that.
func checkTopicName(name string) error {
	if base, fifo := strings.CutSuffix(name, ".fifo"); fifo && validTopicName(base) {
		return fmt.Errorf("%q is a FIFO topic name: FIFO topics are not emulated; drop the .fifo suffix", name)
	}
	if !validTopicName(name) {
		return fmt.Errorf("%q must be 1-256 characters of A-Za-z0-9_-", name)
	}
	return nil
}

func validTopicName(name string) bool {
	if len(name) < 1 || len(name) > 256 {
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
