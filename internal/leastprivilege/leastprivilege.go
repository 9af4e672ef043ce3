// Package leastprivilege proves a deployment's grants on the local AWS,
// which evaluates IAM: it puts a synthesized CloudFormation template's roles,
// queue, topic and key policies and run ledger table into a world, runs
// Landfall's paths with each function as its own execution role, and, one
// granted action at a time, shows that taking the action away makes some
// path fail with an AccessDenied naming it. Pinned policy statements only
// show what the template says; this shows the template is what the code
// needs.
package leastprivilege

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/deploy"
	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/plan"
)

// Stack is a synthesized Landfall stack and what the proof needs to know of it.
type Stack struct {
	// Template is the synthesized template (JSON).
	Template []byte
	// Name is the stack's name; physical names start with it.
	Name string
	// LaunchFunction and WorkerFunction are the functions' logical IDs.
	LaunchFunction, WorkerFunction string
	// Plan is the plan the stack deploys.
	Plan *plan.Plan
	// World builds the world the stack is deployed into; nil means the
	// default world with one product slower than a worker invocation. Its
	// management account and home region are where the stack goes.
	World func() (*localaws.World, error)
}

// Deployed is a Stack running on the local AWS.
type Deployed struct {
	Cloud      *localaws.Cloud
	Env        *localrun.Env
	Deployment *deploy.Deployment
	// Launch and Worker are the functions' execution role sessions.
	Launch, Worker aws.CredentialsProvider

	launchOnFailure string
}

// Deploy loads s's template, applies edit to what it creates (nil for none),
// puts it into a new world and wires both functions onto it as their roles,
// with their deployed environment.
func Deploy(ctx context.Context, s Stack, edit func(*deploy.Deployment) error) (*Deployed, error) {
	newWorld := s.World
	if newWorld == nil {
		newWorld = provingWorld
	}
	w, err := newWorld()
	if err != nil {
		return nil, fmt.Errorf("deploy %s: %w", s.Name, err)
	}
	d, err := deploy.Load(s.Template, deploy.Target{StackName: s.Name, Account: w.Organization.ManagementAccount, Region: w.Organization.HomeRegion})
	if err != nil {
		return nil, fmt.Errorf("deploy %s: %w", s.Name, err)
	}
	if edit != nil {
		if err := edit(d); err != nil {
			return nil, err
		}
	}
	if err := d.Into(w); err != nil {
		return nil, err
	}
	// Auto-deployment has put each StackSet's stack in every target account
	// by the time an event for it arrives (the worker waits for a role that
	// is not there yet, see the README).
	for _, set := range d.StackSets {
		if err := set.Into(w, set.Accounts(w), w.Organization.HomeRegion); err != nil {
			return nil, err
		}
	}
	launch, lok := d.Function(s.LaunchFunction)
	worker, wok := d.Function(s.WorkerFunction)
	if !lok || !wok {
		return nil, fmt.Errorf("deploy %s: the template has no function %q or %q", s.Name, s.LaunchFunction, s.WorkerFunction)
	}
	cloud, err := localaws.New(w, localaws.Options{Clock: clock.NewManual(w.Start)})
	if err != nil {
		return nil, fmt.Errorf("deploy %s: %w", s.Name, err)
	}
	out := &Deployed{Cloud: cloud, Deployment: d, launchOnFailure: launch.OnFailure}
	if out.Launch, err = cloud.RoleCredentials(launch.Role, launch.Name); err != nil {
		return nil, fmt.Errorf("launch function's role: %w", err)
	}
	if out.Worker, err = cloud.RoleCredentials(worker.Role, worker.Name); err != nil {
		return nil, fmt.Errorf("worker function's role: %w", err)
	}
	retries := launch.AsyncRetries
	out.Env, err = localrun.AttachWith(ctx, cloud, s.Plan, localrun.Options{
		LaunchRole: out.Launch, WorkerRole: out.Worker,
		Env: launch.Env, WorkerEnv: worker.Env,
		LaunchOnFailure: launch.OnFailure, LaunchAsyncRetries: &retries,
		LaunchName: launch.Name, WorkerName: worker.Name,
	})
	if err != nil {
		// The deployment itself failed (a mapping Lambda could not create):
		// the cloud is kept, so its call log shows why.
		return out, fmt.Errorf("deploy %s: %w", s.Name, err)
	}
	return out, nil
}

