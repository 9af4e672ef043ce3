// Package landfall is the reusable CDK construct that deploys Landfall into
// the management account's Control Tower home region: the EventBridge rules for
// the account lifecycle events and for Organizations' account calls (moves,
// closures, removals; OrganizationsForwarder brings those from us-east-1
// when the home region is another), the launch and worker functions, the work
// queue and its dead-letter queues, the summary and alarm topics, the run
// ledger table, the KMS key that encrypts them, and the alarms.
//
// Platform teams with their own CDK app embed it with New; the Landfall app
// (infra/) wraps it in a stack configured from cdk.json.
package landfall

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/config"
	fnconfig "github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/lifecycle"
)

// Fixed operating parameters. They follow from how the functions work, not
// from the organization, so they are not settings.
const (
	// FunctionTimeout bounds both functions. A backfill pages through
	// Organizations for hundreds of accounts; a worker invocation does one
	// step of one account run and hands the rest to a delayed message.
	FunctionTimeout = 300 // seconds
	// LaunchMemoryMB and WorkerMemoryMB size the functions (CPU grows with memory).
	LaunchMemoryMB = 256
	WorkerMemoryMB = 512
	// VisibilityTimeoutFactor is AWS's advice for an SQS event source: a
	// visibility timeout of six times the function timeout, so that a
	// message is not redelivered while a throttled or retried invocation
	// may still be working on it.
	VisibilityTimeoutFactor = 6
	// MaxReceiveCount moves a work message that failed this many times to
	// the work dead-letter queue.
	MaxReceiveCount = 5
	// LaunchRetryAttempts and LaunchMaxEventAge are Lambda's asynchronous
	// retries of a failed launch invocation (the most Lambda allows) and how
	// long an event may wait for them.
	LaunchRetryAttempts = 2
	LaunchMaxEventAge   = 3600 // seconds
	// RuleRetryAttempts and RuleMaxEventAge are EventBridge's retries when
	// it cannot hand an event to Lambda at all (throttling, service errors).
	RuleRetryAttempts = 10
	RuleMaxEventAge   = 7200 // seconds
	// DeadLetterRetentionDays keeps failed messages long enough to investigate
	// and redrive: SQS's maximum.
	DeadLetterRetentionDays = 14
	// WorkQueueRetentionDays keeps queued account runs across a long outage.
	WorkQueueRetentionDays = 4
	// OldestMessageAlarmSeconds flags a work queue whose oldest message has
	// waited an hour: runs are stuck or the workers cannot keep up.
	OldestMessageAlarmSeconds = 3600
)

// Function environment variable names: those the functions' config
// (internal/config) reads, named here for apps that embed the construct.
const (
	EnvPlanFile          = fnconfig.EnvPlanFile
	EnvQueueURL          = fnconfig.EnvQueueURL
	EnvTopicARN          = fnconfig.EnvTopicARN
	EnvChatTopicARN      = fnconfig.EnvChatTopicARN
	EnvExecutionRoleName = fnconfig.EnvExecutionRoleName
	EnvReaderRoleName    = fnconfig.EnvReaderRoleName
	EnvLogLevel          = fnconfig.EnvLogLevel
	EnvWorkerConcurrency = fnconfig.EnvWorkerConcurrency
	EnvTargetConcurrency = fnconfig.EnvTargetConcurrency
	EnvLedgerTable       = fnconfig.EnvLedgerTable
	EnvRunRetentionDays  = fnconfig.EnvRunRetentionDays
)

