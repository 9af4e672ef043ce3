package iampolicy_test

import (
	"testing"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
)

const (
	queueARN   = "arn:aws:sqs:us-east-1:111111111111:Landfall-WorkQueue"
	workerRole = "arn:aws:iam::111111111111:role/Landfall-Worker"
	workerSess = "arn:aws:sts::111111111111:assumed-role/Landfall-Worker/run-1"
)

// worker is the Landfall worker's assumed-role session.
var worker = iampolicy.Principal{AWS: workerRole, SessionARN: workerSess, Account: "111111111111"}

func TestIdentityActionsAndResources(t *testing.T) {
	tests := []struct {
		name     string
		members  string
		action   string
		resource string
		want     iampolicy.Effect
	}{
		{"exact action", `"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"`, "sqs:SendMessage", queueARN, iampolicy.Allow},
		{"action case-insensitive", `"Effect":"Allow","Action":"SQS:sendmessage","Resource":"*"`, "sqs:SendMessage", queueARN, iampolicy.Allow},
		{"other action", `"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"`, "sqs:DeleteMessage", queueARN, iampolicy.NoMatch},
		{"service wildcard", `"Effect":"Allow","Action":"sqs:*","Resource":"*"`, "sqs:DeleteMessage", queueARN, iampolicy.Allow},
		{"service wildcard is per service", `"Effect":"Allow","Action":"sqs:*","Resource":"*"`, "sns:Publish", queueARN, iampolicy.NoMatch},
		{"star action", `"Effect":"Allow","Action":"*","Resource":"*"`, "sns:Publish", queueARN, iampolicy.Allow},
		{"prefix wildcard", `"Effect":"Allow","Action":"kms:GenerateDataKey*","Resource":"*"`, "kms:GenerateDataKeyWithoutPlaintext", queueARN, iampolicy.Allow},
		{"single character wildcard", `"Effect":"Allow","Action":"sqs:?eleteMessage","Resource":"*"`, "sqs:DeleteMessage", queueARN, iampolicy.Allow},
		{"single character is exactly one", `"Effect":"Allow","Action":"sqs:?eleteMessage","Resource":"*"`, "sqs:eleteMessage", queueARN, iampolicy.NoMatch},
		{"not action excludes", `"Effect":"Allow","NotAction":"iam:*","Resource":"*"`, "iam:CreateUser", "*", iampolicy.NoMatch},
		{"not action covers the rest", `"Effect":"Allow","NotAction":"iam:*","Resource":"*"`, "sqs:SendMessage", queueARN, iampolicy.Allow},
		{"exact resource", `"Effect":"Allow","Action":"sqs:*","Resource":"` + queueARN + `"`, "sqs:SendMessage", queueARN, iampolicy.Allow},
		{"resource is case-sensitive", `"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:111111111111:landfall-workqueue"`, "sqs:SendMessage", queueARN, iampolicy.NoMatch},
		{"resource in a list", `"Effect":"Allow","Action":"sqs:*","Resource":["arn:aws:sqs:us-east-1:111111111111:Other","` + queueARN + `"]`, "sqs:SendMessage", queueARN, iampolicy.Allow},
		{"wildcard region and account", `"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:*:*:Landfall-*"`, "sqs:SendMessage", queueARN, iampolicy.Allow},
		{"wildcard role in any account", `"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/AWSControlTowerExecution"`,
			"sts:AssumeRole", "arn:aws:iam::222222222222:role/AWSControlTowerExecution", iampolicy.Allow},
		{"wildcard account part cannot swallow colons", `"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/X"`,
			"sts:AssumeRole", "arn:aws:iam::1:2:role/X", iampolicy.NoMatch},
		{"resource part must match whole", `"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/X"`,
			"sts:AssumeRole", "arn:aws:iam::1:role/X/extra:bad", iampolicy.NoMatch},
		{"wildcard region part stays in its part", `"Effect":"Allow","Action":"sns:*","Resource":"arn:aws:sns:*:111111111111:finance/*"`,
			"sns:Publish", "arn:aws:sns:us-east-2:999999999999:store/abc:111111111111:finance/document.txt", iampolicy.NoMatch},
		{"resource part wildcard crosses colons and slashes", `"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/*"`,
			"logs:PutLogEvents", "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/worker:log-stream:x", iampolicy.Allow},
		{"empty parts match only empty", `"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*"`,
			"s3:GetObject", "arn:aws:s3:us-east-1::bucket/key", iampolicy.NoMatch},
		{"star resource covers actions without resources", `"Effect":"Allow","Action":"sqs:ListQueues","Resource":"*"`, "sqs:ListQueues", "*", iampolicy.Allow},
		{"an ARN pattern does not cover *", `"Effect":"Allow","Action":"sqs:ListQueues","Resource":"arn:aws:sqs:*:*:*"`, "sqs:ListQueues", "*", iampolicy.NoMatch},
		{"not resource excludes", `"Effect":"Allow","Action":"sqs:*","NotResource":"` + queueARN + `"`, "sqs:SendMessage", queueARN, iampolicy.NoMatch},
		{"not resource covers the rest", `"Effect":"Allow","Action":"sqs:*","NotResource":"` + queueARN + `"`, "sqs:SendMessage", queueARN + "-DLQ", iampolicy.Allow},
		{"deny", `"Effect":"Deny","Action":"sqs:*","Resource":"*"`, "sqs:SendMessage", queueARN, iampolicy.Deny},
		{"statement with a principal is not an identity statement", `"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"`,
			"sqs:SendMessage", queueARN, iampolicy.NoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := iampolicy.MustParse(stmt(tt.members))
			got := p.Identity(iampolicy.Request{Action: tt.action, Resource: tt.resource, Principal: worker})
			if got.Effect != tt.want {
				t.Errorf("Identity = %v, want %v", got.Effect, tt.want)
			}
		})
	}
}

