package cli

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws/stacks"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/preflight"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/status"
)

// deployLaunch registers the deployment's launch function (with a status
// reporter, as the deployed function has) on the local AWS as landfall-launch.
func deployLaunch(t *testing.T) *localrun.Env {
	t.Helper()
	env := localAWS(t, nil)
	env.Launch.Status = &status.Reporter{
		Plan:              env.Plan,
		Directory:         &directory.Directory{API: organizations.NewFromConfig(env.AWS)},
		Accounts:          status.Opened{Opener: &provision.Sessions{Base: env.AWS, RoleName: env.Plan.ExecutionRoleName, Now: env.Clock.Now}},
		Products:          &preflight.CatalogCheck{Plan: env.Plan, Catalogs: preflight.NewCatalogs(env.AWS)},
		ManagementAccount: "111111111111",
	}
	env.Cloud.RegisterFunction("landfall-launch", lambda.NewHandler(env.Launch.Handle))
	return env
}

func TestInvoke(t *testing.T) {
	env := deployLaunch(t)
	tests := []struct {
		name  string
		args  []string
		stdin string
		env   map[string]string
		// wantOutcome is the launch response's outcome on stdout.
		wantOutcome string
		wantCode    int
		wantErr     []string
		// invokes is how many lambda.Invoke calls the command makes.
		invokes int
		sends   int
	}{
		{
			name: "dry run from a file", args: []string{"--function", "landfall-launch", filepath.Join("testdata", "dry-run.json")},
			wantOutcome: launch.OutcomeDryRun, invokes: 1,
		},
		{
			name: "backfill from stdin, function from the environment", args: []string{"-"},
			stdin:       `{"ous": ["ou-ab12-l3zc8b3h"]}`,
			env:         map[string]string{EnvFunction: "landfall-launch"},
			wantOutcome: launch.OutcomeQueued, invokes: 1, sends: 3,
		},
		{
			name: "status, flag after the payload", args: []string{"-", "--function=landfall-launch"},
			stdin:       `{"status": {"accounts": ["222222222222"], "regions": ["us-west-1"]}}`,
			wantOutcome: launch.OutcomeStatus, invokes: 1,
		},
		{
			name: "replayed Control Tower event", args: []string{"--function", "landfall-launch", sampleFile(t, sampleEvent)},
			wantOutcome: launch.OutcomeQueued, invokes: 1, sends: 1,
		},
		{
			name: "typo fails before any call", args: []string{"--function", "landfall-launch", "-"},
			stdin:    `{"acounts": ["222222222222"], "dryRun": "yes"}`,
			wantCode: 1,
			wantErr: []string{
				"landfall invoke: invalid payload, not sent:",
				`acounts: unknown key; did you mean "accounts"?`,
				"dryRun: must be true or false, got string",
			},
		},
		{
			name: "broken event fails before any call", args: []string{"--function", "landfall-launch", "-"},
			stdin:    `{"source": "aws.controltower", "detail-type": "AWS Service Event via CloudTrail", "id": "e-1"}`,
			wantCode: 1,
			wantErr:  []string{"landfall invoke: invalid event, not sent:"},
		},
		{
			// The deployed plan is only known to the function: it answers
			// "invalid" (not a function error, which would page on-call),
			// and the CLI still exits 1.
			name: "payload the deployed plan rejects", args: []string{"--function", "landfall-launch", "-"},
			stdin:    `{"accounts": ["222222222222"], "products": ["network"]}`,
			wantCode: 1, invokes: 1, wantOutcome: "invalid",
			wantErr: []string{
				"landfall invoke: landfall-launch rejected the payload: invalid manual payload:",
				`"network" is not a product key of the plan (baseline-vpc, security-audit)`,
			},
		},
		{
			name: "no such function", args: []string{"--function", "landfall-lunch", "-"},
			stdin:    `{"all": true, "dryRun": true}`,
			wantCode: 1, invokes: 1,
			wantErr: []string{"landfall invoke: invoke landfall-lunch:", "ResourceNotFoundException"},
		},
		{
			name: "no function named and no stack deployed", args: []string{"-"}, stdin: `{"all": true}`,
			wantCode: 1,
			wantErr:  []string{"landfall invoke: find the launch function: no stack Landfall in us-east-1: give --function NAME", "or deploy Landfall first"},
		},
		{
			name: "no payload", args: []string{"--function", "landfall-launch"},
			wantCode: 2,
			wantErr:  []string{"name exactly one payload file, or - to read the payload from standard input"},
		},
		{
			name: "missing file", args: []string{"--function", "landfall-launch", filepath.Join("testdata", "nope.json")},
			wantCode: 1,
			wantErr:  []string{"landfall invoke: read payload: open testdata/nope.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvStack, "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			env.Cloud.Calls().Reset()
			r := landfall(t, tt.stdin, append([]string{"invoke"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.out, r.stderr)
			}
			if tt.wantOutcome != "" {
				var resp launch.Response
				if err := json.Unmarshal([]byte(r.out), &resp); err != nil {
					t.Fatalf("stdout is not the launch response: %v\n%s", err, r.out)
				}
				if resp.Outcome != tt.wantOutcome {
					t.Errorf("outcome = %s (%s %s), want %s", resp.Outcome, resp.Message, resp.Error, tt.wantOutcome)
				}
				if !strings.Contains(r.out, "\n  \"outcome\": ") {
					t.Errorf("answer is not indented:\n%s", r.out)
				}
			} else if r.out != "" {
				t.Errorf("stdout = %q, want nothing", r.out)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if n := env.Cloud.Calls().Count("lambda.Invoke"); n != tt.invokes {
				t.Errorf("lambda.Invoke calls = %d, want %d", n, tt.invokes)
			}
			if n := env.Cloud.Calls().Count("sqs.SendMessage"); n != tt.sends {
				t.Errorf("runs queued = %d, want %d", n, tt.sends)
			}
		})
	}
}

// fakeInvoker answers Invoke with a fixed output or error.
type fakeInvoker struct {
	out *awslambda.InvokeOutput
	err error
	got *awslambda.InvokeInput
}

func (f *fakeInvoker) Invoke(_ context.Context, in *awslambda.InvokeInput, _ ...func(*awslambda.Options)) (*awslambda.InvokeOutput, error) {
	f.got = in
	return f.out, f.err
}

func TestInvokeAnswers(t *testing.T) {
	tests := []struct {
		name    string
		out     *awslambda.InvokeOutput
		err     error
		wantOut string
		wantErr string
	}{
		{"JSON is indented", &awslambda.InvokeOutput{StatusCode: 200, Payload: []byte(`{"outcome":"queued","queued":[{"account":"222222222222"}]}`)},
			nil, "{\n  \"outcome\": \"queued\",\n  \"queued\": [\n    {\n      \"account\": \"222222222222\"\n    }\n  ]\n}\n", ""},
		{"anything else is shown as it came", &awslambda.InvokeOutput{StatusCode: 200, Payload: []byte(`not json`)}, nil, "not json\n", ""},
		{"function error without Lambda's error document", &awslambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Handled"), Payload: []byte(`oops`)},
			nil, "", "fn answered with a function error (Handled):\noops"},
		{"function error message", &awslambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"invalid manual payload: all: must be true or false","errorType":"errorString"}`)},
			nil, "", "fn answered with a function error (Unhandled):\ninvalid manual payload: all: must be true or false"},
		{"call failure", nil, errors.New("AccessDeniedException: not authorized to perform lambda:InvokeFunction"), "", "invoke fn: AccessDeniedException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &fakeInvoker{out: tt.out, err: tt.err}
			var out strings.Builder
			err := invoke(context.Background(), api, "fn", []byte(`{"all": true}`), Streams{Out: &out})
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out.String(), tt.wantOut)
			}
			if string(api.got.Payload) != `{"all": true}` || aws.ToString(api.got.FunctionName) != "fn" || api.got.InvocationType != "RequestResponse" {
				t.Errorf("request = %+v", api.got)
			}
		})
	}
}

// TestInvokeFindsTheFunction resolves the launch function from flags, the
// environment and the stack's outputs on the local AWS.
func TestInvokeFindsTheFunction(t *testing.T) {
	env := deployLaunch(t)
	// A second deployment whose launch function answers a recognisable outcome.
	env.Cloud.RegisterFunction("landfall-staging-launch", lambda.NewHandler(func() (launch.Response, error) {
		return launch.Response{Outcome: "staging"}, nil
	}))
	env.Cloud.PutStack(DefaultStackName, map[string]string{OutputLaunchFunctionName: LaunchFunctionName, OutputWorkQueueURL: env.Config.QueueURL})
	env.Cloud.PutStack("Landfall-Staging", map[string]string{OutputLaunchFunctionName: "landfall-staging-launch"})
	env.Cloud.PutStack("Unrelated", map[string]string{"BucketName": "b"})
	dryRun := filepath.Join("testdata", "dry-run.json")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		// wantOutcome is the invoked function's outcome; empty: no invocation.
		wantOutcome string
		wantCode    int
		wantErr     []string
		describes   int
	}{
		{name: "the Landfall stack by default", args: []string{dryRun}, wantOutcome: launch.OutcomeDryRun, describes: 1},
		{name: "--stack", args: []string{"--stack", "Landfall-Staging", dryRun}, wantOutcome: "staging", describes: 1},
		{name: "--stack by stack ID", args: []string{"--stack", stacks.StackID("111111111111", "us-east-1", "Landfall-Staging"), dryRun}, wantOutcome: "staging", describes: 1},
		{name: "$LANDFALL_STACK", args: []string{dryRun}, env: map[string]string{EnvStack: "Landfall-Staging"}, wantOutcome: "staging", describes: 1},
		{
			name: "--stack before $LANDFALL_FUNCTION", args: []string{dryRun, "--stack=Landfall-Staging"},
			env: map[string]string{EnvFunction: LaunchFunctionName}, wantOutcome: "staging", describes: 1,
		},
		{
			name: "$LANDFALL_FUNCTION before $LANDFALL_STACK", args: []string{dryRun},
			env: map[string]string{EnvFunction: LaunchFunctionName, EnvStack: "Landfall-Staging"}, wantOutcome: launch.OutcomeDryRun,
		},
		{
			name: "no such stack", args: []string{"--stack", "Landfal", dryRun}, wantCode: 1, describes: 1,
			wantErr: []string{"landfall invoke: find the launch function: no stack Landfal in us-east-1: give --function NAME, --stack NAME (or $LANDFALL_STACK) for a stack of another name, or deploy Landfall first"},
		},
		{
			name: "a stack without the output", args: []string{dryRun}, env: map[string]string{EnvStack: "Unrelated"}, wantCode: 1, describes: 1,
			wantErr: []string{"landfall invoke: find the launch function: stack Unrelated in us-east-1 has no LaunchFunctionName output (status CREATE_COMPLETE): give --function NAME, or deploy Landfall to it first"},
		},
		{
			name: "--function and --stack", args: []string{"--function", LaunchFunctionName, "--stack", "Landfall", dryRun}, wantCode: 2,
			wantErr: []string{"landfall invoke: --function and --stack both given: --function names the function, --stack finds it; give one"},
		},
		{
			name: "a bad payload fails before the lookup", args: []string{"-"}, wantCode: 1,
			wantErr: []string{"landfall invoke: invalid payload, not sent:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvFunction, "")
			t.Setenv(EnvStack, "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			env.Cloud.Calls().Reset()
			r := landfall(t, `{"acounts": []}`, append([]string{"invoke"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.out, r.stderr)
			}
			invokes := 0
			if tt.wantOutcome != "" {
				invokes = 1
				var resp launch.Response
				if err := json.Unmarshal([]byte(r.out), &resp); err != nil {
					t.Fatalf("stdout is not a launch response: %v\n%s", err, r.out)
				}
				if resp.Outcome != tt.wantOutcome {
					t.Errorf("outcome = %s, want %s", resp.Outcome, tt.wantOutcome)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if n := env.Cloud.Calls().Count("cloudformation.DescribeStacks"); n != tt.describes {
				t.Errorf("DescribeStacks calls = %d, want %d", n, tt.describes)
			}
			if n := env.Cloud.Calls().Count("lambda.Invoke"); n != invokes {
				t.Errorf("lambda.Invoke calls = %d, want %d", n, invokes)
			}
		})
	}
}

// fakeStacks answers DescribeStacks with a fixed output or error.
type fakeStacks struct {
	out *cloudformation.DescribeStacksOutput
	err error
}

func (f fakeStacks) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	return f.out, f.err
}

// TestLaunchFunctionAnswers covers the answers the local AWS does not give.
func TestLaunchFunctionAnswers(t *testing.T) {
	stack := func(outputs ...cfntypes.Output) *cloudformation.DescribeStacksOutput {
		return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{{StackName: aws.String("Landfall"), StackStatus: cfntypes.StackStatusRollbackComplete, Outputs: outputs}}}
	}
	tests := []struct {
		name    string
		api     fakeStacks
		want    string
		wantErr string
	}{
		{"the output", fakeStacks{out: stack(cfntypes.Output{OutputKey: aws.String("LaunchFunctionName"), OutputValue: aws.String(" fn ")})}, "fn", ""},
		{"an empty output", fakeStacks{out: stack(cfntypes.Output{OutputKey: aws.String("LaunchFunctionName"), OutputValue: aws.String("")})}, "",
			"stack Landfall in eu-west-1 has no LaunchFunctionName output (status ROLLBACK_COMPLETE)"},
		{"no stacks in the answer", fakeStacks{out: &cloudformation.DescribeStacksOutput{}}, "", "no stack Landfall in eu-west-1"},
		{"access denied", fakeStacks{err: &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform: cloudformation:DescribeStacks"}}, "",
			"find the launch function: describe stack Landfall: api error AccessDenied: not authorized to perform: cloudformation:DescribeStacks (or give --function NAME)"},
		{"other validation errors are not a missing stack", fakeStacks{err: &smithy.GenericAPIError{Code: "ValidationError", Message: "1 validation error detected"}}, "",
			"describe stack Landfall: api error ValidationError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := launchFunction(context.Background(), tt.api, "Landfall", "eu-west-1")
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("function = %q, want %q", got, tt.want)
			}
		})
	}
}
