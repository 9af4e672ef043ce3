package leastprivilege

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/plan"
)

// The path of a plan that selects accounts by their Organizations tags:
// the launch function reads every account's tags (ListTagsForResource, on
// the account's ARN) before it decides which get a run.

// tagClause selects the default world's accounts tagged environment prod
// (payments-prod) or staging (LifeCycle2); taggedAccounts are they.
const tagClause = "include:\n  tags:\n    environment: [prod, staging]\n"

var taggedAccounts = []string{"333333333333", "666666666666"}

// runTagBackfill backfills the whole organization under the deployed plan
// narrowed to tagged accounts, and expects runs for exactly those, ending
// in one successful roll-up.
func runTagBackfill(ctx context.Context, d *Deployed) error {
	tagged, err := withAccountTags(d.Env.Plan)
	if err != nil {
		return err
	}
	original := d.Env.Plan
	d.Env.Replan(tagged)
	defer d.Env.Replan(original)
	inv := d.Env.InvokeLaunch(ctx, localrun.Payload{Name: "backfill by tag", Body: []byte(`{"all": true}`)})
	if err := expectOutcome(inv, launch.OutcomeQueued); err != nil {
		return err
	}
	var queued []string
	for _, q := range inv.Response.Queued {
		queued = append(queued, q.Account)
	}
	slices.Sort(queued)
	if !slices.Equal(queued, taggedAccounts) {
		return fmt.Errorf("backfill by tag queued runs for %v, want the tagged accounts %v", queued, taggedAccounts)
	}
	return drainAndExpect(ctx, d, 1)
}

// withAccountTags returns pl with tagClause as its include, as an operator
// would edit the plan file. The plan must have no include of its own.
func withAccountTags(pl *plan.Plan) (*plan.Plan, error) {
	src, err := os.ReadFile(pl.Source)
	if err != nil {
		return nil, fmt.Errorf("read the plan to change it: %w", err)
	}
	if !pl.Include.IsZero() || strings.HasPrefix(string(src), "include:") || strings.Contains(string(src), "\ninclude:") {
		return nil, fmt.Errorf("the plan %s has an include already; the tag path adds its own", pl.Source)
	}
	f, err := os.CreateTemp("", "landfall-tagged-*.yaml")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(append(append(src, '\n'), tagClause...))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write the changed plan: %w", err)
	}
	return plan.Load(f.Name())
}
