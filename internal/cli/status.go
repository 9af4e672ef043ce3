package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/preflight"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/status"
)

const statusExamples = `  landfall status                                             # every account, with the deployed plan (Landfall stack)
  landfall status --accounts 222222222222,333333333333 --json
  landfall status --ou ou-ab12-w0rkl0ad --recursive --regions us-west-1 --drift-only
  landfall status --plan plan.yaml --fail-on-drift             # a plan file, read locally; for cron/CI: exit 3 on drift
  landfall status --stack Landfall-Staging                     # the deployed plan of another stack
  # Against the local AWS (landfall local serve):
  AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 landfall status

Which plan: --plan FILE (or $LANDFALL_PLAN_FILE) reports against that file
from here, assuming the plan's execution role in every account. Without one,
the deployed launch function reports with the plan it runs ({"status": ...}
through Lambda Invoke), found as ` + "`landfall invoke`" + ` finds it: --function,
--stack, $LANDFALL_FUNCTION, $LANDFALL_STACK, else the Landfall stack. That
payload carries "requestedBy", your ARN from sts:GetCallerIdentity:
self-asserted, while CloudTrail data events on the launch function (the
stack's landfall:launchDataEvents) are the authoritative record.

Exit status: 0 when the report was made, even if some targets are not OK
(the report says so); 3 with --fail-on-drift when any target drifted (not OK; a
retirement candidate runs leave, RETIRABLE, is not drift);
1 when no report could be made (credentials, Organizations, no plan); 2 for
usage errors. Runs with the management account's credentials (standard AWS
credential chain, AWS_REGION = the Control Tower home region); it only reads.`

// exitDrift is the exit status of ` + "`landfall status --fail-on-drift`" + ` when a
// target is not OK: distinct from 1 (no report) so cron jobs can tell drift
// from breakage.
const exitDrift = 3

// statusFlagSet is status's flags, parsed.
type statusFlagSet struct {
	req                            *manual.StatusRequest
	asJSON, driftOnly, failOnDrift bool
	planFile, role                 string
	concurrency                    int
	function, stack                string
	// set names the flags given on the command line.
	set map[string]bool
}

func runStatus(ctx context.Context, args []string, s Streams) error {
	f, err := parseStatusFlags(args, s)
	if err != nil {
		return err
	}
	planPath := f.planFile
	if planPath == "" {
		planPath = strings.TrimSpace(os.Getenv(config.EnvPlanFile))
	}
	var rep *status.Report
	if planPath != "" {
		rep, err = localStatus(ctx, f, planPath, s)
	} else {
		rep, err = deployedStatus(ctx, f, s)
	}
	if err != nil {
		return err
	}
	return writeStatus(rep, f, s)
}

