package notify

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/landfall/landfall/internal/runstate"
)

// countLabel is a status and the words a summary counts it with.
type countLabel struct {
	status runstate.Status
	label  string
}

// countOrder is the order counts appear in subjects and bodies: failures
// last, where the eye lands.
var countOrder = []countLabel{
	{runstate.Succeeded, "succeeded"},
	{runstate.AlreadyProvisioned, "already provisioned"},
	{runstate.Outdated, "left outdated"},
	{runstate.Planned, "planned"},
	{runstate.Terminated, "terminated"},
	{runstate.Retirable, "retirable (retained)"},
	{runstate.Cancelled, "cancelled"},
	{runstate.Failed, "failed"},
	{runstate.Skipped, "skipped"},
	{runstate.TimedOut, "timed out"},
}

// CountsPhrase says "5 succeeded, 1 failed".
func CountsPhrase(r *runstate.Run) string {
	c := r.Counts()
	var parts []string
	for _, o := range countOrder {
		if n := c[o.status]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o.label))
		}
	}
	if len(parts) == 0 {
		return "no targets"
	}
	return strings.Join(parts, ", ")
}

// RunSummary renders the summary of a complete run, every target listed.
// Every field is bounded (bound.go), but a large run can still be too
// large for SNS: FitRunSummary is what gets published.
func RunSummary(r *runstate.Run, finished time.Time) Message {
	return summary(r, finished, whole)
}

// cut says how much of a run a summary shows.
type cut struct {
	// keep selects the targets listed; most lists no more than this many
	// of them (negative: all).
	keep func(*runstate.Target) bool
	most int
	// detail bounds each listed target's error and note, in bytes.
	detail int
	// notes bounds how many run notes are listed (the rest are counted),
	// note the bytes of each.
	notes, note int
	// rerun bounds the re-run payload: past it, a wider one that still
	// re-runs every target that did not end well (0: the exact one).
	rerun int
}

var (
	every  = func(*runstate.Target) bool { return true }
	notOK  = func(t *runstate.Target) bool { return !t.Status.OK() }
	noneOf = func(*runstate.Target) bool { return false }
)

// The cuts FitRunSummary tries, from everything to counts alone.
var (
	whole   = cut{keep: every, most: -1, detail: runstate.MaxMessage, notes: math.MaxInt, note: runstate.MaxMessage}
	failing = cut{keep: notOK, most: -1, detail: 200, notes: 10, note: 500, rerun: maxRerunBytes}
	// last fits whatever the run holds: every field it shows is bounded,
	// and so is the re-run payload (the account-wide one is a few dozen
	// bytes).
	last = cut{keep: noneOf, notes: 3, note: 200, rerun: 1 << 10}
)

// FitRunSummary renders the summary of a complete run within SNS's size
// limit: in full when it fits, else listing only the targets that did not
// end well with shortened messages (as many of them as fit), else counts,
// a few notes and the re-run payload alone. Every field is bounded, and a
// re-run payload too large to carry gives way to a wider one that still
// re-runs every failed target, so a summary is never dropped for being
// too large, whatever the run holds.
func FitRunSummary(r *runstate.Run, finished time.Time) Message {
	for _, c := range []cut{whole, failing} {
		if m := summary(r, finished, c); m.fits() {
			return m
		}
	}
	// Bisect the number of failed targets listed: lo fits, hi does not.
	lo, hi := -1, 0
	for i := range r.Targets {
		if notOK(&r.Targets[i]) {
			hi++
		}
	}
	for hi-lo > 1 {
		c := failing
		c.most = (lo + hi) / 2
		if summary(r, finished, c).fits() {
			lo = c.most
		} else {
			hi = c.most
		}
	}
	if lo >= 0 {
		c := failing
		c.most = lo
		return summary(r, finished, c)
	}
	return summary(r, finished, last)
}

