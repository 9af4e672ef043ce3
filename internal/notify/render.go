package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/landfall/landfall/internal/runstate"
)

// countOrder is the order counts appear in subjects and bodies: failures
// last, where the eye lands.
var countOrder = []struct {
	status runstate.Status
	label  string
}{
	{runstate.Succeeded, "succeeded"},
	{runstate.AlreadyProvisioned, "already provisioned"},
	{runstate.Outdated, "left outdated"},
	{runstate.Planned, "planned"},
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
func RunSummary(r *runstate.Run, finished time.Time) Message {
	return summary(r, finished, func(*runstate.Target) bool { return true }, 0)
}

// FitRunSummary renders the summary of a complete run within SNS's size
// limit: in full when it fits, else listing only the targets that did not
// end well with shortened messages, else counts and the re-run payload alone.
// A summary is never dropped for being too large.
func FitRunSummary(r *runstate.Run, finished time.Time) Message {
	notOK := func(t *runstate.Target) bool { return !t.Status.OK() }
	for _, m := range []func() Message{
		func() Message { return RunSummary(r, finished) },
		func() Message { return summary(r, finished, notOK, 200) },
		func() Message { return summary(r, finished, func(*runstate.Target) bool { return false }, 0) },
	} {
		msg := m()
		if msg.Size() <= MaxPublishedBytes {
			return msg
		}
	}
	return summary(r, finished, func(*runstate.Target) bool { return false }, 0)
}

// summary renders a run's summary with the targets keep selects, each error
// and note cut to clip bytes (0: as stored). Counts always cover every target.
func summary(r *runstate.Run, finished time.Time, keep func(*runstate.Target) bool, clip int) Message {
	outcome := r.Outcome()
	doc := Document{
		Source:  "landfall",
		Version: 1,
		Kind:    "run-summary",
		Outcome: outcome,
		Account: &AccountRef{ID: r.Account.ID, Name: r.Account.Name, OUID: r.Account.OU.ID, OUName: r.Account.OU.Name},
		Run:     &RunInfo{ID: r.ID, Trigger: string(r.Trigger), EventID: r.EventID, StartedAt: r.StartedAt.UTC(), FinishedAt: finished.UTC()},
		Counts:  map[string]int{},
	}
	for s, n := range r.Counts() {
		doc.Counts[string(s)] = n
	}
	listed := make([]runstate.Target, 0, len(r.Targets))
	for i := range r.Targets {
		t := r.Targets[i]
		if !keep(&t) {
			continue
		}
		t.Error, t.Note = runstate.ClipTo(t.Error, clip), runstate.ClipTo(t.Note, clip)
		listed = append(listed, t)
		doc.Targets = append(doc.Targets, TargetLine{
			Region: t.Region, Product: t.Product, Status: string(t.Status), Version: t.Version,
			ProvisionedProductID: t.ProvisionedProductID, RecordID: t.RecordID, Error: t.Error, Note: t.Note,
		})
	}
	rerun := RerunPayload(r)
	if rerun != nil {
		doc.Rerun = rerun
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Landfall finished a run for account %s", r.Account.Label())
	if r.Account.OU.ID != "" {
		fmt.Fprintf(&b, " in OU %s (%s)", r.Account.OU.Name, r.Account.OU.ID)
	}
	fmt.Fprintf(&b, ".\nOutcome: %s - %s.\n", outcome, CountsPhrase(r))
	fmt.Fprintf(&b, "Trigger: %s", r.Trigger)
	if r.EventID != "" {
		fmt.Fprintf(&b, " (event %s)", r.EventID)
	}
	fmt.Fprintf(&b, "; run %s; started %s, finished %s.\n\n", r.ID, r.StartedAt.UTC().Format(time.RFC3339), finished.UTC().Format(time.RFC3339))
	writeTable(&b, listed)
	if left := len(r.Targets) - len(listed); left > 0 {
		fmt.Fprintf(&b, "(%d more targets are not listed: the full summary did not fit in one SNS message; `landfall status` shows them all.)\n", left)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	if rerun != nil {
		fmt.Fprintf(&b, "\nTo re-run only the targets that did not succeed, invoke the launch function (Lambda console, Test tab) with:\n%s\n", rerun)
	}
	return Message{
		Subject: Subject("Landfall: "+r.Account.Label(), " "+CountsPhrase(r)),
		Text:    b.String(),
		Doc:     doc,
	}
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
	type pair struct {
		Region  string `json:"region"`
		Product string `json:"product"`
	}
	var pairs []pair
	for i := range r.Targets {
		t := &r.Targets[i]
		if !t.Status.OK() {
			pairs = append(pairs, pair{t.Region, t.Product})
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	b, err := json.Marshal(struct {
		Accounts []string `json:"accounts"`
		Targets  []pair   `json:"targets"`
	}{[]string{r.Account.ID}, pairs})
	if err != nil {
		return nil // cannot happen: strings only
	}
	return b
}

// AccountFailed renders the notice for a Control Tower event reporting that
// account creation or update failed: nothing is provisioned.
func AccountFailed(acct AccountRef, eventName, eventID, ctMessage string) Message {
	label := acct.ID
	if acct.Name != "" {
		label = acct.Name + " (" + acct.ID + ")"
	}
	if label == "" || label == " ()" {
		label = "unknown account"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Control Tower reported %s FAILED for %s", eventName, label)
	if acct.OUID != "" {
		fmt.Fprintf(&b, " in OU %s (%s)", acct.OUName, acct.OUID)
	}
	fmt.Fprintf(&b, ".\nControl Tower said: %s\n\nLandfall provisioned nothing. Once Control Tower succeeds (it emits UpdateManagedAccount when it retries), Landfall runs for the account automatically.\n", dash(ctMessage))
	if eventID != "" {
		fmt.Fprintf(&b, "Event: %s\n", eventID)
	}
	return Message{
		Subject: Subject("Landfall: "+label, " "+eventName+" FAILED in Control Tower"),
		Text:    b.String(),
		Doc: Document{
			Source: "landfall", Version: 1, Kind: "account-failed", Outcome: "ACCOUNT_FAILED",
			Account: &acct, Message: ctMessage, Run: nil, Error: eventName + " FAILED", EventID: runstate.ClipTo(eventID, maxEventID),
		},
	}
}

// maxEventID bounds the event ID a document carries: CloudTrail's are
// UUIDs, but an event Landfall could not use may carry anything.
const maxEventID = 256

// InvalidEvent renders the notice for an event Landfall could not use. The
// event is acknowledged (retrying cannot fix it), so this message is how it is
// not lost: it carries the error and the event itself.
func InvalidEvent(eventID string, problem error, raw []byte) Message {
	// The event is echoed in the text and, escaped, in the JSON: shorten it
	// until the whole message fits SNS's limit, however it escapes.
	for limit := 64 << 10; ; limit /= 2 {
		m := invalidEvent(eventID, problem, raw, limit)
		if m.Size() <= MaxPublishedBytes || limit < 1<<10 {
			return m
		}
	}
}

func invalidEvent(eventID string, problem error, raw []byte, maxEcho int) Message {
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
		Doc: Document{Source: "landfall", Version: 1, Kind: "invalid-event", Outcome: "INVALID_EVENT", Error: problem.Error(), Message: echo,
			EventID: runstate.ClipTo(eventID, maxEventID)},
	}
}
