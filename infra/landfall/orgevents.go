package landfall

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/internal/lifecycle"
	"github.com/landfall/landfall/internal/region"
)

// OrganizationsEventsRegion is the only region where AWS Organizations'
// CloudTrail events reach EventBridge: Organizations is a global service
// whose calls CloudTrail records in us-east-1. When Landfall runs in
// another home region, an OrganizationsForwarder there sends them on.
const OrganizationsEventsRegion = "us-east-1"

// newOrganizationsRule sends Organizations' account calls to the launch
// function, handed over as the lifecycle rule hands its events (launchTarget:
// the same retries and dead-letter queue). On the home region's default bus
// it sees them directly when the home region is us-east-1, and as an
// OrganizationsForwarder delivers them otherwise.
func (c *Construct) newOrganizationsRule() {
	c.OrganizationsRule = awsevents.NewRule(c.Construct, jsii.String("OrganizationsRule"), &awsevents.RuleProps{
		Description:  jsii.String("AWS Organizations account calls (account moved, closed or removed) reach Landfall's launch function"),
		EventPattern: OrganizationsPattern(),
		RuleName:     jsii.String(c.names.orgRule),
	})
	c.OrganizationsRule.AddTarget(c.launchTarget())
	// EventBridge encrypts this rule's dead letters with the stack's key as
	// itself, like the lifecycle rule's: the key policy names the rule by
	// the name fixed at synth (the key exists before the rule).
	c.Key.AddToResourcePolicy(servicePolicy("EventBridgeOrganizationsDeadLetters", "events.amazonaws.com", kmsForSNSAndSQS, map[string]any{
		"ArnEquals": map[string]any{"aws:SourceArn": arn("events", "rule/"+c.names.orgRule)},
	}), nil)
}

// OrganizationsPattern is the event pattern of the Organizations rule and of
// the us-east-1 forwarding rule: the account calls the launch function's
// decoder (internal/lifecycle) turns into an OrganizationsEvent. Failed
// calls match too (errorCode is not filtered); the decoder ignores them,
// saying why.
func OrganizationsPattern() *awsevents.EventPattern {
	return &awsevents.EventPattern{
		Source:     jsii.Strings(lifecycle.OrganizationsSource),
		DetailType: jsii.Strings(lifecycle.CloudTrailAPICall),
		Detail: &map[string]any{
			"eventSource": []string{lifecycle.OrganizationsEventSource},
			"eventName":   lifecycle.OrganizationsEventNames(),
		},
	}
}

// OrganizationsForwarderProps configures an OrganizationsForwarder.
type OrganizationsForwarderProps struct {
	// HomeRegion is the Control Tower home region, where Landfall runs and
	// the events go. Required, and not OrganizationsEventsRegion (there
	// Landfall's own rule sees them).
	HomeRegion string
}

// OrganizationsForwarder is the us-east-1 half of Landfall's Organizations
// events when the Control Tower home region is another region: a rule on
// us-east-1's default bus matching OrganizationsPattern, whose target is the
// home region's default bus in the same account, where the Landfall
// construct's OrganizationsRule picks the events up. Add it to a stack of
// the management account in us-east-1.
type OrganizationsForwarder struct {
	constructs.Construct

	// Rule is the forwarding rule.
	Rule awsevents.Rule
	// Role is the role EventBridge sends with: events:PutEvents on the home
	// region's default bus, nothing else.
	Role awsiam.Role
	// DeadLetterQueue keeps what EventBridge could not forward after its
	// retries (24 hours), for 14 days.
	DeadLetterQueue awssqs.Queue
	// HomeBusARN is the home region's default event bus.
	HomeBusARN *string
}

