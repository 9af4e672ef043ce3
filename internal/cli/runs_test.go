package cli

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/runstate"
)

// adminARN is who the local AWS says the dummy test keys belong to.
const adminARN = "arn:aws:iam::111111111111:user/admin"

// recordingHandler is a launch function that keeps the payloads it is sent.
type recordingHandler struct {
	next lambda.Handler
	mu   sync.Mutex
	got  []*manual.Request
}

func (h *recordingHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	if req, err := manual.Decode(payload); err == nil {
		h.mu.Lock()
		h.got = append(h.got, req)
		h.mu.Unlock()
	}
	return h.next.Invoke(ctx, payload)
}

// last is the last manual request the function was sent.
func (h *recordingHandler) last(t *testing.T) *manual.Request {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.got) == 0 {
		t.Fatal("the launch function was sent no manual payload")
	}
	return h.got[len(h.got)-1]
}

// recordLaunch replaces the deployed launch function with one that records.
func recordLaunch(env *localrun.Env) *recordingHandler {
	h := &recordingHandler{next: env.LaunchHandler()}
	env.Cloud.RegisterFunction(LaunchFunctionName, h)
	return h
}

// listedRuns runs `landfall runs ... --json` and decodes the list.
func listedRuns(t *testing.T, args ...string) []*ledger.Record {
	t.Helper()
	r := landfall(t, "", append([]string{"runs", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("runs %v: exit %d\n%s", args, r.code, r.stderr)
	}
	var recs []*ledger.Record
	if err := json.Unmarshal([]byte(r.out), &recs); err != nil {
		t.Fatalf("runs --json is not a list of runs: %v\n%s", err, r.out)
	}
	return recs
}

// TestRunsCommands lists, shows and cancels runs of the local deployment
// through its launch function: statusWorld's two finished runs, and one
// queued here by `landfall invoke`, which must say who asked.
func TestRunsCommands(t *testing.T) {
	env := statusWorld(t)
	fn := recordLaunch(env)
	if r := landfall(t, `{"accounts": ["333333333333"]}`, "invoke", "-"); r.code != 0 {
		t.Fatalf("invoke: exit %d\n%s", r.code, r.stderr)
	}
	if by := fn.last(t).RequestedBy; by != adminARN {
		t.Errorf("invoke sent requestedBy %q, want the caller %s", by, adminARN)
	}

	r := landfall(t, "", "runs")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("runs: exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"RUN  ", "REQUESTED BY", "LifeCycle2", "RUNNING", "6 PENDING", adminARN, "LifeCycle1", "SUCCEEDED", "3 run(s) in the last 24h, newest first."} {
		if !strings.Contains(r.out, want) {
			t.Errorf("runs output lacks %q:\n%s", want, r.out)
		}
	}
	if got := fn.last(t); got.Kind() != manual.KindRuns || got.RequestedBy != adminARN || *got.Runs != (manual.RunsRequest{Since: "24h", Limit: 100}) {
		t.Errorf("runs sent %+v (runs %+v)", got, got.Runs)
	}

	running := listedRuns(t, "--account", "333333333333", "--status", "running", "--since", "7d")
	if len(running) != 1 || running[0].RequestedBy != adminARN || running[0].Status != ledger.StatusRunning {
		t.Fatalf("running runs of 333333333333 = %+v", running)
	}
	id := running[0].RunID
	finished := listedRuns(t, "--status", "SUCCEEDED", "--limit", "1")
	if len(finished) != 1 || finished[0].Outcome != "SUCCEEDED" {
		t.Fatalf("--status SUCCEEDED --limit 1 = %+v", finished)
	}

	r = landfall(t, "", "runs", "show", id)
	for _, want := range []string{"Run           " + id, "Requested by  " + adminARN + " (self-asserted)", "Status        RUNNING, step 0",
		"REGION     PRODUCT         STATUS   VERSION  RECORD  STARTED  FINISHED  ERROR", "us-west-1  security-audit  PENDING"} {
		if r.code != 0 || !strings.Contains(r.out, want) {
			t.Errorf("runs show: exit %d, output lacks %q:\n%s%s", r.code, want, r.out, r.stderr)
		}
	}

	r = landfall(t, "", "runs", "cancel", id)
	if r.code != 0 || !strings.HasPrefix(r.out, "Cancel requested for run "+id+" (account 333333333333 LifeCycle2).\nlandfall-launch: ") {
		t.Errorf("runs cancel: exit %d\n%s%s", r.code, r.out, r.stderr)
	}
	if got := fn.last(t); got.Cancel != id || got.RequestedBy != adminARN {
		t.Errorf("cancel sent %+v", got)
	}
	r = landfall(t, "", "runs", "show", "--json", id)
	var shown ledger.Record
	if err := json.Unmarshal([]byte(r.out), &shown); err != nil || !shown.CancelRequested || shown.CancelledBy != adminARN || shown.Run == nil || len(shown.Run.Targets) != 6 {
		t.Errorf("runs show --json after cancel: %v\n%s", err, r.out)
	}
	if r = landfall(t, "", "runs", "show", id); !strings.Contains(r.out, "Cancel        requested ") || !strings.Contains(r.out, " by "+adminARN+" (self-asserted)") {
		t.Errorf("runs show does not say who cancelled:\n%s", r.out)
	}
}

// TestRunsRefusals checks the launch function's refusals: an unknown run,
// and cancelling a run that has finished, whose refusal names how.
func TestRunsRefusals(t *testing.T) {
	statusWorld(t)
	done := listedRuns(t, "--account", "222222222222")
	if len(done) != 1 {
		t.Fatalf("runs of 222222222222 = %+v", done)
	}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"show", "no-such-run"}, []string{"landfall runs: landfall-launch refused: ", `"no-such-run" is not in the ledger`}},
		{[]string{"cancel", "no-such-run"}, []string{`"no-such-run" is not in the ledger`}},
		{[]string{"cancel", done[0].RunID}, []string{"landfall runs: landfall-launch refused: ", "run " + done[0].RunID + " finished at ", "with outcome SUCCEEDED", "only a running run can be cancelled"}},
	}
	for _, tt := range tests {
		r := landfall(t, "", append([]string{"runs"}, tt.args...)...)
		if r.code != 1 || r.out != "" {
			t.Errorf("runs %v: exit %d, stdout %q; want 1 and nothing", tt.args, r.code, r.out)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("runs %v: stderr lacks %q:\n%s", tt.args, w, r.stderr)
			}
		}
	}
}

