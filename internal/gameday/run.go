package gameday

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/plan"
)

// OnFailureQueue is the launch function's on-failure destination in the
// emulated management account, as the stack deploys one (the launch
// failure queue): where an event goes after Lambda's asynchronous retries.
const OnFailureQueue = "landfall-launch-failures"

// Result is what one scenario did: its row, why any invariant or
// expectation failed, and the evidence to read when one did.
type Result struct {
	Row Row
	// Problems lists every broken invariant and unmet expectation, each
	// precisely (run, target, what the emulator shows, the functions' last
	// log lines about it).
	Problems []string
}

// play is a scenario being played: its emulator, functions and what has
// been seen so far.
type play struct {
	sc        Scenario
	world     *localaws.World
	env       *localrun.Env
	truth     *truth
	logs      *logTail
	artifacts map[string][]string // region -> every artifact ID of its catalog

	mu sync.Mutex
	// events are the runs the scenario's events must have made, by run ID,
	// with their account: a run that appears nowhere else is lost too.
	events map[string]string
	// deliveries counts the worker's deliveries per run and step.
	deliveries map[string]int
}

// Run plays sc on a fresh emulator and measures it.
func Run(ctx context.Context, sc Scenario) (*Result, error) {
	p, err := setUp(ctx, sc)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	began, emuBegan := time.Now(), p.env.Clock.Now()
	if err := p.env.Cloud.Faults().Set(sc.Faults); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	// A fresh slice: scenarios share step lists.
	for _, s := range slices.Concat(sc.Steps, []Step{Drain()}) {
		if err := s.do(ctx, p); err != nil {
			return nil, fmt.Errorf("scenario %s: %s: %w", sc.Name, s, err)
		}
	}
	wall, emulated := time.Since(began), p.env.Clock.Now().Sub(emuBegan)
	// What is left is measured without faults: the observer is not on trial.
	if err := p.env.Cloud.Faults().Set(nil); err != nil {
		return nil, fmt.Errorf("scenario %s: clear faults: %w", sc.Name, err)
	}
	res, err := p.measure(ctx)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	res.Row.Emulated, res.Row.Wall = emulated, wall
	return res, nil
}

// setUp builds the scenario's world, plan, emulator and functions.
func setUp(ctx context.Context, sc Scenario) (*play, error) {
	w, err := localaws.DefaultWorld()
	if err != nil {
		return nil, err
	}
	mgmt, home := w.Organization.ManagementAccount, w.Organization.HomeRegion
	w.SQS.Queues = append(w.SQS.Queues, queues.QueueSpec{Account: mgmt, Region: home, Name: OnFailureQueue})
	if sc.World != nil {
		sc.World(w)
	}
	pl, err := examplePlan(sc.Plan)
	if err != nil {
		return nil, err
	}
	cloud, err := localaws.New(w, localaws.Options{Clock: clock.NewManual(w.Start)})
	if err != nil {
		return nil, fmt.Errorf("start the local AWS: %w", err)
	}
	p := &play{sc: sc, world: w, logs: &logTail{}, deliveries: map[string]int{}, events: map[string]string{}, artifacts: map[string][]string{}}
	for _, r := range w.Catalog.Regions {
		for _, prod := range r.Products {
			for _, a := range prod.Artifacts {
				p.artifacts[r.Region] = append(p.artifacts[r.Region], a.ID)
			}
		}
	}
	logger := slog.New(slog.NewTextHandler(p.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	p.env, err = localrun.AttachWith(ctx, cloud, pl, localrun.Options{
		Logger:          logger,
		LaunchOnFailure: fmt.Sprintf("arn:aws:sqs:%s:%s:%s", home, mgmt, OnFailureQueue),
	})
	if err != nil {
		return nil, err
	}
	p.truth = &truth{p: p}
	cloud.Topics().OnPublish(p.truth.observe)
	p.env.Story = p.story
	return p, nil
}

// examplePlan is the example plan, edited.
func examplePlan(edit func(string) string) (*plan.Plan, error) {
	text := string(plan.Example())
	if edit != nil {
		text = edit(text)
	}
	pl, err := plan.Parse([]byte(text), "gameday-plan.yaml")
	if err != nil {
		return nil, fmt.Errorf("the scenario's plan: %w", err)
	}
	return pl, nil
}

// story counts the worker's deliveries per run step from localrun's story
// (one line per delivery): a step delivered twice is a redelivery.
func (p *play) story(format string, args ...any) {
	if !strings.Contains(format, "worker: run %s step %d") || len(args) < 3 {
		return
	}
	key := fmt.Sprintf("%v#%v", args[1], args[2])
	p.mu.Lock()
	defer p.mu.Unlock()
	p.deliveries[key]++
}

func (p *play) drain(ctx context.Context) error {
	return p.env.DrainConcurrently(ctx, cmp.Or(p.sc.Parallel, 5))
}

// delivered notes that an event for account, whose run is runID, reached
// the launch function.
func (p *play) delivered(runID, account string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events[runID] = account
}

func (p *play) workQueueARN() string {
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", p.world.Organization.HomeRegion, p.world.Organization.ManagementAccount, localrun.QueueName)
}

// queueURL is the URL of the management account's queue name in the home region.
func (p *play) queueURL(name string) string {
	return strings.TrimSuffix(p.env.Config.QueueURL, localrun.QueueName) + name
}
