package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/lifecycle"
	"github.com/landfall/landfall/internal/manual"
)

// EnvFunction names the deployed launch function for `landfall invoke`.
const EnvFunction = "LANDFALL_FUNCTION"

// EnvStack names the CloudFormation stack `landfall invoke` reads the launch
// function's name from when no function is named.
const EnvStack = "LANDFALL_STACK"

// DefaultStackName is the name the CDK app gives the Landfall stack unless
// configured otherwise (infra/config's DefaultStackName).
const DefaultStackName = "Landfall"

// Outputs of the Landfall stack the CLI reads or, in `landfall local serve`,
// emulates. They equal infra/stack's Output* constants (a test there keeps
// them so) without the CLI importing the CDK.
const (
	// OutputLaunchFunctionName names the launch function.
	OutputLaunchFunctionName = "LaunchFunctionName"
	// OutputWorkQueueURL is the work queue's URL.
	OutputWorkQueueURL = "WorkQueueUrl"
	// OutputSummaryTopicArn is the run-summary topic's ARN.
	OutputSummaryTopicArn = "SummaryTopicArn"
)

const invokeExamples = `  landfall invoke backfill.json                  # the function from the Landfall stack's outputs
  echo '{"ous": ["ou-ab12-w0rkl0ad"], "recursive": true, "dryRun": true}' | landfall invoke -
  landfall invoke --stack Landfall-Staging status.json     # {"status": {"all": true}}
  landfall invoke --function landfall-launch create-managed-account.json   # replay a Control Tower event
  LANDFALL_FUNCTION=landfall-launch landfall invoke dry-run.json

The function is --function, else the LaunchFunctionName output of the
CloudFormation stack --stack names, else $LANDFALL_FUNCTION, else that output
of the stack $LANDFALL_STACK names, else of the stack Landfall (the CDK app's
default name). Stacks are looked up in the configured region, the Control
Tower home region Landfall is deployed in.

The payload is checked locally first, so a typo fails before any call.
The function's answer is printed as JSON; a function error goes to stderr
with exit status 1. Uses the standard AWS credential chain and region
(AWS_ENDPOINT_URL for ` + "`landfall local serve`" + `, which serves the
Landfall stack).

` + requestedByHelp

// maxPayload is Lambda's limit on a synchronous invocation's request.
const maxPayload = 6 << 20

// Invoker is the Lambda call `landfall invoke` makes; *lambda.Client satisfies it.
type Invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

var _ Invoker = (*lambda.Client)(nil)

// StackDescriber is the CloudFormation call `landfall invoke` makes to find
// the launch function; *cloudformation.Client satisfies it.
type StackDescriber interface {
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
}

var _ StackDescriber = (*cloudformation.Client)(nil)

func runInvoke(ctx context.Context, args []string, s Streams) error {
	fs := newFlags("invoke", "[--function NAME | --stack NAME] PAYLOAD-FILE|-", invokeExamples, s)
	function := fs.String("function", "", "the launch function's name or ARN (default $"+EnvFunction+" unless --stack is given, else the stack's "+OutputLaunchFunctionName+" output)")
	stackFlag := fs.String("stack", "", "the Landfall CloudFormation stack whose "+OutputLaunchFunctionName+" output names the function (default $"+EnvStack+", else "+DefaultStackName+")")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return &exitError{2, errors.New("name exactly one payload file, or - to read the payload from standard input")}
	}
	functionFlag, stackName := strings.TrimSpace(*function), strings.TrimSpace(*stackFlag)
	if functionFlag != "" && stackName != "" {
		return &exitError{2, errors.New("--function and --stack both given: --function names the function, --stack finds it; give one")}
	}
	name, stack := functionOrStack(functionFlag, stackName)
	payload, err := readPayload(rest[0], s.In)
	if err != nil {
		return err
	}
	req, err := checkPayload(payload)
	if err != nil {
		return err
	}
	cfg, err := awsConfig(ctx)
	if err != nil {
		return err
	}
	if name == "" {
		if name, err = launchFunction(ctx, cloudformation.NewFromConfig(cfg), stack, cfg.Region); err != nil {
			return err
		}
	}
	// A replayed Control Tower event is not the operator's request: it
	// goes as it was, and only manual payloads say who asked.
	if req != nil && req.RequestedBy == "" {
		if arn := whoAsks(ctx, sts.NewFromConfig(cfg), "invoke", s.Err); arn != "" {
			payload = withRequestedBy(payload, arn)
		}
	}
	return invoke(ctx, lambda.NewFromConfig(cfg), name, payload, s)
}

