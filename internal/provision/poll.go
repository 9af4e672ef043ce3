package provision

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/runstate"
)

// poll checks the record of an in-progress target once and, if it still
// runs, schedules the next check.
func (s *targetStep) poll(ctx context.Context) {
	t := s.t
	out, err := s.cat.DescribeRecord(ctx, &servicecatalog.DescribeRecordInput{Id: aws.String(t.RecordID)})
	if err != nil {
		s.recordUnreadable(ctx, err)
		return
	}
	rd := out.RecordDetail
	if rd == nil {
		s.log.WarnContext(ctx, "DescribeRecord returned no record; checking again next step", "record", t.RecordID)
		return
	}
	t.WaitingSince = time.Time{}
	if id := aws.ToString(rd.ProvisionedProductId); id != "" {
		t.ProvisionedProductID = id
	}
	switch rd.Status {
	case sctypes.RecordStatusSucceeded, sctypes.RecordStatusFailed:
		if t.Retiring() {
			s.retired(ctx, rd)
			return
		}
	}
	switch rd.Status {
	case sctypes.RecordStatusSucceeded:
		s.recordSucceeded(ctx, rd)
	case sctypes.RecordStatusFailed:
		s.recordFailed(ctx, rd)
	default:
		// Still running: its own start time anchors the schedule.
		if rd.CreatedTime != nil && !rd.CreatedTime.IsZero() {
			t.RecordStarted = *rd.CreatedTime
		}
		s.schedule(aws.ToString(rd.RecordType) == recordTerminate)
	}
}

// recordUnreadable handles a DescribeRecord that failed.
func (s *targetStep) recordUnreadable(ctx context.Context, err error) {
	t := s.t
	switch classify(err) {
	case classTransient, classState:
		s.log.WarnContext(ctx, "record check deferred", "record", t.RecordID, "error", message(err))
		return
	case classNotFound:
		// A record read right after it was created can lag: wait for it,
		// bounded like any other propagation.
		now := s.e.now()
		if t.WaitingSince.IsZero() {
			t.WaitingSince = now
		}
		if now.Sub(t.WaitingSince) < s.e.visibilityDeadline() {
			t.Note = runstate.Clip("waiting: record " + t.RecordID + " not found yet")
			return
		}
	}
	s.fail(ctx, fmt.Sprintf("describe record %s: %s", t.RecordID, message(err)))
}

func (s *targetStep) recordSucceeded(ctx context.Context, rd *sctypes.RecordDetail) {
	t := s.t
	artifact := aws.ToString(rd.ProvisioningArtifactId)
	switch {
	case aws.ToString(rd.RecordType) == recordTerminate:
		// A termination (ours, replacing a failed product, or someone
		// else's that was adopted): the name is free, provision again.
		t.Replaces = "/" + t.ProvisionedProductID
		t.Status, t.RecordID, t.ProvisionedProductID = runstate.Pending, "", ""
		t.Note = "the previous provisioned product was terminated; provisioning again"
		s.log.InfoContext(ctx, "termination finished; target pending again")
	case artifact != "" && t.ArtifactID != "" && artifact != t.ArtifactID:
		// An adopted change to another version: look again and apply the plan.
		t.Status, t.RecordID = runstate.Pending, ""
		t.Note = "an adopted change ended on another version; checking against the plan again"
		s.log.InfoContext(ctx, "adopted record ended on another version", "artifact", artifact)
	default:
		t.Status = runstate.Succeeded
		t.Error = ""
		s.log.InfoContext(ctx, "provisioning succeeded", "record", t.RecordID, "provisionedProduct", t.ProvisionedProductID)
	}
}

func (s *targetStep) recordFailed(ctx context.Context, rd *sctypes.RecordDetail) {
	var msgs []string
	for _, re := range rd.RecordErrors {
		msgs = append(msgs, strings.TrimSpace(aws.ToString(re.Code)+": "+aws.ToString(re.Description)))
	}
	if len(msgs) == 0 {
		msgs = append(msgs, "record "+s.t.RecordID+" FAILED without details")
	}
	msg := strings.Join(msgs, "; ")
	if aws.ToString(rd.RecordType) == recordTerminate {
		msg = "terminating the failed product before provisioning it again failed: " + msg + "; terminate it in the Service Catalog console, then re-run"
	}
	s.fail(ctx, msg)
}
