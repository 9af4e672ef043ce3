package iampolicy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/fielderror"
	"github.com/landfall/landfall/internal/localaws/iampolicy"
)

// stmt wraps one statement's members into a 2012 policy.
func stmt(members string) string {
	return `{"Version":"2012-10-17","Statement":[{` + members + `}]}`
}

func TestParseRefuses(t *testing.T) {
	const allowAll = `"Effect":"Allow","Action":"*","Resource":"*"`
	tests := []struct {
		name string
		doc  string
		want string // the whole error, or its start when it ends in "..."
	}{
		{"not an object", `[]`, `(policy): must be a JSON object, got array`},
		// The misspelling is the input under test.
		{"unknown top-level element", `{"Version":"2012-10-17","Statment":[]}`, //nolint:misspell // deliberate typo

			`(policy): has an element the policy language does not define (got "Statment"); did you mean "Statement"?`}, //nolint:misspell // deliberate typo
		{"unknown version", `{"Version":"2012-10-18","Statement":[]}`,
			`Version: is not a version of the policy language (got "2012-10-18"); use "2012-10-17" (or "2008-10-17", without policy variables)`},
		{"no statement", `{"Version":"2012-10-17"}`, `Statement: is missing; add a statement, or an array of them`},
		{"statement is a string", `{"Statement":"x"}`, `Statement: must be an object or an array of objects, got string`},
		{"unknown statement element", stmt(allowAll + `,"Resources":"*"`),
			`Statement[0]: has an element the policy language does not define (got "Resources"); did you mean "Resource"?`},
		{"no effect", stmt(`"Action":"*","Resource":"*"`), `Statement[0].Effect: is missing; set "Effect": "Allow" or "Deny"`},
		{"effect in lower case", stmt(`"Effect":"allow","Action":"*","Resource":"*"`),
			`Statement[0].Effect: is not an effect (got "allow"); use "Allow" or "Deny" (case-sensitive)`},
		{"action and not action", stmt(allowAll + `,"NotAction":"s3:*"`), `Statement[0]: has both Action and NotAction; keep one of them`},
		{"no action", stmt(`"Effect":"Allow","Resource":"*"`), `Statement[0]: has no Action or NotAction; add ...`},
		{"action without service", stmt(`"Effect":"Allow","Action":["sqs:SendMessage","SendMessage"],"Resource":"*"`),
			`Statement[0].Action[1]: is not prefixed by a service (got "SendMessage"); write actions as ...`},
		{"empty action list", stmt(`"Effect":"Allow","Action":[],"Resource":"*"`), `Statement[0].Action: is an empty list; give at least one value`},
		{"action is a number", stmt(`"Effect":"Allow","Action":3,"Resource":"*"`), `Statement[0].Action: must be a string or an array of strings, got number`},
		{"resource not an ARN", stmt(`"Effect":"Allow","Action":"*","Resource":"vpc-123"`),
			`Statement[0].Resource[0]: must be in ARN format or "*" (got "vpc-123"); write "*" or a full ARN, ...`},
		{"resource with too few parts", stmt(`"Effect":"Allow","Action":"*","Resource":"arn:aws:sqs:*"`),
			`Statement[0].Resource[0]: must be in ARN format or "*" ...`},
		{"variable in the account part", stmt(`"Effect":"Allow","Action":"*","Resource":"arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:q"`),
			`Statement[0].Resource[0]: uses a policy variable before the resource part of the ARN ...`},
		{"unterminated variable", stmt(`"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username"`),
			`Statement[0].Resource[0]: has a malformed policy variable (got "arn:aws:s3:::b/${aws:username"); policy variable "${aws:username" is not closed; ...`},
		{"default not quoted", stmt(allowAll + `,"Condition":{"StringEquals":{"k":"${aws:username, bob}"}}`),
			`Statement[0].Condition.StringEquals.k: has a malformed policy variable (got "${aws:username, bob}"); policy variable ${aws:username, bob} has a default that is not in single quotes: ...`},
		{"empty variable", stmt(allowAll + `,"Condition":{"StringEquals":{"k":"${}"}}`),
			`Statement[0].Condition.StringEquals.k: has a malformed policy variable ...`},
		{"not principal with allow", stmt(allowAll + `,"NotPrincipal":{"AWS":"111111111111"}`),
			`Statement[0].NotPrincipal: with "Effect": "Allow" grants every principal but the ones named, including anonymous ones, and is not supported; ...`},
		{"principal and not principal", stmt(`"Effect":"Deny","Action":"*","Principal":"*","NotPrincipal":"*"`),
			`Statement[0]: has both Principal and NotPrincipal; keep one of them`},
		{"wildcard inside a principal", stmt(allowAll + `,"Principal":{"AWS":"arn:aws:iam::*:role/X"}`),
			`Statement[0].Principal.AWS[0]: has a wildcard, which cannot match part of a principal (got "arn:aws:iam::*:role/X"); use "*", an account ID, ...`},
		{"principal as an ARN string", stmt(allowAll + `,"Principal":"arn:aws:iam::111111111111:root"`),
			`Statement[0].Principal: is not a principal (got "arn:aws:iam::111111111111:root"); ...`},
		{"principal of an unknown kind", stmt(allowAll + `,"Principal":{"CanonicalUser":"abc"}`),
			`Statement[0].Principal: has an element the policy language does not define (got "CanonicalUser"); use AWS, Service or Federated`},
		{"principal that is not an identity", stmt(allowAll + `,"Principal":{"AWS":"arn:aws:sqs:us-east-1:111111111111:q"}`),
			`Statement[0].Principal.AWS[0]: is not an account ID or an IAM or STS principal ARN ...`},
		{"numeric operator", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"},` +
			`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}]}`,
			`Statement[2].Condition: operator "NumericLessThan" is not supported; use one of StringEquals, ...`},
		{"ip operator", stmt(allowAll + `,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`),
			`Statement[0].Condition: operator "IpAddress" is not supported; use one of ...`},
		{"misspelt operator", stmt(allowAll + `,"Condition":{"StringEqual":{"k":"v"}}`),
			`Statement[0].Condition: operator "StringEqual" is not supported; did you mean "StringEquals"? use one of ...`},
		{"null if exists", stmt(allowAll + `,"Condition":{"NullIfExists":{"k":"true"}}`),
			`Statement[0].Condition: operator "NullIfExists" is not valid: Null tests whether a key is present and takes neither IfExists nor a set prefix`},
		{"set prefix on null", stmt(allowAll + `,"Condition":{"ForAnyValue:Null":{"k":"true"}}`),
			`Statement[0].Condition: operator "ForAnyValue:Null" is not valid: ...`},
		{"bool value", stmt(allowAll + `,"Condition":{"Bool":{"aws:SecureTransport":"yes"}}`),
			`Statement[0].Condition.Bool.aws:SecureTransport: is not a Bool value (got "yes"); use true or false`},
		{"null value", stmt(allowAll + `,"Condition":{"Null":{"k":["true","maybe"]}}`),
			`Statement[0].Condition.Null.k[1]: is not a Null value (got "maybe"); ...`},
		{"arn value that is not an ARN", stmt(allowAll + `,"Condition":{"ArnLike":{"aws:SourceArn":"my-topic"}}`),
			`Statement[0].Condition.ArnLike.aws:SourceArn: is not an ARN (got "my-topic"); write arn:partition:service:region:account:resource ...`},
		{"condition value is an object", stmt(allowAll + `,"Condition":{"StringEquals":{"k":{"a":"b"}}}`),
			`Statement[0].Condition.StringEquals.k: must be a string, boolean or number, or an array of them, got object`},
		{"condition is a list", stmt(allowAll + `,"Condition":[]`), `Statement[0].Condition: must be a JSON object, got array`},
		{"duplicate sid", `{"Statement":[{"Sid":"A",` + allowAll + `},{"Sid":"A",` + allowAll + `}]}`,
			`Statement[1].Sid: repeats the Sid of Statement[0] (got "A"); give every statement of a policy its own Sid`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := iampolicy.Parse([]byte(tt.doc))
			if err == nil {
				t.Fatalf("Parse accepted %s as %s", tt.doc, p)
			}
			var fe *fielderror.Error
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *fielderror.Error", err)
			}
			got := err.Error()
			if prefix, ok := strings.CutSuffix(tt.want, "..."); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Errorf("error\n got %s\nwant %s", got, tt.want)
				}
			} else if got != tt.want {
				t.Errorf("error\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// landfallPolicies are the shapes the synthesized CDK stack produces.
var landfallPolicies = map[string]string{
	"worker identity": `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "Queue", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
	     "Resource": "arn:aws:sqs:us-east-1:111111111111:Landfall-WorkQueue"},
	    {"Sid": "AssumeExecution", "Effect": "Allow", "Action": "sts:AssumeRole",
	     "Resource": "arn:aws:iam::*:role/AWSControlTowerExecution",
	     "Condition": {"StringEquals": {"aws:ResourceOrgID": "${aws:PrincipalOrgID}"}}},
	    {"Sid": "Keys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
	     "Resource": "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	     "Condition": {"StringEquals": {"kms:ViaService": ["sns.us-east-1.amazonaws.com", "sqs.us-east-1.amazonaws.com"]}}}
	  ]
	}`,
	"queue policy": `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "TlsOnly", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*",
	     "Resource": "arn:aws:sqs:us-east-1:111111111111:Landfall-WorkQueue",
	     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
	    {"Sid": "OnlyLandfall", "Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage",
	     "Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/Landfall-Launch", "arn:aws:iam::111111111111:role/Landfall-Worker"]}}},
	    {"Sid": "Events", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
	     "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:events:us-east-1:111111111111:rule/*"}}}
	  ]
	}`,
	"trust policy, single statement object": `{
	  "Version": "2012-10-17",
	  "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}
	}`,
	"2008 policy without version": `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username"}]}`,
}

func TestParseAcceptsLandfallPolicies(t *testing.T) {
	for name, doc := range landfallPolicies {
		t.Run(name, func(t *testing.T) {
			p, err := iampolicy.Parse([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if s := p.String(); strings.ContainsAny(s, "\n\t") || strings.Contains(s, `": "`) {
				t.Errorf("String() is not compact: %s", s)
			}
			again, err := iampolicy.Parse([]byte(p.String()))
			if err != nil || again.String() != p.String() {
				t.Errorf("String() does not parse back to itself: %v\n%s\n%s", err, p, again)
			}
		})
	}
}

func TestMustParsePanicsOnError(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "Statement: is missing") {
			t.Errorf("recovered %v, want the Parse error", r)
		}
	}()
	iampolicy.MustParse(`{}`)
}

func TestCheckPolicyTypes(t *testing.T) {
	tests := []struct {
		name           string
		doc            string
		identity, resc string // wanted error starts, "" for none
	}{
		{"identity policy", stmt(`"Effect":"Allow","Action":"*","Resource":"*"`), "", "Statement[0]: has no Principal or NotPrincipal"},
		{"trust policy", stmt(`"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}`),
			"Statement[0].Principal: is not allowed in an identity-based policy", ""},
		{"deny with not principal", stmt(`"Effect":"Deny","Action":"*","Resource":"*","NotPrincipal":{"AWS":"111111111111"}`),
			"Statement[0].NotPrincipal: is not allowed in an identity-based policy", ""},
		{"identity statement without resource", stmt(`"Effect":"Allow","Action":"*"`), "Statement[0]: has no Resource or NotResource", "Statement[0]: has no Principal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := iampolicy.MustParse(tt.doc)
			check(t, "CheckIdentity", p.CheckIdentity(), tt.identity)
			check(t, "CheckResource", p.CheckResource(), tt.resc)
		})
	}
}

func check(t *testing.T, what string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: %v, want nil", what, err)
	case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
		t.Errorf("%s: %v, want %q...", what, err, want)
	}
}
