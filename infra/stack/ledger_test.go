package stack

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/landfall/landfall/infra/landfall"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/localaws/deploy"
)

// ledgerIndex is the ARN of one of the ledger's indexes as the stack writes it.
func ledgerIndex(s *synthesized, t *testing.T, name string) map[string]any {
	return join(s.getAtt(t, "Ledger", "Arn"), "/index/"+name)
}

// ledgerKeyStatement is the key policy statement that lets the account's
// principals use the key through DynamoDB in the stack's region.
func ledgerKeyStatement(root, dynamodb map[string]any) map[string]any {
	return map[string]any{
		"Sid": "UseThroughDynamoDB", "Effect": "Allow", "Principal": root, "Resource": "*",
		// DynamoDB's documented minimum for a customer managed key, spelled out.
		"Action": []string{
			"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt",
			"kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
		},
		"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": dynamodb}},
	}
}

// TestLedgerTable: the run ledger is on demand, encrypted with the stack's
// key, restorable (point-in-time recovery), retired by TTL on expiresAt,
// kept when the stack goes, and shaped exactly as ledger.Definition says.
func TestLedgerTable(t *testing.T) {
	s := stackFor(t)
	_, table := s.resource(t, "Ledger")
	if table["DeletionPolicy"] != "Retain" || table["UpdateReplacePolicy"] != "Retain" {
		t.Errorf("ledger policies = %v/%v, want Retain/Retain", table["DeletionPolicy"], table["UpdateReplacePolicy"])
	}
	props := table["Properties"].(map[string]any)
	equalJSON(t, "encryption", props["SSESpecification"], map[string]any{
		"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": s.getAtt(t, "Key", "Arn"),
	})
	equalJSON(t, "point-in-time recovery", props["PointInTimeRecoverySpecification"], map[string]any{"PointInTimeRecoveryEnabled": true})
	equalJSON(t, "TTL", props["TimeToLiveSpecification"], map[string]any{"AttributeName": ledger.AttrExpiresAt, "Enabled": true})
	equalJSON(t, "billing", props["BillingMode"], "PAY_PER_REQUEST")
	// Nothing else: no fixed name (CloudFormation's, so a replacement
	// works), no stream, no provisioned capacity, no deletion protection
	// (RETAIN, like the stack's other stateful resources).
	var keys []string
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	equalJSON(t, "ledger properties", keys, []string{
		"AttributeDefinitions", "BillingMode", "GlobalSecondaryIndexes", "KeySchema",
		"PointInTimeRecoverySpecification", "SSESpecification", "TimeToLiveSpecification",
	})

	got := createTableInput(t, props)
	want := ledger.Definition("")
	want.TableName = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the template's table differs from ledger.Definition:\n got %s\nwant %s", jsonOf(got), jsonOf(want))
	}
	if len(want.GlobalSecondaryIndexes) != len(ledger.Indexes) {
		t.Errorf("ledger.Definition has %d indexes, ledger.Indexes %d", len(want.GlobalSecondaryIndexes), len(ledger.Indexes))
	}
}

