package conformance

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
)

// Error codes the suite expects, as Service Catalog answers them.
const (
	codeNotFound      = "ResourceNotFoundException"
	codeInvalidParams = "InvalidParametersException"
)

// RunServiceCatalog runs every behaviour of the suite, each as its own
// subtest on a fresh Harness from newHarness.
func RunServiceCatalog(t *testing.T, newHarness HarnessMaker) {
	tests := []struct {
		name string
		run  func(*env)
	}{
		{"NameClash", testNameClash},
		{"ProvisionTokenReplay", testTokenReplay},
		{"RefusedWhileUnderChange", testUnderChange},
		{"ShareVisibility", testShareVisibility},
		{"RecordSucceeds", testRecordSucceeds},
		{"RecordFails", testRecordFails},
		{"UnknownRecord", testUnknownRecord},
		{"LaunchPathNamesItsPortfolio", testLaunchPathNamesItsPortfolio},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(newEnv(t, newHarness)) })
	}
}

// testNameClash: a provisioned product name is unique in the account and
// region; reusing it with another token is refused at once.
func testNameClash(e *env) {
	e.onboard()
	name := e.name("clash")
	e.launch(name, e.fx.ArtifactID)
	_, err := e.provision(name, e.name("clash-again"), e.fx.ArtifactID)
	wantCode(e.t, err, codeInvalidParams, "already exists")
}

// testTokenReplay: the same ProvisionToken answers the same record and
// launches nothing more, so a retried Lambda cannot provision twice.
func testTokenReplay(e *env) {
	e.onboard()
	name := e.name("replay")
	first := e.launch(name, e.fx.ArtifactID)
	again, err := e.provision(name, name, e.fx.ArtifactID)
	if err != nil {
		e.t.Fatalf("ProvisionProduct replayed with the same token: %v", err)
	}
	if aws.ToString(again.RecordId) != aws.ToString(first.RecordId) ||
		aws.ToString(again.ProvisionedProductId) != aws.ToString(first.ProvisionedProductId) {
		e.t.Errorf("replay answered record %s of %s, want record %s of %s", aws.ToString(again.RecordId),
			aws.ToString(again.ProvisionedProductId), aws.ToString(first.RecordId), aws.ToString(first.ProvisionedProductId))
	}
	if n := e.countProvisioned(name); n != 1 {
		e.t.Errorf("%d provisioned products named %s after the replay, want 1", n, name)
	}
}

// testUnderChange: while a product is UNDER_CHANGE, updating or
// terminating it is refused with InvalidParametersException.
func testUnderChange(e *env) {
	e.onboard()
	rec := e.launch(e.name("busy"), e.fx.ArtifactID)
	id := rec.ProvisionedProductId
	if status := e.provisionedStatus(id); status != types.ProvisionedProductStatusUnderChange {
		e.t.Fatalf("status right after ProvisionProduct = %s, want UNDER_CHANGE", status)
	}
	_, err := e.h.Member().UpdateProvisionedProduct(e.ctx, &servicecatalog.UpdateProvisionedProductInput{
		ProvisionedProductId: id, ProductId: aws.String(e.fx.ProductID), ProvisioningArtifactId: aws.String(e.fx.ArtifactID),
		ProvisioningParameters: e.updateParameters(), UpdateToken: aws.String(e.name("busy-update")),
	})
	wantCode(e.t, err, codeInvalidParams)
	_, err = e.h.Member().TerminateProvisionedProduct(e.ctx, &servicecatalog.TerminateProvisionedProductInput{
		ProvisionedProductId: id, TerminateToken: aws.String(e.name("busy-terminate")),
	})
	wantCode(e.t, err, codeInvalidParams)
}

// testShareVisibility: a product of a portfolio shared with the
// organization stays invisible to a member principal until the share is
// accepted (or auto-imported) and the principal associated.
func testShareVisibility(e *env) {
	if _, err := e.h.Admin().DescribeProductAsAdmin(e.ctx, &servicecatalog.DescribeProductAsAdminInput{
		Id: aws.String(e.fx.ProductID),
	}); err != nil {
		e.t.Fatalf("the admin cannot see product %s: %v", e.fx.ProductID, err)
	}
	e.wantVisible(false, "before the share is accepted")
	e.accept()
	e.wantVisible(false, "after accepting, before the principal is associated")
	e.associate()
	e.eventually("the product becomes visible after the association", func() bool { return e.visible() })
	e.wantVisible(true, "after the association")
}

