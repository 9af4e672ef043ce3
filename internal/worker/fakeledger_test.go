package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/runstate"
)

// fakeLedger keeps runs in memory with the ledger's conditions: a step is
// recorded only from the step the ledger holds, a claim only while none is
// held, a summary only under its claim. err, when set, fails every call.
type fakeLedger struct {
	recs     map[string]*ledger.Record
	claims   map[string]string
	observed map[string][]time.Duration
	now      func() time.Time
	err      error
	// recordErr fails RecordSummary only.
	recordErr error
	calls     []string
}

func newFakeLedger(now func() time.Time) *fakeLedger {
	return &fakeLedger{recs: map[string]*ledger.Record{}, claims: map[string]string{}, observed: map[string][]time.Duration{}, now: now}
}

func (l *fakeLedger) call(name string) error {
	l.calls = append(l.calls, name)
	return l.err
}

func clone(run *runstate.Run) *runstate.Run {
	b, _ := runstate.Encode(run)
	out, err := runstate.Decode(b)
	if err != nil {
		panic(err)
	}
	return out
}

func (l *fakeLedger) Get(_ context.Context, id string) (*ledger.Record, error) {
	if err := l.call("Get"); err != nil {
		return nil, err
	}
	rec, ok := l.recs[id]
	if !ok {
		return nil, fmt.Errorf("run %s: %w", id, ledger.ErrNotFound)
	}
	cp := *rec
	cp.Run = clone(rec.Run)
	return &cp, nil
}

// create records run as launch does, with sent telling which step is queued.
func (l *fakeLedger) create(run *runstate.Run, sent int) {
	l.recs[run.ID] = &ledger.Record{RunID: run.ID, Account: run.Account.ID, Status: ledger.StatusRunning, Step: run.Step, Sent: sent, Run: clone(run)}
}

func (l *fakeLedger) Adopt(ctx context.Context, run *runstate.Run) (*ledger.Record, error) {
	if err := l.call("Adopt"); err != nil {
		return nil, err
	}
	if _, ok := l.recs[run.ID]; !ok {
		l.create(run, run.Step)
	}
	return l.Get(ctx, run.ID)
}

func (l *fakeLedger) Advance(_ context.Context, run *runstate.Run, from int, _ string) error {
	if err := l.call("Advance"); err != nil {
		return err
	}
	rec := l.recs[run.ID]
	switch {
	case rec.Status == ledger.StatusFinished:
		return ledger.ErrFinished
	case rec.Step != from:
		return ledger.ErrStale
	}
	rec.Step, rec.Run = run.Step, clone(run)
	return nil
}

func (l *fakeLedger) MarkSent(_ context.Context, id string, step int) error {
	if err := l.call("MarkSent"); err != nil {
		return err
	}
	if rec := l.recs[id]; rec.Sent < step {
		rec.Sent = step
	}
	return nil
}

func (l *fakeLedger) ClaimSummary(_ context.Context, id, token string, lease time.Duration) (*ledger.Claim, error) {
	if err := l.call("ClaimSummary"); err != nil {
		return nil, err
	}
	rec := l.recs[id]
	switch {
	case rec.Status == ledger.StatusFinished:
		return nil, ledger.ErrFinished
	case l.claims[id] != "" && l.now().Before(rec.ClaimExpires):
		return nil, ledger.ErrClaimed
	}
	l.claims[id], rec.ClaimExpires = token, l.now().Add(lease)
	return &ledger.Claim{RunID: id, Token: token}, nil
}

func (l *fakeLedger) ReleaseClaim(_ context.Context, c *ledger.Claim) error {
	if err := l.call("ReleaseClaim"); err != nil {
		return err
	}
	if l.claims[c.RunID] == c.Token {
		delete(l.claims, c.RunID)
		l.recs[c.RunID].ClaimExpires = time.Time{}
	}
	return nil
}

func (l *fakeLedger) RecordSummary(_ context.Context, c *ledger.Claim, run *runstate.Run, messageID string) error {
	if err := l.call("RecordSummary"); err != nil {
		return err
	}
	if l.recordErr != nil {
		return l.recordErr
	}
	if l.claims[c.RunID] != c.Token {
		return ledger.ErrClaimLost
	}
	rec := l.recs[run.ID]
	rec.Status, rec.MessageID, rec.Summary, rec.Run, rec.Outcome = ledger.StatusFinished, messageID, ledger.SummarySent, clone(run), run.Outcome()
	delete(l.claims, c.RunID)
	return nil
}

func (l *fakeLedger) FinishWithoutSummary(_ context.Context, run *runstate.Run, summary string) error {
	if err := l.call("FinishWithoutSummary"); err != nil {
		return err
	}
	rec := l.recs[run.ID]
	if rec.Status != ledger.StatusFinished {
		rec.Status, rec.Summary, rec.Run, rec.Outcome = ledger.StatusFinished, summary, clone(run), run.Outcome()
	}
	return nil
}

func (l *fakeLedger) Observe(_ context.Context, region, product string, d time.Duration) error {
	if err := l.call("Observe"); err != nil {
		return err
	}
	l.observed[region+"/"+product] = append(l.observed[region+"/"+product], d)
	return nil
}

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// The fake gathers no roll-ups: the emulator's tests (internal/localrun,
// internal/ledger) cover them.
func (l *fakeLedger) Contribute(context.Context, *runstate.Run) (*ledger.RollUp, error) {
	return nil, ledger.ErrNoRollUp
}

func (l *fakeLedger) ClaimRollUp(context.Context, string, string, string, time.Duration) (*ledger.Claim, error) {
	return nil, ledger.ErrNoRollUp
}

func (l *fakeLedger) ReleaseRollUp(context.Context, string, string, *ledger.Claim) error { return nil }

func (l *fakeLedger) RecordRollUp(context.Context, string, string, *ledger.Claim, string) error {
	return nil
}
