package preflight

import (
	"context"

	"github.com/landfall/landfall/internal/plan"
)

// Checker is the whole preflight the launch function runs before acting:
// the plan's selectors against the organization (from an index reused for a
// few minutes) and, when set, its catalog checks (once per plan per warm
// container).
type Checker struct {
	Plan *plan.Plan
	Org  *OrgIndex
}

// Check returns what the plan's preflight finds. An error means
// Organizations or Service Catalog could not answer: the caller retries.
func (c *Checker) Check(ctx context.Context) (Report, error) {
	org, err := c.Org.Get(ctx)
	if err != nil {
		return Report{}, err
	}
	return CheckSelectors(c.Plan, org), nil
}
