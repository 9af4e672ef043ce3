package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// physicalNames are the names Landfall gives the resources its KMS key
// policy names. The key comes first (the queues, topics and log groups are
// encrypted with it), so its policy cannot refer to those resources'
// attributes: key -> rule -> event dead-letter queue -> key is a dependency
// cycle CloudFormation refuses, and so is key -> log group -> key. With
// names fixed at synth, the policy builds their ARNs from the partition,
// Region, account and name alone.
type physicalNames struct {
	rule       string // the lifecycle rule, on the default bus
	orgRule    string // the Organizations rule, on the default bus (orgevents.go)
	launchLogs string // the launch function's log group
	workerLogs string // the worker function's log group
	trail      string // the launch function's data-event trail (opt-in)
}

// maxBaseLength keeps every derived name within its service's limit: rule
// names are at most 64 characters ("-organizations" adds 14).
const maxBaseLength = 48

// namesFor derives the names from the construct's path (unique within the
// app, and starting with the stack's ID), so that two Landfall stacks in one
// account never collide.
func namesFor(c constructs.Construct) physicalNames {
	base := *awscdk.Names_UniqueResourceName(c, &awscdk.UniqueResourceNameOptions{MaxLength: jsii.Number(maxBaseLength)})
	return physicalNames{
		rule:       base + "-lifecycle",
		orgRule:    base + "-organizations",
		launchLogs: "/landfall/" + base + "/launch",
		workerLogs: "/landfall/" + base + "/worker",
		trail:      base + "-launch-invocations",
	}
}

// ruleARN is the lifecycle rule's ARN (a rule on the default bus).
func (n physicalNames) ruleARN() *string { return arn("events", "rule/"+n.rule) }

// logGroupARN is a log group's ARN as CloudWatch Logs puts it in the KMS
// encryption context (kms:EncryptionContext:aws:logs:arn): without the
// trailing ":*" of the log group's CloudFormation Arn attribute.
func logGroupARN(name string) *string { return arn("logs", "log-group:"+name) }

// trailARN is the data-event trail's ARN.
func (n physicalNames) trailARN() *string { return arn("cloudtrail", "trail/"+n.trail) }
