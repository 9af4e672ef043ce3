package provision

import (
	"time"

	"github.com/landfall/landfall/internal/runstate"
)

// When records are read. A record is read just after it is expected to end
// (the plan's expectedDuration from its start, plus checkMargin), then every
// lateInterval or an eighth of its age, whichever is longer, so a record
// that overruns its hint is still seen finished within about an eighth of
// its duration. Without a hint a record is first read firstCheck after it
// started, then each time it has run as long again plus firstCheck, at most
// maxCheckWait apart (1, 3, 7, 15, 30, 45 minutes...): half as often as the
// idle backoff would.
const (
	checkMargin  = 5 * time.Second
	lateInterval = 15 * time.Second
	firstCheck   = time.Minute
	// maxCheckWait is the longest wait between two reads, SQS's longest delay.
	maxCheckWait = 15 * time.Minute
	// dueSlack makes a record due a little early, so that records started
	// seconds apart in one step are read together in one later step.
	dueSlack = 5 * time.Second
)

// nextCheck returns when a record that started at start, and still runs at
// now, is next worth reading; expected is zero without a hint.
func nextCheck(start, now time.Time, expected time.Duration) time.Time {
	age := min(max(now.Sub(start), 0), 8*maxCheckWait) // no overflow, whatever start is
	if expected <= 0 {
		return now.Add(min(age+firstCheck, maxCheckWait))
	}
	if due := start.Add(expected + checkMargin); now.Before(due.Add(-dueSlack)) {
		return due
	}
	return now.Add(min(max(age/8, lateInterval), maxCheckWait))
}

// due reports whether an in-progress target's record is worth reading at now.
func due(t *runstate.Target, now time.Time) bool {
	return !now.Before(t.NextCheck.Add(-dueSlack))
}

// expected is the plan's expectedDuration for the target's product, else
// how long it has taken in this region before (Engine.Observed), zero when
// neither is known. Terminations have no hint.
func (s *targetStep) expected(terminate bool) time.Duration {
	if terminate {
		return 0
	}
	if p, ok := s.e.Plan.Product(s.t.Product); ok && p.ExpectedDuration > 0 {
		return p.ExpectedDuration
	}
	if s.e.Observed != nil {
		return s.e.Observed(s.t.Region, s.t.Product)
	}
	return 0
}

// NextLook returns how long the worker should wait before looking at run
// again: until the earliest record is due, rounded up to whole seconds (SQS
// delays are whole seconds). idle is the blind backoff, used when no record
// runs (waiting for propagation, say), when a target could start but did not
// (it waits for the sooner of the two), or when a due record was not read
// (the step failed before it, or AWS throttled it).
func (e *Engine) NextLook(run *runstate.Run, now time.Time, idle time.Duration) time.Duration {
	var next time.Time
	running := false
	for i := range run.Targets {
		t := &run.Targets[i]
		if t.Status == runstate.InProgress && (!running || t.NextCheck.Before(next)) {
			next, running = t.NextCheck, true
		}
	}
	wait := next.Sub(now)
	switch {
	case !running || wait <= 0:
		return idle
	case e.startable(run):
		wait = min(wait, idle)
	}
	return (wait + time.Second - 1).Truncate(time.Second)
}

// startable reports whether a pending target has every dependency satisfied:
// it could have started and is waiting for something the schedule of
// records does not cover.
func (e *Engine) startable(run *runstate.Run) bool {
	for i := range run.Targets {
		if run.Targets[i].Status == runstate.Pending && e.depsSatisfied(run, &run.Targets[i]) {
			return true
		}
	}
	return false
}

// schedule sets when a record that still runs is next read.
func (s *targetStep) schedule(terminate bool) {
	s.t.NextCheck = nextCheck(s.t.RecordStarted, s.e.now(), s.expected(terminate))
}

// idleTarget forgets the schedule of a target no longer following a record.
func idleTarget(t *runstate.Target) {
	if t.Status != runstate.InProgress {
		t.RecordStarted, t.NextCheck = time.Time{}, time.Time{}
	}
}
