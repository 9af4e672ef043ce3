package provision

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/runstate"
)

// Terminating a retirement candidate (retire.go found it, the plan's rule
// said terminate). It goes by the provisioned product's ID, the one found
// and judged when the run looked, never by name: a product launched under
// the same name since is another product, and not this run's to remove.
// The call's TerminateToken is derived from the run, region, key and ID,
// so a replayed step gets the record it started; once the product is gone
// AWS answers ResourceNotFound, which means the work is done. The record is
// followed like any other (poll.go), and ends the target TERMINATED or
// FAILED.

// terminateCandidate starts the termination of a pending candidate.
func (s *targetStep) terminateCandidate(ctx context.Context) {
	t := s.t
	if t.Action != runstate.ActionTerminate || t.ProvisionedProductID == "" {
		s.fail(ctx, fmt.Sprintf("retirement candidate %s has nothing to do (action %q, provisioned product %q)", t.ProvisionedProductName, t.Action, t.ProvisionedProductID))
		return
	}
	out, err := s.cat.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{
		ProvisionedProductId: aws.String(t.ProvisionedProductID),
		TerminateToken:       aws.String(s.retireToken()),
	})
	switch {
	case err == nil:
	case classify(err) == classNotFound:
		// Gone: terminated by a step of this run whose answer was lost,
		// by another run, or by hand. What the plan wants is done.
		t.Status, t.Error = runstate.Terminated, ""
		t.Note = "already gone when this run came to terminate it"
		s.log.InfoContext(ctx, "retirement candidate already gone", "provisionedProduct", t.ProvisionedProductID)
		return
	case classify(err) == classInvalid && s.busy(ctx):
		// UNDER_CHANGE: someone else's change runs. Wait for it, bounded,
		// rather than adopt it: it may be an update, not a termination.
		s.waitForChange(ctx)
		return
	default:
		s.handle(ctx, "terminate "+t.ProvisionedProductName+" ("+t.ProvisionedProductID+")", err)
		return
	}
	if !s.started(ctx, "TerminateProvisionedProduct", out.RecordDetail, true) {
		return
	}
	t.Note = "terminating"
	s.log.InfoContext(ctx, "terminating a retirement candidate", "provisionedProduct", t.ProvisionedProductID, "record", t.RecordID)
}

// retireToken is the TerminateToken this run sends for the candidate: the
// same on every retry of the step, within the token's 128 characters.
func (s *targetStep) retireToken() string {
	return Token("r", s.run.ID, s.t.Region, s.t.Product, s.t.ProvisionedProductID)
}

// busy reports whether the candidate is UNDER_CHANGE, the reason AWS gives
// InvalidParametersException for a termination.
func (s *targetStep) busy(ctx context.Context) bool {
	out, err := s.cat.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Id: aws.String(s.t.ProvisionedProductID)})
	return err == nil && out.ProvisionedProductDetail != nil && out.ProvisionedProductDetail.Status == sctypes.ProvisionedProductStatusUnderChange
}

// waitForChange leaves a candidate pending while another change to it
// runs, failing it once that has taken longer than the engine waits for
// anything to settle (VisibilityDeadline).
func (s *targetStep) waitForChange(ctx context.Context) {
	t := s.t
	t.Waits++
	now := s.e.now()
	if t.WaitingSince.IsZero() {
		t.WaitingSince = now
	}
	what := fmt.Sprintf("provisioned product %s (%s) is UNDER_CHANGE", t.ProvisionedProductName, t.ProvisionedProductID)
	if deadline := s.e.visibilityDeadline(); now.Sub(t.WaitingSince) >= deadline {
		s.fail(ctx, fmt.Sprintf("not terminated: %s, still after %s; re-run the account once its change has finished", what, deadline))
		return
	}
	t.Note = runstate.Clip("waiting: " + what + " (another change runs)")
	s.log.InfoContext(ctx, "retirement candidate busy; waiting", "waits", t.Waits)
}

// retired ends a candidate whose record finished.
func (s *targetStep) retired(ctx context.Context, rd *sctypes.RecordDetail) {
	t := s.t
	if rd.Status == sctypes.RecordStatusSucceeded {
		t.Status, t.Error, t.Note = runstate.Terminated, "", ""
		s.log.InfoContext(ctx, "retirement candidate terminated", "record", t.RecordID, "provisionedProduct", t.ProvisionedProductID)
		return
	}
	var msgs []string
	for _, re := range rd.RecordErrors {
		msgs = append(msgs, strings.TrimSpace(aws.ToString(re.Code)+": "+aws.ToString(re.Description)))
	}
	if len(msgs) == 0 {
		msgs = append(msgs, "record "+t.RecordID+" FAILED without details")
	}
	s.fail(ctx, fmt.Sprintf("terminating %s (%s) failed: %s; fix what keeps its stack from being deleted, then re-run the account (or terminate it in the Service Catalog console)",
		t.ProvisionedProductName, t.ProvisionedProductID, strings.Join(msgs, "; ")))
}

// Dependencies run backwards when terminating: a product another depends on
// (dependsOn, same account and region) goes last. A candidate waits while a
// candidate that depends on it is being terminated, and is not terminated
// at all while one that depends on it stays (retained, or its termination
// failed): its dependent would lose what it stands on. Only the plan knows
// dependencies, so a product that left the plan has none, and candidates
// of products that left together are terminated in any order.

// dependents are the run's other targets in t's region whose product
// depends on t's key.
func (e *Engine) dependents(run *runstate.Run, t *runstate.Target) []*runstate.Target {
	var out []*runstate.Target
	for i := range run.Targets {
		d := &run.Targets[i]
		if d == t || d.Region != t.Region {
			continue
		}
		if slices.Contains(e.dependsOn(d.Product), t.Product) {
			out = append(out, d)
		}
	}
	return out
}

// dependentsGone reports whether every dependent of candidate t is
// terminated, so that t may be.
func (e *Engine) dependentsGone(run *runstate.Run, t *runstate.Target) bool {
	for _, d := range e.dependents(run, t) {
		if d.Status != runstate.Terminated {
			return false
		}
	}
	return true
}

// heldBy says why candidate t must not be terminated ("" when nothing
// holds it): a dependent that stays.
func (e *Engine) heldBy(run *runstate.Run, t *runstate.Target) string {
	for _, d := range e.dependents(run, t) {
		if d.Status.Final() && d.Status != runstate.Terminated {
			return fmt.Sprintf("not terminated: %s depends on it in %s and stays (%s)", d.Product, t.Region, d.Status)
		}
	}
	return ""
}
