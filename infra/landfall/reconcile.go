package landfall

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"

	"github.com/landfall/landfall/internal/manual"
)

// ReconcilePayload is what the reconcile schedule sends the launch
// function: a backfill of every account the plan selects, acting only on
// targets missing or failed ("onlyMissing"), that names the schedule as
// requestedBy. It reports as one roll-up, as every backfill does by
// default (the plan's notifications.backfills).
const ReconcilePayload = manual.ReconcilePayload

// Reconcile is the scheduled reconcile: the schedule and the role
// EventBridge Scheduler invokes the launch function with.
type Reconcile struct {
	Schedule awsscheduler.CfnSchedule
	Role     awsiam.Role
}

// newReconcile adds the reconcile when Props.ReconcileSchedule is set
// (validated by config.CheckReconcileSchedule): a launch schedule
// (newLaunchSchedule) with ReconcilePayload, so that accounts whose
// Control Tower events were missed (EventBridge delivery is best effort,
// Control Tower's enrollment may emit no CreateManagedAccount, an outage
// loses some) converge without anyone asking. Its runs are
// ordinary runs on the dashboard's graphs; it writes no metric of its own.
func (c *Construct) newReconcile(props Props) {
	expr := strings.TrimSpace(props.ReconcileSchedule)
	if expr == "" {
		return
	}
	schedule, role := c.newLaunchSchedule(launchSchedule{
		id:          "ReconcileSchedule",
		name:        "reconcile",
		description: "Landfall reconcile: backfills every account the plan selects, only missing or failed targets, one roll-up",
		expr:        expr,
		payload:     ReconcilePayload,
	})
	c.Reconcile = &Reconcile{Schedule: schedule, Role: role}
}