// functionOrStack picks the function to invoke, or else the stack to look it
// up in: flags before the environment, and a named function before a stack.
// Exactly one of the results is empty.
func functionOrStack(functionFlag, stackFlag string) (function, stack string) {
	switch {
	case functionFlag != "":
		return functionFlag, ""
	case stackFlag != "":
		return "", stackFlag
	}
	if f := strings.TrimSpace(os.Getenv(EnvFunction)); f != "" {
		return f, ""
	}
	if st := strings.TrimSpace(os.Getenv(EnvStack)); st != "" {
		return "", st
	}
	return "", DefaultStackName
}

// launchFunction reads the launch function's name from the Landfall stack's
// outputs in region.
func launchFunction(ctx context.Context, api StackDescriber, stack, region string) (string, error) {
	out, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "ValidationError" && strings.HasSuffix(apiErr.ErrorMessage(), "does not exist") {
		err = nil
		out = &cloudformation.DescribeStacksOutput{}
	}
	if err != nil {
		return "", fmt.Errorf("find the launch function: describe stack %s: %w (or give --function NAME)", stack, err)
	}
	if len(out.Stacks) == 0 {
		return "", fmt.Errorf("find the launch function: no stack %s in %s: give --function NAME, --stack NAME (or $%s) for a stack of another name, or deploy Landfall first", stack, region, EnvStack)
	}
	for _, o := range out.Stacks[0].Outputs {
		if aws.ToString(o.OutputKey) == OutputLaunchFunctionName {
			if v := strings.TrimSpace(aws.ToString(o.OutputValue)); v != "" {
				return v, nil
			}
		}
	}
	return "", fmt.Errorf("find the launch function: stack %s in %s has no %s output (status %s): give --function NAME, or deploy Landfall to it first", stack, region, OutputLaunchFunctionName, out.Stacks[0].StackStatus)
}

// readPayload reads the payload file, or standard input for "-".
func readPayload(path string, stdin io.Reader) ([]byte, error) {
	var r io.Reader
	what := path
	if path == "-" {
		if stdin == nil {
			return nil, errors.New("read payload: no standard input")
		}
		r, what = stdin, "standard input"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read payload: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPayload+1))
	if err != nil {
		return nil, fmt.Errorf("read payload from %s: %w", what, err)
	}
	if len(b) > maxPayload {
		return nil, fmt.Errorf("read payload from %s: larger than Lambda's 6 MB limit for a synchronous invocation", what)
	}
	return bytes.TrimSpace(b), nil
}

// checkPayload validates a payload the way the launch function will: a
// Control Tower event (an EventBridge envelope) as an event, anything else as
// a manual payload. It returns the manual request, nil for an event.
func checkPayload(raw []byte) (*manual.Request, error) {
	if lifecycle.IsEventBridgeEnvelope(raw) {
		if _, err := lifecycle.Decode(raw); err != nil {
			return nil, fmt.Errorf("invalid event, not sent:\n%w", err)
		}
		return nil, nil
	}
	req, err := manual.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid payload, not sent:\n%w", err)
	}
	return req, nil
}

// functionError is the body Lambda returns with X-Amz-Function-Error.
type functionError struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// invoke sends the payload synchronously and prints the answer.
func invoke(ctx context.Context, api Invoker, function string, payload []byte, s Streams) error {
	// A backfill or a status report over many accounts keeps the call open
	// for a while: say so on a terminal.
	stop := newProgress(s).follow(ctx, func() string { return "invoke: waiting for " + function })
	answer, err := askLaunch(ctx, api, function, payload, "invoke "+function)
	stop()
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, answer, "", "  "); err != nil {
		// Not JSON (a function other than Landfall's): show it as it came.
		pretty.Reset()
		pretty.Write(answer)
	}
	pretty.WriteByte('\n')
	if _, err := s.Out.Write(pretty.Bytes()); err != nil {
		return fmt.Errorf("write answer: %w", err)
	}
	// The launch function answers bad input with outcome "invalid" rather
	// than a function error (so typos do not page on-call); scripts still
	// need a non-zero exit for it.
	var refusal struct{ Outcome, Error string }
	if json.Unmarshal(answer, &refusal) == nil && refusal.Outcome == launch.OutcomeInvalid {
		return fmt.Errorf("%s rejected the payload: %s", function, refusal.Error)
	}
	return nil
}
