// Package launch is the launch function: the target of the EventBridge rule
// for Control Tower lifecycle events, and of manual invocations from the
// Lambda console or the CLI. It decides which accounts get a run and which
// (region, product) targets each run has, and queues the runs for the worker.
// It never provisions anything itself.
package launch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/directory"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/lifecycle"
	"github.com/landfall/landfall/internal/membership"
	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/preflight"
	"github.com/landfall/landfall/internal/runstate"
)

// Directory looks accounts up in Organizations.
type Directory interface {
	Account(ctx context.Context, id string) (plan.Account, error)
	Select(ctx context.Context, sel directory.Selection) ([]plan.Account, []directory.Excluded, error)
}

// Members decides whether Landfall may act in an account;
// *membership.Checker implements it. A *membership.Refusal says it may not.
type Members interface {
	Check(ctx context.Context, account string) error
	// CheckNow is Check asking Organizations at once, for events that say
	// an account changed.
	CheckNow(ctx context.Context, account string) error
}

// Preflight checks the plan against the organization and the catalog
// before anything is queued; *preflight.Checker implements it. Report
// problems make the launch refuse to act; notes are shown on dry runs.
type Preflight interface {
	Check(ctx context.Context) (preflight.Report, error)
}

// Queue sends a run to the worker.
type Queue interface {
	Send(ctx context.Context, run *runstate.Run, delay time.Duration) error
}

// Notifier publishes a notification.
type Notifier interface {
	Publish(ctx context.Context, m notify.Message) error
}

// Ledger is the run ledger as the launch function uses it; *ledger.Ledger
// implements it.
type Ledger interface {
	Create(ctx context.Context, run *runstate.Run) (created bool, existing *ledger.Record, err error)
	MarkSent(ctx context.Context, runID string, step int) error
	RecordRequest(ctx context.Context, r *ledger.Request) error
	ExpectRuns(ctx context.Context, requestID, hash string, n int) error
	Get(ctx context.Context, runID string) (*ledger.Record, error)
	List(ctx context.Context, f ledger.Filter) ([]*ledger.Record, error)
	Cancel(ctx context.Context, runID, by string) (*ledger.Record, error)
	Stop(ctx context.Context, runID, by, why string) (*ledger.Record, error)
}

// DryRunner resolves a run's targets without changing anything.
type DryRunner interface {
	DryRun(ctx context.Context, run *runstate.Run) error
}

// Handler is the launch function.
type Handler struct {
	Plan      *plan.Plan
	Directory Directory
	// Members admits the account of a lifecycle event before anything is
	// looked up or queued: events can be replayed or made by hand.
	Members Members
	// Preflight is asked before any run is built: a selector naming nothing
	// or a product outside its portfolio refuses the request.
	Preflight Preflight
	Queue     Queue
	Notifier  Notifier
	// Ledger records each run once per trigger and audits manual invocations.
	Ledger    Ledger
	DryRunner DryRunner
	// Regions lists the regions enabled for an account, when the plan
	// chooses them at run time (regions: enabled; regions.go).
	Regions Regions
	// Status answers {"status": ...} payloads; nil refuses them with a clear error.
	Status StatusReporter
	// Fleet answers {"drift": ...} payloads (the drift schedule); nil
	// refuses them with a clear error.
	Fleet FleetStatus
	// ManagementAccount is excluded from backfills unless the plan or payload includes it.
	ManagementAccount string
	// WorkerConcurrency is the worker's maximum concurrency; backfills are spread so that
	// roughly this many runs start at a time.
	WorkerConcurrency int
	// Now tells the time; the local driver uses the emulator's clock.
	Now    func() time.Time
	Logger *slog.Logger
}

// Outcomes of an invocation.
const (
	OutcomeQueued        = "queued"
	OutcomeDryRun        = "dry-run"
	OutcomeIgnored       = "ignored"
	OutcomeAccountFailed = "account-failed"
	OutcomeInvalid       = "invalid"
	OutcomeNothingToDo   = "nothing-to-do"
	OutcomeStatus        = "status"
	OutcomeRefused       = "refused"
	// OutcomeDuplicate: the trigger (event, or invocation) already has its run.
	OutcomeDuplicate = "duplicate"
	// OutcomeRuns answers {"runs": ...}, OutcomeRun {"run": ID}.
	OutcomeRuns = "runs"
	OutcomeRun  = "run"
	// OutcomeCancelRequested: {"cancel": ID} marked the run; it stops at its next step.
	OutcomeCancelRequested = "cancel-requested"
)

