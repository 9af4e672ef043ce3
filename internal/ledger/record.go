package ledger

import (
	"fmt"
	"time"

	"github.com/landfall/landfall/internal/runstate"
)

// Run statuses in the ledger. A run is RUNNING from its creation until its
// one summary is recorded (or the plan says none is sent): then FINISHED.
const (
	StatusRunning  = "RUNNING"
	StatusFinished = "FINISHED"
)

// Record is a run as the ledger keeps it.
type Record struct {
	RunID       string    `json:"runId"`
	Account     string    `json:"account"`
	AccountName string    `json:"accountName,omitempty"`
	Trigger     string    `json:"trigger"`
	EventID     string    `json:"eventId,omitempty"`
	RequestID   string    `json:"requestId,omitempty"`
	RequestedBy string    `json:"requestedBy,omitempty"`
	StartedAt   time.Time `json:"startedAt"`
	Status      string    `json:"status"`
	// Step is the last step recorded; Sent the last step whose message is
	// known to be on the work queue (-1: none yet). Sent < Step means the
	// worker that recorded Step may not have queued it, so a later delivery
	// queues it from the ledger's state.
	Step int `json:"step"`
	Sent int `json:"sent"`
	// Run is the state after the last recorded step; listings leave it out.
	Run     *runstate.Run  `json:"run,omitempty"`
	Counts  map[string]int `json:"counts,omitempty"`
	Outcome string         `json:"outcome,omitempty"`
	// ClaimExpires is when a worker's claim to publish the summary lapses.
	ClaimExpires time.Time `json:"claimExpires,omitzero"`
	// MessageID is the SNS message ID of the run's summary; Summary says
	// whether one was published ("sent") or the plan said none ("skipped").
	MessageID       string    `json:"messageId,omitempty"`
	Summary         string    `json:"summary,omitempty"`
	FinishedAt      time.Time `json:"finishedAt,omitzero"`
	CancelRequested bool      `json:"cancelRequested,omitempty"`
	CancelledBy     string    `json:"cancelledBy,omitempty"`
	CancelAt        time.Time `json:"cancelRequestedAt,omitzero"`
	// Stopped says the cancel came because the account left, and why.
	Stopped string `json:"stopped,omitempty"`
}

// Finished reports whether the run's story is told.
func (r *Record) Finished() bool { return r.Status == StatusFinished }

// Summary values.
const (
	SummarySent    = "sent"
	SummarySkipped = "skipped"
	// SummaryRolledUp: the run's story is its backfill's roll-up.
	SummaryRolledUp = "rolled-up"
)

func runKey(id string) item { return item{AttrPK: str("RUN#" + id), AttrSK: str("RUN")} }

// runItem is a new run's item: RUNNING, nothing queued yet.
func (l *Ledger) runItem(run *runstate.Run, state string, sent int) item {
	it := runKey(run.ID)
	it["kind"] = str("run")
	it["runId"] = str(run.ID)
	it[AttrAccount] = str(run.Account.ID)
	it[AttrDay] = str(run.StartedAt.UTC().Format(dayFormat))
	it[AttrStartedAt] = stamp(run.StartedAt)
	it["trigger"] = str(string(run.Trigger))
	it["status"] = str(StatusRunning)
	it["step"] = num(int64(run.Step))
	it["sent"] = num(int64(sent))
	it["state"] = str(state)
	it["counts"] = counts(countMap(run))
	it["cancelRequested"] = boolean(false)
	// A run that never finishes (parked in the dead-letter queue and
	// dropped) still leaves the ledger in time.
	it[AttrExpiresAt] = epoch(run.StartedAt.Add(l.retention() + 7*24*time.Hour))
	for name, v := range map[string]string{"accountName": run.Account.Name, "eventId": run.EventID, "requestId": run.RequestID, "requestedBy": run.RequestedBy} {
		if v != "" {
			it[name] = str(v)
		}
	}
	return it
}

func countMap(run *runstate.Run) map[string]int {
	out := map[string]int{}
	for s, n := range run.Counts() {
		out[string(s)] = n
	}
	return out
}

// decodeRecord reads a run item; with state, it decodes the run too.
func decodeRecord(it item, state bool) (*Record, error) {
	r := &Record{
		RunID: getS(it, "runId"), Account: getS(it, AttrAccount), AccountName: getS(it, "accountName"),
		Trigger: getS(it, "trigger"), EventID: getS(it, "eventId"), RequestID: getS(it, "requestId"),
		RequestedBy: getS(it, "requestedBy"), StartedAt: getTime(it, AttrStartedAt), Status: getS(it, "status"),
		Step: int(getN(it, "step")), Sent: int(getN(it, "sent")), Counts: getCounts(it, "counts"),
		Outcome: getS(it, "outcome"), ClaimExpires: getEpoch(it, "claimExpires"), MessageID: getS(it, "messageId"),
		Summary: getS(it, "summary"), FinishedAt: getTime(it, "finishedAt"), CancelRequested: getBool(it, "cancelRequested"),
		CancelledBy: getS(it, "cancelledBy"), CancelAt: getTime(it, "cancelRequestedAt"), Stopped: getS(it, "stopped"),
	}
	if !state {
		return r, nil
	}
	body := getS(it, "state")
	if body == "" {
		return r, nil
	}
	run, err := runstate.Decode([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("ledger run %s: %w", r.RunID, err)
	}
	r.Run = run
	return r, nil
}
