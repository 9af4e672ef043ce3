package stack

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/config"
	"github.com/landfall/landfall/infra/eventpattern"
	"github.com/landfall/landfall/infra/landfall"
	"github.com/landfall/landfall/internal/lifecycle"
	"github.com/landfall/landfall/internal/lifecycle/samples"
)

// organizationsKeyStatement is the key policy statement that lets
// EventBridge park the Organizations rule's dead letters, named by the
// name the rule is given (base-organizations).
func organizationsKeyStatement(base string) map[string]any {
	return map[string]any{
		"Sid": "EventBridgeOrganizationsDeadLetters", "Effect": "Allow", "Principal": map[string]any{"Service": "events.amazonaws.com"},
		"Resource": "*", "Action": []string{"kms:Decrypt", "kms:GenerateDataKey"},
		"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": thisAccountARN("events", "rule/"+base+"-organizations")}},
	}
}

// organizationsPattern is the pattern issue 12 asks for, written out.
var organizationsPattern = map[string]any{
	"source":      []string{"aws.organizations"},
	"detail-type": []string{"AWS API Call via CloudTrail"},
	"detail": map[string]any{
		"eventSource": []string{"organizations.amazonaws.com"},
		"eventName":   []string{"MoveAccount", "CloseAccount", "RemoveAccountFromOrganization"},
	},
}

