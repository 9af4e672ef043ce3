// Package preflight checks a plan against the real organization and catalog
// before anything is queued: every selector names something that exists,
// every portfolio exists and is shared, every product is in its portfolio,
// every pinned version can be launched, every parameter is declared. The
// launch function runs it before acting, and `landfall validate --org` runs
// it on demand, so a typo is refused in seconds instead of failing a run
// half an hour later, or, worse, weakening an exclusion.
package preflight

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with the plan against the organization or the
// catalog, at its place in the plan.
type Problem struct {
	// Path is the plan entry at fault: exclude.ous[0], products[1].version.
	Path string
	// Message says what is wrong and how to fix it.
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Report is what a preflight found. Problems make Landfall refuse to act;
// Notes are worth reading but block nothing (an account-name glob that
// matches no account yet may be meant for accounts still to come).
type Report struct {
	Problems []Problem
	Notes    []Problem
}

// Add appends another report's findings.
func (r *Report) Add(o Report) {
	r.Problems = append(r.Problems, o.Problems...)
	r.Notes = append(r.Notes, o.Notes...)
}

// Err returns the problems as one *Error, or nil when there are none.
func (r *Report) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	return &Error{Problems: r.Problems}
}

// Error is a plan that does not hold against the organization or catalog.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	if len(e.Problems) == 1 {
		b.WriteString("the plan does not hold against the organization: 1 problem:")
	} else {
		fmt.Fprintf(&b, "the plan does not hold against the organization: %d problems:", len(e.Problems))
	}
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}
