package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
)

// offeredProtocols are the SNS protocols Landfall formats its messages for
// (internal/notify publishes with MessageStructure=json: text for email,
// the JSON document for the others). Both topics refuse any other
// subscription: http would deliver in plain text; sms and application
// (mobile push) are billed per message and reach devices, not the teams
// and systems the summaries and alarms are for.
var offeredProtocols = []string{"email", "email-json", "https", "lambda", "sqs"}

// restrictSenders adds the explicit denials that make the queues and topics
// accept messages only from whoever is meant to send them.
//
// An Allow in a resource policy cannot do this: a principal of this account
// whose identity policy allows sqs:SendMessage or sns:Publish on "*" (an
// administrator) may call anyway. Only an explicit Deny stops it, so each
// statement denies everyone ("Principal": "*") unless a condition on the
// caller holds: aws:PrincipalArn, which for a role session is the role's ARN
// (its path included), compared with an ARN operator because the key is
// ARN-typed; or aws:SourceArn, which AWS services set for the resource they
// act for and no caller can forge. A negated operator is true when its key
// is missing, so a caller without the key (a service acting for something
// else, an anonymous request) is denied too.
//
// Only the sending actions are denied (sqs:SendMessage, which also covers
// SendMessageBatch; sns:Publish, which covers PublishBatch; sns:Subscribe
// for protocols the stack does not offer). Receiving, deleting, purging,
// reading and changing attributes, and starting a dead-letter redrive stay
// with the account's administrators. A redrive (StartMessageMoveTask)
// needs sqs:SendMessage on its destination, so redriving the work
// dead-letter queue into the work queue takes a caller listed in
// Props.RedrivePrincipals.
func (c *Construct) restrictSenders(props Props) {
	c.restrictQueueSenders(props)
	c.restrictTopicSenders()
}

// restrictQueueSenders scopes each queue to its senders. The work
// dead-letter queue gets no such statement: SQS moves messages into it
// itself (the work queue's redrive policy), and no documented condition key
// tells that move from a caller's SendMessage, so a Deny there could strand
// failed runs in the work queue. A message put into it by hand reaches the
// work queue only through a redrive by one of the principals the work
// queue's statement exempts, and raises the dead-letter alarm meanwhile.
func (c *Construct) restrictQueueSenders(props Props) {
	work := map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": c.functionRoleARNs()}}
	if len(props.RedrivePrincipals) > 0 {
		work["ArnNotLike"] = map[string]any{"aws:PrincipalArn": props.RedrivePrincipals}
	}
	c.WorkQueue.AddToResourcePolicy(deny("OnlyLandfallQueuesRuns", "sqs:SendMessage", c.WorkQueue.QueueArn(), work))
	// Lambda delivers a failed asynchronous invocation to its on-failure
	// destination with the function's execution role.
	c.LaunchFailureQueue.AddToResourcePolicy(deny("OnlyLaunchFailuresArrive", "sqs:SendMessage", c.LaunchFailureQueue.QueueArn(),
		map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": c.LaunchRole.RoleArn()}}))
	// EventBridge sends dead letters as itself, with the rule as aws:SourceArn.
	c.EventDeadLetterQueue.AddToResourcePolicy(deny("OnlyLandfallRulesParkEvents", "sqs:SendMessage", c.EventDeadLetterQueue.QueueArn(),
		map[string]any{"ArnNotEquals": map[string]any{"aws:SourceArn": []*string{c.Rule.RuleArn(), c.OrganizationsRule.RuleArn()}}}))
}

// restrictTopicSenders scopes publishing and subscribing on both topics.
func (c *Construct) restrictTopicSenders() {
	c.SummaryTopic.AddToResourcePolicy(deny("OnlyLandfallPublishesSummaries", "sns:Publish", c.SummaryTopic.TopicArn(),
		map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": c.functionRoleARNs()}}))
	// CloudWatch publishes alarms as itself, with the alarm as aws:SourceArn:
	// any alarm of this account and Region, so that embedding apps can add
	// their own alarms to the topic.
	c.AlarmTopic.AddToResourcePolicy(deny("OnlyThisAccountsAlarmsPublish", "sns:Publish", c.AlarmTopic.TopicArn(),
		map[string]any{"ArnNotLike": map[string]any{"aws:SourceArn": arn("cloudwatch", "alarm:*")}}))
	protocols := map[string]any{"StringNotEquals": map[string]any{"sns:Protocol": offeredProtocols}}
	c.SummaryTopic.AddToResourcePolicy(deny("OnlyOfferedProtocols", "sns:Subscribe", c.SummaryTopic.TopicArn(), protocols))
	c.AlarmTopic.AddToResourcePolicy(deny("OnlyOfferedProtocols", "sns:Subscribe", c.AlarmTopic.TopicArn(), protocols))
}

func (c *Construct) functionRoleARNs() []*string {
	return []*string{c.LaunchRole.RoleArn(), c.WorkerRole.RoleArn()}
}

// deny is a resource-policy statement denying action on resource to every
// principal for which conditions hold (always, when there are none).
func deny(sid, action string, resource *string, conditions map[string]any) awsiam.PolicyStatement {
	props := &awsiam.PolicyStatementProps{
		Sid:        jsii.String(sid),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewStarPrincipal()},
		Actions:    jsii.Strings(action),
		Resources:  &[]*string{resource},
	}
	if conditions != nil {
		props.Conditions = &conditions
	}
	return awsiam.NewPolicyStatement(props)
}
