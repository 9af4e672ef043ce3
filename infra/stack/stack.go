// Package stack is Landfall's CloudFormation stack: the landfall construct
// configured from the CDK context, the outputs the operator CLI reads, and
// the cdk-nag packs (NagPacks); with a home region other than us-east-1, also
// the small us-east-1 stack that forwards Organizations events to it
// (ForwarderStack). Build is what `cdk synth` runs (through
// infra/main.go); tests call it in-process.
package stack

import (
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/landfall/landfall/infra/config"
	"github.com/landfall/landfall/infra/landfall"
)

// Output names, read by the operator CLI and the README.
const (
	OutputLaunchFunctionName = "LaunchFunctionName"
	OutputLaunchFunctionArn  = "LaunchFunctionArn"
	OutputWorkerFunctionName = "WorkerFunctionName"
	OutputWorkQueueURL       = "WorkQueueUrl"
	OutputSummaryTopicArn    = "SummaryTopicArn"
	OutputAlarmTopicArn      = "AlarmTopicArn"
	OutputPlanHash           = "PlanHash"
	// OutputChatTopicArn is there only with landfall:chat.
	OutputChatTopicArn = "ChatTopicArn"
)

// Stack is the synthesized Landfall stack.
type Stack struct {
	awscdk.Stack
	Landfall *landfall.Construct
	Config   config.Config
	// Forwarder is the us-east-1 stack that sends Organizations events to
	// the home region; nil when the home region is us-east-1 (forwarder.go).
	Forwarder *ForwarderStack
}

// Build reads the configuration from app's context (cdk.json, -c) and the
// CDK CLI's environment, validates the plan it names with the functions'
// validator, and adds the stack to app with the cdk-nag packs (NagPacks).
// Any problem (every config problem, or every plan problem) is returned
// before anything is added, so `cdk synth` fails with the message.
func Build(app awscdk.App) (*Stack, error) {
	return buildFrom(app, os.Getenv)
}

// buildFrom is Build with the environment read through getenv.
func buildFrom(app awscdk.App, getenv func(string) string) (*Stack, error) {
	cfg, err := config.Load(func(key string) any {
		return app.Node().TryGetContext(jsii.String(key))
	}, getenv)
	if err != nil {
		return nil, fmt.Errorf("invalid configuration (cdk.json context):\n%w", err)
	}
	pl, err := landfall.LoadPlan(cfg.PlanFile)
	if err != nil {
		return nil, fmt.Errorf("%s names an invalid plan: %w", config.KeyPlanFile, err)
	}
	s, err := New(app, cfg, pl)
	if err != nil {
		return nil, err
	}
	for _, pack := range NagPacks() {
		awscdk.Aspects_Of(app).Add(pack, nil)
	}
	return s, nil
}

// NagPackNames are the cdk-nag rule packs every synth applies, by the
// prefix of their rule IDs (AwsSolutions-IAM5, NIST.800.53.R5-LambdaDLQ).
var NagPackNames = []string{"AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321", "Serverless"}

// NagPacks returns the cdk-nag packs of NagPackNames, in that order: AWS
// Solutions, NIST 800-53 rev 5, HIPAA Security, PCI DSS 3.2.1 and
// Serverless. Each finding Landfall accepts is suppressed on its resource
// with the reason (infra/landfall/nag.go); any other fails the tests.
func NagPacks() []cdknag.NagPack {
	props := &cdknag.NagPackProps{Verbose: jsii.Bool(true)}
	return []cdknag.NagPack{
		cdknag.NewAwsSolutionsChecks(props),
		cdknag.NewNIST80053R5Checks(props),
		cdknag.NewHIPAASecurityChecks(props),
		cdknag.NewPCIDSS321Checks(props),
		cdknag.NewServerlessChecks(props),
	}
}