// TestRequestedByIsSent checks that status and invoke say who asked, and
// that a payload naming someone keeps its own.
func TestRequestedByIsSent(t *testing.T) {
	env := statusWorld(t)
	fn := recordLaunch(env)
	if r := landfall(t, "", "status", "--accounts", "222222222222"); r.code != 0 {
		t.Fatalf("status: exit %d\n%s", r.code, r.stderr)
	}
	if got := fn.last(t); got.Kind() != manual.KindStatus || got.RequestedBy != adminARN {
		t.Errorf("status sent %+v", got)
	}
	env.Cloud.Calls().Reset()
	if r := landfall(t, `{"status": {"all": true}, "requestedBy": "on-call: alice"}`, "invoke", "-"); r.code != 0 {
		t.Fatalf("invoke: exit %d\n%s", r.code, r.stderr)
	}
	if got := fn.last(t); got.RequestedBy != "on-call: alice" {
		t.Errorf("invoke replaced the payload's requestedBy: %+v", got)
	}
	if n := env.Cloud.Calls().Count("sts.GetCallerIdentity"); n != 0 {
		t.Errorf("asked STS %d times for a payload that names who asked", n)
	}
	// A replayed Control Tower event is sent as it is.
	env.Cloud.Calls().Reset()
	if r := landfall(t, "", "invoke", sampleFile(t, sampleEvent)); r.code != 0 {
		t.Fatalf("invoke event: exit %d\n%s", r.code, r.stderr)
	}
	if n := env.Cloud.Calls().Count("sts.GetCallerIdentity"); n != 0 {
		t.Errorf("asked STS %d times for an event", n)
	}
}

