package stack

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/eventpattern"
	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/plan"
)

func TestResourceCounts(t *testing.T) {
	s := stackFor(t)
	want := map[string]int{
		"AWS::CloudWatch::Alarm":          9,
		"AWS::CloudWatch::Dashboard":      1,
		"AWS::DynamoDB::Table":            1,
		"AWS::Events::Rule":               2,
		"AWS::IAM::Policy":                2,
		"AWS::IAM::Role":                  2,
		"AWS::KMS::Key":                   1,
		"AWS::Lambda::EventInvokeConfig":  1,
		"AWS::Lambda::EventSourceMapping": 1,
		"AWS::Lambda::Function":           2,
		"AWS::Lambda::LayerVersion":       1,
		"AWS::Lambda::Permission":         2,
		"AWS::Logs::LogGroup":             2,
		"AWS::SNS::Topic":                 2,
		"AWS::SNS::TopicPolicy":           2,
		"AWS::SQS::Queue":                 4,
		"AWS::SQS::QueuePolicy":           4,
	}
	got := map[string]int{}
	for _, r := range s.doc["Resources"].(map[string]any) {
		got[r.(map[string]any)["Type"].(string)]++
	}
	equalJSON(t, "resource counts", got, want)
	for typ, n := range want {
		assert(t, "ResourceCountIs "+typ, func() { s.template.ResourceCountIs(jsii.String(typ), jsii.Number(n)) })
	}
}

func TestLifecycleRule(t *testing.T) {
	s := stackFor(t)
	equalJSON(t, "rule", s.props(t, "LifecycleRule"), map[string]any{
		"Description": "Control Tower account lifecycle events (account created or updated) start Landfall account runs",
		"EventPattern": map[string]any{
			"source":      []string{"aws.controltower"},
			"detail-type": []string{"AWS Service Event via CloudTrail"},
			"detail":      map[string]any{"eventName": []string{"CreateManagedAccount", "UpdateManagedAccount"}},
		},
		"Name":  "LandfallA343B1E1-lifecycle",
		"State": "ENABLED",
		"Targets": []any{map[string]any{
			"Id":               "Target0",
			"Arn":              s.getAtt(t, "LaunchFunction", "Arn"),
			"RetryPolicy":      map[string]any{"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 7200},
			"DeadLetterConfig": map[string]any{"Arn": s.getAtt(t, "EventDeadLetterQueue", "Arn")},
		}},
	})
	// The rule is on the default bus: no EventBusName.
	// EventBridge may invoke the launch function for Landfall's two rules
	// only (the Organizations rule: TestOrganizationsRule), one permission
	// each.
	var perms []any
	for _, p := range s.resourcesOf("AWS::Lambda::Permission") {
		perms = append(perms, p["Properties"])
	}
	sort.Slice(perms, func(i, j int) bool { return jsonOf(perms[i]) < jsonOf(perms[j]) })
	want := []any{}
	for _, rule := range []string{"LifecycleRule", "OrganizationsRule"} {
		want = append(want, map[string]any{
			"Action":       "lambda:InvokeFunction",
			"FunctionName": s.getAtt(t, "LaunchFunction", "Arn"),
			"Principal":    "events.amazonaws.com",
			"SourceArn":    s.getAtt(t, rule, "Arn"),
		})
	}
	sort.Slice(want, func(i, j int) bool { return jsonOf(want[i]) < jsonOf(want[j]) })
	equalJSON(t, "invoke permissions", perms, want)
}

// TestEventPatternMatchesSamples reads the pattern back from the template and
// runs it over the Control Tower sample events.
func TestEventPatternMatchesSamples(t *testing.T) {
	s := stackFor(t)
	raw, err := json.Marshal(s.props(t, "LifecycleRule")["EventPattern"])
	if err != nil {
		t.Fatal(err)
	}
	pattern, err := eventpattern.Compile(raw)
	if err != nil {
		t.Fatalf("compile the template's pattern: %v", err)
	}
	tests := []struct {
		file string
		want bool
	}{
		{"create-managed-account-succeeded.json", true},
		{"update-managed-account-succeeded.json", true},
		// FAILED events reach the launch function, which reports them.
		{"create-managed-account-failed.json", true},
		{"register-organizational-unit-succeeded.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := pattern.Match(samples.Event(tt.file))
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != tt.want {
				t.Errorf("rule matches %s = %v, want %v", tt.file, got, tt.want)
			}
		})
	}
}

