package status

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// TableOptions tunes WriteTable.
type TableOptions struct {
	// OnlyDrift leaves out rows that are not drift (OK, RETIRABLE), for
	// fleets where those would bury the few that need attention.
	OnlyDrift bool
	// NoExclusions leaves out the list of excluded accounts (the summary line
	// still counts them).
	NoExclusions bool
}

// WriteTable writes the human form of a report: one line per account x
// region x product, then the summary line, then what was excluded and why.
func WriteTable(w io.Writer, rep *Report, opts TableOptions) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	shown := 0
	for _, r := range rep.Rows {
		if opts.OnlyDrift && !r.State.Drifted() {
			continue
		}
		if shown == 0 {
			fmt.Fprintln(tw, "ACCOUNT\tNAME\tREGION\tPRODUCT\tSTATE\tVERSION\tWANTED\tDETAIL")
		}
		shown++
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Account, dash(r.AccountName), r.Region, r.Product, r.State,
			dash(r.Version), dash(r.WantedVersion), dash(r.Reason))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write status table: %w", err)
	}
	switch n := rep.Summary[Retirable]; {
	case shown > 0 || len(rep.Rows) == 0:
	case n > 0:
		fmt.Fprintf(w, "No drift; %s (retirement candidates runs leave) not shown.\n", plural(n, "RETIRABLE row"))
	default:
		fmt.Fprintln(w, "Every target is OK.")
	}
	if _, err := fmt.Fprintln(w, Summary(rep)); err != nil {
		return fmt.Errorf("write status summary: %w", err)
	}
	if opts.NoExclusions || len(rep.Excluded) == 0 {
		return nil
	}
	fmt.Fprintln(w, "Excluded:")
	for _, e := range rep.Excluded {
		what := e.Account
		if e.AccountName != "" {
			what += " " + e.AccountName
		}
		if e.Product != "" {
			what += " " + e.Product
		}
		if _, err := fmt.Fprintf(w, "  %s: %s\n", what, e.Reason); err != nil {
			return fmt.Errorf("write status exclusions: %w", err)
		}
	}
	return nil
}

// Summary is the report's one-line summary:
// "200 accounts, 1200 targets: 1180 OK, 6 MISSING, 14 UNREACHABLE; 12 excluded".
func Summary(rep *Report) string {
	var b strings.Builder
	b.WriteString(plural(rep.Accounts, "account"))
	if rep.UnreachableAccounts > 0 {
		fmt.Fprintf(&b, " (%d unreachable)", rep.UnreachableAccounts)
	}
	b.WriteString(", ")
	b.WriteString(plural(rep.Targets, "target"))
	var parts []string
	for _, s := range States {
		if n := rep.Summary[s]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+string(s))
		}
	}
	if len(parts) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(parts, ", "))
	}
	if n := len(rep.Excluded); n > 0 {
		fmt.Fprintf(&b, "; %d excluded", n)
	}
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
