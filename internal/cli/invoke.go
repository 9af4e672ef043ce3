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
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/landfall/landfall/internal/lifecycle"
	"github.com/landfall/landfall/internal/manual"
)

// EnvFunction names the deployed launch function for `landfall invoke`.
const EnvFunction = "LANDFALL_FUNCTION"

const invokeExamples = `  landfall invoke --function landfall-launch backfill.json
  echo '{"ous": ["ou-ab12-w0rkl0ad"], "recursive": true, "dryRun": true}' | landfall invoke --function landfall-launch -
  LANDFALL_FUNCTION=landfall-launch landfall invoke status.json      # {"status": {"all": true}}
  landfall invoke --function landfall-launch create-managed-account.json   # replay a Control Tower event

The function name is --function, else $LANDFALL_FUNCTION. The Landfall stack
outputs it:
  aws cloudformation describe-stacks --stack-name Landfall --query "Stacks[0].Outputs[?OutputKey=='LaunchFunctionName'].OutputValue" --output text

The payload is checked locally first, so a typo fails before any call.
The function's answer is printed as JSON; a function error goes to stderr
with exit status 1. Uses the standard AWS credential chain and region
(AWS_ENDPOINT_URL for the local AWS).`

// maxPayload is Lambda's limit on a synchronous invocation's request.
const maxPayload = 6 << 20

// Invoker is the Lambda call `landfall invoke` makes; *lambda.Client satisfies it.
type Invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

var _ Invoker = (*lambda.Client)(nil)

func runInvoke(ctx context.Context, args []string, s Streams) error {
	fs := newFlags("invoke", "[--function NAME] PAYLOAD-FILE|-", invokeExamples, s)
	function := fs.String("function", "", "the launch function's name or ARN (default $"+EnvFunction+")")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return &exitError{2, errors.New("name exactly one payload file, or - to read the payload from standard input")}
	}
	name := strings.TrimSpace(*function)
	if name == "" {
		name = strings.TrimSpace(os.Getenv(EnvFunction))
	}
	if name == "" {
		return &exitError{2, fmt.Errorf("no function: give --function NAME or set $%s (the stack's LaunchFunctionName output; see --help)", EnvFunction)}
	}
	payload, err := readPayload(rest[0], s.In)
	if err != nil {
		return err
	}
	if err := checkPayload(payload); err != nil {
		return err
	}
	cfg, err := awsConfig(ctx)
	if err != nil {
		return err
	}
	return invoke(ctx, lambda.NewFromConfig(cfg), name, payload, s)
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
// a manual payload.
func checkPayload(raw []byte) error {
	if lifecycle.IsEventBridgeEnvelope(raw) {
		if _, err := lifecycle.Decode(raw); err != nil {
			return fmt.Errorf("invalid event, not sent:\n%w", err)
		}
		return nil
	}
	if _, err := manual.Decode(raw); err != nil {
		return fmt.Errorf("invalid payload, not sent:\n%w", err)
	}
	return nil
}

// functionError is the body Lambda returns with X-Amz-Function-Error.
type functionError struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// invoke sends the payload synchronously and prints the answer.
func invoke(ctx context.Context, api Invoker, function string, payload []byte, s Streams) error {
	out, err := api.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(function),
		InvocationType: lambdatypes.InvocationTypeRequestResponse,
		Payload:        payload,
	})
	if err != nil {
		return fmt.Errorf("invoke %s: %w", function, err)
	}
	if fe := aws.ToString(out.FunctionError); fe != "" {
		var body functionError
		msg := strings.TrimSpace(string(out.Payload))
		if json.Unmarshal(out.Payload, &body) == nil && body.ErrorMessage != "" {
			msg = body.ErrorMessage
		}
		return fmt.Errorf("%s answered with a function error (%s):\n%s", function, fe, msg)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, out.Payload, "", "  "); err != nil {
		// Not JSON (a function other than Landfall's): show it as it came.
		pretty.Reset()
		pretty.Write(out.Payload)
	}
	pretty.WriteByte('\n')
	if _, err := s.Out.Write(pretty.Bytes()); err != nil {
		return fmt.Errorf("write answer: %w", err)
	}
	return nil
}