// fakeSTS answers GetCallerIdentity with a fixed output or error.
type fakeSTS struct {
	arn string
	err error
}

func (f fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &sts.GetCallerIdentityOutput{Arn: aws.String(f.arn), Account: aws.String("111111111111")}, nil
}

// answering is a fake launch function answering resp.
func answering(t *testing.T, resp launch.Response) *fakeInvoker {
	t.Helper()
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	return &fakeInvoker{out: &awslambda.InvokeOutput{StatusCode: 200, Payload: b}}
}

// fakeClient is a launchClient over fakes, with its streams.
func fakeClient(api Invoker, ids CallerIdentity) (*launchClient, *strings.Builder, *strings.Builder) {
	var out, errOut strings.Builder
	return &launchClient{function: "fn", lambda: api, sts: ids, cmd: "runs", s: Streams{Out: &out, Err: &errOut}}, &out, &errOut
}

var t0 = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

// fixtureRuns are a listing: one running run with a pending cancel, one
// finished with a failure, one of an event without who asked.
func fixtureRuns() []*ledger.Record {
	return []*ledger.Record{
		{RunID: "manual-0f8a4b1c-5f1d3c2b9a8e-333333333333", Account: "333333333333", AccountName: "LifeCycle2", Trigger: "manual",
			RequestedBy: adminARN, StartedAt: t0.Add(2 * time.Hour), Status: ledger.StatusRunning, CancelRequested: true,
			Counts: map[string]int{"IN_PROGRESS": 2, "PENDING": 4}},
		{RunID: "backfill-0f8a4b1c-5f1d3c2b9a8e-222222222222", Account: "222222222222", AccountName: "LifeCycle1", Trigger: "backfill",
			RequestedBy: "arn:aws:sts::111111111111:assumed-role/Operator/alice", StartedAt: t0, FinishedAt: t0.Add(14 * time.Minute),
			Status: ledger.StatusFinished, Outcome: "PARTIAL", Counts: map[string]int{"SUCCEEDED": 5, "FAILED": 1}},
		{RunID: "0000000-0000-0000-1111-123456789012-444444444444", Account: "444444444444", Trigger: "CreateManagedAccount",
			StartedAt: t0.Add(-time.Hour), FinishedAt: t0.Add(-50 * time.Minute), Status: ledger.StatusFinished, Outcome: "SUCCEEDED",
			Counts: map[string]int{"SUCCEEDED": 6}},
	}
}

// fixtureRun is a finished run with its targets.
func fixtureRun() *ledger.Record {
	rec := fixtureRuns()[1]
	rec.RequestID, rec.Step, rec.Sent, rec.Summary, rec.MessageID = "0f8a4b1c-3d2e-4f5a-9b6c-7d8e9f0a1b2c", 4, 4, ledger.SummarySent, "5e0c3a9f-1111-2222-3333-444455556666"
	target := func(region, product string, st runstate.Status, version, record, errMsg string, took time.Duration) runstate.Target {
		return runstate.Target{Region: region, Product: product, Status: st, Version: version, RecordID: record, Error: errMsg,
			StartedAt: t0.Add(time.Minute), FinishedAt: t0.Add(time.Minute + took)}
	}
	rec.Run = &runstate.Run{ID: rec.RunID, Trigger: runstate.TriggerBackfill, Targets: []runstate.Target{
		target("us-east-1", "baseline-vpc", runstate.Succeeded, "v2.0", "rec-c5sm4qitsrpx6", "", 6*time.Minute),
		target("us-west-2", "baseline-vpc", runstate.AlreadyProvisioned, "v2.0", "", "", 0),
		target("us-west-1", "security-audit", runstate.Failed, "2025.01", "rec-jpzzyqboyziaa",
			"Stack failed:\n  Parameter RetentionDays\tmust be 1-3650", 12*time.Minute),
	}}
	return rec
}

