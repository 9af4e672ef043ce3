package launch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/workqueue"
)

// releaseRatio queues a backfill of n accounts and returns the rate at which
// its runs become visible to the worker, over the designed rate
// (WorkerConcurrency runs every spreadInterval): 1.0 is the design.
func releaseRatio(tb testing.TB, n int) float64 {
	f := newFixture(tb, newOrg(n))
	resp, err := f.h.Handle(context.Background(), []byte(`{"ous": ["`+ouBulk+`"]}`))
	if err != nil {
		tb.Fatal(err)
	}
	if len(f.queue.sent) != n {
		tb.Fatalf("queued %d runs, want %d: %+v", len(f.queue.sent), n, resp)
	}
	per := f.h.WorkerConcurrency
	var last time.Duration
	for _, s := range f.queue.sent {
		last = max(last, releaseAfter(s))
	}
	if last == 0 {
		return 1
	}
	designed := float64(per) / spreadInterval.Seconds()
	actual := float64(n-per) / last.Seconds() // every wave after the first, over the time they take
	return actual / designed
}

// releaseAfter is when a queued run first reaches a worker that acts on it,
// after the backfill.
func releaseAfter(s sent) time.Duration {
	if !s.run.NotBefore.IsZero() {
		return s.run.NotBefore.Sub(start)
	}
	return s.delay
}

// BenchmarkBackfillReleaseRate reports how fast a backfill releases runs
// compared with the designed rate (rate/designed; goal 1.00 at any size).
func BenchmarkBackfillReleaseRate(b *testing.B) {
	for _, n := range []int{100, 300, 1000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			var ratio float64
			for b.Loop() {
				ratio = releaseRatio(b, n)
			}
			b.ReportMetric(ratio, "rate/designed")
		})
	}
}

// TestBackfillChainsReleasesPastSQSLimit: 400 runs in waves of 5 need
// 1185 s; the runs released after 900 s are queued with the longest delay
// and a NotBefore time (the worker puts them back until then), so the
// designed rate holds at any size.
func TestBackfillChainsReleasesPastSQSLimit(t *testing.T) {
	f := newFixture(t, newOrg(400))
	resp, err := f.h.Handle(context.Background(), []byte(`{"ous": ["`+ouBulk+`"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.queue.sent) != 400 {
		t.Fatalf("queued %d runs, want 400", len(f.queue.sent))
	}
	chained := 0
	for i, s := range f.queue.sent {
		release := time.Duration(i/5) * spreadInterval
		switch {
		case release <= workqueue.MaxDelay:
			if s.delay != release || !s.run.NotBefore.IsZero() {
				t.Errorf("run %d: delay %s, notBefore %v; want %s and none", i, s.delay, s.run.NotBefore, release)
			}
		default:
			chained++
			if s.delay != workqueue.MaxDelay || !s.run.NotBefore.Equal(start.Add(release)) {
				t.Errorf("run %d: delay %s, notBefore %v; want %s and %v", i, s.delay, s.run.NotBefore, workqueue.MaxDelay, start.Add(release))
			}
		}
		if !s.run.StartedAt.Equal(start.Add(release)) {
			t.Errorf("run %d: startedAt %v, want its release %v", i, s.run.StartedAt, start.Add(release))
		}
		if err := s.run.Validate(); err != nil {
			t.Errorf("run %d: %v", i, err)
		}
		if got := resp.Queued[i].DelaySeconds; got != int(release/time.Second) {
			t.Errorf("response says run %d waits %ds, want its release %ds", i, got, int(release/time.Second))
		}
	}
	if chained != 400-305 {
		t.Errorf("%d runs chained past 900 s, want %d", chained, 400-305)
	}
}
