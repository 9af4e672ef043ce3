package iampolicy_test

import (
	"testing"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
)

const (
	mgmt       = "111111111111"
	member     = "222222222222"
	execRole   = "arn:aws:iam::222222222222:role/AWSControlTowerExecution"
	keyARN     = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	memberSess = "arn:aws:sts::222222222222:assumed-role/Ops/s"
)

var (
	workerIdentity = iampolicy.MustParse(landfallPolicies["worker identity"])
	queuePolicy    = iampolicy.MustParse(landfallPolicies["queue policy"])
	trustMgmt      = iampolicy.MustParse(landfallPolicies["trust policy, single statement object"])
	memberOps      = iampolicy.Principal{AWS: "arn:aws:iam::222222222222:role/Ops", SessionARN: memberSess, Account: member}
	otherRole      = iampolicy.Principal{AWS: "arn:aws:iam::111111111111:role/Other", SessionARN: "arn:aws:sts::111111111111:assumed-role/Other/s", Account: mgmt}
	allowSQS       = iampolicy.MustParse(stmt(`"Sid":"SQS","Effect":"Allow","Action":"sqs:*","Resource":"*"`))
	allowAssume    = iampolicy.MustParse(stmt(`"Sid":"Assume","Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"`))
	secure         = ctx{"aws:SecureTransport": {"true"}}
)

// resourcePolicy is a one-statement resource policy.
func resourcePolicy(members string) *iampolicy.Policy { return iampolicy.MustParse(stmt(members)) }

