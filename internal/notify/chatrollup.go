package notify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The chat form of a backfill's roll-up: the run outcomes in the title,
// the causes in a code block, the re-run payload as next steps, threaded
// by the backfill's request ID. Built from the document alone, like every
// chat form, so it is whatever the summary topic's message kept.

// rollUpChat renders a roll-up document as a custom notification.
func rollUpChat(d Document) ChatNotification {
	info := d.RollUp
	if info == nil {
		info = &RollUpInfo{}
	}
	title := rollUpTitle(d, info)
	return ChatNotification{
		Version: "1.0",
		Source:  "custom",
		Content: ChatContent{
			TextType:    "client-markdown",
			Title:       clip(outcomeEmoji(d.Outcome)+" "+title, maxChatTitle),
			Description: clipSaying(rollUpDescription(d, info), maxChatDescription),
			NextSteps:   boundSteps(rollUpSteps(d, info)),
			Keywords:    rollUpKeywords(d, info),
		},
		Metadata: ChatMetadata{
			ThreadID:          chatThreadID(cmp.Or(info.RequestID, "landfall-"+KindRollUp)),
			Summary:           clip(title, maxChatSummary),
			EventType:         "Landfall" + camel(KindRollUp),
			RelatedResources:  rollUpResources(info),
			AdditionalContext: rollUpContext(d, info),
		},
	}
}

// rollUpTitle is "Landfall backfill of 200 accounts PARTIAL: 196
// succeeded, 4 failed (2 causes)".
func rollUpTitle(d Document, info *RollUpInfo) string {
	return fmt.Sprintf("Landfall %s of %d accounts %s: %s (%s)", line(cmp.Or(info.Trigger, "backfill"), 30), info.Runs, line(d.Outcome, 40),
		clip(outcomesPhrase(info.Outcomes), maxChatCounts), causesPhrase(len(info.Causes)+info.CausesNotListed, info.DroppedFailures))
}

func rollUpDescription(d Document, info *RollUpInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*Outcome:* %s\n*Runs (%d):* %s\n", line(d.Outcome, 40), info.Runs, clip(outcomesPhrase(info.Outcomes), maxChatCounts))
	fmt.Fprintf(&b, "*Targets:* %s\n", clip(countsPhrase(d.Counts), maxChatCounts))
	if info.RequestedBy != "" {
		fmt.Fprintf(&b, "*Requested by:* %s (as the invocation said)\n", line(info.RequestedBy, 300))
	}
	fmt.Fprintf(&b, "*Request:* `%s`, %s\n", line(cmp.Or(info.RequestID, "-"), maxChatThreadID), line(cmp.Or(info.Trigger, "backfill"), 64))
	fmt.Fprintf(&b, "*Time:* %s to %s", stamp(info.StartedAt), stamp(info.FinishedAt))
	if took := info.FinishedAt.Sub(info.StartedAt); !info.StartedAt.IsZero() && took >= 0 {
		fmt.Fprintf(&b, " (%s)", took.Round(time.Second))
	}
	b.WriteString("\n\n")
	b.WriteString(causeTable(info, maxChatDescription-runes(b.String())))
	return b.String()
}

// causeTable lists the causes in a code block, three lines each (what,
// the example error, the accounts), as many as budget characters hold,
// and says how many it left out, counting those the summary topic's
// message did not keep.
func causeTable(info *RollUpInfo, budget int) string {
	causes := len(info.Causes) + info.CausesNotListed
	if causes == 0 && info.DroppedFailures == 0 {
		return ""
	}
	heading := fmt.Sprintf("*Causes (%d), most failed targets first:*\n", causes)
	room := budget - runes(heading) - len("```\n```\n") - 2*tableFooter
	var table strings.Builder
	listed, failures := 0, 0
	for _, c := range info.Causes {
		rows := causeRows(c)
		if runes(table.String())+runes(rows) > room {
			break
		}
		table.WriteString(rows)
		listed++
		failures += c.Count
	}
	var b strings.Builder
	b.WriteString(heading)
	if listed > 0 {
		b.WriteString("```\n" + table.String() + "```\n")
	}
	if left := causes - listed; left > 0 {
		total := info.FailuresNotListed
		for _, c := range info.Causes[listed:] {
			total += c.Count
		}
		where := "the summary topic's message lists them"
		if info.CausesNotListed > 0 {
			where = "`landfall runs --status FAILED` and `landfall runs --status PARTIAL` list the runs that did not succeed"
		}
		fmt.Fprintf(&b, "… %s (%s) not listed here: %s.\n", plural(left, "more cause"), plural(total, "failed target"), where)
	}
	if info.DroppedFailures > 0 {
		fmt.Fprintf(&b, "… %s in no cause: the ledger keeps a bounded number of a backfill's failures.\n", plural(info.DroppedFailures, "more failed target"))
	}
	return b.String()
}

// maxChatCauseError bounds a cause's example error: longer than a
// target's in a run's table, as it is what the reader came for.
const maxChatCauseError = 300

// causeRows are a cause's three lines in the table.
func causeRows(c RollUpCause) string {
	what := clip(fmt.Sprintf("%s %s in %s: %s", line(dash(c.Status), 20), line(dash(c.Product), 50), line(dash(c.Region), 30), plural(c.Count, "target")), maxChatTableRow)
	return what + "\n  " + line(dash(c.Error), maxChatCauseError) + "\n  " + accountsRow(c) + "\n"
}

