package provision

import (
	"testing"
	"time"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

func TestNextCheck(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name     string
		age      time.Duration // of the record when it is read
		expected time.Duration
		want     time.Duration // from the record's start
	}{
		{"hint, just started: just after the expected end", 0, 12 * m, 12*m + checkMargin},
		{"hint, adopted mid-way: still the expected end", 5 * m, 12 * m, 12*m + checkMargin},
		{"hint, read at the expected end: short interval", 12 * m, 12 * m, 12*m + 90*time.Second},
		{"hint, short product overrunning: lateInterval at least", 90 * time.Second, m, 90*time.Second + lateInterval},
		{"hint, long overrun: capped", 4 * time.Hour, 2 * m, 4*time.Hour + maxCheckWait},
		{"no hint, just started", 0, 0, firstCheck},
		{"no hint, after the first read", m, 0, 3 * m},
		{"no hint, after 7 minutes", 7 * m, 0, 15 * m},
		{"no hint, long: capped", 20 * m, 0, 35 * m},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nextCheck(t0, t0.Add(tt.age), tt.expected).Sub(t0); got != tt.want {
				t.Errorf("nextCheck at %s with hint %s = start+%s, want start+%s", tt.age, tt.expected, got, tt.want)
			}
		})
	}
	if got := nextCheck(time.Time{}, t0, 0); got != t0.Add(maxCheckWait) {
		t.Errorf("nextCheck from a zero start = %s, want now+%s (no overflow)", got, maxCheckWait)
	}
}

func TestNextLook(t *testing.T) {
	const idle = 2 * time.Minute
	running := func(key string, next time.Time) runstate.Target {
		tg := runningTarget(key, "rec-"+key)
		tg.NextCheck = next
		return tg
	}
	tests := []struct {
		name    string
		targets []runstate.Target
		want    time.Duration
	}{
		{"nothing runs: idle backoff", []runstate.Target{pendingTarget(ue1, vpc)}, idle},
		{"earliest due record, rounded up to seconds", []runstate.Target{
			running(vpc, t0.Add(10*time.Minute+300*time.Millisecond)), running(audit, t0.Add(20*time.Minute)),
		}, 10*time.Minute + time.Second},
		{"beyond the idle backoff when nothing can start", []runstate.Target{
			running(vpc, t0.Add(10*time.Minute)), pendingTarget(ue1, audit), // audit waits for vpc
		}, 10 * time.Minute},
		{"a target that could start but waits: the sooner", []runstate.Target{
			running(vpc, t0.Add(10*time.Minute)), pendingTarget(uw1, vpc),
		}, idle},
		{"a due record left unread (old message, throttled): idle backoff", []runstate.Target{
			running(vpc, time.Time{}), running(audit, t0.Add(10*time.Minute)),
		}, idle},
	}
	e := &Engine{Plan: stepTestPlan(t)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.NextLook(testRun(runstate.TriggerCreate, tt.targets...), t0, idle); got != tt.want {
				t.Errorf("NextLook = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestReadyReadsARecordOncePerAdvance(t *testing.T) {
	clock := &fakeClock{now: t0}
	e := &Engine{Plan: stepTestPlan(t), Now: clock.Now}
	notDue := runningTarget(audit, "rec-audit")
	notDue.NextCheck = t0.Add(time.Minute)
	run := testRun(runstate.TriggerCreate, runningTarget(vpc, "rec-vpc"), notDue)
	polled := map[string]bool{}
	if got := e.ready(run, polled); len(got) != 1 || got[0] != 0 {
		t.Fatalf("first pass: ready = %v, want only the due record [0]", got)
	}
	clock.now = t0.Add(time.Hour) // both due now, as after a long in-step wait
	if got := e.ready(run, polled); len(got) != 1 || got[0] != 1 {
		t.Errorf("second pass: ready = %v, want [1]: rec-vpc was read in this Advance already", got)
	}
}

func TestLaunchSchedulesTheFirstRead(t *testing.T) {
	clock := &fakeClock{now: t0}
	e := &Engine{Plan: stepTestPlan(t), Now: clock.Now}
	run := testRun(runstate.TriggerCreate, pendingTarget(ue1, vpc))
	s := e.step(run, &run.Targets[0], testRoleARN, newScripted(t), nil)
	s.follow("rec-1")
	if tg := run.Targets[0]; !tg.RecordStarted.Equal(t0) || !tg.NextCheck.IsZero() {
		t.Errorf("adopted: started %s, next check %s; want t0 and at once", tg.RecordStarted, tg.NextCheck)
	}
	s.schedule(false)
	if got := run.Targets[0].NextCheck; !got.Equal(t0.Add(firstCheck)) {
		t.Errorf("started without a hint: next check %s, want t0+%s", got, firstCheck)
	}
}

// TestObservedDurationsTimeTheFirstRead: without a plan hint the first read
// of a record waits for what the product took before in that region; the
// plan's expectedDuration wins over it.
func TestObservedDurationsTimeTheFirstRead(t *testing.T) {
	pl, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	observed := func(region, product string) time.Duration {
		if region == "us-west-2" && product == "baseline-vpc" {
			return 7 * time.Minute
		}
		return 0
	}
	e := &Engine{Plan: pl, Observed: observed}
	for _, tt := range []struct {
		region string
		hint   time.Duration
		want   time.Duration
	}{
		{"us-west-2", 0, 7 * time.Minute},
		{"us-east-1", 0, 0},
		{"us-west-2", 3 * time.Minute, 3 * time.Minute},
	} {
		p, _ := pl.Product("baseline-vpc")
		p.ExpectedDuration = tt.hint
		s := &targetStep{e: e, t: &runstate.Target{Region: tt.region, Product: "baseline-vpc"}}
		if got := s.expected(false); got != tt.want {
			t.Errorf("%s with hint %s: expected %s, want %s", tt.region, tt.hint, got, tt.want)
		}
	}
}
