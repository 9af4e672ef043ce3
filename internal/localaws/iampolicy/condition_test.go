package iampolicy_test

import (
	"testing"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
)

// ctx builds a request context from key, values pairs.
type ctx map[string][]string

// conditionHolds evaluates an Allow statement whose only test is condition.
func conditionHolds(t *testing.T, version, condition string, c ctx) bool {
	t.Helper()
	doc := `{` + version + `"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":` + condition + `}]}`
	m := iampolicy.MustParse(doc).Identity(iampolicy.Request{Action: "sqs:SendMessage", Resource: queueARN, Principal: worker, Context: c})
	return m.Effect == iampolicy.Allow
}

const v2012 = `"Version":"2012-10-17",`

func TestConditionOperators(t *testing.T) {
	const (
		eventsRule = `"arn:aws:events:us-east-1:111111111111:rule/*"`
		launchRole = "arn:aws:iam::111111111111:role/Landfall-Launch"
	)
	notLandfall := `{"ArnNotLike":{"aws:PrincipalArn":["` + launchRole + `","` + workerRole + `"]}}`
	tests := []struct {
		name      string
		condition string
		ctx       ctx
		want      bool
	}{
		{"StringEquals", `{"StringEquals":{"k":"a"}}`, ctx{"k": {"a"}}, true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"k":"a"}}`, ctx{"k": {"A"}}, false},
		{"StringEquals other value", `{"StringEquals":{"k":"a"}}`, ctx{"k": {"b"}}, false},
		{"StringEquals missing key", `{"StringEquals":{"k":"a"}}`, nil, false},
		{"StringEquals has no wildcards", `{"StringEquals":{"k":"a*"}}`, ctx{"k": {"abc"}}, false},
		{"StringEquals literal star", `{"StringEquals":{"k":"a*"}}`, ctx{"k": {"a*"}}, true},
		{"values are ORed", `{"StringEquals":{"kms:ViaService":["sns.us-east-1.amazonaws.com","sqs.us-east-1.amazonaws.com"]}}`,
			ctx{"kms:ViaService": {"sqs.us-east-1.amazonaws.com"}}, true},
		{"values are ORed, none matches", `{"StringEquals":{"kms:ViaService":["sns.us-east-1.amazonaws.com","sqs.us-east-1.amazonaws.com"]}}`,
			ctx{"kms:ViaService": {"s3.us-east-1.amazonaws.com"}}, false},
		{"number value", `{"StringEquals":{"k":10}}`, ctx{"k": {"10"}}, true},
		{"condition keys are case-insensitive", `{"StringEquals":{"AWS:SourceAccount":"111111111111"}}`, ctx{"aws:sourceaccount": {"111111111111"}}, true},
		{"StringNotEquals other value", `{"StringNotEquals":{"k":["a","b"]}}`, ctx{"k": {"c"}}, true},
		{"StringNotEquals values are NORed", `{"StringNotEquals":{"k":["a","b"]}}`, ctx{"k": {"b"}}, false},
		{"StringNotEquals missing key", `{"StringNotEquals":{"k":"a"}}`, nil, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"k":"AbC"}}`, ctx{"k": {"abc"}}, true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"k":"abc"}}`, ctx{"k": {"ABC"}}, false},
		{"StringLike", `{"StringLike":{"k":"a*c?"}}`, ctx{"k": {"abbcd"}}, true},
		{"StringLike needs the whole value", `{"StringLike":{"k":"a*c?"}}`, ctx{"k": {"abbc"}}, false},
		{"StringLike is case-sensitive", `{"StringLike":{"k":"a*"}}`, ctx{"k": {"Abc"}}, false},
		{"StringLike star crosses colons", `{"StringLike":{"aws:SourceArn":"arn:aws:sns:*:111111111111:finance/*"}}`,
			ctx{"aws:SourceArn": {"arn:aws:sns:us-east-2:999999999999:store/abc:111111111111:finance/document.txt"}}, true},
		{"StringNotLike matching", `{"StringNotLike":{"k":"dev-*"}}`, ctx{"k": {"dev-1"}}, false},
		{"StringNotLike other", `{"StringNotLike":{"k":"dev-*"}}`, ctx{"k": {"prod"}}, true},
		{"StringNotLike missing key", `{"StringNotLike":{"k":"dev-*"}}`, nil, true},
		{"ArnLike", `{"ArnLike":{"aws:SourceArn":` + eventsRule + `}}`, ctx{"aws:SourceArn": {"arn:aws:events:us-east-1:111111111111:rule/landfall"}}, true},
		{"ArnLike other account", `{"ArnLike":{"aws:SourceArn":` + eventsRule + `}}`, ctx{"aws:SourceArn": {"arn:aws:events:us-east-1:222222222222:rule/landfall"}}, false},
		{"ArnLike missing key", `{"ArnLike":{"aws:SourceArn":` + eventsRule + `}}`, nil, false},
		{"ArnLike parts do not cross colons", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111111111111:finance/*"}}`,
			ctx{"aws:SourceArn": {"arn:aws:sns:us-east-2:999999999999:store/abc:111111111111:finance/document.txt"}}, false},
		{"ArnLike on a value that is not an ARN", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}`, ctx{"aws:SourceArn": {"topic"}}, false},
		{"ArnEquals takes wildcards too", `{"ArnEquals":{"aws:SourceArn":` + eventsRule + `}}`, ctx{"aws:SourceArn": {"arn:aws:events:us-east-1:111111111111:rule/x"}}, true},
		{"ArnNotLike listed role", notLandfall, ctx{"aws:PrincipalArn": {workerRole}}, false},
		{"ArnNotLike other role", notLandfall, ctx{"aws:PrincipalArn": {"arn:aws:iam::111111111111:role/Other"}}, true},
		{"ArnNotLike missing key", notLandfall, nil, true},
		{"ArnNotEquals on a value that is not an ARN", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}`, ctx{"aws:SourceArn": {"topic"}}, true},
		{"Bool false as string", `{"Bool":{"aws:SecureTransport":"false"}}`, ctx{"aws:SecureTransport": {"false"}}, true},
		{"Bool false as JSON", `{"Bool":{"aws:SecureTransport":false}}`, ctx{"aws:SecureTransport": {"false"}}, true},
		{"Bool other value", `{"Bool":{"aws:SecureTransport":"false"}}`, ctx{"aws:SecureTransport": {"true"}}, false},
		{"Bool missing key", `{"Bool":{"aws:SecureTransport":"false"}}`, nil, false},
		{"BoolIfExists missing key", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, nil, true},
		{"BoolIfExists present", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, ctx{"aws:MultiFactorAuthPresent": {"true"}}, false},
		{"Null true, key absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, true},
		{"Null true, key present", `{"Null":{"aws:TokenIssueTime":true}}`, ctx{"aws:TokenIssueTime": {"2026-01-01T00:00:00Z"}}, false},
		{"Null false, key present", `{"Null":{"aws:TokenIssueTime":"false"}}`, ctx{"aws:TokenIssueTime": {"x"}}, true},
		{"Null false, empty list is absent", `{"Null":{"aws:TokenIssueTime":"false"}}`, ctx{"aws:TokenIssueTime": {}}, false},
		{"IfExists missing key", `{"StringEqualsIfExists":{"k":"a"}}`, nil, true},
		{"IfExists present and different", `{"StringEqualsIfExists":{"k":"a"}}`, ctx{"k": {"b"}}, false},
		{"negated IfExists missing key", `{"StringNotEqualsIfExists":{"k":"a"}}`, nil, true},
		{"ForAnyValue one matches", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx{"aws:TagKeys": {"c", "b"}}, true},
		{"ForAnyValue none matches", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx{"aws:TagKeys": {"c", "d"}}, false},
		{"ForAnyValue missing key", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, nil, false},
		{"ForAllValues all listed", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx{"aws:TagKeys": {"b", "a"}}, true},
		{"ForAllValues one not listed", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx{"aws:TagKeys": {"a", "c"}}, false},
		{"ForAllValues missing key", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, nil, true},
		{"ForAllValues negated, all outside", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, ctx{"aws:TagKeys": {"key2:audit"}}, true},
		{"ForAllValues negated, one inside", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, ctx{"aws:TagKeys": {"key2:audit", "key1:legal"}}, false},
		{"ForAllValues negated missing key", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, nil, true},
		{"ForAnyValue negated, one outside", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["DataClass","Owner"]}}`, ctx{"aws:TagKeys": {"Dept", "DataClass"}}, true},
		{"ForAnyValue negated, all inside", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["DataClass","Owner"]}}`, ctx{"aws:TagKeys": {"DataClass", "Owner"}}, false},
		{"ForAnyValue negated missing key", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["DataClass","Owner"]}}`, nil, false},
		{"ForAllValues IfExists missing key", `{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":"a*"}}`, nil, true},
		{"several request values, positive operator: any", `{"StringEquals":{"k":"a"}}`, ctx{"k": {"b", "a"}}, true},
		{"several request values, negated operator: none may match", `{"StringNotEquals":{"k":"a"}}`, ctx{"k": {"b", "a"}}, false},
		{"keys are ANDed", `{"StringEquals":{"k1":"a","k2":"b"}}`, ctx{"k1": {"a"}, "k2": {"b"}}, true},
		{"keys are ANDed, one fails", `{"StringEquals":{"k1":"a","k2":"b"}}`, ctx{"k1": {"a"}, "k2": {"c"}}, false},
		{"operators are ANDed", `{"StringEquals":{"k1":"a"},"Bool":{"k2":"true"}}`, ctx{"k1": {"a"}, "k2": {"false"}}, false},
		{"operators are ANDed, both hold", `{"StringEquals":{"k1":"a"},"Bool":{"k2":"true"}}`, ctx{"k1": {"a"}, "k2": {"true"}}, true},
		{"empty condition", `{}`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := conditionHolds(t, v2012, tt.condition, tt.ctx); got != tt.want {
				t.Errorf("condition %s with %v = %v, want %v", tt.condition, tt.ctx, got, tt.want)
			}
		})
	}
}

