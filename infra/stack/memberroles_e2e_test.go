package stack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/landfall/landfall/infra/landfall"
	"github.com/landfall/landfall/internal/leastprivilege"
	"github.com/landfall/landfall/internal/localaws/deploy"
)

// The member roles end to end: the stack synthesized with
// landfall:memberRoles deployed on the local AWS, its StackSet's roles in
// every member account, and Landfall run with each function as its own role
// assuming its own member role.

// memberRoleNames are the names of the StackSet template's roles, by
// logical ID.
var memberRoleNames = map[string]string{"Provisioner": landfall.ProvisionerRoleName, "Reader": landfall.ReaderRoleName}

// TestMemberRolesRunEveryPath runs every path, with the member roles'
// own (updates, replacements, dry runs and status before and after the
// runs), under the synthesized policies: no call is denied, and every call
// in a member account is made as the function's own member role.
func TestMemberRolesRunEveryPath(t *testing.T) {
	st := proofStack(t, memberRolesFor(t))
	paths := append(slices.Clone(leastprivilege.MemberPaths), leastprivilege.Path{Name: "member calls", Run: memberCallsAsOwnRoles})
	res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{Paths: paths})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("with member roles:\n%s", res)
	}
}

// memberCallsAsOwnRoles checks the calls the paths made: every call in a
// member account is made as LandfallProvisioner or LandfallReader, both are
// used, and LandfallReader only reads.
func memberCallsAsOwnRoles(_ context.Context, d *leastprivilege.Deployed) error {
	used := map[string]int{}
	for _, c := range d.Cloud.Calls().Records() {
		if c.Account == testAccount || c.Account == "" {
			continue
		}
		role := ""
		for _, name := range memberRoleNames {
			if strings.Contains(c.CallerARN, ":assumed-role/"+name+"/") {
				role = name
			}
		}
		switch {
		case role == "":
			return fmt.Errorf("%s in %s as %s, not a member role", c.Key, c.Account, c.CallerARN)
		case role == landfall.ReaderRoleName && !strings.HasPrefix(c.Operation, "Describe") && !strings.HasPrefix(c.Operation, "Search"):
			return fmt.Errorf("%s in %s as %s, which only reads", c.Key, c.Account, c.CallerARN)
		}
		used[role]++
	}
	if len(used) != len(memberRoleNames) {
		return fmt.Errorf("calls in member accounts by role: %v; want both member roles used", used)
	}
	return nil
}

// TestMemberRolesWorkerAssociatesReader: with member roles only the worker
// is told the reader's name, which it associates with the portfolios it
// opens; without them neither function is.
func TestMemberRolesWorkerAssociatesReader(t *testing.T) {
	for _, tt := range []struct {
		name   string
		s      *synthesized
		worker string
	}{
		{"member roles", memberRolesFor(t), landfall.ReaderRoleName},
		{"default", stackFor(t), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for fn, want := range map[string]string{"WorkerFunction": tt.worker, "LaunchFunction": ""} {
				env := tt.s.props(t, fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
				if got, _ := env[landfall.EnvReaderRoleName].(string); got != want {
					t.Errorf("%s %s = %q, want %q", fn, landfall.EnvReaderRoleName, got, want)
				}
			}
		})
	}
}

// unprovenMember are member role grants the local AWS cannot exercise, with
// why. The list is exact, as unproven is.
var unprovenMember = map[string]string{}

// TestMemberRolesEveryGrantIsNeeded takes each action of LandfallProvisioner
// and LandfallReader out of the StackSet's template, one at a time, and
// expects some path to fail with an AccessDenied naming it, called as that
// member role.
func TestMemberRolesEveryGrantIsNeeded(t *testing.T) {
	s := memberRolesFor(t)
	st := proofStack(t, s)
	stackSet, _ := s.resource(t, "MemberRoles")
	d, err := deploy.Load(st.Template, deploy.Target{StackName: st.Name, Account: testAccount, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	grants, err := leastprivilege.StackSetGrants(d, stackSet, "Provisioner", "Reader")
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]bool{}
	for _, g := range grants {
		if why, ok := unprovenMember[g.Action]; ok {
			skipped[g.Action] = true
			t.Logf("%s: not proven here: %s", g, why)
			continue
		}
		t.Run(g.String(), func(t *testing.T) {
			res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{
				Edit: leastprivilege.StackSetWithout(stackSet, g), StopAtFailure: true, Paths: leastprivilege.MemberPaths,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Failed) == 0 {
				t.Fatalf("every path succeeded without %s: the grant is not needed", g.Action)
			}
			for _, c := range res.Denied {
				if leastprivilege.Names(c, g.Action) && strings.Contains(c.CallerARN, ":assumed-role/"+memberRoleNames[g.Role]+"/") {
					return
				}
			}
			t.Fatalf("paths failed, but no AccessDenied named %s for %s:\n%s", g.Action, memberRoleNames[g.Role], res)
		})
	}
	for action := range unprovenMember {
		if !skipped[action] {
			t.Errorf("unprovenMember lists %s, which no member role is granted: remove it", action)
		}
	}
}
