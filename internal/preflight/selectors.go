package preflight

import (
	"fmt"
	"maps"
	"path"
	"slices"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/suggest"
)

// CheckSelectors checks every selector entry of pl against org. An OU (by ID
// or name) or an account ID that the organization does not have is a
// problem: the plan would select, or fail to exclude, something other than
// what its authors meant. An account-name glob matching no account is a
// note, and so is a tags clause matching no account's tags: like a glob it
// describes accounts rather than naming one, and tags are often set on an
// account after the plan is written. Tags clauses are only checked when
// org has the accounts' tags (OrgIndex.Tags).
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
		case plan.RefTags:
			if org.TagsRead && !org.anyTags(ref.Tags) {
				r.Notes = append(r.Notes, Problem{ref.Path, org.tagsNote(ref)})
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
// root and every account, by ID and name, and with its tags when TagsRead.
type Org struct {
	OUs      []plan.OU
	Accounts []plan.Account
	// TagsRead says the accounts carry their tags.
	TagsRead bool
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

// anyTags reports whether some account's tags match every key of clause.
func (o *Org) anyTags(clause []plan.TagMatch) bool {
	return slices.ContainsFunc(o.Accounts, func(a plan.Account) bool {
		for _, m := range clause {
			if v, ok := a.Tags[m.Key]; !ok || !slices.Contains(m.Values, v) {
				return false
			}
		}
		return true
	})
}

// tagsNote says a clause matches no account yet, with a did-you-mean for its
// first key no account carries, or else for the first value no account of
// that key has.
func (o *Org) tagsNote(ref plan.SelectorRef) string {
	msg := fmt.Sprintf("%s matches no account's tags yet", ref.Value)
	if ref.Exclude {
		msg += ", so this exclusion excludes nothing yet"
	}
	keys := map[string][]string{} // tag key -> the values accounts carry
	for _, a := range o.Accounts {
		for k, v := range a.Tags {
			if !slices.Contains(keys[k], v) {
				keys[k] = append(keys[k], v)
			}
		}
	}
	for _, m := range ref.Tags {
		values, carried := keys[m.Key]
		if !carried {
			if hint := suggest.DidYouMean(suggest.Closest(m.Key, slices.Sorted(maps.Keys(keys)))); hint != "" {
				msg += fmt.Sprintf("; no account carries the tag %s, %s", m.Key, hint)
			} else {
				msg += fmt.Sprintf("; no account carries the tag %s", m.Key)
			}
			break
		}
		if !slices.ContainsFunc(m.Values, func(v string) bool { return slices.Contains(values, v) }) {
			slices.Sort(values)
			for _, v := range m.Values {
				if hint := suggest.DidYouMean(suggest.Closest(v, values)); hint != "" {
					msg += fmt.Sprintf("; no account's %s tag is %q, %s", m.Key, v, hint)
					break
				}
			}
			break
		}
	}
	return msg + " (it blocks nothing: tags may be set on accounts later)"
}
