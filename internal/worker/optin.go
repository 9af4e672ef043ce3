package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/region"
	"github.com/landfall/landfall/internal/runstate"
	"github.com/landfall/landfall/internal/workqueue"
)

// The opt-in gate. An account must enable an opt-in region (region.OptIn)
// before anything can be provisioned there. Before the engine works in an
// opt-in region, the worker asks the Account Management API for the
// region's status, in the run's account, as the execution role it has just
// assumed (no AccountId):
//
//   - that needs no trusted access for account.amazonaws.com and no grant
//     on the functions' own roles: AWSControlTowerExecution may do it
//     already, and LandfallProvisioner (member roles) is given exactly
//     these two calls for the plan's opt-in regions. Asking from the
//     management account instead would need trusted access for every plan
//     with an opt-in region, and EnableRegion over every account of the
//     organization on the worker's role;
//   - the session is the run's own, so the call can only ever concern the
//     run's account, and the management account (which the API refuses to
//     name) is handled like any other.
//
// ENABLED and ENABLED_BY_DEFAULT let the targets go on, and the region is
// not asked about again in that run. DISABLED or DISABLING end the region's
// targets FAILED, saying how to enable it, unless the plan sets
// enableOptInRegions: then the worker calls EnableRegion once (recorded in
// the run, so the summary says Landfall enabled it) and the region's
// targets wait, without holding the Lambda: the step ends, and the
// continuation comes back after optInRecheck to ask again, for as long as
// the run's maxRunAge allows (which then times the targets out, their note
// naming the region). ENABLING waits likewise. The rest of the run goes on
// meanwhile.

// RegionOpt is the part of the Account Management API the gate calls, in
// one member account; *account.Client implements it.
type RegionOpt interface {
	GetRegionOptStatus(ctx context.Context, in *account.GetRegionOptStatusInput, optFns ...func(*account.Options)) (*account.GetRegionOptStatusOutput, error)
	EnableRegion(ctx context.Context, in *account.EnableRegionInput, optFns ...func(*account.Options)) (*account.EnableRegionOutput, error)
}

var _ RegionOpt = (*account.Client)(nil)

// optInRecheck is how long a run waits before asking again about a region
// being enabled: enabling takes minutes, sometimes hours, and each look
// is a worker step and a GetRegionOptStatus per waiting region.
const optInRecheck = 3 * time.Minute

// advanceGated is the step's work once the account is open and the opt-in
// gate has asked: the engine on every target whose region the gate does not
// hold back.
func (h *Handler) advanceGated(ctx context.Context, run *runstate.Run, roleARN string, cats provision.Catalogs) bool {
	held := heldRegions(run)
	if len(held) == 0 {
		return h.Engine.Advance(ctx, run, roleARN, cats)
	}
	view, index := without(run, held)
	moved := false
	if len(view.Targets) > 0 {
		moved = h.Engine.Advance(ctx, view, roleARN, cats)
	}
	for j, i := range index {
		run.Targets[i] = view.Targets[j]
	}
	run.Opened = view.Opened
	return moved
}

// notEnabled lists the opt-in regions the gate found the account has not
// enabled (yet): disabled, disabling or enabling. A region whose status
// could not be read is not among them: its targets are attempted anyway.
func notEnabled(run *runstate.Run) []string {
	var out []string
	for _, o := range run.OptIn {
		switch types.RegionOptStatus(o.Status) {
		case "", types.RegionOptStatusEnabled, types.RegionOptStatusEnabledByDefault:
		default:
			out = append(out, o.Region)
		}
	}
	return out
}

// gateOptIn asks about each opt-in region of the run's unfinished targets
// that is not known to be ready, and acts on the answer.
func (h *Handler) gateOptIn(ctx context.Context, log *slog.Logger, run *runstate.Run) {
	if h.Regions == nil {
		return
	}
	var api RegionOpt
	for _, r := range optInRegions(run) {
		if api == nil {
			api = h.Regions(run.Account.ID, provision.SessionName(run.ID))
		}
		h.gateRegion(ctx, log.With("region", r), run, api, r)
	}
}

// optInRegions lists the opt-in regions of the run's unfinished targets not
// known to be ready, in target order.
func optInRegions(run *runstate.Run) []string {
	var out []string
	for i := range run.Targets {
		t := &run.Targets[i]
		if t.Status.Final() || !region.OptIn(t.Region) || slices.Contains(out, t.Region) {
			continue
		}
		if o := run.RegionOptIn(t.Region); o != nil && o.Ready {
			continue
		}
		out = append(out, t.Region)
	}
	return out
}

