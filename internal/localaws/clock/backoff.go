package clock

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Backoff is the retry backoff of SDK clients that call the emulator: an
// aws-sdk-go-v2 retry.BackoffDelayer (set it as retry.StandardOptions.Backoff)
// that waits the SDK's standard exponential-jitter delay on the emulator
// clock. On a Manual clock it advances the clock by the delay and returns 0,
// so a retry costs no real time but a throttle bucket refills, and a
// propagation window closes, exactly as while a real client waited; without
// it a throttled client retries in the same emulated instant and never gets
// a token. On any other clock it returns the delay for the retryer to sleep,
// as in AWS.
//
// The jitter comes from a seeded generator, so a local run replays exactly.
// It is safe for concurrent use (one Backoff can serve every client).
type Backoff struct {
	clock Clock
	max   time.Duration
	// maxAttempt is the last attempt whose delay is jittered; later ones
	// wait max, as the SDK's ExponentialJitterBackoff computes it.
	maxAttempt int

	mu  sync.Mutex
	rng *rand.Rand
}

// NewBackoff returns the backoff for clients on c, capped at maxBackoff (the
// retryer's MaxBackoff: retry.DefaultMaxBackoff, 20 s, unless the caller
// chose another), with jitter drawn from seed.
func NewBackoff(c Clock, maxBackoff time.Duration, seed uint64) *Backoff {
	return &Backoff{
		clock:      c,
		max:        maxBackoff,
		maxAttempt: int(math.Log2(float64(maxBackoff) / float64(time.Second))),
		rng:        rand.New(rand.NewPCG(seed, seed)),
	}
}

// BackoffDelay waits before retry attempt (1 for the first retry) on the
// emulator clock; it returns what the retryer should still sleep for real.
func (b *Backoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	d := b.Delay(attempt)
	m, ok := b.clock.(*Manual)
	if !ok {
		return d, nil
	}
	m.Advance(d)
	return 0, nil
}

// Delay is the SDK's standard (legacy mode) exponential-jitter delay before
// retry attempt: a random fraction of 2^attempt seconds, and the cap itself
// once 2^attempt seconds passes it.
func (b *Backoff) Delay(attempt int) time.Duration {
	if attempt > b.maxAttempt {
		return b.max
	}
	b.mu.Lock()
	f := b.rng.Float64()
	b.mu.Unlock()
	return time.Duration(f * float64(int64(1)<<attempt) * float64(time.Second))
}