func TestFunctions(t *testing.T) {
	s := stackFor(t)
	common := map[string]any{
		"LANDFALL_PLAN_FILE":           "/opt/landfall/plan.yaml",
		"LANDFALL_QUEUE_URL":           s.ref(t, "WorkQueue"),
		"LANDFALL_TOPIC_ARN":           s.ref(t, "SummaryTopic"),
		"LANDFALL_EXECUTION_ROLE_NAME": "AWSControlTowerExecution",
		"LANDFALL_LOG_LEVEL":           "info",
		"LANDFALL_LEDGER_TABLE":        s.ref(t, "Ledger"),
		"LANDFALL_RUN_RETENTION_DAYS":  "90",
	}
	with := func(k, v string) map[string]any {
		out := map[string]any{k: v}
		for key, val := range common {
			out[key] = val
		}
		return out
	}
	tests := []struct {
		name, path string
		memory     int
		env        map[string]any
		reserved   any // ReservedConcurrentExecutions; nil: none
	}{
		{"launch", "LaunchFunction", 256, with("LANDFALL_WORKER_CONCURRENCY", "5"), 10},
		// The event source mapping's maximum concurrency caps the worker.
		{"worker", "WorkerFunction", 512, with("LANDFALL_TARGET_CONCURRENCY", "8"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.props(t, tt.path)
			delete(p, "Code") // an asset location; checked in TestAssets
			delete(p, "Description")
			want := map[string]any{
				"Runtime":       "provided.al2023",
				"Architectures": []string{"arm64"},
				"Handler":       "bootstrap",
				"MemorySize":    tt.memory,
				"Timeout":       300,
				"Role":          s.getAtt(t, strings.TrimSuffix(tt.path, "Function")+"Role", "Arn"),
				"Layers":        []any{s.ref(t, "PlanLayer")},
				"Environment":   map[string]any{"Variables": tt.env},
				"LoggingConfig": map[string]any{
					"LogFormat":           "JSON",
					"ApplicationLogLevel": "INFO",
					"LogGroup":            s.ref(t, tt.path+"Logs"),
				},
			}
			if tt.reserved != nil {
				want["ReservedConcurrentExecutions"] = tt.reserved
			}
			equalJSON(t, tt.name+" function", p, want)
			_, logs := s.resource(t, tt.path+"Logs")
			equalJSON(t, "log group", logs["Properties"], map[string]any{
				"LogGroupName":    "/landfall/LandfallA343B1E1/" + tt.name,
				"RetentionInDays": 90,
				"KmsKeyId":        s.getAtt(t, "Key", "Arn"),
			})
			if logs["DeletionPolicy"] != "Retain" {
				t.Errorf("log group DeletionPolicy = %v, want Retain", logs["DeletionPolicy"])
			}
		})
	}
	assert(t, "function properties via assertions", func() {
		s.template.HasResourceProperties(jsii.String("AWS::Lambda::Function"), assertions.Match_ObjectLike(&map[string]any{
			"Runtime": "provided.al2023", "Architectures": []any{"arm64"}, "Handler": "bootstrap", "MemorySize": 512, "Timeout": 300,
		}))
	})
}

func TestLaunchAsyncInvokeConfig(t *testing.T) {
	s := stackFor(t)
	equalJSON(t, "event invoke config", s.props(t, "LaunchAsyncConfig"), map[string]any{
		"FunctionName":             s.ref(t, "LaunchFunction"),
		"Qualifier":                "$LATEST",
		"MaximumRetryAttempts":     2,
		"MaximumEventAgeInSeconds": 3600,
		"DestinationConfig":        map[string]any{"OnFailure": map[string]any{"Destination": s.getAtt(t, "LaunchFailureQueue", "Arn")}},
	})
}

func TestQueues(t *testing.T) {
	s := stackFor(t)
	key := s.getAtt(t, "Key", "Arn")
	dlq := func() map[string]any {
		return map[string]any{"KmsMasterKeyId": key, "MessageRetentionPeriod": 14 * 24 * 3600}
	}
	tests := []struct {
		path       string
		want       map[string]any
		statements int
	}{
		{"WorkQueue", map[string]any{
			"KmsMasterKeyId":         key,
			"MessageRetentionPeriod": 4 * 24 * 3600,
			// Six times the worker's 300 s timeout.
			"VisibilityTimeout": 1800,
			"RedrivePolicy":     map[string]any{"deadLetterTargetArn": s.getAtt(t, "WorkDeadLetterQueue", "Arn"), "maxReceiveCount": 5},
		}, 2},
		{"WorkDeadLetterQueue", dlq(), 1},
		// TLS, an Allow per rule (lifecycle, Organizations), the Deny.
		{"EventDeadLetterQueue", dlq(), 4},
		{"LaunchFailureQueue", dlq(), 2},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			equalJSON(t, tt.path, s.props(t, tt.path), tt.want)
			// Every queue refuses plain HTTP.
			policy := s.props(t, tt.path+"/Policy")
			equalJSON(t, tt.path+" policy queues", policy["Queues"], []any{s.ref(t, tt.path)})
			stmts := policy["PolicyDocument"].(map[string]any)["Statement"].([]any)
			equalJSON(t, tt.path+" TLS statement", stmts[0], map[string]any{
				"Action":    "sqs:*",
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
				"Effect":    "Deny",
				"Principal": map[string]any{"AWS": "*"},
				"Resource":  s.getAtt(t, tt.path, "Arn"),
			})
			// Then each queue's senders (TestQueuePolicies).
			if len(stmts) != tt.statements {
				t.Errorf("%s policy has %d statements, want %d", tt.path, len(stmts), tt.statements)
			}
		})
	}
}

