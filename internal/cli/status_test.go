package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/status"
)

// The CLI tests run the commands in-process against the local AWS served on
// a loopback port, found through the standard AWS environment variables, as
// an operator runs `landfall status` against `landfall local serve`. They set
// process environment variables, so none of them runs in parallel.

// localAWS starts a Landfall deployment on the local AWS (default world,
// edited), serves it on a loopback port, and points the AWS environment at it.
func localAWS(t *testing.T, edit func(*localaws.World)) *localrun.Env {
	t.Helper()
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(w)
	}
	pl, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	env, err := localrun.New(context.Background(), w, pl, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &trackingListener{Listener: l}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- env.Cloud.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		// The SDK's transport may have dialled connections it never used; a
		// graceful shutdown would wait out its grace period for them.
		ln.closeAll()
		if err := <-done; err != nil {
			t.Errorf("local AWS: %v", err)
		}
	})
	awsEnv(t, "http://"+ln.Addr().String())
	env.Cloud.Calls().Reset() // tests count the commands' calls only
	return env
}

// trackingListener remembers the connections it accepted so a test can close
// them at the end.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		_ = c.Close() // already closed by the server is fine
	}
}

// awsEnv points the standard credential chain at endpoint with the dummy
// keys of the management account's administrator, and keeps the developer's
// own AWS and Landfall settings out of the test.
func awsEnv(t *testing.T, endpoint string) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":             endpoint,
		"AWS_ACCESS_KEY_ID":            "test",
		"AWS_SECRET_ACCESS_KEY":        "test",
		"AWS_SESSION_TOKEN":            "",
		"AWS_REGION":                   "us-east-1",
		"AWS_DEFAULT_REGION":           "",
		"AWS_PROFILE":                  "",
		"AWS_CONFIG_FILE":              filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE":  filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":    "true",
		"LANDFALL_PLAN_FILE":           "",
		"LANDFALL_FUNCTION":            "",
		"LANDFALL_EXECUTION_ROLE_NAME": "",
	} {
		t.Setenv(k, v)
	}
}

// result is what a command did.
type result struct {
	code        int
	out, stderr string
}

// landfall runs the CLI in-process with stdin.
func landfall(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code: code, out: out.String(), stderr: errOut.String()}
}

// runPayload runs a manual payload through the deployment and drains the worker.
func runPayload(t *testing.T, env *localrun.Env, payload string) {
	t.Helper()
	res, err := env.Run(context.Background(), []localrun.Payload{{Name: "setup", Body: []byte(payload)}})
	if err != nil {
		t.Fatal(err)
	}
	if inv := res.Invocations[0]; inv.Error != "" {
		t.Fatalf("setup payload %s: %s", payload, inv.Error)
	}
}

// statusWorld is the default world with LifeCycle3 missing its execution role
// and dev-sandbox with us-west-1 disabled; LifeCycle1 and payments-prod get
// their products before the report.
func statusWorld(t *testing.T) *localrun.Env {
	t.Helper()
	env := localAWS(t, func(w *localaws.World) {
		for i, a := range w.Organization.Accounts {
			switch a.ID {
			case "624281831893":
				w.Organization.Accounts[i].Roles = []string{}
			case "777777777777":
				w.Organization.Accounts[i].DisabledRegions = []string{"us-west-1"}
			}
		}
	})
	runPayload(t, env, `{"accounts": ["222222222222", "666666666666"]}`)
	deploy(env)
	env.Cloud.Calls().Reset()
	return env
}

// deploy makes the local Landfall a deployment `landfall status` and
// `landfall invoke` find: the launch function registered in Lambda and the
// Landfall stack naming it, as `landfall local serve` does.
func deploy(env *localrun.Env) {
	env.Cloud.RegisterFunction(LaunchFunctionName, env.LaunchHandler())
	env.Cloud.PutStack(DefaultStackName, map[string]string{
		OutputLaunchFunctionName: LaunchFunctionName,
		OutputWorkQueueURL:       env.Config.QueueURL,
		OutputSummaryTopicArn:    env.Config.TopicARN,
	})
}

// examplePlan is the embedded example plan's file, for reports made from here.
const examplePlan = "../plan/example.yaml"

