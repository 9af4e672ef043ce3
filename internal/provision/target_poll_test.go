package provision

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/runstate"
)

// pollCases: in progress: polling the record.
var pollCases = []stepCase{
	{
		name:    "record SUCCEEDED: succeeded",
		start:   runningTarget(vpc, "rec-1"),
		replies: []reply{ret(recordOut("rec-1", "SUCCEEDED", "PROVISION_PRODUCT", "pa-2"))},
		calls:   []string{recordCall("rec-1")},
		want:    withPP(runningTarget(vpc, "rec-1"), runstate.Succeeded, "pp-1"),
	},
	{
		name: "record still IN_PROGRESS: in progress, any record wait over",
		start: func() runstate.Target {
			tg := runningTarget(vpc, "rec-1")
			tg.WaitingSince = t0.Add(-time.Minute)
			return tg
		}(),
		replies: []reply{
			ret(recordOut("rec-1", "IN_PROGRESS", "PROVISION_PRODUCT", "pa-2")),
		},
		calls: []string{recordCall("rec-1")},
		want:  withPP(runningTarget(vpc, "rec-1"), runstate.InProgress, "pp-1"),
	},
	{
		name:  "record FAILED: failed with the record errors joined",
		start: runningTarget(vpc, "rec-1"),
		replies: []reply{ret(recordOut("rec-1", "FAILED", "PROVISION_PRODUCT", "pa-2",
			sctypes.RecordError{Code: aws.String("ValidationError"), Description: aws.String("Parameter VpcCidr is invalid")},
			sctypes.RecordError{Code: aws.String("CREATE_FAILED"), Description: aws.String("The following resource(s) failed to create: [Vpc].")},
		))},
		calls:    []string{recordCall("rec-1")},
		want:     withPP(runningTarget(vpc, "rec-1"), runstate.Failed, "pp-1"),
		errorHas: "ValidationError: Parameter VpcCidr is invalid; CREATE_FAILED: The following resource(s) failed to create: [Vpc].",
	},
	{
		name:     "record FAILED without errors: failed, saying so",
		start:    runningTarget(vpc, "rec-1"),
		replies:  []reply{ret(recordOut("rec-1", "FAILED", "PROVISION_PRODUCT", "pa-2"))},
		calls:    []string{recordCall("rec-1")},
		want:     withPP(runningTarget(vpc, "rec-1"), runstate.Failed, "pp-1"),
		errorHas: "record rec-1 FAILED without details",
	},
	{
		name:  "termination record SUCCEEDED: pending again, replacing it",
		start: withPP(runningTarget(vpc, "rec-t"), runstate.InProgress, "pp-1"),
		replies: []reply{
			ret(recordOut("rec-t", "SUCCEEDED", recordTerminate, "pa-2")),
		},
		calls: []string{recordCall("rec-t")},
		want: func() runstate.Target {
			tg := runningTarget(vpc, "")
			tg.Status, tg.Replaces = runstate.Pending, "/pp-1"
			return tg
		}(),
		noteHas: "the previous provisioned product was terminated; provisioning again",
	},
	{
		name:  "termination record FAILED: failed, telling the operator to terminate it",
		start: withPP(runningTarget(vpc, "rec-t"), runstate.InProgress, "pp-1"),
		replies: []reply{ret(recordOut("rec-t", "FAILED", recordTerminate, "pa-2",
			sctypes.RecordError{Code: aws.String("DELETE_FAILED"), Description: aws.String("Bucket not empty")}))},
		calls:    []string{recordCall("rec-t")},
		want:     withPP(runningTarget(vpc, "rec-t"), runstate.Failed, "pp-1"),
		errorHas: "terminating the failed product before provisioning it again failed: DELETE_FAILED: Bucket not empty; terminate it in the Service Catalog console, then re-run",
	},
	{
		name:    "adopted record ended on another version: pending, checked against the plan again",
		start:   runningTarget(vpc, "rec-9"),
		replies: []reply{ret(recordOut("rec-9", "SUCCEEDED", "UPDATE_PROVISIONED_PRODUCT", "pa-1"))},
		calls:   []string{recordCall("rec-9")},
		want: func() runstate.Target {
			tg := runningTarget(vpc, "")
			tg.Status, tg.ProvisionedProductID = runstate.Pending, "pp-1"
			return tg
		}(),
		noteHas: "an adopted change ended on another version; checking against the plan again",
	},
	{
		name:    "record not found yet: waiting for it",
		start:   runningTarget(vpc, "rec-1"),
		replies: []reply{fails(opRecord, apiErr("ResourceNotFoundException", "Record rec-1 not found"))},
		calls:   []string{recordCall("rec-1")},
		want:    func() runstate.Target { tg := runningTarget(vpc, "rec-1"); tg.WaitingSince = t0; return tg }(),
		noteHas: "waiting: record rec-1 not found yet",
	},
	{
		name: "record still not found after the deadline: failed",
		start: func() runstate.Target {
			tg := runningTarget(vpc, "rec-1")
			tg.WaitingSince = t0.Add(-30 * time.Minute)
			return tg
		}(),
		replies: []reply{fails(opRecord, apiErr("ResourceNotFoundException", "Record rec-1 not found"))},
		calls:   []string{recordCall("rec-1")},
		want: func() runstate.Target {
			tg := runningTarget(vpc, "rec-1")
			tg.Status, tg.WaitingSince = runstate.Failed, t0.Add(-30*time.Minute)
			return tg
		}(),
		errorHas: "describe record rec-1: ResourceNotFoundException: Record rec-1 not found",
	},
	{
		name:    "record read throttled: in progress, checked again next step",
		start:   runningTarget(vpc, "rec-1"),
		replies: []reply{fails(opRecord, throttled)},
		calls:   []string{recordCall("rec-1")},
		want:    runningTarget(vpc, "rec-1"),
	},
}
