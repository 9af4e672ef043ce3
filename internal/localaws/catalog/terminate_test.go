package catalog_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/localaws/catalog"
)

// TestTerminateFails: a termination whose stack cannot be deleted ends
// FAILED (DELETE_FAILED), the product stays in ERROR with the reason, and
// a new termination with IgnoreErrors removes it anyway.
func TestTerminateFails(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	sc, out := e.provisionVPC()
	ppID := aws.ToString(out.RecordDetail.ProvisionedProductId)
	e.clock.Advance(3 * time.Minute)
	if err := e.cat.SetOutcome("us-east-1", "baseline-vpc", member, catalog.OutcomeSpec{TerminateOutcome: "FAILED", TerminateError: "The bucket you tried to delete is not empty"}); err != nil {
		t.Fatal(err)
	}
	term, err := sc.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{ProvisionedProductId: aws.String(ppID), TerminateToken: aws.String("t1")})
	if err != nil {
		t.Fatal(err)
	}
	rec := aws.ToString(term.RecordDetail.RecordId)
	e.clock.Advance(2 * time.Minute)
	rd := recordStatus(t, sc, rec).RecordDetail
	if rd.Status != types.RecordStatusFailed || len(rd.RecordErrors) != 1 || aws.ToString(rd.RecordErrors[0].Code) != "DELETE_FAILED" ||
		aws.ToString(rd.RecordErrors[0].Description) != "The bucket you tried to delete is not empty" {
		t.Errorf("failed termination record = %+v", rd)
	}
	if pp := ppStatus(t, sc, ppID); pp.Status != types.ProvisionedProductStatusError || aws.ToString(pp.StatusMessage) != "The bucket you tried to delete is not empty" {
		t.Errorf("product after a failed termination = %s %q, want ERROR with the reason", pp.Status, aws.ToString(pp.StatusMessage))
	}
	// The same token answers the same (failed) record.
	again, err := sc.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{ProvisionedProductId: aws.String(ppID), TerminateToken: aws.String("t1")})
	if err != nil || aws.ToString(again.RecordDetail.RecordId) != rec {
		t.Errorf("replayed termination = %v, %v; want record %s", again, err, rec)
	}
	ignored, err := sc.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{
		ProvisionedProductId: aws.String(ppID), TerminateToken: aws.String("t2"), IgnoreErrors: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute)
	if st := recordStatus(t, sc, aws.ToString(ignored.RecordDetail.RecordId)).RecordDetail.Status; st != types.RecordStatusSucceeded {
		t.Errorf("termination with IgnoreErrors = %s, want SUCCEEDED", st)
	}
	_, err = sc.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Id: aws.String(ppID)})
	wantAPIError[*types.ResourceNotFoundException](t, err)
}

// TestTerminateRetainsResources: RetainPhysicalResources removes the
// product however its stack would have fared; a token reused for another
// product is refused.
func TestTerminateRetainsResources(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	sc := e.client("member", "us-east-1")
	var ids []string
	for _, name := range []string{"vpc-a", "vpc-b"} {
		out, err := sc.ProvisionProduct(ctx, vpcInput(name, "run-"+name))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(out.RecordDetail.ProvisionedProductId))
	}
	e.clock.Advance(3 * time.Minute)
	if err := e.cat.SetOutcome("us-east-1", "baseline-vpc", member, catalog.OutcomeSpec{TerminateOutcome: "FAILED"}); err != nil {
		t.Fatal(err)
	}
	term, err := sc.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{
		ProvisionedProductName: aws.String("vpc-a"), TerminateToken: aws.String("t1"), RetainPhysicalResources: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sc.TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{ProvisionedProductId: aws.String(ids[1]), TerminateToken: aws.String("t1")})
	// TerminateProvisionedProduct models ResourceNotFound only: the SDK keeps the code.
	wantCode(t, err, "InvalidParametersException", "TerminateToken t1 was already used to terminate "+ids[0])
	e.clock.Advance(2 * time.Minute)
	if st := recordStatus(t, sc, aws.ToString(term.RecordDetail.RecordId)).RecordDetail.Status; st != types.RecordStatusSucceeded {
		t.Errorf("termination retaining resources = %s, want SUCCEEDED", st)
	}
	found, err := sc.SearchProvisionedProducts(ctx, &servicecatalog.SearchProvisionedProductsInput{
		AccessLevelFilter: &types.AccessLevelFilter{Key: types.AccessLevelFilterKeyAccount, Value: aws.String("self")},
	})
	if err != nil || len(found.ProvisionedProducts) != 1 || aws.ToString(found.ProvisionedProducts[0].Name) != "vpc-b" {
		t.Errorf("after terminating vpc-a: %+v, %v", found, err)
	}
	if err := e.cat.SetOutcome("us-east-1", "baseline-vpc", member, catalog.OutcomeSpec{TerminateOutcome: "GONE"}); err == nil {
		t.Error("SetOutcome accepts terminate outcome GONE")
	}
}
