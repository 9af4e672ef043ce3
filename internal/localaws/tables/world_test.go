package tables_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/landfall/landfall/internal/localaws"
)

// ledgerWorld declares the ledger table in the world file and a function
// role allowed only PutItem and GetItem on it.
const ledgerWorld = `start: 2026-01-01T00:00:00Z
organization:
  id: o-ab12cd34ef
  root: r-ab12
  managementAccount: "111111111111"
  homeRegion: us-east-1
  accounts:
    - id: "111111111111"
      name: Management
      parent: r-ab12
      iamRoles:
        - name: Launch
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}
          policies:
            - '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:GetItem"],"Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/landfall-ledger"}]}'
dynamodb:
  tables:
    - {account: "111111111111", region: us-east-1, name: landfall-ledger, hashKey: "pk:S", rangeKey: "sk:S", ttlAttribute: expiresAt}
`

func TestWorldTablesAndIAM(t *testing.T) {
	w, err := localaws.ParseWorld([]byte(ledgerWorld), "ledger.yaml")
	if err != nil {
		t.Fatalf("ParseWorld: %v", err)
	}
	cloud, err := localaws.New(w, localaws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin := dynamodb.NewFromConfig(cloud.Config("us-east-1", nil))
	ttl, err := admin.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(ledger)})
	if err != nil || aws.ToString(ttl.TimeToLiveDescription.AttributeName) != "expiresAt" {
		t.Fatalf("DescribeTimeToLive = %+v, %v", ttl, err)
	}
	d, err := admin.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(ledger)})
	if err != nil || d.Table.BillingModeSummary.BillingMode != types.BillingModePayPerRequest || len(d.Table.KeySchema) != 2 {
		t.Fatalf("DescribeTable = %+v, %v", d, err)
	}

	creds, err := cloud.RoleCredentials("arn:aws:iam::111111111111:role/Launch", "landfall-launch")
	if err != nil {
		t.Fatal(err)
	}
	launch := dynamodb.NewFromConfig(cloud.Config("us-east-1", creds))
	if _, err := launch.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ledger), Item: key("run#1", "meta")}); err != nil {
		t.Fatalf("PutItem as Launch: %v", err)
	}
	_, err = launch.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(ledger), Key: key("run#1", "meta")})
	if msg := apiError(t, err, "AccessDeniedException"); !strings.Contains(msg, "dynamodb:DeleteItem on resource: arn:aws:dynamodb:us-east-1:111111111111:table/landfall-ledger") {
		t.Errorf("DeleteItem as Launch: %q", msg)
	}
}

func TestWorldTableErrors(t *testing.T) {
	bad := strings.Replace(ledgerWorld, `hashKey: "pk:S"`, `hashKey: "pk"`, 1)
	bad = strings.Replace(bad, `account: "111111111111", region`, `account: "999999999999", region`, 1)
	_, err := localaws.ParseWorld([]byte(bad), "ledger.yaml")
	for _, want := range []string{
		`dynamodb.tables[0].hashKey: "pk" must be name:type with type S, N or B, e.g. pk:S`,
		`dynamodb.tables[0].account: "999999999999" is not an account of the organization`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseWorld error = %v, want it to contain %q", err, want)
		}
	}
}

func TestItemsShowsStoredItems(t *testing.T) {
	h := newHarness(t)
	h.put(t, item("run#2", "meta", map[string]types.AttributeValue{"n": n("1.50")}))
	h.put(t, item("run#1", "meta", nil))
	got := h.cloud.Tables().Items("111111111111", "us-east-1", ledger)
	if len(got) != 2 || got[0]["pk"].Text() != "run#1" || got[1]["n"].Text() != "1.5" {
		t.Fatalf("Items = %v, want run#1 then run#2 with n stored canonically as 1.5", got)
	}
	if h.cloud.Tables().Items("111111111111", "us-east-1", "nope-table") != nil {
		t.Error("Items of a missing table is not nil")
	}
}

