// Package clock provides the time source of the local AWS emulator.
//
// Every time-dependent behaviour of the emulator (provisioning durations, SQS
// delays and visibility timeouts, credential expiry, fault windows) reads the
// time from a Clock, so tests can fast-forward through ten minutes of
// provisioning without waiting, and the standalone server can run on the wall
// clock, optionally sped up.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// Manual is a clock that moves only when told to. It is safe for concurrent use.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

// NewManual returns a manual clock set to start.
func NewManual(start time.Time) *Manual {
	return &Manual{now: start}
}

// Now returns the clock's current time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Advance moves the clock forward by d. A negative d is ignored: time in the
// emulator never goes backwards, because records and messages rely on it.
func (m *Manual) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	m.mu.Lock()
	m.now = m.now.Add(d)
	m.mu.Unlock()
}

// AdvanceTo moves the clock forward to t if t is later than now.
func (m *Manual) AdvanceTo(t time.Time) {
	m.mu.Lock()
	if t.After(m.now) {
		m.now = t
	}
	m.mu.Unlock()
}

// Wall is the real clock, optionally sped up: with Speed 60, one real second
// is one emulated minute. The zero value runs at real speed.
type Wall struct {
	// Speed multiplies the passage of time since Origin; values <= 1 mean real time.
	Speed float64
	// Origin is when the speed-up starts; the zero value means real time throughout.
	Origin time.Time
}

// NewWall returns a wall clock sped up by speed from now on.
func NewWall(speed float64) *Wall {
	return &Wall{Speed: speed, Origin: time.Now()}
}

// Now returns the (possibly accelerated) current time.
func (w *Wall) Now() time.Time {
	now := time.Now()
	if w.Speed <= 1 || w.Origin.IsZero() {
		return now
	}
	elapsed := now.Sub(w.Origin)
	return w.Origin.Add(time.Duration(float64(elapsed) * w.Speed))
}