func TestWorkerEventSource(t *testing.T) {
	s := stackFor(t)
	esms := s.resourcesOf("AWS::Lambda::EventSourceMapping")
	if len(esms) != 1 {
		t.Fatalf("%d event source mappings, want 1", len(esms))
	}
	for _, m := range esms {
		equalJSON(t, "event source mapping", m["Properties"], map[string]any{
			"BatchSize":             1,
			"EventSourceArn":        s.getAtt(t, "WorkQueue", "Arn"),
			"FunctionName":          s.ref(t, "WorkerFunction"),
			"FunctionResponseTypes": []string{"ReportBatchItemFailures"},
			"ScalingConfig":         map[string]any{"MaximumConcurrency": 5},
		})
	}
}

func TestTopics(t *testing.T) {
	s := stackFor(t)
	key := s.getAtt(t, "Key", "Arn")
	equalJSON(t, "summary topic", s.props(t, "SummaryTopic"), map[string]any{"DisplayName": "Landfall run summaries", "KmsMasterKeyId": key})
	equalJSON(t, "alarm topic", s.props(t, "AlarmTopic"), map[string]any{"DisplayName": "Landfall alarms", "KmsMasterKeyId": key})
	tls := func(topic string) map[string]any {
		return map[string]any{
			"Action":    "sns:Publish",
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			"Effect":    "Deny",
			"Principal": "*",
			"Resource":  s.ref(t, topic),
			"Sid":       "AllowPublishThroughSSLOnly",
		}
	}
	doc := func(stmts ...any) map[string]any {
		return map[string]any{"Statement": stmts, "Version": "2012-10-17"}
	}
	equalJSON(t, "summary topic policy", s.props(t, "SummaryTopic/Policy"), map[string]any{
		"PolicyDocument": doc(
			tls("SummaryTopic"),
			denyUnless("OnlyLandfallPublishesSummaries", "sns:Publish", s.ref(t, "SummaryTopic"),
				map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": s.functionRoles(t)}}),
			offeredProtocolsOnly(s.ref(t, "SummaryTopic")),
		),
		"Topics": []any{s.ref(t, "SummaryTopic")},
	})
	alarms := join("arn:", pseudo("AWS::Partition"), ":cloudwatch:", pseudo("AWS::Region"), ":", pseudo("AWS::AccountId"), ":alarm:*")
	equalJSON(t, "alarm topic policy", s.props(t, "AlarmTopic/Policy"), map[string]any{
		"PolicyDocument": doc(
			tls("AlarmTopic"),
			map[string]any{
				"Action": "sns:Publish",
				"Condition": map[string]any{
					"ArnLike":      map[string]any{"aws:SourceArn": alarms},
					"StringEquals": map[string]any{"aws:SourceAccount": pseudo("AWS::AccountId")},
				},
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
				"Resource":  s.ref(t, "AlarmTopic"),
				"Sid":       "AllowThisAccountsAlarms",
			},
			denyUnless("OnlyThisAccountsAlarmsPublish", "sns:Publish", s.ref(t, "AlarmTopic"),
				map[string]any{"ArnNotLike": map[string]any{"aws:SourceArn": alarms}}),
			offeredProtocolsOnly(s.ref(t, "AlarmTopic")),
		),
		"Topics": []any{s.ref(t, "AlarmTopic")},
	})
	// cdk.json ships no addresses: no subscriptions until the team adds them.
	assert(t, "no subscriptions by default", func() {
		s.template.ResourceCountIs(jsii.String("AWS::SNS::Subscription"), jsii.Number(0))
	})
}

func TestKey(t *testing.T) {
	s := stackFor(t)
	_, key := s.resource(t, "Key")
	if key["DeletionPolicy"] != "Retain" || key["UpdateReplacePolicy"] != "Retain" {
		t.Errorf("key policies = %v/%v, want Retain/Retain", key["DeletionPolicy"], key["UpdateReplacePolicy"])
	}
	equalJSON(t, "key", key["Properties"], map[string]any{
		"Description":       "Landfall: encrypts the summary and alarm topics, the work and dead-letter queues, the run ledger and the function logs",
		"EnableKeyRotation": true,
		"KeyPolicy":         map[string]any{"Version": "2012-10-17", "Statement": append(baseKeyStatements("LandfallA343B1E1", true), organizationsKeyStatement("LandfallA343B1E1"))},
	})
}

// assumeStatement is the exact statement that lets a function into member
// accounts; org is the aws:ResourceOrgID value.
func assumeStatement(org string) map[string]any {
	return map[string]any{
		"Sid":       "AssumeExecutionRoleInOrganization",
		"Effect":    "Allow",
		"Action":    "sts:AssumeRole",
		"Resource":  join("arn:", pseudo("AWS::Partition"), ":iam::*:role/AWSControlTowerExecution"),
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:ResourceOrgID": org}},
	}
}

func TestIAMPolicies(t *testing.T) {
	s := stackFor(t)
	allow := func(sid string, actions any, resource any) map[string]any {
		st := map[string]any{"Effect": "Allow", "Action": actions, "Resource": resource}
		if sid != "" {
			st["Sid"] = sid
		}
		return st
	}
	key := s.getAtt(t, "Key", "Arn")
	workQueue := s.getAtt(t, "WorkQueue", "Arn")
	topic := s.ref(t, "SummaryTopic")
	kms := []string{"kms:Decrypt", "kms:GenerateDataKey"}
	logs := []string{"logs:CreateLogStream", "logs:PutLogEvents"}
	ledgerItems := []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
	// The example plan's portfolios, then the products of each plan region,
	// in the management account only.
	catalog := func(region, resource string) any {
		return join("arn:", pseudo("AWS::Partition"), ":catalog:"+region+":", pseudo("AWS::AccountId"), ":"+resource)
	}
	readCatalog := allow("ReadPlanCatalog", []string{
		"servicecatalog:DescribePortfolio", "servicecatalog:DescribePortfolioShares", "servicecatalog:DescribeProvisioningArtifact",
		"servicecatalog:ListProvisioningArtifacts", "servicecatalog:SearchProductsAsAdmin",
	}, []any{
		catalog("us-east-1", "portfolio/port-ue1baseline0"), catalog("us-west-2", "portfolio/port-uw2baseline0"), catalog("us-west-1", "portfolio/port-uw1baseline0"),
		catalog("us-east-1", "product/*"), catalog("us-west-2", "product/*"), catalog("us-west-1", "product/*"),
	})
	tests := []struct {
		role string
		want []any
	}{
		{"LaunchRole", []any{
			allow("WriteOwnLogs", logs, s.getAtt(t, "LaunchFunctionLogs", "Arn")),
			allow("ReadOrganization", []string{
				"organizations:DescribeAccount", "organizations:DescribeOrganizationalUnit", "organizations:ListAccounts",
				"organizations:ListAccountsForParent", "organizations:ListChildren", "organizations:ListOrganizationalUnitsForParent",
				"organizations:ListParents", "organizations:ListRoots",
			}, "*"),
			allow("ReadAccountTags", "organizations:ListTagsForResource",
				join("arn:", pseudo("AWS::Partition"), ":organizations::", pseudo("AWS::AccountId"), ":account/o-*/*")),
			readCatalog,
			allow("QueueAccountRuns", "sqs:SendMessage", workQueue),
			allow("ParkFailedEvents", "sqs:SendMessage", s.getAtt(t, "LaunchFailureQueue", "Arn")),
			allow("PublishSummaries", "sns:Publish", topic),
			allow("RecordRuns", ledgerItems, s.getAtt(t, "Ledger", "Arn")),
			allow("ListRuns", "dynamodb:Query", []any{ledgerIndex(s, t, "byAccount"), ledgerIndex(s, t, "byDay")}),
			allow("EncryptMessages", kms, key),
			assumeStatement("${aws:PrincipalOrgID}"),
		}},
		{"WorkerRole", []any{
			allow("WriteOwnLogs", logs, s.getAtt(t, "WorkerFunctionLogs", "Arn")),
			allow("CheckMembership", []string{"organizations:DescribeAccount", "organizations:ListAccounts"}, "*"),
			readCatalog,
			allow("ContinueAccountRuns", "sqs:SendMessage", workQueue),
			allow("ReceiveAccountRuns", []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}, workQueue),
			allow("PublishSummaries", "sns:Publish", topic),
			allow("RecordRuns", ledgerItems, s.getAtt(t, "Ledger", "Arn")),
			allow("ReadDurations", "dynamodb:Query", s.getAtt(t, "Ledger", "Arn")),
			allow("EncryptMessages", kms, key),
			assumeStatement("${aws:PrincipalOrgID}"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			p := s.props(t, tt.role+"/DefaultPolicy")
			equalJSON(t, tt.role+" roles", p["Roles"], []any{s.ref(t, tt.role)})
			equalJSON(t, tt.role+" statements", p["PolicyDocument"], map[string]any{"Version": "2012-10-17", "Statement": tt.want})
			equalJSON(t, tt.role+" trust", s.props(t, tt.role)["AssumeRolePolicyDocument"], map[string]any{
				"Version": "2012-10-17",
				"Statement": []any{map[string]any{
					"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"},
				}},
			})
			if _, ok := s.props(t, tt.role)["ManagedPolicyArns"]; ok {
				t.Errorf("%s has managed policies; want only its own statements", tt.role)
			}
		})
	}
	if n := len(s.resourcesOf("AWS::IAM::Policy")); n != 2 {
		t.Errorf("%d IAM policies, want the two roles' own", n)
	}
}

