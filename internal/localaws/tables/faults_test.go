package tables_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/landfall/landfall/internal/localaws/faults"
)

func TestFaultsSpeakDynamoDB(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if err := h.cloud.Faults().Add(faults.Rule{Service: "dynamodb", Throttle: &faults.Throttle{Rate: 0.001, Burst: 1}}); err != nil {
		t.Fatal(err)
	}
	// Buckets are per operation: the first call of each takes its one token.
	get := func() error {
		_, err := h.ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(ledger), Key: key("a", "b")})
		return err
	}
	if err := get(); err != nil {
		t.Fatalf("first GetItem: %v", err)
	}
	err := get()
	var ptee *types.ProvisionedThroughputExceededException
	if !errors.As(err, &ptee) {
		t.Fatalf("throttled GetItem: %v, want ProvisionedThroughputExceededException", err)
	}
	if len(ptee.ThrottlingReasons) != 1 || aws.ToString(ptee.ThrottlingReasons[0].Reason) != "TableReadKeyRangeThroughputExceeded" ||
		aws.ToString(ptee.ThrottlingReasons[0].Resource) != "arn:aws:dynamodb:us-east-1:111111111111:table/"+ledger {
		t.Errorf("ThrottlingReasons = %+v", ptee.ThrottlingReasons)
	}
	query := func() error {
		_, err := h.ddb.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(ledger), IndexName: aws.String("byAccount"),
			KeyConditionExpression: aws.String("account = :a"), ExpressionAttributeValues: map[string]types.AttributeValue{":a": s("x")}})
		return err
	}
	_ = query() // takes Query's one token; the index does not exist, which the throttle does not wait to find out
	if err := query(); !errors.As(err, &ptee) || aws.ToString(ptee.ThrottlingReasons[0].Reason) != "IndexReadKeyRangeThroughputExceeded" ||
		aws.ToString(ptee.ThrottlingReasons[0].Resource) != "arn:aws:dynamodb:us-east-1:111111111111:table/"+ledger+"/index/byAccount" {
		t.Errorf("throttled index Query: %v, reasons %+v", err, ptee.ThrottlingReasons)
	}
	describe := func() error {
		_, err := h.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(ledger)})
		return err
	}
	if err := describe(); err != nil {
		t.Fatalf("first DescribeTable: %v", err)
	}
	err = describe()
	apiError(t, err, "ThrottlingException")

	if err := h.cloud.Faults().Set(faults.Spec{{Service: "dynamodb", ErrorRate: 1}}); err != nil {
		t.Fatal(err)
	}
	_, err = h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: key("a", "b")})
	var ise *types.InternalServerError
	if !errors.As(err, &ise) {
		t.Fatalf("failing PutItem: %v, want InternalServerError", err)
	}
}