// Response is what an invocation returns: shown in the Lambda console and by `landfall invoke`.
type Response struct {
	Outcome string `json:"outcome"`
	Message string `json:"message,omitempty"`
	// Queued lists the runs sent to the worker.
	Queued []QueuedRun `json:"queued,omitempty"`
	// DryRun lists, per account, what a run would do.
	DryRun []*runstate.Run `json:"dryRun,omitempty"`
	// Notes are findings worth reading that block nothing, such as an
	// account-name glob of the plan that matches no account yet.
	Notes []string `json:"notes,omitempty"`
	// Excluded lists accounts and targets the plan or the payload left out, and why.
	Excluded []Exclusion `json:"excluded,omitempty"`
	// Status is the fleet status for {"status": ...} payloads.
	Status any `json:"status,omitempty"`
	// Drift is the drift notification a {"drift": ...} payload published.
	Drift *notify.Document `json:"drift,omitempty"`
	// Runs lists the ledger's runs for {"runs": ...}, newest first, without
	// their targets; Run is one run with its targets, for {"run": ID} and
	// {"cancel": ID}.
	Runs  []*ledger.Record `json:"runs,omitempty"`
	Run   *ledger.Record   `json:"run,omitempty"`
	Error string           `json:"error,omitempty"`
}

// QueuedRun is one run sent to the worker.
type QueuedRun struct {
	RunID        string `json:"runId"`
	Account      string `json:"account"`
	AccountName  string `json:"accountName,omitempty"`
	Targets      int    `json:"targets"`
	DelaySeconds int    `json:"delaySeconds,omitempty"`
}

// Exclusion says what was left out and why.
type Exclusion struct {
	Account string `json:"account"`
	Product string `json:"product,omitempty"`
	Region  string `json:"region,omitempty"`
	Reason  string `json:"reason"`
}

// logger returns the handler's logger; a nil Logger discards.
func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Handle handles one invocation. It returns an error only when retrying can
// help (the queue, Organizations or SNS failed) or, for a manual payload, to
// show the operator what is wrong with it; an unusable event is reported and
// acknowledged instead, because retrying it would only fail again.
//
// Dispatch: a JSON object is an EventBridge event when it has a "source" or
// "detail-type" key, or at least two of EventBridge's other envelope keys and
// no key of a manual payload (lifecycle.IsEventBridgeEnvelope has the rule
// and why). So an envelope that lost its source or detail-type is reported
// as an invalid event naming the missing field, never run as a manual
// payload. Input that is not a JSON object goes to the event decoder too,
// which reports it; every other object is a manual payload.
//
// Every invocation writes one metrics line (its outcome, the runs it
// queued, the throttles it absorbed).
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (*Response, error) {
	ctx, throttles := metrics.CountThrottles(ctx)
	inv, queue := h.countingSends()
	resp, err := inv.dispatch(ctx, raw)
	h.emitInvocation(ctx, resp, err, queue.count(), throttles.Count())
	return resp, err
}

func (h *Handler) dispatch(ctx context.Context, raw json.RawMessage) (*Response, error) {
	if lifecycle.IsEventBridgeEnvelope(raw) || !looksLikeObject(raw) {
		return h.handleEvent(ctx, raw)
	}
	return h.handleManual(ctx, raw)
}

func looksLikeObject(raw []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil
}

func (h *Handler) handleEvent(ctx context.Context, raw []byte) (*Response, error) {
	ev, err := lifecycle.Decode(raw)
	if err != nil {
		id := eventID(raw)
		h.logger().ErrorContext(ctx, "invalid event; reported and acknowledged", "eventId", id, "error", err)
		// The report echoes the event: escape what an SNS message or an
		// email cannot carry (noncharacters, control characters, bad UTF-8),
		// or publishing it would fail and Lambda retry an unusable event.
		if perr := h.Notifier.Publish(ctx, notify.InvalidEvent(id, err, lifecycle.Echo(raw))); perr != nil {
			return nil, fmt.Errorf("report invalid event %s: %w", id, perr)
		}
		return &Response{Outcome: OutcomeInvalid, Error: err.Error()}, nil
	}
	switch ev := ev.(type) {
	case *lifecycle.IgnoredEvent:
		h.logger().InfoContext(ctx, "event ignored", "eventId", ev.EventID, "eventName", ev.EventName, "reason", ev.Reason)
		return &Response{Outcome: OutcomeIgnored, Message: ev.Reason}, nil
	case *lifecycle.AccountEvent:
		return h.handleAccountEvent(ctx, ev)
	case *lifecycle.OrganizationsEvent:
		return h.handleOrganizationsEvent(ctx, ev)
	default:
		return nil, fmt.Errorf("decode event: unexpected event type %T", ev)
	}
}

