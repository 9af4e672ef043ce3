package authz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
)

// ServiceCall is a call an AWS service makes as its own service principal
// on a customer's resource, for another resource: SNS sending a topic's
// message to a subscribed queue is sqs:SendMessage by sns.amazonaws.com on
// the queue, for the topic.
type ServiceCall struct {
	// Service is the service principal, e.g. "sns.amazonaws.com".
	Service string
	// Action is the IAM action, e.g. "sqs:SendMessage".
	Action string
	// Resource is the ARN acted on (a queue); its policy decides alone, as
	// service principals have no identity policies.
	Resource string
	// SourceARN and SourceAccount are the resource the service acts for
	// (the topic) and its owner: aws:SourceArn and aws:SourceAccount, the
	// keys AWS tells resource policies to pin a service to.
	SourceARN, SourceAccount string
	// Encrypts says the call writes to the resource, so an encrypted one
	// needs kms:GenerateDataKey and kms:Decrypt on its key for the service.
	Encrypts bool
}

// ErrNoResource is AuthorizeService's answer for a resource that does not
// exist; the error wraps it.
var ErrNoResource = errors.New("no such resource")

// AuthorizeService decides a ServiceCall as AWS does: the resource's policy
// must allow the service principal (with the call's aws:SourceArn and
// aws:SourceAccount), and, for an encrypted resource, so must its KMS key's
// policy. A resource without a policy allows no service. The error quotes
// the refusal the service would log.
func (a *Authorizer) AuthorizeService(c ServiceCall) error {
	parts := strings.SplitN(c.Resource, ":", 6)
	if len(parts) != 6 {
		return fmt.Errorf("%s is not an ARN: %w", c.Resource, ErrNoResource)
	}
	src := a.sources(parts[2])
	if src == nil {
		return fmt.Errorf("%s: the local AWS has no %s resources: %w", c.Resource, parts[2], ErrNoResource)
	}
	policy, key, ok := src.ResourcePolicy(c.Resource)
	if !ok {
		return fmt.Errorf("%s does not exist: %w", c.Resource, ErrNoResource)
	}
	owner := parts[4]
	sub := subject{principal: iampolicy.Principal{Service: c.Service}}
	req := iampolicy.Request{Action: c.Action, Resource: c.Resource, Principal: sub.principal, Context: a.serviceContext(c, parts[3], owner)}
	if d := iampolicy.Decide(req, nil, policy, owner); !d.Allowed {
		return errors.New(iampolicy.AccessDeniedMessage(c.Service, req, d))
	}
	if !c.Encrypts || key == "" {
		return nil
	}
	k, ok := a.keys.resolve(key, parts[2], owner, parts[3])
	if !ok {
		return fmt.Errorf("Invalid keyId %s (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException)", key) //nolint:staticcheck // ST1005: KMS's own wording
	}
	for _, action := range kmsWrite.actions() {
		kreq := iampolicy.Request{Action: action, Resource: k.arn, Principal: sub.principal, Context: req.Context}
		if d := iampolicy.Decide(kreq, nil, k.policy, k.account); !d.Allowed {
			return errors.New(iampolicy.AccessDeniedMessage(c.Service, kreq, d) + kmsSuffix)
		}
	}
	return nil
}

// sources returns the resource policies of an ARN's service part.
func (a *Authorizer) sources(service string) ResourcePolicies {
	switch service {
	case "sqs":
		return a.queues
	case "sns":
		return a.topics
	}
	return nil
}

// serviceContext is the request context of a service principal's call:
// no principal account, ARN or organization, as for every service
// principal; the source the service acts for.
func (a *Authorizer) serviceContext(c ServiceCall, regionCode, owner string) map[string][]string {
	ctx := map[string][]string{
		"aws:PrincipalIsAWSService": {"true"},
		"aws:PrincipalServiceName":  {c.Service},
		"aws:ViaAWSService":         {"false"},
		"aws:SecureTransport":       {"true"},
		"aws:RequestedRegion":       {regionCode},
		"aws:ResourceAccount":       {owner},
	}
	setIf(ctx, "aws:SourceArn", c.SourceARN)
	setIf(ctx, "aws:SourceAccount", c.SourceAccount)
	if a.org.Contains(owner) {
		ctx["aws:ResourceOrgID"] = []string{a.org.ID()}
	}
	return ctx
}
