package leastprivilege

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/landfall/landfall/internal/localaws/deploy"
)

// Grant is one action that one statement of a role's identity policies
// allows.
type Grant struct {
	// Role is the role's logical ID.
	Role string
	// Policy and Statement locate the statement among the role's policies.
	Policy, Statement int
	// Sid is the statement's Sid, for messages.
	Sid string
	// Action is the action granted, as written.
	Action string
}

func (g Grant) String() string {
	sid := g.Sid
	if sid == "" {
		sid = fmt.Sprintf("statement %d", g.Statement)
	}
	return fmt.Sprintf("%s/%s/%s", g.Role, sid, g.Action)
}

// policyDoc is a policy document with its statements kept as decoded JSON.
type policyDoc struct {
	Version   string           `json:"Version,omitempty"`
	Statement []map[string]any `json:"Statement"`
}

// Grants lists every action the Allow statements of the given roles'
// identity policies grant.
func Grants(d *deploy.Deployment, roles ...string) ([]Grant, error) {
	var out []Grant
	for _, id := range roles {
		role, ok := d.Role(id)
		if !ok {
			return nil, fmt.Errorf("grants: the template has no role %s", id)
		}
		for pi, raw := range role.Policies {
			var doc policyDoc
			if err := json.Unmarshal(raw, &doc); err != nil {
				return nil, fmt.Errorf("grants: role %s policy %d: %w (statements must be a list)", id, pi, err)
			}
			for si, st := range doc.Statement {
				if st["Effect"] != "Allow" {
					continue
				}
				sid, _ := st["Sid"].(string)
				for _, a := range actions(st["Action"]) {
					out = append(out, Grant{Role: id, Policy: pi, Statement: si, Sid: sid, Action: a})
				}
			}
		}
	}
	return out, nil
}

// Without returns an edit that takes g's action out of its statement, and
// the statement out of its policy when nothing is left of it.
func Without(g Grant) func(*deploy.Deployment) error {
	return func(d *deploy.Deployment) error {
		role, ok := d.Role(g.Role)
		if !ok || g.Policy >= len(role.Policies) {
			return fmt.Errorf("without %s: the deployment has no such policy", g)
		}
		var doc policyDoc
		if err := json.Unmarshal(role.Policies[g.Policy], &doc); err != nil {
			return fmt.Errorf("without %s: %w", g, err)
		}
		if g.Statement >= len(doc.Statement) {
			return fmt.Errorf("without %s: the policy has no such statement", g)
		}
		st := doc.Statement[g.Statement]
		kept := slices.DeleteFunc(actions(st["Action"]), func(a string) bool { return a == g.Action })
		if len(kept) == 0 {
			doc.Statement = slices.Delete(doc.Statement, g.Statement, g.Statement+1)
		} else {
			st["Action"] = kept
		}
		raw, err := json.Marshal(doc)
		if err != nil {
			return fmt.Errorf("without %s: %w", g, err)
		}
		role.Policies = slices.Clone(role.Policies)
		role.Policies[g.Policy] = raw
		return nil
	}
}

// actions reads an Action element: a string or a list of strings.
func actions(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, a := range t {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