// Result is what running the paths found.
type Result struct {
	// Failed holds each path that did not end as it should, with why.
	Failed map[string]error
	// Denied are the calls refused for lack of permission, in order.
	Denied []wire.Call
}

// OK reports whether every path succeeded without a single denied call.
func (r *Result) OK() bool { return len(r.Failed) == 0 && len(r.Denied) == 0 }

func (r *Result) String() string {
	var b strings.Builder
	for name, err := range r.Failed {
		fmt.Fprintf(&b, "path %s: %v\n", name, err)
	}
	for _, c := range r.Denied {
		fmt.Fprintf(&b, "denied %s as %s: %s\n", c.Key, c.CallerARN, c.ErrorMessage)
	}
	return b.String()
}

// Options changes a Run.
type Options struct {
	// Edit changes the deployment before it is put into the world, e.g.
	// Without a grant.
	Edit func(*deploy.Deployment) error
	// StopAtFailure ends the run at the first path that fails, for proofs
	// that only need to see one.
	StopAtFailure bool
	// Paths are the paths to run, in order; nil runs Paths.
	Paths []Path
}

// Run deploys s and runs the paths (o.Paths, or Paths) in order, each on
// the world the previous ones left, as a deployment lives.
func Run(ctx context.Context, s Stack, o Options) (*Result, error) {
	dep, err := Deploy(ctx, s, o.Edit)
	if dep == nil || dep.Cloud == nil {
		return nil, err
	}
	if err != nil {
		// The deployment failed in the cloud (Lambda could not create the
		// worker's mapping): that is what the run found, with its denials.
		failed := &Result{Failed: map[string]error{"deploy": err}, Denied: denied(dep.Cloud.Calls().Failed())}
		return failed, nil //nolint:nilerr // a failed deployment is a result, not an error of Run
	}
	paths := o.Paths
	if paths == nil {
		paths = Paths
	}
	res := &Result{Failed: map[string]error{}}
	for _, p := range paths {
		if o.StopAtFailure && len(res.Failed) > 0 {
			break
		}
		if perr := runPath(ctx, dep, p); perr != nil {
			res.Failed[p.Name] = perr
		}
	}
	res.Denied = denied(dep.Cloud.Calls().Failed())
	return res, nil
}

// runPath runs one path. Landfall retries what AWS refuses, so a path may
// still end well after an AccessDenied: an installation that logs one is
// broken all the same, so the path failed.
func runPath(ctx context.Context, dep *Deployed, p Path) error {
	seen := len(denied(dep.Cloud.Calls().Failed()))
	err := p.Run(ctx, dep)
	if met := denied(dep.Cloud.Calls().Failed())[seen:]; err == nil && len(met) > 0 {
		err = fmt.Errorf("met %d AccessDenied, the first: %s: %s", len(met), met[0].Key, met[0].ErrorMessage)
	}
	return err
}

// denied picks the calls IAM or KMS refused.
func denied(calls []wire.Call) []wire.Call {
	var out []wire.Call
	for _, c := range calls {
		if isDenial(c.ErrorCode) {
			out = append(out, c)
		}
	}
	return out
}

func isDenial(code string) bool {
	switch code {
	case "AccessDenied", "AccessDeniedException", "AuthorizationError", "KmsAccessDenied", "KMSAccessDenied":
		return true
	}
	return false
}

// Names reports whether the denial names action: AWS's message says
// "is not authorized to perform: <action>".
func Names(c wire.Call, action string) bool {
	return strings.Contains(strings.ToLower(c.ErrorMessage), "perform: "+strings.ToLower(action)+" ") ||
		strings.HasSuffix(strings.ToLower(c.ErrorMessage), "perform: "+strings.ToLower(action))
}