func TestExplicitDenyOutweighsAllow(t *testing.T) {
	p := iampolicy.MustParse(`{"Version":"2012-10-17","Statement":[
	  {"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"},
	  {"Effect":"Allow","Action":"sqs:*","Resource":"*"},
	  {"Effect":"Deny","Action":"sqs:DeleteQueue","Resource":"*"},
	  {"Sid":"Second","Effect":"Deny","Action":"sqs:*","Resource":"*"}]}`)
	tests := []struct {
		action string
		want   iampolicy.Match
	}{
		{"sqs:DeleteQueue", iampolicy.Match{Effect: iampolicy.Deny, Statement: "Statement[2]"}},
		{"sqs:SendMessage", iampolicy.Match{Effect: iampolicy.Deny, Statement: "Second"}},
		{"sns:Publish", iampolicy.Match{Effect: iampolicy.Allow, Statement: "All"}},
	}
	for _, tt := range tests {
		if got := p.Identity(iampolicy.Request{Action: tt.action, Resource: queueARN}); got != tt.want {
			t.Errorf("%s: Identity = %+v, want %+v", tt.action, got, tt.want)
		}
	}
}

func TestResourcePrincipals(t *testing.T) {
	lambda := iampolicy.Principal{Service: "lambda.amazonaws.com"}
	user := iampolicy.Principal{AWS: "arn:aws:iam::111111111111:user/admin", Account: "111111111111"}
	otherSession := iampolicy.Principal{AWS: workerRole, SessionARN: "arn:aws:sts::111111111111:assumed-role/Landfall-Worker/run-2", Account: "111111111111"}
	stranger := iampolicy.Principal{AWS: "arn:aws:iam::333333333333:role/X", SessionARN: "arn:aws:sts::333333333333:assumed-role/X/s", Account: "333333333333"}
	tests := []struct {
		name      string
		principal string // the Principal element
		who       iampolicy.Principal
		want      iampolicy.Effect
	}{
		{"star", `"*"`, worker, iampolicy.Allow},
		{"star covers services", `"*"`, lambda, iampolicy.Allow},
		{"AWS star covers services too", `{"AWS":"*"}`, lambda, iampolicy.Allow},
		{"account ID", `{"AWS":"111111111111"}`, worker, iampolicy.Allow},
		{"account root", `{"AWS":"arn:aws:iam::111111111111:root"}`, user, iampolicy.Allow},
		{"other account", `{"AWS":"arn:aws:iam::111111111111:root"}`, stranger, iampolicy.NoMatch},
		{"account does not cover services", `{"AWS":"111111111111"}`, lambda, iampolicy.NoMatch},
		{"role covers every session", `{"AWS":"` + workerRole + `"}`, otherSession, iampolicy.Allow},
		{"session covers its session", `{"AWS":"` + workerSess + `"}`, worker, iampolicy.Allow},
		{"session covers no other session", `{"AWS":"` + workerSess + `"}`, otherSession, iampolicy.NoMatch},
		{"user", `{"AWS":["arn:aws:iam::111111111111:user/other","arn:aws:iam::111111111111:user/admin"]}`, user, iampolicy.Allow},
		{"service", `{"Service":["sns.amazonaws.com","lambda.amazonaws.com"]}`, lambda, iampolicy.Allow},
		{"other service", `{"Service":"ecs-tasks.amazonaws.com"}`, lambda, iampolicy.NoMatch},
		{"service is not an IAM identity", `{"Service":"lambda.amazonaws.com"}`, worker, iampolicy.NoMatch},
		{"federated never matches", `{"Federated":"cognito-identity.amazonaws.com"}`, worker, iampolicy.NoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := iampolicy.MustParse(stmt(`"Effect":"Allow","Principal":` + tt.principal + `,"Action":"sqs:SendMessage"`))
			got := p.Resource(iampolicy.Request{Action: "sqs:SendMessage", Resource: queueARN, Principal: tt.who})
			if got.Effect != tt.want {
				t.Errorf("Resource = %v, want %v", got.Effect, tt.want)
			}
		})
	}
}

