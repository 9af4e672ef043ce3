package landfall

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/internal/metrics"
)

// DriftPayload is what the drift schedule sends the launch function: fleet
// status over every account the plan selects, with one drift notification
// when a target is not as planned (internal/launch, handleDrift).
const DriftPayload = `{"drift":{"all":true}}`

// Drift schedule retries. Scheduler invokes the function asynchronously, so
// these cover only the hand-over to Lambda (throttling, a service error);
// function errors are Lambda's asynchronous retries and land in the launch
// failure queue. A check later than the next one is worth nothing, so it
// gives up after an hour.
const (
	DriftRetryAttempts = 3
	DriftMaxEventAge   = 3600 // seconds
)

// reasonDriftRolePolicy accepts the compliance packs' inline-policy finding
// on the drift schedule's role, as reasonRolePolicy does for the functions'.
const reasonDriftRolePolicy = "The drift schedule role's one policy (CDK's DefaultPolicy, attached to this role only) allows lambda:InvokeFunction on the launch function and nothing else; " +
	"it is versioned and rolled back with the stack. A customer-managed policy would be a second, account-wide object with the same single use."

// Drift is the scheduled drift check: the schedule and the role
// EventBridge Scheduler invokes the launch function with.
type Drift struct {
	Schedule awsscheduler.CfnSchedule
	Role     awsiam.Role
}

// newDrift adds the drift check when Props.DriftSchedule is set (validated
// by config.CheckDriftSchedule) and its graph on the dashboard. It uses
// EventBridge Scheduler, which AWS recommends over scheduled rules; the
// scheduler's role may invoke the launch function and nothing else.
func (c *Construct) newDrift(props Props) {
	expr := strings.TrimSpace(props.DriftSchedule)
	if expr == "" {
		return
	}
	role := awsiam.NewRole(c.Construct, jsii.String("DriftScheduleRole"), &awsiam.RoleProps{
		Description: jsii.String("Landfall drift schedule: EventBridge Scheduler invokes the launch function with the drift payload"),
		// The confused-deputy guard AWS documents for Scheduler's roles:
		// only schedules of this account may use it.
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("scheduler.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Stack_Of(c.Construct).Account()}},
		}),
	})
	role.AddToPrincipalPolicy(statement("InvokeLaunchFunction", []string{"lambda:InvokeFunction"}, c.LaunchFunction.FunctionArn()))
	suppress(role.Node().FindChild(jsii.String("DefaultPolicy")), reasonDriftRolePolicy, nist+"IAMNoInlinePolicy", hipaa+"IAMNoInlinePolicy", pci+"IAMNoInlinePolicy")
	schedule := awsscheduler.NewCfnSchedule(c.Construct, jsii.String("DriftSchedule"), &awsscheduler.CfnScheduleProps{
		Description:        jsii.String("Landfall drift check: fleet status against the deployed plan, one notification when there is drift"),
		ScheduleExpression: jsii.String(expr),
		FlexibleTimeWindow: &awsscheduler.CfnSchedule_FlexibleTimeWindowProperty{Mode: jsii.String("OFF")},
		State:              jsii.String("ENABLED"),
		Target: &awsscheduler.CfnSchedule_TargetProperty{
			Arn:     c.LaunchFunction.FunctionArn(),
			RoleArn: role.RoleArn(),
			Input:   jsii.String(DriftPayload),
			RetryPolicy: &awsscheduler.CfnSchedule_RetryPolicyProperty{
				MaximumRetryAttempts:     jsii.Number(DriftRetryAttempts),
				MaximumEventAgeInSeconds: jsii.Number(DriftMaxEventAge),
			},
		},
	})
	// The first run must find the role's policy in place.
	schedule.Node().AddDependency(role)
	c.Drift = &Drift{Schedule: schedule, Role: role}

	var lines []awscloudwatch.IMetric
	for _, name := range metrics.DriftMetrics() {
		lines = append(lines, landfallMetric(name, c.LaunchFunction, "Maximum", strings.TrimPrefix(name, "Drift")))
	}
	c.Dashboard.AddWidgets(awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String("Drift (scheduled check " + expr + "): targets not as planned, and accounts"),
		Left:  &lines, Width: jsii.Number(24), Height: jsii.Number(6),
	}))
}
