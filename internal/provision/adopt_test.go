package provision

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/runstate"
)

// busyCatalog answers DescribeProvisionedProduct with a product another run
// is changing; every other call is unexpected (the embedded nil panics).
type busyCatalog struct {
	Catalog
	status sctypes.ProvisionedProductStatus
}

func (b busyCatalog) DescribeProvisionedProduct(context.Context, *servicecatalog.DescribeProvisionedProductInput, ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProvisionedProductOutput, error) {
	return &servicecatalog.DescribeProvisionedProductOutput{ProvisionedProductDetail: &sctypes.ProvisionedProductDetail{
		Status: b.status, LastRecordId: aws.String("rec-other"),
	}}, nil
}

func TestAdoptIfBusy(t *testing.T) {
	e := &Engine{}
	busy := &smithy.GenericAPIError{Code: "InvalidParametersException", Message: "Provisioned product pp-1 is UNDER_CHANGE"}
	tests := []struct {
		name   string
		err    error
		status sctypes.ProvisionedProductStatus
		adopt  bool
	}{
		{"another run's change in progress", busy, sctypes.ProvisionedProductStatusUnderChange, true},
		{"invalid for another reason", busy, sctypes.ProvisionedProductStatusAvailable, false},
		{"not an invalid-parameters error", &smithy.GenericAPIError{Code: "ThrottlingException"}, sctypes.ProvisionedProductStatusUnderChange, false},
	}
	for _, tt := range tests {
		target := &runstate.Target{Status: runstate.Pending, ProvisionedProductName: "landfall-x"}
		s := e.step(&runstate.Run{}, target, "", busyCatalog{status: tt.status}, nil)
		got := s.adoptIfBusy(context.Background(), tt.err)
		if got != tt.adopt || (tt.adopt && (target.Status != runstate.InProgress || target.RecordID != "rec-other")) {
			t.Errorf("%s: adopted %v, target %+v", tt.name, got, target)
		}
	}
}