func (h *Handler) handleAccountEvent(ctx context.Context, ev *lifecycle.AccountEvent) (*Response, error) {
	log := h.logger().With("eventId", ev.EventID, "eventName", ev.EventName, "account", ev.AccountID)
	if !ev.Succeeded() {
		log.WarnContext(ctx, "Control Tower reported a failure; nothing to provision", "state", string(ev.State), "ctMessage", ev.Message)
		msg := notify.AccountFailed(notify.AccountRef{ID: ev.AccountID, Name: ev.AccountName, OUID: ev.OUID, OUName: ev.OUName}, ev.EventName, ev.EventID, ev.Message)
		if err := h.Notifier.Publish(ctx, msg); err != nil {
			return nil, fmt.Errorf("report %s failure for %s: %w", ev.EventName, ev.AccountID, err)
		}
		return &Response{Outcome: OutcomeAccountFailed, Message: ev.Message}, nil
	}
	if resp, err := h.admit(ctx, ev); resp != nil || err != nil {
		return resp, err
	}
	if resp, _, err := h.preflight(ctx, ev.EventName+" event "+ev.EventID); resp != nil || err != nil {
		return resp, err
	}
	acct, err := h.Directory.Account(ctx, ev.AccountID)
	if err != nil {
		return nil, fmt.Errorf("look up account %s: %w", ev.AccountID, err)
	}
	if acct.Name == "" {
		acct.Name = ev.AccountName
	}
	trigger := runstate.TriggerCreate
	if ev.EventName == lifecycle.UpdateManagedAccount {
		trigger = runstate.TriggerUpdate
	}
	run, excl, err := h.newRun(ctx, h.enabledRegions(), acct, trigger, "ct-"+ev.EventID, plan.Filter{}, false)
	if err != nil {
		return h.regionsUnknown(ctx, ev.EventName+" event "+ev.EventID, err)
	}
	run.EventID = ev.EventID
	return h.queueEventRun(ctx, log, run, acct, excl, "event "+ev.EventID)
}

// queueEventRun queues an event's run once: a repeat delivery of the event
// finds its run in the ledger and queues nothing more.
func (h *Handler) queueEventRun(ctx context.Context, log *slog.Logger, run *runstate.Run, acct plan.Account, excl []Exclusion, source string) (*Response, error) {
	resp := &Response{Excluded: excl}
	if run.NothingToDo() {
		log.InfoContext(ctx, "the plan gives this account nothing", "excluded", len(excl))
		resp.Outcome = OutcomeNothingToDo
		resp.Message = fmt.Sprintf("the plan gives account %s no targets", acct.Label())
		return resp, nil
	}
	queued, err := h.queueOnce(ctx, run, 0)
	if err != nil {
		return nil, err
	}
	resp.Queued = []QueuedRun{{RunID: run.ID, Account: acct.ID, AccountName: acct.Name, Targets: len(run.Targets)}}
	if !queued {
		log.InfoContext(ctx, "duplicate delivery of the event: its run is already queued", "run", run.ID)
		return &Response{Outcome: OutcomeDuplicate, Message: fmt.Sprintf("%s already has run %s; nothing more was queued", source, run.ID), Queued: resp.Queued}, nil
	}
	log.InfoContext(ctx, "run queued", "run", run.ID, "targets", len(run.Targets))
	resp.Outcome = OutcomeQueued
	resp.Message = fmt.Sprintf("queued run %s for %s with %d targets", run.ID, acct.Label(), len(run.Targets))
	return resp, nil
}

// admit refuses an event whose account Landfall must not act in: not in this
// organization, not ACTIVE, or the management account the plan leaves out.
// The refusal is reported once and acknowledged; nothing is queued, so no
// role is ever assumed for it. It returns nil, nil when the account is admitted.
func (h *Handler) admit(ctx context.Context, ev *lifecycle.AccountEvent) (*Response, error) {
	err := h.Members.Check(ctx, ev.AccountID)
	var refused *membership.Refusal
	switch {
	case err == nil:
		return nil, nil
	case !errors.As(err, &refused):
		return nil, fmt.Errorf("check account %s: %w", ev.AccountID, err) // Organizations unavailable: retried
	}
	ref := notify.AccountRef{ID: ev.AccountID, Name: ev.AccountName, OUID: ev.OUID, OUName: ev.OUName}
	return h.reportRefused(ctx, ref, ev.EventName+" event "+ev.EventID, refused)
}

