package provision

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// open opens account's session as the worker does and fails t on error.
func open(t *testing.T, s *Sessions, account, name string) {
	t.Helper()
	if err := s.Check(context.Background(), s.Config(account, name), account); err != nil {
		t.Fatal(err)
	}
}

func TestSessionsReuseWithinMaxReuse(t *testing.T) {
	s, sts, clk := newFakeSessions()
	start := clk.Now()
	open(t, s, "100000000001", "landfall-run-1")
	clk.Set(start.Add(maxReuse - time.Second))
	open(t, s, "100000000001", "landfall-run-1")
	if n := sts.calls.Load(); n != 1 {
		t.Fatalf("AssumeRole calls = %d within maxReuse, want 1", n)
	}
	// Another session name in the same account is another session.
	open(t, s, "100000000001", "landfall-run-2")
	if n := sts.calls.Load(); n != 2 {
		t.Fatalf("AssumeRole calls = %d after a second session name, want 2", n)
	}
	// At maxReuse the session is not handed out again: the role is assumed anew.
	clk.Set(start.Add(maxReuse))
	open(t, s, "100000000001", "landfall-run-1")
	if n := sts.calls.Load(); n != 3 {
		t.Fatalf("AssumeRole calls = %d at maxReuse, want 3", n)
	}
}

func TestSessionsEvictOldestNotAll(t *testing.T) {
	s, sts, clk := newFakeSessions()
	start := clk.Now()
	for i := range maxCached + 1 {
		clk.Set(start.Add(time.Duration(i) * time.Millisecond))
		open(t, s, fmt.Sprintf("%012d", i), "landfall-x")
	}
	if got := s.order.Len(); got != maxCached || len(s.cache) != maxCached {
		t.Fatalf("kept %d sessions (map %d), want the bound %d", got, len(s.cache), maxCached)
	}
	calls := sts.calls.Load()
	// The newest sessions are still there; only the oldest went.
	open(t, s, fmt.Sprintf("%012d", 1), "landfall-x")
	open(t, s, fmt.Sprintf("%012d", maxCached), "landfall-x")
	if n := sts.calls.Load() - calls; n != 0 {
		t.Errorf("reopening recent sessions assumed the role %d times, want 0", n)
	}
	open(t, s, fmt.Sprintf("%012d", 0), "landfall-x")
	if n := sts.calls.Load() - calls; n != 1 {
		t.Errorf("reopening the evicted oldest session assumed the role %d times, want 1", n)
	}
}

func TestSessionsDropExpired(t *testing.T) {
	s, _, clk := newFakeSessions()
	start := clk.Now()
	for i := range 100 {
		open(t, s, fmt.Sprintf("%012d", i), "landfall-sweep")
	}
	// Past maxReuse, the next session made drops every expired one.
	clk.Set(start.Add(maxReuse))
	open(t, s, "999999999999", "landfall-later")
	if got := s.order.Len(); got != 1 || len(s.cache) != 1 {
		t.Errorf("kept %d sessions (map %d) after the others expired, want 1", got, len(s.cache))
	}
}

// TestSessionsMemoryBound measures a cached session, so maxCached's memory
// bound is a number, not a guess.
func TestSessionsMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	s, _, _ := newFakeSessions()
	const n = 1000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range n {
		open(t, s, fmt.Sprintf("%012d", i), "landfall-mem")
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("a cached session holds %.0f bytes; the bound of %d holds %.1f MiB", per, maxCached, per*maxCached/(1<<20))
	if per*maxCached > 64<<20 {
		t.Errorf("a full cache would hold %.0f MiB, over 64 MiB", per*maxCached/(1<<20))
	}
	runtime.KeepAlive(s)
}