// summary renders a run's summary as c cuts it. Counts always cover every
// target.
func summary(r *runstate.Run, finished time.Time, c cut) Message {
	outcome := r.Outcome()
	acct := boundAccount(AccountRef{ID: r.Account.ID, Name: r.Account.Name, OUID: r.Account.OU.ID, OUName: r.Account.OU.Name})
	run := RunInfo{ID: bound(r.ID, maxRunID), Trigger: bound(string(r.Trigger), maxTrigger), EventID: bound(r.EventID, maxEventID),
		RequestedBy: bound(r.RequestedBy, maxRequestedBy), StartedAt: r.StartedAt.UTC(), FinishedAt: finished.UTC()}
	counts := map[string]int{}
	for s, n := range r.Counts() {
		counts[string(s)] = n
	}
	doc := Document{
		Source:  "landfall",
		Version: 1,
		Kind:    "run-summary",
		Outcome: outcome,
		Account: &acct,
		Run:     &run,
		Counts:  boundCounts(counts),
	}
	var listed []runstate.Target
	for i := range r.Targets {
		if c.most >= 0 && len(listed) >= c.most {
			break
		}
		if !c.keep(&r.Targets[i]) {
			continue
		}
		t := boundTarget(&r.Targets[i], c.detail)
		listed = append(listed, t)
		doc.Targets = append(doc.Targets, TargetLine{
			Region: t.Region, Product: t.Product, Status: string(t.Status), Version: t.Version,
			ProvisionedProductID: t.ProvisionedProductID, RecordID: t.RecordID, Error: t.Error, Note: t.Note,
			Action: t.Action, ProvisionedProductName: t.ProvisionedProductName,
		})
	}
	var rerun json.RawMessage
	var form int
	if r.Stopped == "" {
		rerun, form = fittingRerun(r, c.rerun)
		doc.Rerun = rerun
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Landfall finished a run for account %s", refLabel(acct))
	if acct.OUID != "" {
		fmt.Fprintf(&b, " in OU %s (%s)", acct.OUName, acct.OUID)
	}
	fmt.Fprintf(&b, ".\nOutcome: %s - %s.\n", outcome, CountsPhrase(r))
	fmt.Fprintf(&b, "Trigger: %s", run.Trigger)
	if run.EventID != "" {
		fmt.Fprintf(&b, " (event %s)", run.EventID)
	}
	if run.RequestedBy != "" {
		fmt.Fprintf(&b, ", requested by %s (as the invocation said)", run.RequestedBy)
	}
	fmt.Fprintf(&b, "; run %s; started %s, finished %s.\n\n", run.ID, run.StartedAt.Format(time.RFC3339), run.FinishedAt.Format(time.RFC3339))
	writeTable(&b, listed)
	if left := len(r.Targets) - len(listed); left > 0 {
		fmt.Fprintf(&b, "(%d more targets are not listed: the full summary did not fit in one SNS message; `landfall status` shows them all.)\n", left)
	}
	for i, n := range r.Notes {
		if i >= c.notes {
			fmt.Fprintf(&b, "\n(%d more notes are not listed: they did not fit in one SNS message.)\n", len(r.Notes)-i)
			break
		}
		fmt.Fprintf(&b, "\nNote: %s\n", bound(n, c.note))
	}
	if r.Stopped != "" {
		fmt.Fprintf(&b, "\nStopped: %s. Landfall starts no new run for an account that is not active in the organization.\n", bound(r.Stopped, c.note))
	}
	if rerun != nil {
		const invoke = "invoke the launch function (Lambda console, Test tab) with"
		failed := len(failedPairs(r))
		switch {
		case failed == 0:
			fmt.Fprintf(&b, "\nTo retry the terminations that did not succeed, fix what kept them from finishing, then run the whole account again (a payload naming targets does not retire anything); %s:\n", invoke)
		case form == rerunExact:
			fmt.Fprintf(&b, "\nTo re-run only the targets that did not succeed, %s:\n", invoke)
		case form == rerunRegionsProducts:
			fmt.Fprintf(&b, "\nTo re-run what is missing or failed in the regions and products of the %d targets that did not succeed (naming each would not fit in one message), %s:\n", failed, invoke)
		default:
			fmt.Fprintf(&b, "\nTo re-run what is missing or failed in the account (%d targets did not succeed; naming them would not fit in one message), %s:\n", failed, invoke)
		}
		fmt.Fprintf(&b, "%s\n", rerun)
	}
	writeRetirement(&b, r, listed, form, c.note)
	return Message{
		Subject: accountSubject(r.Account.Name, r.Account.ID, CountsPhrase(r)),
		Text:    b.String(),
		Doc:     doc,
	}
}

// boundTarget is a copy of what a summary shows of t, every field bounded
// and the error and note to detail bytes.
func boundTarget(t *runstate.Target, detail int) runstate.Target {
	return runstate.Target{
		Region: bound(t.Region, maxRegion), Product: bound(t.Product, maxProduct), Status: runstate.Status(bound(string(t.Status), maxStatus)),
		Version: bound(t.Version, maxVersion), ProvisionedProductID: bound(t.ProvisionedProductID, maxResourceID), RecordID: bound(t.RecordID, maxResourceID),
		Error: bound(t.Error, detail), Note: bound(t.Note, detail),
		Action: bound(t.Action, maxStatus), ProvisionedProductName: bound(t.ProvisionedProductName, maxResourceID), Retirement: bound(t.Retirement, detail),
	}
}

// refLabel is "Name (ID)", or the ID alone when the name is unknown.
func refLabel(a AccountRef) string {
	if a.Name == "" {
		return a.ID
	}
	return a.Name + " (" + a.ID + ")"
}

func writeTable(b *strings.Builder, targets []runstate.Target) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tPRODUCT\tSTATUS\tVERSION\tDETAIL")
	for i := range targets {
		t := &targets[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Region, t.Product, t.Status, dash(t.Version), oneLine(detail(t)))
	}
	_ = tw.Flush()
}

