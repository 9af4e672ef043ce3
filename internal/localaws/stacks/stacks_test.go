package stacks_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/stacks"
	"github.com/landfall/landfall/internal/localaws/wire"
)

const (
	mgmt   = "111111111111"
	member = "222222222222"
	home   = "us-east-1"
	other  = "us-west-2"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// keys maps the access keys the tests sign with to accounts.
var keys = map[string]string{"AKIDMGMT": mgmt, "AKIDMEMBER": member}

type harness struct {
	stacks *stacks.Stacks
	srv    *wire.Server
	clock  *clock.Manual
}

// newHarness serves a CloudFormation holding the Landfall stack (and a
// second one) in mgmt/home, one in mgmt/other and one in member/home.
func newHarness(t *testing.T) *harness {
	t.Helper()
	clk := clock.NewManual(t0)
	s := stacks.New(clk)
	s.Put(mgmt, home, "Landfall", map[string]string{"LaunchFunctionName": "landfall-launch", "WorkQueueUrl": "https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work"})
	s.Put(mgmt, home, "Baseline", nil)
	s.Put(mgmt, other, "West", map[string]string{"LaunchFunctionName": "west-launch"})
	s.Put(member, home, "MemberOnly", map[string]string{"LaunchFunctionName": "member-launch"})
	srv := wire.NewServer(wire.ServerOptions{
		Services: []wire.Service{s},
		Clock:    clk,
		Auth: wire.AuthFunc(func(key string, _ time.Time) (wire.Caller, error) {
			acct, ok := keys[key]
			if !ok {
				return wire.Caller{}, wire.Errorf("InvalidClientTokenId", "The security token included in the request is invalid.")
			}
			return wire.Caller{Account: acct, ARN: "arn:aws:iam::" + acct + ":user/tester", UserID: "AIDA" + acct}, nil
		}),
	})
	return &harness{stacks: s, srv: srv, clock: clk}
}

// client returns a CloudFormation client signing with key in region.
func (h *harness) client(key, region string) *cloudformation.Client {
	return cloudformation.New(cloudformation.Options{
		Region:           region,
		BaseEndpoint:     aws.String("http://localaws.internal"),
		HTTPClient:       h.srv.Client(),
		Credentials:      credentials.NewStaticCredentialsProvider(key, "secret", ""),
		RetryMaxAttempts: 1,
	})
}

// outputs flattens a stack's outputs as key=value in answer order.
func outputs(st types.Stack) []string {
	var kv []string
	for _, o := range st.Outputs {
		kv = append(kv, aws.ToString(o.OutputKey)+"="+aws.ToString(o.OutputValue))
	}
	return kv
}

func names(out *cloudformation.DescribeStacksOutput) []string {
	var n []string
	for _, st := range out.Stacks {
		n = append(n, aws.ToString(st.StackName))
	}
	return n
}

func TestDescribeStacks(t *testing.T) {
	landfallID := stacks.StackID(mgmt, home, "Landfall")
	tests := []struct {
		name      string
		key       string
		region    string
		stackName string
		want      []string
	}{
		{"by name", "AKIDMGMT", home, "Landfall", []string{"Landfall"}},
		{"by stack ID", "AKIDMGMT", home, landfallID, []string{"Landfall"}},
		{"all of the caller's account and region, by name", "AKIDMGMT", home, "", []string{"Baseline", "Landfall"}},
		{"another region's stacks", "AKIDMGMT", other, "", []string{"West"}},
		{"another account's stacks", "AKIDMEMBER", home, "", []string{"MemberOnly"}},
		{"an account and region without stacks", "AKIDMEMBER", other, "", nil},
	}
	h := newHarness(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &cloudformation.DescribeStacksInput{}
			if tt.stackName != "" {
				in.StackName = aws.String(tt.stackName)
			}
			out, err := h.client(tt.key, tt.region).DescribeStacks(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(out); !slices.Equal(got, tt.want) {
				t.Errorf("stacks = %v, want %v", got, tt.want)
			}
			if out.NextToken != nil {
				t.Errorf("NextToken = %q, want none", aws.ToString(out.NextToken))
			}
		})
	}
}

