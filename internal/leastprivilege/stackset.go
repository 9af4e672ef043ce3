package leastprivilege

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/deploy"
	"github.com/landfall/landfall/internal/localaws/org"
)

// The roles a StackSet deploys to member accounts live in its template
// body, which Deploy loads once per target account after any edit. Their
// grants are proved the same way as the functions' roles: StackSetGrants
// lists them, and StackSetWithout takes one away in the template itself,
// so every account the StackSet reaches gets the narrower role.

// StackSetGrants lists every action the Allow statements of roles (logical
// IDs in the template body) grant, as a member account's copy of them has
// them. Grant.Role is the logical ID within the StackSet's template.
func StackSetGrants(d *deploy.Deployment, stackSet string, roles ...string) ([]Grant, error) {
	set, err := findStackSet(d, stackSet)
	if err != nil {
		return nil, err
	}
	// The account only names the roles' ARNs; the grants are the same in
	// every account the StackSet reaches.
	member, err := deploy.Load(set.Template, deploy.Target{StackName: "StackSet-" + set.Name, Account: d.Account, Region: d.Region, Partition: d.Partition, Parameters: set.Parameters})
	if err != nil {
		return nil, fmt.Errorf("grants of StackSet %s: %w", stackSet, err)
	}
	return Grants(member, roles...)
}

// StackSetWithout returns an edit that takes g's action (a grant of
// StackSetGrants) out of the StackSet's template body, and its statement
// when nothing is left of it, as Without does for the stack's own roles.
func StackSetWithout(stackSet string, g Grant) func(*deploy.Deployment) error {
	return func(d *deploy.Deployment) error {
		set, err := findStackSet(d, stackSet)
		if err != nil {
			return fmt.Errorf("without %s: %w", g, err)
		}
		var tpl map[string]any
		if err := json.Unmarshal(set.Template, &tpl); err != nil {
			return fmt.Errorf("without %s: StackSet %s template: %w", g, stackSet, err)
		}
		inline, err := inlinePolicies(tpl, g.Role)
		if err != nil {
			return fmt.Errorf("without %s: StackSet %s: %w", g, stackSet, err)
		}
		// The template's statements are edited as Without edits a deployed
		// role's, their intrinsics kept as they are.
		role := deploy.Role{LogicalID: g.Role}
		for _, p := range inline {
			raw, err := json.Marshal(p["PolicyDocument"])
			if err != nil {
				return fmt.Errorf("without %s: %w", g, err)
			}
			role.Policies = append(role.Policies, raw)
		}
		scratch := &deploy.Deployment{Roles: []deploy.Role{role}}
		if err := Without(g)(scratch); err != nil {
			return err
		}
		var doc any
		if err := json.Unmarshal(scratch.Roles[0].Policies[g.Policy], &doc); err != nil {
			return fmt.Errorf("without %s: %w", g, err)
		}
		inline[g.Policy]["PolicyDocument"] = doc
		body, err := json.Marshal(tpl)
		if err != nil {
			return fmt.Errorf("without %s: %w", g, err)
		}
		set.Template = body
		return nil
	}
}

// inlinePolicies returns the inline policies (Properties.Policies) of the
// role with logical ID role in a template.
func inlinePolicies(tpl map[string]any, role string) ([]map[string]any, error) {
	resources, _ := tpl["Resources"].(map[string]any)
	res, _ := resources[role].(map[string]any)
	if res == nil || res["Type"] != "AWS::IAM::Role" {
		return nil, fmt.Errorf("the template has no role %s", role)
	}
	props, _ := res["Properties"].(map[string]any)
	list, _ := props["Policies"].([]any)
	out := make([]map[string]any, 0, len(list))
	for i, p := range list {
		m, ok := p.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("role %s policy %d is not an object", role, i)
		}
		out = append(out, m)
	}
	return out, nil
}

// findStackSet returns d's StackSet with the given logical ID, to edit in place.
func findStackSet(d *deploy.Deployment, logicalID string) (*deploy.StackSet, error) {
	for i := range d.StackSets {
		if d.StackSets[i].LogicalID == logicalID {
			return &d.StackSets[i], nil
		}
	}
	return nil, fmt.Errorf("the template has no StackSet %s", logicalID)
}

// AddAccount lets an account join the organization with what automatic
// deployment gives it: the roles of every StackSet of the deployment whose
// OUs hold the account, as service-managed auto-deployment deploys a stack
// instance to an account that joins a target OU. Like Deploy, it has the
// roles there by the time an event for the account arrives.
func (d *Deployed) AddAccount(a org.AccountSpec) error {
	o := d.Cloud.Org()
	w := &localaws.World{Organization: o.Spec()}
	w.Organization.Accounts = append(w.Organization.Accounts, a)
	last := len(w.Organization.Accounts) - 1
	for _, set := range d.Deployment.StackSets {
		if !slices.Contains(set.Accounts(w), a.ID) {
			continue
		}
		if err := set.Into(w, []string{a.ID}, o.HomeRegion()); err != nil {
			return fmt.Errorf("auto-deploy to %s: %w", a.ID, err)
		}
	}
	if err := o.AddAccount(w.Organization.Accounts[last], d.Cloud.Clock().Now()); err != nil {
		return fmt.Errorf("add account: %w", err)
	}
	return nil
}
