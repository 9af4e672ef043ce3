package notify

import (
	"fmt"
	"strings"
)

// Refused renders the notice for a request Landfall will not act on because
// of the account it names (not in the organization, not ACTIVE, the
// management account the plan leaves out): nothing is assumed or
// provisioned, and this message is how the refusal is not lost.
// source says what asked ("CreateManagedAccount event <id>").
func Refused(acct AccountRef, source, reason string) Message {
	label := acct.ID
	if acct.Name != "" {
		label = acct.Name + " (" + acct.ID + ")"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Landfall refused to act on %s for account %s.\nReason: %s\n\n", source, label, reason)
	b.WriteString("Nothing was assumed or provisioned. If the account should get the plan's products, check it in Organizations (it must be an ACTIVE member of this organization) and the plan's selectors, then re-run it from the launch function.\n")
	return Message{
		Subject: Subject("Landfall: "+label, " refused"),
		Text:    b.String(),
		Doc: Document{
			Source: "landfall", Version: 1, Kind: "refused", Outcome: "REFUSED",
			Account: &acct, Message: source, Error: reason,
		},
	}
}

// PlanRefused renders the notice for a request Landfall will not act on
// because the plan does not hold against the organization or the catalog (a
// selector naming an OU that does not exist, a product not in its
// portfolio): acting on it could touch accounts or products nobody meant.
// source says what asked ("CreateManagedAccount event <id>", "manual payload").
func PlanRefused(source string, problem error) Message {
	var b strings.Builder
	fmt.Fprintf(&b, "Landfall refused to act on %s: the plan does not hold against the organization.\n\n%s\n\n", source, problem)
	b.WriteString("Nothing was queued. Fix the plan (`landfall validate --org PLAN` checks it in seconds), deploy it, then re-run what was refused from the launch function.\n")
	return Message{
		Subject: Subject("Landfall: plan refused", " for "+source),
		Text:    b.String(),
		Doc:     Document{Source: "landfall", Version: 1, Kind: "refused", Outcome: "REFUSED", Message: source, Error: problem.Error()},
	}
}