// accountsRow is "222222222222 LifeCycle1, 333333333333" within a table
// row, ending in "+N more" for the accounts it leaves out.
func accountsRow(c RollUpCause) string {
	total := len(c.Accounts) + c.AccountsNotListed
	var parts []string
	for i, a := range c.Accounts {
		label := strings.TrimSpace(line(a.ID, 40) + " " + line(a.Name, 40))
		if runes(strings.Join(append(parts, label, moreAccounts(total-i-1)), ", ")) > maxChatTableRow-2 {
			return strings.Join(append(parts, moreAccounts(total-i)), ", ")
		}
		parts = append(parts, label)
	}
	if c.AccountsNotListed > 0 {
		parts = append(parts, moreAccounts(c.AccountsNotListed))
	}
	return dash(strings.Join(parts, ", "))
}

// moreAccounts says "+3 more"; "" for none.
func moreAccounts(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("+%d more", n)
}

// rollUpSteps offer the re-run payload as a command and a console event,
// then where to look next.
func rollUpSteps(d Document, info *RollUpInfo) []string {
	if len(info.Causes) == 0 && info.CausesNotListed == 0 && info.DroppedFailures == 0 && notOKCount(d.Counts) <= 0 {
		return nil // nothing to re-run or look into
	}
	steps := rollUpRerunSteps(d.Rerun)
	if info.DroppedFailures > 0 && d.Rerun != nil {
		steps = appendSelection(steps, "The payload names only the failed targets the ledger kept; for all of them, ")
	}
	steps = append(steps, "List the runs that did not succeed: `landfall runs --status FAILED` and `landfall runs --status PARTIAL`")
	if len(info.Causes) > 0 && plainID(info.Causes[0].ExampleRun, maxRunID) {
		steps = appendCode(steps, "See the first cause's example run: ", "landfall runs show "+info.Causes[0].ExampleRun)
	}
	return steps
}

// rollUpRerunSteps offer the document's re-run payload, or the narrowest
// wider one that fits a step, as a command and as a console test event;
// the backfill's own selection with onlyMissing when none fits.
func rollUpRerunSteps(rerun json.RawMessage) []string {
	for _, alt := range rollUpAlternatives(rerun) {
		cmd := commandStep(alt.intro, alt.payload)
		console := codeStep("Or in the Lambda console, launch function, Test tab, with the event: ", alt.payload)
		if cmd != "" && console != "" {
			return []string{cmd, console}
		}
	}
	if rerun != nil {
		return appendSelection(nil, "The re-run payload is too long for a step (the summary topic's message has it); or ")
	}
	return appendSelection(nil, "The failed accounts are too many to name in one message; ")
}

// rollUpAlternatives are the payloads that re-run what rerun does, itself
// first, then the wider forms (rollUpPayload).
func rollUpAlternatives(rerun json.RawMessage) []rerunAlternative {
	var r rollUpRerun
	if len(rerun) == 0 || json.Unmarshal(rerun, &r) != nil || len(r.Accounts) == 0 {
		return nil
	}
	intros := []string{
		rollUpTargets:  "Re-run every failed target and nothing that is fine: ",
		rollUpSpans:    "Re-run what is missing or failed in the failed accounts, regions and products: ",
		rollUpAccounts: "Re-run what is missing or failed in the failed accounts: ",
	}
	first := rollUpAccounts
	switch {
	case r.Targets != nil:
		first = rollUpTargets
	case r.Regions != nil || r.Products != nil:
		first = rollUpSpans
	}
	out := []rerunAlternative{{intros[first], string(rerun)}}
	for form := first + 1; form < rollUpSelection; form++ {
		out = append(out, rerunAlternative{intros[form], rollUpPayload(r.Accounts, r.Targets, form)})
	}
	return out
}

// appendSelection appends the step that re-runs the failed targets
// without naming them: the backfill's own selection again, with
// onlyMissing.
func appendSelection(steps []string, intro string) []string {
	return appendCode(steps, intro+`re-run the backfill's own selection (its "ous", or "all") with onlyMissing, which leaves alone what is already on the planned version: `,
		`echo '{"all":true,"onlyMissing":true}' | landfall invoke -`)
}

// appendCode appends intro and code as a step when it fits.
func appendCode(steps []string, intro, code string) []string {
	if s := codeStep(intro, code); s != "" {
		return append(steps, s)
	}
	return steps
}

// rollUpKeywords are the outcome, the kind, the trigger and the regions of
// the causes listed; regions beyond the bound are counted in a last one.
func rollUpKeywords(d Document, info *RollUpInfo) []string {
	kw := []string{d.Outcome, d.Kind, cmp.Or(info.Trigger, "backfill")}
	var regions []string
	for _, c := range info.Causes {
		if !slices.Contains(regions, c.Region) {
			regions = append(regions, c.Region)
		}
	}
	if room := maxChatKeywords - len(kw); len(regions) > room {
		regions = append(regions[:room-1], fmt.Sprintf("+%d regions", len(regions)-room+1))
	}
	var out []string
	for _, k := range append(kw, regions...) {
		if k = line(k, maxChatKeyword); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// rollUpResources are the failed accounts of the causes listed, the most
// failed first.
func rollUpResources(info *RollUpInfo) []string {
	var out []string
	for _, c := range info.Causes {
		for _, a := range c.Accounts {
			if id := line(a.ID, maxChatResource); id != "" && len(out) < maxChatResources && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// rollUpContext carries the backfill's facts for custom actions and
// search: ten keys, each value bounded.
func rollUpContext(d Document, info *RollUpInfo) map[string]string {
	ctx := map[string]string{
		"kind": d.Kind, "outcome": d.Outcome, "requestId": info.RequestID, "trigger": info.Trigger, "requestedBy": info.RequestedBy,
		"startedAt": stamp(info.StartedAt), "finishedAt": stamp(info.FinishedAt), "runs": strconv.Itoa(info.Runs),
		"outcomes": outcomesPhrase(info.Outcomes), "counts": countsPhrase(d.Counts),
	}
	return boundContext(ctx)
}
