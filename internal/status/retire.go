package status

import (
	"context"
	"fmt"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/provision"
)

// Retirement candidates in fleet status: provisioned products Landfall
// named in an account that the plan no longer places there (plan's
// retire.go has the rule, which runs and dry runs use too). Each region of
// the plan the request allows is listed once (provision.ListNamed), in
// every account the selection names, those the plan now gives nothing
// included: an account moved or newly excluded is exactly where they are.
// That costs an AssumeRole in such accounts, which reports before this
// change did not make.
//
// A candidate is a row of its own after the region's planned rows:
//
//   - UNWANTED when the account's next run terminates it (retire:
//     terminate, and it carries Landfall's owner tag). It is drift: the
//     fleet is not as the plan says, and a run fixes it.
//   - RETIRABLE when runs leave it (retire: retain, or it is not provably
//     Landfall's). It is not drift: the plan says keep it, or a person must
//     decide. Its reason says which, and how to have it removed.
//
// A region that cannot be listed (disabled, access denied) shows no
// candidates; its planned rows say what is wrong there.

// Drifted reports whether a row in state s is drift: anything but OK and
// RETIRABLE, which is as the plan says (or for a person to decide).
func (s State) Drifted() bool { return s != OK && s != Retirable }

// candidatesOnly reports on an account the plan gives nothing (under the
// request's filter): only its retirement candidates, if it can be opened.
// An account that cannot be is left out silently, as it was before
// retirement: the plan asks nothing of it, and its exclusion says why.
func (r *Reporter) candidatesOnly(ctx context.Context, a plan.Account, f plan.Filter, res accountResult) accountResult {
	cats, err := r.Accounts.Open(ctx, a.ID, provision.SessionName(sessionLabel))
	if err != nil {
		return res
	}
	res.rows = withCandidates(r.Plan, nil, r.candidateRows(ctx, a, f, cats))
	return res
}

// candidateRows lists each region f allows and returns the candidate rows
// by region.
func (r *Reporter) candidateRows(ctx context.Context, a plan.Account, f plan.Filter, cats func(region string) Catalog) map[string][]Row {
	rule, err := r.Plan.Retirement(a)
	if err != nil {
		return nil
	}
	var regions []string
	for _, reg := range r.Plan.Regions {
		if len(f.Regions) == 0 || slices.Contains(f.Regions, reg) {
			regions = append(regions, reg)
		}
	}
	found := make([][]Row, len(regions))
	var g errgroup.Group
	g.SetLimit(orDefault(r.RegionConcurrency, DefaultRegionConcurrency))
	for i, reg := range regions {
		g.Go(func() error {
			// A region that cannot be listed has no candidate rows: its
			// planned rows say what is wrong there.
			listed, _ := provision.ListNamed(ctx, cats(reg), reg, r.Plan.ProvisionedProductPrefix)
			for _, p := range listed {
				v := rule.Decide(p.Found)
				if !v.Candidate() || !f.Allows(reg, v.Key) {
					continue
				}
				found[i] = append(found[i], candidateRow(a, p, v))
			}
			return nil
		})
	}
	_ = g.Wait()
	out := make(map[string][]Row, len(regions))
	for i, reg := range regions {
		if len(found[i]) > 0 {
			out[reg] = found[i]
		}
	}
	return out
}

// candidateRow is the row of one candidate.
func candidateRow(a plan.Account, p provision.Provisioned, v plan.Verdict) Row {
	row := Row{
		Account: a.ID, AccountName: a.Name, Region: p.Region, Product: v.Key,
		Status: p.Status, Version: p.Version, ProvisionedProductName: p.Name, ProvisionedProductID: p.ID,
		State: Retirable, Reason: v.Note(),
	}
	if v.Fate == plan.FateTerminate {
		row.State = Unwanted
		row.Reason = fmt.Sprintf("%s; the account's next run terminates it (%s is terminate)", v.Why, v.PolicyPath)
	}
	return row
}

// withCandidates puts each region's candidate rows after its planned rows,
// regions in plan order.
func withCandidates(pl *plan.Plan, rows []Row, candidates map[string][]Row) []Row {
	if len(candidates) == 0 {
		return rows
	}
	out := make([]Row, 0, len(rows)+len(candidates))
	for _, reg := range pl.Regions {
		for _, row := range rows {
			if row.Region == reg {
				out = append(out, row)
			}
		}
		out = append(out, candidates[reg]...)
	}
	return out
}