func TestRunsTables(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		resp   launch.Response
		run    func(c *launchClient) error
	}{
		{"list", "runs-list.txt", launch.Response{Outcome: launch.OutcomeRuns, Runs: fixtureRuns()}, func(c *launchClient) error {
			return listRuns(context.Background(), c, &runsListFlags{req: &manual.RunsRequest{Since: "24h", Limit: 100}})
		}},
		{"list at the limit, filtered", "runs-list-limit.txt", launch.Response{Outcome: launch.OutcomeRuns, Runs: fixtureRuns()[:1]}, func(c *launchClient) error {
			return listRuns(context.Background(), c, &runsListFlags{req: &manual.RunsRequest{Account: "333333333333", Since: "7d", Status: "RUNNING", Limit: 1}})
		}},
		{"no runs", "runs-list-empty.txt", launch.Response{Outcome: launch.OutcomeRuns, Message: "0 run(s)"}, func(c *launchClient) error {
			return listRuns(context.Background(), c, &runsListFlags{req: &manual.RunsRequest{Since: "30d", Status: "FAILED", Limit: 100}})
		}},
		{"no runs as JSON", "runs-list-empty.json", launch.Response{Outcome: launch.OutcomeRuns}, func(c *launchClient) error {
			return listRuns(context.Background(), c, &runsListFlags{req: &manual.RunsRequest{Since: "24h", Limit: 100}, asJSON: true})
		}},
		{"show", "runs-show.txt", launch.Response{Outcome: launch.OutcomeRun, Run: fixtureRun()}, func(c *launchClient) error {
			return showRun(context.Background(), c, fixtureRun().RunID, false)
		}},
		{"show as JSON", "runs-show.json", launch.Response{Outcome: launch.OutcomeRun, Run: fixtureRun()}, func(c *launchClient) error {
			return showRun(context.Background(), c, fixtureRun().RunID, true)
		}},
		{"cancel", "runs-cancel.txt", launch.Response{Outcome: launch.OutcomeCancelRequested, Run: fixtureRuns()[0],
			Message: "run manual-0f8a4b1c-5f1d3c2b9a8e-333333333333 stops at its next step (within 15 minutes): what is left becomes CANCELLED and one summary goes out"},
			func(c *launchClient) error { return cancelRun(context.Background(), c, fixtureRuns()[0].RunID) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, out, errOut := fakeClient(answering(t, tt.resp), fakeSTS{arn: adminARN})
			if err := tt.run(c); err != nil {
				t.Fatal(err)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr = %q, want nothing", errOut.String())
			}
			golden(t, tt.golden, out.String())
		})
	}
}

// TestRunsPayloads checks what each command sends: its kind, and who asked.
func TestRunsPayloads(t *testing.T) {
	api := answering(t, launch.Response{Outcome: launch.OutcomeRun, Run: fixtureRun()})
	c, _, _ := fakeClient(api, fakeSTS{arn: adminARN})
	if err := showRun(context.Background(), c, "r1", false); err != nil {
		t.Fatal(err)
	}
	if got := string(api.got.Payload); got != `{"run":"r1","requestedBy":"`+adminARN+`"}` || aws.ToString(api.got.FunctionName) != "fn" || api.got.InvocationType != "RequestResponse" {
		t.Errorf("sent %s to %s (%s)", got, aws.ToString(api.got.FunctionName), api.got.InvocationType)
	}

	api = answering(t, launch.Response{Outcome: launch.OutcomeRuns})
	c, _, _ = fakeClient(api, fakeSTS{arn: adminARN})
	if err := listRuns(context.Background(), c, &runsListFlags{req: &manual.RunsRequest{Account: "222222222222", Since: "7d", Status: "FAILED", Limit: 5}}); err != nil {
		t.Fatal(err)
	}
	if got := string(api.got.Payload); got != `{"runs":{"account":"222222222222","since":"7d","status":"FAILED","limit":5},"requestedBy":"`+adminARN+`"}` {
		t.Errorf("sent %s", got)
	}
}

