package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/runstate"
)

// chatDescription is the message body in client-markdown (Slack's markup:
// *bold*, `code`, ``` blocks), built from bounded parts; ChatFor still cuts
// it to the documented limit as a last resort.
func chatDescription(d Document) string {
	switch d.Kind {
	case "run-summary":
		return runDescription(d)
	case "account-failed":
		return accountFailedDescription(d)
	case "refused":
		return refusedDescription(d)
	case "invalid-event":
		return invalidEventDescription(d)
	case KindDrift:
		return driftDescription(d)
	}
	return otherDescription(d)
}

func runDescription(d Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*Outcome:* %s: %s\n", line(d.Outcome, 40), clip(countsPhrase(d.Counts), maxChatCounts))
	writeAccount(&b, d.Account)
	if r := d.Run; r != nil {
		fmt.Fprintf(&b, "*Run:* `%s`, %s", line(r.ID, maxChatThreadID), line(r.Trigger, 64))
		if r.EventID != "" {
			fmt.Fprintf(&b, " event `%s`", line(r.EventID, maxChatThreadID))
		}
		fmt.Fprintf(&b, "\n*Time:* %s to %s", stamp(r.StartedAt), stamp(r.FinishedAt))
		if took := r.FinishedAt.Sub(r.StartedAt); !r.StartedAt.IsZero() && took >= 0 {
			fmt.Fprintf(&b, " (%s)", took.Round(time.Second))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	b.WriteString(targetTable(d, maxChatDescription-runes(b.String())))
	return b.String()
}

// writeAccount writes the "*Account:*" line, with the OU when known.
func writeAccount(b *strings.Builder, a *AccountRef) {
	fmt.Fprintf(b, "*Account:* %s", accountLabel(a))
	if a != nil && a.OUID != "" {
		fmt.Fprintf(b, " in OU %s (%s)", line(a.OUName, maxChatName), line(a.OUID, 64))
	}
	b.WriteString("\n")
}

// tableFooter is the most a table's "not listed" line takes.
const tableFooter = 260

// targetTable lists the targets the message is about in a code block, one
// aligned row each, as many as budget characters hold, and says how many
// it left out (counting those a shortened summary no longer carries).
func targetTable(d Document, budget int) string {
	rows, about, total, failing := tableTargets(d)
	if about == 0 {
		return ""
	}
	heading := fmt.Sprintf("*Targets (%d):*\n", about)
	if failing {
		heading = fmt.Sprintf("*Did not end well (%d of %d targets):*\n", about, total)
	}
	room := budget - runes(heading) - len("```\n```\n") - tableFooter
	var table strings.Builder
	listed := 0
	for _, l := range tableRows(rows) {
		if runes(table.String())+runes(l)+1 > room {
			break
		}
		table.WriteString(l + "\n")
		listed++
	}
	var b strings.Builder
	b.WriteString(heading)
	if listed > 0 {
		b.WriteString("```\n" + table.String() + "```\n")
	}
	if left := about - listed; left > 0 {
		fmt.Fprintf(&b, "… %d more targets not listed: the summary topic's message lists them", left)
		if d.Account != nil && awsid.IsAccountID(d.Account.ID) {
			fmt.Fprintf(&b, ", and `landfall status --accounts %s` shows them as they are now", d.Account.ID)
		}
		b.WriteString(".\n")
	}
	return b.String()
}

// tableTargets returns the rows to list (listedTargets), how many targets
// they stand for, how many the run had and whether they are the failing
// ones, from the counts, which cover every target even when a summary was
// shortened to fit SNS.
func tableTargets(d Document) (rows []TargetLine, about, total int, failing bool) {
	rows = listedTargets(d)
	bad := 0
	for status, n := range d.Counts {
		total += n
		if !runstate.Status(status).OK() {
			bad += n
		}
	}
	total = max(total, len(d.Targets))
	switch {
	case len(rows) > 0 && !runstate.Status(rows[0].Status).OK():
		return rows, max(bad, len(rows)), total, true
	case bad > 0: // a shortened summary kept none of the failed targets
		return nil, bad, total, true
	}
	return rows, total, total, false
}

// tableRows formats targets as aligned rows: region, product, status,
// version, detail (the error, else the provisioned product).
func tableRows(targets []TargetLine) []string {
	cells := make([][4]string, len(targets))
	var width [4]int
	for i, t := range targets {
		cells[i] = [4]string{line(t.Region, 30), line(t.Product, 50), line(t.Status, 20), line(dash(t.Version), 30)}
		for j, c := range cells[i] {
			width[j] = max(width[j], runes(c))
		}
	}
	out := make([]string, len(targets))
	for i, t := range targets {
		var b strings.Builder
		for j, c := range cells[i] {
			b.WriteString(c + strings.Repeat(" ", width[j]-runes(c)+2))
		}
		rt := runstate.Target{Error: t.Error, Note: t.Note, ProvisionedProductID: t.ProvisionedProductID, RecordID: t.RecordID}
		b.WriteString(line(detail(&rt), maxChatDetail))
		out[i] = clip(strings.TrimRight(b.String(), " "), maxChatTableRow)
	}
	return out
}

func accountFailedDescription(d Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*Control Tower reported:* %s\n", line(d.Error, 80))
	writeAccount(&b, d.Account)
	if d.EventID != "" {
		fmt.Fprintf(&b, "*Event:* `%s`\n", line(d.EventID, maxChatThreadID))
	}
	fmt.Fprintf(&b, "*Control Tower said:*\n%s\n", codeBlock(d.Message, maxChatBlock))
	b.WriteString("Landfall provisioned nothing. When Control Tower succeeds (it emits UpdateManagedAccount when it retries), Landfall runs for the account by itself.")
	return b.String()
}

func refusedDescription(d Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*Request:* %s\n", line(d.Message, 300))
	if d.Account == nil {
		fmt.Fprintf(&b, "*The plan does not hold against the organization:*\n%s\n", codeBlock(d.Error, 3*maxChatBlock))
		b.WriteString("Nothing was queued: acting on it could touch accounts or products nobody meant.")
		return b.String()
	}
	writeAccount(&b, d.Account)
	fmt.Fprintf(&b, "*Reason:*\n%s\n", codeBlock(d.Error, maxChatBlock))
	b.WriteString("Nothing was assumed or provisioned.")
	return b.String()
}

func invalidEventDescription(d Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*Problem:*\n%s\n", codeBlock(d.Error, maxChatBlock))
	if d.EventID != "" {
		fmt.Fprintf(&b, "*Event ID:* `%s`\n", line(d.EventID, maxChatThreadID))
	}
	fmt.Fprintf(&b, "*The event as received:*\n%s\n", codeBlock(d.Message, 2*maxChatBlock))
	b.WriteString("Landfall acknowledged the event and did nothing with it: retrying cannot make it usable.")
	return b.String()
}

// otherDescription covers kinds this renderer does not know yet.
func otherDescription(d Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*Outcome:* %s", line(d.Outcome, 40))
	if len(d.Counts) > 0 {
		fmt.Fprintf(&b, ": %s", clip(countsPhrase(d.Counts), maxChatCounts))
	}
	b.WriteString("\n")
	if d.Account != nil {
		writeAccount(&b, d.Account)
	}
	if d.Message != "" {
		fmt.Fprintf(&b, "%s\n", codeBlock(d.Message, maxChatBlock))
	}
	if d.Error != "" {
		fmt.Fprintf(&b, "*Error:*\n%s\n", codeBlock(d.Error, maxChatBlock))
	}
	b.WriteString(targetTable(d, maxChatDescription-runes(b.String())))
	return b.String()
}
