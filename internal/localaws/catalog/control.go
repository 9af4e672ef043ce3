package catalog

import (
	"fmt"
	"maps"
)

// SetOutcome changes, from now on, how provisioning, updating and
// terminating (TerminateOutcome) any version of product (by name: every
// product of that name, whichever account owns it) plays out for account in
// region, as if the stack behind it had been fixed or broken. Records already started keep their
// outcome. Tests use it to fail a run and then let the re-run succeed.
func (c *Catalog) SetOutcome(region, productName, account string, o OutcomeSpec) error {
	if o.Outcome != "" && o.Outcome != outcomeSucceeded && o.Outcome != outcomeFailed {
		return fmt.Errorf("set outcome: %q is not SUCCEEDED or FAILED", o.Outcome)
	}
	if o.TerminateOutcome != "" && o.TerminateOutcome != outcomeSucceeded && o.TerminateOutcome != outcomeFailed {
		return fmt.Errorf("set outcome: terminate outcome %q is not SUCCEEDED or FAILED", o.TerminateOutcome)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rc, ok := c.regions[region]
	if !ok {
		return fmt.Errorf("set outcome: region %s has no catalog", region)
	}
	named := rc.productsNamed(productName)
	if len(named) == 0 {
		return fmt.Errorf("set outcome: no product %q in %s", productName, region)
	}
	for _, p := range named {
		p.setOutcome(account, o)
	}
	return nil
}

func (p *product) setOutcome(account string, o OutcomeSpec) {
	for _, a := range p.artifacts {
		// Clone: world files share provisioning blocks between artifacts and
		// regions through YAML anchors.
		accounts := maps.Clone(a.prov.Accounts)
		if accounts == nil {
			accounts = map[string]OutcomeSpec{}
		}
		accounts[account] = o
		a.prov.Accounts = accounts
	}
}
