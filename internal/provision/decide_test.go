package provision

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

func TestDecide(t *testing.T) {
	event := &runstate.Run{Trigger: runstate.TriggerCreate}
	manual := &runstate.Run{Trigger: runstate.TriggerManual}
	onlyMissing := &runstate.Run{Trigger: runstate.TriggerBackfill, OnlyMissing: true}
	pp := func(status sctypes.ProvisionedProductStatus, artifact, lastRecord, lastSuccess string) *sctypes.ProvisionedProductDetail {
		return &sctypes.ProvisionedProductDetail{Status: status, ProvisioningArtifactId: aws.String(artifact),
			LastRecordId: aws.String(lastRecord), LastSuccessfulProvisioningRecordId: aws.String(lastSuccess)}
	}
	const want = "pa-2"
	tests := []struct {
		name   string
		run    *runstate.Run
		policy plan.UpdatePolicy
		d      *sctypes.ProvisionedProductDetail
		action action
	}{
		{"available on the wanted version", event, plan.UpdateLeave, pp("AVAILABLE", want, "rec-1", "rec-1"), actAlready},
		{"older version, leave", event, plan.UpdateLeave, pp("AVAILABLE", "pa-1", "rec-1", "rec-1"), actLeave},
		{"older version, update", event, plan.UpdateApply, pp("AVAILABLE", "pa-1", "rec-1", "rec-1"), actUpdate},
		{"older version, update, but only missing asked", onlyMissing, plan.UpdateApply, pp("AVAILABLE", "pa-1", "rec-1", "rec-1"), actLeave},
		{"under change with a record", event, plan.UpdateLeave, pp("UNDER_CHANGE", want, "rec-2", ""), actAdopt},
		{"under change without a record", event, plan.UpdateLeave, pp("UNDER_CHANGE", want, "", ""), actWait},
		{"plan in progress is never adopted", manual, plan.UpdateLeave, pp("PLAN_IN_PROGRESS", want, "rec-old", "rec-old"), actWait},
		{"error on an event run is reported", event, plan.UpdateApply, pp("ERROR", want, "rec-1", ""), actReport},
		{"tainted on an event run is reported", event, plan.UpdateApply, pp("TAINTED", want, "rec-2", "rec-1"), actReport},
		{"never provisioned: replaced", manual, plan.UpdateLeave, pp("ERROR", want, "rec-1", ""), actReplace},
		{"failed update: repaired in place", manual, plan.UpdateLeave, pp("ERROR", want, "rec-2", "rec-1"), actRepair},
		{"tainted: repaired in place", onlyMissing, plan.UpdateLeave, pp("TAINTED", "pa-1", "rec-2", "rec-1"), actRepair},
		{"unknown status", manual, plan.UpdateLeave, pp("SOMETHING_NEW", want, "", ""), actUnknown},
	}
	for _, tt := range tests {
		if got := decide(tt.run, tt.policy, tt.d, want); got != tt.action {
			t.Errorf("%s: action %d, want %d", tt.name, got, tt.action)
		}
	}
}
