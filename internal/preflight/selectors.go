package preflight

import (
	"fmt"
	"path"
	"slices"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/suggest"
)

// CheckSelectors checks every selector entry of pl against org. An OU (by ID
// or name) or an account ID that the organization does not have is a
// problem: the plan would select, or fail to exclude, something other than
// what its authors meant. An account-name glob matching no account is a note.
func CheckSelectors(pl *plan.Plan, org *Org) Report {
	var r Report
	for _, ref := range pl.SelectorRefs() {
		switch ref.Kind {
		case plan.RefOU:
			if !org.hasOU(ref.Value) {
				r.Problems = append(r.Problems, Problem{ref.Path, missing(ref, "an OU of this organization", org.ouWords())})
			}
		case plan.RefAccount:
			if !org.hasAccount(ref.Value) {
				r.Problems = append(r.Problems, Problem{ref.Path, missing(ref, "an account of this organization", org.accountIDs())})
			}
		case plan.RefAccountName:
			if !org.anyName(ref.Value) {
				r.Notes = append(r.Notes, Problem{ref.Path, globNote(ref, org.accountNames())})
			}
		}
	}
	return r
}

func missing(ref plan.SelectorRef, what string, candidates []string) string {
	msg := fmt.Sprintf("%q is not %s", ref.Value, what)
	if ref.Exclude {
		msg += ", so this exclusion excludes nothing"
	}
	if hint := suggest.DidYouMean(suggest.Closest(ref.Value, candidates)); hint != "" {
		return msg + "; " + hint
	}
	return msg + "; fix or remove it"
}

func globNote(ref plan.SelectorRef, names []string) string {
	msg := fmt.Sprintf("%q matches no account name yet", ref.Value)
	if hint := suggest.DidYouMean(suggest.Closest(ref.Value, names)); hint != "" {
		msg += "; " + hint
	}
	return msg + " (it blocks nothing: it may be meant for accounts still to come)"
}

// Org is what selectors can name in the organization: every OU below the
// root and every account, by ID and name.
type Org struct {
	OUs      []plan.OU
	Accounts []plan.Account
}

func (o *Org) hasOU(v string) bool {
	return slices.ContainsFunc(o.OUs, func(ou plan.OU) bool { return ou.ID == v || ou.Name == v })
}

func (o *Org) hasAccount(id string) bool {
	return slices.ContainsFunc(o.Accounts, func(a plan.Account) bool { return a.ID == id })
}

func (o *Org) anyName(glob string) bool {
	return slices.ContainsFunc(o.Accounts, func(a plan.Account) bool {
		ok, _ := path.Match(glob, a.Name)
		return ok
	})
}

// ouWords are what an OU entry may say: names and IDs.
func (o *Org) ouWords() []string {
	out := make([]string, 0, 2*len(o.OUs))
	for _, ou := range o.OUs {
		out = append(out, ou.Name, ou.ID)
	}
	return out
}

func (o *Org) accountIDs() []string {
	out := make([]string, 0, len(o.Accounts))
	for _, a := range o.Accounts {
		out = append(out, a.ID)
	}
	return out
}

func (o *Org) accountNames() []string {
	out := make([]string, 0, len(o.Accounts))
	for _, a := range o.Accounts {
		out = append(out, a.Name)
	}
	return out
}
