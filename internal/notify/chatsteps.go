package notify

import (
	"encoding/json"
	"strings"

	"github.com/landfall/landfall/internal/awsid"
)

// chatSteps are the next steps a reader can take from the channel: the
// re-run payload as a `landfall invoke` command line and as the Lambda
// console's test event, and where to look next. A command that cannot fit
// its step whole is left out or replaced by a shorter one that still
// covers the failed targets, never cut: a cut command would run something
// else or nothing.
func chatSteps(d Document) []string {
	id := ""
	if d.Account != nil && awsid.IsAccountID(d.Account.ID) {
		id = d.Account.ID
	}
	var steps []string
	switch d.Kind {
	case "run-summary":
		steps = rerunSteps(d)
		if id != "" {
			steps = append(steps, "See the account's targets as they are now: `landfall status --accounts "+id+"`")
		}
	case "account-failed":
		steps = append(steps, "Find out why in the Control Tower console (Account Factory) and fix it there; Landfall runs for the account when Control Tower reports it SUCCEEDED.")
		steps = appendCommand(steps, "To run Landfall for the account by hand afterwards: ", accountsPayload(id))
	case "refused":
		if d.Account == nil {
			steps = append(steps, "Check the plan against the organization: `landfall validate --org PLAN`",
				"Fix the plan and deploy it, then re-run what was refused with `landfall invoke`.")
			break
		}
		steps = append(steps, "Check the account in Organizations: it must be an ACTIVE member of this organization (the management account only if the plan includes it).")
		steps = appendCommand(steps, "If it should get the plan's products, run it: ", accountsPayload(id))
	case KindDrift:
		steps = driftSteps(d)
	case "invalid-event":
		steps = append(steps, "The summary topic's message (email or JSON) holds the event as received.",
			"To provision an account by hand, send a manual payload instead: `echo '{\"accounts\":[\"123456789012\"]}' | landfall invoke -`")
	}
	return steps
}

// rerunSteps offer the document's re-run payload, or the narrowest shorter
// payload that still re-runs every target that did not succeed, as a
// command and as a console test event.
func rerunSteps(d Document) []string {
	if d.Rerun == nil {
		return nil
	}
	for _, alt := range rerunPayloads(d.Rerun) {
		cmd := commandStep(alt.intro, alt.payload)
		console := codeStep("Or in the Lambda console, launch function, Test tab, with the event: ", alt.payload)
		if cmd != "" && console != "" {
			return []string{cmd, console}
		}
	}
	return nil
}

// rerunPayloads are the exact payload, then the failed targets' regions x
// products, then the whole account, missing or failed only (rerunForms). A
// summary shortened to fit SNS may carry a wider form already: then it and
// the forms wider than it.
func rerunPayloads(exact json.RawMessage) []rerunAlternative {
	var r struct {
		Accounts []string    `json:"accounts"`
		Regions  []string    `json:"regions"`
		Targets  []rerunPair `json:"targets"`
	}
	if json.Unmarshal(exact, &r) != nil || len(r.Accounts) == 0 {
		return []rerunAlternative{{"Re-run the targets that did not succeed: ", string(exact)}}
	}
	if len(r.Targets) > 0 {
		return rerunForms(r.Accounts, r.Targets)
	}
	whole, err := json.Marshal(map[string]any{"accounts": r.Accounts, "onlyMissing": true})
	if err != nil {
		return nil // cannot happen: strings and a bool
	}
	account := rerunAlternative{"Re-run what is missing or failed in the account: ", string(whole)}
	if r.Regions == nil {
		return []rerunAlternative{account}
	}
	return []rerunAlternative{{"Re-run what is missing or failed in the regions and products of the targets that did not succeed: ", string(exact)}, account}
}

// accountsPayload is the manual payload that runs the plan for one
// account, or "" without a usable account ID.
func accountsPayload(id string) string {
	if id == "" {
		return ""
	}
	return `{"accounts":["` + id + `"]}`
}

// appendCommand appends the `landfall invoke` step for payload when it fits.
func appendCommand(steps []string, intro, payload string) []string {
	if s := commandStep(intro, payload); s != "" {
		return append(steps, s)
	}
	return steps
}

// commandStep is intro followed by the shell command that sends payload to
// the launch function, or "" when it does not fit a step whole.
func commandStep(intro, payload string) string {
	if payload == "" {
		return ""
	}
	return codeStep(intro, "echo '"+strings.ReplaceAll(payload, "'", `'\''`)+"' | landfall invoke -")
}

// codeStep is intro followed by code in a code span, or "" when the code
// would not survive as written (a character chat markup acts on) or the
// step would be longer than a step may be.
func codeStep(intro, code string) string {
	s := intro + "`" + code + "`"
	if code == "" || inert(code, false) != code || runes(s) > maxChatStep {
		return ""
	}
	return s
}