func (h *Handler) gateRegion(ctx context.Context, log *slog.Logger, run *runstate.Run, api RegionOpt, r string) {
	now := h.now().UTC()
	o := run.NoteRegionOptIn(r)
	o.CheckedAt = now
	out, err := api.GetRegionOptStatus(ctx, &account.GetRegionOptStatusInput{RegionName: aws.String(r)})
	switch {
	case err == nil:
	case optInDenied(err) && !h.Plan.EnableOptInRegions:
		// The role cannot say; the targets find out when they try, as
		// they did before the gate, and a disabled region still fails them.
		o.Ready, o.Status = true, ""
		run.AddNote(fmt.Sprintf("the opt-in status of region %s could not be read (%s); its targets were attempted anyway: allow account:GetRegionOptStatus to the role Landfall assumes for a clearer report", r, provision.Message(err)))
		log.WarnContext(ctx, "opt-in status not readable; attempting the region", "error", provision.Message(err))
		return
	case optInDenied(err):
		endRegion(run, r, now, fmt.Sprintf("not attempted: Landfall cannot tell whether region %s is enabled for account %s, which enableOptInRegions needs: %s; allow account:GetRegionOptStatus and account:EnableRegion to the role Landfall assumes, or enable the region yourself (%s), then re-run", r, run.Account.ID, provision.Message(err), enableCommand(r, run.Account.ID)))
		log.ErrorContext(ctx, "opt-in status not readable; the region's targets fail", "error", provision.Message(err))
		return
	default:
		// Throttled or failed past the SDK's retries: ask again on the next step.
		holdRegion(run, r, fmt.Sprintf("waiting to learn whether region %s is enabled for the account (the last attempt failed: %s)", r, provision.Message(err)))
		log.WarnContext(ctx, "opt-in status not read; will ask again", "error", provision.Message(err))
		return
	}
	o.Status = string(out.RegionOptStatus)
	switch out.RegionOptStatus {
	case types.RegionOptStatusEnabled, types.RegionOptStatusEnabledByDefault:
		o.Ready = true
		releaseRegion(run, r)
		if !o.EnabledAt.IsZero() {
			run.AddNote(fmt.Sprintf("region %s became %s %s after Landfall enabled it", r, o.Status, now.Sub(o.EnabledAt).Round(time.Second)))
		}
		log.InfoContext(ctx, "opt-in region enabled; going on", "status", o.Status)
	case types.RegionOptStatusEnabling:
		holdRegion(run, r, waitingNote(o))
		log.InfoContext(ctx, "opt-in region being enabled; waiting", "enabledByLandfall", !o.EnabledAt.IsZero())
	case types.RegionOptStatusDisabled:
		h.disabledRegion(ctx, log, run, api, o, now)
	case types.RegionOptStatusDisabling:
		msg := fmt.Sprintf("not attempted: region %s is being disabled for account %s (DISABLING)", r, run.Account.ID)
		if h.Plan.EnableOptInRegions {
			msg += "; Landfall does not enable a region someone is disabling: once it is DISABLED, enable it (" + enableCommand(r, run.Account.ID) + ") or re-run the account, which enables it (enableOptInRegions: true)"
		} else {
			msg += "; " + enableAdvice(r, run.Account.ID)
		}
		endRegion(run, r, now, msg)
		log.WarnContext(ctx, "opt-in region being disabled; its targets fail")
	default:
		holdRegion(run, r, fmt.Sprintf("waiting: region %s has the unexpected opt status %q for the account", r, o.Status))
		log.WarnContext(ctx, "unexpected opt status; will ask again", "status", o.Status)
	}
}

// disabledRegion ends a disabled region's targets, or with enableOptInRegions
// enables the region once and holds them.
func (h *Handler) disabledRegion(ctx context.Context, log *slog.Logger, run *runstate.Run, api RegionOpt, o *runstate.RegionOptIn, now time.Time) {
	r := o.Region
	switch {
	case !h.Plan.EnableOptInRegions:
		endRegion(run, r, now, fmt.Sprintf("not attempted: region %s is not enabled for account %s (DISABLED); %s", r, run.Account.ID, enableAdvice(r, run.Account.ID)))
		log.WarnContext(ctx, "opt-in region not enabled; its targets fail")
		return
	case !o.EnabledAt.IsZero():
		// Asked already: the status can lag the request for a moment.
		holdRegion(run, r, waitingNote(o))
		return
	}
	_, err := api.EnableRegion(ctx, &account.EnableRegionInput{RegionName: aws.String(r)})
	switch {
	case err == nil:
		// EnableRegion starts the enabling: the region is ENABLING from
		// now on (the next look reads it again).
		o.EnabledAt, o.Status = now, string(types.RegionOptStatusEnabling)
		run.AddNote(fmt.Sprintf("Landfall enabled opt-in region %s for the account at %s (enableOptInRegions: true)", r, now.Format(time.RFC3339)))
		holdRegion(run, r, waitingNote(o))
		log.InfoContext(ctx, "opt-in region enabled by Landfall; waiting for it")
	case optInDenied(err):
		endRegion(run, r, now, fmt.Sprintf("not attempted: region %s is not enabled for account %s, and Landfall may not enable it: %s; allow account:EnableRegion to the role Landfall assumes, or enable it yourself (%s), then re-run", r, run.Account.ID, provision.Message(err), enableCommand(r, run.Account.ID)))
		log.ErrorContext(ctx, "enabling the opt-in region was refused; its targets fail", "error", provision.Message(err))
	default:
		// A conflict (its status moved) or a failure past the retries:
		// the next step asks about the region again.
		holdRegion(run, r, fmt.Sprintf("waiting to enable region %s for the account (the last attempt failed: %s)", r, provision.Message(err)))
		log.WarnContext(ctx, "enabling the opt-in region failed; will try again", "error", provision.Message(err))
	}
}

