package directory

import (
	"context"
	"errors"
	"fmt"

	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/plan"
	"golang.org/x/sync/errgroup"
)

// Selection names accounts: by ID, by OU (optionally with every OU below),
// or the whole organization.
type Selection struct {
	Accounts  []string
	OUs       []string
	Recursive bool
	All       bool
	// ManagementAccount is left out unless IncludeManagement (the plan's
	// includeManagementAccount) is set: it is not a Control Tower managed
	// account. Accounts selected are marked Management accordingly.
	ManagementAccount string
	IncludeManagement bool
}

// Excluded is an account (or OU) a selection left out, and why.
type Excluded struct {
	Account string
	Reason  string
}

// lookupConcurrency bounds concurrent Organizations calls: Organizations
// throttles at a few requests per second.
const lookupConcurrency = 8

// Select resolves a selection to accounts, each once, in a stable order
// (payload order for IDs, Organizations' order for OUs), with what was left
// out and why. With Tags set, every account kept carries its tags, each
// read once (accounts left out are not read). Only failures of
// Organizations itself are errors; a tag read that fails fails the whole
// selection, naming the account.
func (d *Directory) Select(ctx context.Context, sel Selection) ([]plan.Account, []Excluded, error) {
	var accts []plan.Account
	var excl []Excluded
	switch {
	case len(sel.Accounts) > 0:
		var err error
		accts, excl, err = d.lookup(ctx, sel.Accounts)
		if err != nil {
			return nil, nil, err
		}
	case len(sel.OUs) > 0 || sel.All:
		parents := sel.OUs
		recursive := sel.Recursive
		if sel.All {
			root, err := d.Root(ctx)
			if err != nil {
				return nil, nil, err
			}
			parents, recursive = []string{root}, true
		}
		seen := map[string]bool{}
		for _, p := range parents {
			ms, err := d.Members(ctx, p, recursive)
			if errors.Is(err, ErrNotFound) {
				excl = append(excl, Excluded{Account: p, Reason: fmt.Sprintf("%s is not an OU of this organization", p)})
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			if len(ms) == 0 && !recursive {
				// An empty answer from an OU that only holds OUs is almost always
				// a forgotten "recursive": say so rather than do nothing silently.
				nested, err := d.HasChildOUs(ctx, p)
				if err != nil {
					return nil, nil, err
				}
				if nested {
					excl = append(excl, Excluded{Account: p, Reason: fmt.Sprintf("%s has no accounts directly under it, only OUs: add \"recursive\": true (--recursive) to include the accounts of the OUs below it", p)})
				}
			}
			for _, m := range ms {
				if seen[m.ID] {
					continue // under two requested OUs: still one account
				}
				seen[m.ID] = true
				if r := membership.Rule(m.ID, m.Status, false, true); r != nil {
					excl = append(excl, Excluded{Account: m.ID, Reason: r.Reason})
					continue
				}
				accts = append(accts, m.Account())
			}
		}
	}
	kept := accts[:0]
	for _, a := range accts {
		a.Management = sel.ManagementAccount != "" && a.ID == sel.ManagementAccount
		if r := membership.Rule(a.ID, "", a.Management, sel.IncludeManagement); r != nil {
			excl = append(excl, Excluded{Account: a.ID, Reason: r.Reason})
			continue
		}
		kept = append(kept, a)
	}
	if d.Tags != nil {
		if err := newTagCache(d.Tags).fill(ctx, kept); err != nil {
			return nil, nil, err
		}
	}
	return kept, excl, nil
}

// lookup describes named accounts concurrently, keeping their order.
func (d *Directory) lookup(ctx context.Context, ids []string) ([]plan.Account, []Excluded, error) {
	accts := make([]plan.Account, len(ids))
	statuses := make([]string, len(ids))
	missing := make([]bool, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookupConcurrency)
	for i, id := range ids {
		g.Go(func() error {
			a, status, err := d.account(gctx, id)
			if errors.Is(err, ErrNotFound) {
				missing[i] = true
				return nil
			}
			accts[i], statuses[i] = a, status
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	var out []plan.Account
	var excl []Excluded
	seen := map[string]bool{}
	for i, id := range ids {
		switch {
		case missing[i]:
			excl = append(excl, Excluded{Account: id, Reason: "not an account of this organization"})
		case seen[id]:
		case membership.Rule(id, statuses[i], false, true) != nil:
			// Named by ID or found under an OU, a suspended account is left out
			// alike, by the rule the worker applies too.
			seen[id] = true
			excl = append(excl, Excluded{Account: id, Reason: membership.Rule(id, statuses[i], false, true).Reason})
		default:
			seen[id] = true
			out = append(out, accts[i])
		}
	}
	return out, excl, nil
}
