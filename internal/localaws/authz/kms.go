package authz

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// kmsUse is what an operation does with the key of an encrypted queue or
// topic. SQS and SNS call KMS on the caller's behalf, so the caller needs
// the KMS permissions: producers kms:GenerateDataKey and kms:Decrypt (SQS
// and SNS verify each new data key with Decrypt), consumers kms:Decrypt.
type kmsUse uint8

const (
	kmsNone kmsUse = iota
	kmsWrite
	kmsRead
)

func (u kmsUse) actions() []string {
	if u == kmsWrite {
		return []string{"kms:GenerateDataKey", "kms:Decrypt"}
	}
	return []string{"kms:Decrypt"}
}

// KMSSpec is the kms section of a world file: the customer managed keys
// encrypted queues and topics name in kmsMasterKeyId. The AWS managed keys
// alias/aws/sqs and alias/aws/sns need no declaration.
type KMSSpec struct {
	// Keys lists the keys.
	Keys []KeySpec `yaml:"keys"`
}

// KeySpec is one symmetric customer managed key.
type KeySpec struct {
	// ID is the key ID, e.g. 1234abcd-12ab-34cd-56ef-1234567890ab.
	ID string `yaml:"id"`
	// Account and Region are where the key lives.
	Account string `yaml:"account"`
	Region  string `yaml:"region"`
	// Policy is the key policy. A statement allowing the account's root
	// (arn:aws:iam::<account>:root) lets IAM policies grant use of the key.
	Policy org.PolicyDocument `yaml:"policy"`
}

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,128}$`)

// Validate reports every problem at once, each with its path in the
// section, e.g. `keys[0].policy: is required`.
func (s KMSSpec) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	seen := map[string]int{}
	for i, k := range s.Keys {
		path := fmt.Sprintf("keys[%d]", i)
		if !keyIDPattern.MatchString(k.ID) {
			add("%s.id: %q is not a key ID (letters, digits and -, e.g. 1234abcd-12ab-34cd-56ef-1234567890ab)", path, k.ID)
		}
		if !org.IsAccountID(k.Account) {
			add("%s.account: %q must be a 12-digit AWS account ID", path, k.Account)
		}
		if !region.Known(k.Region) {
			add("%s.region: %q is not an AWS region (e.g. us-east-1)", path, k.Region)
		}
		switch {
		case strings.TrimSpace(string(k.Policy)) == "":
			add(`%s.policy: is required: every KMS key has a key policy; to let IAM policies grant its use, allow {"AWS": "arn:aws:iam::%s:root"} "kms:*"`, path, k.Account)
		default:
			if _, err := org.ParseResourcePolicy(string(k.Policy)); err != nil {
				add("%s.policy: %v", path, err)
			}
		}
		arn := KeyARN(k.Account, k.Region, k.ID)
		if j, dup := seen[arn]; dup {
			add("%s: duplicates keys[%d] (%s): remove one of them", path, j, arn)
		}
		seen[arn] = i
	}
	return errors.Join(errs...)
}

// KeyARN is the ARN of key id in account and region.
func KeyARN(account, regionCode, id string) string {
	return "arn:" + region.Partition(regionCode) + ":kms:" + regionCode + ":" + account + ":key/" + id
}

// Keys are the KMS keys, by ARN, with the AWS managed keys made on first
// use. It is safe for concurrent use.
type Keys struct {
	byARN map[string]*key

	mu      sync.Mutex
	managed map[string]*key
}

type key struct {
	arn, account string
	policy       *iampolicy.Policy
}

// NewKeys parses the keys of spec, which must be valid.
func NewKeys(spec KMSSpec) (*Keys, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("kms spec: %w", err)
	}
	k := &Keys{byARN: map[string]*key{}, managed: map[string]*key{}}
	for _, s := range spec.Keys {
		p, err := org.ParseResourcePolicy(string(s.Policy))
		if err != nil {
			return nil, fmt.Errorf("kms key %s: %w", s.ID, err)
		}
		arn := KeyARN(s.Account, s.Region, s.ID)
		k.byARN[arn] = &key{arn: arn, account: s.Account, policy: p}
	}
	return k, nil
}

// Resolves reports whether a queue's or topic's KmsMasterKeyId in account
// and region names a key: a declared key's ID or ARN, or the service's AWS
// managed key (alias/aws/<service>).
func (k *Keys) Resolves(ref, service, account, regionCode string) bool {
	_, ok := k.resolve(ref, service, account, regionCode)
	return ok
}

// resolve finds the key ref names for a resource of service in account and
// region.
func (k *Keys) resolve(ref, service, account, regionCode string) (*key, bool) {
	if k == nil {
		return nil, false
	}
	if ref == "alias/aws/"+service {
		return k.awsManaged(service, account, regionCode), true
	}
	arn := ref
	if !strings.HasPrefix(ref, "arn:") {
		arn = KeyARN(account, regionCode, ref)
	}
	got, ok := k.byARN[arn]
	return got, ok
}

// awsManaged returns the AWS managed key of service in account and region,
// with the key policy AWS gives it: every principal of the account may use
// it through the service.
func (k *Keys) awsManaged(service, account, regionCode string) *key {
	arn := "arn:" + region.Partition(regionCode) + ":kms:" + regionCode + ":" + account + ":alias/aws/" + service
	k.mu.Lock()
	defer k.mu.Unlock()
	if got, ok := k.managed[arn]; ok {
		return got
	}
	got := &key{arn: arn, account: account, policy: iampolicy.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"],"Resource":"*",` +
		`"Condition":{"StringEquals":{"kms:CallerAccount":"` + account + `","kms:ViaService":"` + service + `.` + regionCode + `.amazonaws.com"}}}]}`)}
	k.managed[arn] = got
	return got
}