// Props configures a Landfall construct. Zero values take the defaults of
// the config package (the same defaults cdk.json gets).
type Props struct {
	// Plan is the validated plan (LoadPlan). Required.
	Plan *Plan
	// LaunchCodeDir and WorkerCodeDir are directories holding each
	// function's `bootstrap` binary (linux/arm64), built before synthesis.
	// Required.
	LaunchCodeDir string
	WorkerCodeDir string
	// ExecutionRoleName, when set, must equal the plan's executionRoleName:
	// a guard against deploying a plan written for another role.
	ExecutionRoleName string
	// OrganizationID, when set, is the organization every assumed role must
	// belong to. Empty compares each role's organization with the caller's
	// own (aws:PrincipalOrgID), which needs no ID and is equally strict.
	OrganizationID string
	// WorkerConcurrency caps concurrent worker invocations (the SQS event
	// source's maximum concurrency): it protects Service Catalog and STS
	// from bursts when many accounts arrive at once.
	WorkerConcurrency int
	// TargetConcurrency is how many region x product targets one worker
	// invocation works on at a time.
	TargetConcurrency int
	// LogRetentionDays is how long function logs are kept; one of
	// config.LogRetentionDaysAllowed.
	LogRetentionDays int
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// NotificationEmails subscribe to run summaries; AlarmEmails to alarms.
	// Each address must confirm the subscription from the mail SNS sends.
	NotificationEmails []string
	AlarmEmails        []string
	// LaunchReservedConcurrency is the launch function's reserved
	// concurrency: slots no other function of the account can take, and
	// the most invocations that run at once (config.
	// DefaultLaunchReservedConcurrency argues the default, 10).
	LaunchReservedConcurrency int
	// UnencryptedLogs leaves the function log groups with CloudWatch Logs'
	// own encryption instead of the stack's key (the default encrypts them).
	UnencryptedLogs bool
	// LaunchDataEvents records every invocation of the launch function in a
	// CloudTrail trail of its own (DataEventsTrail, which gives the cost).
	LaunchDataEvents bool
	// RedrivePrincipals are IAM principal ARNs (wildcards allowed in the
	// name) that may send to the work queue besides the two functions, so
	// that they can redrive the work dead-letter queue into it.
	RedrivePrincipals []string
	// MemberRoles deploys LandfallProvisioner (the worker's) and
	// LandfallReader (the launch function's) to member accounts with a
	// service-managed StackSet, and the functions assume those instead of
	// the plan's executionRoleName (see MemberRoles).
	MemberRoles bool
	// MemberRoleTargets are the OU IDs (ou-…) or the root ID (r-…) the
	// StackSet deploys to; empty takes the plan's include.ous, which must
	// then be OU IDs.
	MemberRoleTargets []string
	// Chat adds a topic for Amazon Q Developer in chat applications
	// (formerly AWS Chatbot): every notification goes there too, as a
	// custom notification Slack and Microsoft Teams channels can show.
	// Connect it to a channel in the Amazon Q Developer console.
	Chat bool
	// DriftSchedule, when set, runs the drift check on this EventBridge
	// Scheduler expression, rate(...) or cron(...) in UTC (see
	// config.CheckDriftSchedule and Drift); empty turns it off.
	DriftSchedule string
	// ReconcileSchedule, when set, backfills every account the plan
	// selects with onlyMissing on this EventBridge Scheduler expression,
	// rate(...) or cron(...) in UTC, reported as one roll-up (see
	// config.CheckReconcileSchedule and Reconcile); empty turns it off.
	ReconcileSchedule string
	// RunRetentionDays is how many days a finished run, and the audit
	// record of a manual invocation, stay in the run ledger before
	// DynamoDB's TTL removes them (1 to 3650; default 90).
	RunRetentionDays int
}

// Construct is a deployed Landfall. Its fields give embedding apps the
// resources to extend: more subscriptions, more alarms, dashboards.
type Construct struct {
	constructs.Construct

	Key                  awskms.Key
	SummaryTopic         awssns.Topic
	AlarmTopic           awssns.Topic
	WorkQueue            awssqs.Queue
	WorkDeadLetterQueue  awssqs.Queue
	EventDeadLetterQueue awssqs.Queue
	LaunchFailureQueue   awssqs.Queue
	// Ledger is the run ledger table both functions use (see ledger.go).
	Ledger         awsdynamodb.CfnTable
	PlanLayer      awslambda.LayerVersion
	LaunchFunction awslambda.Function
	WorkerFunction awslambda.Function
	// WorkQueueMapping feeds the work queue to the worker.
	WorkQueueMapping awslambda.EventSourceMapping
	LaunchRole       awsiam.Role
	WorkerRole       awsiam.Role
	Rule             awsevents.Rule
	// OrganizationsRule sends Organizations' account calls (moves,
	// closures, removals) to the launch function (orgevents.go).
	OrganizationsRule awsevents.Rule
	Alarms            []awscloudwatch.Alarm
	// Dashboard graphs runs, targets, the queues and the functions' metrics.
	Dashboard awscloudwatch.Dashboard
	// DataEvents is the launch function's data-event trail; nil unless
	// Props.LaunchDataEvents.
	DataEvents *DataEventsTrail
	// ExecutionRoleName is the plan's execution role, which the functions
	// assume in member accounts unless MemberRoles is set (AssumedRoleNames).
	ExecutionRoleName string
	// MemberRoles is the StackSet of the functions' own member roles; nil
	// unless Props.MemberRoles.
	MemberRoles *MemberRoles
	// ChatTopic is the topic Amazon Q Developer reads; nil unless Props.Chat.
	ChatTopic awssns.Topic
	// Drift is the scheduled drift check; nil unless Props.DriftSchedule.
	Drift *Drift
	// Reconcile is the scheduled reconcile; nil unless
	// Props.ReconcileSchedule.
	Reconcile *Reconcile

	planRegions []string      // the plan's regions, whose catalogs the functions read
	names       physicalNames // of the resources the key policy names
}

