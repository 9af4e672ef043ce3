package stack

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/leastprivilege"
	"github.com/landfall/landfall/internal/localaws/deploy"
)

// Regions chosen at run time and opt-in regions (issue 12): the launch
// function may list accounts' enabled regions only when the plan says
// `regions: enabled`, and the worker needs nothing for opt-in regions (it
// asks in the member account, as the role it assumes there).

var regionsFor = stackVariant("the stack with regions: enabled", func() (*synthesized, error) {
	path := filepath.Join(tempDir("landfall-regions-plan-"), "plan.yaml")
	if err := os.WriteFile(path, leastprivilege.RegionsPlan(), 0o644); err != nil {
		return nil, err
	}
	return build(withContext(map[string]any{"landfall:planFile": path}))
})

// accountStatements returns the statements of a role's policy that grant
// account: actions.
func accountStatements(t *testing.T, s *synthesized, role string) []any {
	t.Helper()
	var out []any
	for _, st := range s.props(t, role+"/DefaultPolicy")["PolicyDocument"].(map[string]any)["Statement"].([]any) {
		if strings.Contains(jsonOf(st.(map[string]any)["Action"]), `"account:`) {
			out = append(out, st)
		}
	}
	return out
}

// TestRegionsGrant pins the launch function's one grant for regions:
// enabled, on this organization's member accounts, and checks that the
// default stack has none, nor the worker in either.
func TestRegionsGrant(t *testing.T) {
	s := regionsFor(t)
	equalJSON(t, "launch account: statements", accountStatements(t, s, "LaunchRole"), []any{map[string]any{
		"Sid": "ListAccountRegions", "Effect": "Allow", "Action": "account:ListRegions",
		"Resource": join("arn:", pseudo("AWS::Partition"), ":account::", pseudo("AWS::AccountId"), ":account/o-*/*"),
	}})
	if got := accountStatements(t, s, "WorkerRole"); len(got) != 0 {
		t.Errorf("worker account: statements %v; the opt-in gate calls as the member role", got)
	}
	def := stackFor(t)
	for _, role := range []string{"LaunchRole", "WorkerRole"} {
		if got := accountStatements(t, def, role); len(got) != 0 {
			t.Errorf("default stack %s account: statements %v; a plan that lists its regions needs none", role, got)
		}
	}
	for _, m := range unsuppressedNagFindings(s) {
		t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
	}
}

// TestRegionPathsProveTheGrants runs the regions paths under the
// synthesized policies with no call denied, then without account:ListRegions,
// which the launch role must then be refused.
func TestRegionPathsProveTheGrants(t *testing.T) {
	s := regionsFor(t)
	st := proofStack(t, s)
	st.World = leastprivilege.RegionsWorld
	res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{Paths: leastprivilege.RegionPaths})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("under the synthesized policies:\n%s", res)
	}
	d, grants := functionGrants(t, s, st)
	found := false
	for _, g := range grants {
		if g.Action != "account:ListRegions" {
			continue
		}
		found = true
		res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{Paths: leastprivilege.RegionPaths, Edit: leastprivilege.Without(g), StopAtFailure: true})
		if err != nil {
			t.Fatal(err)
		}
		role, _ := d.Role(g.Role)
		named := false
		for _, c := range res.Denied {
			named = named || leastprivilege.Names(c, g.Action) && strings.Contains(c.CallerARN, ":assumed-role/"+role.Name+"/")
		}
		if len(res.Failed) == 0 || !named {
			t.Errorf("without %s: failed %v, denied %v; want a path refused naming it as %s", g, res.Failed, res.Denied, role.Name)
		}
	}
	if !found {
		t.Error("the launch role is not granted account:ListRegions")
	}
}

// optInMemberRolesFor deploys a plan listing the opt-in region ap-east-1,
// with enableOptInRegions, with member roles: LandfallProvisioner is given
// the opt-in calls.
var optInMemberRolesFor = stackVariant("member roles with an opt-in region", func() (*synthesized, error) {
	path := filepath.Join(tempDir("landfall-optin-plan-"), "plan.yaml")
	if err := os.WriteFile(path, leastprivilege.OptInPlan(), 0o644); err != nil {
		return nil, err
	}
	return build(withContext(map[string]any{"landfall:planFile": path, "landfall:memberRoles": true, "landfall:memberRoleTargets": []any{"r-ab12"}}))
})

// TestOptInMemberGrantsProven: with member roles, LandfallProvisioner
// enables the plan's opt-in region in its own account with no call denied,
// and each of its two opt-in actions, taken out of the StackSet's template,
// makes the path fail with an AccessDenied naming it. The default member
// roles (a plan without opt-in regions) have neither.
func TestOptInMemberGrantsProven(t *testing.T) {
	s := optInMemberRolesFor(t)
	for _, m := range unsuppressedNagFindings(s) {
		t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
	}
	st := proofStack(t, s)
	st.World = leastprivilege.RegionsWorld
	res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{Paths: leastprivilege.OptInPaths})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("with member roles:\n%s", res)
	}
	stackSet, _ := s.resource(t, "MemberRoles")
	d, err := deploy.Load(st.Template, deploy.Target{StackName: st.Name, Account: testAccount, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	grants, err := leastprivilege.StackSetGrants(d, stackSet, "Provisioner")
	if err != nil {
		t.Fatal(err)
	}
	proven := 0
	for _, g := range grants {
		if !strings.HasPrefix(g.Action, "account:") {
			continue
		}
		proven++
		t.Run(g.String(), func(t *testing.T) {
			res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{
				Edit: leastprivilege.StackSetWithout(stackSet, g), StopAtFailure: true, Paths: leastprivilege.OptInPaths,
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range res.Denied {
				if len(res.Failed) > 0 && leastprivilege.Names(c, g.Action) && strings.Contains(c.CallerARN, ":assumed-role/"+memberRoleNames[g.Role]+"/") {
					return
				}
			}
			t.Fatalf("without %s: no path failed on an AccessDenied naming it as %s:\n%s", g.Action, memberRoleNames[g.Role], res)
		})
	}
	if proven != 2 {
		t.Errorf("LandfallProvisioner has %d account: grants, want GetRegionOptStatus and EnableRegion", proven)
	}
	if body := jsonOf(memberRolesFor(t).props(t, "MemberRoles")); strings.Contains(body, "account:GetRegionOptStatus") || strings.Contains(body, "account:EnableRegion") {
		t.Error("the member roles of a plan without opt-in regions grant account: actions")
	}
}
