package launch

import (
	"context"
	"errors"
	"fmt"

	"github.com/landfall/landfall/internal/accountregions"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
)

// Regions says which regions are enabled for an account, for plans that
// choose their regions at run time (`regions: enabled`);
// *accountregions.Lister implements it. An *accountregions.Error with
// Denied set means no retry can help (trusted access is off).
type Regions interface {
	Enabled(ctx context.Context, account string) ([]string, error)
}

var _ Regions = (*accountregions.Lister)(nil)

// enabledRegions is one invocation's answers, so that a backfill over many
// accounts lists each account's regions once, and a warm container never
// reuses an answer from an earlier invocation (an operator who enables a
// region and re-runs the account must see it).
type enabledRegions struct {
	src       Regions
	byAccount map[string][]string
}

// enabledRegions starts an invocation's answers.
func (h *Handler) enabledRegions() *enabledRegions {
	return &enabledRegions{src: h.Regions, byAccount: map[string][]string{}}
}

// narrow applies `regions: enabled` to the placements the plan gives acct:
// the candidate regions not enabled for it become exclusions. A plan that
// lists its regions, or an account the plan gives nothing, asks nothing.
// Failing to list the account's regions fails the whole request, before
// anything is queued: guessing them could provision where nobody meant.
func (e *enabledRegions) narrow(ctx context.Context, pl *plan.Plan, acct plan.Account, targets []plan.Placement) ([]plan.Placement, []plan.Exclusion, error) {
	if !pl.RegionsAtRunTime() || len(targets) == 0 {
		return targets, nil, nil
	}
	enabled, ok := e.byAccount[acct.ID]
	if !ok {
		if e.src == nil {
			return nil, nil, &accountregions.Error{Account: acct.ID, Err: errors.New("this function has no Account Management client, and the plan says regions: enabled")}
		}
		var err error
		if enabled, err = e.src.Enabled(ctx, acct.ID); err != nil {
			return nil, nil, err
		}
		e.byAccount[acct.ID] = enabled
	}
	kept, excluded := pl.InEnabledRegions(acct, targets, enabled)
	return kept, excluded, nil
}

// regionsUnknown answers a request whose runs could not be built because
// an account's enabled regions could not be listed. A refusal (trusted
// access off, or the grant missing) is reported once and acknowledged,
// like a plan that does not hold against the organization: nothing was
// queued, and the notification says how to enable trusted access. Anything
// else (throttling past the SDK's retries, a server error) is returned, so
// Lambda retries the request.
func (h *Handler) regionsUnknown(ctx context.Context, source string, err error) (*Response, error) {
	var lerr *accountregions.Error
	if !errors.As(err, &lerr) || !lerr.Denied {
		return nil, fmt.Errorf("regions: enabled: %w", err)
	}
	h.logger().ErrorContext(ctx, "refused: the enabled regions of an account cannot be listed", "source", source, "account", lerr.Account, "error", err)
	if perr := h.Notifier.Publish(ctx, notify.PlanRefused(source, err)); perr != nil {
		return nil, fmt.Errorf("report refused %s: %w", source, perr)
	}
	return &Response{Outcome: OutcomeRefused, Message: "refused: nothing was queued: " + err.Error()}, nil
}
