package preflight

import (
	"context"
	"fmt"
)

// ProductID returns the ID of the plan's product key in region, resolved
// within the plan's portfolio by the catalog check (Check: once per plan in
// a warm container when it passes). problem says why the product cannot be
// used there (its portfolio is missing, it is not in it, its name is
// ambiguous), a permanent answer; err is a failure to find out, worth a
// retry. A product that is resolved is returned even when the plan has
// other problems, such as a deprecated pin: the identity is sound, and the
// version rule answers for the version.
//
// It has the shape of provision.ProductIDs, so a CatalogCheck can name
// products for the provisioning engine and the status reporter. A check
// that found problems is reused for RecheckAfter, so a worker asking target
// after target of such a plan does not repeat the whole check each time.
func (c *CatalogCheck) ProductID(ctx context.Context, region, key string) (id, problem string, err error) {
	_, prods, err := c.Check(ctx)
	if err != nil {
		return "", "", err
	}
	id, problem = prods.resolution(region, key)
	return id, problem, nil
}

func (p *Products) resolution(region, key string) (id, problem string) {
	if id, ok := p.ID(region, key); ok {
		return id, ""
	}
	if why, ok := p.why[regionKey{region, key}]; ok {
		return "", why
	}
	return "", fmt.Sprintf("the plan does not provision %q in %s", key, region)
}
