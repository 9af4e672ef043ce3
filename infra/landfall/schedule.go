package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/jsii-runtime-go"
)

// Scheduled invocations' retries, for every schedule (the drift check, the
// reconcile). Scheduler invokes the function asynchronously, so these
// cover only the hand-over to Lambda (throttling, a service error);
// function errors are Lambda's asynchronous retries and land in the launch
// failure queue. A run later than the next one is worth nothing, so it
// gives up after an hour (a schedule runs at most hourly:
// config.MinScheduleInterval).
const (
	ScheduleRetryAttempts = 3
	ScheduleMaxEventAge   = 3600 // seconds
)

// launchSchedule is one EventBridge Scheduler schedule that invokes the
// launch function with a fixed payload.
type launchSchedule struct {
	id          string // the schedule's construct ID; its role's is id+"Role"
	name        string // "drift", "reconcile": in the role's description and the nag reason
	description string // the schedule's
	expr        string // validated by the config package's schedule rule
	payload     string // what the launch function receives
}

// newLaunchSchedule adds s with the role EventBridge Scheduler invokes the
// launch function as. It uses EventBridge Scheduler, which AWS recommends
// over scheduled rules; the role may invoke the launch function and
// nothing else, and only schedules of this account may use it.
func (c *Construct) newLaunchSchedule(s launchSchedule) (awsscheduler.CfnSchedule, awsiam.Role) {
	role := awsiam.NewRole(c.Construct, jsii.String(s.id+"Role"), &awsiam.RoleProps{
		Description: jsii.String("Landfall " + s.name + " schedule: EventBridge Scheduler invokes the launch function with the " + s.name + " payload"),
		// The confused-deputy guard AWS documents for Scheduler's roles:
		// only schedules of this account may use it.
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("scheduler.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Stack_Of(c.Construct).Account()}},
		}),
	})
	role.AddToPrincipalPolicy(statement("InvokeLaunchFunction", []string{"lambda:InvokeFunction"}, c.LaunchFunction.FunctionArn()))
	suppress(role.Node().FindChild(jsii.String("DefaultPolicy")), reasonScheduleRolePolicy(s.name), nist+"IAMNoInlinePolicy", hipaa+"IAMNoInlinePolicy", pci+"IAMNoInlinePolicy")
	schedule := awsscheduler.NewCfnSchedule(c.Construct, jsii.String(s.id), &awsscheduler.CfnScheduleProps{
		Description:        jsii.String(s.description),
		ScheduleExpression: jsii.String(s.expr),
		FlexibleTimeWindow: &awsscheduler.CfnSchedule_FlexibleTimeWindowProperty{Mode: jsii.String("OFF")},
		State:              jsii.String("ENABLED"),
		Target: &awsscheduler.CfnSchedule_TargetProperty{
			Arn:     c.LaunchFunction.FunctionArn(),
			RoleArn: role.RoleArn(),
			Input:   jsii.String(s.payload),
			RetryPolicy: &awsscheduler.CfnSchedule_RetryPolicyProperty{
				MaximumRetryAttempts:     jsii.Number(ScheduleRetryAttempts),
				MaximumEventAgeInSeconds: jsii.Number(ScheduleMaxEventAge),
			},
		},
	})
	// The first run must find the role's policy in place.
	schedule.Node().AddDependency(role)
	return schedule, role
}

// reasonScheduleRolePolicy accepts the compliance packs' inline-policy
// finding on a schedule's role, as reasonRolePolicy does for the
// functions'.
func reasonScheduleRolePolicy(name string) string {
	return "The " + name + " schedule role's one policy (CDK's DefaultPolicy, attached to this role only) allows lambda:InvokeFunction on the launch function and nothing else; " +
		"it is versioned and rolled back with the stack. A customer-managed policy would be a second, account-wide object with the same single use."
}
