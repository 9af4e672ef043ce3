package deploy

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws"
)

var ledgerTarget = Target{StackName: "Landfall", Account: "111111111111", Region: "us-east-1"}

func loadLedger(t *testing.T) *Deployment {
	t.Helper()
	doc, err := os.ReadFile("testdata/ledger.template.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(doc, ledgerTarget)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func TestLoadTable(t *testing.T) {
	d := loadLedger(t)
	tb, ok := d.Table("RunsTableE5F6A7B8")
	if !ok {
		t.Fatal("table missing")
	}
	// No TableName: CloudFormation names it; the deployment names it <stack>-<logical ID>.
	if tb.Name != "Landfall-RunsTableE5F6A7B8" || tb.ARN != "arn:aws:dynamodb:us-east-1:111111111111:table/Landfall-RunsTableE5F6A7B8" {
		t.Errorf("table = %s %s", tb.Name, tb.ARN)
	}
	if tb.HashKey != "pk:S" || tb.RangeKey != "" || tb.TTLAttribute != "expiresAt" || !tb.PointInTimeRecovery || tb.KMSKey != d.Keys[0].ARN {
		t.Errorf("table = %+v, key %s", tb, d.Keys[0].ARN)
	}
	want := Index{Name: "byDay", HashKey: "day:S", RangeKey: "startedAt:S", Projection: "INCLUDE",
		NonKeyAttributes: []string{"status", "trigger", "outcome", "accountName", "requestedBy", "finishedAt", "counts", "runId"}}
	if len(tb.Indexes) != 2 || !reflect.DeepEqual(tb.Indexes[1], want) {
		t.Errorf("indexes = %+v", tb.Indexes)
	}
	fn, _ := d.Function("WorkerFn3A4B5C6D")
	role, _ := d.Role("WorkerRoleC9D0E1F2")
	if fn.Env["LEDGER_TABLE"] != tb.Name || !strings.Contains(string(role.Policies[0]), `"Resource":"`+tb.ARN+`/index/*"`) {
		t.Errorf("Ref and Fn::GetAtt of the table: env %v, policy %s", fn.Env, role.Policies[0])
	}
}

// TestDeployedTableServesTheRole puts the template into a world and uses
// the table as the function's role: its grant of <arn>/index/* reaches the
// indexes, and the table reports its key and recovery setting.
func TestDeployedTableServesTheRole(t *testing.T) {
	d := loadLedger(t)
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Into(w); err != nil {
		t.Fatal(err)
	}
	cloud, err := localaws.New(w, localaws.Options{})
	if err != nil {
		t.Fatalf("localaws.New: %v", err)
	}
	role, _ := d.Role("WorkerRoleC9D0E1F2")
	creds, err := cloud.RoleCredentials(role.ARN, "worker")
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ddb := dynamodb.NewFromConfig(cloud.Config("us-east-1", creds))
	table := aws.String("Landfall-RunsTableE5F6A7B8")
	item := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "run#1"},
		"account": &types.AttributeValueMemberS{Value: "222222222222"}, "startedAt": &types.AttributeValueMemberS{Value: "2026-01-01T00:00:00Z"}}
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: item}); err != nil {
		t.Fatalf("PutItem as the worker: %v", err)
	}
	out, err := ddb.Query(ctx, &dynamodb.QueryInput{TableName: table, IndexName: aws.String("byAccount"),
		KeyConditionExpression: aws.String("account = :a"), ExpressionAttributeValues: map[string]types.AttributeValue{":a": item["account"]}})
	if err != nil || out.Count != 1 {
		t.Fatalf("Query byAccount as the worker = %v, %v", out, err)
	}
	admin := dynamodb.NewFromConfig(cloud.Config("us-east-1", nil))
	desc, err := admin.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: table})
	if err != nil || aws.ToString(desc.Table.SSEDescription.KMSMasterKeyArn) != d.Keys[0].ARN || len(desc.Table.GlobalSecondaryIndexes) != 2 {
		t.Fatalf("DescribeTable = %+v, %v", desc, err)
	}
	ttl, err := admin.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: table})
	if err != nil || aws.ToString(ttl.TimeToLiveDescription.AttributeName) != "expiresAt" {
		t.Errorf("DescribeTimeToLive = %+v, %v", ttl, err)
	}
	pitr, err := admin.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: table})
	if err != nil || pitr.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != types.PointInTimeRecoveryStatusEnabled {
		t.Errorf("DescribeContinuousBackups = %+v, %v", pitr, err)
	}
	_, err = ddb.Scan(ctx, &dynamodb.ScanInput{TableName: table})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("Scan of the table, which the role is not granted: %v", err)
	}
}

func TestLoadRefusesTablesItCannotModel(t *testing.T) {
	table := func(props string) string {
		return `{"Resources":{"T":{"Type":"AWS::DynamoDB::Table","Properties":{"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],` +
			`"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]` + props + `}}}}`
	}
	cases := []struct{ name, template, want string }{
		{"provisioned by default", table(``), "BillingMode: not set, so PROVISIONED; the local AWS models on-demand tables only: set BillingMode: PAY_PER_REQUEST"},
		{"provisioned", table(`,"BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}`), `BillingMode: "PROVISIONED"`},
		{"local index", table(`,"BillingMode":"PAY_PER_REQUEST","LocalSecondaryIndexes":[]`), "LocalSecondaryIndexes: not modelled"},
		{"stream", table(`,"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamViewType":"NEW_IMAGE"}`), "StreamSpecification: DynamoDB streams are not modelled"},
		{"resource policy", table(`,"BillingMode":"PAY_PER_REQUEST","ResourcePolicy":{"PolicyDocument":{}}`), "ResourcePolicy is not modelled by the local AWS; the local deployment refuses the template"},
		{"unused definition", strings.Replace(table(`,"BillingMode":"PAY_PER_REQUEST"`), `"AttributeType":"S"}]`, `"AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}]`, 1),
			"AttributeDefinitions: sk used by no key schema; DynamoDB refuses unused definitions: remove them"},
		{"undefined index key", table(`,"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"byAccount","KeySchema":[{"AttributeName":"account","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]`),
			"GlobalSecondaryIndexes[0].KeySchema[0]: account has no AttributeDefinitions entry; add {AttributeName: account, AttributeType: S, N or B}"},
		{"stream ARN", strings.Replace(table(`,"BillingMode":"PAY_PER_REQUEST"`), `}}}}`, `}},"R":{"Type":"AWS::IAM::Role","Properties":{"AssumeRolePolicyDocument":{"Statement":[{"Resource":{"Fn::GetAtt":["T","StreamArn"]}}]}}}}}`, 1),
			"Fn::GetAtt T.StreamArn: DynamoDB streams are not modelled by the local AWS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load([]byte(c.template), target)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestTableNameFromTheTemplate(t *testing.T) {
	doc := `{"Resources":{"T":{"Type":"AWS::DynamoDB::Table","Properties":{"TableName":"landfall-ledger","BillingMode":"PAY_PER_REQUEST",` +
		`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],` +
		`"AttributeDefinitions":[{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"pk","AttributeType":"S"}]}}}}`
	d, err := Load([]byte(doc), target)
	if err != nil {
		t.Fatal(err)
	}
	if tb, _ := d.Table("T"); tb.Name != "landfall-ledger" || tb.RangeKey != "sk:N" || tb.KMSKey != "" || tb.TTLAttribute != "" {
		t.Errorf("table = %+v", tb)
	}
}
