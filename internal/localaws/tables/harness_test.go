package tables_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/clock"
)

const ledger = "landfall-ledger"

type harness struct {
	cloud *localaws.Cloud
	ddb   *dynamodb.Client
	clock *clock.Manual
}

// newHarness starts the default world with a ledger table (pk, sk strings)
// and a DynamoDB client of the management account's administrator.
func newHarness(t *testing.T) *harness {
	t.Helper()
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	cloud, err := localaws.New(w, localaws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk, _ := cloud.ManualClock()
	h := &harness{cloud: cloud, clock: clk}
	h.ddb = dynamodb.NewFromConfig(cloud.Config("us-east-1", nil), func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	_, err = h.ddb.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(ledger),
		BillingMode:          types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS}},
	})
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	return h
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// key is the ledger key of (pk, sk).
func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": s(pk), "sk": s(sk)}
}

// item is key(pk, sk) with more attributes.
func item(pk, sk string, attrs map[string]types.AttributeValue) map[string]types.AttributeValue {
	it := key(pk, sk)
	for k, v := range attrs {
		it[k] = v
	}
	return it
}

func (h *harness) put(t *testing.T, it map[string]types.AttributeValue) {
	t.Helper()
	if _, err := h.ddb.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: it}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}
}

func (h *harness) get(t *testing.T, pk, sk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := h.ddb.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(ledger), Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	return out.Item
}

// apiError fails unless err is an API error with code; it returns the message.
func apiError(t *testing.T, err error, code string) string {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	return ae.ErrorMessage()
}

func sprint(v any) string { return fmt.Sprintf("%+v", v) }
