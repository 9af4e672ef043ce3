package provision

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// action is what to do with a provisioned product that already has the name
// Landfall gives a target. One decision serves the real run and the dry run,
// so a dry run always says what a run would do.
type action int

const (
	// actAlready: AVAILABLE on the wanted version; nothing to do.
	actAlready action = iota
	// actLeave: AVAILABLE on another version, and the policy (or onlyMissing) says leave it.
	actLeave
	// actUpdate: AVAILABLE on another version; update it to the wanted one.
	actUpdate
	// actRepair: ERROR or TAINTED after a successful launch (an update failed): update in place.
	actRepair
	// actReplace: ERROR without any successful launch: terminate, then provision again.
	actReplace
	// actReport: ERROR or TAINTED on an event run: report it, do not touch it.
	actReport
	// actAdopt: UNDER_CHANGE: follow the change in progress.
	actAdopt
	// actWait: a change without a record to follow, or a plan in progress: look again later.
	actWait
	// actUnknown: a status Landfall does not know.
	actUnknown
)

// decide chooses the action for an existing product d when the plan wants
// artifact want.
func decide(run *runstate.Run, policy plan.UpdatePolicy, d *sctypes.ProvisionedProductDetail, want string) action {
	switch d.Status {
	case sctypes.ProvisionedProductStatusAvailable:
		switch {
		case aws.ToString(d.ProvisioningArtifactId) == want:
			return actAlready
		case run.OnlyMissing || policy == plan.UpdateLeave:
			return actLeave
		default:
			return actUpdate
		}
	case sctypes.ProvisionedProductStatusUnderChange:
		if aws.ToString(d.LastRecordId) != "" {
			return actAdopt
		}
		return actWait
	case sctypes.ProvisionedProductStatusPlanInProgress:
		// A provisioned-product plan can wait indefinitely to be executed,
		// and its last record is an old, finished one: never adopt it.
		return actWait
	case sctypes.ProvisionedProductStatusError, sctypes.ProvisionedProductStatusTainted:
		switch {
		case !run.Trigger.Manual():
			return actReport
		case aws.ToString(d.LastSuccessfulProvisioningRecordId) == "":
			// It never provisioned: its stack rolled back or was never
			// created, and cannot be updated.
			return actReplace
		default:
			return actRepair
		}
	default:
		return actUnknown
	}
}
