// Package runstate defines an account run: the unit of work Landfall does for
// one account, and the state that travels between worker invocations.
//
// A run is queued by the launch function and advanced by the worker. Because
// provisioning takes minutes and a Lambda must not wait for it, the worker
// advances every target as far as it can without waiting, then sends the whole
// run onward as an SQS message delivered later (DelaySeconds). The message body
// is the JSON encoding of Run: everything a later invocation needs is in it, so
// no database is required and a redelivered message simply replays a step,
// which the provisioning calls make idempotent.
package runstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/shape"
)

// SchemaVersion is the version of the encoded Run. A worker refuses messages
// of a version it does not know instead of guessing at their meaning.
const SchemaVersion = 1

// Trigger says what started a run.
type Trigger string

// Triggers.
const (
	TriggerCreate   Trigger = "CreateManagedAccount"
	TriggerUpdate   Trigger = "UpdateManagedAccount"
	TriggerManual   Trigger = "manual"
	TriggerBackfill Trigger = "backfill"
	// TriggerMove: Organizations moved the account to another OU.
	TriggerMove Trigger = "MoveAccount"
)

// Manual reports whether an operator asked for the run (rather than Control
// Tower). Operators get repairs of products in ERROR; events only get reports.
func (t Trigger) Manual() bool { return t == TriggerManual || t == TriggerBackfill }

// Event reports whether an event started the run: a Control Tower
// lifecycle event, or Organizations moving the account.
func (t Trigger) Event() bool { return t == TriggerCreate || t == TriggerUpdate || t == TriggerMove }

// Status is the state of one (region, product) target.
type Status string

// Target statuses. The final ones end a target; a run is complete when all of
// its targets are final.
const (
	// Pending: not started, or waiting (share not yet visible, dependency not done).
	Pending Status = "PENDING"
	// InProgress: a provisioning or update record is running.
	InProgress Status = "IN_PROGRESS"
	// Succeeded: the record this run started or adopted succeeded.
	Succeeded Status = "SUCCEEDED"
	// AlreadyProvisioned: the product was already AVAILABLE on the wanted version; nothing was called.
	AlreadyProvisioned Status = "ALREADY_PROVISIONED"
	// Outdated: the product exists on another version and the update policy says leave it.
	Outdated Status = "OUTDATED"
	// Failed: provisioning failed, or the target could not be attempted; Error says why.
	Failed Status = "FAILED"
	// Skipped: not attempted because a product it depends on did not succeed.
	Skipped Status = "SKIPPED"
	// TimedOut: the run outlived the plan's maximum age before this target finished.
	TimedOut Status = "TIMED_OUT"
	// Planned: a dry run's answer; nothing was changed.
	Planned Status = "PLANNED"
	// Cancelled: an operator cancelled the run before this target finished.
	Cancelled Status = "CANCELLED"
	// Retirable: a retirement candidate the run reported and left in place
	// (retire: retain, or not provably Landfall's); see retire.go.
	Retirable Status = "RETIRABLE"
	// Terminated: a retirement candidate the run terminated (or found gone).
	Terminated Status = "TERMINATED"
)

// Final reports whether s ends a target.
func (s Status) Final() bool {
	switch s {
	case Pending, InProgress:
		return false
	default:
		return true
	}
}

// OK reports whether s is a good outcome: the account has what the plan says,
// or the plan's update policy chose to leave it.
func (s Status) OK() bool {
	return s == Succeeded || s == AlreadyProvisioned || s == Outdated || s == Planned || s == Retirable || s == Terminated
}

// Satisfies reports whether a dependency in status s lets its dependents start.
func (s Status) Satisfies() bool {
	return s == Succeeded || s == AlreadyProvisioned || s == Outdated
}

