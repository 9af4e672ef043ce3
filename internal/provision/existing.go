package provision

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/runstate"
)

// existing decides what to do with a provisioned product d that already has
// the name Landfall gives this target (the decision itself is decide's).
func (s *targetStep) existing(ctx context.Context, prod *servicecatalog.DescribeProductOutput, d *sctypes.ProvisionedProductDetail) {
	t := s.t
	t.ProvisionedProductID = aws.ToString(d.Id)
	currentName := artifactName(prod.ProvisioningArtifacts, aws.ToString(d.ProvisioningArtifactId))
	switch decide(s.run, s.e.policy(s.p), d, t.ArtifactID) {
	case actAlready:
		t.Status = runstate.AlreadyProvisioned
		t.RecordID = aws.ToString(d.LastSuccessfulProvisioningRecordId)
		t.Note = ""
		s.log.InfoContext(ctx, "already provisioned", "version", t.Version)
	case actLeave:
		s.leave(ctx, currentName)
	case actUpdate:
		s.update(ctx, prod, d, fmt.Sprintf("updated from %s", currentName))
	case actRepair:
		s.update(ctx, prod, d, fmt.Sprintf("repaired from %s", d.Status))
	case actReplace:
		s.terminate(ctx, d)
	case actAdopt:
		s.follow(aws.ToString(d.LastRecordId))
		t.Note = "adopted a change already in progress (another run or an earlier attempt started it)"
		s.log.InfoContext(ctx, "adopted in-progress record", "record", t.RecordID)
	case actWait:
		reason := "provisioned product is " + string(d.Status)
		if d.Status == sctypes.ProvisionedProductStatusPlanInProgress {
			reason += ": a provisioned-product plan is pending; execute or delete it"
		}
		s.deferTarget(ctx, reason)
	case actReport:
		s.fail(ctx, fmt.Sprintf("provisioned product %s (%s) exists in status %s: %s; re-run this target from the console to repair it",
			t.ProvisionedProductName, t.ProvisionedProductID, d.Status, aws.ToString(d.StatusMessage)))
	default:
		s.fail(ctx, fmt.Sprintf("provisioned product %s is in unexpected status %q", t.ProvisionedProductName, d.Status))
	}
}

// leave records a product left on another version than the plan wants.
func (s *targetStep) leave(ctx context.Context, currentName string) {
	t := s.t
	t.Status = runstate.Outdated
	t.Note = fmt.Sprintf("left on %s: the plan wants %s but updatePolicy is leave", currentName, t.Version)
	if s.run.OnlyMissing {
		t.Note = fmt.Sprintf("left on %s: the plan wants %s but the run was asked for missing products only", currentName, t.Version)
	}
	s.log.InfoContext(ctx, "left on another version", "current", currentName, "wanted", t.Version)
}

// update moves an existing provisioned product to the wanted version with the
// plan's current parameters.
func (s *targetStep) update(ctx context.Context, prod *servicecatalog.DescribeProductOutput, d *sctypes.ProvisionedProductDetail, note string) {
	t := s.t
	// Tags are set at launch and not sent again: changing tags on update needs
	// a RESOURCE_UPDATE constraint the portfolio may not have, and would make
	// every version update fail.
	params, _, err := s.e.Plan.Render(placement(s.p, t), s.run.Account)
	if err != nil {
		s.fail(ctx, fmt.Sprintf("render parameters: %v", err))
		return
	}
	path, ok := s.launchPath(ctx, prod.LaunchPaths)
	if !ok {
		return
	}
	out, err := s.cat.UpdateProvisionedProduct(ctx, &servicecatalog.UpdateProvisionedProductInput{
		ProvisionedProductId:   d.Id,
		ProductId:              aws.String(t.ProductID),
		ProvisioningArtifactId: aws.String(t.ArtifactID),
		PathId:                 path,
		ProvisioningParameters: updateParameters(params),
		UpdateToken:            aws.String(Token("u", s.run.ID, t.Region, t.Product, t.ArtifactID)),
	})
	if err != nil {
		if s.adoptIfBusy(ctx, err) {
			return
		}
		s.handle(ctx, "update "+t.ProvisionedProductName, err)
		return
	}
	if out.RecordDetail == nil || aws.ToString(out.RecordDetail.RecordId) == "" {
		t.Note = "retrying: UpdateProvisionedProduct returned no record"
		return
	}
	s.follow(aws.ToString(out.RecordDetail.RecordId))
	s.schedule(false)
	t.Note = note
	s.log.InfoContext(ctx, "update started", "version", t.Version, "record", t.RecordID, "note", note)
}

// adoptIfBusy handles an update or termination refused because another run
// (a duplicate event) started a change between our look-up and our call:
// AWS answers InvalidParametersException for a product UNDER_CHANGE. The
// change in progress is followed instead of failing the target.
func (s *targetStep) adoptIfBusy(ctx context.Context, err error) bool {
	if classify(err) != classInvalid {
		return false
	}
	out, derr := s.cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(s.t.ProvisionedProductName)})
	if derr != nil || out.ProvisionedProductDetail == nil || out.ProvisionedProductDetail.Status != sctypes.ProvisionedProductStatusUnderChange {
		return false
	}
	rec := aws.ToString(out.ProvisionedProductDetail.LastRecordId)
	if rec == "" {
		return false
	}
	s.follow(rec)
	s.t.Note = "adopted a change another run started first"
	s.log.InfoContext(ctx, "adopted a concurrent change", "record", rec)
	return true
}

// terminate removes a provisioned product that never provisioned, so that
// the next step can provision it again under the same name.
func (s *targetStep) terminate(ctx context.Context, d *sctypes.ProvisionedProductDetail) {
	t := s.t
	out, err := s.cat.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{
		ProvisionedProductId: d.Id,
		TerminateToken:       aws.String(Token("t", s.run.ID, t.Region, t.Product, aws.ToString(d.Id))),
	})
	if err != nil {
		if s.adoptIfBusy(ctx, err) {
			return
		}
		s.handle(ctx, "terminate failed product "+t.ProvisionedProductName, err)
		return
	}
	if out.RecordDetail == nil || aws.ToString(out.RecordDetail.RecordId) == "" {
		t.Note = "retrying: TerminateProvisionedProduct returned no record"
		return
	}
	s.follow(aws.ToString(out.RecordDetail.RecordId))
	s.schedule(true)
	t.Note = fmt.Sprintf("replacing: %s never provisioned (%s), so it is terminated and provisioned again", t.ProvisionedProductID, d.Status)
	s.log.InfoContext(ctx, "terminating a product that never provisioned", "record", t.RecordID)
}