func TestStatusCommand(t *testing.T) {
	statusWorld(t)
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
		golden   string   // expected stdout in testdata
		wantOut  []string // or parts of it
		notOut   []string
		wantErr  []string
	}{
		{
			name: "whole organization by default, with the deployed plan", args: []string{"status"},
			golden: "status-all.txt",
		},
		{
			name: "whole organization with a plan file", args: []string{"status", "--plan", examplePlan},
			golden: "status-all.txt",
		},
		{
			name: "drift only, failing on drift", args: []string{"status", "--ou", "ou-ab12-w0rkl0ad", "--recursive", "--drift-only", "--fail-on-drift"},
			wantCode: 3,
			wantOut: []string{
				"777777777777  dev-sandbox  us-west-1  baseline-vpc    UNREACHABLE  -        latest  region us-west-1 not usable by the account (disabled or not opted in)",
				"777777777777  dev-sandbox  us-east-1  baseline-vpc    MISSING",
				"2 accounts, 12 targets: 6 OK, 4 MISSING, 2 UNREACHABLE",
			},
			notOut:  []string{"666666666666"},
			wantErr: []string{"landfall status: drift: 6 of 12 targets are not OK"},
		},
		{
			name: "no drift", args: []string{"status", "--accounts", "222222222222,666666666666", "--fail-on-drift"},
			wantOut: []string{"2 accounts, 12 targets: 12 OK"},
		},
		{
			name: "plan from the environment", args: []string{"status", "--accounts", "222222222222", "--products", "baseline-vpc"},
			env: map[string]string{"LANDFALL_PLAN_FILE": filepath.Join("testdata", "plan-pinned.yaml")},
			wantOut: []string{
				"222222222222  LifeCycle1  us-east-1  baseline-vpc  OUTDATED  v2.0     v1.1    runs v2.0, the plan wants v1.1",
				"1 account, 3 targets: 3 OUTDATED",
			},
		},
		{
			name: "role from the flag", args: []string{"status", "--plan", examplePlan, "--accounts", "222222222222", "--regions", "us-west-1", "--role", "NoSuchRole"},
			wantOut: []string{"1 account (1 unreachable), 2 targets: 2 UNREACHABLE", "role NoSuchRole not assumable"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			r := landfall(t, "", tt.args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.out, r.stderr)
			}
			if tt.golden != "" {
				golden(t, tt.golden, r.out)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(r.out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.out)
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(r.out, w) {
					t.Errorf("stdout has %q:\n%s", w, r.out)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

func TestStatusJSON(t *testing.T) {
	env := statusWorld(t)
	r := landfall(t, "", "status", "--plan", examplePlan, "--accounts", "222222222222,624281831893", "--regions", "us-west-1", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep status.Report
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("stdout is not a report: %v\n%s", err, r.out)
	}
	if rep.Accounts != 2 || rep.Targets != 4 || rep.Summary[status.OK] != 2 || rep.Summary[status.Unreachable] != 2 || rep.UnreachableAccounts != 1 {
		t.Errorf("report = %+v", rep)
	}
	for _, row := range rep.Rows {
		if row.Account == "624281831893" && !strings.HasPrefix(row.Error, "AccessDenied: ") {
			t.Errorf("unreachable row lacks AWS's error: %+v", row)
		}
	}
	calls := env.Cloud.Calls().Snapshot()
	if calls["organizations.DescribeOrganization"] != 1 || calls["sts.AssumeRole"] != 2 {
		t.Errorf("calls = %v", calls)
	}
}

// TestStatusUsageErrors checks that bad flags are reported, all at once and
// named as flags, before any AWS call.
func TestStatusUsageErrors(t *testing.T) {
	env := localAWS(t, nil)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"bad and repeated account IDs", []string{"--accounts", "2222,222222222222,222222222222"}, []string{
			`--accounts: is not a 12-digit account ID (got "2222")`,
			`--accounts: repeats an earlier value (got "222222222222"); remove it`,
		}},
		{"two selections", []string{"--accounts", "222222222222", "--ou", "ou-ab12-l3zc8b3h"}, []string{
			"selection: gives --accounts and --ou together; give exactly one of --accounts, --ou or --all",
		}},
		{"recursive without OUs", []string{"--accounts", "222222222222", "--recursive"}, []string{
			"--recursive: applies only to --ou; remove it, or select OUs with --ou",
		}},
		{"OU by name", []string{"--ou", "Security"}, []string{`--ou: is not an OU ID (got "Security")`}},
		{"every problem at once", []string{"--regions", "us-east-9", "--products", "Baseline VPC", "--concurrency", "0"}, []string{
			`--regions: is not an AWS region (got "us-east-9")`,
			`--products: is not a product key (got "Baseline VPC"); did you mean "baseline-vpc"?`,
			"--concurrency: 0 is not from 1 to 64",
		}},
		{"region the plan lacks", []string{"--plan", examplePlan, "--regions", "eu-west-1"}, []string{
			`--regions: "eu-west-1" is not one of the plan's regions (us-east-1, us-west-2, us-west-1)`,
		}},
		{"stray argument", []string{"222222222222"}, []string{`unexpected argument "222222222222": select accounts with --accounts, --ou or --all`}},
		{"unknown flag", []string{"--acounts", "222222222222"}, []string{"flag provided but not defined: -acounts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := landfall(t, "", append([]string{"status"}, tt.args...)...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2 (usage)\nstderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if r.out != "" {
				t.Errorf("stdout = %q, want nothing", r.out)
			}
			if calls := env.Cloud.Calls().Snapshot(); len(calls) != 0 {
				t.Errorf("AWS called before the flags were checked: %v", calls)
			}
		})
	}
}

func TestStatusNeedsARegion(t *testing.T) {
	localAWS(t, nil)
	t.Setenv("AWS_REGION", "")
	r := landfall(t, "", "status")
	if r.code != 1 || !strings.Contains(r.stderr, "landfall status: no AWS region: set AWS_REGION") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestHelpHasExamples(t *testing.T) {
	for _, cmd := range []string{"plan", "status", "invoke"} {
		t.Run(cmd, func(t *testing.T) {
			r := landfall(t, "", cmd, "--help")
			if r.code != 0 || !strings.Contains(r.stderr, "Usage: landfall "+cmd) || !strings.Contains(r.stderr, "Examples:\n  ") {
				t.Errorf("exit %d, help:\n%s", r.code, r.stderr)
			}
		})
	}
	r := landfall(t, "", "help")
	for _, cmd := range []string{"plan", "status", "invoke", "validate", "local"} {
		if !strings.Contains(r.out, "\n  "+cmd+" ") {
			t.Errorf("usage does not list %s:\n%s", cmd, r.out)
		}
	}
}

var update = os.Getenv("UPDATE_GOLDEN") != ""

// golden compares got with testdata/name; UPDATE_GOLDEN=1 rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}