// withDefaults returns props with zero values replaced by defaults.
func (p Props) withDefaults() Props {
	if p.WorkerConcurrency == 0 {
		p.WorkerConcurrency = fnconfig.DefaultWorkerConcurrency
	}
	if p.TargetConcurrency == 0 {
		p.TargetConcurrency = fnconfig.DefaultTargetConcurrency
	}
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = config.DefaultLogRetentionDays
	}
	if p.LogLevel == "" {
		p.LogLevel = fnconfig.DefaultLogLevel
	}
	if p.LaunchReservedConcurrency == 0 {
		p.LaunchReservedConcurrency = config.DefaultLaunchReservedConcurrency
	}
	if p.RunRetentionDays == 0 {
		p.RunRetentionDays = fnconfig.DefaultRunRetentionDays
	}
	return p
}

// FieldError is a problem with one Props field.
type FieldError struct {
	Field string // the Props field name, e.g. "WorkerConcurrency"
	Err   error
}

// Error names the field and the problem.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the problem.
func (e *FieldError) Unwrap() error { return e.Err }

// Validate reports every problem with props at once, each as a *FieldError
// (joined with errors.Join), including code directories without a
// bootstrap binary.
func (p Props) Validate() error {
	p = p.withDefaults()
	var errs []error
	add := func(field string, err error) {
		if err != nil {
			errs = append(errs, &FieldError{Field: field, Err: err})
		}
	}
	if p.Plan == nil {
		add("Plan", errors.New("required: load it with landfall.LoadPlan"))
	} else if p.ExecutionRoleName != "" && p.ExecutionRoleName != p.Plan.parsed.ExecutionRoleName {
		add("ExecutionRoleName", fmt.Errorf("%q differs from the plan's executionRoleName %q (%s): make them equal, or leave the setting out to use the plan's",
			p.ExecutionRoleName, p.Plan.parsed.ExecutionRoleName, p.Plan.parsed.Source))
	}
	add("LaunchCodeDir", checkCodeDir(p.LaunchCodeDir))
	add("WorkerCodeDir", checkCodeDir(p.WorkerCodeDir))
	add("WorkerConcurrency", fnconfig.CheckWorkerConcurrency(p.WorkerConcurrency))
	add("TargetConcurrency", fnconfig.CheckTargetConcurrency(p.TargetConcurrency))
	if _, ok := retention[p.LogRetentionDays]; !ok {
		add("LogRetentionDays", config.CheckLogRetentionDays(p.LogRetentionDays))
	}
	add("LogLevel", fnconfig.CheckLogLevel(p.LogLevel))
	add("NotificationEmails", config.CheckEmails(p.NotificationEmails))
	add("AlarmEmails", config.CheckEmails(p.AlarmEmails))
	add("LaunchReservedConcurrency", config.CheckLaunchReservedConcurrency(p.LaunchReservedConcurrency))
	add("RedrivePrincipals", config.CheckRedrivePrincipals(p.RedrivePrincipals))
	add("DriftSchedule", config.CheckDriftSchedule(strings.TrimSpace(p.DriftSchedule)))
	add("ReconcileSchedule", config.CheckReconcileSchedule(strings.TrimSpace(p.ReconcileSchedule)))
	add("RunRetentionDays", fnconfig.CheckRunRetentionDays(p.RunRetentionDays))
	if p.Plan != nil {
		add("MemberRoleTargets", p.checkMemberRoles())
	}
	return errors.Join(errs...)
}

