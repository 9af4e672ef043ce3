package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/suggest"
)

const runsExamples = `  landfall runs                                     # the last 24 hours, every account
  landfall runs --account 222222222222 --since 7d
  landfall runs --status failed --since 30d --limit 20 --json
  landfall runs show 0f8a4b1c-3d2e-4f5a-9b6c-7d8e9f0a1b2c-222222222222   # one run and its targets
  landfall runs cancel 0f8a4b1c-3d2e-4f5a-9b6c-7d8e9f0a1b2c-222222222222 # stop it at its next step

The run ledger is read by the deployed launch function ({"runs": ...},
{"run": ID} and {"cancel": ID} through Lambda Invoke), found as
` + "`landfall invoke`" + ` finds it: --function, --stack, $LANDFALL_FUNCTION,
$LANDFALL_STACK, else the Landfall stack. --status is RUNNING or FINISHED
(the ledger's status) or SUCCEEDED, PARTIAL or FAILED (a finished run's
outcome), in any case. --since is a duration in h, m and s, or days (7d).

Exit status: 0 when answered; 1 when the function refused (an unknown run,
a run that already finished) or could not be asked; 2 for usage errors.

` + requestedByHelp

// runsCommands are the subcommands of runs; the list itself is the default.
var runsCommands = []string{"show", "cancel"}

func runRuns(ctx context.Context, args []string, s Streams) error {
	if len(args) > 0 {
		switch args[0] {
		case "show":
			return runRunsShow(ctx, args[1:], s)
		case "cancel":
			return runRunsCancel(ctx, args[1:], s)
		}
	}
	return runRunsList(ctx, args, s)
}

// deploymentFlags choose the launch function to ask.
type deploymentFlags struct{ function, stack string }

func addDeploymentFlags(fs *flag.FlagSet) *deploymentFlags {
	d := &deploymentFlags{}
	fs.StringVar(&d.function, "function", "", "the launch function to ask (default $"+EnvFunction+" unless --stack is given, else the stack's "+OutputLaunchFunctionName+" output)")
	fs.StringVar(&d.stack, "stack", "", "the Landfall stack whose launch function to ask (default $"+EnvStack+", else "+DefaultStackName+")")
	return d
}

func (d *deploymentFlags) problems() []error {
	if strings.TrimSpace(d.function) != "" && strings.TrimSpace(d.stack) != "" {
		return []error{errors.New("--function and --stack both given: --function names the function, --stack finds it; give one")}
	}
	return nil
}

// connect finds the launch function and makes the clients that ask it.
func (d *deploymentFlags) connect(ctx context.Context, cmd string, s Streams) (*launchClient, error) {
	cfg, err := awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	name, stack := functionOrStack(strings.TrimSpace(d.function), strings.TrimSpace(d.stack))
	if name == "" {
		if name, err = launchFunction(ctx, cloudformation.NewFromConfig(cfg), stack, cfg.Region); err != nil {
			return nil, err
		}
	}
	return &launchClient{function: name, lambda: lambda.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg), cmd: cmd, s: s}, nil
}

// launchClient asks one deployed launch function about runs, saying who asks.
type launchClient struct {
	function string
	lambda   Invoker
	sts      CallerIdentity
	cmd      string // "runs show", for messages
	s        Streams
}

// ledgerAnswer is the part of launch.Response the runs commands read. Runs
// and Run stay raw so that --json prints them as the function sent them.
type ledgerAnswer struct {
	Outcome string          `json:"outcome"`
	Message string          `json:"message"`
	Error   string          `json:"error"`
	Runs    json.RawMessage `json:"runs"`
	Run     json.RawMessage `json:"run"`
}

// ask sends req and returns the answer if its outcome is want.
func (c *launchClient) ask(ctx context.Context, req *manual.Request, want string) (*ledgerAnswer, error) {
	if req.RequestedBy == "" {
		req.RequestedBy = whoAsks(ctx, c.sts, c.cmd, c.s.Err)
	}
	payload, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode the payload: %w", err)
	}
	stop := newProgress(c.s).follow(ctx, func() string { return c.cmd + ": waiting for " + c.function })
	raw, err := askLaunch(ctx, c.lambda, c.function, payload, "ask "+c.function)
	stop()
	if err != nil {
		return nil, err
	}
	var a ledgerAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("%s answered %.200q, not a Landfall answer: %w", c.function, raw, err)
	}
	switch {
	case a.Outcome == launch.OutcomeInvalid:
		return nil, refused(c.function, a.Error)
	case a.Outcome != want:
		return nil, fmt.Errorf("%s answered outcome %q, not %q: is it a Landfall launch function? %s%s", c.function, a.Outcome, want, a.Message, a.Error)
	}
	return &a, nil
}

// refused is the launch function's refusal. A deployment from before the
// run ledger rejects the new payload keys as unknown: say what fixes that.
func refused(function, why string) error {
	err := fmt.Errorf("%s refused: %s", function, why)
	if strings.Contains(why, "unknown key") {
		err = fmt.Errorf("%w\n(the deployed Landfall predates `landfall runs`: deploy this version)", err)
	}
	return err
}

// record decodes the run of an answer.
func (a *ledgerAnswer) record(function string) (*ledger.Record, error) {
	var rec *ledger.Record
	if err := json.Unmarshal(a.Run, &rec); err != nil || rec == nil {
		return nil, fmt.Errorf("%s answered outcome %q without a readable run: %v", function, a.Outcome, err)
	}
	return rec, nil
}

// runIDArg reads the one run ID a subcommand takes, checked as the
// launch function will check it.
func runIDArg(fs *flag.FlagSet, rest []string, key string) (string, error) {
	if len(rest) != 1 {
		fs.Usage()
		return "", &exitError{2, errors.New("name exactly one run ID; `landfall runs` lists them")}
	}
	req := manual.Request{Run: rest[0]}
	if key == "cancel" {
		req = manual.Request{Cancel: rest[0]}
	}
	if err := req.Validate(); err != nil {
		err = renameFields(err, map[string]string{key: "RUN_ID"})
		return "", &exitError{2, errors.New(strings.ReplaceAll(err.Error(), `{"runs": {}} lists them`, "`landfall runs` lists them"))}
	}
	return rest[0], nil
}

// renameFields rewrites package manual's payload paths in errors as the
// command's flags or arguments name them.
func renameFields(err error, names map[string]string) error {
	return rewriteFieldErrors(err, func(c *manual.FieldError) {
		if n, ok := names[c.Field]; ok {
			c.Field = n
		}
	})
}

// unexpectedArg refuses a word the list does not take, suggesting the
// subcommand it resembles.
func unexpectedArg(arg string) error {
	hint := suggest.DidYouMean(suggest.Closest(arg, runsCommands))
	if hint == "" {
		hint = "the subcommands are `runs show RUN_ID` and `runs cancel RUN_ID`"
	}
	return &exitError{2, fmt.Errorf("unexpected argument %q: %s", arg, hint)}
}