// parseStatusFlags reads and checks status's flags, all problems at once.
func parseStatusFlags(args []string, s Streams) (*statusFlagSet, error) {
	fs := newFlags("status", "[--accounts ID,... | --ou OU-ID,... [--recursive] | --all] [--regions R,...] [--products KEY,...] [--json] [--drift-only] [--fail-on-drift] [--plan FILE | --function NAME | --stack NAME]", statusExamples, s)
	var accounts, ous, regions, products listFlag
	fs.Var(&accounts, "accounts", "report on these accounts (12-digit IDs, comma-separated or repeated)")
	fs.Var(&ous, "ou", "report on the accounts in these OUs (IDs, or the root's r-… ID)")
	recursive := fs.Bool("recursive", false, "with --ou: include the accounts of nested OUs")
	all := fs.Bool("all", false, "report on every account of the organization (the default when nothing is selected)")
	fs.Var(&regions, "regions", "only these plan regions")
	fs.Var(&products, "products", "only these plan product keys")
	f := &statusFlagSet{set: map[string]bool{}}
	fs.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	fs.BoolVar(&f.driftOnly, "drift-only", false, "leave OK targets out of the table (the summary still counts them)")
	fs.BoolVar(&f.failOnDrift, "fail-on-drift", false, fmt.Sprintf("exit %d when any target drifted (not OK; RETIRABLE is not drift)", exitDrift))
	fs.StringVar(&f.planFile, "plan", "", "plan file to report against from here (default: $"+config.EnvPlanFile+"; without either, the deployed launch function reports with its plan)")
	fs.StringVar(&f.role, "role", "", "with a plan file: execution role to assume in each account (default: the plan's executionRoleName, or $"+config.EnvExecutionRoleName+")")
	fs.IntVar(&f.concurrency, "concurrency", status.DefaultAccountConcurrency, "with a plan file: accounts looked at at once")
	fs.StringVar(&f.function, "function", "", "without a plan file: the launch function that reports (default $"+EnvFunction+", else the stack's "+OutputLaunchFunctionName+" output)")
	fs.StringVar(&f.stack, "stack", "", "without a plan file: the Landfall stack whose launch function reports (default $"+EnvStack+", else "+DefaultStackName+")")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if fs.NArg() > 0 {
		fs.Usage()
		return nil, &exitError{2, fmt.Errorf("unexpected argument %q: select accounts with --accounts, --ou or --all", fs.Arg(0))}
	}
	f.req = &manual.StatusRequest{Recursive: *recursive, All: *all || len(accounts) == 0 && len(ous) == 0, Regions: regions, Products: products}
	if len(accounts) > 0 {
		f.req.Accounts = accounts
	}
	if len(ous) > 0 {
		f.req.OUs = ous
	}
	if problems := f.problems(); len(problems) > 0 {
		return nil, &exitError{2, errors.Join(problems...)}
	}
	return f, nil
}

// problems are the flag combinations status refuses.
func (f *statusFlagSet) problems() []error {
	var problems []error
	if err := (&manual.Request{Status: f.req}).Validate(); err != nil {
		problems = append(problems, flagErrors(err))
	}
	if f.concurrency < 1 || f.concurrency > 64 {
		problems = append(problems, fmt.Errorf("--concurrency: %d is not from 1 to 64", f.concurrency))
	}
	if f.set["plan"] && (f.set["function"] || f.set["stack"]) {
		problems = append(problems, errors.New("--plan with --function or --stack: --plan reports against a plan file from here, --function and --stack ask a deployment; give one"))
	}
	if f.set["function"] && f.set["stack"] {
		problems = append(problems, errors.New("--function and --stack both given: --function names the function, --stack finds it; give one"))
	}
	return problems
}

// localStatus reports against the plan file at path, from here.
func localStatus(ctx context.Context, f *statusFlagSet, path string, s Streams) (*status.Report, error) {
	if f.set["function"] || f.set["stack"] {
		return nil, &exitError{2, fmt.Errorf("$%s=%s with --function or --stack: unset it to ask the deployment, or drop the flag", config.EnvPlanFile, path)}
	}
	pl, err := plan.Load(path)
	if err != nil {
		return nil, err
	}
	if err := pl.CheckFilter(planFilter(f.req)); err != nil {
		return nil, &exitError{2, filterFlagError(err, "--regions", "--products")}
	}
	roleName := pl.ExecutionRoleName
	if f.role != "" {
		roleName = f.role
	} else if r := strings.TrimSpace(os.Getenv(config.EnvExecutionRoleName)); r != "" {
		roleName = r
	}
	cfg, err := awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	orgs := organizations.NewFromConfig(cfg)
	mgmt, err := managementAccount(ctx, orgs)
	if err != nil {
		return nil, err
	}
	count := &accountCount{}
	r := &status.Reporter{
		Plan:               pl,
		Directory:          countingDirectory{directory.ForPlan(orgs, pl), count},
		Accounts:           countingAccounts{status.Opened{Opener: &provision.Sessions{Base: cfg, RoleName: roleName}}, count},
		Products:           &preflight.CatalogCheck{Plan: pl, Catalogs: preflight.NewCatalogs(cfg)},
		Regions:            app.AccountRegions(cfg, app.Options{ManagementAccount: mgmt}),
		RoleName:           roleName,
		ManagementAccount:  mgmt,
		AccountConcurrency: f.concurrency,
	}
	stop := newProgress(s).follow(ctx, count.line)
	defer stop()
	return r.Run(ctx, status.Request{
		Accounts: f.req.Accounts, OUs: f.req.OUs, Recursive: f.req.Recursive, All: f.req.All, Regions: f.req.Regions, Products: f.req.Products,
	})
}