func waitingNote(o *runstate.RegionOptIn) string {
	if o.EnabledAt.IsZero() {
		return fmt.Sprintf("waiting for region %s to be enabled for the account (%s)", o.Region, o.Status)
	}
	return fmt.Sprintf("waiting for region %s to be enabled for the account: Landfall enabled it at %s (%s)", o.Region, o.EnabledAt.Format(time.RFC3339), o.Status)
}

// holdRegion keeps the region's unfinished targets pending, each noting what
// it waits for: a run that reaches maxRunAge times them out with the note.
func holdRegion(run *runstate.Run, r, note string) {
	for i := range run.Targets {
		if t := &run.Targets[i]; t.Region == r && !t.Status.Final() {
			t.Note = runstate.Clip(note)
		}
	}
}

// releaseRegion clears the waiting notes of a region that is ready.
func releaseRegion(run *runstate.Run, r string) {
	for i := range run.Targets {
		if t := &run.Targets[i]; t.Region == r && t.Status == runstate.Pending {
			t.Note = ""
		}
	}
}

// endRegion fails the region's unfinished targets with msg; the region is
// done with (ready: never asked about again in this run).
func endRegion(run *runstate.Run, r string, now time.Time, msg string) {
	for i := range run.Targets {
		t := &run.Targets[i]
		if t.Region != r || t.Status.Final() {
			continue
		}
		t.Status, t.Error, t.Note, t.FinishedAt = runstate.Failed, runstate.Clip(msg), "", now
	}
	if o := run.RegionOptIn(r); o != nil {
		o.Ready = true
	}
}

func enableCommand(r, acct string) string {
	return "aws account enable-region --region-name " + r + " --account-id " + acct
}

func enableAdvice(r, acct string) string {
	return fmt.Sprintf("enable it (%s) or set enableOptInRegions: true in the plan, then re-run", enableCommand(r, acct))
}

// heldRegions lists the regions the gate holds back: asked about, not
// ready, with targets still unfinished.
func heldRegions(run *runstate.Run) []string {
	var out []string
	for _, o := range run.OptIn {
		if o.Ready {
			continue
		}
		for i := range run.Targets {
			if t := &run.Targets[i]; t.Region == o.Region && !t.Status.Final() {
				out = append(out, o.Region)
				break
			}
		}
	}
	return out
}

// without returns a copy of run without the targets in regions, and for
// each target kept its index in run. Dependencies are per region, so a
// region's targets can be left out whole.
func without(run *runstate.Run, regions []string) (*runstate.Run, []int) {
	view := *run
	view.Targets = nil
	var index []int
	for i := range run.Targets {
		if !slices.Contains(regions, run.Targets[i].Region) {
			view.Targets = append(view.Targets, run.Targets[i])
			index = append(index, i)
		}
	}
	return &view, index
}

// nextLook is how long the run waits before its next step: the engine's
// schedule for the targets it works on, and at most optInRecheck while a
// region is held back.
func (h *Handler) nextLook(run *runstate.Run) time.Duration {
	now, idle := h.now(), workqueue.Backoff(run.Idle+1)
	held := heldRegions(run)
	if len(held) == 0 {
		return h.Engine.NextLook(run, now, idle)
	}
	view, _ := without(run, held)
	if view.Complete() {
		return optInRecheck
	}
	return min(optInRecheck, h.Engine.NextLook(view, now, idle))
}

// fingerprintStatus summarises the targets' statuses and notes, to tell a
// step that changed something.
func fingerprintStatus(run *runstate.Run) string {
	b := make([]byte, 0, 64*len(run.Targets))
	for i := range run.Targets {
		t := &run.Targets[i]
		b = append(b, t.Status...)
		b = append(b, '|')
		b = append(b, t.Note...)
		b = append(b, ';')
	}
	return string(b)
}

// optInDenied reports whether AWS refused the role the call.
func optInDenied(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "AccessDeniedException" || ae.ErrorCode() == "AccessDenied")
}
