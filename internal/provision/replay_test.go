package provision

import (
	"context"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/preflight"
	"github.com/landfall/landfall/internal/runstate"
)

// replayWorld is the default emulated organization with the example plan,
// and the engine the worker would run on it, the real SDK clients included.
type replayWorld struct {
	engine   *Engine
	sessions *Sessions
	clock    *clock.Manual
}

func newReplayWorld(t *testing.T) *replayWorld {
	t.Helper()
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	cloud, err := localaws.New(w, localaws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk, ok := cloud.ManualClock()
	if !ok {
		t.Fatal("the emulator runs on a wall clock")
	}
	pl, err := plan.Parse(plan.Example(), "example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mgmt := cloud.Config("us-east-1", nil)
	return &replayWorld{
		engine: &Engine{
			Plan:     pl,
			Products: &preflight.CatalogCheck{Plan: pl, Catalogs: preflight.NewCatalogs(mgmt)},
			Now:      clk.Now,
			Sleep:    func(_ context.Context, d time.Duration) error { clk.Advance(d); return nil },
		},
		sessions: &Sessions{Base: mgmt, RoleName: pl.ExecutionRoleName, Now: clk.Now},
		clock:    clk,
	}
}

// queued is the message the launch function queues for a run of id: the
// baseline VPC in us-east-1 for LifeCycle1, encoded as it travels.
func (w *replayWorld) queued(t *testing.T, id string) []byte {
	t.Helper()
	body, err := runstate.Encode(&runstate.Run{
		Schema: runstate.SchemaVersion, ID: id, Trigger: runstate.TriggerCreate, EventID: "evt-" + id, StartedAt: w.clock.Now(),
		Account: plan.Account{ID: "222222222222", Name: "LifeCycle1", OU: plan.OU{ID: "ou-ab12-l3zc8b3h", Name: "Custom"}},
		Targets: []runstate.Target{{Region: "us-east-1", Product: "baseline-vpc", Status: runstate.Pending}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// step is one worker invocation on a delivered message body: decode it,
// advance it once, return the run it would send onward.
func (w *replayWorld) step(t *testing.T, body []byte) *runstate.Run {
	t.Helper()
	run, err := runstate.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	w.advance(t, run)
	return run
}

func (w *replayWorld) advance(t *testing.T, run *runstate.Run) {
	t.Helper()
	roleARN, cats, err := w.sessions.Open(t.Context(), run.Account.ID, SessionName(run.ID))
	if err != nil {
		t.Fatal(err)
	}
	w.engine.Advance(t.Context(), run, roleARN, cats)
}

// finish advances run, a minute of emulated time between steps (the
// continuation delay), until every target is final.
func (w *replayWorld) finish(t *testing.T, run *runstate.Run) *runstate.Target {
	t.Helper()
	for range 60 {
		if run.Complete() {
			return &run.Targets[0]
		}
		w.clock.Advance(time.Minute)
		w.advance(t, run)
	}
	t.Fatalf("run %s not complete after an hour: %+v", run.ID, run.Targets)
	return nil
}

func encode(t *testing.T, run *runstate.Run) []byte {
	t.Helper()
	body, err := runstate.Encode(run)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// TestReplayedStepReportsItsOwnLaunch: the worker's message is delivered
// twice (or a step is replayed after its continuation was lost), so a step
// runs again from the state before it launched the product. The product it
// finds is the one this run launched: SUCCEEDED with that launch's record,
// not ALREADY_PROVISIONED, and nothing is launched twice.
func TestReplayedStepReportsItsOwnLaunch(t *testing.T) {
	t.Run("replayed after the launch finished", func(t *testing.T) {
		w := newReplayWorld(t)
		first := w.queued(t, "ct-replay-1")
		launched := w.step(t, first)
		if tg := launched.Targets[0]; tg.Status != runstate.InProgress || tg.RecordID == "" {
			t.Fatalf("the first step must launch the product: %+v", tg)
		}
		done := w.finish(t, launched)
		if done.Status != runstate.Succeeded {
			t.Fatalf("the first delivery ends %s: %+v", done.Status, done)
		}

		// The first message again, with the product AVAILABLE since.
		again := w.step(t, first)
		got := w.finish(t, again)
		if got.Status != runstate.Succeeded || got.RecordID != done.RecordID || got.ProvisionedProductID != done.ProvisionedProductID {
			t.Errorf("replayed step: %s record %q product %q, want SUCCEEDED record %q product %q (error %q, note %q)",
				got.Status, got.RecordID, got.ProvisionedProductID, done.RecordID, done.ProvisionedProductID, got.Error, got.Note)
		}
		if got.Note != "" {
			t.Errorf("note %q: the run's own launch needs no remark", got.Note)
		}

		// Another run finds the same product: it was there before that run.
		other := w.finish(t, w.step(t, w.queued(t, "ct-replay-2")))
		if other.Status != runstate.AlreadyProvisioned {
			t.Errorf("another run: %s, want ALREADY_PROVISIONED", other.Status)
		}
	})

	t.Run("replayed while the launch runs", func(t *testing.T) {
		w := newReplayWorld(t)
		first := w.queued(t, "ct-replay-3")
		launched := w.step(t, first)
		w.clock.Advance(30 * time.Second)
		again := w.step(t, first)
		if tg := again.Targets[0]; tg.Status != runstate.InProgress || tg.RecordID != launched.Targets[0].RecordID {
			t.Fatalf("the replayed step must follow the launch's record %s: %+v", launched.Targets[0].RecordID, tg)
		}
		if got := w.finish(t, again); got.Status != runstate.Succeeded || got.Note != "" {
			t.Errorf("replayed step: %s, note %q; want SUCCEEDED without an adoption note: it is this run's own launch", got.Status, got.Note)
		}
	})

	t.Run("replayed from a continuation", func(t *testing.T) {
		// The continuation sent after the launch is delivered twice: the
		// second copy polls a record that already succeeded.
		w := newReplayWorld(t)
		launched := w.step(t, w.queued(t, "ct-replay-4"))
		cont := encode(t, launched)
		w.clock.Advance(10 * time.Minute)
		a, b := w.step(t, cont), w.step(t, cont)
		for _, run := range []*runstate.Run{a, b} {
			if got := w.finish(t, run); got.Status != runstate.Succeeded {
				t.Errorf("continuation: %s, want SUCCEEDED", got.Status)
			}
		}
	})
}