// reportRefused reports once that an event's account was refused, and
// acknowledges the event: retrying it would be refused again.
func (h *Handler) reportRefused(ctx context.Context, ref notify.AccountRef, source string, refused *membership.Refusal) (*Response, error) {
	h.logger().WarnContext(ctx, "event refused", "source", source, "account", ref.ID, "reason", refused.Reason)
	if err := h.Notifier.Publish(ctx, notify.Refused(ref, source, refused.Reason)); err != nil {
		return nil, fmt.Errorf("report refused %s for %s: %w", source, ref.ID, err)
	}
	return &Response{Outcome: OutcomeRefused, Message: refused.Error()}, nil
}

// preflight checks the plan before a request from source is acted on. It
// returns a refusal (reported once) when the plan does not hold against the
// organization, and the report's notes otherwise.
func (h *Handler) preflight(ctx context.Context, source string) (*Response, []string, error) {
	rep, err := h.Preflight.Check(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("check the plan against the organization: %w", err) // retried
	}
	var notes []string
	for _, n := range rep.Notes {
		notes = append(notes, n.String())
	}
	perr := rep.Err()
	if perr == nil {
		return nil, notes, nil
	}
	h.logger().ErrorContext(ctx, "plan refused", "source", source, "error", perr)
	if err := h.Notifier.Publish(ctx, notify.PlanRefused(source, perr)); err != nil {
		return nil, nil, fmt.Errorf("report refused plan for %s: %w", source, err)
	}
	return &Response{Outcome: OutcomeRefused, Message: "refused: " + perr.Error(), Notes: notes}, nil, nil
}

// newRun builds a run for acct from the plan, in the regions enabled for it
// when the plan chooses them at run time (regions.go). The run has no
// targets when the plan (or the filter) leaves the account nothing; the
// exclusions say why. It fails only when the account's enabled regions
// cannot be listed.
func (h *Handler) newRun(ctx context.Context, regions *enabledRegions, acct plan.Account, trigger runstate.Trigger, idPrefix string, f plan.Filter, onlyMissing bool) (*runstate.Run, []Exclusion, error) {
	if !h.Plan.NeedsEmail() {
		// Carry only what the run needs: no template reads the root email.
		acct.Email = ""
	}
	run := &runstate.Run{
		Schema:      runstate.SchemaVersion,
		ID:          runID(idPrefix, acct.ID),
		Trigger:     trigger,
		Account:     acct,
		PlanHash:    h.Plan.Hash,
		OnlyMissing: onlyMissing,
		StartedAt:   h.now().UTC(),
	}
	targets, excluded, err := h.Plan.Placements(acct, f)
	var out []Exclusion
	if err != nil {
		out = append(out, Exclusion{Account: acct.ID, Reason: err.Error()})
		return run, out, nil //nolint:nilerr // an account the plan cannot work with is an exclusion, not a failure of the request
	}
	targets, notEnabled, err := regions.narrow(ctx, h.Plan, acct, targets)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range append(excluded, notEnabled...) {
		out = append(out, Exclusion{Account: acct.ID, Product: e.Product, Region: e.Region, Reason: e.Reason})
	}
	for _, t := range targets {
		run.Targets = append(run.Targets, runstate.Target{
			Region: t.Region, Product: t.Product.Key, Status: runstate.Pending, ProvisionedProductName: t.ProvisionedProductName,
		})
	}
	h.considerRetirement(run, f) // retire.go
	return run, out, nil
}

// runID makes a run ID: the event ID for event runs (duplicates of one event
// share it, and so share provisioning tokens), the invocation for manual
// ones. Distinct triggers must never share a run ID (the ledger would take
// the second for a repeat of the first), so a prefix that had to be cleaned
// or cut carries a hash of the original.
func runID(prefix, account string) string {
	// Event IDs are UUIDs from AWS but anything in a hand-edited replay:
	// keep the characters a run ID allows, and keep the account visible.
	clean := strings.Map(runIDSafe, prefix)
	room := 96 - len(account) - 1
	if clean == prefix && len(clean) <= room {
		return clean + "-" + account
	}
	sum := sha256.Sum256([]byte(prefix))
	tag := "-" + hex.EncodeToString(sum[:6])
	return clean[:min(len(clean), room-len(tag))] + tag + "-" + account
}

// runIDSafe keeps the characters a run ID allows and replaces the rest with "-".
func runIDSafe(r rune) rune {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '_', r == '.', r == '-':
		return r
	}
	return '-'
}

func eventID(raw []byte) string {
	var env struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &env) // best effort: only to label the report
	// The id of an invalid event may hold anything; Label makes it printable.
	return lifecycle.Label(env.ID)
}