func checkCodeDir(dir string) error {
	if dir == "" {
		return errors.New("required: the directory holding the function's bootstrap binary")
	}
	info, err := os.Stat(filepath.Join(dir, "bootstrap"))
	switch {
	case err != nil:
		return fmt.Errorf("no bootstrap binary in %s: build the functions first (make build)", dir)
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s is not a file: it must be the function's binary", filepath.Join(dir, "bootstrap"))
	}
	return nil
}

// New adds Landfall to scope. It validates props first and creates nothing
// when they are invalid.
func New(scope constructs.Construct, id string, props Props) (*Construct, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("landfall %s: %w", id, err)
	}
	props = props.withDefaults()
	roleName := props.Plan.parsed.ExecutionRoleName

	c := &Construct{Construct: constructs.NewConstruct(scope, jsii.String(id)), ExecutionRoleName: roleName, planRegions: props.Plan.parsed.Regions}
	c.MemberRoles = memberRolesFor(props)
	c.names = namesFor(c.Construct)
	c.Key = c.newKey(props)
	c.newTopics(props)
	c.newChatTopic(props)
	c.newQueues()
	c.newLedger()
	c.newPlanLayer(props)
	c.newFunctions(props)
	c.newLaunchAsyncConfig()
	c.newWorkQueueMapping(props)
	c.newLifecycleRule()
	c.newOrganizationsRule()

	c.deployMemberRoles(props)
	c.restrictSenders(props)
	c.secureChatTopic()
	if props.LaunchDataEvents {
		c.DataEvents = c.newDataEventsTrail()
	}
	c.newAlarms()
	c.newDashboard(props)
	c.newDrift(props)
	c.newReconcile(props)
	c.suppressNagFindings()
	return c, nil
}

// newPlanLayer ships the validated plan file as a Lambda layer.
func (c *Construct) newPlanLayer(props Props) {
	c.PlanLayer = awslambda.NewLayerVersion(c.Construct, jsii.String("PlanLayer"), &awslambda.LayerVersionProps{
		Description: jsii.String("Landfall plan " + props.Plan.Hash()),
		Code: awslambda.Code_FromAsset(jsii.String(props.Plan.bundlingSource()), &awss3assets.AssetOptions{
			AssetHashType: awscdk.AssetHashType_CUSTOM,
			AssetHash:     jsii.String(props.Plan.assetHash()),
			Bundling: &awscdk.BundlingOptions{
				// Never pulled: the local bundler always succeeds. CDK
				// requires an image in case local bundling declines.
				Image: awscdk.DockerImage_FromRegistry(jsii.String("public.ecr.aws/docker/library/busybox:stable")),
				Local: &planBundler{doc: props.Plan.doc},
			},
		}),
		CompatibleRuntimes:      &[]awslambda.Runtime{awslambda.Runtime_PROVIDED_AL2023()},
		CompatibleArchitectures: &[]awslambda.Architecture{awslambda.Architecture_ARM_64()},
	})
}

// functionEnvs are the two functions' environments: the contract of
// internal/config, with each function's own role names.
func (c *Construct) functionEnvs(props Props) (launchEnv, workerEnv *map[string]*string) {
	common := map[string]*string{
		EnvPlanFile:          jsii.String(PlanPathInLayer),
		EnvQueueURL:          c.WorkQueue.QueueUrl(),
		EnvTopicARN:          c.SummaryTopic.TopicArn(),
		EnvExecutionRoleName: jsii.String(c.ExecutionRoleName),
		EnvLogLevel:          jsii.String(props.LogLevel),
		EnvLedgerTable:       c.Ledger.Ref(),
		EnvRunRetentionDays:  jsii.String(strconv.Itoa(props.RunRetentionDays)),
	}
	if c.ChatTopic != nil {
		common[EnvChatTopicARN] = c.ChatTopic.TopicArn()
	}
	launchEnv = envWith(common, EnvWorkerConcurrency, strconv.Itoa(props.WorkerConcurrency))
	workerEnv = envWith(common, EnvTargetConcurrency, strconv.Itoa(props.TargetConcurrency))
	assumeLaunch, assumeWorker := c.AssumedRoleNames()
	(*launchEnv)[EnvExecutionRoleName] = jsii.String(assumeLaunch)
	(*workerEnv)[EnvExecutionRoleName] = jsii.String(assumeWorker)
	if assumeLaunch != assumeWorker {
		// The launch function sees a shared product only once its role is
		// associated with the portfolio: the worker associates it too.
		(*workerEnv)[EnvReaderRoleName] = jsii.String(assumeLaunch)
	}
	return launchEnv, workerEnv
}

