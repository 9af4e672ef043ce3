package gameday

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/landfall/landfall/internal/runstate"
)

// measure counts the row from what the scenario left, and lists every
// invariant it breaks and every expectation of the scenario it misses.
func (p *play) measure(ctx context.Context) (*Result, error) {
	rs, problems, err := p.collect(ctx)
	if err != nil {
		return nil, err
	}
	more, err := p.countSummaries(rs)
	if err != nil {
		return nil, err
	}
	problems = append(problems, more...)
	row := Row{Scenario: p.sc.Name, knownFailure: p.sc.KnownFailure != ""}
	kinds := map[string]int{}
	parked := 0
	for _, id := range rs.order {
		r := rs.byID[id]
		row.Planned += r.targets
		if r.finished != nil {
			row.Succeeded += countOK(r.finished)
		} else if r.parked != "" {
			parked++
		}
		n, lostWhy := r.lost()
		row.Lost += n
		kind, summaryWhy := r.summaryVerdict()
		kinds[kind]++
		// The run's log lines once, after the first thing wrong with it.
		logged := false
		for _, why := range []string{lostWhy, summaryWhy} {
			if why != "" && !logged {
				why, logged = why+p.logsAbout(id), true
			}
			if why != "" {
				problems = append(problems, why)
			}
		}
	}
	row.Summaries, row.SummariesOK = summaryCell(kinds), len(more) == 0 && summariesOK(kinds)
	var dups []string
	row.Duplicates, dups = p.duplicates()
	problems = append(problems, dups...)
	lines, untrue := p.truth.verdict()
	row.TruthOK = len(untrue) == 0
	row.Truthful = "yes"
	if !row.TruthOK {
		row.Truthful = fmt.Sprintf("NO (%d of %d lines)", len(untrue), lines)
	}
	problems = append(problems, untrue...)
	problems = append(problems, p.unmet(row, parked)...)
	return &Result{Row: row, Problems: problems}, nil
}

func countOK(run *runstate.Run) int {
	n := 0
	for _, t := range run.Targets {
		if ok(t.Status) {
			n++
		}
	}
	return n
}

// summariesOK reports whether every run sent one summary or had a reason
// to send none.
func summariesOK(kinds map[string]int) bool {
	for k := range kinds {
		switch k {
		case "1", "quiet", rolledUp, parkedDLQ, parkedOnFailure:
		default:
			return false
		}
	}
	return true
}

// summaryCell prints the summaries per run: "1" when every run that told
// its story told it once, else how many runs sent how many ("1 ×3, 2 ×1");
// then, in parentheses, the runs satisfied without one.
func summaryCell(kinds map[string]int) string {
	var told []string
	var counts []int
	for k := range kinds {
		if n, err := strconv.Atoi(k); err == nil {
			counts = append(counts, n)
		}
	}
	slices.Sort(counts)
	for _, n := range counts {
		told = append(told, fmt.Sprintf("%d ×%d", n, kinds[strconv.Itoa(n)]))
	}
	main := "0"
	switch {
	case len(counts) == 1 && counts[0] == 1:
		main = "1"
	case len(counts) > 0:
		main = strings.Join(told, ", ")
	}
	var extra []string
	for _, e := range []struct{ kind, label string }{
		{"quiet", "quiet: nothing changed"}, {rolledUp, "in one roll-up"}, {parkedDLQ, "in DLQ"}, {parkedOnFailure, "in launch on-failure queue"},
	} {
		if n := kinds[e.kind]; n > 0 {
			extra = append(extra, fmt.Sprintf("%d %s", n, e.label))
		}
	}
	if len(extra) == 0 {
		return main
	}
	return main + " (" + strings.Join(extra, ", ") + ")"
}

// unmet lists the scenario's own expectations the run missed.
func (p *play) unmet(row Row, parked int) []string {
	var out []string
	want := p.sc.Want
	switch {
	case want.Succeeded == AllPlanned && row.Succeeded != row.Planned:
		out = append(out, fmt.Sprintf("expected every planned target to succeed: %d of %d did", row.Succeeded, row.Planned))
	case want.Succeeded != AllPlanned && row.Succeeded != want.Succeeded:
		out = append(out, fmt.Sprintf("expected %d targets to succeed, %d did", want.Succeeded, row.Succeeded))
	}
	if parked != want.Parked {
		out = append(out, fmt.Sprintf("expected %d parked runs, got %d", want.Parked, parked))
	}
	seen := map[string]bool{}
	for _, c := range p.env.Cloud.Calls().Failed() {
		seen[c.ErrorCode] = true
	}
	for _, code := range want.Errors {
		if !seen[code] {
			out = append(out, fmt.Sprintf("the fault never fired: no call answered %s", code))
		}
	}
	if want.Redelivered && !p.redelivered() {
		out = append(out, "no run step reached the worker twice: the fault never fired")
	}
	return out
}

func (p *play) redelivered() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, n := range p.deliveries {
		if n > 1 {
			return true
		}
	}
	return false
}

// logsAbout returns the functions' last log lines about run, to make a
// problem report self-contained.
func (p *play) logsAbout(runID string) string {
	lines := p.logs.Lines(runID)
	if len(lines) == 0 {
		return ""
	}
	lines = lines[max(0, len(lines)-8):]
	return "\n\tlast log lines:\n\t\t" + strings.Join(lines, "\n\t\t")
}
