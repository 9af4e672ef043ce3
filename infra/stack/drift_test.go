package stack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/landfall"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/metrics"
)

// Issue 13, point 4: the optional drift schedule (landfall:driftSchedule).

var driftFor = stackVariant("the drift stack", func() (*synthesized, error) {
	return build(withContext(map[string]any{"landfall:driftSchedule": "cron(0 6 ? * MON-FRI *)"}))
})

// TestDriftSchedule pins the schedule: the expression from cdk.json, the
// launch function as target with exactly the drift payload, bounded
// retries, and a role that may invoke the launch function and nothing else.
func TestDriftSchedule(t *testing.T) {
	s := driftFor(t)
	launchArn := s.getAtt(t, "LaunchFunction", "Arn")
	equalJSON(t, "drift schedule", s.props(t, "DriftSchedule"), map[string]any{
		"Description":        "Landfall drift check: fleet status against the deployed plan, one notification when there is drift",
		"ScheduleExpression": "cron(0 6 ? * MON-FRI *)",
		"FlexibleTimeWindow": map[string]any{"Mode": "OFF"},
		"State":              "ENABLED",
		"Target": map[string]any{
			"Arn":         launchArn,
			"RoleArn":     s.getAtt(t, "DriftScheduleRole", "Arn"),
			"Input":       `{"drift":{"all":true}}`,
			"RetryPolicy": map[string]any{"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
		},
	})
	input := s.props(t, "DriftSchedule")["Target"].(map[string]any)["Input"].(string)
	if req, err := manual.Decode([]byte(input)); err != nil || req.Kind() != manual.KindDrift || !req.Drift.All {
		t.Errorf("the launch function reads the schedule's input %s as %+v, %v; want a drift check of every account", input, req, err)
	}
	role := s.props(t, "DriftScheduleRole")
	equalJSON(t, "drift role trust", role["AssumeRolePolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow",
			"Principal": map[string]any{"Service": "scheduler.amazonaws.com"},
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": testAccount}},
		}},
	})
	equalJSON(t, "drift role policy", s.props(t, "DriftScheduleRole/DefaultPolicy")["PolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid": "InvokeLaunchFunction", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": launchArn,
		}},
	})
	_, schedule := s.resource(t, "DriftSchedule")
	deps, _ := schedule["DependsOn"].([]any)
	policyID, _ := s.resource(t, "DriftScheduleRole/DefaultPolicy")
	if !strings.Contains(jsonOf(deps), policyID) {
		t.Errorf("the schedule depends on %v, want the role's policy %s: the first check must be allowed to invoke", deps, policyID)
	}
}

// TestDriftDashboard: the drift metrics the launch function writes are on
// the dashboard, by the names internal/metrics writes them with.
func TestDriftDashboard(t *testing.T) {
	body := jsonOf(driftFor(t).props(t, "Dashboard")["DashboardBody"])
	for _, name := range metrics.DriftMetrics() {
		if !strings.Contains(body, `\"`+name+`\"`) {
			t.Errorf("dashboard has no %s graph", name)
		}
	}
	if strings.Contains(jsonOf(stackFor(t).props(t, "Dashboard")["DashboardBody"]), metrics.DriftMissing) {
		t.Error("the default stack graphs drift without a drift schedule")
	}
}

// TestDriftScheduleOffByDefault: without the key there is no schedule and
// no role for it.
func TestDriftScheduleOffByDefault(t *testing.T) {
	s := stackFor(t)
	assert(t, "no schedule", func() {
		s.template.ResourceCountIs(jsii.String("AWS::Scheduler::Schedule"), jsii.Number(0))
	})
	for _, r := range s.resourcesOf("AWS::IAM::Role") {
		if strings.Contains(jsonOf(r), "scheduler.amazonaws.com") {
			t.Errorf("a role for EventBridge Scheduler without a drift schedule: %s", jsonOf(r))
		}
	}
}

// TestDriftScheduleRefused: an expression EventBridge would refuse, or one
// that would read the whole fleet every few minutes, fails synth naming
// the key and the fix.
func TestDriftScheduleRefused(t *testing.T) {
	ctx := cdkJSONContext()
	ctx["landfall:driftSchedule"] = "rate(5 minute)"
	_, err := build(ctx)
	if err == nil || !strings.Contains(err.Error(), `landfall:driftSchedule: "rate(5 minute)": EventBridge wants a singular unit for 1 and a plural one otherwise: write rate(5 minutes)`) {
		t.Errorf("error = %v, want one naming the key and the fix", err)
	}
}

// TestDriftStackNag: the schedule passes every pack; the only findings it
// adds are the packs' inline-policy rule on its role's one policy, accepted
// with a reason as for the functions' roles.
func TestDriftStackNag(t *testing.T) {
	s := driftFor(t)
	for _, m := range unsuppressedNagFindings(s) {
		t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
	}
	want := acceptedNagFindings(t, stackFor(t))
	for _, pack := range []string{"NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"} {
		want = append(want, suppression{Path: "DriftScheduleRole/DefaultPolicy/Resource", ID: pack + "-IAMNoInlinePolicy"})
	}
	equalJSON(t, "accepted cdk-nag findings with landfall:driftSchedule",
		sortedSuppressions(acceptedNagFindings(t, s)), sortedSuppressions(want))
}

// TestDriftPropsValidate: the construct refuses a bad schedule too, for
// apps that embed it without cdk.json.
func TestDriftPropsValidate(t *testing.T) {
	err := landfall.Props{DriftSchedule: "cron(0 6 * * *)"}.Validate()
	if err == nil || !strings.Contains(err.Error(), "DriftSchedule: \"cron(0 6 * * *)\" has 5 fields") {
		t.Errorf("Validate = %v, want the DriftSchedule problem", err)
	}
	var payload map[string]any
	if err := json.Unmarshal([]byte(landfall.DriftPayload), &payload); err != nil {
		t.Fatal(err)
	}
}