// newFunctions makes both functions, their roles and their grants.
func (c *Construct) newFunctions(props Props) {
	launchEnv, workerEnv := c.functionEnvs(props)
	c.LaunchRole = newFunctionRole(c.Construct, "LaunchRole", "Landfall launch function: reads the organization and queues account runs")
	c.WorkerRole = newFunctionRole(c.Construct, "WorkerRole", "Landfall worker function: assumes the execution role in member accounts and provisions")
	c.LaunchFunction = c.newFunction("LaunchFunction", functionSpec{
		description: "Landfall launch: turns Control Tower and Organizations account events and manual requests into queued account runs",
		codeDir:     props.LaunchCodeDir,
		memoryMB:    LaunchMemoryMB,
		role:        c.LaunchRole,
		env:         launchEnv,
		logGroup:    c.names.launchLogs,
		reserved:    props.LaunchReservedConcurrency,
	}, props)
	c.WorkerFunction = c.newFunction("WorkerFunction", functionSpec{
		description: "Landfall worker: runs one account run step (Service Catalog in the member account) per message",
		codeDir:     props.WorkerCodeDir,
		memoryMB:    WorkerMemoryMB,
		role:        c.WorkerRole,
		env:         workerEnv,
		logGroup:    c.names.workerLogs,
	}, props)

	c.grantLaunch(props)
	c.grantWorker(props)
}

// newLaunchAsyncConfig sets how Lambda retries and parks failed launch invocations.
func (c *Construct) newLaunchAsyncConfig() {
	// Lambda retries a failed launch twice, then parks the event (with the
	// error) in the failure queue, where an alarm picks it up. The L1 is used
	// because the stock SQS destination grants KMS actions with wildcards.
	awslambda.NewCfnEventInvokeConfig(c.Construct, jsii.String("LaunchAsyncConfig"), &awslambda.CfnEventInvokeConfigProps{
		FunctionName:             c.LaunchFunction.FunctionName(),
		Qualifier:                jsii.String("$LATEST"),
		MaximumRetryAttempts:     jsii.Number(LaunchRetryAttempts),
		MaximumEventAgeInSeconds: jsii.Number(LaunchMaxEventAge),
		DestinationConfig: &awslambda.CfnEventInvokeConfig_DestinationConfigProperty{
			OnFailure: &awslambda.CfnEventInvokeConfig_OnFailureProperty{Destination: c.LaunchFailureQueue.QueueArn()},
		},
	}).Node().AddDependency(c.LaunchRole)
}

// newWorkQueueMapping feeds the work queue to the worker.
func (c *Construct) newWorkQueueMapping(props Props) {
	// One account run per invocation keeps a slow account from holding
	// others' messages; partial batch responses stay on so a future larger
	// batch never re-runs messages that succeeded. The mapping is declared
	// itself rather than through SqsEventSource, whose grant adds
	// ChangeMessageVisibility and GetQueueUrl that Lambda's poller never
	// calls: it needs ReceiveMessage, DeleteMessage and GetQueueAttributes
	// (grantWorker), and Lambda checks them when the mapping is created, so
	// the mapping waits for the role's policy.
	c.WorkQueueMapping = awslambda.NewEventSourceMapping(c.Construct, jsii.String("WorkQueueMapping"), &awslambda.EventSourceMappingProps{
		Target:                  c.WorkerFunction,
		EventSourceArn:          c.WorkQueue.QueueArn(),
		BatchSize:               jsii.Number(1),
		ReportBatchItemFailures: jsii.Bool(true),
		MaxConcurrency:          jsii.Number(float64(props.WorkerConcurrency)),
	})
	c.WorkQueueMapping.Node().AddDependency(c.WorkerRole)
}

