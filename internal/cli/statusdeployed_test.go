package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/plan"
)

// TestStatusUsesTheDeployedPlan deploys a plan that pins baseline-vpc to
// v1.1 while the accounts run v2.0: without --plan, status must report
// OUTDATED, which only the deployed plan says (the embedded example wants
// latest), and it must get there through the launch function.
func TestStatusUsesTheDeployedPlan(t *testing.T) {
	env := statusWorld(t)
	pinned, err := plan.Load(filepath.Join("testdata", "plan-pinned.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	env.Replan(pinned)
	deploy(env) // the replanned handler
	env.Cloud.Calls().Reset()

	r := landfall(t, "", "status", "--accounts", "222222222222", "--products", "baseline-vpc")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.out, "1 account, 3 targets: 3 OUTDATED") {
		t.Errorf("the report is not the deployed plan's:\n%s", r.out)
	}
	if strings.Contains(r.stderr, "example plan") {
		t.Errorf("stderr mentions the example plan: %s", r.stderr)
	}
	calls := env.Cloud.Calls().Snapshot()
	if calls["lambda.Invoke"] != 1 || calls["cloudformation.DescribeStacks"] != 1 {
		t.Errorf("calls = %v; want one DescribeStacks to find the function and one Invoke", calls)
	}

	// --function names it directly; a wrong name fails with Lambda's error.
	env.Cloud.Calls().Reset()
	r = landfall(t, "", "status", "--function", LaunchFunctionName, "--accounts", "222222222222", "--products", "baseline-vpc")
	if r.code != 0 || !strings.Contains(r.out, "3 OUTDATED") || env.Cloud.Calls().Snapshot()["cloudformation.DescribeStacks"] != 0 {
		t.Errorf("--function: exit %d, calls %v\n%s%s", r.code, env.Cloud.Calls().Snapshot(), r.out, r.stderr)
	}
	r = landfall(t, "", "status", "--function", "no-such-function")
	if r.code != 1 || !strings.Contains(r.stderr, "ask no-such-function for the status (or report from here with --plan FILE)") {
		t.Errorf("unknown function: exit %d, stderr %s", r.code, r.stderr)
	}
}

// TestStatusWithoutPlanOrDeployment checks that status never falls back to
// the embedded example plan: without a plan file and without a deployment
// it fails, naming both ways to give it a plan.
func TestStatusWithoutPlanOrDeployment(t *testing.T) {
	env := localAWS(t, nil) // no launch function, no stack
	r := landfall(t, "", "status")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.stderr)
	}
	for _, want := range []string{
		"give --plan FILE (or $LANDFALL_PLAN_FILE) to report from here with a plan file",
		"or let the deployed launch function report with its plan",
		"no stack Landfall in us-east-1: give --function NAME, --stack NAME",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.out != "" {
		t.Errorf("stdout = %q, want no report", r.out)
	}
	if calls := env.Cloud.Calls().Snapshot(); calls["organizations.DescribeOrganization"] != 0 || calls["sts.AssumeRole"] != 0 {
		t.Errorf("a report was attempted without a plan: %v", calls)
	}
}

// TestStatusDeployedRefusesLocalFlags checks the flags that only shape a
// report made from here.
func TestStatusDeployedRefusesLocalFlags(t *testing.T) {
	env := localAWS(t, nil)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--role", "Reader"}, "--role applies to a report made from here with --plan FILE"},
		{[]string{"--concurrency", "4"}, "--concurrency applies to a report made from here with --plan FILE"},
		{[]string{"--plan", examplePlan, "--stack", "Landfall"}, "--plan with --function or --stack"},
		{[]string{"--function", "f", "--stack", "Landfall"}, "--function and --stack both given"},
	}
	for _, tt := range tests {
		r := landfall(t, "", append([]string{"status"}, tt.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("status %v: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if calls := env.Cloud.Calls().Snapshot(); len(calls) != 0 {
		t.Errorf("AWS called before the flags were checked: %v", calls)
	}
}

// fakeTerminal is stderr as a terminal, for the progress line.
type fakeTerminal struct{ lockedBuffer }

func (*fakeTerminal) IsTerminal() bool { return true }

// TestStatusProgress checks the progress line: shown and cleared on a
// terminal, never on a file or pipe, and never on stdout.
func TestStatusProgress(t *testing.T) {
	statusWorld(t)
	args := []string{"status", "--plan", examplePlan, "--accounts", "222222222222,666666666666"}

	var out lockedBuffer
	tty := &fakeTerminal{}
	if code := Main(context.Background(), args, strings.NewReader(""), &out, tty); code != 0 {
		t.Fatalf("exit %d: %s", code, tty.String())
	}
	shown := tty.String()
	if !strings.HasPrefix(shown, "\rstatus: ") || !strings.HasSuffix(shown, " \r") || strings.Contains(shown, "\n") {
		t.Errorf("terminal stderr = %q; want progress lines rewritten with \\r and cleared", shown)
	}
	if strings.Contains(out.String(), "\r") {
		t.Errorf("stdout has the progress line: %q", out.String())
	}

	r := landfall(t, "", args...)
	if r.code != 0 || r.stderr != "" {
		t.Errorf("stderr that is not a terminal = %q (exit %d), want nothing", r.stderr, r.code)
	}
}
