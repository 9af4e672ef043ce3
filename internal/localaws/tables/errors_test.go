package tables_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestExpressionRefusals checks DynamoDB's ValidationExceptions for
// expressions, names and values, and that constructs the emulator does not
// model are refused by name.
func TestExpressionRefusals(t *testing.T) {
	h := newHarness(t)
	h.put(t, run())
	tests := []struct {
		name   string
		expr   string
		names  map[string]string
		values map[string]types.AttributeValue
		want   string
	}{
		{"undefined value", "#s = :nope", map[string]string{"#s": "status"}, nil,
			"An expression attribute value used in expression is not defined; attribute value: :nope"},
		{"undefined name", "#nope = :r", nil, map[string]types.AttributeValue{":r": s("x")},
			"An expression attribute name used in the document path is not defined; attribute name: #nope"},
		{"unused value", "attribute_exists(pk)", nil, map[string]types.AttributeValue{":r": s("x")},
			"Value provided in ExpressionAttributeValues unused in expressions: keys: {:r}"},
		{"unused name", "attribute_exists(pk)", map[string]string{"#s": "status"}, nil,
			"Value provided in ExpressionAttributeNames unused in expressions: keys: {#s}"},
		{"reserved word", "status = :r", nil, map[string]types.AttributeValue{":r": s("x")},
			"Attribute name is a reserved keyword; reserved keyword: status"},
		{"syntax", "pk = = :r", nil, map[string]types.AttributeValue{":r": s("x")},
			`Syntax error; token: "="`},
		{"unclosed parenthesis", "(attribute_exists(pk)", nil, nil, `Syntax error; token: "<EOF>"`},
		{"unknown function", "exists(pk)", nil, nil, "Invalid function name; function: exists"},
		{"update function in a condition", "if_not_exists(pk, :r) = :r", nil, map[string]types.AttributeValue{":r": s("x")},
			"The function is not allowed to be used this way in an expression; function: if_not_exists"},
		{"bad attribute type", "attribute_type(pk, :t)", nil, map[string]types.AttributeValue{":t": s("STRING")},
			"Invalid attribute type name found; type: STRING"},
		{"wrong arity", "begins_with(pk)", nil, nil, "incorrect number of operands"},
		{"empty", " ", nil, nil, "An expression can not be empty."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.ddb.PutItem(context.Background(), &dynamodb.PutItemInput{
				TableName: aws.String(ledger), Item: run(), ConditionExpression: aws.String(tc.expr),
				ExpressionAttributeNames: tc.names, ExpressionAttributeValues: tc.values,
			})
			if msg := apiError(t, err, "ValidationException"); !strings.Contains(msg, tc.want) {
				t.Fatalf("message = %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}

func TestUnsupportedConstructsAreRefusedByName(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: run(),
		Expected: map[string]types.ExpectedAttributeValue{"pk": {Exists: aws.Bool(false)}}})
	if msg := apiError(t, err, "ValidationException"); !strings.Contains(msg, "Expected") {
		t.Errorf("legacy Expected: %q does not name it", msg)
	}
	_, err = h.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("with-lsi"), BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("at"), AttributeType: types.ScalarAttributeTypeS}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{IndexName: aws.String("byTime"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("at"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
	})
	if msg := apiError(t, err, "ValidationException"); !strings.Contains(msg, "LocalSecondaryIndexes") {
		t.Errorf("LSI: %q does not name it", msg)
	}
	_, err = h.ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(ledger), Segment: aws.Int32(0), TotalSegments: aws.Int32(2)})
	if msg := apiError(t, err, "ValidationException"); !strings.Contains(msg, "Segment (parallel scan)") {
		t.Errorf("parallel scan: %q does not name it", msg)
	}
}

func TestResourceErrors(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("nope-table"), Key: key("a", "b")})
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("GetItem on a missing table: %v, want ResourceNotFoundException", err)
	}
	_, err = h.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("nope-table")})
	if !errors.As(err, &rnf) || !strings.Contains(rnf.ErrorMessage(), "Table: nope-table not found") {
		t.Fatalf("DescribeTable on a missing table: %v", err)
	}
	_, err = h.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(ledger), BillingMode: types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
	})
	var inUse *types.ResourceInUseException
	if !errors.As(err, &inUse) {
		t.Fatalf("CreateTable twice: %v, want ResourceInUseException", err)
	}
	// Another account's table of the same name is another table.
	other := dynamodb.NewFromConfig(h.cloud.Config("us-west-2", nil))
	if _, err := other.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(ledger)}); !errors.As(err, &rnf) {
		t.Fatalf("DescribeTable in another region: %v, want ResourceNotFoundException", err)
	}
}

func TestKeyAndItemValidation(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"put without range key", func() error {
			_, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: map[string]types.AttributeValue{"pk": s("a")}})
			return err
		}, "Missing the key sk in the item"},
		{"put with a key of the wrong type", func() error {
			_, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: map[string]types.AttributeValue{"pk": s("a"), "sk": n("1")}})
			return err
		}, "Type mismatch for key sk expected: S actual: N"},
		{"get with a partial key", func() error {
			_, err := h.ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(ledger), Key: map[string]types.AttributeValue{"pk": s("a")}})
			return err
		}, "The provided key element does not match the schema"},
		{"empty string key", func() error {
			_, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: key("", "x")})
			return err
		}, "cannot contain an empty string value. Key: pk"},
		{"bad number", func() error {
			_, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: item("a", "b", map[string]types.AttributeValue{"n": n("twelve")})})
			return err
		}, "The parameter cannot be converted to a numeric value: twelve"},
		{"duplicate set elements", func() error {
			_, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: item("a", "b", map[string]types.AttributeValue{"ss": &types.AttributeValueMemberSS{Value: []string{"x", "x"}}})})
			return err
		}, "Input collection contains duplicates"},
		{"put asking ALL_NEW", func() error {
			_, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: key("a", "b"), ReturnValues: types.ReturnValueAllNew})
			return err
		}, "Return values set to invalid value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if msg := apiError(t, tc.call(), "ValidationException"); !strings.Contains(msg, tc.want) {
				t.Fatalf("message = %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}

func TestItemSizeLimit(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// pk "r" and sk "s" count 3 bytes each (name + value), "d" 1 byte.
	room := 400*1024 - 3 - 3 - 1
	fits := item("r", "s", map[string]types.AttributeValue{"d": s(strings.Repeat("x", room))})
	if _, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: fits}); err != nil {
		t.Fatalf("an item of exactly 400 KB: %v", err)
	}
	over := item("r", "s", map[string]types.AttributeValue{"d": s(strings.Repeat("x", room+1))})
	_, err := h.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: over})
	if msg := apiError(t, err, "ValidationException"); msg != "Item size has exceeded the maximum allowed size" {
		t.Fatalf("message = %q", msg)
	}
	_, err = h.ddb.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(ledger), Key: key("r", "s"),
		UpdateExpression: aws.String("SET e = :e"), ExpressionAttributeValues: map[string]types.AttributeValue{":e": s("y")}})
	if msg := apiError(t, err, "ValidationException"); msg != "Item size to update has exceeded the maximum allowed size" {
		t.Fatalf("update message = %q", msg)
	}
}