// newLifecycleRule sends Control Tower's lifecycle events to the launch function.
func (c *Construct) newLifecycleRule() {
	c.Rule = awsevents.NewRule(c.Construct, jsii.String("LifecycleRule"), &awsevents.RuleProps{
		Description:  jsii.String("Control Tower account lifecycle events (account created or updated) start Landfall account runs"),
		EventPattern: LifecyclePattern(),
		RuleName:     jsii.String(c.names.rule),
	})
	c.Rule.AddTarget(c.launchTarget())
}

// launchTarget hands a rule's events to the launch function, with
// EventBridge's retries and the event dead-letter queue: the same for
// every rule that feeds it.
func (c *Construct) launchTarget() awsevents.IRuleTarget {
	return awseventstargets.NewLambdaFunction(c.LaunchFunction, &awseventstargets.LambdaFunctionProps{
		RetryAttempts:   jsii.Number(RuleRetryAttempts),
		MaxEventAge:     awscdk.Duration_Seconds(jsii.Number(RuleMaxEventAge)),
		DeadLetterQueue: c.EventDeadLetterQueue,
	})
}

// LifecyclePattern is the rule's event pattern: Control Tower's account
// events, in the terms the launch function's decoder (internal/lifecycle)
// uses. FAILED events are matched too, so the launch function can report
// them; it filters on state itself.
func LifecyclePattern() *awsevents.EventPattern {
	return &awsevents.EventPattern{
		Source:     jsii.Strings(lifecycle.Source),
		DetailType: jsii.Strings(lifecycle.DetailType),
		Detail: &map[string]any{
			"eventName": lifecycle.AccountEventNames(),
		},
	}
}

// envWith returns a copy of base with one more variable.
func envWith(base map[string]*string, key, value string) *map[string]*string {
	out := make(map[string]*string, len(base)+1)
	for k, v := range base {
		out[k] = v
	}
	out[key] = jsii.String(value)
	return &out
}

func (c *Construct) newKey(props Props) awskms.Key {
	return awskms.NewKey(c.Construct, jsii.String("Key"), &awskms.KeyProps{
		Description:       jsii.String(keyDescription(props)),
		EnableKeyRotation: jsii.Bool(true),
		Policy:            c.keyPolicy(props),
		// Messages in a retained dead-letter queue stay readable only while
		// the key exists: never delete it with the stack.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
}

// keyDescription lists what the key encrypts, for whoever finds it in the
// KMS console.
func keyDescription(props Props) string {
	encrypts := []string{"the summary and alarm topics", "the work and dead-letter queues", "the run ledger"}
	if props.Chat {
		encrypts[0] = "the summary, chat and alarm topics"
	}
	if !props.UnencryptedLogs {
		encrypts = append(encrypts, "the function logs")
	}
	if props.LaunchDataEvents {
		encrypts = append(encrypts, "the launch function's data-event trail")
	}
	last := len(encrypts) - 1
	return "Landfall: encrypts " + strings.Join(encrypts[:last], ", ") + " and " + encrypts[last]
}

func (c *Construct) newTopics(props Props) {
	c.SummaryTopic = awssns.NewTopic(c.Construct, jsii.String("SummaryTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("Landfall run summaries"),
		MasterKey:   c.Key,
		EnforceSSL:  jsii.Bool(true),
	})
	c.AlarmTopic = awssns.NewTopic(c.Construct, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("Landfall alarms"),
		MasterKey:   c.Key,
		EnforceSSL:  jsii.Bool(true),
	})
	// Replacing the default topic policy (enforceSSL does) also removes the
	// account-wide publish right CloudWatch relies on: give it back to this
	// account's alarms only.
	c.AlarmTopic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowThisAccountsAlarms"),
		Effect:     awsiam.Effect_ALLOW,
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  &[]*string{c.AlarmTopic.TopicArn()},
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()},
			"ArnLike":      map[string]any{"aws:SourceArn": arn("cloudwatch", "alarm:*")},
		},
	}))
	for _, email := range props.NotificationEmails {
		suppressEmailRedrive(c.SummaryTopic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(email), nil)))
	}
	for _, email := range props.AlarmEmails {
		suppressEmailRedrive(c.AlarmTopic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(email), nil)))
	}
}

