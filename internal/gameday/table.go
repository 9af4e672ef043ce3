package gameday

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Row is one scenario's line of the game-day table (see the package doc
// for what each column counts).
type Row struct {
	// Scenario is the scenario's name.
	Scenario string
	// Planned, Succeeded, Lost and Duplicates count targets (duplicates:
	// provisioned products) as the package doc defines them.
	Planned, Succeeded, Lost, Duplicates int
	// Summaries is the summaries-per-run cell; SummariesOK says every run
	// sent exactly one or had a reason to send none.
	Summaries   string
	SummariesOK bool
	// Truthful is the truthful cell; TruthOK says every summary was true.
	Truthful string
	TruthOK  bool
	// Emulated is how far the emulated clock moved; Wall is real time.
	Emulated, Wall time.Duration
	// knownFailure marks the row of a scenario with a KnownFailure.
	knownFailure bool
}

// Holds reports whether the row keeps the invariants: nothing lost,
// nothing provisioned twice, one summary per run (or a reason for none),
// every summary true.
func (r Row) Holds() bool {
	return r.Lost == 0 && r.Duplicates == 0 && r.SummariesOK && r.TruthOK
}

// header names the columns; Invariant reads the same cells back.
var header = []string{"scenario", "targets planned", "succeeded", "lost", "duplicate products", "summaries per run", "truthful", "emulated time", "wall time"}

// invariantColumns is how many leading columns a fresh run must reproduce
// exactly; the rest are timings.
const invariantColumns = 7

// cells renders the row in column order.
func (r Row) cells() []string {
	name := r.Scenario
	if r.knownFailure {
		name += " (known failure)"
	}
	return []string{name, strconv.Itoa(r.Planned), strconv.Itoa(r.Succeeded), strconv.Itoa(r.Lost), strconv.Itoa(r.Duplicates),
		r.Summaries, r.Truthful, emulated(r.Emulated), r.Wall.Round(10 * time.Millisecond).String()}
}

// Invariant returns the cells a fresh run must reproduce (scenario to
// truthful), as printed.
func (r Row) Invariant() []string { return r.cells()[:invariantColumns] }

// emulated prints an emulated duration to the second, without a zero tail
// ("2h0m0s" reads as "2h0m").
func emulated(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	return s
}

// WriteMarkdown prints rows as a Markdown table, numbers right-aligned.
func WriteMarkdown(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "| %s |\n", strings.Join(header, " | "))
	aligns := []string{"---", "---:", "---:", "---:", "---:", "---", "---", "---:", "---:"}
	fmt.Fprintf(bw, "|%s|\n", strings.Join(aligns, "|"))
	for _, r := range rows {
		fmt.Fprintf(bw, "| %s |\n", strings.Join(r.cells(), " | "))
	}
	return bw.Flush()
}

// ParseMarkdown reads back the invariant cells of a table WriteMarkdown
// printed, found anywhere in text (a README): one slice per row, in order.
func ParseMarkdown(text string) ([][]string, error) {
	var rows [][]string
	in := false
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		cells := splitRow(line)
		switch {
		case !in && len(cells) == len(header) && cells[0] == header[0] && cells[1] == header[1]:
			in = true
		case in && strings.HasPrefix(line, "|-") || in && strings.HasPrefix(line, "|:"):
		case in && len(cells) == len(header):
			rows = append(rows, cells[:invariantColumns])
		case in:
			return rows, nil
		}
	}
	if !in {
		return nil, fmt.Errorf("no game-day table (a header starting %q)", "| "+header[0]+" | "+header[1])
	}
	return rows, nil
}

// splitRow splits a Markdown table line into trimmed cells; nil if it is
// not a table line.
func splitRow(line string) []string {
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") || len(line) < 2 {
		return nil
	}
	parts := strings.Split(line[1:len(line)-1], "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
