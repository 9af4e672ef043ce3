package preflight

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"

	"github.com/landfall/landfall/internal/plan"
)

// Checker is the whole preflight: the plan's selectors against the
// organization (from an index reused for a few minutes) and its catalog
// checks (once per plan per warm container). The launch function runs it
// before acting on anything, and `landfall validate --org` runs the same.
type Checker struct {
	Plan    *plan.Plan
	Org     *OrgIndex
	Catalog *CatalogCheck
}

// Check returns what the plan's preflight finds. An error means
// Organizations or Service Catalog could not answer: the caller retries.
func (c *Checker) Check(ctx context.Context) (Report, error) {
	if c.Org == nil || c.Catalog == nil {
		// Half a preflight would pass plans it never checked: refuse instead.
		return Report{}, errors.New("preflight: the organization index and the catalog check are both required")
	}
	org, err := c.Org.Get(ctx, namesAccounts(c.Plan, c.Org.Tags != nil))
	if err != nil {
		return Report{}, err
	}
	rep := CheckSelectors(c.Plan, org)
	cat, _, err := c.Catalog.Check(ctx)
	if err != nil {
		return Report{}, err
	}
	rep.Add(cat)
	return rep, nil
}

// namesAccounts reports whether any selector of pl names accounts (by ID or
// name glob), or has a tags clause that will be checked (withTags), which is
// when the organization's accounts must be listed.
func namesAccounts(pl *plan.Plan, withTags bool) bool {
	for _, r := range pl.SelectorRefs() {
		switch r.Kind {
		case plan.RefAccount, plan.RefAccountName:
			return true
		case plan.RefTags:
			if withTags {
				return true
			}
		}
	}
	return false
}

// NewCatalogs returns the management account's Service Catalog client for
// each region, built once per region from cfg.
func NewCatalogs(cfg aws.Config) func(region string) Catalog {
	var mu sync.Mutex
	clients := map[string]Catalog{}
	return func(region string) Catalog {
		mu.Lock()
		defer mu.Unlock()
		c, ok := clients[region]
		if !ok {
			c = servicecatalog.NewFromConfig(cfg, func(o *servicecatalog.Options) { o.Region = region })
			clients[region] = c
		}
		return c
	}
}
