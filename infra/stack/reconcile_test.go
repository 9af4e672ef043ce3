package stack

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/landfall"
	"github.com/landfall/landfall/internal/manual"
)

// The optional reconcile schedule (landfall:reconcileSchedule): an
// onlyMissing backfill of the plan's whole scope on a schedule, built by
// the drift schedule's code (newLaunchSchedule).

var reconcileFor = stackVariant("the reconcile stack", func() (*synthesized, error) {
	return build(withContext(map[string]any{"landfall:reconcileSchedule": "rate(1 day)"}))
})

// TestReconcileSchedule pins the schedule: the expression from cdk.json,
// the launch function as target with exactly the reconcile payload, which
// the launch function reads as an onlyMissing backfill of every account,
// bounded retries, and a role that may invoke the launch function and
// nothing else, in place before the first run.
func TestReconcileSchedule(t *testing.T) {
	s := reconcileFor(t)
	launchArn := s.getAtt(t, "LaunchFunction", "Arn")
	equalJSON(t, "reconcile schedule", s.props(t, "ReconcileSchedule"), map[string]any{
		"Description":        "Landfall reconcile: backfills every account the plan selects, only missing or failed targets, one roll-up",
		"ScheduleExpression": "rate(1 day)",
		"FlexibleTimeWindow": map[string]any{"Mode": "OFF"},
		"State":              "ENABLED",
		"Target": map[string]any{
			"Arn":         launchArn,
			"RoleArn":     s.getAtt(t, "ReconcileScheduleRole", "Arn"),
			"Input":       `{"all":true,"onlyMissing":true,"requestedBy":"landfall reconcile schedule"}`,
			"RetryPolicy": map[string]any{"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
		},
	})
	input := s.props(t, "ReconcileSchedule")["Target"].(map[string]any)["Input"].(string)
	if input != landfall.ReconcilePayload {
		t.Errorf("input %s, want landfall.ReconcilePayload %s", input, landfall.ReconcilePayload)
	}
	req, err := manual.Decode([]byte(input))
	if err != nil || req.Kind() != manual.KindAll || !req.OnlyMissing || req.DryRun || req.RequestedBy != "landfall reconcile schedule" ||
		req.Regions != nil || req.Products != nil || req.Targets != nil || req.IncludeManagement {
		t.Errorf("the launch function reads the schedule's input %s as %+v, %v; want an onlyMissing backfill of every account the plan selects", input, req, err)
	}
	role := s.props(t, "ReconcileScheduleRole")
	if d, _ := role["Description"].(string); d != "Landfall reconcile schedule: EventBridge Scheduler invokes the launch function with the reconcile payload" {
		t.Errorf("role description %q", d)
	}
	equalJSON(t, "reconcile role trust", role["AssumeRolePolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow",
			"Principal": map[string]any{"Service": "scheduler.amazonaws.com"},
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": testAccount}},
		}},
	})
	if _, ok := role["ManagedPolicyArns"]; ok {
		t.Errorf("the reconcile role has managed policies: %v", role["ManagedPolicyArns"])
	}
	equalJSON(t, "reconcile role policy", s.props(t, "ReconcileScheduleRole/DefaultPolicy")["PolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid": "InvokeLaunchFunction", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": launchArn,
		}},
	})
	// No other policy names the role: its one statement is all it may do.
	roleID, _ := s.resource(t, "ReconcileScheduleRole")
	policyID, _ := s.resource(t, "ReconcileScheduleRole/DefaultPolicy")
	for id, p := range s.resourcesOf("AWS::IAM::Policy") {
		if id != policyID && strings.Contains(jsonOf(p["Properties"].(map[string]any)["Roles"]), roleID) {
			t.Errorf("policy %s is attached to the reconcile role too", id)
		}
	}
	_, schedule := s.resource(t, "ReconcileSchedule")
	deps, _ := schedule["DependsOn"].([]any)
	if !strings.Contains(jsonOf(deps), policyID) {
		t.Errorf("the schedule depends on %v, want the role's policy %s: the first reconcile must be allowed to invoke", deps, policyID)
	}
}

