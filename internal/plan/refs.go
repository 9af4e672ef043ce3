package plan

import "fmt"

// RefKind says what a selector entry names.
type RefKind int

// Selector entry kinds.
const (
	// RefOU is an OU by ID (ou-…) or by exact name.
	RefOU RefKind = iota + 1
	// RefAccount is a 12-digit account ID.
	RefAccount
	// RefAccountName is a glob on account names, which may rightly match no
	// account yet (it can be meant for accounts still to come).
	RefAccountName
	// RefTags is a whole tags clause (its keys match together), which, like
	// a glob, may rightly match no account yet: tags are set on accounts
	// after the plan is written.
	RefTags
)

// SelectorRef is one entry of an include or exclude selector, where the plan
// has it: the organization must have what it names, or the plan does not
// select what its authors think.
type SelectorRef struct {
	// Path is the entry's place in the plan: exclude.ous[0],
	// products[1].include.accounts[2].
	Path string
	Kind RefKind
	// Value is the entry as written; for RefTags, the clause as messages
	// show it (environment="prod", team="a"|"b").
	Value string
	// Tags is the clause of a RefTags entry.
	Tags []TagMatch
	// Exclude is true for an exclude entry: one that names nothing silently
	// weakens an exclusion.
	Exclude bool
}

// SelectorRefs lists every entry of the plan's selectors and of its
// products' selectors, in plan order.
func (pl *Plan) SelectorRefs() []SelectorRef {
	var out []SelectorRef
	add := func(at string, s Selector, exclude bool) {
		for i, v := range s.OUs {
			out = append(out, SelectorRef{Path: fmt.Sprintf("%sous[%d]", at, i), Kind: RefOU, Value: v, Exclude: exclude})
		}
		for i, v := range s.Accounts {
			out = append(out, SelectorRef{Path: fmt.Sprintf("%saccounts[%d]", at, i), Kind: RefAccount, Value: v, Exclude: exclude})
		}
		for i, v := range s.AccountNames {
			out = append(out, SelectorRef{Path: fmt.Sprintf("%saccountNames[%d]", at, i), Kind: RefAccountName, Value: v, Exclude: exclude})
		}
		if len(s.Tags) > 0 {
			out = append(out, SelectorRef{Path: at + "tags", Kind: RefTags, Value: tagClause(s.Tags), Tags: s.Tags, Exclude: exclude})
		}
	}
	add("include.", pl.Include, false)
	add("exclude.", pl.Exclude, true)
	for i, p := range pl.Products {
		at := fmt.Sprintf("products[%d].", i)
		add(at+"include.", p.Include, false)
		add(at+"exclude.", p.Exclude, true)
	}
	return out
}