// TestNoWildcardActions walks every policy document in the template. No
// Allow may name a wildcard action; the only wildcard is the TLS-only Deny
// on queues (sqs:* over plain HTTP), which restricts rather than grants.
func TestNoWildcardActions(t *testing.T) {
	s := stackFor(t)
	var docs []struct {
		where string
		doc   any
	}
	for id, r := range s.doc["Resources"].(map[string]any) {
		props, _ := r.(map[string]any)["Properties"].(map[string]any)
		for _, field := range []string{"PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument"} {
			if d, ok := props[field]; ok {
				docs = append(docs, struct {
					where string
					doc   any
				}{id + "." + field, d})
			}
		}
	}
	if len(docs) < 11 {
		t.Fatalf("found %d policy documents; the walk is broken", len(docs))
	}
	for _, d := range docs {
		for i, st := range d.doc.(map[string]any)["Statement"].([]any) {
			stmt := st.(map[string]any)
			var actions []string
			switch a := stmt["Action"].(type) {
			case string:
				actions = []string{a}
			case []any:
				for _, v := range a {
					actions = append(actions, v.(string))
				}
			}
			if len(actions) == 0 {
				t.Errorf("%s statement %d has no Action (NotAction?)", d.where, i)
			}
			for _, a := range actions {
				if !strings.Contains(a, "*") {
					continue
				}
				tlsDeny := stmt["Effect"] == "Deny" && a == "sqs:*" &&
					jsonOf(stmt["Condition"]) == `{"Bool":{"aws:SecureTransport":"false"}}`
				if !tlsDeny {
					t.Errorf("%s statement %d: wildcard action %q", d.where, i, a)
				}
			}
		}
	}
}