// runsWorld declares the runs table with its indexes, encrypted with a
// customer managed key, with point-in-time recovery.
const runsWorld = `start: 2026-01-01T00:00:00Z
organization:
  id: o-ab12cd34ef
  root: r-ab12
  managementAccount: "111111111111"
  homeRegion: us-east-1
  accounts:
    - {id: "111111111111", name: Management, parent: r-ab12}
kms:
  keys:
    - id: 1234abcd-12ab-34cd-56ef-1234567890ab
      account: "111111111111"
      region: us-east-1
      policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:root"}, Action: "kms:*", Resource: "*"}]}
dynamodb:
  tables:
    - account: "111111111111"
      region: us-east-1
      name: landfall-runs
      hashKey: "pk:S"
      kmsMasterKeyId: 1234abcd-12ab-34cd-56ef-1234567890ab
      pointInTimeRecovery: true
      globalSecondaryIndexes:
        - {name: byAccount, hashKey: "account:S", rangeKey: "startedAt:S", projection: INCLUDE, nonKeyAttributes: [status, outcome]}
        - {name: byDay, hashKey: "day:S", rangeKey: "startedAt:S", projection: KEYS_ONLY}
`

func TestWorldTableWithIndexes(t *testing.T) {
	w, err := localaws.ParseWorld([]byte(runsWorld), "runs.yaml")
	if err != nil {
		t.Fatalf("ParseWorld: %v", err)
	}
	cloud, err := localaws.New(w, localaws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ddb := dynamodb.NewFromConfig(cloud.Config("us-east-1", nil))
	d, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(runs)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Table.GlobalSecondaryIndexes) != 2 || len(d.Table.AttributeDefinitions) != 4 || aws.ToString(d.Table.GlobalSecondaryIndexes[1].IndexName) != "byDay" {
		t.Errorf("DescribeTable = %s", sprint(d.Table))
	}
	if sse := d.Table.SSEDescription; sse == nil || sse.SSEType != types.SSETypeKms ||
		aws.ToString(sse.KMSMasterKeyArn) != "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" {
		t.Errorf("SSEDescription = %s", sprint(d.Table.SSEDescription))
	}
	b, err := ddb.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(runs)})
	if err != nil || b.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != types.PointInTimeRecoveryStatusEnabled {
		t.Errorf("DescribeContinuousBackups = %s, %v", sprint(b), err)
	}
	_, err = ddb.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("nope-table")})
	apiError(t, err, "TableNotFoundException")
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(runs), Item: runItem("run#1", "222222222222", "2026-01-01T10:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	out, err := ddb.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(runs), IndexName: aws.String("byDay"),
		KeyConditionExpression: aws.String("#d = :d"), ExpressionAttributeNames: map[string]string{"#d": "day"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": s("2026-01-01")}})
	if err != nil || len(out.Items) != 1 || attrNames(out.Items[0]) != "day,pk,startedAt" {
		t.Errorf("Query byDay = %s, %v; want the keys only", sprint(out), err)
	}
}

func TestWorldIndexErrors(t *testing.T) {
	bad := strings.NewReplacer(
		`projection: KEYS_ONLY}`, `projection: KEYS_ONLY, nonKeyAttributes: [status]}`,
		`name: byDay`, `name: byAccount`,
		`kmsMasterKeyId: 1234abcd-12ab-34cd-56ef-1234567890ab`, `kmsMasterKeyId: 9999abcd-12ab-34cd-56ef-1234567890ab`,
		`projection: INCLUDE,`, `projection: include,`,
	).Replace(runsWorld)
	_, err := localaws.ParseWorld([]byte(bad), "runs.yaml")
	for _, want := range []string{
		`dynamodb.tables[0].globalSecondaryIndexes[0].projection: "include" must be ALL, KEYS_ONLY or INCLUDE`,
		`dynamodb.tables[0].globalSecondaryIndexes[1].nonKeyAttributes: only a projection INCLUDE takes them; set projection: INCLUDE or remove them`,
		`dynamodb.tables[0].globalSecondaryIndexes[1].name: index "byAccount" is declared twice; index names are unique in a table`,
		`dynamodb.tables[0].kmsMasterKeyId: "9999abcd-12ab-34cd-56ef-1234567890ab" names no key of kms.keys`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseWorld error = %v\nwant it to contain %q", err, want)
		}
	}
	clash := strings.Replace(runsWorld, `rangeKey: "startedAt:S", projection: KEYS_ONLY`, `rangeKey: "startedAt:N", projection: KEYS_ONLY`, 1)
	_, err = localaws.ParseWorld([]byte(clash), "runs.yaml")
	want := `dynamodb.tables[0].globalSecondaryIndexes[1].rangeKey: "startedAt:N" gives startedAt type N, but another key gives it S; use startedAt:S`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("ParseWorld error = %v\nwant it to contain %q", err, want)
	}
}
