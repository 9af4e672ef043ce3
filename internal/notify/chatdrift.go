package notify

import (
	"fmt"
	"strings"
)

// The chat form of a drift notification: the counts in the title, the
// worst accounts in a code block, and the fixes as next steps.

// driftTitle is "Landfall drift: 3 MISSING, 1 TAINTED in 2 of 12 accounts".
func driftTitle(d Document) string {
	drifted, accounts := 0, 0
	if d.Drift != nil {
		drifted, accounts = d.Drift.DriftedAccounts, d.Drift.Accounts
	}
	return fmt.Sprintf("Landfall drift: %s in %d of %d accounts", clip(driftPhrase(d.Counts), maxChatCounts), drifted, accounts)
}

func driftDescription(d Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*Drift:* %s\n", line(d.Message, 300))
	info := d.Drift
	if info == nil {
		return b.String()
	}
	fmt.Fprintf(&b, "*Plan:* `%s`\n*Checked:* %s\n\n", line(info.Plan, 200), stamp(info.CheckedAt))
	var rows strings.Builder
	for _, s := range driftOrder {
		if n := d.Counts[s]; n > 0 || isCoreDrift(s) {
			fmt.Fprintf(&rows, "%-12s %d\n", s, n)
		}
	}
	b.WriteString("```\n" + rows.String() + "```\n")
	fmt.Fprintf(&b, "*Worst accounts (%d of %d):*\n", len(info.Worst), info.DriftedAccounts)
	rows.Reset()
	for _, a := range info.Worst {
		label := line(a.ID, 40)
		if a.Name != "" {
			label = line(a.Name, maxChatName) + " (" + label + ")"
		}
		fmt.Fprintf(&rows, "%s\n", clip(fmt.Sprintf("%s: %d not OK (%s)", label, a.NotOK, driftPhrase(a.Counts)), maxChatTableRow))
	}
	if rows.Len() > 0 {
		b.WriteString("```\n" + rows.String() + "```\n")
	}
	return b.String()
}

// driftSteps offer the re-run payload as a command and as a console test
// event, then what else fixes the drift.
func driftSteps(d Document) []string {
	var steps []string
	if d.Rerun != nil {
		p := string(d.Rerun)
		steps = appendCommand(steps, "Re-run what is MISSING, FAILED or TAINTED: ", p)
		if c := codeStep("Or in the Lambda console, launch function, Test tab, with the event: ", p); c != "" {
			steps = append(steps, c)
		}
	}
	if d.Counts["OUTDATED"] > 0 {
		steps = append(steps, "OUTDATED targets need the product's updatePolicy set to update (or a pinned version change) in the plan; the next run updates them.")
	}
	return append(steps, "See every target as it is now: `landfall status --all`")
}
