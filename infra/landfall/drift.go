package landfall

import (
	"strings"

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

// Drift schedule retries: those of every schedule (ScheduleRetryAttempts,
// ScheduleMaxEventAge).
const (
	DriftRetryAttempts = ScheduleRetryAttempts
	DriftMaxEventAge   = ScheduleMaxEventAge // seconds
)

// Drift is the scheduled drift check: the schedule and the role
// EventBridge Scheduler invokes the launch function with.
type Drift struct {
	Schedule awsscheduler.CfnSchedule
	Role     awsiam.Role
}

// newDrift adds the drift check when Props.DriftSchedule is set (validated
// by config.CheckDriftSchedule), a launch schedule (newLaunchSchedule),
// and its graph on the dashboard.
func (c *Construct) newDrift(props Props) {
	expr := strings.TrimSpace(props.DriftSchedule)
	if expr == "" {
		return
	}
	schedule, role := c.newLaunchSchedule(launchSchedule{
		id:          "DriftSchedule",
		name:        "drift",
		description: "Landfall drift check: fleet status against the deployed plan, one notification when there is drift",
		expr:        expr,
		payload:     DriftPayload,
	})
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
