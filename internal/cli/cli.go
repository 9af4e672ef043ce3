// Package cli implements the landfall command: one function per subcommand,
// each taking its arguments and streams, so tests run them in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Streams are a command's standard streams.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, s Streams) error
}

func commands() []command {
	return []command{
		{"validate", "check a plan file (with --org, against the organization and catalogs too) and list every problem", runValidate},
		{"plan", "show what the plan gives one account: targets, versions, rendered parameters and tags", runPlan},
		{"status", "report what every account has, where and on which version, against the plan", runStatus},
		{"invoke", "send a manual payload (backfill, dry run, status) to the deployed launch function", runInvoke},
		{"runs", "list the runs in the ledger, `runs show` one with its targets, `runs cancel` one", runRuns},
		{"local", "run Landfall end to end on the local AWS emulator (and `local serve` to serve the emulator)", runLocal},
	}
}

// errUsage marks an error already explained by the flag package's usage output.
var errUsage = errors.New("usage")

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Main runs the CLI and returns the process exit status: 0 on success, 1 when
// the command ran and found problems or failed, 2 for usage errors.
func Main(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	s := Streams{In: in, Out: out, Err: errOut}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(s.Out)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], s)
		var ee *exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		case errors.As(err, &ee):
			fmt.Fprintf(s.Err, "landfall %s: %v\n", c.name, ee.err)
			return ee.code
		default:
			fmt.Fprintf(s.Err, "landfall %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(s.Err, "landfall: unknown command %q\n\n", args[0])
	usage(s.Err)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: landfall <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `landfall <command> --help` for a command's flags and examples.")
}

// newFlags makes a flag set that prints its usage with examples to s.Err.
func newFlags(name, synopsis, examples string, s Streams) *flag.FlagSet {
	fs := flag.NewFlagSet("landfall "+name, flag.ContinueOnError)
	fs.SetOutput(s.Err)
	fs.Usage = func() {
		fmt.Fprintf(s.Err, "Usage: landfall %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
		if examples != "" {
			fmt.Fprintf(s.Err, "\nExamples:\n%s\n", strings.TrimRight(examples, "\n"))
		}
	}
	return fs
}

// parse parses flags, mapping flag errors to errUsage (already printed).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// listFlag collects a repeatable flag; each use may also hold a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}