func TestDecide(t *testing.T) {
	orgCtx := ctx{"aws:ResourceOrgID": {"o-abc"}, "aws:PrincipalOrgID": {"o-abc"}}
	tests := []struct {
		name     string
		r        iampolicy.Request
		identity []*iampolicy.Policy
		resource *iampolicy.Policy
		account  string
		want     iampolicy.Decision
	}{
		{"same account, identity allows",
			send(worker, secure), []*iampolicy.Policy{workerIdentity}, nil, mgmt,
			iampolicy.Decision{Allowed: true, Statement: "Queue"}},
		{"same account, nothing allows",
			send(worker, secure), nil, nil, mgmt,
			iampolicy.Decision{Reason: "because no identity-based policy allows the sqs:SendMessage action"}},
		{"explicit deny in the resource policy beats the identity allow",
			send(worker, ctx{"aws:SecureTransport": {"false"}, "aws:PrincipalArn": {workerRole}}), []*iampolicy.Policy{workerIdentity}, queuePolicy, mgmt,
			iampolicy.Decision{Reason: "with an explicit deny in a resource-based policy", Statement: "TlsOnly"}},
		{"queue policy lets the worker through over TLS",
			send(worker, ctx{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {workerRole}}), []*iampolicy.Policy{workerIdentity}, queuePolicy, mgmt,
			iampolicy.Decision{Allowed: true, Statement: "Queue"}},
		{"planned deny keeps other roles out despite their identity policy",
			send(otherRole, ctx{"aws:SecureTransport": {"true"}, "aws:PrincipalArn": {otherRole.AWS}}), []*iampolicy.Policy{allowSQS}, queuePolicy, mgmt,
			iampolicy.Decision{Reason: "with an explicit deny in a resource-based policy", Statement: "OnlyLandfall"}},
		{"explicit deny in an identity policy beats a resource allow",
			send(worker, secure), []*iampolicy.Policy{allowSQS, iampolicy.MustParse(stmt(`"Sid":"No","Effect":"Deny","Action":"sqs:Send*","Resource":"*"`))},
			resourcePolicy(`"Effect":"Allow","Principal":"*","Action":"sqs:*"`), mgmt,
			iampolicy.Decision{Reason: "with an explicit deny in an identity-based policy", Statement: "No"}},
		{"same account, resource policy names the role",
			send(worker, secure), nil, resourcePolicy(`"Sid":"Role","Effect":"Allow","Principal":{"AWS":"` + workerRole + `"},"Action":"sqs:SendMessage"`), mgmt,
			iampolicy.Decision{Allowed: true, Statement: "Role"}},
		{"same account, resource policy names the session",
			send(worker, secure), nil, resourcePolicy(`"Sid":"Session","Effect":"Allow","Principal":{"AWS":"` + workerSess + `"},"Action":"sqs:SendMessage"`), mgmt,
			iampolicy.Decision{Allowed: true, Statement: "Session"}},
		{"same account, root-only resource policy delegates to identity policies",
			send(worker, secure), nil, resourcePolicy(`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sqs:*"`), mgmt,
			iampolicy.Decision{Reason: "because no identity-based policy allows the sqs:SendMessage action"}},
		{"same account, root-only resource policy and an identity allow",
			send(worker, secure), []*iampolicy.Policy{allowSQS}, resourcePolicy(`"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sqs:*"`), mgmt,
			iampolicy.Decision{Allowed: true, Statement: "SQS"}},
		{"cross account, both allow",
			send(memberOps, secure), []*iampolicy.Policy{allowSQS}, resourcePolicy(`"Sid":"Member","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"sqs:*"`), mgmt,
			iampolicy.Decision{Allowed: true, Statement: "Member"}},
		{"cross account, no resource policy",
			send(memberOps, secure), []*iampolicy.Policy{allowSQS}, nil, mgmt,
			iampolicy.Decision{Reason: "because no resource-based policy allows the sqs:SendMessage action"}},
		{"cross account, resource policy for someone else",
			send(memberOps, secure), []*iampolicy.Policy{allowSQS}, resourcePolicy(`"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"sqs:*"`), mgmt,
			iampolicy.Decision{Reason: "because no resource-based policy allows the sqs:SendMessage action"}},
		{"cross account, resource policy naming the session still needs an identity allow",
			send(memberOps, secure), nil, resourcePolicy(`"Effect":"Allow","Principal":{"AWS":"` + memberSess + `"},"Action":"sqs:*"`), mgmt,
			iampolicy.Decision{Reason: "because no identity-based policy allows the sqs:SendMessage action"}},
		{"resource account read from the ARN",
			send(memberOps, secure), []*iampolicy.Policy{allowSQS}, nil, "",
			iampolicy.Decision{Reason: "because no resource-based policy allows the sqs:SendMessage action"}},
		{"assume the execution role in the organization",
			assume(worker, execRole, orgCtx), []*iampolicy.Policy{workerIdentity}, trustMgmt, member,
			iampolicy.Decision{Allowed: true, Statement: "Statement"}},
		{"execution role outside the organization",
			assume(worker, execRole, ctx{"aws:ResourceOrgID": {"o-other"}, "aws:PrincipalOrgID": {"o-abc"}}), []*iampolicy.Policy{workerIdentity}, trustMgmt, member,
			iampolicy.Decision{Reason: "because no identity-based policy allows the sts:AssumeRole action"}},
		{"trust policy refuses the principal",
			assume(worker, execRole, orgCtx), []*iampolicy.Policy{workerIdentity},
			resourcePolicy(`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole"`), member,
			iampolicy.Decision{Reason: "because no role trust policy allows the sts:AssumeRole action"}},
		{"explicit deny in the trust policy",
			assume(worker, execRole, orgCtx), []*iampolicy.Policy{workerIdentity},
			resourcePolicy(`"Sid":"NoMgmt","Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"`), member,
			iampolicy.Decision{Reason: "with an explicit deny in the role trust policy", Statement: "NoMgmt"}},
		{"same-account trust policy naming the account delegates to identity policies",
			assume(worker, "arn:aws:iam::111111111111:role/R", nil), nil, trustMgmt, mgmt,
			iampolicy.Decision{Reason: "because no identity-based policy allows the sts:AssumeRole action"}},
		{"same-account trust policy naming the role allows alone",
			assume(worker, "arn:aws:iam::111111111111:role/R", nil), nil,
			resourcePolicy(`"Sid":"Worker","Effect":"Allow","Principal":{"AWS":"` + workerRole + `"},"Action":"sts:AssumeRole"`), mgmt,
			iampolicy.Decision{Allowed: true, Statement: "Worker"}},
		{"same account, an identity allow is not enough for a trust policy naming someone else",
			assume(worker, "arn:aws:iam::111111111111:role/R", nil), []*iampolicy.Policy{allowAssume},
			resourcePolicy(`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/Other"},"Action":"sts:AssumeRole"`), mgmt,
			iampolicy.Decision{Reason: "because no role trust policy allows the sts:AssumeRole action"}},
		{"role without a trust policy",
			assume(worker, "arn:aws:iam::111111111111:role/R", nil), []*iampolicy.Policy{allowAssume}, nil, mgmt,
			iampolicy.Decision{Reason: "because no role trust policy allows the sts:AssumeRole action"}},
		{"service principal trusted by the role",
			assume(iampolicy.Principal{Service: "lambda.amazonaws.com"}, "arn:aws:iam::111111111111:role/Fn", nil), []*iampolicy.Policy{allowAssume},
			resourcePolicy(`"Sid":"Lambda","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"`), mgmt,
			iampolicy.Decision{Allowed: true, Statement: "Lambda"}},
		{"service principal not trusted, identity policies ignored",
			assume(iampolicy.Principal{Service: "ecs-tasks.amazonaws.com"}, "arn:aws:iam::111111111111:role/Fn", nil), []*iampolicy.Policy{allowAssume},
			resourcePolicy(`"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"`), mgmt,
			iampolicy.Decision{Reason: "because no role trust policy allows the sts:AssumeRole action"}},
		{"EventBridge rule delivers to the queue",
			send(iampolicy.Principal{Service: "events.amazonaws.com"}, ctx{"aws:SecureTransport": {"true"}, "aws:SourceArn": {"arn:aws:events:us-east-1:111111111111:rule/landfall"}}),
			nil, resourcePolicy(`"Sid":"Events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:events:us-east-1:111111111111:rule/*"}}`), mgmt,
			iampolicy.Decision{Allowed: true, Statement: "Events"}},
		{"a rule in another account does not",
			send(iampolicy.Principal{Service: "events.amazonaws.com"}, ctx{"aws:SourceArn": {"arn:aws:events:us-east-1:999999999999:rule/x"}}),
			nil, resourcePolicy(`"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sqs:SendMessage","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:events:us-east-1:111111111111:rule/*"}}`), mgmt,
			iampolicy.Decision{Reason: "because no resource-based policy allows the sqs:SendMessage action"}},
		{"KMS through SQS with a root key policy",
			decrypt(ctx{"kms:ViaService": {"sqs.us-east-1.amazonaws.com"}}), []*iampolicy.Policy{workerIdentity},
			resourcePolicy(`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"`), mgmt,
			iampolicy.Decision{Allowed: true, Statement: "Keys"}},
		{"KMS called directly",
			decrypt(nil), []*iampolicy.Policy{workerIdentity},
			resourcePolicy(`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"`), mgmt,
			iampolicy.Decision{Reason: "because no identity-based policy allows the kms:Decrypt action"}},
		{"KMS key policy must allow even within the account",
			decrypt(ctx{"kms:ViaService": {"sqs.us-east-1.amazonaws.com"}}), []*iampolicy.Policy{workerIdentity}, nil, mgmt,
			iampolicy.Decision{Reason: "because no resource-based policy allows the kms:Decrypt action"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := iampolicy.Decide(tt.r, tt.identity, tt.resource, tt.account)
			if got != tt.want {
				t.Errorf("Decide = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func send(who iampolicy.Principal, c ctx) iampolicy.Request {
	return iampolicy.Request{Action: "sqs:SendMessage", Resource: queueARN, Principal: who, Context: c}
}

func assume(who iampolicy.Principal, role string, c ctx) iampolicy.Request {
	return iampolicy.Request{Action: "sts:AssumeRole", Resource: role, Principal: who, Context: c}
}

func decrypt(c ctx) iampolicy.Request {
	return iampolicy.Request{Action: "kms:Decrypt", Resource: keyARN, Principal: worker, Context: c}
}

func TestAccessDeniedMessage(t *testing.T) {
	tests := []struct {
		name string
		r    iampolicy.Request
		d    iampolicy.Decision
		want string
	}{
		{"implicit deny",
			send(worker, nil), iampolicy.Decision{Reason: "because no identity-based policy allows the sqs:SendMessage action"},
			"User: " + workerSess + " is not authorized to perform: sqs:SendMessage on resource: " + queueARN +
				" because no identity-based policy allows the sqs:SendMessage action"},
		{"explicit deny in a trust policy",
			assume(worker, execRole, nil), iampolicy.Decision{Reason: "with an explicit deny in the role trust policy", Statement: "NoMgmt"},
			"User: " + workerSess + " is not authorized to perform: sts:AssumeRole on resource: " + execRole + " with an explicit deny in the role trust policy"},
		{"action without a resource",
			iampolicy.Request{Action: "sqs:ListQueues", Resource: "*"}, iampolicy.Decision{Reason: "because no identity-based policy allows the sqs:ListQueues action"},
			"User: " + workerSess + " is not authorized to perform: sqs:ListQueues because no identity-based policy allows the sqs:ListQueues action"},
		{"allowed", send(worker, nil), iampolicy.Decision{Allowed: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := iampolicy.AccessDeniedMessage(workerSess, tt.r, tt.d); got != tt.want {
				t.Errorf("AccessDeniedMessage\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestDecideAgreesWithAccessDeniedMessage(t *testing.T) {
	r := send(memberOps, nil)
	d := iampolicy.Decide(r, nil, nil, mgmt)
	want := "User: " + memberSess + " is not authorized to perform: sqs:SendMessage on resource: " + queueARN +
		" because no identity-based policy allows the sqs:SendMessage action"
	if got := iampolicy.AccessDeniedMessage(memberSess, r, d); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
