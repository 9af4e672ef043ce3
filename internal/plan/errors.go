package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with a plan or a filter. Path locates it in the
// document (products[1].regions[2]); Line is the YAML line it was found on, or
// 0 when the problem is about the plan as a whole.
type Problem struct {
	Path    string
	Message string
	Line    int
}

// String renders the problem as the operator sees it:
// `products[1].regions[2]: "us-west-9" is not a region (line 14)`.
func (p Problem) String() string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", p.Line)
	}
	return b.String()
}

// ValidationError reports every problem found in a plan at once, so that the
// platform team can fix a plan in one edit instead of one error per deploy.
type ValidationError struct {
	Source   string
	Problems []Problem
}

// Error lists the problems, one per line, under a header naming the plan.
func (e *ValidationError) Error() string {
	return formatProblems("plan "+e.Source, e.Problems)
}

// FilterError reports a manual narrowing (Filter) that names products or
// regions the plan does not have. It is the operator's input that is wrong,
// not the plan.
type FilterError struct {
	Problems []Problem
}

// Error lists the problems, one per line.
func (e *FilterError) Error() string {
	return formatProblems("invalid filter", e.Problems)
}

func formatProblems(header string, problems []Problem) string {
	var b strings.Builder
	b.WriteString(header)
	if len(problems) == 1 {
		b.WriteString(": 1 problem:")
	} else {
		fmt.Fprintf(&b, ": %d problems:", len(problems))
	}
	for _, p := range problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// sortProblems orders problems by line so the report reads top to bottom like
// the file; problems without a line (whole-plan checks) come last. The sort is
// stable, so problems on one line keep the order they were found in.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		la, lb := a.Line, b.Line
		if la == 0 {
			la = int(^uint(0) >> 1)
		}
		if lb == 0 {
			lb = int(^uint(0) >> 1)
		}
		return cmp.Compare(la, lb)
	})
}
