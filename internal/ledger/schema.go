package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Index is one of the ledger's global secondary indexes.
type Index struct {
	Name      string
	HashKey   string
	RangeKey  string
	Projected []string
}

// Indexes are the ledger's indexes; the infrastructure declares them from
// this list, so the code that queries them and the table agree.
// byDay also projects the account, which byAccount has as its key.
var Indexes = []Index{
	{Name: IndexByAccount, HashKey: AttrAccount, RangeKey: AttrStartedAt, Projected: Projected},
	{Name: IndexByDay, HashKey: AttrDay, RangeKey: AttrStartedAt, Projected: append([]string{AttrAccount}, Projected...)},
}

// Definition is the ledger table named name, as CreateTable takes it:
// on demand, keyed by pk and sk, with Indexes. The local runner creates
// it so; the stack declares the same.
func Definition(name string) *dynamodb.CreateTableInput {
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: ddbtypes.BillingModePayPerRequest,
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String(AttrPK), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String(AttrSK), KeyType: ddbtypes.KeyTypeRange},
		},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String(AttrPK), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String(AttrSK), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String(AttrAccount), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String(AttrDay), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String(AttrStartedAt), AttributeType: ddbtypes.ScalarAttributeTypeS},
		},
	}
	for _, ix := range Indexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, ddbtypes.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []ddbtypes.KeySchemaElement{
				{AttributeName: aws.String(ix.HashKey), KeyType: ddbtypes.KeyTypeHash},
				{AttributeName: aws.String(ix.RangeKey), KeyType: ddbtypes.KeyTypeRange},
			},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeInclude, NonKeyAttributes: ix.Projected},
		})
	}
	return in
}

// Provisioner creates tables; *dynamodb.Client satisfies it.
type Provisioner interface {
	CreateTable(context.Context, *dynamodb.CreateTableInput, ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	UpdateTimeToLive(context.Context, *dynamodb.UpdateTimeToLiveInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

// CreateTable creates the ledger table with its TTL, for the local runner
// and tests (the stack creates it in AWS). A table already there is kept.
func CreateTable(ctx context.Context, api Provisioner, name string) error {
	_, err := api.CreateTable(ctx, Definition(name))
	var inUse *ddbtypes.ResourceInUseException
	if errors.As(err, &inUse) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create ledger table %s: %w", name, err)
	}
	_, err = api.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(name),
		TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String(AttrExpiresAt), Enabled: aws.Bool(true)},
	})
	if err != nil {
		return fmt.Errorf("enable TTL on ledger table %s: %w", name, err)
	}
	return nil
}