func TestResourceIgnoresStatementsWithoutPrincipal(t *testing.T) {
	p := iampolicy.MustParse(stmt(`"Effect":"Deny","Action":"*","Resource":"*"`))
	if got := p.Resource(iampolicy.Request{Action: "sqs:SendMessage", Resource: queueARN, Principal: worker}); got.Effect != iampolicy.NoMatch {
		t.Errorf("Resource = %v, want NoMatch", got.Effect)
	}
}

func TestNotPrincipalDeny(t *testing.T) {
	stranger := iampolicy.Principal{AWS: "arn:aws:iam::333333333333:user/eve", Account: "333333333333"}
	admin := iampolicy.Principal{AWS: "arn:aws:iam::111111111111:user/admin", Account: "111111111111"}
	tests := []struct {
		name string
		not  string
		who  iampolicy.Principal
		want iampolicy.Effect
	}{
		{"session, role and account named: exempt", `{"AWS":["` + workerSess + `","` + workerRole + `","arn:aws:iam::111111111111:root"]}`, worker, iampolicy.NoMatch},
		{"role and account without the session: denied", `{"AWS":["` + workerRole + `","111111111111"]}`, worker, iampolicy.Deny},
		{"session and role without the account: denied", `{"AWS":["` + workerSess + `","` + workerRole + `"]}`, worker, iampolicy.Deny},
		{"user and account: exempt", `{"AWS":["arn:aws:iam::111111111111:user/admin","111111111111"]}`, admin, iampolicy.NoMatch},
		{"user without account: denied", `{"AWS":"arn:aws:iam::111111111111:user/admin"}`, admin, iampolicy.Deny},
		{"anyone else: denied", `{"AWS":["arn:aws:iam::111111111111:user/admin","111111111111"]}`, stranger, iampolicy.Deny},
		{"service named: exempt", `{"Service":"events.amazonaws.com"}`, iampolicy.Principal{Service: "events.amazonaws.com"}, iampolicy.NoMatch},
		{"service not named: denied", `{"AWS":"111111111111"}`, iampolicy.Principal{Service: "events.amazonaws.com"}, iampolicy.Deny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := iampolicy.MustParse(stmt(`"Effect":"Deny","NotPrincipal":` + tt.not + `,"Action":"sqs:*"`))
			got := p.Resource(iampolicy.Request{Action: "sqs:SendMessage", Resource: queueARN, Principal: tt.who})
			if got.Effect != tt.want {
				t.Errorf("Resource = %v, want %v", got.Effect, tt.want)
			}
		})
	}
}
