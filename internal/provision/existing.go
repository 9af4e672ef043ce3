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
		if s.ours(d) {
			// A replayed step (a redelivered message, a lost continuation)
			// finds what this run launched, or updated, already done.
			t.Status, t.RecordID, t.Note = runstate.Succeeded, lastRecord(d), ""
			s.log.InfoContext(ctx, "provisioning by this run succeeded (found by a replayed step)", "version", t.Version, "record", t.RecordID)
			return
		}
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
		if s.ours(d) {
			// This run's own change, started by a step whose state was lost.
			t.Note = ""
			s.log.InfoContext(ctx, "following this run's change (found by a replayed step)", "record", t.RecordID)
			return
		}
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

// ours reports whether this run made d what it is: Service Catalog keeps
// the idempotency token of the request that did, and this run's tokens are
// derived from its ID and the target (launchToken, updateToken), the same
// on every retry. A redelivered message replays a step from a state that
// does not know the record the step started; without this, the product
// the run itself launched would be reported ALREADY_PROVISIONED, and its
// summary would say the run changed nothing. Which request's token the
// product reports after an update is not documented, so both are
// compared: a launch by this run always matches, an update by it matches
// where the token is the latest request's.
func (s *targetStep) ours(d *sctypes.ProvisionedProductDetail) bool {
	token := aws.ToString(d.IdempotencyToken)
	return token != "" && (token == s.launchToken() || token == s.updateToken())
}

// lastRecord is the record that made d what it is: its last successful
// provisioning record, else the last provisioning record, else the last.
func lastRecord(d *sctypes.ProvisionedProductDetail) string {
	for _, id := range []*string{d.LastSuccessfulProvisioningRecordId, d.LastProvisioningRecordId, d.LastRecordId} {
		if aws.ToString(id) != "" {
			return aws.ToString(id)
		}
	}
	return ""
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
		UpdateToken:            aws.String(s.updateToken()),
	})
	if err != nil {
		if s.adoptIfBusy(ctx, err) {
			return
		}
		s.handle(ctx, "update "+t.ProvisionedProductName, err)
		return
	}
	if !s.started(ctx, "UpdateProvisionedProduct", out.RecordDetail, false) {
		return
	}
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
	if !s.started(ctx, "TerminateProvisionedProduct", out.RecordDetail, true) {
		return
	}
	t.Note = fmt.Sprintf("replacing: %s never provisioned (%s), so it is terminated and provisioned again", t.ProvisionedProductID, d.Status)
	s.log.InfoContext(ctx, "terminating a product that never provisioned", "record", t.RecordID)
}