// Target is one (region, product) of a run.
type Target struct {
	Region  string `json:"region"`
	Product string `json:"product"` // the plan's product key
	Status  Status `json:"status"`

	// Version is the provisioning artifact name chosen, ArtifactID its ID.
	Version    string `json:"version,omitempty"`
	ArtifactID string `json:"artifactId,omitempty"`
	ProductID  string `json:"productId,omitempty"`

	ProvisionedProductName string `json:"provisionedProductName,omitempty"`
	ProvisionedProductID   string `json:"provisionedProductId,omitempty"`
	RecordID               string `json:"recordId,omitempty"`

	// Error is AWS's message (or Landfall's) for a FAILED, SKIPPED or TIMED_OUT target.
	Error string `json:"error,omitempty"`
	// Note explains a good outcome that needs a word, e.g. why a product was left on an older version.
	Note string `json:"note,omitempty"`
	// Waits counts how often the target was deferred waiting for the product to become visible.
	Waits int `json:"waits,omitempty"`
	// Replaces names the provisioned product this target terminated to launch
	// it again ("/pp-…"); it keeps the new launch's token distinct.
	Replaces string `json:"replaces,omitempty"`
	// WaitingSince is when the target first had to wait for propagation; the
	// wait is bounded from then, not from the run's start.
	WaitingSince time.Time `json:"waitingSince,omitzero"`
	// RecordStarted is when the record an IN_PROGRESS target follows started
	// (its CreatedTime, else when Landfall started or adopted it).
	RecordStarted time.Time `json:"recordStarted,omitzero"`
	// NextCheck is when that record is next worth reading: just after its
	// expected finish, then at short intervals. Zero means at once (messages
	// from before it existed, an adopted record).
	NextCheck time.Time `json:"nextCheck,omitzero"`
	// StartedAt is when the run first acted on the target (its first
	// provisioning call, or finding it done); FinishedAt when it became final.
	// The ledger keeps both as the target's history.
	StartedAt  time.Time `json:"startedAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	// Parameters holds the rendered parameters (dry runs only, to show what would be sent).
	Parameters map[string]string `json:"parameters,omitempty"`
	// Action is what the target does: "" provisions (or updates) the
	// plan's product; ActionTerminate and ActionRetain are retirement
	// candidates (retire.go), whose Product is the key their name carries.
	Action string `json:"action,omitempty"`
	// Retirement says why a retirement candidate is one and what applies
	// (plan.Verdict.Note), kept apart from Note, which says how it goes.
	Retirement string `json:"retirement,omitempty"`
}

// MaxMessage bounds an error or note kept in a run: AWS messages can be long,
// and the run travels in SQS messages (256 KiB) and SNS summaries.
const MaxMessage = 1000

// Clip shortens s to MaxMessage bytes, on a rune boundary, marking the cut.
func Clip(s string) string {
	const mark = " [...]"
	if len(s) <= MaxMessage {
		return s
	}
	return cutAt(s, MaxMessage-len(mark)) + mark
}

// ClipTo shortens s to n bytes (plus "..."), on a rune boundary; n <= 0
// leaves s as it is.
func ClipTo(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	return cutAt(s, n) + "..."
}

// cutAt cuts s to at most n bytes without splitting a UTF-8 sequence.
func cutAt(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// AddNote records a run-level remark once.
func (r *Run) AddNote(note string) {
	if !slices.Contains(r.Notes, note) {
		r.Notes = append(r.Notes, note)
	}
}

// Key returns "region/product", unique within a run.
func (t *Target) Key() string { return t.Region + "/" + t.Product }

// Run is one account run.
type Run struct {
	Schema  int     `json:"schema"`
	ID      string  `json:"id"`
	Trigger Trigger `json:"trigger"`
	// EventID is the EventBridge event ID for event-triggered runs.
	EventID string `json:"eventId,omitempty"`
	// RequestID is the Lambda request ID of the manual invocation that
	// queued the run; RequestedBy is who the invocation says asked
	// (self-asserted: `landfall invoke` fills in the caller's ARN).
	RequestID   string `json:"requestId,omitempty"`
	RequestedBy string `json:"requestedBy,omitempty"`
	// RequestHash is the payload hash of that invocation: with RequestID
	// it names the invocation's audit record, where a backfill's runs
	// gather for its roll-up.
	RequestHash string       `json:"requestHash,omitempty"`
	Account     plan.Account `json:"account"`
	// PlanHash identifies the plan the run was resolved with.
	PlanHash string `json:"planHash"`
	// OnlyMissing makes the run leave targets alone unless they are missing or failed.
	OnlyMissing bool      `json:"onlyMissing,omitempty"`
	StartedAt   time.Time `json:"startedAt"`
	// NotBefore is when a backfill releases the run, when that is later than
	// one SQS delay can reach: until then the worker only puts it back.
	NotBefore time.Time `json:"notBefore,omitzero"`
	// Step counts worker invocations that advanced the run.
	Step int `json:"step"`
	// Idle counts consecutive steps in which no target changed; it sets the
	// continuation backoff, so a run checks back soon after progress.
	Idle    int      `json:"idle,omitempty"`
	Targets []Target `json:"targets"`
	// Notes are run-level remarks, such as a role that could not be assumed yet.
	Notes []string `json:"notes,omitempty"`
	// Opened lists the "region/portfolio" pairs whose share this run accepted
	// and with which it associated the role, so later steps skip those calls.
	Opened []string `json:"opened,omitempty"`
	// PublishAttempts counts failed attempts to publish the finished run's summary.
	PublishAttempts int `json:"publishAttempts,omitempty"`
	// OptIn records the opt-in regions of the run's targets as the worker
	// found them before working there, and which it enabled (optin.go).
	OptIn []RegionOptIn `json:"optIn,omitempty"`
	// Stopped says why the run stopped early because its account left
	// (closed, suspended, removed from the organization). Its summary
	// suggests no re-run: there is nothing left to run against.
	Stopped string `json:"stopped,omitempty"`
	// Retire makes the run look for retirement candidates in the account
	// (retire.go) at the first step that reaches it; Looked says it has,
	// or has given up (its notes say why). The launch function sets
	// Retire; a run whose message predates it never looks.
	Retire bool `json:"retire,omitempty"`
	Looked bool `json:"looked,omitempty"`
}

// Complete reports whether every target is final and the run is not still
// to look for retirement candidates.
func (r *Run) Complete() bool {
	if r.Looking() {
		return false
	}
	for i := range r.Targets {
		if !r.Targets[i].Status.Final() {
			return false
		}
	}
	return true
}

// Unchanged reports whether the run changed nothing: every target was
// already provisioned as planned, or a retirement candidate it left in
// place. A run without targets changed nothing too. After a move, retained
// candidates are news (what the account had and the plan no longer gives
// it), so a move run that found any changed something worth telling.
func (r *Run) Unchanged() bool {
	for i := range r.Targets {
		s := r.Targets[i].Status
		if s == Retirable && r.Trigger == TriggerMove {
			return false
		}
		if s != AlreadyProvisioned && s != Retirable {
			return false
		}
	}
	return true
}

// Counts tallies targets by status.
func (r *Run) Counts() map[Status]int {
	c := make(map[Status]int)
	for i := range r.Targets {
		c[r.Targets[i].Status]++
	}
	return c
}

// Target returns the target for (region, product), or nil.
func (r *Run) Target(region, product string) *Target {
	for i := range r.Targets {
		if r.Targets[i].Region == region && r.Targets[i].Product == product {
			return &r.Targets[i]
		}
	}
	return nil
}

// Outcome summarises a complete run: SUCCEEDED when every target is OK,
// CANCELLED when every target that is not OK was cancelled (by an operator,
// or because the account left: nothing failed), FAILED when none is OK,
// PARTIAL otherwise.
func (r *Run) Outcome() string {
	ok, bad, cancelled := 0, 0, 0
	for i := range r.Targets {
		switch s := r.Targets[i].Status; {
		case s.OK():
			ok++
		case s == Cancelled:
			cancelled++
			bad++
		default:
			bad++
		}
	}
	switch {
	case bad == 0:
		return "SUCCEEDED"
	case cancelled == bad:
		return "CANCELLED"
	case ok == 0:
		return "FAILED"
	default:
		return "PARTIAL"
	}
}

// runID is what a run ID may hold: it names sessions and tokens.
var runID = shape.Of(shape.Run(shape.Chars("A-Za-z0-9"), 1, 1), shape.Run(shape.Chars("A-Za-z0-9_.-"), 0, 95)) // ^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$

func isRunID(s string) bool { return runID.MatchString(s) }

// Validate checks a decoded run, so that a corrupted or hand-crafted message
// fails with a precise reason instead of half-running.
func (r *Run) Validate() error {
	var errs []error
	if r.Schema != SchemaVersion {
		errs = append(errs, fmt.Errorf("schema: %d is not supported (this worker reads schema %d); drain the queue with the matching Landfall version", r.Schema, SchemaVersion))
	}
	if !isRunID(r.ID) {
		errs = append(errs, fmt.Errorf("id: %q is not a run ID (1-96 of A-Za-z0-9_.-)", r.ID))
	}
	if !awsid.IsAccountID(r.Account.ID) {
		errs = append(errs, fmt.Errorf("account.id: %q is not a 12-digit account ID", r.Account.ID))
	}
	if r.StartedAt.IsZero() {
		errs = append(errs, errors.New("startedAt: missing"))
	}
	if r.NotBefore.After(r.StartedAt) {
		errs = append(errs, fmt.Errorf("notBefore: %s is after startedAt %s; a run's age counts from its release", r.NotBefore.Format(time.RFC3339), r.StartedAt.Format(time.RFC3339)))
	}
	if len(r.Targets) == 0 && !r.Retire {
		errs = append(errs, errors.New("targets: empty; a run needs at least one (region, product) target, or retire to look for retirement candidates"))
	}
	seen := make(map[string]bool, len(r.Targets))
	for i := range r.Targets {
		t := &r.Targets[i]
		if t.Region == "" || t.Product == "" {
			errs = append(errs, fmt.Errorf("targets[%d]: region and product are required", i))
		}
		if seen[t.Key()] {
			errs = append(errs, fmt.Errorf("targets[%d]: %s appears twice", i, t.Key()))
		}
		seen[t.Key()] = true
		switch t.Status {
		case Pending, InProgress, Succeeded, AlreadyProvisioned, Outdated, Failed, Skipped, TimedOut, Planned, Cancelled, Retirable, Terminated:
		default:
			errs = append(errs, fmt.Errorf("targets[%d].status: %q is not a target status", i, t.Status))
		}
		if err := t.checkAction(); err != nil {
			errs = append(errs, fmt.Errorf("targets[%d].%w", i, err))
		}
		if t.Status == InProgress && t.RecordID == "" {
			errs = append(errs, fmt.Errorf("targets[%d].recordId: required while IN_PROGRESS", i))
		}
	}
	return errors.Join(errs...)
}

// Encode returns the message body for r.
func Encode(r *Run) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode run %s: %w", r.ID, err)
	}
	return b, nil
}

// EncodeWithin encodes r in at most limit bytes: if the run is too large it
// shortens what is only commentary (target notes and errors, run notes) in
// the encoded copy, keeping every target and its status. A run still too
// large is an error naming the fix.
func EncodeWithin(r *Run, limit int) ([]byte, error) {
	b, err := Encode(r)
	if err != nil || len(b) <= limit {
		return b, err
	}
	short := *r
	short.Notes = nil
	short.Targets = slices.Clone(r.Targets)
	for i := range short.Targets {
		t := &short.Targets[i]
		t.Error, t.Note, t.Parameters = ClipTo(t.Error, 120), ClipTo(t.Note, 120), nil
		t.Retirement = ClipTo(t.Retirement, 120)
	}
	b, err = Encode(&short)
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, fmt.Errorf("encode run %s: %d targets take %d bytes, over the %d-byte message limit; plan fewer products or regions per account", r.ID, len(r.Targets), len(b), limit)
	}
	return b, nil
}

// Decode parses and validates a message body.
func Decode(body []byte) (*Run, error) {
	var r Run
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("decode run: %w", err)
	}
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("decode run %q: %w", r.ID, err)
	}
	return &r, nil
}
