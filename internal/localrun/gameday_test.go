package localrun

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/faults"
)

// TestOrganizationsThrottleBackoff: under an Organizations throttle of one
// call a second, a backfill succeeds through the SDK's retries, because the
// functions' retry backoff waits on the emulated clock (and the bucket
// refills) instead of retrying in the same instant.
func TestOrganizationsThrottleBackoff(t *testing.T) {
	tests := []struct {
		name string
		rule faults.Rule
	}{
		{"per operation", faults.Rule{Service: "organizations", Throttle: &faults.Throttle{Rate: 1, Burst: 1}}},
		{"one bucket for every operation", faults.Rule{Service: "organizations", Throttle: &faults.Throttle{Rate: 1, Burst: 1, Shared: true}}},
	}
	const accounts = 12
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, setup{world: func(w *localaws.World) {
				addFleet(w, accounts, nil)
				w.Faults = append(w.Faults, tt.rule)
			}})
			ctx := context.Background()
			began := env.Clock.Now()
			inv := env.InvokeLaunch(ctx, Payload{Name: "backfill", Body: backfillFleet})
			if inv.Error != "" || inv.Response.Outcome != launch.OutcomeQueued || len(inv.Response.Queued) != accounts {
				t.Fatalf("backfill = %+v", inv)
			}
			if waited := env.Clock.Now().Sub(began); waited <= 0 {
				t.Error("the launch did not move the clock: its retries did not back off on it")
			} else {
				t.Logf("the launch backed off %v of emulated time", waited)
			}
			if n := errorCount(env, "organizations.", "ThrottlingException"); n == 0 {
				t.Error("Organizations never throttled: the test proves nothing")
			}
			if err := env.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			runs := env.Finished()
			if len(runs) != accounts {
				t.Fatalf("%d runs finished, want %d", len(runs), accounts)
			}
			for _, r := range runs {
				if r.Outcome() != "SUCCEEDED" {
					t.Errorf("run %s: %s %v", r.ID, r.Outcome(), r.Counts())
				}
			}
		})
	}
}

// errorCount counts the calls whose key starts with prefix that answered
// code.
func errorCount(env *Env, prefix, code string) int {
	n := 0
	for _, c := range env.Cloud.Calls().Records() {
		if strings.HasPrefix(c.Key, prefix) && c.ErrorCode == code {
			n++
		}
	}
	return n
}

// TestAtLeastOnceDelivery: the work queue delivers a message again when
// its delete fails, or when SQS hands out a duplicate; the drain goes on as
// Lambda's event source does, and every target is provisioned once.
func TestAtLeastOnceDelivery(t *testing.T) {
	tests := []struct {
		name string
		rule faults.Rule
		// wantStory is a line the story must tell; wantAgain says whether
		// a worker step is delivered more than once.
		wantStory string
		wantAgain bool
	}{
		{
			"delete fails for two minutes",
			faults.Rule{Service: "sqs", Operation: "DeleteMessage", ErrorRate: 1, Until: 2 * time.Minute},
			"(InternalFailure); it comes back after the queue's visibility timeout", true,
		},
		{"duplicate deliveries", faults.Rule{Service: "sqs", Operation: "ReceiveMessage", DuplicateRate: 0.5, Seed: 3}, "", true},
		{"lost delete answers are retried", faults.Rule{Service: "sqs", Operation: "DeleteMessage", LoseResponseRate: 0.5, LoseResponseAs: faults.LoseAsTimeout, Seed: 2}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, setup{})
			story := tellTo(env)
			if err := env.Cloud.Faults().Add(tt.rule); err != nil {
				t.Fatal(err)
			}
			res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
			told := story()
			if tt.wantStory != "" && !strings.Contains(told, tt.wantStory) {
				t.Errorf("the story never says %q:\n%s", tt.wantStory, told)
			}
			if again := stepsDeliveredAgain(told); again != tt.wantAgain {
				t.Errorf("a step delivered again: %v, want %v:\n%s", again, tt.wantAgain, told)
			}
			// However often a step comes, every run the worker finishes
			// ends well (a step run again finds its products provisioned),
			// and each product is provisioned once.
			if len(res.Runs) == 0 {
				t.Fatal("no run finished")
			}
			for _, r := range env.Finished() {
				if r.Outcome() != "SUCCEEDED" {
					t.Errorf("run %s step %d: %s %v", r.ID, r.Step, r.Outcome(), r.Counts())
				}
			}
			for k, n := range provisioned(env, lifeCycle1) {
				if n != 1 {
					t.Errorf("%s provisioned %d times", k, n)
				}
			}
		})
	}
}

// tellTo collects env's story; the returned function reads it.
func tellTo(env *Env) func() string {
	var mu sync.Mutex
	var b strings.Builder
	env.Story = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&b, format+"\n", args...)
	}
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return b.String()
	}
}

// stepsDeliveredAgain tells whether the story shows a worker step (a run ID
// and step number) delivered more than once.
func stepsDeliveredAgain(story string) bool {
	seen := map[string]bool{}
	for line := range strings.SplitSeq(story, "\n") {
		_, step, ok := strings.Cut(line, " worker: run ")
		if !ok {
			continue
		}
		step, _, _ = strings.Cut(step, ":")
		if seen[step] {
			return true
		}
		seen[step] = true
	}
	return false
}
