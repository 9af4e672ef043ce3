package stack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/leastprivilege"
	"github.com/landfall/landfall/internal/localaws/deploy"
	"github.com/landfall/landfall/internal/plan"
)

// proofStack is the default stack as the least-privilege proof runs it.
func proofStack(t *testing.T, s *synthesized) leastprivilege.Stack {
	t.Helper()
	doc, err := json.Marshal(s.doc)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Load(s.stack.Config.PlanFile)
	if err != nil {
		t.Fatal(err)
	}
	launch, _ := s.resource(t, "LaunchFunction")
	worker, _ := s.resource(t, "WorkerFunction")
	return leastprivilege.Stack{Template: doc, Name: s.stack.Config.StackName, LaunchFunction: launch, WorkerFunction: worker, Plan: pl}
}

// TestSynthesizedPoliciesRunEveryPath runs the event, a backfill, a dry run,
// fleet status and a failed event on the local AWS with each function as its
// synthesized role, under the synthesized queue, topic and key policies.
func TestSynthesizedPoliciesRunEveryPath(t *testing.T) {
	res, err := leastprivilege.Run(t.Context(), proofStack(t, stackFor(t)), leastprivilege.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("under the synthesized policies:\n%s", res)
	}
}

// unproven are grants the local AWS cannot exercise, with why. The list is
// exact: a grant missing from the template, or a new one the emulator
// cannot prove, fails the test.
var unproven = map[string]string{
	"logs:CreateLogStream": "Lambda writes the function's logs to CloudWatch Logs as its role; CloudWatch Logs is not emulated",
	"logs:PutLogEvents":    "Lambda writes the function's logs to CloudWatch Logs as its role; CloudWatch Logs is not emulated",
}

// TestEveryGrantIsNeeded takes each action the functions' roles are granted
// away, one at a time, and expects some path to fail with an AccessDenied
// naming that action, called as that role.
func TestEveryGrantIsNeeded(t *testing.T) {
	s := stackFor(t)
	st := proofStack(t, s)
	d, err := deploy.Load(st.Template, deploy.Target{StackName: st.Name, Account: testAccount, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	launchRole, _ := s.resource(t, "LaunchRole")
	workerRole, _ := s.resource(t, "WorkerRole")
	grants, err := leastprivilege.Grants(d, launchRole, workerRole)
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]bool{}
	for _, g := range grants {
		if why, ok := unproven[g.Action]; ok {
			skipped[g.Action] = true
			t.Logf("%s: not proven here: %s", g, why)
			continue
		}
		t.Run(g.String(), func(t *testing.T) {
			res, err := leastprivilege.Run(t.Context(), st, leastprivilege.Options{Edit: leastprivilege.Without(g), StopAtFailure: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Failed) == 0 {
				t.Fatalf("every path succeeded without %s: the grant is not needed", g.Action)
			}
			role, _ := d.Role(g.Role)
			for _, c := range res.Denied {
				if leastprivilege.Names(c, g.Action) && strings.Contains(c.CallerARN, ":assumed-role/"+role.Name+"/") {
					return
				}
			}
			t.Fatalf("paths failed, but no AccessDenied named %s for %s:\n%s", g.Action, role.Name, res)
		})
	}
	for action := range unproven {
		if !skipped[action] {
			t.Errorf("unproven lists %s, which no function role is granted: remove it", action)
		}
	}
}
