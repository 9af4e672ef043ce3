package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/runstate"
)

// ledgerRecord reads the run from the ledger, adopting a run it has never
// seen (queued before the ledger existed, or whose item has expired): the
// message in hand then is the run.
func (h *Handler) ledgerRecord(ctx context.Context, run *runstate.Run) (*ledger.Record, error) {
	rec, err := h.Ledger.Get(ctx, run.ID)
	if errors.Is(err, ledger.ErrNotFound) {
		h.logger().WarnContext(ctx, "run not in the ledger; recording it from its message", "run", run.ID, "account", run.Account.ID)
		return h.Ledger.Adopt(ctx, run)
	}
	return rec, err
}

// resume handles a message older than the ledger's record of its run. If
// the ledger's step is known to be queued, the message is a repeat and is
// acknowledged. Otherwise the worker that recorded it may have died before
// queuing it (or its send failed): the step is sent from the ledger's
// state, or, for a completed run, its summary is published.
func (h *Handler) resume(ctx context.Context, log *slog.Logger, rec *ledger.Record) error {
	if rec.Sent >= rec.Step {
		log.InfoContext(ctx, "stale message: the ledger has the run at a later step", "ledgerStep", rec.Step)
		return nil
	}
	if rec.Run == nil {
		return fmt.Errorf("run %s: the ledger has step %d without its state", rec.RunID, rec.Step)
	}
	log = log.With("step", rec.Step)
	if rec.Run.Complete() {
		log.WarnContext(ctx, "resuming a completed run from the ledger: its summary may not be out")
		return h.finish(ctx, log, rec.Run)
	}
	log.WarnContext(ctx, "resuming from the ledger: its last step may not have been queued")
	return h.sendOn(ctx, log, rec.Run)
}

// lostRace ends a step whose record lost to another delivery of the same
// message: that delivery carries the run on, and this one is acknowledged
// without sending anything. Other ledger errors hand the message back.
func (h *Handler) lostRace(ctx context.Context, log *slog.Logger, err error) error {
	if errors.Is(err, ledger.ErrStale) || errors.Is(err, ledger.ErrFinished) {
		log.InfoContext(ctx, "duplicate delivery: another copy of this message carries the run on", "reason", err.Error())
		return nil
	}
	return err
}

// cancelRun ends every unfinished target of a run an operator cancelled.
// A record already running in Service Catalog is not stopped (Service
// Catalog cannot stop one): the target says so.
func cancelRun(run *runstate.Run, rec *ledger.Record, now time.Time) {
	by := rec.CancelledBy
	if by == "" {
		by = "an operator"
	}
	msg := fmt.Sprintf("cancelled by %s at %s", by, rec.CancelAt.Format(time.RFC3339))
	cancelRemaining(run, msg, now)
	run.AddNote(msg)
	run.Stopped = rec.Stopped
	run.StopLooking("the run was cancelled")
}

// cancelRemaining ends every unfinished target of run CANCELLED with msg.
// A record already running in Service Catalog is named: Service Catalog
// cannot stop one.
func cancelRemaining(run *runstate.Run, msg string, now time.Time) {
	for i := range run.Targets {
		t := &run.Targets[i]
		if t.Status.Final() {
			continue
		}
		t.Error = msg
		if t.Status == runstate.InProgress && t.RecordID != "" {
			t.Error += fmt.Sprintf("; record %s was still running and may finish: check it in the Service Catalog console", t.RecordID)
		}
		t.Status, t.FinishedAt = runstate.Cancelled, now
	}
}

// targetBefore is what a step's history needs of a target before it.
type targetBefore struct {
	status        runstate.Status
	recordStarted time.Time
}

func snapshot(run *runstate.Run) []targetBefore {
	out := make([]targetBefore, len(run.Targets))
	for i := range run.Targets {
		out[i] = targetBefore{run.Targets[i].Status, run.Targets[i].RecordStarted}
	}
	return out
}

// history stamps when each target started and finished, and records in
// the ledger how long each record this step saw succeed took.
func (h *Handler) history(ctx context.Context, log *slog.Logger, run *runstate.Run, before []targetBefore) {
	now := h.now().UTC()
	for i := range run.Targets {
		t := &run.Targets[i]
		var was targetBefore // a target the step added (a retirement candidate) had no before
		if i < len(before) {
			was = before[i]
		}
		if t.StartedAt.IsZero() && (t.Status != runstate.Pending || t.RecordID != "") {
			t.StartedAt = now
		}
		if !t.Status.Final() || !t.FinishedAt.IsZero() {
			continue
		}
		t.FinishedAt = now
		if t.Status != runstate.Succeeded || was.status != runstate.InProgress || was.recordStarted.IsZero() {
			continue
		}
		if err := h.Ledger.Observe(ctx, t.Region, t.Product, now.Sub(was.recordStarted)); err != nil {
			log.WarnContext(ctx, "the provisioning time was not recorded", "region", t.Region, "product", t.Product, "error", err)
		}
	}
}
