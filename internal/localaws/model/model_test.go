package model_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/localaws/model"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// skippedPatterns is how many model patterns RE2 cannot express; the
// validator does not check them. Raise it only with a reason in README.md.
const skippedPatterns = 0

func TestSkippedPatterns(t *testing.T) {
	models, err := model.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := model.SkippedPatterns(models); len(got) != skippedPatterns {
		t.Errorf("%d patterns skipped, want %d:\n%s", len(got), skippedPatterns, strings.Join(got, "\n"))
	}
	patterns := 0
	for _, s := range models {
		for _, sh := range s.Shapes {
			if sh.Pattern != "" {
				patterns++
			}
		}
	}
	t.Logf("%d services, %d patterns, %d skipped", len(models), patterns, skippedPatterns)
}

// TestEveryEmulatedOperationHasAModel keeps the generator's operation list
// and the base requests in step with the models.
func TestEveryEmulatedOperationHasAModel(t *testing.T) {
	models, err := model.Load()
	if err != nil {
		t.Fatal(err)
	}
	for svc, ops := range baseRequests {
		for op := range ops {
			if _, ok := models[svc].Operations[op]; !ok {
				t.Errorf("%s.%s has a base request but no model", svc, op)
			}
		}
	}
	for name, s := range models {
		for op := range s.Operations {
			if baseRequests[name][op] == nil {
				t.Errorf("%s.%s has a model but no base request in the table", name, op)
			}
		}
	}
}

func TestRefusals(t *testing.T) {
	v, err := model.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		req  *wire.Request
		code string
		msg  string
		// reason is Organizations' InvalidInputException Reason.
		reason string
	}{
		{"service catalog pattern", &wire.Request{Service: "servicecatalog", Operation: "DescribeProduct", Protocol: wire.JSON11,
			Body: []byte(`{"Id":"prod x"}`)}, "ValidationException",
			`1 validation error detected: Value 'prod x' at 'id' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\-]*`, ""},
		{"service catalog, every violation", &wire.Request{Service: "servicecatalog", Operation: "ProvisionProduct", Protocol: wire.JSON11,
			Body: []byte(`{"ProvisionedProductName":"x","Tags":[{"Value":"v"}]}`)}, "ValidationException",
			// In the model's member order.
			"2 validation errors detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'provisionToken' failed to satisfy constraint: Member must not be null", ""},
		{"organizations", &wire.Request{Service: "organizations", Operation: "DescribeAccount", Protocol: wire.JSON11,
			Body: []byte(`{"AccountId":"12345"}`)}, "InvalidInputException",
			`1 validation error detected: Value '12345' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\d{12}$`, "INVALID_PATTERN"},
		{"organizations range", &wire.Request{Service: "organizations", Operation: "ListRoots", Protocol: wire.JSON11,
			Body: []byte(`{"MaxResults":21}`)}, "InvalidInputException", "Member must have value less than or equal to 20", "MAX_VALUE_EXCEEDED"},
		{"sts missing", &wire.Request{Service: "sts", Operation: "AssumeRole", Protocol: wire.Query,
			Form: url.Values{"RoleSessionName": {"s"}}}, "MissingParameter", "The request must contain the parameter RoleArn.", ""},
		{"sts nested", &wire.Request{Service: "sts", Operation: "AssumeRole", Protocol: wire.Query,
			Form: url.Values{"RoleArn": {"arn:aws:iam::222222222222:role/R"}, "RoleSessionName": {"ses"}, "Tags.member.1.Key": {"a*"}, "Tags.member.1.Value": {"v"}}},
			"ValidationError", "Value 'a*' at 'tags.1.member.key'", ""},
		{"sns", &wire.Request{Service: "sns", Operation: "CreateTopic", Protocol: wire.Query,
			Form: url.Values{"Name": {"t"}, "Tags.member.1.Value": {"v"}}}, "InvalidParameter",
			"Invalid parameter: Tags.member.1.Key Reason: no value for required parameter", ""},
		{"sqs attribute", &wire.Request{Service: "sqs", Operation: "GetQueueAttributes", Protocol: wire.JSON10,
			Body: []byte(`{"QueueUrl":"u","AttributeNames":["Bogus"]}`)}, "InvalidAttributeName", "Unknown Attribute Bogus.", ""},
		{"sqs attribute map", &wire.Request{Service: "sqs", Operation: "SetQueueAttributes", Protocol: wire.JSON10,
			Body: []byte(`{"QueueUrl":"u","Attributes":{"DelaySeconds":"1","Bogus":"x"}}`)}, "InvalidAttributeName", "Unknown Attribute Bogus.", ""},
		{"lambda label", &wire.Request{Service: "lambda", Operation: "GetFunction", Protocol: wire.RESTJSON,
			PathParams: map[string]string{"FunctionName": "a b"}}, "ValidationException", "Value 'a b' at 'functionName'", ""},
		{"account enum", &wire.Request{Service: "account", Operation: "ListRegions", Protocol: wire.RESTJSON,
			Body: []byte(`{"RegionOptStatusContains":["ENABLED","enabled"]}`)}, "ValidationException",
			`[instance value ("enabled") not found in enum (possible values: ["ENABLED","ENABLING","DISABLING","DISABLED","ENABLED_BY_DEFAULT"])]`, ""},
		{"account range", &wire.Request{Service: "account", Operation: "ListRegions", Protocol: wire.RESTJSON,
			Body: []byte(`{"MaxResults":51}`)}, "ValidationException", "Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate(tt.req)
			we, ok := err.(*wire.Error)
			if !ok || we.Code != tt.code || !strings.Contains(we.Message, tt.msg) {
				t.Fatalf("Validate = %v, want %s containing %q", err, tt.code, tt.msg)
			}
			if tt.reason != "" && we.Fields["Reason"] != tt.reason {
				t.Errorf("Reason = %v, want %s", we.Fields["Reason"], tt.reason)
			}
		})
	}

	// Valid requests, unknown services and operations, and bodies the
	// operation will refuse as malformed itself all pass.
	for _, r := range []*wire.Request{
		{Service: "servicecatalog", Operation: "DescribeProduct", Protocol: wire.JSON11, Body: []byte(`{"Id":"prod-abc"}`)},
		{Service: "servicecatalog", Operation: "DescribeProduct", Protocol: wire.JSON11, Body: []byte(`{"Id":`)},
		{Service: "servicecatalog", Operation: "CreatePortfolio", Protocol: wire.JSON11, Body: []byte(`{}`)},
		{Service: "ec2", Operation: "RunInstances", Protocol: wire.Query},
		{Service: "sqs", Operation: "ReceiveMessage", Protocol: wire.JSON10, Body: []byte(`{"QueueUrl":"u","AttributeNames":["SentTimestamp"]}`)},
	} {
		if err := v.Validate(r); err != nil {
			t.Errorf("Validate(%s.%s %s) = %v, want nil", r.Service, r.Operation, r.Body, err)
		}
	}
}