// createTableInput reads a template's AWS::DynamoDB::Table properties back
// into what CreateTable takes: billing, keys, attribute definitions and
// global secondary indexes.
func createTableInput(t *testing.T, props map[string]any) *dynamodb.CreateTableInput {
	t.Helper()
	str := func(v any) string { s, _ := v.(string); return s }
	list := func(v any) []map[string]any {
		var out []map[string]any
		for _, e := range v.([]any) {
			out = append(out, e.(map[string]any))
		}
		return out
	}
	keys := func(v any) []ddbtypes.KeySchemaElement {
		var out []ddbtypes.KeySchemaElement
		for _, e := range list(v) {
			out = append(out, ddbtypes.KeySchemaElement{AttributeName: aws.String(str(e["AttributeName"])), KeyType: ddbtypes.KeyType(str(e["KeyType"]))})
		}
		return out
	}
	in := &dynamodb.CreateTableInput{BillingMode: ddbtypes.BillingMode(str(props["BillingMode"])), KeySchema: keys(props["KeySchema"])}
	for _, a := range list(props["AttributeDefinitions"]) {
		in.AttributeDefinitions = append(in.AttributeDefinitions, ddbtypes.AttributeDefinition{
			AttributeName: aws.String(str(a["AttributeName"])), AttributeType: ddbtypes.ScalarAttributeType(str(a["AttributeType"])),
		})
	}
	for _, ix := range list(props["GlobalSecondaryIndexes"]) {
		gsi := ddbtypes.GlobalSecondaryIndex{IndexName: aws.String(str(ix["IndexName"])), KeySchema: keys(ix["KeySchema"])}
		if p, ok := ix["Projection"].(map[string]any); ok {
			gsi.Projection = &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionType(str(p["ProjectionType"]))}
			for _, a := range p["NonKeyAttributes"].([]any) {
				gsi.Projection.NonKeyAttributes = append(gsi.Projection.NonKeyAttributes, a.(string))
			}
		}
		for k := range ix {
			if !slices.Contains([]string{"IndexName", "KeySchema", "Projection"}, k) {
				t.Errorf("index %s has %s, which ledger.Definition does not give", str(ix["IndexName"]), k)
			}
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, gsi)
	}
	return in
}

// TestLedgerGrants: each function's role may call on the ledger exactly
// what its code calls, on that table: both read, create and update items;
// the launch function queries the indexes only (listings), the worker the
// table only (observed durations).
func TestLedgerGrants(t *testing.T) {
	s := stackFor(t)
	items := []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
	table := s.getAtt(t, "Ledger", "Arn")
	tests := []struct {
		role string
		want []any
	}{
		{"LaunchRole", []any{
			map[string]any{"Sid": "RecordRuns", "Effect": "Allow", "Action": items, "Resource": table},
			map[string]any{"Sid": "ListRuns", "Effect": "Allow", "Action": "dynamodb:Query", "Resource": []any{
				ledgerIndex(s, t, ledger.IndexByAccount), ledgerIndex(s, t, ledger.IndexByDay),
			}},
		}},
		{"WorkerRole", []any{
			map[string]any{"Sid": "RecordRuns", "Effect": "Allow", "Action": items, "Resource": table},
			map[string]any{"Sid": "ReadDurations", "Effect": "Allow", "Action": "dynamodb:Query", "Resource": table},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			var got []any
			for _, st := range s.props(t, tt.role+"/DefaultPolicy")["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				if strings.Contains(jsonOf(st.(map[string]any)["Action"]), "dynamodb:") {
					got = append(got, st)
				}
			}
			equalJSON(t, tt.role+" DynamoDB statements", got, tt.want)
		})
	}
	// The index ARNs come from the ledger package's own list.
	if len(ledger.Indexes) != 2 || ledger.Indexes[0].Name != ledger.IndexByAccount || ledger.Indexes[1].Name != ledger.IndexByDay {
		t.Errorf("ledger.Indexes = %+v: update the expected ListRuns resources", ledger.Indexes)
	}
}

// TestLedgerEnvironment: both functions get the table's name and the
// retention of finished runs (cdk.json's landfall:runRetentionDays).
func TestLedgerEnvironment(t *testing.T) {
	s := stackFor(t)
	for _, fn := range []string{"LaunchFunction", "WorkerFunction"} {
		env := s.props(t, fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
		equalJSON(t, fn+" "+landfall.EnvLedgerTable, env[landfall.EnvLedgerTable], s.ref(t, "Ledger"))
		equalJSON(t, fn+" "+landfall.EnvRunRetentionDays, env[landfall.EnvRunRetentionDays], "90")
	}
}

// TestLedgerKeyStatement: the key policy lets the account's principals use
// the key through DynamoDB in the stack's region only, with DynamoDB's
// documented minimum of actions; the functions' roles keep their one KMS
// statement, whose kms:Decrypt DynamoDB needs of its callers.
func TestLedgerKeyStatement(t *testing.T) {
	s := stackFor(t)
	root := map[string]any{"AWS": join("arn:", pseudo("AWS::Partition"), ":iam::"+testAccount+":root")}
	var got []any
	for _, st := range s.props(t, "Key")["KeyPolicy"].(map[string]any)["Statement"].([]any) {
		if strings.Contains(jsonOf(st), "dynamodb") {
			got = append(got, st)
		}
	}
	equalJSON(t, "DynamoDB key statements", got, []any{
		ledgerKeyStatement(root, join("dynamodb.", pseudo("AWS::Region"), ".amazonaws.com")),
	})
	for _, role := range []string{"LaunchRole", "WorkerRole"} {
		var kms []any
		for _, st := range s.props(t, role+"/DefaultPolicy")["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			if strings.Contains(jsonOf(st.(map[string]any)["Action"]), "kms:") {
				kms = append(kms, st)
			}
		}
		equalJSON(t, role+" KMS statements", kms, []any{map[string]any{
			"Sid": "EncryptMessages", "Effect": "Allow", "Action": []string{"kms:Decrypt", "kms:GenerateDataKey"}, "Resource": s.getAtt(t, "Key", "Arn"),
		}})
	}
}

