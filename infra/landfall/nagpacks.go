package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Rule ID prefixes of the compliance packs besides AwsSolutions.
const (
	nist       = "NIST.800.53.R5-"
	hipaa      = "HIPAA.Security-"
	pci        = "PCI.DSS.321-"
	serverless = "Serverless-"
)

// Reasons for the findings of the NIST 800-53 rev 5, HIPAA Security, PCI DSS
// 3.2.1 and Serverless packs that Landfall accepts. Each names the finding
// and what stands in for the control.
const (
	reasonLaunchDLQ = "Failed asynchronous invocations go to the on-failure destination (LaunchAsyncConfig: the launch failure queue, after Lambda's 2 retries), " +
		"which records the error with the event, unlike a function dead-letter queue (DeadLetterConfig, the event alone); " +
		"the queue has an alarm. cdk-nag only recognises DeadLetterConfig."
	reasonWorkerDLQ = "The worker is invoked only by its SQS event source, synchronously; a function dead-letter queue applies to asynchronous invocations only. " +
		"A message the worker fails on 5 times moves to the work dead-letter queue (the work queue's redrive policy), which has an alarm."
	reasonNoVPC = "The functions call only AWS public endpoints (Organizations, STS, Service Catalog in every plan region, SQS, SNS, DynamoDB, CloudWatch Logs) and accept no inbound traffic. " +
		"In a VPC they would need a NAT gateway or an interface endpoint per service, and NAT for Service Catalog in other regions, without narrowing what they can reach: " +
		"their IAM roles bound that."
	reasonWorkerConcurrency = "The worker's concurrency is capped by its SQS event source's maximum concurrency (landfall:workerConcurrency, default 5), " +
		"the documented limit for an SQS-triggered function; reserved concurrency would take as many slots from the account's pool for good, " +
		"and below the cap it would throttle messages back to the queue, where each throttle counts toward the dead-letter limit."
	reasonRolePolicy = "The role's one policy (CDK's DefaultPolicy, an AWS::IAM::Policy attached to this role only) grants exactly what its function calls, " +
		"on this stack's queues, topics, key and log groups and the plan's portfolios; it is versioned and rolled back with the stack. " +
		"A customer-managed policy would be a second, account-wide object with the same single use."
	reasonDeadLetterQueue = "This queue is itself a dead-letter queue (work runs after 5 failures, undeliverable lifecycle events, or failed launch invocations): " +
		"a redrive policy of its own would only move the same messages again. It keeps them 14 days, and its alarm reports any message in it."
	reasonESMDestination = "Lambda supports on-failure destinations for event source mappings of Kinesis, DynamoDB Streams and Kafka, not SQS: " +
		"for an SQS source the queue's redrive policy is the failure destination (the work dead-letter queue after 5 receives, with an alarm)."
	reasonLedgerBackupPlan = "The run ledger has point-in-time recovery on: DynamoDB backs it up continuously and restores it to any second of the last 35 days, the recovery these controls ask for. " +
		"It is retained when the stack is deleted or replaced. An AWS Backup plan adds a vault, a schedule and a service role, and is usually the organization's own (AWS Organizations backup policies select resources by tag across accounts): " +
		"a plan in this stack would duplicate or contradict it. Finished runs leave the table after landfall:runRetentionDays anyway."
	reasonTracing = "The Go functions are not instrumented with X-Ray, so active tracing would record only Lambda's own segment, billed per trace, " +
		"and need xray:PutTraceSegments on \"*\". Runs are traced in the JSON logs instead: requestId on every line, and account, region, product and run on every target line."
)

// suppressPackFindings records the accepted findings of the compliance
// packs on the resources, like suppressNagFindings does for AwsSolutions.
func (c *Construct) suppressPackFindings() {
	suppress(c.LaunchFunction, reasonLaunchDLQ, nist+"LambdaDLQ", hipaa+"LambdaDLQ", serverless+"LambdaDLQ")
	suppress(c.WorkerFunction, reasonWorkerDLQ, nist+"LambdaDLQ", hipaa+"LambdaDLQ", serverless+"LambdaDLQ")
	suppress(c.WorkerFunction, reasonWorkerConcurrency, nist+"LambdaConcurrency", hipaa+"LambdaConcurrency")
	for _, fn := range []any{c.LaunchFunction, c.WorkerFunction} {
		suppress(fn, reasonNoVPC, nist+"LambdaInsideVPC", hipaa+"LambdaInsideVPC", pci+"LambdaInsideVPC")
		suppress(fn, reasonTracing, serverless+"LambdaTracing")
	}
	for _, role := range []awsiam.Role{c.LaunchRole, c.WorkerRole} {
		suppress(role.Node().FindChild(jsii.String("DefaultPolicy")), reasonRolePolicy, nist+"IAMNoInlinePolicy", hipaa+"IAMNoInlinePolicy", pci+"IAMNoInlinePolicy")
	}
	for _, q := range []any{c.WorkDeadLetterQueue, c.EventDeadLetterQueue, c.LaunchFailureQueue} {
		suppress(q, reasonDeadLetterQueue, serverless+"SQSRedrivePolicy")
	}
	suppress(c.WorkQueueMapping, reasonESMDestination, serverless+"LambdaEventSourceMappingDestination")
	suppress(c.Ledger, reasonLedgerBackupPlan, nist+"DynamoDBInBackupPlan", hipaa+"DynamoDBInBackupPlan")
	if c.DataEvents != nil {
		c.suppressTrailFindings()
	}
}

