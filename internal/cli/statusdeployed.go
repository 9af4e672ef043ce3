package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/status"
)

// deployedStatus asks the deployed launch function for the report, so it
// is made with the plan the deployment runs, not one that happens to be on
// this machine. Flags that shape a local report are refused: the function
// assumes its own role with its own concurrency.
func deployedStatus(ctx context.Context, f *statusFlagSet, s Streams) (*status.Report, error) {
	for _, name := range []string{"role", "concurrency"} {
		if f.set[name] {
			return nil, &exitError{2, fmt.Errorf("--%s applies to a report made from here with --plan FILE; the deployed launch function uses its own role and concurrency", name)}
		}
	}
	cfg, err := awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	name, stack := functionOrStack(strings.TrimSpace(f.function), strings.TrimSpace(f.stack))
	if name == "" {
		if name, err = launchFunction(ctx, cloudformation.NewFromConfig(cfg), stack, cfg.Region); err != nil {
			return nil, fmt.Errorf("no plan to report against: give --plan FILE (or $%s) to report from here with a plan file, "+
				"or let the deployed launch function report with its plan, which failed: %w", config.EnvPlanFile, err)
		}
	}
	payload, err := json.Marshal(manual.Request{Status: f.req, RequestedBy: whoAsks(ctx, sts.NewFromConfig(cfg), "status", s.Err)})
	if err != nil {
		return nil, fmt.Errorf("encode status payload: %w", err)
	}
	stop := newProgress(s).follow(ctx, func() string { return "status: waiting for " + name })
	defer stop()
	return askForStatus(ctx, lambda.NewFromConfig(cfg), name, payload)
}

// askForStatus invokes the launch function with a status payload and
// decodes its report.
func askForStatus(ctx context.Context, api Invoker, function string, payload []byte) (*status.Report, error) {
	raw, err := askLaunch(ctx, api, function, payload, "ask "+function+" for the status (or report from here with --plan FILE)")
	if err != nil {
		return nil, err
	}
	var answer struct {
		Outcome string         `json:"outcome"`
		Error   string         `json:"error"`
		Status  *status.Report `json:"status"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return nil, fmt.Errorf("%s answered %.200q, not a status report: %w", function, raw, err)
	}
	switch {
	case answer.Outcome == launch.OutcomeInvalid:
		return nil, &exitError{2, fmt.Errorf("%s refused the selection:\n%s", function, answer.Error)}
	case answer.Outcome != launch.OutcomeStatus || answer.Status == nil:
		return nil, fmt.Errorf("%s answered outcome %q without a report: is it a Landfall launch function?", function, answer.Outcome)
	}
	return answer.Status, nil
}

// accountCount follows a local report for the progress line: accounts
// selected, and accounts opened so far.
type accountCount struct {
	total, opened atomic.Int64
	listed        atomic.Bool
}

func (c *accountCount) line() string {
	if !c.listed.Load() {
		return "status: listing accounts"
	}
	return fmt.Sprintf("status: looking at account %d of %d", c.opened.Load(), c.total.Load())
}

// countingDirectory records how many accounts the report covers.
type countingDirectory struct {
	status.Directory
	count *accountCount
}

func (d countingDirectory) Select(ctx context.Context, sel directory.Selection) ([]plan.Account, []directory.Excluded, error) {
	accts, excl, err := d.Directory.Select(ctx, sel)
	d.count.total.Store(int64(len(accts)))
	d.count.listed.Store(true)
	return accts, excl, err
}

// countingAccounts records each account the report opens.
type countingAccounts struct {
	status.Accounts
	count *accountCount
}

func (a countingAccounts) Open(ctx context.Context, account, sessionName string) (func(region string) status.Catalog, error) {
	a.count.opened.Add(1)
	return a.Accounts.Open(ctx, account, sessionName)
}
