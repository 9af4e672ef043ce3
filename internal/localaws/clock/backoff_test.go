package clock_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/landfall/landfall/internal/localaws/clock"
)

var _ retry.BackoffDelayer = (*clock.Backoff)(nil)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestBackoffDelay: the SDK's exponential jitter, from a seed: a fraction of
// 2^attempt seconds, then the cap itself, as retry.ExponentialJitterBackoff.
func TestBackoffDelay(t *testing.T) {
	sdk := retry.NewExponentialJitterBackoff(20 * time.Second)
	tests := []struct {
		attempt int
		below   time.Duration // every delay is under it, or equal when exact
		exact   bool
	}{
		{1, 2 * time.Second, false},
		{2, 4 * time.Second, false},
		{4, 16 * time.Second, false},
		{5, 20 * time.Second, true},
		{9, 20 * time.Second, true},
	}
	for _, tt := range tests {
		b := clock.NewBackoff(clock.NewManual(t0), 20*time.Second, 1)
		for range 50 {
			d := b.Delay(tt.attempt)
			if d < 0 || d > tt.below || (tt.exact && d != tt.below) || (!tt.exact && d == tt.below) {
				t.Fatalf("Delay(%d) = %v, want in [0, %v)%s", tt.attempt, d, tt.below, map[bool]string{true: " or exactly it"}[tt.exact])
			}
		}
		if tt.exact {
			if want, _ := sdk.BackoffDelay(tt.attempt, nil); want != tt.below {
				t.Errorf("the SDK waits %v before attempt %d, the test expects %v", want, tt.attempt, tt.below)
			}
		}
	}
	seq := func(seed uint64) [5]time.Duration {
		b := clock.NewBackoff(&clock.Wall{}, 20*time.Second, seed)
		var out [5]time.Duration
		for i := range out {
			out[i] = b.Delay(3)
		}
		return out
	}
	if a, b := seq(1), seq(1); a != b || a == seq(2) {
		t.Error("the jitter is not a function of the seed")
	}
}

// TestBackoffWaitsOnTheEmulatorClock: on a manual clock the delay moves the
// clock and nothing is left to sleep; on a wall clock it is slept.
func TestBackoffWaitsOnTheEmulatorClock(t *testing.T) {
	tests := []struct {
		name      string
		clock     clock.Clock
		wantSleep bool
	}{
		{"manual", clock.NewManual(t0), false},
		{"wall", &clock.Wall{}, true},
		{"wall sped up", clock.NewWall(60), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := clock.NewBackoff(tt.clock, 20*time.Second, 7)
			want := clock.NewBackoff(tt.clock, 20*time.Second, 7).Delay(3)
			before := tt.clock.Now()
			sleep, err := retry.NewStandard(func(o *retry.StandardOptions) { o.Backoff = b }).RetryDelay(3, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantSleep {
				if sleep != want {
					t.Errorf("sleep = %v, want the delay %v", sleep, want)
				}
				return
			}
			if moved := tt.clock.Now().Sub(before); sleep != 0 || moved != want || want == 0 {
				t.Errorf("sleep = %v and the clock moved %v, want no sleep and the clock moved by the delay %v", sleep, moved, want)
			}
		})
	}
}