const (
	reasonTrailCloudWatch = "The trail records only the launch function's invocations, for audit after the fact: they are kept in S3, encrypted with the stack's key and with log file validation on. " +
		"A CloudWatch Logs copy would need a role and a log group and double the cost with nothing to consume it: the function's errors and throttles already raise alarms."
	reasonTrailReplication = "Replicating the audit records to another Region is an organization-level choice (a bucket, key and role there). " +
		"The bucket is versioned and kept when the stack is deleted, and CloudTrail log file validation detects any change to a log file."
	reasonTrailBucketSSE = "CloudTrail encrypts every log file with the stack's KMS key itself (the trail's KMSKeyId, SSE-KMS). " +
		"The bucket default (SSE-S3) covers the digest files, which CloudTrail writes with SSE-S3 whatever the trail's key."
	reasonAccessLogsSSE = "S3 delivers server access logs only to a bucket whose default encryption is SSE-S3: SSE-KMS is not supported on an access-log target bucket."
)

// suppressTrailFindings covers the opt-in data-event trail and its buckets.
func (c *Construct) suppressTrailFindings() {
	t := c.DataEvents
	suppress(t.Trail, reasonTrailCloudWatch, nist+"CloudTrailCloudWatchLogsEnabled", hipaa+"CloudTrailCloudWatchLogsEnabled", pci+"CloudTrailCloudWatchLogsEnabled")
	for _, b := range []any{t.Bucket, t.AccessLogs} {
		suppress(b, reasonTrailReplication, nist+"S3BucketReplicationEnabled", hipaa+"S3BucketReplicationEnabled", pci+"S3BucketReplicationEnabled")
	}
	suppress(t.Bucket, reasonTrailBucketSSE, nist+"S3DefaultEncryptionKMS", hipaa+"S3DefaultEncryptionKMS", pci+"S3DefaultEncryptionKMS")
	suppress(t.AccessLogs, reasonAccessLogsSSE, nist+"S3DefaultEncryptionKMS", hipaa+"S3DefaultEncryptionKMS", pci+"S3DefaultEncryptionKMS")
}

const (
	reasonPlainLogs = "Encrypting the function logs with the stack's key was turned off on purpose (Props.UnencryptedLogs, landfall:encryptLogs false): " +
		"CloudWatch Logs still encrypts them at rest with keys it manages; only the customer-managed key, its key policy statement and its KMS requests are left out."
	reasonEmailRedrive = "An email subscription delivers to a person: a message SNS could not deliver to the mailbox after its retries would have no reader in a dead-letter queue. " +
		"Nothing is lost with it: a run's outcome stays in the worker's logs and in landfall status, and an alarm's state in CloudWatch."
)

// suppressPlainLogs accepts the log group encryption findings when the
// construct's user turned log encryption off.
func suppressPlainLogs(logs awslogs.LogGroup) {
	suppress(logs, reasonPlainLogs, nist+"CloudWatchLogGroupEncrypted", hipaa+"CloudWatchLogGroupEncrypted", pci+"CloudWatchLogGroupEncrypted")
}

// suppressEmailRedrive accepts the missing subscription dead-letter queue of
// an email subscription.
func suppressEmailRedrive(sub awssns.Subscription) {
	suppress(sub, reasonEmailRedrive, serverless+"SNSRedrivePolicy")
}

// suppress accepts the findings ids on resource (not its children) for reason.
func suppress(resource any, reason string, ids ...string) {
	cdknag.NagSuppressions_AddResourceSuppressions(resource, suppressions(reason, ids...), nil)
}

func suppressions(reason string, ids ...string) *[]*cdknag.NagPackSuppression {
	out := make([]*cdknag.NagPackSuppression, len(ids))
	for i, id := range ids {
		out[i] = &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	}
	return &out
}
