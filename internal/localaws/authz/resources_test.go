package authz

import (
	"net/url"
	"testing"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// stubOrg is the organization the resolvers ask for its ID and management
// account.
type stubOrg struct{}

func (stubOrg) ID() string                            { return "o-ab12cd34ef" }
func (stubOrg) ManagementAccount() string             { return "111111111111" }
func (stubOrg) Contains(string) bool                  { return true }
func (stubOrg) Role(string, string) (*org.Role, bool) { return nil, false }

func TestResolvers(t *testing.T) {
	a := New(Config{Org: stubOrg{}, CatalogOwners: map[string]string{"us-east-1/port-shared": "111111111111"}})
	caller := wire.Caller{Account: "222222222222"}
	jsonReq := func(body string) *wire.Request {
		return &wire.Request{Region: "us-east-1", Caller: caller, Body: []byte(body)}
	}
	formReq := func(kv ...string) *wire.Request {
		f := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return &wire.Request{Region: "us-east-1", Caller: caller, Form: f}
	}
	lambdaReq := func(name, qualifier string) *wire.Request {
		return &wire.Request{Region: "us-east-1", Caller: caller, PathParams: map[string]string{"FunctionName": name}, Query: url.Values{"Qualifier": {qualifier}}}
	}
	tests := []struct {
		name string
		res  resolver
		req  *wire.Request
		want string // "" = malformed, left to the operation
	}{
		{"queue url, sqs host", queueFromURL, jsonReq(`{"QueueUrl":"https://sqs.us-west-2.amazonaws.com/111111111111/work"}`), "arn:aws:sqs:us-west-2:111111111111:work"},
		{"queue url, local host", queueFromURL, jsonReq(`{"QueueUrl":"http://localhost:4566/111111111111/work"}`), "arn:aws:sqs:us-east-1:111111111111:work"},
		{"queue url, no account", queueFromURL, jsonReq(`{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/work"}`), ""},
		{"queue url missing", queueFromURL, jsonReq(`{}`), ""},
		{"queue name, owner", queueFromName, jsonReq(`{"QueueName":"work","QueueOwnerAWSAccountId":"111111111111"}`), "arn:aws:sqs:us-east-1:111111111111:work"},
		{"queue name, caller", queueFromName, jsonReq(`{"QueueName":"work"}`), "arn:aws:sqs:us-east-1:222222222222:work"},
		{"topic arn", topicFromForm, formReq("TopicArn", "arn:aws:sns:us-east-1:111111111111:t"), "arn:aws:sns:us-east-1:111111111111:t"},
		{"target arn", topicFromForm, formReq("TargetArn", "arn:aws:sns:us-east-1:111111111111:t"), "arn:aws:sns:us-east-1:111111111111:t"},
		{"topic arn malformed", topicFromForm, formReq("TopicArn", "t"), ""},
		{"new topic", topicFromName, formReq("Name", "t"), "arn:aws:sns:us-east-1:222222222222:t"},
		{"role", roleFromForm, formReq("RoleArn", "arn:aws:iam::111111111111:role/Worker"), "arn:aws:iam::111111111111:role/Worker"},
		{"role malformed", roleFromForm, formReq("RoleArn", "arn:aws:iam::1:role/Worker"), ""},
		{"account", orgEntity("AccountId"), jsonReq(`{"AccountId":"222222222222"}`), "arn:aws:organizations::111111111111:account/o-ab12cd34ef/222222222222"},
		{"ou", orgEntity("ParentId"), jsonReq(`{"ParentId":"ou-ab12-l3zc8b3h"}`), "arn:aws:organizations::111111111111:ou/o-ab12cd34ef/ou-ab12-l3zc8b3h"},
		{"root", orgEntity("ParentId"), jsonReq(`{"ParentId":"r-ab12"}`), "arn:aws:organizations::111111111111:root/o-ab12cd34ef/r-ab12"},
		{"tagged account", orgEntity("ResourceId"), jsonReq(`{"ResourceId":"222222222222"}`), "arn:aws:organizations::111111111111:account/o-ab12cd34ef/222222222222"},
		{"shared portfolio, owner's account", portfolio("PortfolioId"), jsonReq(`{"PortfolioId":"port-shared"}`), "arn:aws:catalog:us-east-1:111111111111:portfolio/port-shared"},
		{"unknown product, caller's account", product("ProductId"), jsonReq(`{"ProductId":"prod-local"}`), "arn:aws:catalog:us-east-1:222222222222:product/prod-local"},
		{"product by name", product("Id"), jsonReq(`{"Name":"baseline-vpc"}`), "*"},
		{"function name", function, lambdaReq("launch", ""), "arn:aws:lambda:us-east-1:222222222222:function:launch"},
		{"function qualifier", function, lambdaReq("launch", "live"), "arn:aws:lambda:us-east-1:222222222222:function:launch:live"},
		{"function partial arn", function, lambdaReq("111111111111:function:launch:1", ""), "arn:aws:lambda:us-east-1:111111111111:function:launch:1"},
		{"function arn", function, lambdaReq("arn:aws:lambda:us-west-2:111111111111:function:launch", ""), "arn:aws:lambda:us-west-2:111111111111:function:launch"},
		{"stack name", stack, formReq("StackName", "Landfall"), "arn:aws:cloudformation:us-east-1:222222222222:stack/Landfall/"},
		{"all stacks", stack, formReq(), "*"},
		{"table", tableOrIndex, jsonReq(`{"TableName":"landfall-runs"}`), "arn:aws:dynamodb:us-east-1:222222222222:table/landfall-runs"},
		{"index", tableOrIndex, jsonReq(`{"TableName":"landfall-runs","IndexName":"byAccount"}`), "arn:aws:dynamodb:us-east-1:222222222222:table/landfall-runs/index/byAccount"},
		{"index without table", tableOrIndex, jsonReq(`{"IndexName":"byAccount"}`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.res(a, &call{r: tt.req})
			switch {
			case tt.want == "" && ok:
				t.Errorf("= %q, want malformed", got)
			case tt.want != "" && (!ok || !hasPrefixOrEqual(got, tt.want)):
				t.Errorf("= %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

// hasPrefixOrEqual allows stack IDs, whose UUID tail the test leaves out.
func hasPrefixOrEqual(got, want string) bool {
	if want[len(want)-1] == '/' {
		return len(got) > len(want) && got[:len(want)] == want
	}
	return got == want
}