// checkKMS authorizes the KMS calls the service makes on the caller's
// behalf for an encrypted resource: the key policy must allow (on its own,
// or by delegating to IAM), and so must the caller's policies where KMS
// needs them, evaluated with kms:ViaService naming the service.
func (a *Authorizer) checkKMS(r *wire.Request, use kmsUse, sub subject, resource, ref string) error {
	parts := strings.SplitN(resource, ":", 6)
	k, ok := a.keys.resolve(ref, r.Service, parts[4], parts[3])
	if !ok {
		return kmsNotFound(r.Service, ref)
	}
	ctx := withKeys(a.context(r, sub, k.account),
		"kms:ViaService", r.Service+"."+parts[3]+".amazonaws.com",
		"kms:CallerAccount", r.Caller.Account,
		"aws:ViaAWSService", "true")
	for _, action := range use.actions() {
		req := iampolicy.Request{Action: action, Resource: k.arn, Principal: sub.principal, Context: ctx}
		// Decide requires the key policy to allow on its own, as KMS does.
		if d := iampolicy.Decide(req, sub.policies, k.policy, k.account); !d.Allowed {
			return kmsDenied(r, req, d)
		}
	}
	return nil
}

// kmsSuffix is how SQS and SNS quote the KMS error they got.
const kmsSuffix = " (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)"

// kmsDenied is SQS's KmsAccessDenied (query code
// KMS.AccessDeniedException) or SNS's KMSAccessDenied, both 400, quoting
// KMS's refusal.
func kmsDenied(r *wire.Request, req iampolicy.Request, d iampolicy.Decision) *wire.Error {
	msg := iampolicy.AccessDeniedMessage(r.Caller.ARN, req, d) + kmsSuffix
	if r.Service == "sqs" {
		return &wire.Error{Code: "KmsAccessDenied", QueryCode: "KMS.AccessDeniedException", Message: msg}
	}
	return &wire.Error{Code: "KMSAccessDenied", Message: msg}
}

// kmsNotFound answers a KmsMasterKeyId that names no key.
func kmsNotFound(service, ref string) *wire.Error {
	msg := fmt.Sprintf("Invalid keyId %s (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException)", ref)
	if service == "sqs" {
		return &wire.Error{Code: "KmsNotFound", QueryCode: "KMS.NotFoundException", Message: msg}
	}
	return &wire.Error{Code: "KMSNotFound", Message: msg}
}