func TestPolicyVariablesInConditions(t *testing.T) {
	const sameOrg = `{"StringEquals":{"aws:ResourceOrgID":"${aws:PrincipalOrgID}"}}`
	tests := []struct {
		name      string
		version   string
		condition string
		ctx       ctx
		want      bool
	}{
		{"same organization", v2012, sameOrg, ctx{"aws:ResourceOrgID": {"o-abc"}, "aws:PrincipalOrgID": {"o-abc"}}, true},
		{"other organization", v2012, sameOrg, ctx{"aws:ResourceOrgID": {"o-abc"}, "aws:PrincipalOrgID": {"o-xyz"}}, false},
		{"variable without value", v2012, sameOrg, ctx{"aws:ResourceOrgID": {"o-abc"}}, false},
		{"variable key is case-insensitive", v2012, sameOrg, ctx{"aws:ResourceOrgID": {"o-abc"}, "AWS:PRINCIPALORGID": {"o-abc"}}, true},
		{"multivalued key is no variable", v2012, sameOrg, ctx{"aws:ResourceOrgID": {"o-abc"}, "aws:PrincipalOrgID": {"o-abc", "o-abc"}}, false},
		{"negated operator with a variable without value holds", v2012, `{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}`,
			ctx{"s3:ExistingObjectTag/Team": {"red"}}, true},
		{"default", v2012, `{"StringEquals":{"k":"${aws:PrincipalTag/team, 'company-wide'}"}}`, ctx{"k": {"company-wide"}}, true},
		{"default unused when the key has a value", v2012, `{"StringEquals":{"k":"${aws:PrincipalTag/team, 'company-wide'}"}}`,
			ctx{"k": {"company-wide"}, "aws:PrincipalTag/team": {"yellow"}}, false},
		{"variable inside StringLike", v2012, `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, ctx{"s3:prefix": {"home/alice/docs"}, "aws:username": {"alice"}}, true},
		{"variable value is literal in StringLike", v2012, `{"StringLike":{"s3:prefix":"${aws:username}"}}`, ctx{"s3:prefix": {"alice"}, "aws:username": {"a*"}}, false},
		{"escaped star is literal", v2012, `{"StringLike":{"k":"a${*}"}}`, ctx{"k": {"abc"}}, false},
		{"escaped star matches a star", v2012, `{"StringLike":{"k":"a${*}"}}`, ctx{"k": {"a*"}}, true},
		{"escaped question mark and dollar", v2012, `{"StringLike":{"k":"${?}${$}"}}`, ctx{"k": {"?$"}}, true},
		{"variable in ArnEquals", v2012, `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:${aws:PrincipalAccount}:topic"}}`,
			ctx{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:topic"}, "aws:PrincipalAccount": {"111111111111"}}, true},
		{"2008 version: variable is literal", `"Version":"2008-10-17",`, sameOrg, ctx{"aws:ResourceOrgID": {"o-abc"}, "aws:PrincipalOrgID": {"o-abc"}}, false},
		{"2008 version: literal text matches", `"Version":"2008-10-17",`, sameOrg, ctx{"aws:ResourceOrgID": {"${aws:PrincipalOrgID}"}}, true},
		{"no version: variable is literal", "", sameOrg, ctx{"aws:ResourceOrgID": {"${aws:PrincipalOrgID}"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := conditionHolds(t, tt.version, tt.condition, tt.ctx); got != tt.want {
				t.Errorf("condition %s with %v = %v, want %v", tt.condition, tt.ctx, got, tt.want)
			}
		})
	}
}

func TestPolicyVariablesInResources(t *testing.T) {
	tests := []struct {
		name     string
		version  string
		resource string
		request  string
		ctx      ctx
		want     iampolicy.Effect
	}{
		{"user's own prefix", v2012, "arn:aws:s3:::bucket/${aws:username}/*", "arn:aws:s3:::bucket/alice/x", ctx{"aws:username": {"alice"}}, iampolicy.Allow},
		{"someone else's prefix", v2012, "arn:aws:s3:::bucket/${aws:username}/*", "arn:aws:s3:::bucket/bob/x", ctx{"aws:username": {"alice"}}, iampolicy.NoMatch},
		{"no value matches nothing", v2012, "arn:aws:s3:::bucket/${aws:username}/*", "arn:aws:s3:::bucket//x", nil, iampolicy.NoMatch},
		{"default", v2012, "arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}", "arn:aws:s3:::bucket-company-wide", nil, iampolicy.Allow},
		{"value over default", v2012, "arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}", "arn:aws:s3:::bucket-yellow",
			ctx{"aws:PrincipalTag/team": {"yellow"}}, iampolicy.Allow},
		{"substituted star is literal", v2012, "arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/abc", ctx{"aws:username": {"a*"}}, iampolicy.NoMatch},
		{"escaped star matches only a star", v2012, "arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", nil, iampolicy.NoMatch},
		{"escaped star matches a star", v2012, "arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", nil, iampolicy.Allow},
		{"2008: literal", "", "arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/alice", ctx{"aws:username": {"alice"}}, iampolicy.NoMatch},
		{"2008: literal text", "", "arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/${aws:username}", nil, iampolicy.Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{` + tt.version + `"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"` + tt.resource + `"}]}`
			got := iampolicy.MustParse(doc).Identity(iampolicy.Request{Action: "s3:GetObject", Resource: tt.request, Context: tt.ctx})
			if got.Effect != tt.want {
				t.Errorf("Identity = %v, want %v", got.Effect, tt.want)
			}
		})
	}
}

func TestNotResourceWithVariableWithoutValue(t *testing.T) {
	// An entry whose variable has no value matches no resource, so it
	// excludes nothing from a NotResource statement.
	p := iampolicy.MustParse(stmt(`"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*"`))
	r := iampolicy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/alice/x"}
	if got := p.Identity(r); got.Effect != iampolicy.Deny {
		t.Errorf("without aws:username: %v, want Deny", got.Effect)
	}
	r.Context = ctx{"aws:username": {"alice"}}
	if got := p.Identity(r); got.Effect != iampolicy.NoMatch {
		t.Errorf("with aws:username: %v, want NoMatch", got.Effect)
	}
}
