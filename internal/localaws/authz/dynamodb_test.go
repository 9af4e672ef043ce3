package authz_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/tables"
)

// TestIndexReadsActOnTheIndex: a Query or Scan with IndexName is authorized
// against <table ARN>/index/<name>, so a grant of the table's ARN alone
// reads the table but not its indexes, as in AWS.
func TestIndexReadsActOnTheIndex(t *testing.T) {
	tableARN := tables.ARN(mgmt, home, "landfall-runs")
	w := world(t, func(w *localaws.World) {
		w.DynamoDB.Tables = append(w.DynamoDB.Tables, tables.TableSpec{Account: mgmt, Region: home, Name: "landfall-runs", HashKey: "pk:S",
			GlobalSecondaryIndexes: []tables.IndexSpec{{Name: "byAccount", HashKey: "account:S", RangeKey: "startedAt:S", Projection: "KEYS_ONLY"}}})
		addRole(w, mgmt, org.RoleSpec{Name: "TableOnly", TrustPolicy: lambdaTrust,
			Policies: []org.PolicyDocument{allow(tableARN, "dynamodb:Query", "dynamodb:Scan")}})
		addRole(w, mgmt, org.RoleSpec{Name: "Indexes", TrustPolicy: lambdaTrust,
			Policies: []org.PolicyDocument{allow(tableARN+"/index/*", "dynamodb:Query", "dynamodb:Scan")}})
	})
	c := newCloud(t, w, localaws.Options{})
	query := func(role string, index *string) error {
		ddb := dynamodb.NewFromConfig(as(t, c, "arn:aws:iam::111111111111:role/"+role))
		in := &dynamodb.QueryInput{TableName: aws.String("landfall-runs"), IndexName: index,
			KeyConditionExpression: aws.String("pk = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: "x"}}}
		if index != nil {
			in.KeyConditionExpression = aws.String("account = :v")
		}
		_, err := ddb.Query(t.Context(), in)
		return err
	}
	if err := query("TableOnly", nil); err != nil {
		t.Errorf("TableOnly querying the table: %v", err)
	}
	wantDenied(t, query("TableOnly", aws.String("byAccount")), "AccessDeniedException",
		"dynamodb:Query on resource: "+tableARN+"/index/byAccount")
	if err := query("Indexes", aws.String("byAccount")); err != nil {
		t.Errorf("Indexes querying byAccount: %v", err)
	}
	wantDenied(t, query("Indexes", nil), "AccessDeniedException", "dynamodb:Query on resource: "+tableARN+" ")
	_, err := dynamodb.NewFromConfig(as(t, c, "arn:aws:iam::111111111111:role/TableOnly")).Scan(t.Context(),
		&dynamodb.ScanInput{TableName: aws.String("landfall-runs"), IndexName: aws.String("byAccount")})
	wantDenied(t, err, "AccessDeniedException", "dynamodb:Scan on resource: "+tableARN+"/index/byAccount")
}
