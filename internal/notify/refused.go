package notify

import (
	"fmt"
	"strings"
)

// Refused renders the notice for a request Landfall will not act on because
// of the account it names (not in the organization, not ACTIVE, the
// management account the plan leaves out): nothing is assumed or
// provisioned, and this message is how the refusal is not lost.
// source says what asked ("CreateManagedAccount event <id>"). Everything
// it repeats is bounded, the reason shortened further if the notice would
// not fit SNS otherwise.
func Refused(acct AccountRef, source, reason string) Message {
	acct, source = boundAccount(acct), bound(source, maxSource)
	return shrinkToFit(func(limit int) Message {
		reason := bound(reason, min(limit, maxProblem))
		var b strings.Builder
		fmt.Fprintf(&b, "Landfall refused to act on %s for account %s.\nReason: %s\n\n", source, refLabel(acct), reason)
		b.WriteString("Nothing was assumed or provisioned. If the account should get the plan's products, check it in Organizations (it must be an ACTIVE member of this organization) and the plan's selectors, then re-run it from the launch function.\n")
		return Message{
			Subject: accountSubject(acct.Name, acct.ID, "refused"),
			Text:    b.String(),
			Doc: Document{
				Source: "landfall", Version: 1, Kind: "refused", Outcome: "REFUSED",
				Account: &acct, Message: source, Error: reason,
			},
		}
	})
}

// PlanRefused renders the notice for a request Landfall will not act on
// because the plan does not hold against the organization or the catalog (a
// selector naming an OU that does not exist, a product not in its
// portfolio): acting on it could touch accounts or products nobody meant.
// source says what asked ("CreateManagedAccount event <id>", "manual payload").
// A plan with many problems is listed as far as SNS's limit allows.
func PlanRefused(source string, problem error) Message {
	source, why := bound(source, maxSource), problem.Error()
	return shrinkToFit(func(limit int) Message {
		why := bound(why, min(limit, maxProblem))
		var b strings.Builder
		fmt.Fprintf(&b, "Landfall refused to act on %s: the plan does not hold against the organization.\n\n%s\n\n", source, why)
		b.WriteString("Nothing was queued. Fix the plan (`landfall validate --org PLAN` checks it in seconds), deploy it, then re-run what was refused from the launch function.\n")
		return Message{
			// The source is shortened, not the words that say what happened.
			Subject: Subject("Landfall: plan refused for "+source, ""),
			Text:    b.String(),
			Doc:     Document{Source: "landfall", Version: 1, Kind: "refused", Outcome: "REFUSED", Message: source, Error: why},
		}
	})
}