// TestWhoAsksFails checks that a caller STS cannot name is told so and
// the payload goes without requestedBy.
func TestWhoAsksFails(t *testing.T) {
	for _, tt := range []struct {
		name string
		ids  fakeSTS
		want string
	}{
		{"STS refuses", fakeSTS{err: errors.New("AccessDenied: not authorized to perform: sts:GetCallerIdentity")},
			"landfall runs: sending without requestedBy: sts:GetCallerIdentity could not say who you are: AccessDenied: not authorized to perform: sts:GetCallerIdentity\n"},
		{"STS answers no ARN", fakeSTS{}, "landfall runs: sending without requestedBy: sts:GetCallerIdentity could not say who you are: requestedBy: is empty; "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api := answering(t, launch.Response{Outcome: launch.OutcomeCancelRequested, Run: fixtureRuns()[0]})
			c, out, errOut := fakeClient(api, tt.ids)
			if err := cancelRun(context.Background(), c, "r1"); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(errOut.String(), tt.want) {
				t.Errorf("stderr = %q, want %q", errOut.String(), tt.want)
			}
			if got := string(api.got.Payload); got != `{"cancel":"r1"}` {
				t.Errorf("sent %s, want no requestedBy", got)
			}
			if !strings.HasPrefix(out.String(), "Cancel requested for run ") {
				t.Errorf("stdout = %q", out.String())
			}
		})
	}
}