// NewOrganizationsForwarder adds the forwarding rule, its role and its
// dead-letter queue to scope. It creates nothing when props are invalid or
// scope's stack is pinned to a region other than us-east-1.
func NewOrganizationsForwarder(scope constructs.Construct, id string, props OrganizationsForwarderProps) (*OrganizationsForwarder, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("organizations forwarder %s: %w", id, err)
	}
	if r := awscdk.Stack_Of(scope).Region(); !*awscdk.Token_IsUnresolved(r) && *r != OrganizationsEventsRegion {
		return nil, fmt.Errorf("organizations forwarder %s: its stack is in %s: Organizations events reach EventBridge only in %s, so the forwarder must be deployed there",
			id, *r, OrganizationsEventsRegion)
	}
	f := &OrganizationsForwarder{
		Construct:  constructs.NewConstruct(scope, jsii.String(id)),
		HomeBusARN: arnIn("events", jsii.String(props.HomeRegion), "event-bus/default"),
	}
	f.DeadLetterQueue = awssqs.NewQueue(f.Construct, jsii.String("DeadLetterQueue"), &awssqs.QueueProps{
		// SQS-managed encryption: EventBridge may write to it without a key
		// policy, and a customer-managed key here would be a second key in a
		// second region for a queue that is almost always empty.
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(DeadLetterRetentionDays)),
		RemovalPolicy:   awscdk.RemovalPolicy_RETAIN,
	})
	f.Role = awsiam.NewRole(f.Construct, jsii.String("Role"), &awsiam.RoleProps{
		Description: jsii.String("Landfall: EventBridge forwards Organizations account events from " + OrganizationsEventsRegion + " to the default bus in " + props.HomeRegion),
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil),
	})
	f.Rule = awsevents.NewRule(f.Construct, jsii.String("Rule"), &awsevents.RuleProps{
		Description:  jsii.String("AWS Organizations account calls (account moved, closed or removed) go to Landfall in " + props.HomeRegion),
		EventPattern: OrganizationsPattern(),
	})
	// The target grants the role events:PutEvents on the bus ARN, and
	// EventBridge the right to send to the dead-letter queue for this rule.
	f.Rule.AddTarget(awseventstargets.NewEventBus(awsevents.EventBus_FromEventBusArn(f.Construct, jsii.String("HomeBus"), f.HomeBusARN), &awseventstargets.EventBusProps{
		Role:            f.Role,
		DeadLetterQueue: f.DeadLetterQueue,
	}))
	f.DeadLetterQueue.AddToResourcePolicy(deny("OnlyTheForwardingRuleParksEvents", "sqs:SendMessage", f.DeadLetterQueue.QueueArn(),
		map[string]any{"ArnNotEquals": map[string]any{"aws:SourceArn": f.Rule.RuleArn()}}))
	f.suppressNagFindings()
	return f, nil
}

// Validate reports what is wrong with props.
func (p OrganizationsForwarderProps) Validate() error {
	switch {
	case p.HomeRegion == "":
		return &FieldError{Field: "HomeRegion", Err: errors.New("required: the Control Tower home region, where Landfall runs")}
	case !region.Known(p.HomeRegion):
		return &FieldError{Field: "HomeRegion", Err: fmt.Errorf("%q is not an AWS region", p.HomeRegion)}
	case p.HomeRegion == OrganizationsEventsRegion:
		return &FieldError{Field: "HomeRegion", Err: fmt.Errorf("is %s, where the events already are: Landfall's own Organizations rule receives them, and a forwarder would only send them to itself", OrganizationsEventsRegion)}
	}
	return nil
}

const (
	reasonForwardingDLQ = "This queue is itself a dead-letter queue: events EventBridge could not forward to the home region after its retries. " +
		"A redrive policy of its own would only move the same messages again; it keeps them 14 days, and the scheduled reconcile covers any account whose event stayed here."
	reasonForwardingPolicy = "The role's one policy (CDK's DefaultPolicy, an AWS::IAM::Policy attached to this role only) allows events:PutEvents on the home region's default event bus and nothing else; " +
		"it is versioned and rolled back with the stack. A customer-managed policy would be a second, account-wide object with the same single use."
)

// suppressNagFindings records why the forwarder's findings are accepted,
// as the Landfall construct does for its own.
func (f *OrganizationsForwarder) suppressNagFindings() {
	suppress(f.DeadLetterQueue, reasonForwardingDLQ, "AwsSolutions-SQS3", serverless+"SQSRedrivePolicy")
	suppress(f.Role.Node().FindChild(jsii.String("DefaultPolicy")), reasonForwardingPolicy, nist+"IAMNoInlinePolicy", hipaa+"IAMNoInlinePolicy", pci+"IAMNoInlinePolicy")
}
