package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/manual"
)

func runRunsShow(ctx context.Context, args []string, s Streams) error {
	fs := newFlags("runs show", "RUN_ID [--json] [--function NAME | --stack NAME]", runsExamples, s)
	deploy := addDeploymentFlags(fs)
	asJSON := fs.Bool("json", false, "print the run as JSON, with its whole state")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	id, err := runIDArg(fs, rest, "run")
	if err != nil {
		return err
	}
	if p := deploy.problems(); len(p) > 0 {
		return &exitError{2, errors.Join(p...)}
	}
	c, err := deploy.connect(ctx, "runs show", s)
	if err != nil {
		return err
	}
	return showRun(ctx, c, id, *asJSON)
}

// showRun asks for one run and prints it with its targets.
func showRun(ctx context.Context, c *launchClient, id string, asJSON bool) error {
	a, err := c.ask(ctx, &manual.Request{Run: id}, launch.OutcomeRun)
	if err != nil {
		return err
	}
	if asJSON {
		return writeRaw(c.s.Out, a.Run)
	}
	rec, err := a.record(c.function)
	if err != nil {
		return err
	}
	return writeRun(c.s.Out, rec)
}

func runRunsCancel(ctx context.Context, args []string, s Streams) error {
	fs := newFlags("runs cancel", "RUN_ID [--function NAME | --stack NAME]", runsExamples, s)
	deploy := addDeploymentFlags(fs)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	id, err := runIDArg(fs, rest, "cancel")
	if err != nil {
		return err
	}
	if p := deploy.problems(); len(p) > 0 {
		return &exitError{2, errors.Join(p...)}
	}
	c, err := deploy.connect(ctx, "runs cancel", s)
	if err != nil {
		return err
	}
	return cancelRun(ctx, c, id)
}

// cancelRun asks the launch function to cancel a run. A run that has
// finished is refused, and the refusal names how it finished.
func cancelRun(ctx context.Context, c *launchClient, id string) error {
	a, err := c.ask(ctx, &manual.Request{Cancel: id}, launch.OutcomeCancelRequested)
	if err != nil {
		return err
	}
	rec, err := a.record(c.function)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(c.s.Out, "Cancel requested for run %s (account %s).\n", rec.RunID, account(rec)); err != nil {
		return err
	}
	if a.Message != "" {
		_, err = fmt.Fprintf(c.s.Out, "%s: %s\n", c.function, a.Message)
	}
	return err
}

// writeRaw prints a JSON document indented.
func writeRaw(w io.Writer, raw json.RawMessage) error {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return fmt.Errorf("write run: %w", err)
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// writeRun prints a run: what the ledger says about it, then its targets.
func writeRun(w io.Writer, r *ledger.Record) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range runFields(r) {
		fmt.Fprintf(tw, "%s\t%s\n", f[0], f[1])
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write run: %w", err)
	}
	if r.Run == nil || len(r.Run.Targets) == 0 {
		_, err := fmt.Fprintln(w, "\nThe ledger holds no targets for this run.")
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tPRODUCT\tSTATUS\tVERSION\tRECORD\tSTARTED\tFINISHED\tERROR")
	for _, t := range r.Run.Targets {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Region, t.Product, t.Status, dash(t.Version), dash(t.RecordID),
			when(t.StartedAt), when(t.FinishedAt), dash(oneLine(t.Error)))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write run targets: %w", err)
	}
	return nil
}

// runFields are the label/value lines of a run, the empty ones left out.
func runFields(r *ledger.Record) [][2]string {
	trigger := r.Trigger
	for _, id := range [][2]string{{"event", r.EventID}, {"request", r.RequestID}} {
		if id[1] != "" {
			trigger += " (" + id[0] + " " + id[1] + ")"
		}
	}
	fields := [][2]string{
		{"Run", r.RunID},
		{"Account", account(r)},
		{"Trigger", trigger},
		{"Requested by", selfAsserted(r.RequestedBy)},
		{"Started", when(r.StartedAt)},
		{"Status", runStatusLine(r)},
		{"Finished", when(r.FinishedAt)},
		{"Targets", counts(r.Counts)},
	}
	if r.CancelRequested {
		fields = append(fields, [2]string{"Cancel", "requested " + when(r.CancelAt) + " by " + selfAsserted(r.CancelledBy)})
	}
	if r.Summary != "" {
		fields = append(fields, [2]string{"Summary", strings.TrimSpace(r.Summary + " " + r.MessageID)})
	}
	return fields
}

func runStatusLine(r *ledger.Record) string {
	if r.Finished() && r.Outcome != "" {
		return r.Status + ", outcome " + r.Outcome
	}
	if r.Finished() {
		return r.Status
	}
	return fmt.Sprintf("%s, step %d", r.Status, r.Step)
}

// selfAsserted marks who asked as the caller's own claim.
func selfAsserted(by string) string {
	if by == "" {
		return "- (not given)"
	}
	return by + " (self-asserted)"
}

func account(r *ledger.Record) string {
	if r.AccountName == "" {
		return dash(r.Account)
	}
	return dash(r.Account) + " " + r.AccountName
}

// oneLine keeps an AWS error message on its table row.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