// testRecordSucceeds: a record starts CREATED or IN_PROGRESS and ends
// SUCCEEDED without errors.
func testRecordSucceeds(e *env) {
	e.onboard()
	rec := e.launch(e.name("ok"), e.fx.ArtifactID)
	final, seen := e.waitRecord(rec.RecordId)
	wantStatuses(e.t, seen, "CREATED", "IN_PROGRESS", "SUCCEEDED")
	if final.Status != types.RecordStatusSucceeded || len(final.RecordErrors) != 0 {
		e.t.Errorf("record ended %s with errors %v, want SUCCEEDED without errors", final.Status, final.RecordErrors)
	}
}

// testRecordFails: a failing template's record ends FAILED and says why.
func testRecordFails(e *env) {
	e.onboard()
	rec := e.launch(e.name("fail"), e.fx.FailingArtifactID)
	final, seen := e.waitRecord(rec.RecordId)
	wantStatuses(e.t, seen, "CREATED", "IN_PROGRESS", "IN_PROGRESS_IN_ERROR", "FAILED")
	if final.Status != types.RecordStatusFailed || len(final.RecordErrors) == 0 {
		e.t.Errorf("record ended %s with errors %v, want FAILED with errors", final.Status, final.RecordErrors)
	}
}

// testUnknownRecord: a well-formed record ID that names nothing is
// ResourceNotFoundException (malformed ones are a ValidationException).
func testUnknownRecord(e *env) {
	_, err := e.h.Member().DescribeRecord(e.ctx, &servicecatalog.DescribeRecordInput{Id: aws.String("rec-a0b1c2d3e4f5g")})
	wantCode(e.t, err, codeNotFound)
}

// testLaunchPathNamesItsPortfolio: a launch path is its portfolio: the
// path through the shared portfolio has the portfolio's ID as its ID and
// the portfolio's display name as its name, in DescribeProduct and in
// ListLaunchPaths alike.
func testLaunchPathNamesItsPortfolio(e *env) {
	e.onboard()
	port, err := e.h.Admin().DescribePortfolio(e.ctx, &servicecatalog.DescribePortfolioInput{Id: aws.String(e.fx.PortfolioID)})
	if err != nil {
		e.t.Fatalf("DescribePortfolio %s: %v", e.fx.PortfolioID, err)
	}
	name := aws.ToString(port.PortfolioDetail.DisplayName)
	prod, err := e.h.Member().DescribeProduct(e.ctx, &servicecatalog.DescribeProductInput{Id: aws.String(e.fx.ProductID)})
	if err != nil {
		e.t.Fatalf("DescribeProduct %s: %v", e.fx.ProductID, err)
	}
	var described []string
	for _, lp := range prod.LaunchPaths {
		described = append(described, aws.ToString(lp.Id)+"="+aws.ToString(lp.Name))
	}
	var listed []string
	pages := servicecatalog.NewListLaunchPathsPaginator(e.h.Member(), &servicecatalog.ListLaunchPathsInput{ProductId: aws.String(e.fx.ProductID)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(e.ctx)
		if err != nil {
			e.t.Fatalf("ListLaunchPaths %s: %v", e.fx.ProductID, err)
		}
		for _, lp := range out.LaunchPathSummaries {
			listed = append(listed, aws.ToString(lp.Id)+"="+aws.ToString(lp.Name))
		}
	}
	want := e.fx.PortfolioID + "=" + name
	if !slices.Contains(described, want) {
		e.t.Errorf("DescribeProduct launch paths = %v, want one that is the portfolio, %s", described, want)
	}
	if !slices.Contains(listed, want) {
		e.t.Errorf("ListLaunchPaths = %v, want one that is the portfolio, %s", listed, want)
	}
}

// wantStatuses checks that every status seen is one of allowed.
func wantStatuses(t *testing.T, seen []types.RecordStatus, allowed ...string) {
	t.Helper()
	for _, s := range seen {
		if !slices.Contains(allowed, string(s)) {
			t.Errorf("record went through %s; allowed are %s", s, strings.Join(allowed, ", "))
		}
	}
	if len(seen) > 0 && seen[0] != types.RecordStatusCreated && seen[0] != types.RecordStatusInProgress {
		t.Errorf("record started %s, want CREATED or IN_PROGRESS", seen[0])
	}
}