func TestDescribeStacksShape(t *testing.T) {
	h := newHarness(t)
	out, err := h.client("AKIDMGMT", home).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("Landfall")})
	if err != nil {
		t.Fatal(err)
	}
	st := out.Stacks[0]
	const idPrefix = "arn:aws:cloudformation:us-east-1:111111111111:stack/Landfall/"
	id := aws.ToString(st.StackId)
	if !strings.HasPrefix(id, idPrefix) || len(id) != len(idPrefix)+36 || strings.Count(id[len(idPrefix):], "-") != 4 {
		t.Errorf("StackId = %s, want %s<uuid>", id, idPrefix)
	}
	if id != stacks.StackID(mgmt, home, "Landfall") {
		t.Errorf("StackId = %s, want StackID's %s", id, stacks.StackID(mgmt, home, "Landfall"))
	}
	if st.StackStatus != types.StackStatusCreateComplete {
		t.Errorf("StackStatus = %s, want CREATE_COMPLETE", st.StackStatus)
	}
	if !aws.ToTime(st.CreationTime).Equal(t0) || st.LastUpdatedTime != nil {
		t.Errorf("CreationTime = %v, LastUpdatedTime = %v; want %v and none", st.CreationTime, st.LastUpdatedTime, t0)
	}
	want := []string{"LaunchFunctionName=landfall-launch", "WorkQueueUrl=https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work"}
	if got := outputs(st); !slices.Equal(got, want) {
		t.Errorf("outputs = %v, want %v", got, want)
	}
}

func TestDescribeStacksUnknown(t *testing.T) {
	tests := []struct {
		name      string
		region    string
		stackName string
	}{
		{"no such stack", home, "Nope"},
		{"another account's stack by name", home, "MemberOnly"},
		{"another account's stack by ID", home, stacks.StackID(member, home, "MemberOnly")},
		{"another region's stack by name", home, "West"},
		{"a stack by ID from another region", other, stacks.StackID(mgmt, home, "Landfall")},
	}
	h := newHarness(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.client("AKIDMGMT", tt.region).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String(tt.stackName)})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v (%T), want an API error", err, err)
			}
			// ValidationError is not a modelled error, so the SDK leaves
			// ErrorFault unknown whatever the Type element says; the code and status are
			// what callers can rely on.
			if apiErr.ErrorCode() != "ValidationError" {
				t.Errorf("error code = %s, want ValidationError", apiErr.ErrorCode())
			}
			if want := "Stack with id " + tt.stackName + " does not exist"; apiErr.ErrorMessage() != want {
				t.Errorf("message = %q, want %q", apiErr.ErrorMessage(), want)
			}
			var re *awshttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
				t.Errorf("HTTP status is not 400: %v", err)
			}
		})
	}
}

func TestPutAgainUpdates(t *testing.T) {
	h := newHarness(t)
	h.clock.Advance(time.Hour)
	h.stacks.Put(mgmt, home, "Landfall", map[string]string{"LaunchFunctionName": "renamed"})
	out, err := h.client("AKIDMGMT", home).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("Landfall")})
	if err != nil {
		t.Fatal(err)
	}
	st := out.Stacks[0]
	if aws.ToString(st.StackId) != stacks.StackID(mgmt, home, "Landfall") || !aws.ToTime(st.CreationTime).Equal(t0) {
		t.Errorf("update changed the stack's identity: %s created %v", aws.ToString(st.StackId), st.CreationTime)
	}
	if st.StackStatus != types.StackStatusUpdateComplete || !aws.ToTime(st.LastUpdatedTime).Equal(t0.Add(time.Hour)) {
		t.Errorf("status %s updated %v, want UPDATE_COMPLETE at %v", st.StackStatus, st.LastUpdatedTime, t0.Add(time.Hour))
	}
	if got := outputs(st); !slices.Equal(got, []string{"LaunchFunctionName=renamed"}) {
		t.Errorf("outputs = %v, want only the new ones", got)
	}
}

func TestGetReturnsACopy(t *testing.T) {
	h := newHarness(t)
	st, ok := h.stacks.Get(mgmt, home, stacks.StackID(mgmt, home, "Landfall"))
	if !ok || st.Name != "Landfall" {
		t.Fatalf("Get by ID = %+v, %v", st, ok)
	}
	st.Outputs["LaunchFunctionName"] = "changed"
	again, _ := h.stacks.Get(mgmt, home, "Landfall")
	if again.Outputs["LaunchFunctionName"] != "landfall-launch" {
		t.Errorf("changing Get's result changed the stack: %v", again.Outputs)
	}
	if _, ok := h.stacks.Get(member, home, "Landfall"); ok {
		t.Error("Get found mgmt's stack in another account")
	}
}

func TestPutRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		account string
		region  string
		stack   string
		outputs map[string]string
		want    string
	}{
		{"short account", "1111", home, "Landfall", nil, `account "1111" is not a 12-digit account ID`},
		{"unknown region", mgmt, "us-east-9", "Landfall", nil, `region "us-east-9" is not an AWS region`},
		{"stack name with underscore", mgmt, home, "land_fall", nil, `stack name "land_fall" is invalid`},
		{"stack name starting with a digit", mgmt, home, "1Landfall", nil, `stack name "1Landfall" is invalid`},
		{"output key with a hyphen", mgmt, home, "Landfall", map[string]string{"Launch-Name": "x"}, `output key "Launch-Name" is invalid`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic = %q, want it to contain %q", msg, tt.want)
				}
			}()
			stacks.New(clock.NewManual(t0)).Put(tt.account, tt.region, tt.stack, tt.outputs)
		})
	}
}