// detail is the last column: the provisioned product, or the error.
func detail(t *runstate.Target) string {
	if t.Retiring() {
		return retireDetail(t)
	}
	switch {
	case t.Error != "":
		return t.Error
	case t.ProvisionedProductID != "" && t.Note != "":
		return t.ProvisionedProductID + " (" + t.Note + ")"
	case t.ProvisionedProductID != "":
		s := t.ProvisionedProductID
		if t.RecordID != "" {
			s += " record " + t.RecordID
		}
		return s
	default:
		return dash(t.Note)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps a table row on one line whatever AWS put in a message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// RerunPayload returns the console payload that re-runs just the targets
// that did not end well, or nil when there are none.
func RerunPayload(r *runstate.Run) json.RawMessage {
	rerun, _ := fittingRerun(r, 0)
	return rerun
}

// AccountFailed renders the notice for a Control Tower event reporting that
// account creation or update failed: nothing is provisioned. Everything it
// repeats from the event is bounded, Control Tower's message shortened
// further if the notice would not fit SNS otherwise.
func AccountFailed(acct AccountRef, eventName, eventID, ctMessage string) Message {
	acct = boundAccount(acct)
	eventName, eventID = bound(eventName, maxEventName), bound(eventID, maxEventID)
	label := refLabel(acct)
	if label == "" {
		label = "unknown account"
	}
	return shrinkToFit(func(limit int) Message {
		ct := bound(ctMessage, min(limit, maxCTMessage))
		var b strings.Builder
		fmt.Fprintf(&b, "Control Tower reported %s FAILED for %s", eventName, label)
		if acct.OUID != "" {
			fmt.Fprintf(&b, " in OU %s (%s)", acct.OUName, acct.OUID)
		}
		fmt.Fprintf(&b, ".\nControl Tower said: %s\n\nLandfall provisioned nothing. Once Control Tower succeeds (it emits UpdateManagedAccount when it retries), Landfall runs for the account automatically.\n", dash(ct))
		if eventID != "" {
			fmt.Fprintf(&b, "Event: %s\n", eventID)
		}
		return Message{
			Subject: accountSubject(acct.Name, acct.ID, eventName+" FAILED in Control Tower"),
			Text:    b.String(),
			Doc: Document{
				Source: "landfall", Version: 1, Kind: "account-failed", Outcome: "ACCOUNT_FAILED",
				Account: &acct, Message: ct, Run: nil, Error: eventName + " FAILED", EventID: eventID,
			},
		}
	})
}

// maxEventID bounds the event ID a notice repeats: CloudTrail's are
// UUIDs, but an event Landfall could not use may carry anything.
const maxEventID = 256

// InvalidEvent renders the notice for an event Landfall could not use. The
// event is acknowledged (retrying cannot fix it), so this message is how it is
// not lost: it carries the error and the event itself.
func InvalidEvent(eventID string, problem error, raw []byte) Message {
	// The event is echoed in the text and, escaped, in the JSON: shorten it
	// (and the problem, which may quote it) until the whole message fits
	// SNS's limit, however it escapes.
	eventID, why := bound(eventID, maxEventID), problem.Error()
	return shrinkToFit(func(limit int) Message {
		return invalidEvent(eventID, bound(why, min(limit, maxProblem)), raw, limit)
	})
}

func invalidEvent(eventID, problem string, raw []byte, maxEcho int) Message {
	echo := string(raw)
	if len(echo) > maxEcho {
		echo = runstate.ClipTo(echo, maxEcho) + " (truncated)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Landfall received an event it could not use and did not act on it.\nProblem: %s\n", problem)
	if eventID != "" {
		fmt.Fprintf(&b, "Event ID: %s\n", eventID)
	}
	fmt.Fprintf(&b, "\nThe event as received:\n%s\n", echo)
	return Message{
		Subject: Subject("Landfall: invalid event", " ignored"),
		Text:    b.String(),
		Doc: Document{Source: "landfall", Version: 1, Kind: "invalid-event", Outcome: "INVALID_EVENT", Error: problem, Message: echo,
			EventID: eventID},
	}
}