// writeStatus prints the report and applies --fail-on-drift.
func writeStatus(rep *status.Report, f *statusFlagSet, s Streams) error {
	if f.asJSON {
		enc := json.NewEncoder(s.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	} else if err := status.WriteTable(s.Out, rep, status.TableOptions{OnlyDrift: f.driftOnly}); err != nil {
		return err
	}
	if f.failOnDrift && rep.Drift() {
		return &exitError{exitDrift, fmt.Errorf("drift: %d of %d targets are not OK", rep.Targets-rep.Summary[status.OK], rep.Targets)}
	}
	return nil
}

func planFilter(req *manual.StatusRequest) plan.Filter {
	return plan.Filter{Regions: req.Regions, Products: req.Products}
}

// awsConfig loads the standard AWS configuration (credential chain, region,
// AWS_ENDPOINT_URL) with Landfall's retry settings: the CLI runs wherever an
// operator does. The Lambda functions read only what Lambda sets (app.Load),
// so their binaries do not link the whole credential chain (issue #14).
func awsConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRetryer(app.NewRetryer(app.RetryMaxBackoff)))
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: set AWS_REGION (or a profile's region) to the Control Tower home region")
	}
	return cfg, nil
}

// managementAccount asks Organizations for the management account, which
// org-wide commands leave out unless the plan includes it.
func managementAccount(ctx context.Context, orgs *organizations.Client) (string, error) {
	out, err := orgs.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return "", fmt.Errorf("describe organization (run with the management account's credentials): %w", err)
	}
	if out.Organization == nil || aws.ToString(out.Organization.MasterAccountId) == "" {
		return "", errors.New("describe organization: no management account in the answer")
	}
	return aws.ToString(out.Organization.MasterAccountId), nil
}

// statusFlags maps a status payload's paths to the flags that set them.
var statusFlags = map[string]string{
	"status.accounts":  "--accounts",
	"status.ous":       "--ou",
	"status.recursive": "--recursive",
	"status.all":       "--all",
	"status.regions":   "--regions",
	"status.products":  "--products",
	"status":           "selection",
}

var payloadPath = regexp.MustCompile(`status\.[a-z]+\[([0-9]+)\]`)

// flagWords turns payload keys in messages into flags; earlier pairs win.
var flagWords = strings.NewReplacer(
	`"status.ous"`, "--ou", `"all": true`, "--all", `"accounts"`, "--accounts", `"ous"`, "--ou", `"all"`, "--all", " inside it", "",
)

// flagErrors rewrites package manual's payload-path errors in terms of the
// command's flags: "status.accounts[1]: is not a 12-digit account ID" becomes
// "--accounts: is not a 12-digit account ID (got "x")".
func flagErrors(err error) error {
	return rewriteFieldErrors(err, func(c *manual.FieldError) {
		field, _, _ := strings.Cut(c.Field, "[")
		if f, ok := statusFlags[field]; ok {
			c.Field = f
		}
		c.Problem = flagWords.Replace(payloadPath.ReplaceAllStringFunc(c.Problem, func(string) string { return "an earlier value" }))
		c.Fix = flagWords.Replace(c.Fix)
	})
}

// rewriteFieldErrors applies rewrite to a copy of each of err's
// *manual.FieldError, keeping the others, so a command can say in its own
// terms what package manual says of the payload.
func rewriteFieldErrors(err error, rewrite func(*manual.FieldError)) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		fe, ok := errors.AsType[*manual.FieldError](e)
		if !ok {
			out = append(out, e)
			continue
		}
		c := *fe
		rewrite(&c)
		out = append(out, &c)
	}
	return errors.Join(out...)
}