func TestOrganizationsRule(t *testing.T) {
	s := stackFor(t)
	equalJSON(t, "rule", s.props(t, "OrganizationsRule"), map[string]any{
		"Description":  "AWS Organizations account calls (account moved, closed or removed) reach Landfall's launch function",
		"EventPattern": organizationsPattern,
		"Name":         "LandfallA343B1E1-organizations",
		"State":        "ENABLED",
		// The lifecycle rule's target settings (TestLifecycleRule): the
		// same retries and the same dead-letter queue.
		"Targets": []any{map[string]any{
			"Id":               "Target0",
			"Arn":              s.getAtt(t, "LaunchFunction", "Arn"),
			"RetryPolicy":      map[string]any{"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 7200},
			"DeadLetterConfig": map[string]any{"Arn": s.getAtt(t, "EventDeadLetterQueue", "Arn")},
		}},
	})
	// EventBridge may write the rule's dead letters: an Allow for this rule
	// in the queue policy (the Deny for everyone else: TestQueuePolicies).
	stmts := s.props(t, "EventDeadLetterQueue/Policy")["PolicyDocument"].(map[string]any)["Statement"].([]any)
	allowed := false
	for _, st := range stmts {
		stmt := st.(map[string]any)
		if stmt["Effect"] == "Allow" && jsonOf(stmt["Condition"]) == jsonOf(map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": s.getAtt(t, "OrganizationsRule", "Arn")}}) {
			allowed = true
		}
	}
	if !allowed {
		t.Errorf("event dead-letter queue does not let EventBridge park the Organizations rule's events: %s", jsonOf(stmts))
	}
}

// TestOrganizationsPatternMatchesSamples reads both patterns back from the
// template and runs them over every sample: the Organizations rule selects
// the three account calls (a failed one too: the launch function reports
// it as ignored), nothing else, and no Control Tower event; the lifecycle
// rule selects no Organizations call.
func TestOrganizationsPatternMatchesSamples(t *testing.T) {
	s := stackFor(t)
	compile := func(rule string) *eventpattern.Pattern {
		raw, err := json.Marshal(s.props(t, rule)["EventPattern"])
		if err != nil {
			t.Fatal(err)
		}
		p, err := eventpattern.Compile(raw)
		if err != nil {
			t.Fatalf("compile %s's pattern: %v", rule, err)
		}
		return p
	}
	orgs, lifecycleRule := compile("OrganizationsRule"), compile("LifecycleRule")
	want := map[string]bool{
		"move-account.json":                           true,
		"move-account-failed.json":                    true,
		"close-account.json":                          true,
		"remove-account-from-organization.json":       true,
		"create-account.json":                         false,
		"create-managed-account-succeeded.json":       false,
		"update-managed-account-succeeded.json":       false,
		"register-organizational-unit-succeeded.json": false,
	}
	for _, name := range samples.Names() {
		raw := samples.Event(name)
		got, err := orgs.Match(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var env struct {
			Source string `json:"source"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Fatal(err)
		}
		if w, pinned := want[name]; pinned && got != w {
			t.Errorf("Organizations rule matches %s = %v, want %v", name, got, w)
		}
		if env.Source == lifecycle.Source && got {
			t.Errorf("Organizations rule matches the Control Tower event %s", name)
		}
		if env.Source == lifecycle.OrganizationsSource {
			if ct, _ := lifecycleRule.Match(raw); ct {
				t.Errorf("lifecycle rule matches the Organizations event %s", name)
			}
		}
	}
	for _, edit := range []struct {
		what, from, to string
	}{
		{"another service's call", `"eventSource": "organizations.amazonaws.com"`, `"eventSource": "account.amazonaws.com"`},
		{"a service event", `"detail-type": "AWS API Call via CloudTrail"`, `"detail-type": "AWS Service Event via CloudTrail"`},
		{"another call", `"eventName": "MoveAccount"`, `"eventName": "MoveAccountX"`},
	} {
		raw := strings.Replace(string(samples.Event("move-account.json")), edit.from, edit.to, 1)
		if raw == string(samples.Event("move-account.json")) {
			t.Fatalf("%s: the sample has no %s", edit.what, edit.from)
		}
		if got, _ := orgs.Match([]byte(raw)); got {
			t.Errorf("Organizations rule matches %s", edit.what)
		}
	}
}

// TestNoForwarderInUSEast1: with the home region us-east-1 the Landfall
// stack's own rule sees the Organizations events; the app has one stack.
func TestNoForwarderInUSEast1(t *testing.T) {
	s := stackFor(t)
	if s.stack.Forwarder != nil {
		t.Fatal("a forwarder stack was added for the home region us-east-1")
	}
	if got := stacksOf(s.stack); !slices.Equal(got, []string{"Landfall"}) {
		t.Errorf("app stacks = %v, want only Landfall", got)
	}
}

// stacksOf lists the stacks of st's app, by name.
func stacksOf(st *Stack) []string {
	var names []string
	for _, c := range *st.Node().Scope().Node().Children() {
		if *awscdk.Stack_IsStack(c) {
			names = append(names, *c.(awscdk.Stack).StackName())
		}
	}
	slices.Sort(names)
	return names
}

// forwarded is the app for a home region other than us-east-1: the Landfall
// stack there and the forwarder stack's template.
type forwarded struct {
	*synthesized
	tmpl assertions.Template
	doc  map[string]any
}

// forwardedFor builds the default stack for the home region eu-west-1, as
// the CDK CLI does with credentials in that region.
var forwardedFor = func() func(*testing.T) *forwarded {
	variant := stackVariant("the stack for the home region eu-west-1", func() (*synthesized, error) {
		return buildWithEnv(cdkJSONContext(), map[string]string{"CDK_DEFAULT_REGION": "eu-west-1"})
	})
	return func(t *testing.T) *forwarded {
		t.Helper()
		s := variant(t)
		if s.stack.Forwarder == nil {
			t.Fatal("no forwarder stack for the home region eu-west-1")
		}
		tmpl := assertions.Template_FromStack(s.stack.Forwarder.Stack, nil)
		raw, err := json.Marshal(tmpl.ToJSON())
		if err != nil {
			t.Fatal(err)
		}
		f := &forwarded{synthesized: s, tmpl: tmpl}
		if err := json.Unmarshal(raw, &f.doc); err != nil {
			t.Fatal(err)
		}
		return f
	}
}()

// only returns the one resource of typ in the forwarder stack.
func (f *forwarded) only(t *testing.T, typ string) (string, map[string]any) {
	t.Helper()
	var ids []string
	var body map[string]any
	for id, r := range f.doc["Resources"].(map[string]any) {
		if r.(map[string]any)["Type"] == typ {
			ids = append(ids, id)
			body = r.(map[string]any)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("forwarder stack has %d resources of type %s (%v), want 1", len(ids), typ, ids)
	}
	return ids[0], body
}

func TestForwarderStack(t *testing.T) {
	f := forwardedFor(t)
	main, fw := f.stack, f.stack.Forwarder
	if got := stacksOf(main); !slices.Equal(got, []string{"Landfall", "LandfallOrganizationsEvents"}) {
		t.Errorf("app stacks = %v, want Landfall and LandfallOrganizationsEvents", got)
	}
	for _, st := range []struct {
		what         string
		stack        awscdk.Stack
		region, acct string
	}{
		{"Landfall", main.Stack, "eu-west-1", testAccount},
		{"forwarder", fw.Stack, "us-east-1", testAccount},
	} {
		if *st.stack.Region() != st.region || *st.stack.Account() != st.acct {
			t.Errorf("%s stack in %s/%s, want %s/%s", st.what, *st.stack.Account(), *st.stack.Region(), st.acct, st.region)
		}
	}
	// The home region's stack has its Organizations rule, for the
	// forwarded events.
	equalJSON(t, "home rule pattern", f.props(t, "OrganizationsRule")["EventPattern"], organizationsPattern)
	// Deploying the forwarder alone deploys the receiving stack first.
	if deps := fw.Dependencies(); len(*deps) != 1 || *(*deps)[0].StackName() != "Landfall" {
		t.Errorf("forwarder stack dependencies = %v, want the Landfall stack", deps)
	}

	counts := map[string]int{}
	for _, r := range f.doc["Resources"].(map[string]any) {
		counts[r.(map[string]any)["Type"].(string)]++
	}
	equalJSON(t, "forwarder resources", counts, map[string]int{
		"AWS::Events::Rule": 1, "AWS::IAM::Role": 1, "AWS::IAM::Policy": 1, "AWS::SQS::Queue": 1, "AWS::SQS::QueuePolicy": 1,
	})

	homeBus := join("arn:", pseudo("AWS::Partition"), ":events:eu-west-1:", pseudo("AWS::AccountId"), ":event-bus/default")
	roleID, role := f.only(t, "AWS::IAM::Role")
	queueID, _ := f.only(t, "AWS::SQS::Queue")
	ruleID, rule := f.only(t, "AWS::Events::Rule")
	getAtt := func(id, attr string) map[string]any { return map[string]any{"Fn::GetAtt": []any{id, attr}} }
	equalJSON(t, "forwarding rule", rule["Properties"], map[string]any{
		"Description":  "AWS Organizations account calls (account moved, closed or removed) go to Landfall in eu-west-1",
		"EventPattern": organizationsPattern,
		"State":        "ENABLED",
		"Targets": []any{map[string]any{
			"Id":               "Target0",
			"Arn":              homeBus,
			"RoleArn":          getAtt(roleID, "Arn"),
			"DeadLetterConfig": map[string]any{"Arn": getAtt(queueID, "Arn")},
		}},
	})
	// On us-east-1's default bus: no EventBusName.

	equalJSON(t, "role trust", role["Properties"].(map[string]any)["AssumeRolePolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": map[string]any{"Service": "events.amazonaws.com"},
		}},
	})
	if p := role["Properties"].(map[string]any); p["Policies"] != nil || p["ManagedPolicyArns"] != nil {
		t.Errorf("forwarding role has other policies: %s", jsonOf(p))
	}
	_, policy := f.only(t, "AWS::IAM::Policy")
	pp := policy["Properties"].(map[string]any)
	equalJSON(t, "forwarding role's permissions", pp["PolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Action": "events:PutEvents", "Effect": "Allow", "Resource": homeBus,
		}},
	})
	equalJSON(t, "policy attached to", pp["Roles"], []any{map[string]any{"Ref": roleID}})

	_, qp := f.only(t, "AWS::SQS::QueuePolicy")
	stmts := qp["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any)
	equalJSON(t, "dead-letter senders", stmts[len(stmts)-1], denyUnless("OnlyTheForwardingRuleParksEvents", "sqs:SendMessage", getAtt(queueID, "Arn"),
		map[string]any{"ArnNotEquals": map[string]any{"aws:SourceArn": getAtt(ruleID, "Arn")}}))
	_, queue := f.only(t, "AWS::SQS::Queue")
	equalJSON(t, "dead-letter queue", queue["Properties"], map[string]any{"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": true})
	if queue["DeletionPolicy"] != "Retain" {
		t.Errorf("dead-letter queue DeletionPolicy = %v, want Retain", queue["DeletionPolicy"])
	}
	equalJSON(t, "outputs", f.doc["Outputs"].(map[string]any)[OutputForwardingDeadLetterQueueURL], map[string]any{
		"Description": "Organizations events EventBridge could not forward to eu-west-1 (kept 14 days)",
		"Value":       map[string]any{"Ref": queueID},
	})
}

// TestForwarderStackNag: the forwarder passes every pack the app applies,
// with its accepted findings pinned.
func TestForwarderStackNag(t *testing.T) {
	f := forwardedFor(t)
	nag := assertions.Annotations_FromStack(f.stack.Forwarder.Stack)
	for _, pack := range NagPackNames {
		rule := assertions.Match_StringLikeRegexp(jsii.String(strings.ReplaceAll(pack, ".", `\.`) + "-.*"))
		for _, m := range append(*nag.FindError(jsii.String("*"), rule), *nag.FindWarning(jsii.String("*"), rule)...) {
			t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
		}
	}
	var got []suppression
	for _, r := range f.doc["Resources"].(map[string]any) {
		meta, _ := r.(map[string]any)["Metadata"].(map[string]any)
		nagMeta, _ := meta["cdk_nag"].(map[string]any)
		rules, _ := nagMeta["rules_to_suppress"].([]any)
		for _, rule := range rules {
			rule := rule.(map[string]any)
			if reason, _ := rule["reason"].(string); len(reason) < 80 {
				t.Errorf("%s %s: reason %q is too short to explain anything", meta["aws:cdk:path"], rule["id"], reason)
			}
			path := strings.TrimPrefix(meta["aws:cdk:path"].(string), "LandfallOrganizationsEvents/Forwarder/")
			got = append(got, suppression{path, rule["id"].(string), ""})
		}
	}
	want := []suppression{
		{"DeadLetterQueue/Resource", "AwsSolutions-SQS3", ""},
		{"DeadLetterQueue/Resource", "Serverless-SQSRedrivePolicy", ""},
		{"Role/DefaultPolicy/Resource", "NIST.800.53.R5-IAMNoInlinePolicy", ""},
		{"Role/DefaultPolicy/Resource", "HIPAA.Security-IAMNoInlinePolicy", ""},
		{"Role/DefaultPolicy/Resource", "PCI.DSS.321-IAMNoInlinePolicy", ""},
	}
	equalJSON(t, "accepted cdk-nag findings of the forwarder", sortedSuppressions(got), sortedSuppressions(want))
}

// TestCloudAssemblyHasBothStacks: `cdk deploy --all` deploys what the
// cloud assembly lists, each stack to its own environment.
func TestCloudAssemblyHasBothStacks(t *testing.T) {
	f := forwardedFor(t)
	app := f.stack.Node().Scope().(awscdk.App)
	envs := map[string]string{}
	for _, st := range *app.Synth(nil).Stacks() {
		envs[*st.StackName()] = *st.Environment().Name
	}
	equalJSON(t, "stacks and environments", envs, map[string]string{
		"Landfall":                    "aws://111111111111/eu-west-1",
		"LandfallOrganizationsEvents": "aws://111111111111/us-east-1",
	})
}

func TestForwarderStackNameTooLong(t *testing.T) {
	long := "L" + strings.Repeat("a", maxStackNameLen-len(ForwarderStackSuffix)) // 129 with the suffix
	_, err := buildWithEnv(withContext(map[string]any{"landfall:stackName": long}), map[string]string{"CDK_DEFAULT_REGION": "eu-west-1"})
	if err == nil || !strings.Contains(err.Error(), "landfall:stackName: \""+long+"\" is too long: with the home region eu-west-1, Landfall also deploys a stack named <stackName>OrganizationsEvents in us-east-1") ||
		!strings.Contains(err.Error(), "use at most 109") {
		t.Errorf("Build with a %d-character stack name: %v", len(long), err)
	}
	// In us-east-1 there is no second stack, so the name is fine.
	if err := checkForwarderName(config.Config{StackName: long, HomeRegion: "us-east-1"}); err != nil {
		t.Errorf("us-east-1: %v", err)
	}
	if got := forwarderStackName(config.Config{StackName: "Landfall"}); got != "LandfallOrganizationsEvents" {
		t.Errorf("forwarder stack name = %q", got)
	}
}

func TestNewOrganizationsForwarderRefuses(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(tempDir("landfall-forwarder-"))})
	east := awscdk.NewStack(app, jsii.String("East"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("us-east-1")}})
	west := awscdk.NewStack(app, jsii.String("West"), &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-west-1")}})
	tests := []struct {
		name  string
		stack awscdk.Stack
		home  string
		want  string
	}{
		{"no home region", east, "", "HomeRegion: required"},
		{"not a region", east, "eu-west-9", `HomeRegion: "eu-west-9" is not an AWS region`},
		{"home is us-east-1", east, "us-east-1", "HomeRegion: is us-east-1, where the events already are"},
		{"stack elsewhere", west, "eu-central-1", "its stack is in eu-west-1: Organizations events reach EventBridge only in us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := landfall.NewOrganizationsForwarder(tt.stack, "Forwarder", landfall.OrganizationsForwarderProps{HomeRegion: tt.home})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewOrganizationsForwarder = %v, want an error with %q", err, tt.want)
			}
			if tt.stack.Node().TryFindChild(jsii.String("Forwarder")) != nil {
				t.Error("a refused forwarder left a construct in the tree")
			}
		})
	}
	// An environment-agnostic stack (region unknown at synth) is the
	// embedding app's to place.
	agnostic := awscdk.NewStack(app, jsii.String("Agnostic"), nil)
	if _, err := landfall.NewOrganizationsForwarder(agnostic, "Forwarder", landfall.OrganizationsForwarderProps{HomeRegion: "eu-west-1"}); err != nil {
		t.Errorf("environment-agnostic stack: %v", err)
	}
}