// TestReconcileScheduleOnlyWhenSet: the key adds one schedule and one
// role, and nothing of the drift check; without it (the default stack)
// there is neither.
func TestReconcileScheduleOnlyWhenSet(t *testing.T) {
	s := reconcileFor(t)
	assert(t, "one schedule", func() {
		s.template.ResourceCountIs(jsii.String("AWS::Scheduler::Schedule"), jsii.Number(1))
	})
	if s.stack.Landfall.Reconcile == nil || s.stack.Landfall.Drift != nil {
		t.Errorf("Construct.Reconcile = %v, Drift = %v; want the reconcile only", s.stack.Landfall.Reconcile, s.stack.Landfall.Drift)
	}
	base := stackFor(t)
	if base.stack.Landfall.Reconcile != nil {
		t.Error("the default stack has a reconcile schedule")
	}
	// The key adds exactly the schedule, its role and the role's policy.
	if got, want := len(s.doc["Resources"].(map[string]any)), len(base.doc["Resources"].(map[string]any))+3; got != want {
		t.Errorf("the reconcile stack has %d resources, want the default stack's and 3 (schedule, role, policy): %d", got, want)
	}
	if strings.Contains(jsonOf(s.props(t, "Dashboard")["DashboardBody"]), "Drift") {
		t.Error("the reconcile schedule added the drift graph")
	}
}

// TestBothSchedules: with both keys, each schedule has its own role, its
// own payload and its own single statement.
func TestBothSchedules(t *testing.T) {
	ctx := cdkJSONContext()
	ctx["landfall:driftSchedule"] = "cron(0 6 ? * MON-FRI *)"
	ctx["landfall:reconcileSchedule"] = "cron(0 3 * * ? *)"
	s, err := build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ id, expr, payload string }{
		{"DriftSchedule", "cron(0 6 ? * MON-FRI *)", landfall.DriftPayload},
		{"ReconcileSchedule", "cron(0 3 * * ? *)", landfall.ReconcilePayload},
	} {
		props := s.props(t, tt.id)
		target := props["Target"].(map[string]any)
		if props["ScheduleExpression"] != tt.expr || target["Input"] != tt.payload || jsonOf(target["RoleArn"]) != jsonOf(s.getAtt(t, tt.id+"Role", "Arn")) {
			t.Errorf("%s: expression %v, input %v, role %v", tt.id, props["ScheduleExpression"], target["Input"], target["RoleArn"])
		}
		stmts := s.props(t, tt.id+"Role/DefaultPolicy")["PolicyDocument"].(map[string]any)["Statement"].([]any)
		if len(stmts) != 1 {
			t.Errorf("%s's role has %d statements, want 1", tt.id, len(stmts))
		}
	}
	for _, m := range unsuppressedNagFindings(s) {
		t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
	}
}

// TestReconcileScheduleRefused: an expression EventBridge would refuse, or
// one that would backfill the whole fleet every few minutes, fails synth
// naming the key and the fix.
func TestReconcileScheduleRefused(t *testing.T) {
	for expr, want := range map[string]string{
		"rate(1 days)":     `landfall:reconcileSchedule: "rate(1 days)": EventBridge wants a singular unit for 1 and a plural one otherwise: write rate(1 day)`,
		"rate(10 minutes)": `landfall:reconcileSchedule: "rate(10 minutes)" runs the reconcile more often than once an hour, and each reconcile queues a run for every account: use rate(1 hour) or longer`,
		"daily":            `landfall:reconcileSchedule: "daily" is not a schedule expression: write a schedule such as "rate(1 day)"`,
	} {
		ctx := cdkJSONContext()
		ctx["landfall:reconcileSchedule"] = expr
		_, err := build(ctx)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error = %v, want one naming the key and the fix: %s", expr, err, want)
		}
	}
}

// TestReconcileStackNag: the schedule passes every pack; the only findings
// it adds are the packs' inline-policy rule on its role's one policy,
// accepted with a reason as for the drift schedule's role.
func TestReconcileStackNag(t *testing.T) {
	s := reconcileFor(t)
	for _, m := range unsuppressedNagFindings(s) {
		t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
	}
	want := acceptedNagFindings(t, stackFor(t))
	for _, pack := range []string{"NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"} {
		want = append(want, suppression{Path: "ReconcileScheduleRole/DefaultPolicy/Resource", ID: pack + "-IAMNoInlinePolicy"})
	}
	equalJSON(t, "accepted cdk-nag findings with landfall:reconcileSchedule",
		sortedSuppressions(acceptedNagFindings(t, s)), sortedSuppressions(want))
}

// TestReconcilePropsValidate: the construct refuses a bad schedule too,
// for apps that embed it without cdk.json.
func TestReconcilePropsValidate(t *testing.T) {
	err := landfall.Props{ReconcileSchedule: "rate(30 minutes)"}.Validate()
	if err == nil || !strings.Contains(err.Error(), `ReconcileSchedule: "rate(30 minutes)" runs the reconcile more often than once an hour`) {
		t.Errorf("Validate = %v, want the ReconcileSchedule problem", err)
	}
}