func (c *Construct) newQueues() {
	dlq := func(id string) awssqs.Queue {
		return awssqs.NewQueue(c.Construct, jsii.String(id), &awssqs.QueueProps{
			Encryption:          awssqs.QueueEncryption_KMS,
			EncryptionMasterKey: c.Key,
			EnforceSSL:          jsii.Bool(true),
			RetentionPeriod:     awscdk.Duration_Days(jsii.Number(DeadLetterRetentionDays)),
			// Parked Control Tower events and runs must survive deleting or
			// replacing the stack: they are the record of what still needs doing.
			RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		})
	}
	c.WorkDeadLetterQueue = dlq("WorkDeadLetterQueue")
	c.EventDeadLetterQueue = dlq("EventDeadLetterQueue")
	c.LaunchFailureQueue = dlq("LaunchFailureQueue")
	c.WorkQueue = awssqs.NewQueue(c.Construct, jsii.String("WorkQueue"), &awssqs.QueueProps{
		Encryption:          awssqs.QueueEncryption_KMS,
		EncryptionMasterKey: c.Key,
		EnforceSSL:          jsii.Bool(true),
		RetentionPeriod:     awscdk.Duration_Days(jsii.Number(WorkQueueRetentionDays)),
		VisibilityTimeout:   awscdk.Duration_Seconds(jsii.Number(VisibilityTimeoutFactor * FunctionTimeout)),
		DeadLetterQueue: &awssqs.DeadLetterQueue{
			Queue:           c.WorkDeadLetterQueue,
			MaxReceiveCount: jsii.Number(MaxReceiveCount),
		},
	})
}

type functionSpec struct {
	description string
	codeDir     string
	memoryMB    int
	role        awsiam.Role
	env         *map[string]*string
	logGroup    string // its name (physicalNames)
	reserved    int    // reserved concurrency; 0 reserves none
}

// newLogGroup is a function's log group, encrypted with the stack's key
// unless props say otherwise, and kept when the stack is deleted.
func (c *Construct) newLogGroup(id, name string, props Props) awslogs.LogGroup {
	logProps := &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(name),
		Retention:     retention[props.LogRetentionDays],
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	}
	if !props.UnencryptedLogs {
		logProps.EncryptionKey = c.Key
	}
	logs := awslogs.NewLogGroup(c.Construct, jsii.String(id), logProps)
	if props.UnencryptedLogs {
		suppressPlainLogs(logs)
	}
	return logs
}

func (c *Construct) newFunction(id string, spec functionSpec, props Props) awslambda.Function {
	logs := c.newLogGroup(id+"Logs", spec.logGroup, props)
	var reserved *float64
	if spec.reserved > 0 {
		reserved = jsii.Number(float64(spec.reserved))
	}
	spec.role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteOwnLogs"),
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: &[]*string{logs.LogGroupArn()},
	}))
	return awslambda.NewFunction(c.Construct, jsii.String(id), &awslambda.FunctionProps{
		Description:           jsii.String(spec.description),
		Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:          awslambda.Architecture_ARM_64(),
		Handler:               jsii.String("bootstrap"),
		Code:                  awslambda.Code_FromAsset(jsii.String(spec.codeDir), nil),
		MemorySize:            jsii.Number(float64(spec.memoryMB)),
		Timeout:               awscdk.Duration_Seconds(jsii.Number(FunctionTimeout)),
		Role:                  spec.role,
		Layers:                &[]awslambda.ILayerVersion{c.PlanLayer},
		Environment:           spec.env,
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: applicationLogLevel(props.LogLevel),
		LogGroup:              logs,
		// The worker has none: its SQS event source's maximum concurrency
		// (WorkerConcurrency) caps it, without taking slots from the pool.
		ReservedConcurrentExecutions: reserved,
	})
}

// applicationLogLevel keeps Lambda's JSON log filter in step with the
// functions' own level: Lambda defaults to INFO and would drop debug lines.
func applicationLogLevel(level string) awslambda.ApplicationLogLevel {
	return awslambda.ApplicationLogLevel(strings.ToUpper(level))
}

// retention maps config.LogRetentionDaysAllowed to CDK's enum.
var retention = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
	150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
	1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
	3653: awslogs.RetentionDays_TEN_YEARS,
}
