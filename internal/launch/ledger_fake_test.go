package launch

import (
	"context"
	"fmt"
	"sort"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/runstate"
)

// fakeLedger keeps runs and audit records in memory, with the ledger's
// one-run-per-ID rule; err, when set, fails every call.
type fakeLedger struct {
	runs     map[string]*ledger.Record
	requests []ledger.Request
	expected []string
	err      error
}

func newFakeLedger() *fakeLedger { return &fakeLedger{runs: map[string]*ledger.Record{}} }

func (l *fakeLedger) Create(_ context.Context, run *runstate.Run) (bool, *ledger.Record, error) {
	if l.err != nil {
		return false, nil, l.err
	}
	if rec, ok := l.runs[run.ID]; ok {
		cp := *rec
		return false, &cp, nil
	}
	cp := *run
	l.runs[run.ID] = &ledger.Record{RunID: run.ID, Account: run.Account.ID, Status: ledger.StatusRunning, Sent: -1, Run: &cp,
		RequestedBy: run.RequestedBy, RequestID: run.RequestID, StartedAt: run.StartedAt, Trigger: string(run.Trigger)}
	return true, nil, nil
}

func (l *fakeLedger) MarkSent(_ context.Context, id string, step int) error {
	if l.err != nil {
		return l.err
	}
	if rec := l.runs[id]; rec.Sent < step {
		rec.Sent = step
	}
	return nil
}

func (l *fakeLedger) RecordRequest(_ context.Context, r *ledger.Request) error {
	if l.err != nil {
		return l.err
	}
	l.requests = append(l.requests, *r)
	return nil
}

func (l *fakeLedger) ExpectRuns(_ context.Context, requestID, _ string, n int) error {
	if l.err != nil {
		return l.err
	}
	l.expected = append(l.expected, fmt.Sprintf("%s=%d", requestID, n))
	return nil
}

func (l *fakeLedger) Get(_ context.Context, id string) (*ledger.Record, error) {
	if l.err != nil {
		return nil, l.err
	}
	rec, ok := l.runs[id]
	if !ok {
		return nil, fmt.Errorf("run %s: %w", id, ledger.ErrNotFound)
	}
	return rec, nil
}

func (l *fakeLedger) List(_ context.Context, f ledger.Filter) ([]*ledger.Record, error) {
	if l.err != nil {
		return nil, l.err
	}
	var out []*ledger.Record
	for _, rec := range l.runs {
		if (f.Account == "" || rec.Account == f.Account) && !rec.StartedAt.Before(f.Since) && (f.Status == "" || rec.Status == f.Status || rec.Outcome == f.Status) {
			out = append(out, rec)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartedAt.After(out[j].StartedAt) })
	return out, nil
}

func (l *fakeLedger) Cancel(_ context.Context, id, by string) (*ledger.Record, error) {
	if l.err != nil {
		return nil, l.err
	}
	rec, ok := l.runs[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("run %s: %w", id, ledger.ErrNotFound)
	case rec.Finished():
		return rec, fmt.Errorf("run %s: %w", id, ledger.ErrNotCancellable)
	}
	rec.CancelRequested, rec.CancelledBy = true, by
	return rec, nil
}

func (l *fakeLedger) Stop(ctx context.Context, id, by, why string) (*ledger.Record, error) {
	rec, err := l.Cancel(ctx, id, by)
	if err == nil {
		rec.Stopped = why
	}
	return rec, err
}
