package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/manual"
)

// runsListFlags are `landfall runs`'s flags, parsed.
type runsListFlags struct {
	req    *manual.RunsRequest
	asJSON bool
	deploy *deploymentFlags
}

// runsListNames maps a runs query's paths to the flags that set them.
var runsListNames = map[string]string{
	"runs.account": "--account", "runs.since": "--since", "runs.status": "--status", "runs.limit": "--limit",
}

func runRunsList(ctx context.Context, args []string, s Streams) error {
	f, err := parseRunsList(args, s)
	if err != nil {
		return err
	}
	c, err := f.deploy.connect(ctx, "runs", s)
	if err != nil {
		return err
	}
	return listRuns(ctx, c, f)
}

func parseRunsList(args []string, s Streams) (*runsListFlags, error) {
	fs := newFlags("runs", "[--account ID] [--since 24h] [--status S] [--limit N] [--json] [--function NAME | --stack NAME]\n       landfall runs show RUN_ID [--json]\n       landfall runs cancel RUN_ID", runsExamples, s)
	account := fs.String("account", "", "only this account's runs (12-digit ID)")
	since := fs.String("since", "24h", "how far back to look: h, m and s (36h, 90m), or days (7d)")
	status := fs.String("status", "", "only runs RUNNING or FINISHED, or finished SUCCEEDED, PARTIAL or FAILED")
	limit := fs.Int("limit", manual.DefaultRunsLimit, fmt.Sprintf("at most this many runs, newest first (1 to %d)", manual.MaxRunsLimit))
	f := &runsListFlags{deploy: addDeploymentFlags(fs)}
	fs.BoolVar(&f.asJSON, "json", false, "print the runs as JSON")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return nil, unexpectedArg(fs.Arg(0))
	}
	f.req = &manual.RunsRequest{
		Account: strings.TrimSpace(*account), Since: strings.TrimSpace(*since),
		Status: strings.ToUpper(strings.TrimSpace(*status)), Limit: *limit,
	}
	problems := f.deploy.problems()
	if *limit == 0 {
		// Zero in a payload means "the default"; on the command line it is a slip.
		problems = append(problems, fmt.Errorf("--limit: 0 is out of range 1 to %d", manual.MaxRunsLimit))
	}
	if err := (&manual.Request{Runs: f.req}).Validate(); err != nil {
		problems = append(problems, renameFields(err, runsListNames))
	}
	if len(problems) > 0 {
		return nil, &exitError{2, errors.Join(problems...)}
	}
	return f, nil
}

// listRuns asks for the runs and prints them.
func listRuns(ctx context.Context, c *launchClient, f *runsListFlags) error {
	a, err := c.ask(ctx, &manual.Request{Runs: f.req}, launch.OutcomeRuns)
	if err != nil {
		return err
	}
	var recs []*ledger.Record
	if len(a.Runs) > 0 {
		if err := json.Unmarshal(a.Runs, &recs); err != nil {
			return fmt.Errorf("%s answered runs that cannot be read: %w", c.function, err)
		}
	}
	if f.asJSON {
		return writeJSON(c.s.Out, recs, "runs")
	}
	return writeRunList(c.s.Out, recs, f.req)
}

// writeJSON prints v indented; a nil list prints as [].
func writeJSON[T any](w io.Writer, v []T, what string) error {
	if v == nil {
		v = []T{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}

// writeRunList prints one line per run, newest first, then a count.
func writeRunList(w io.Writer, recs []*ledger.Record, q *manual.RunsRequest) error {
	if len(recs) == 0 {
		_, err := fmt.Fprintf(w, "No runs in the last %s%s.\n", q.Since, runsNarrowing(q))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tACCOUNT\tNAME\tTRIGGER\tSTARTED\tFINISHED\tSTATUS\tTARGETS\tREQUESTED BY")
	for _, r := range recs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.RunID, dash(r.Account), dash(r.AccountName), r.Trigger,
			when(r.StartedAt), when(r.FinishedAt), runState(r), counts(r.Counts), dash(r.RequestedBy))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write runs: %w", err)
	}
	more := ""
	if len(recs) >= q.Limit {
		more = fmt.Sprintf("; the list stops at --limit %d, there may be more", q.Limit)
	}
	_, err := fmt.Fprintf(w, "%d run(s) in the last %s%s, newest first%s.\n", len(recs), q.Since, runsNarrowing(q), more)
	return err
}

// runsNarrowing says which filters a listing applied.
func runsNarrowing(q *manual.RunsRequest) string {
	var b strings.Builder
	if q.Account != "" {
		b.WriteString(" for account " + q.Account)
	}
	if q.Status != "" {
		b.WriteString(" with status " + q.Status)
	}
	return b.String()
}

// runState is a run's ledger status with its outcome once finished, and a
// pending cancellation while running.
func runState(r *ledger.Record) string {
	switch {
	case r.Finished() && r.Outcome != "":
		return r.Outcome
	case r.CancelRequested && !r.Finished():
		return r.Status + " (cancel requested)"
	}
	return r.Status
}

// counts renders target counts by status: "3 SUCCEEDED, 1 FAILED".
func counts(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// when renders a time in UTC to the second, "-" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
