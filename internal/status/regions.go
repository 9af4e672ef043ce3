package status

import (
	"context"
	"errors"

	"github.com/landfall/landfall/internal/accountregions"
	"github.com/landfall/landfall/internal/plan"
)

// Regions says which regions are enabled for an account, for plans that
// choose their regions at run time (`regions: enabled`);
// *accountregions.Lister implements it, the same lister the launch
// function builds runs with, so status reports an account in the regions
// a run would work in.
type Regions interface {
	Enabled(ctx context.Context, account string) ([]string, error)
}

var _ Regions = (*accountregions.Lister)(nil)

// regionsUnknown is a row's reason when the account's enabled regions
// could not be listed.
const regionsUnknown = "enabled regions unknown (regions: enabled)"

// inEnabledRegions narrows an account's placements to the regions enabled
// for it when the plan chooses them at run time; the candidates that are
// not enabled become exclusions. When the regions cannot be listed the
// account cannot be reported on honestly (a MISSING row in a region the
// account never enabled would be drift that is not there), so every
// placement comes back in blocked, and the caller reports them UNREACHABLE
// with the reason.
func (r *Reporter) inEnabledRegions(ctx context.Context, a plan.Account, targets []plan.Placement) (kept []plan.Placement, excl []Exclusion, blocked error) {
	if !r.Plan.RegionsAtRunTime() || len(targets) == 0 {
		return targets, nil, nil
	}
	if r.Regions == nil {
		return targets, nil, &accountregions.Error{Account: a.ID, Err: errors.New("this report has no Account Management client, and the plan says regions: enabled")}
	}
	enabled, err := r.Regions.Enabled(ctx, a.ID)
	if err != nil {
		return targets, nil, err
	}
	kept, excluded := r.Plan.InEnabledRegions(a, targets, enabled)
	for _, e := range excluded {
		excl = append(excl, Exclusion{Account: a.ID, AccountName: a.Name, Reason: e.Reason})
	}
	return kept, excl, nil
}

// blockedRows reports every placement UNREACHABLE because the account's
// enabled regions are unknown.
func blockedRows(targets []plan.Placement, newRow func(plan.Placement) Row, err error) []Row {
	rows := make([]Row, 0, len(targets))
	for _, t := range targets {
		row := newRow(t)
		row.State, row.Reason, row.Error = Unreachable, regionsUnknown, err.Error()
		rows = append(rows, row)
	}
	return rows
}
