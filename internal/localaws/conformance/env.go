package conformance

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"
)

// env is one subtest's harness with the steps the behaviours share.
type env struct {
	t   *testing.T
	ctx context.Context
	h   Harness
	fx  Fixture
}

func newEnv(t *testing.T, newHarness HarnessMaker) *env {
	t.Helper()
	h, err := newHarness(t.Context(), t)
	if err != nil {
		t.Fatalf("make harness: %v", err)
	}
	t.Cleanup(h.Close)
	return &env{t: t, ctx: t.Context(), h: h, fx: h.Fixture()}
}

// name returns a provisioned product name (or token) unique to the run.
func (e *env) name(suffix string) string { return e.fx.NamePrefix + "-" + suffix }

// accept accepts the organization share. A failure is only logged:
// organization shares are documented as auto-imported, and whether the
// product shows up is what the suite checks.
func (e *env) accept() {
	_, err := e.h.Member().AcceptPortfolioShare(e.ctx, &servicecatalog.AcceptPortfolioShareInput{
		PortfolioId: aws.String(e.fx.PortfolioID), PortfolioShareType: types.PortfolioShareTypeAwsOrganizations,
	})
	if err != nil {
		e.t.Logf("AcceptPortfolioShare %s: %v (going on: organization shares may be auto-imported)", e.fx.PortfolioID, err)
	}
}

// associate associates the fixture's principal with the portfolio.
func (e *env) associate() {
	_, err := e.h.Member().AssociatePrincipalWithPortfolio(e.ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
		PortfolioId: aws.String(e.fx.PortfolioID), PrincipalARN: aws.String(e.fx.Principal.ARN), PrincipalType: e.fx.Principal.Type,
	})
	if err != nil {
		e.t.Fatalf("AssociatePrincipalWithPortfolio %s %s: %v", e.fx.Principal.Type, e.fx.Principal.ARN, err)
	}
}

// onboard does what Landfall does in a new account, then waits until the
// product can be launched.
func (e *env) onboard() {
	e.accept()
	e.associate()
	e.eventually("the product becomes visible to the member", e.visible)
}

// visible reports whether the member sees the product through both
// end-user APIs; it fails the test if they disagree once settled.
func (e *env) visible() bool {
	_, err := e.h.Member().DescribeProduct(e.ctx, &servicecatalog.DescribeProductInput{Id: aws.String(e.fx.ProductID)})
	if err != nil && errorCode(err) != codeNotFound {
		e.t.Fatalf("DescribeProduct %s: %v", e.fx.ProductID, err)
	}
	return err == nil && e.searchFinds()
}

// wantVisible checks visibility through DescribeProduct and SearchProducts.
func (e *env) wantVisible(want bool, when string) {
	e.t.Helper()
	_, err := e.h.Member().DescribeProduct(e.ctx, &servicecatalog.DescribeProductInput{Id: aws.String(e.fx.ProductID)})
	switch {
	case want && err != nil:
		e.t.Errorf("DescribeProduct %s %s: %v, want the product", e.fx.ProductID, when, err)
	case !want:
		wantCode(e.t, err, codeNotFound)
	}
	if got := e.searchFinds(); got != want {
		e.t.Errorf("SearchProducts lists %s %s: %v, want %v", e.fx.ProductID, when, got, want)
	}
}

// searchFinds reports whether SearchProducts lists the product.
func (e *env) searchFinds() bool {
	pages := servicecatalog.NewSearchProductsPaginator(e.h.Member(), &servicecatalog.SearchProductsInput{})
	for pages.HasMorePages() {
		out, err := pages.NextPage(e.ctx)
		if err != nil {
			e.t.Fatalf("SearchProducts: %v", err)
		}
		for _, p := range out.ProductViewSummaries {
			if aws.ToString(p.ProductId) == e.fx.ProductID {
				return true
			}
		}
	}
	return false
}

// provision calls ProvisionProduct with token as ProvisionToken.
func (e *env) provision(name, token, artifact string) (*types.RecordDetail, error) {
	out, err := e.h.Member().ProvisionProduct(e.ctx, &servicecatalog.ProvisionProductInput{
		ProductId: aws.String(e.fx.ProductID), ProvisioningArtifactId: aws.String(artifact),
		ProvisionedProductName: aws.String(name), ProvisionToken: aws.String(token),
		ProvisioningParameters: e.fx.Parameters,
	})
	if err != nil {
		return nil, err
	}
	return out.RecordDetail, nil
}