func TestRunsAnswers(t *testing.T) {
	tests := []struct {
		name string
		out  *awslambda.InvokeOutput
		err  error
		want []string
	}{
		{"refused", payloadOf(t, launch.Response{Outcome: launch.OutcomeInvalid, Error: `invalid manual payload: run: "r1" is not in the ledger`}), nil,
			[]string{`fn refused: invalid manual payload: run: "r1" is not in the ledger`}},
		{"a deployment from before the ledger", payloadOf(t, launch.Response{Outcome: launch.OutcomeInvalid, Error: `invalid manual payload: run: unknown key; did you mean "ous"?`}), nil,
			[]string{`fn refused: invalid manual payload: run: unknown key`, "(the deployed Landfall predates `landfall runs`: deploy this version)"}},
		{"another outcome", payloadOf(t, launch.Response{Outcome: "staging"}), nil, []string{`fn answered outcome "staging", not "run": is it a Landfall launch function?`}},
		{"not JSON", &awslambda.InvokeOutput{StatusCode: 200, Payload: []byte("oops")}, nil, []string{`fn answered "oops", not a Landfall answer`}},
		{"no run in the answer", payloadOf(t, launch.Response{Outcome: launch.OutcomeRun}), nil, []string{`fn answered outcome "run" without a readable run`}},
		{"function error", &awslambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"ledger: read run r1: throttled"}`)}, nil,
			[]string{"fn answered with a function error (Unhandled):\nledger: read run r1: throttled"}},
		{"call failure", nil, errors.New("AccessDeniedException: not authorized to perform lambda:InvokeFunction"), []string{"ask fn: AccessDeniedException"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, out, _ := fakeClient(&fakeInvoker{out: tt.out, err: tt.err}, fakeSTS{arn: adminARN})
			err := showRun(context.Background(), c, "r1", false)
			if err == nil {
				t.Fatalf("no error; stdout %q", out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out.String())
			}
		})
	}
}

func payloadOf(t *testing.T, resp launch.Response) *awslambda.InvokeOutput {
	t.Helper()
	return answering(t, resp).out
}

// TestRunsUsageErrors checks the arguments, all problems at once and named
// as flags, before any AWS call.
func TestRunsUsageErrors(t *testing.T) {
	env := localAWS(t, nil)
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--account", "2222-2222-2222", "--since", "24", "--status", "suceeded", "--limit", "0"}, []string{ //nolint:misspell // deliberate typo
			"--limit: 0 is out of range 1 to 1000",
			`--account: is not a 12-digit account ID (got "2222-2222-2222"); did you mean "222222222222"?`,
			`--since: is not a duration (got "24"); did you mean "24h"?`,
			`--status: is not a run status (got "SUCEEDED"); did you mean "SUCCEEDED"?`, //nolint:misspell // deliberate typo
		}},
		{[]string{"--since", "3651d", "--limit", "1001"}, []string{
			`--since: is longer than the ledger keeps any run (3650 days at most) (got "3651d"); write at most "3650d"`,
			`--limit: is out of range 1 to 1000 (got "1001")`,
		}},
		{[]string{"--since", "-1h"}, []string{`--since: must be positive (got "-1h")`}},
		{[]string{"--function", "f", "--stack", "Landfall"}, []string{"--function and --stack both given"}},
		{[]string{"shwo", "r1"}, []string{`unexpected argument "shwo": did you mean "show"?`}},
		{[]string{"r1"}, []string{"unexpected argument \"r1\": the subcommands are `runs show RUN_ID` and `runs cancel RUN_ID`"}},
		{[]string{"show"}, []string{"name exactly one run ID; `landfall runs` lists them"}},
		{[]string{"show", "r1", "r2"}, []string{"name exactly one run ID"}},
		{[]string{"show", "-r1"}, []string{"flag provided but not defined: -r1"}},
		{[]string{"show", "r/1"}, []string{"RUN_ID: is not a run ID (got \"r/1\"); run IDs are 1 to 96 letters, digits and \"_.-\", starting with a letter or digit; `landfall runs` lists them"}},
		{[]string{"cancel", " r1"}, []string{`RUN_ID: is not a run ID (got " r1"); did you mean "r1"?`}},
		{[]string{"cancel", "r1", "--json"}, []string{"flag provided but not defined: -json"}},
		{[]string{"cancel", "r1", "--function", "f", "--stack", "s"}, []string{"--function and --stack both given"}},
	}
	for _, tt := range tests {
		r := landfall(t, "", append([]string{"runs"}, tt.args...)...)
		if r.code != 2 || r.out != "" {
			t.Errorf("runs %v: exit %d, stdout %q; want 2 and nothing", tt.args, r.code, r.out)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("runs %v: stderr lacks %q:\n%s", tt.args, w, r.stderr)
			}
		}
	}
	if calls := env.Cloud.Calls().Snapshot(); len(calls) != 0 {
		t.Errorf("AWS called before the arguments were checked: %v", calls)
	}
}

func TestRunsHelp(t *testing.T) {
	for _, cmd := range [][]string{{"runs"}, {"runs", "show"}, {"runs", "cancel"}} {
		r := landfall(t, "", append(cmd, "--help")...)
		for _, want := range []string{"Usage: landfall " + strings.Join(cmd, " ") + " ", "Examples:\n  ", "self-asserted", "landfall:launchDataEvents"} {
			if r.code != 0 || !strings.Contains(r.stderr, want) {
				t.Errorf("%v --help: exit %d, lacks %q:\n%s", cmd, r.code, want, r.stderr)
			}
		}
	}
	if r := landfall(t, "", "help"); !strings.Contains(r.out, "\n  runs ") {
		t.Errorf("usage does not list runs:\n%s", r.out)
	}
	for _, cmd := range []string{"invoke", "status"} {
		if r := landfall(t, "", cmd, "--help"); !strings.Contains(r.stderr, "self-asserted") {
			t.Errorf("%s --help does not say requestedBy is self-asserted", cmd)
		}
	}
}

func TestWithRequestedBy(t *testing.T) {
	for _, in := range []string{`{"all": true}`, "{\n  \"ous\": [\"r-ab12\"],\n  \"recursive\": true\n}", `{"runs":{}}`} {
		out := withRequestedBy([]byte(in), `arn:aws:iam::111111111111:user/"quoted"`)
		req, err := manual.Decode(out)
		if err != nil {
			t.Errorf("%s: %v", out, err)
			continue
		}
		orig, _ := manual.Decode([]byte(in))
		orig.RequestedBy = `arn:aws:iam::111111111111:user/"quoted"`
		if got, _ := json.Marshal(req); !slices.Equal(got, must(json.Marshal(orig))) {
			t.Errorf("%s decodes to %s, want %s", out, got, must(json.Marshal(orig)))
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
