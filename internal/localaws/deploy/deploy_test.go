package deploy

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/localaws"
)

var target = Target{StackName: "Landfall", Account: "111111111111", Region: "eu-west-1", Parameters: map[string]string{
	"WorkerRoleArn": "arn:aws:iam::999999999999:role/Worker",
}}

func loadSmall(t *testing.T, tg Target) *Deployment {
	t.Helper()
	doc, err := os.ReadFile("testdata/small.template.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(doc, tg)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func TestLoadResolvesWhatTheEmulatorModels(t *testing.T) {
	d := loadSmall(t, target)
	role, ok := d.Role("Role")
	if !ok {
		t.Fatal("role Role missing")
	}
	if role.ARN != "arn:aws:iam::111111111111:role/LandfallProvisioner" {
		t.Errorf("role ARN = %s, want the RoleName the template sets", role.ARN)
	}
	if !strings.Contains(string(role.Trust), `"AWS":"arn:aws:iam::999999999999:role/Worker"`) {
		t.Errorf("trust policy did not take the parameter: %s", role.Trust)
	}
	// The inline policy first, then the AWS::IAM::Policy declared before the role.
	if len(role.Policies) != 2 {
		t.Fatalf("role has %d policies, want inline + attached", len(role.Policies))
	}
	attached := string(role.Policies[1])
	for _, want := range []string{
		`"Resource":"arn:aws:sqs:eu-west-1:111111111111:Landfall-Queue"`,
		`"Resource":"arn:aws:sns:eu-west-1:111111111111:summaries"`,
		`"Resource":"arn:aws:iam::*:role/X"`,
		`"Resource":"arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/w:*"`,
	} {
		if !strings.Contains(attached, want) {
			t.Errorf("attached policy lacks %s:\n%s", want, attached)
		}
	}
	if strings.Contains(attached, "s3:*") {
		t.Errorf("Fn::If on a false condition kept its statement: %s", attached)
	}
	var doc struct{ Statement []json.RawMessage }
	if err := json.Unmarshal(role.Policies[1], &doc); err != nil || len(doc.Statement) != 4 {
		t.Errorf("AWS::NoValue must drop the element: %d statements, err %v", len(doc.Statement), err)
	}

	q, ok := d.Queue("Queue")
	if !ok {
		t.Fatal("queue missing")
	}
	if q.URL != "https://sqs.eu-west-1.amazonaws.com/111111111111/Landfall-Queue" || q.VisibilityTimeout == nil || *q.VisibilityTimeout != 1800 {
		t.Errorf("queue = %+v", q)
	}
	if q.KMSKey != d.Keys[0].ARN || !strings.HasPrefix(q.KMSKey, "arn:aws:kms:eu-west-1:111111111111:key/") {
		t.Errorf("queue key %s, key %s", q.KMSKey, d.Keys[0].ARN)
	}
	if !strings.Contains(string(q.Policy), `"Effect":"Deny"`) {
		t.Errorf("queue policy not attached: %s", q.Policy)
	}
	if !strings.Contains(string(d.Keys[0].Policy), `arn:aws:iam::111111111111:root`) {
		t.Errorf("key policy: %s", d.Keys[0].Policy)
	}
	fn, ok := d.Function("Fn")
	if !ok {
		t.Fatal("function missing")
	}
	if fn.Role != role.ARN || fn.Env["QUEUE"] != q.URL || fn.Env["N"] != "8" {
		t.Errorf("function = %+v (unmodelled properties such as Code must not be resolved)", fn)
	}
	if len(d.Topics) != 1 {
		t.Errorf("topics = %d, want 1 (the conditional one is off)", len(d.Topics))
	}
}

func TestLoadConditionsFollowParameters(t *testing.T) {
	tg := target
	tg.Parameters = map[string]string{"WorkerRoleArn": "w", "Stage": "dev"}
	d := loadSmall(t, tg)
	if len(d.Topics) != 2 {
		t.Errorf("topics = %d, want 2 with Stage=dev", len(d.Topics))
	}
	role, _ := d.Role("Role")
	if !strings.Contains(string(role.Policies[1]), "s3:*") {
		t.Errorf("Fn::If on a true condition dropped its statement")
	}
}

func TestLoadRefusesWhatItCannotModel(t *testing.T) {
	cases := []struct {
		name, template, want string
	}{
		{"unknown intrinsic", `{"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"AssumeRolePolicyDocument":{"Fn::ImportValue":"x"}}}}}`, "intrinsic Fn::ImportValue is not supported"},
		{"ref to nothing", `{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":{"KmsMasterKeyId":{"Ref":"Missing"}}}}}`, "Ref Missing names no resource"},
		{"policy for a role elsewhere", `{"Resources":{"P":{"Type":"AWS::IAM::Policy","Properties":{"Roles":["Elsewhere"],"PolicyDocument":{"Statement":[]}}}}}`, "Elsewhere is not created by this template"},
		{"two queue policies", `{"Resources":{"Q":{"Type":"AWS::SQS::Queue"},"A":{"Type":"AWS::SQS::QueuePolicy","Properties":{"Queues":[{"Ref":"Q"}],"PolicyDocument":{}}},"B":{"Type":"AWS::SQS::QueuePolicy","Properties":{"Queues":[{"Ref":"Q"}],"PolicyDocument":{}}}}}`, "already has a policy"},
		{"role without trust", `{"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{}}}}`, "AssumeRolePolicyDocument"},
		{"missing parameter", `{"Parameters":{"X":{"Type":"String"}},"Resources":{}}`, "parameter X has no value"},
		{"self-managed stack set", `{"Resources":{"S":{"Type":"AWS::CloudFormation::StackSet","Properties":{"PermissionModel":"SELF_MANAGED"}}}}`, "service-managed StackSets only"},
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

func TestLoadStackSet(t *testing.T) {
	inner := `{"Parameters":{"WorkerRoleArn":{"Type":"String"}},"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"RoleName":"LandfallReader","AssumeRolePolicyDocument":{"Statement":[{"Effect":"Allow","Principal":{"AWS":{"Ref":"WorkerRoleArn"}},"Action":"sts:AssumeRole"}]}}}}}`
	outer, _ := json.Marshal(map[string]any{"Resources": map[string]any{
		"Roles": map[string]any{"Type": "AWS::CloudFormation::StackSet", "Properties": map[string]any{
			"StackSetName": "landfall-member-roles", "PermissionModel": "SERVICE_MANAGED", "TemplateBody": inner,
			"Parameters":          []any{map[string]any{"ParameterKey": "WorkerRoleArn", "ParameterValue": map[string]any{"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/W"}}},
			"StackInstancesGroup": []any{map[string]any{"Regions": []any{"us-east-1"}, "DeploymentTargets": map[string]any{"OrganizationalUnitIds": []any{"ou-ab12-aaaaaaaa"}}}},
		}},
	}})
	d, err := Load(outer, target)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.StackSets) != 1 {
		t.Fatalf("stack sets = %d", len(d.StackSets))
	}
	s := d.StackSets[0]
	if s.Name != "landfall-member-roles" || s.Parameters["WorkerRoleArn"] != "arn:aws:iam::111111111111:role/W" ||
		len(s.Regions) != 1 || s.OrganizationalUnits[0] != "ou-ab12-aaaaaaaa" {
		t.Errorf("stack set = %+v", s)
	}
	member, err := Load(s.Template, Target{StackName: "StackSet-" + s.Name, Account: "222222222222", Region: "us-east-1", Parameters: s.Parameters})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := member.Role("R"); !ok || r.ARN != "arn:aws:iam::222222222222:role/LandfallReader" || !strings.Contains(string(r.Trust), "role/W") {
		t.Errorf("member role = %+v", r)
	}
}

func TestStackSetAccountsFollowOUsAndSkipTheManagementAccount(t *testing.T) {
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ous  []string
		want string
	}{
		{[]string{w.Organization.Root}, "222222222222 624281831893 333333333333 444444444444 555555555555 666666666666 777777777777"},
		{[]string{"ou-ab12-w0rkl0ad"}, "666666666666 777777777777"}, // nested OUs included
		{[]string{"ou-ab12-s3cur1ty", "ou-ab12-pr0dw0rk"}, "444444444444 555555555555 666666666666"},
		{[]string{"ou-ab12-nothere1"}, ""},
	}
	for _, c := range cases {
		got := strings.Join(StackSet{OrganizationalUnits: c.ous}.Accounts(w), " ")
		if got != c.want {
			t.Errorf("Accounts(%v) = %q, want %q", c.ous, got, c.want)
		}
	}
}

func TestLoadRefusesIAMItDoesNotModel(t *testing.T) {
	for _, doc := range []string{
		`{"Resources":{"M":{"Type":"AWS::IAM::ManagedPolicy","Properties":{"PolicyDocument":{"Statement":[]},"Roles":["R"]}}}}`,
		`{"Resources":{"P":{"Type":"AWS::IAM::RolePolicy","Properties":{"RoleName":"R","PolicyName":"p","PolicyDocument":{}}}}}`,
		`{"Resources":{"Q":{"Type":"AWS::SQS::QueueInlinePolicy","Properties":{}}}}`,
		`{"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"AssumeRolePolicyDocument":{},"PermissionsBoundary":"arn:aws:iam::1:policy/b"}}}}`,
	} {
		if _, err := Load([]byte(doc), target); err == nil || !strings.Contains(err.Error(), "refuses the template") {
			t.Errorf("Load(%s) = %v, want a refusal", doc, err)
		}
	}
}

func TestNoValueDropsAProperty(t *testing.T) {
	doc := `{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Properties":{"KmsMasterKeyId":{"Ref":"AWS::NoValue"}}}}}`
	d, err := Load([]byte(doc), target)
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := d.Queue("Q"); q.KMSKey != "" {
		t.Errorf("KMSKey = %q, want none: AWS::NoValue leaves the property out", q.KMSKey)
	}
}
