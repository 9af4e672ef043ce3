package launch

import (
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// TestRunIDIsAlwaysValid: whatever a (hand-edited) event ID holds, the run
// launch queues must be one the worker accepts.
func TestRunIDIsAlwaysValid(t *testing.T) {
	for _, prefix := range []string{
		"ct-0000000-0000-0000-1111-123456789012",
		"ct-replay 2026/11/22",
		"ct-" + strings.Repeat("ü", 80),
		"ct-" + strings.Repeat("x", 200),
	} {
		id := runID(prefix, "222222222222")
		r := runstate.Run{Schema: runstate.SchemaVersion, ID: id, Account: plan.Account{ID: "222222222222"}, StartedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			Targets: []runstate.Target{{Region: "us-east-1", Product: "p", Status: runstate.Pending}}}
		if err := r.Validate(); err != nil || !strings.HasSuffix(id, "-222222222222") {
			t.Errorf("runID(%q) = %q: %v", prefix, id, err)
		}
	}
}

// TestDistinctTriggersNeverShareARunID: the ledger takes a run ID it has
// seen for a repeat of the same trigger, so cleaning or cutting two
// different event IDs must not make them one.
func TestDistinctTriggersNeverShareARunID(t *testing.T) {
	long := "ct-" + strings.Repeat("x", 200)
	pairs := [][2]string{
		{"ct-a b", "ct-a/b"},
		{long + "1", long + "2"},
		{"ct-ü", "ct-ö"},
	}
	for _, p := range pairs {
		if a, b := runID(p[0], "222222222222"), runID(p[1], "222222222222"); a == b {
			t.Errorf("%q and %q both make run %q", p[0], p[1], a)
		}
	}
	if got := runID("ct-0000000-0000-0000-1111-123456789012", "222222222222"); got != "ct-0000000-0000-0000-1111-123456789012-222222222222" {
		t.Errorf("an AWS event ID is kept as it is: %q", got)
	}
}
