package localrun

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/landfall/landfall/internal/runstate"
)

// Result is what a local run did; its JSON form is `landfall local --json`.
type Result struct {
	Runs          []RunReport    `json:"runs"`
	Invocations   []Invocation   `json:"invocations"`
	Notifications []Notification `json:"notifications"`
	Calls         map[string]int `json:"calls"`
	// Emulated is how much emulated time the run took (provisioning, queue delays).
	Emulated string `json:"emulatedDuration"`
}

// RunReport is one account run as it ended (from its summary), or as a dry run resolved it.
type RunReport struct {
	RunID       string         `json:"runId"`
	Account     string         `json:"account"`
	AccountName string         `json:"accountName"`
	Trigger     string         `json:"trigger"`
	Outcome     string         `json:"outcome"`
	Targets     []TargetReport `json:"targets"`
}

// TargetReport is one target's end state.
type TargetReport struct {
	Region               string            `json:"region"`
	Product              string            `json:"product"`
	Status               string            `json:"status"`
	Version              string            `json:"version"`
	ProvisionedProductID string            `json:"provisionedProductId"`
	RecordID             string            `json:"recordId"`
	Error                string            `json:"error"`
	Note                 string            `json:"note,omitempty"`
	Parameters           map[string]string `json:"parameters,omitempty"`
}

// Run delivers payloads in order, draining the work queue after each, so a
// sequence (create, then update; the same event twice) plays out as it would
// in AWS, and returns what happened.
func (e *Env) Run(ctx context.Context, payloads []Payload) (*Result, error) {
	if len(payloads) == 0 {
		return nil, ErrNoPayloads
	}
	// Empty lists, not null: consumers of --json index into them.
	res := &Result{Runs: []RunReport{}, Invocations: []Invocation{}, Notifications: []Notification{}}
	already := len(e.Finished())
	var finished []*runstate.Run
	for _, p := range payloads {
		inv := e.InvokeLaunch(ctx, p)
		res.Invocations = append(res.Invocations, inv)
		if inv.Response != nil {
			for _, r := range inv.Response.DryRun {
				rep := RunReport{RunID: r.ID, Account: r.Account.ID, AccountName: r.Account.Name, Trigger: string(r.Trigger), Outcome: "DRY_RUN"}
				for _, t := range r.Targets {
					rep.Targets = append(rep.Targets, TargetReport{Region: t.Region, Product: t.Product, Status: string(t.Status), Version: t.Version,
						ProvisionedProductID: t.ProvisionedProductID, Error: t.Error, Note: t.Note, Parameters: t.Parameters})
				}
				res.Runs = append(res.Runs, rep)
			}
		}
		// Up to WorkerConcurrency worker invocations at once, as Lambda's
		// event source runs them on a busy queue: a backfill uses every core.
		if err := e.DrainConcurrently(ctx, min(e.Config.WorkerConcurrency, runtime.GOMAXPROCS(0))); err != nil {
			return nil, err
		}
		// Concurrent workers finish runs in no fixed order; the report lists
		// each payload's runs by ID, so the same input reports them in the
		// same order.
		done := e.Finished()[already:]
		already += len(done)
		slices.SortStableFunc(done, func(a, b *runstate.Run) int { return strings.Compare(a.ID, b.ID) })
		finished = append(finished, done...)
	}
	notes, err := e.Notifications()
	if err != nil {
		return nil, err
	}
	res.Notifications = append(res.Notifications, notes...)
	// Every run the worker finished, by payload and then by ID: those the
	// plan's notification policy kept quiet are runs too.
	for _, r := range finished {
		rep := RunReport{RunID: r.ID, Account: r.Account.ID, AccountName: r.Account.Name, Trigger: string(r.Trigger), Outcome: r.Outcome()}
		for _, t := range r.Targets {
			rep.Targets = append(rep.Targets, TargetReport{Region: t.Region, Product: t.Product, Status: string(t.Status), Version: t.Version,
				ProvisionedProductID: t.ProvisionedProductID, RecordID: t.RecordID, Error: t.Error, Note: t.Note})
		}
		res.Runs = append(res.Runs, rep)
	}
	res.Calls = e.Cloud.Calls().Snapshot()
	res.Emulated = e.clk.Now().Sub(e.start).Round(time.Second).String()
	return res, nil
}

// WriteHuman prints the result as a story: per run a table of targets, then
// every notification as an email subscriber would read it.
func WriteHuman(w io.Writer, res *Result) {
	for _, r := range res.Runs {
		fmt.Fprintf(w, "\nRun %s for %s (%s), trigger %s: %s\n", r.RunID, r.AccountName, r.Account, r.Trigger, r.Outcome)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  REGION\tPRODUCT\tSTATUS\tVERSION\tPROVISIONED PRODUCT\tDETAIL")
		for _, t := range r.Targets {
			detail := t.Error
			if detail == "" {
				detail = t.Note
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", t.Region, t.Product, t.Status, dash(t.Version), dash(t.ProvisionedProductID), dash(detail))
		}
		_ = tw.Flush()
	}
	for i, n := range res.Notifications {
		fmt.Fprintf(w, "\n--- SNS notification %d of %d ---\nSubject: %s\n\n%s", i+1, len(res.Notifications), n.Subject, n.Message)
		if !strings.HasSuffix(n.Message, "\n") {
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "\nEmulated time: %s. AWS calls made:\n", res.Emulated)
	keys := make([]string, 0, len(res.Calls))
	for k := range res.Calls {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-48s %d\n", k, res.Calls[k])
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