// New adds the Landfall stack for cfg and the validated plan to scope, and
// the us-east-1 stack forwarding Organizations events when the home region
// is another region (ForwarderStack).
func New(scope constructs.Construct, cfg config.Config, pl *landfall.Plan) (*Stack, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	if err := checkForwarderName(cfg); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	env := &awscdk.Environment{Region: jsii.String(cfg.HomeRegion)}
	if cfg.ManagementAccountID != "" {
		env.Account = jsii.String(cfg.ManagementAccountID)
	}
	// Validate the construct's props before creating the stack, so that a
	// failure leaves nothing half-built in the app.
	props := landfall.Props{
		Plan:                      pl,
		LaunchCodeDir:             cfg.LaunchCodeDir,
		WorkerCodeDir:             cfg.WorkerCodeDir,
		ExecutionRoleName:         cfg.ExecutionRoleName,
		OrganizationID:            cfg.OrganizationID,
		WorkerConcurrency:         cfg.WorkerConcurrency,
		TargetConcurrency:         cfg.TargetConcurrency,
		LogRetentionDays:          cfg.LogRetentionDays,
		LogLevel:                  cfg.LogLevel,
		NotificationEmails:        cfg.NotificationEmails,
		AlarmEmails:               cfg.AlarmEmails,
		LaunchReservedConcurrency: cfg.LaunchReservedConcurrency,
		UnencryptedLogs:           !cfg.EncryptLogs,
		LaunchDataEvents:          cfg.LaunchDataEvents,
		RedrivePrincipals:         cfg.RedrivePrincipals,
		MemberRoles:               cfg.MemberRoles,
		MemberRoleTargets:         cfg.MemberRoleTargets,
		Chat:                      cfg.Chat,
		DriftSchedule:             cfg.DriftSchedule,
		ReconcileSchedule:         cfg.ReconcileSchedule,
		RunRetentionDays:          cfg.RunRetentionDays,
	}
	if err := props.Validate(); err != nil {
		return nil, inContextTerms(err)
	}
	st := awscdk.NewStack(scope, jsii.String(cfg.StackName), &awscdk.StackProps{
		Env:         env,
		Description: jsii.String("Landfall: provisions Service Catalog products into new Control Tower accounts"),
	})
	lf, err := landfall.New(st, "Landfall", props)
	if err != nil {
		return nil, err
	}
	out := func(id, description string, value *string) {
		awscdk.NewCfnOutput(st, jsii.String(id), &awscdk.CfnOutputProps{Description: jsii.String(description), Value: value})
	}
	out(OutputLaunchFunctionName, "Launch function: `landfall invoke` and console test events go here", lf.LaunchFunction.FunctionName())
	out(OutputLaunchFunctionArn, "Launch function ARN", lf.LaunchFunction.FunctionArn())
	out(OutputWorkerFunctionName, "Worker function (its logs hold each account run's steps)", lf.WorkerFunction.FunctionName())
	out(OutputWorkQueueURL, "Work queue of account runs", lf.WorkQueue.QueueUrl())
	out(OutputSummaryTopicArn, "Run summaries: subscribe more endpoints here", lf.SummaryTopic.TopicArn())
	out(OutputAlarmTopicArn, "Operational alarms: subscribe on-call endpoints here", lf.AlarmTopic.TopicArn())
	if lf.ChatTopic != nil {
		out(OutputChatTopicArn, "Chat notifications: connect this topic to a Slack or Microsoft Teams channel in Amazon Q Developer in chat applications", lf.ChatTopic.TopicArn())
	}
	out(OutputPlanHash, "SHA-256 of the deployed plan file (runs record it)", jsii.String(pl.Hash()))
	s := &Stack{Stack: st, Landfall: lf, Config: cfg}
	if needsForwarder(cfg) {
		if s.Forwarder, err = newForwarderStack(scope, st, cfg); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// contextKeys names the cdk.json key behind each construct field, so that a
// problem found by the construct points at the setting to change.
var contextKeys = map[string]string{
	"Plan":                      config.KeyPlanFile,
	"LaunchCodeDir":             config.KeyLaunchCodeDir,
	"WorkerCodeDir":             config.KeyWorkerCodeDir,
	"ExecutionRoleName":         config.KeyExecutionRoleName,
	"OrganizationID":            config.KeyOrganizationID,
	"WorkerConcurrency":         config.KeyWorkerConcurrency,
	"TargetConcurrency":         config.KeyTargetConcurrency,
	"LogRetentionDays":          config.KeyLogRetentionDays,
	"LogLevel":                  config.KeyLogLevel,
	"NotificationEmails":        config.KeyNotificationEmails,
	"AlarmEmails":               config.KeyAlarmEmails,
	"LaunchReservedConcurrency": config.KeyLaunchReservedConcurrency,
	"RedrivePrincipals":         config.KeyRedrivePrincipals,
	"MemberRoleTargets":         config.KeyMemberRoleTargets,
	"DriftSchedule":             config.KeyDriftSchedule,
	"ReconcileSchedule":         config.KeyReconcileSchedule,
	"RunRetentionDays":          config.KeyRunRetentionDays,
}

// inContextTerms renames the construct's field errors after their context keys.
func inContextTerms(err error) error {
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return err
	}
	var out []error
	for _, e := range joined.Unwrap() {
		var fe *landfall.FieldError
		if errors.As(e, &fe) {
			if key, ok := contextKeys[fe.Field]; ok {
				e = fmt.Errorf("%s: %w", key, fe.Err)
			}
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}
