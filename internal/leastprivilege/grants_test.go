package leastprivilege

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/localaws/deploy"
	"github.com/landfall/landfall/internal/localaws/wire"
)

func smallDeployment(t *testing.T) *deploy.Deployment {
	t.Helper()
	doc, err := os.ReadFile("../localaws/deploy/testdata/small.template.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := deploy.Load(doc, deploy.Target{StackName: "S", Account: "111111111111", Region: "us-east-1", Parameters: map[string]string{"WorkerRoleArn": "arn:aws:iam::111111111111:role/W"}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestGrantsListEveryAllowedAction(t *testing.T) {
	d := smallDeployment(t)
	grants, err := Grants(d, "Role")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range grants {
		got = append(got, g.Action)
	}
	want := "servicecatalog:DescribeRecord sqs:SendMessage sns:Publish sts:AssumeRole logs:PutLogEvents"
	if strings.Join(got, " ") != want {
		t.Errorf("grants = %v, want %s", got, want)
	}
	if _, err := Grants(d, "Nope"); err == nil {
		t.Error("a role the template lacks must be an error")
	}
}

func TestWithoutRemovesOneActionOrTheStatement(t *testing.T) {
	d := smallDeployment(t)
	grants, _ := Grants(d, "Role")
	if err := Without(grants[1])(d); err != nil { // sqs:SendMessage, the only action of its statement
		t.Fatal(err)
	}
	role, _ := d.Role("Role")
	var doc policyDoc
	if err := json.Unmarshal(role.Policies[1], &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 3 || strings.Contains(string(role.Policies[1]), "sqs:SendMessage") {
		t.Errorf("after Without: %s", role.Policies[1])
	}
	if !strings.Contains(string(role.Policies[0]), "servicecatalog:DescribeRecord") {
		t.Errorf("the other policy changed: %s", role.Policies[0])
	}
	stale := Grant{Role: "Role", Policy: 1, Statement: 9, Action: "x:Y"}
	if err := Without(stale)(d); err == nil {
		t.Error("a statement that is not there must be an error")
	}
}

func TestNamesMatchesTheActionInAWSsMessage(t *testing.T) {
	call := wire.Call{ErrorMessage: "User: arn:aws:sts::1:assumed-role/R/s is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:1:t"}
	for action, want := range map[string]bool{"sns:Publish": true, "sns:PublishBatch": false, "sqs:Publish": false} {
		if got := Names(call, action); got != want {
			t.Errorf("Names(%s) = %v, want %v", action, got, want)
		}
	}
	tail := wire.Call{ErrorMessage: "User: x is not authorized to perform: organizations:ListRoots"}
	if !Names(tail, "organizations:ListRoots") {
		t.Error("an action at the end of the message must match")
	}
}