// launch provisions name (its own token) and terminates it when the test
// ends, so a real account is left as it was found.
func (e *env) launch(name, artifact string) *types.RecordDetail {
	e.t.Helper()
	rec, err := e.provision(name, name, artifact)
	if err != nil {
		e.t.Fatalf("ProvisionProduct %s: %v", name, err)
	}
	e.t.Cleanup(func() { e.terminate(rec.ProvisionedProductId) })
	return rec
}

// terminate waits for the product to settle, then terminates it ignoring
// stack errors. It only logs problems: it runs in cleanup.
func (e *env) terminate(id *string) {
	// The test's context is already cancelled when cleanups run.
	ctx := context.WithoutCancel(e.ctx)
	for waited := time.Duration(0); waited <= e.fx.Timeout; waited += e.fx.Poll {
		out, err := e.h.Member().DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Id: id})
		if err != nil || out.ProvisionedProductDetail.Status != types.ProvisionedProductStatusUnderChange {
			break
		}
		if err := e.h.Advance(ctx, e.fx.Poll); err != nil {
			break
		}
	}
	_, err := e.h.Member().TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{
		ProvisionedProductId: id, TerminateToken: aws.String(e.name("cleanup-" + aws.ToString(id))), IgnoreErrors: true,
	})
	if err != nil {
		e.t.Logf("cleanup: terminate %s: %v", aws.ToString(id), err)
	}
}

// provisionedStatus returns the status of a provisioned product.
func (e *env) provisionedStatus(id *string) types.ProvisionedProductStatus {
	out, err := e.h.Member().DescribeProvisionedProduct(e.ctx, &servicecatalog.DescribeProvisionedProductInput{Id: id})
	if err != nil {
		e.t.Fatalf("DescribeProvisionedProduct %s: %v", aws.ToString(id), err)
	}
	return out.ProvisionedProductDetail.Status
}

// updateParameters keeps every parameter at its previous value.
func (e *env) updateParameters() []types.UpdateProvisioningParameter {
	out := make([]types.UpdateProvisioningParameter, 0, len(e.fx.Parameters))
	for _, p := range e.fx.Parameters {
		out = append(out, types.UpdateProvisioningParameter{Key: p.Key, UsePreviousValue: true})
	}
	return out
}

// countProvisioned counts the account's provisioned products named name.
func (e *env) countProvisioned(name string) int {
	n := 0
	in := &servicecatalog.ScanProvisionedProductsInput{
		AccessLevelFilter: &types.AccessLevelFilter{Key: types.AccessLevelFilterKeyAccount, Value: aws.String("self")},
	}
	for {
		out, err := e.h.Member().ScanProvisionedProducts(e.ctx, in)
		if err != nil {
			e.t.Fatalf("ScanProvisionedProducts: %v", err)
		}
		for _, p := range out.ProvisionedProducts {
			if aws.ToString(p.Name) == name {
				n++
			}
		}
		if aws.ToString(out.NextPageToken) == "" {
			return n
		}
		in.PageToken = out.NextPageToken
	}
}

// waitRecord polls a record until it is SUCCEEDED or FAILED and returns
// its final detail and every status seen, in order, without repeats.
func (e *env) waitRecord(id *string) (*types.RecordDetail, []types.RecordStatus) {
	var seen []types.RecordStatus
	var last *types.RecordDetail
	e.eventually("record "+aws.ToString(id)+" finishes", func() bool {
		out, err := e.h.Member().DescribeRecord(e.ctx, &servicecatalog.DescribeRecordInput{Id: id})
		if err != nil {
			e.t.Fatalf("DescribeRecord %s: %v", aws.ToString(id), err)
		}
		last = out.RecordDetail
		if len(seen) == 0 || seen[len(seen)-1] != last.Status {
			seen = append(seen, last.Status)
		}
		return last.Status == types.RecordStatusSucceeded || last.Status == types.RecordStatusFailed
	})
	return last, seen
}

// eventually checks cond every Fixture.Poll until it holds, and fails the
// test if it still does not after Fixture.Timeout.
func (e *env) eventually(what string, cond func() bool) {
	e.t.Helper()
	for waited := time.Duration(0); waited <= e.fx.Timeout; waited += e.fx.Poll {
		if cond() {
			return
		}
		if err := e.h.Advance(e.ctx, e.fx.Poll); err != nil {
			e.t.Fatalf("waiting until %s: %v", what, err)
		}
	}
	e.t.Fatalf("%s: not within %s", what, e.fx.Timeout)
}

// wantCode checks that err is an API error with code whose message
// contains every fragment.
func wantCode(t *testing.T, err error, code string, fragments ...string) {
	t.Helper()
	if got := errorCode(err); got != code {
		t.Errorf("error = %v, want code %s", err, code)
		return
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not say %q", err, f)
		}
	}
}

// errorCode returns the API error code of err, or "".
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
