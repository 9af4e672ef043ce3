package localaws_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/iampolicy"
)

// iamWorld is smallWorld with a function role (trust policy as YAML, its
// policy as JSON text), a queue policy and an encrypted queue.
const iamWorld = `start: 2026-01-01T00:00:00Z
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
        - name: Worker
          trustPolicy:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}
          policies:
            - '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","kms:GenerateDataKey","kms:Decrypt"],"Resource":"*"}]}'
    - {id: "222222222222", name: LifeCycle1, parent: r-ab12}
sqs:
  queues:
    - account: "111111111111"
      region: us-east-1
      name: landfall-work
      kmsMasterKeyId: landfall-key
      policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "sqs:SendMessage"
            Resource: "*"
            Condition: {ArnNotEquals: {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/Worker"}}
kms:
  keys:
    - id: landfall-key
      account: "111111111111"
      region: us-east-1
      policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:root"}, Action: "kms:*", Resource: "*"}]}
`

func TestWorldIAM(t *testing.T) {
	w, err := localaws.ParseWorld([]byte(iamWorld), "iam.yaml")
	if err != nil {
		t.Fatalf("ParseWorld: %v", err)
	}
	cloud := newCloud(t, w)

	worker, ok := cloud.Org().Role("111111111111", "Worker")
	if !ok || len(worker.Policies) != 1 || worker.ARN != "arn:aws:iam::111111111111:role/Worker" {
		t.Fatalf("Role(Worker) = %+v, %v", worker, ok)
	}
	lambda := iampolicy.Request{Action: "sts:AssumeRole", Resource: worker.ARN, Principal: iampolicy.Principal{Service: "lambda.amazonaws.com"}}
	if worker.Trust.Resource(lambda).Effect != iampolicy.Allow {
		t.Errorf("trust policy written as YAML does not allow Lambda: %s", worker.Trust)
	}
	// Default roles: trust the management account, AdministratorAccess.
	ct, ok := cloud.Org().Role("222222222222", "AWSControlTowerExecution")
	admin := iampolicy.Request{Action: "sts:AssumeRole", Resource: ct.ARN, Principal: iampolicy.Principal{AWS: "arn:aws:iam::111111111111:user/admin", Account: "111111111111"}}
	if !ok || ct.Trust.Resource(admin).Effect != iampolicy.Allow || ct.Policies[0].Identity(iampolicy.Request{Action: "ec2:RunInstances", Resource: "*"}).Effect != iampolicy.Allow {
		t.Errorf("default role = %+v, %v", ct, ok)
	}

	ctx := t.Context()
	send := func(cfg aws.Config) error {
		_, err := sqs.NewFromConfig(cfg).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String("https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work"), MessageBody: aws.String("x")})
		return err
	}
	creds, err := cloud.RoleCredentials(worker.ARN, "landfall-worker")
	if err != nil {
		t.Fatal(err)
	}
	if err := send(cloud.Config("us-east-1", creds)); err != nil {
		t.Errorf("worker SendMessage: %v", err)
	}
	if err := send(cloud.Config("us-east-1", nil)); errorCode(err) != "AccessDenied" || !strings.Contains(err.Error(), "explicit deny") {
		t.Errorf("administrator SendMessage = %v, want AccessDenied by the queue policy's explicit deny", err)
	}
}

func TestWorldIAMErrors(t *testing.T) {
	tests := []struct {
		name          string
		replace, with string
		want          string
	}{
		{"role without trust policy", "        - name: Worker\n          trustPolicy:\n", "        - name: Worker\n          trustPolic:\n",
			`iam.yaml:13: organization.accounts[0].iamRoles[0].trustPolic: unknown key "trustPolic"; allowed here: name, policies, trustPolicy`},
		{"identity policy with a principal", `"Action":["sqs:SendMessage"`, `"Principal":"*","Action":["sqs:SendMessage"`,
			`iam.yaml:18: organization.accounts[0].iamRoles[0].policies[0]: Statement[0].Principal`},
		{"bad role name", "        - name: Worker\n", "        - name: Work er\n",
			`iam.yaml:12: organization.accounts[0].iamRoles[0].name: "Work er" is not an IAM role name`},
		{"queue policy without a principal", `            Principal: "*"` + "\n", "",
			`iam.yaml:26: sqs.queues[0].policy: Statement[0]: has no Principal or NotPrincipal`},
		{"unsupported operator", "ArnNotEquals", "NumericLessThan", `sqs.queues[0].policy: Statement[0].Condition`},
		{"undeclared key", "kmsMasterKeyId: landfall-key", "kmsMasterKeyId: other-key",
			`iam.yaml:25: sqs.queues[0].kmsMasterKeyId: "other-key" names no key of kms.keys`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(iamWorld, tt.replace) {
				t.Fatalf("test bug: %q not in iamWorld", tt.replace)
			}
			_, err := localaws.ParseWorld([]byte(strings.Replace(iamWorld, tt.replace, tt.with, 1)), "iam.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseWorld = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}