// TestLedgerPropsValidate: the construct refuses a retention the functions
// would refuse, for apps that embed it without cdk.json.
func TestLedgerPropsValidate(t *testing.T) {
	for _, days := range []int{-1, 3651} {
		err := landfall.Props{RunRetentionDays: days}.Validate()
		var fe *landfall.FieldError
		found := false
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			if errors.As(e, &fe) && fe.Field == "RunRetentionDays" {
				found = strings.Contains(fe.Error(), "is out of range: use 1 to 3650 days")
			}
		}
		if !found {
			t.Errorf("Validate with RunRetentionDays %d = %v, want a RunRetentionDays problem", days, err)
		}
	}
	err := landfall.Props{}.Validate()
	if strings.Contains(err.Error(), "RunRetentionDays") {
		t.Errorf("the zero value must take the default 90: %v", err)
	}
}

// TestLedgerLoadsIntoTheLocalAWS: the least-privilege proof's loader reads
// the synthesized table as deployed, with its keys, indexes, TTL, key and
// point-in-time recovery, named as the functions are told.
func TestLedgerLoadsIntoTheLocalAWS(t *testing.T) {
	s := stackFor(t)
	st := proofStack(t, s)
	d, err := deploy.Load(st.Template, deploy.Target{StackName: st.Name, Account: testAccount, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := s.resource(t, "Ledger")
	table, ok := d.Table(id)
	if !ok {
		t.Fatalf("the local deployment has no table %s", id)
	}
	keyID, _ := s.resource(t, "Key")
	var keyARN string
	for _, k := range d.Keys {
		if k.LogicalID == keyID {
			keyARN = k.ARN
		}
	}
	if table.HashKey != ledger.AttrPK+":S" || table.RangeKey != ledger.AttrSK+":S" || table.TTLAttribute != ledger.AttrExpiresAt ||
		!table.PointInTimeRecovery || keyARN == "" || table.KMSKey != keyARN {
		t.Errorf("loaded table = %+v, want keys pk/sk, TTL on %s, PITR, key %s", table, ledger.AttrExpiresAt, keyARN)
	}
	var indexes []string
	for _, ix := range table.Indexes {
		indexes = append(indexes, ix.Name+" "+ix.HashKey+" "+ix.RangeKey+" "+ix.Projection+" "+strings.Join(ix.NonKeyAttributes, ","))
	}
	var want []string
	for _, ix := range ledger.Indexes {
		want = append(want, ix.Name+" "+ix.HashKey+":S "+ix.RangeKey+":S INCLUDE "+strings.Join(ix.Projected, ","))
	}
	equalJSON(t, "loaded indexes", indexes, want)
	for _, fn := range []string{"LaunchFunction", "WorkerFunction"} {
		fid, _ := s.resource(t, fn)
		f, _ := d.Function(fid)
		if f.Env[landfall.EnvLedgerTable] != table.Name {
			t.Errorf("%s is told table %q, the deployment made %q", fn, f.Env[landfall.EnvLedgerTable], table.Name)
		}
	}
}
