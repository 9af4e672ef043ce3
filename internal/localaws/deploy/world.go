package deploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/authz"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/tables"
	"github.com/landfall/landfall/internal/localaws/topics"
)

// Into adds what d creates to the world w, as if the stack had been
// deployed there: its roles in d's account, its queues, topics, keys and
// DynamoDB tables in d's account and region. The account must belong to w's organization.
// Managed policies are refused: the emulator has no catalogue of AWS's
// managed policies, and a guess would prove nothing.
func (d *Deployment) Into(w *localaws.World) error {
	if err := addRoles(w, d.Account, d.Roles); err != nil {
		return err
	}
	for _, k := range d.Keys {
		w.KMS.Keys = append(w.KMS.Keys, authz.KeySpec{ID: k.ID, Account: d.Account, Region: d.Region, Policy: org.PolicyDocument(k.Policy)})
	}
	byARN := map[string]string{}
	for _, q := range d.Queues {
		byARN[q.ARN] = q.Name
	}
	for _, q := range d.Queues {
		spec := queues.QueueSpec{
			Account: d.Account, Region: d.Region, Name: q.Name, VisibilityTimeout: q.VisibilityTimeout,
			MessageRetentionPeriod: q.MessageRetentionPeriod, Policy: org.PolicyDocument(q.Policy), KMSMasterKeyID: q.KMSKey,
		}
		if q.DeadLetterARN != "" {
			name, ok := byARN[q.DeadLetterARN]
			if !ok {
				return fmt.Errorf("deploy %s: queue %s redrives to %s, which this template does not create", d.StackName, q.LogicalID, q.DeadLetterARN)
			}
			spec.DeadLetter = &queues.DeadLetterSpec{Name: name, MaxReceiveCount: q.MaxReceiveCount}
		}
		w.SQS.Queues = append(w.SQS.Queues, spec)
	}
	for _, t := range d.Topics {
		w.SNS.Topics = append(w.SNS.Topics, topics.TopicSpec{Account: d.Account, Region: d.Region, Name: t.Name, Policy: org.PolicyDocument(t.Policy), KMSMasterKeyID: t.KMSKey})
	}
	for _, t := range d.Tables {
		w.DynamoDB.Tables = append(w.DynamoDB.Tables, t.spec(d.Account, d.Region))
	}
	return nil
}

// spec is the world file's declaration of t in account and region.
func (t Table) spec(account, region string) tables.TableSpec {
	s := tables.TableSpec{Account: account, Region: region, Name: t.Name, HashKey: t.HashKey, RangeKey: t.RangeKey,
		TTLAttribute: t.TTLAttribute, KMSMasterKeyID: t.KMSKey, PointInTimeRecovery: t.PointInTimeRecovery}
	for _, x := range t.Indexes {
		s.GlobalSecondaryIndexes = append(s.GlobalSecondaryIndexes, tables.IndexSpec{Name: x.Name, HashKey: x.HashKey, RangeKey: x.RangeKey,
			Projection: x.Projection, NonKeyAttributes: x.NonKeyAttributes})
	}
	return s
}

// Into deploys the StackSet's template to accounts, as service-managed
// auto-deployment would to the accounts of its OUs: each gets the roles of
// the template loaded with the StackSet's parameters. IAM is global, so the
// region only names the stack instance.
func (s StackSet) Into(w *localaws.World, accounts []string, region string) error {
	for _, account := range accounts {
		member, err := Load(s.Template, Target{StackName: "StackSet-" + s.Name, Account: account, Region: region, Parameters: s.Parameters})
		if err != nil {
			return fmt.Errorf("deploy StackSet %s to %s: %w", s.Name, account, err)
		}
		if len(member.Queues)+len(member.Topics)+len(member.Keys)+len(member.Tables) > 0 {
			return fmt.Errorf("deploy StackSet %s to %s: only roles are modelled in member accounts", s.Name, account)
		}
		if err := addRoles(w, account, member.Roles); err != nil {
			return err
		}
	}
	return nil
}

// addRoles declares roles in account, replacing any role of the same name
// (a default role the world lists by name included).
func addRoles(w *localaws.World, account string, roles []Role) error {
	i := slices.IndexFunc(w.Organization.Accounts, func(a org.AccountSpec) bool { return a.ID == account })
	if i < 0 {
		return fmt.Errorf("deploy roles: account %s is not in the world's organization", account)
	}
	a := &w.Organization.Accounts[i]
	for _, r := range roles {
		if len(r.ManagedPolicyARNs) > 0 {
			return fmt.Errorf("deploy role %s: managed policies (%s) are not modelled; attach inline policies", r.LogicalID, strings.Join(r.ManagedPolicyARNs, ", "))
		}
		spec := org.RoleSpec{Name: r.Name, TrustPolicy: org.PolicyDocument(r.Trust)}
		for _, p := range r.Policies {
			spec.Policies = append(spec.Policies, org.PolicyDocument(p))
		}
		a.Roles = slices.DeleteFunc(a.Roles, func(n string) bool { return n == r.Name })
		a.IAMRoles = slices.DeleteFunc(a.IAMRoles, func(x org.RoleSpec) bool { return x.Name == r.Name })
		a.IAMRoles = append(a.IAMRoles, spec)
	}
	return nil
}

// Accounts are the accounts a service-managed StackSet deploys to in w: every
// account under its OUs (or root), at any depth, except the management
// account, to which service-managed StackSets never deploy.
func (s StackSet) Accounts(w *localaws.World) []string {
	targets := map[string]bool{}
	for _, ou := range s.OrganizationalUnits {
		targets[ou] = true
	}
	parent := map[string]string{}
	for _, u := range w.Organization.OUs {
		parent[u.ID] = u.Parent
	}
	under := func(p string) bool {
		for seen := 0; p != "" && seen <= len(parent); seen++ {
			if targets[p] {
				return true
			}
			p = parent[p]
		}
		return false
	}
	var out []string
	for _, a := range w.Organization.Accounts {
		if a.ID != w.Organization.ManagementAccount && under(a.Parent) {
			out = append(out, a.ID)
		}
	}
	return out
}