func jsonOf(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

func TestAlarms(t *testing.T) {
	s := stackFor(t)
	queueDim := func(path string) []any {
		return []any{map[string]any{"Name": "QueueName", "Value": s.getAtt(t, path, "QueueName")}}
	}
	fnDim := func(path string) []any {
		return []any{map[string]any{"Name": "FunctionName", "Value": s.ref(t, path)}}
	}
	tests := []struct {
		path, namespace, metric, statistic string
		dims                               []any
		threshold                          int
	}{
		{"WorkDeadLetterAlarm", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", queueDim("WorkDeadLetterQueue"), 1},
		{"EventDeadLetterAlarm", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", queueDim("EventDeadLetterQueue"), 1},
		{"LaunchFailureAlarm", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", queueDim("LaunchFailureQueue"), 1},
		{"LaunchErrorsAlarm", "AWS/Lambda", "Errors", "Sum", fnDim("LaunchFunction"), 1},
		{"WorkerErrorsAlarm", "AWS/Lambda", "Errors", "Sum", fnDim("WorkerFunction"), 1},
		{"LaunchThrottlesAlarm", "AWS/Lambda", "Throttles", "Sum", fnDim("LaunchFunction"), 1},
		{"WorkerThrottlesAlarm", "AWS/Lambda", "Throttles", "Sum", fnDim("WorkerFunction"), 1},
		{"WorkQueueAgeAlarm", "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", queueDim("WorkQueue"), 3600},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := s.props(t, tt.path)
			desc, _ := p["AlarmDescription"].(string)
			if !strings.HasPrefix(desc, "Landfall: ") {
				t.Errorf("description %q does not tell the reader what fired", desc)
			}
			delete(p, "AlarmDescription")
			equalJSON(t, tt.path, p, map[string]any{
				"Namespace":          tt.namespace,
				"MetricName":         tt.metric,
				"Dimensions":         tt.dims,
				"Statistic":          tt.statistic,
				"Period":             300,
				"Threshold":          tt.threshold,
				"EvaluationPeriods":  1,
				"ComparisonOperator": "GreaterThanOrEqualToThreshold",
				"TreatMissingData":   "notBreaching",
				"AlarmActions":       []any{s.ref(t, "AlarmTopic")},
			})
		})
	}
	// The ninth, FailedTargetsAlarm, is on Landfall's own metrics: metrics_test.go.
	if n := len(s.resourcesOf("AWS::CloudWatch::Alarm")); n != len(tests)+1 {
		t.Errorf("%d alarms, want %d", n, len(tests)+1)
	}
}

func TestOutputs(t *testing.T) {
	s := stackFor(t)
	want := map[string]any{
		OutputLaunchFunctionName: s.ref(t, "LaunchFunction"),
		OutputLaunchFunctionArn:  s.getAtt(t, "LaunchFunction", "Arn"),
		OutputWorkerFunctionName: s.ref(t, "WorkerFunction"),
		OutputWorkQueueURL:       s.ref(t, "WorkQueue"),
		OutputSummaryTopicArn:    s.ref(t, "SummaryTopic"),
		OutputAlarmTopicArn:      s.ref(t, "AlarmTopic"),
	}
	example, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	want[OutputPlanHash] = example.Hash
	outputs := s.doc["Outputs"].(map[string]any)
	for name, value := range want {
		o, ok := outputs[name].(map[string]any)
		if !ok {
			t.Errorf("no output %s", name)
			continue
		}
		equalJSON(t, "output "+name, o["Value"], value)
	}
	if len(outputs) != len(want) {
		t.Errorf("%d outputs, want %d", len(outputs), len(want))
	}
}

// TestAssets checks what the stack ships: the plan layer holds exactly the
// validated plan at the path the functions read, and the functions ship
// their code directories.
func TestAssets(t *testing.T) {
	s := stackFor(t)
	example, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	_, layer := s.resource(t, "PlanLayer")
	equalJSON(t, "layer", map[string]any{
		"CompatibleArchitectures": layer["Properties"].(map[string]any)["CompatibleArchitectures"],
		"CompatibleRuntimes":      layer["Properties"].(map[string]any)["CompatibleRuntimes"],
		"Description":             layer["Properties"].(map[string]any)["Description"],
	}, map[string]any{
		"CompatibleArchitectures": []string{"arm64"},
		"CompatibleRuntimes":      []string{"provided.al2023"},
		"Description":             "Landfall plan " + example.Hash,
	})
	asset := layer["Metadata"].(map[string]any)["aws:asset:path"].(string)
	got, err := os.ReadFile(filepath.Join(s.outdir, asset, "landfall", "plan.yaml"))
	if err != nil {
		t.Fatalf("read the staged plan: %v", err)
	}
	if !bytes.Equal(got, plan.Example()) {
		t.Error("the layer's landfall/plan.yaml differs from the plan file")
	}
	entries, err := os.ReadDir(filepath.Join(s.outdir, asset))
	if err != nil || len(entries) != 1 {
		t.Errorf("layer asset holds %v (%v), want only landfall/", entries, err)
	}
	for _, fn := range []string{"LaunchFunction", "WorkerFunction"} {
		_, body := s.resource(t, fn)
		dir := body["Metadata"].(map[string]any)["aws:asset:path"].(string)
		if _, err := os.Stat(filepath.Join(s.outdir, dir, "bootstrap")); err != nil {
			t.Errorf("%s asset has no bootstrap: %v", fn, err)
		}
	}
}

// TestCDKNag fails on any unsuppressed error or warning of any cdk-nag pack
// the synth applies, and pins the accepted findings: a new suppression has
// to be added here with its resource, so none slips in unreviewed.
func TestCDKNag(t *testing.T) {
	s := stackFor(t)
	for _, m := range unsuppressedNagFindings(s) {
		t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
	}
	assume := `["Resource::arn:\u003cAWS::Partition\u003e:iam::*:role/AWSControlTowerExecution"]`
	products := `["Resource::arn:\u003cAWS::Partition\u003e:catalog:us-east-1:\u003cAWS::AccountId\u003e:product/*",` +
		`"Resource::arn:\u003cAWS::Partition\u003e:catalog:us-west-2:\u003cAWS::AccountId\u003e:product/*",` +
		`"Resource::arn:\u003cAWS::Partition\u003e:catalog:us-west-1:\u003cAWS::AccountId\u003e:product/*"]`
	want := []suppression{
		{"EventDeadLetterQueue/Resource", "AwsSolutions-SQS3", ""},
		{"LaunchFailureQueue/Resource", "AwsSolutions-SQS3", ""},
	}
	for _, role := range []string{"LaunchRole/Resource", "LaunchRole/DefaultPolicy/Resource", "WorkerRole/Resource", "WorkerRole/DefaultPolicy/Resource"} {
		for _, applies := range []string{`["Resource::*"]`, assume, products} {
			want = append(want, suppression{role, "AwsSolutions-IAM5", applies})
		}
	}
	// The launch function reads account tags on this organization's accounts.
	accountTags := `["Resource::arn:\u003cAWS::Partition\u003e:organizations::\u003cAWS::AccountId\u003e:account/o-*/*"]`
	for _, role := range []string{"LaunchRole/Resource", "LaunchRole/DefaultPolicy/Resource"} {
		want = append(want, suppression{role, "AwsSolutions-IAM5", accountTags})
	}
	want = append(want, packSuppressions()...)
	equalJSON(t, "accepted cdk-nag findings", sortedSuppressions(acceptedNagFindings(t, s)), sortedSuppressions(want))
}

// packSuppressions are the findings of the packs besides AwsSolutions that
// the default stack accepts (infra/landfall/nagpacks.go gives the reasons).
func packSuppressions() []suppression {
	var out []suppression
	add := func(path string, ids ...string) {
		for _, id := range ids {
			out = append(out, suppression{path, id, ""})
		}
	}
	for _, fn := range []string{"LaunchFunction/Resource", "WorkerFunction/Resource"} {
		add(fn, "NIST.800.53.R5-LambdaDLQ", "HIPAA.Security-LambdaDLQ", "Serverless-LambdaDLQ",
			"NIST.800.53.R5-LambdaInsideVPC", "HIPAA.Security-LambdaInsideVPC", "PCI.DSS.321-LambdaInsideVPC",
			"Serverless-LambdaTracing")
	}
	// The launch function has reserved concurrency; the worker is capped by
	// its event source mapping.
	add("WorkerFunction/Resource", "NIST.800.53.R5-LambdaConcurrency", "HIPAA.Security-LambdaConcurrency")
	for _, policy := range []string{"LaunchRole/DefaultPolicy/Resource", "WorkerRole/DefaultPolicy/Resource"} {
		add(policy, "NIST.800.53.R5-IAMNoInlinePolicy", "HIPAA.Security-IAMNoInlinePolicy", "PCI.DSS.321-IAMNoInlinePolicy")
	}
	for _, q := range []string{"WorkDeadLetterQueue/Resource", "EventDeadLetterQueue/Resource", "LaunchFailureQueue/Resource"} {
		add(q, "Serverless-SQSRedrivePolicy")
	}
	add("WorkQueueMapping/Resource", "Serverless-LambdaEventSourceMappingDestination")
	// Point-in-time recovery stands in for an AWS Backup plan.
	add("Ledger", "NIST.800.53.R5-DynamoDBInBackupPlan", "HIPAA.Security-DynamoDBInBackupPlan")
	return out
}

// suppression is one accepted cdk-nag finding: the resource's construct
// path under Landfall/Landfall/, the rule and its appliesTo (JSON).
type suppression struct{ Path, ID, AppliesTo string }

// acceptedNagFindings reads every suppression from the template metadata,
// failing on any whose reason is too short to explain anything.
func acceptedNagFindings(t *testing.T, s *synthesized) []suppression {
	t.Helper()
	var got []suppression
	for _, r := range s.doc["Resources"].(map[string]any) {
		meta, _ := r.(map[string]any)["Metadata"].(map[string]any)
		nag, _ := meta["cdk_nag"].(map[string]any)
		rules, _ := nag["rules_to_suppress"].([]any)
		for _, rule := range rules {
			rule := rule.(map[string]any)
			reason, _ := rule["reason"].(string)
			if len(reason) < 80 {
				t.Errorf("%s %s: reason %q is too short to explain anything", meta["aws:cdk:path"], rule["id"], reason)
			}
			applies := ""
			if a, ok := rule["applies_to"].([]any); ok {
				applies = jsonOf(a)
			}
			path := strings.TrimPrefix(meta["aws:cdk:path"].(string), s.stack.Config.StackName+"/Landfall/")
			got = append(got, suppression{path, rule["id"].(string), applies})
		}
	}
	return got
}

func sortedSuppressions(list []suppression) []suppression {
	sort.Slice(list, func(i, j int) bool { return jsonOf(list[i]) < jsonOf(list[j]) })
	return list
}

// unsuppressedNagFindings returns every error and warning of every pack.
func unsuppressedNagFindings(s *synthesized) []*cxapi.SynthesisMessage {
	var out []*cxapi.SynthesisMessage
	for _, pack := range NagPackNames {
		rule := assertions.Match_StringLikeRegexp(jsii.String(regexp.QuoteMeta(pack) + "-.*"))
		out = append(out, *s.annotations.FindError(jsii.String("*"), rule)...)
		out = append(out, *s.annotations.FindWarning(jsii.String("*"), rule)...)
	}
	return out
}

func TestBuildRejectsInvalidPlan(t *testing.T) {
	ctx := cdkJSONContext()
	ctx["landfall:planFile"] = "testdata/invalid-plan.yaml"
	_, err := build(ctx)
	if err == nil {
		t.Fatal("Build accepted an invalid plan")
	}
	var verr *plan.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error %v is not the validator's *plan.ValidationError", err)
	}
	msg := err.Error()
	// Every problem the validator found, in its own words.
	for _, p := range verr.Problems {
		if !strings.Contains(msg, p.String()) {
			t.Errorf("error lacks the validator's %q", p.String())
		}
	}
	for _, want := range []string{
		"landfall:planFile names an invalid plan: plan testdata/invalid-plan.yaml: 3 problems:",
		`regions[1]: "us-west-9" is not a region`,
		`products[0].dependsOn[0]: "does-not-exist" is not a product key`,
		`products[0].parameters.AccountName: .Account.Nme is not a field`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestBuildRejectsBadSettings(t *testing.T) {
	emptyDir := tempDir("landfall-empty-")
	tests := []struct {
		name string
		set  map[string]any
		want []string
	}{
		{"missing plan file", map[string]any{"landfall:planFile": "testdata/no-such-plan.yaml"},
			[]string{"landfall:planFile names an invalid plan: read plan: open testdata/no-such-plan.yaml"}},
		{"execution role differs from the plan", map[string]any{"landfall:executionRoleName": "OrganizationAccountAccessRole"},
			[]string{`landfall:executionRoleName: "OrganizationAccountAccessRole" differs from the plan's executionRoleName "AWSControlTowerExecution"`}},
		{"functions not built", map[string]any{"landfall:launchCodeDir": emptyDir},
			[]string{"landfall:launchCodeDir: no bootstrap binary in " + emptyDir + ": build the functions first (make build)"}},
		{"launch reserved concurrency 0", map[string]any{"landfall:launchReservedConcurrency": float64(0)},
			[]string{"landfall:launchReservedConcurrency: 0 would turn the launch function off"}},
		{"redrive principal that is every role", map[string]any{"landfall:redrivePrincipals": []any{"arn:aws:iam::111111111111:role/*"}},
			[]string{`landfall:redrivePrincipals: [0]: "arn:aws:iam::111111111111:role/*" names every principal of its kind`}},
		{"run retention of zero days", map[string]any{"landfall:runRetentionDays": float64(0)},
			[]string{"landfall:runRetentionDays: 0 is out of range: use 1 to 3650 days (default 90), or remove the key; it is how many days finished runs stay in the run ledger"}},
		{"run retention over ten years", map[string]any{"landfall:runRetentionDays": "3651"},
			[]string{"landfall:runRetentionDays: 3651 is out of range: use 1 to 3650 days"}},
		{"run retention not a number", map[string]any{"landfall:runRetentionDays": "forever"},
			[]string{`landfall:runRetentionDays: got "forever": want a whole number`}},
		{"every bad setting at once", map[string]any{"landfall:workerConcurrency": float64(1), "landfall:logRetentionDays": float64(8), "landfall:homeRegion": "mars-1"},
			[]string{
				"invalid configuration (cdk.json context):",
				"landfall:workerConcurrency: 1 is out of range",
				"landfall:logRetentionDays: 8 is not a retention",
				`landfall:homeRegion: "mars-1" is not an AWS region`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := cdkJSONContext()
			for k, v := range tt.set {
				ctx[k] = v
			}
			_, err := build(ctx)
			if err == nil {
				t.Fatal("Build accepted the settings")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestCustomSettings synthesizes with every optional setting used and checks
// each one reaches the template.
func TestCustomSettings(t *testing.T) {
	ctx := cdkJSONContext()
	for k, v := range map[string]any{
		"landfall:stackName":          "LandfallProd",
		"landfall:organizationId":     "o-ab12cd34ef",
		"landfall:executionRoleName":  "AWSControlTowerExecution",
		"landfall:workerConcurrency":  float64(20),
		"landfall:targetConcurrency":  "16",
		"landfall:logRetentionDays":   float64(365),
		"landfall:logLevel":           "debug",
		"landfall:notificationEmails": []any{"platform@example.com", "audit@example.com"},
		"landfall:alarmEmails":        "oncall@example.com",
		"landfall:runRetentionDays":   float64(30),
	} {
		ctx[k] = v
	}
	s, err := build(ctx)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if got := *s.stack.StackName(); got != "LandfallProd" {
		t.Errorf("stack name %q, want LandfallProd", got)
	}
	for _, esm := range s.resourcesOf("AWS::Lambda::EventSourceMapping") {
		equalJSON(t, "worker concurrency", esm["Properties"].(map[string]any)["ScalingConfig"], map[string]any{"MaximumConcurrency": 20})
	}
	launchEnv := s.props(t, "LaunchFunction")["Environment"].(map[string]any)["Variables"].(map[string]any)
	workerEnv := s.props(t, "WorkerFunction")["Environment"].(map[string]any)["Variables"].(map[string]any)
	for _, c := range []struct {
		got  any
		want string
	}{
		{launchEnv["LANDFALL_WORKER_CONCURRENCY"], "20"},
		{workerEnv["LANDFALL_TARGET_CONCURRENCY"], "16"},
		{workerEnv["LANDFALL_LOG_LEVEL"], "debug"},
		{s.props(t, "WorkerFunction")["LoggingConfig"].(map[string]any)["ApplicationLogLevel"], "DEBUG"},
		{launchEnv["LANDFALL_RUN_RETENTION_DAYS"], "30"},
		{workerEnv["LANDFALL_RUN_RETENTION_DAYS"], "30"},
	} {
		if c.got != c.want {
			t.Errorf("got %v, want %s", c.got, c.want)
		}
	}
	equalJSON(t, "retention", s.props(t, "LaunchFunctionLogs")["RetentionInDays"], 365)
	stmts := s.props(t, "WorkerRole/DefaultPolicy")["PolicyDocument"].(map[string]any)["Statement"].([]any)
	if !slices.ContainsFunc(stmts, func(st any) bool { return jsonOf(st) == jsonOf(assumeStatement("o-ab12cd34ef")) }) {
		t.Errorf("worker policy lacks the assume-role statement for o-ab12cd34ef: %s", jsonOf(stmts))
	}
	var subs []string
	for _, sub := range s.resourcesOf("AWS::SNS::Subscription") {
		p := sub["Properties"].(map[string]any)
		topic := "summary"
		if jsonOf(p["TopicArn"]) == jsonOf(s.ref(t, "AlarmTopic")) {
			topic = "alarm"
		}
		subs = append(subs, topic+" "+p["Protocol"].(string)+" "+p["Endpoint"].(string))
	}
	sort.Strings(subs)
	equalJSON(t, "subscriptions", subs, []string{
		"alarm email oncall@example.com",
		"summary email audit@example.com",
		"summary email platform@example.com",
	})
	for _, m := range unsuppressedNagFindings(s) {
		t.Errorf("unsuppressed cdk-nag finding with every setting used, at %s: %v", *m.Id, m.Entry.Data)
	}
}
