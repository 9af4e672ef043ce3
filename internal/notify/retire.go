package notify

import (
	"fmt"
	"strings"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/runstate"
)

// Retirement candidates in a run summary (runstate's retire.go). Each is a
// target line like any other, its detail naming the provisioned product and
// why the plan no longer places it; a summary cut to fit SNS lists only
// what did not end well, so the retained and terminated ones it leaves out
// get one short line each in a section of their own:
//
//	terminated: landfall-old-product in us-west-2 (pp-abc): old-product is no longer a product of the plan; retire is terminate
//	retirable: landfall-old-product in us-west-1 (pp-def), retained (retire: retain): ...; set retire: terminate at the top of the plan to remove it
//
// A termination that failed is re-run by a run of the whole account (a
// payload naming targets looks for no candidates), which the summary says
// when its re-run payload names targets.

// maxRetireLines bounds the section's lines, so a summary always fits.
const maxRetireLines = 20

// retireDetail is a candidate's detail column.
func retireDetail(t *runstate.Target) string {
	what := strings.TrimSpace(t.ProvisionedProductName + " " + t.ProvisionedProductID)
	switch t.Status {
	case runstate.Terminated:
		s := "terminated " + what
		if t.Note != "" {
			s += " (" + t.Note + ")"
		}
		return s + ": " + t.Retirement
	case runstate.Retirable:
		return what + ": " + t.Retirement
	case runstate.Planned:
		return dash(t.Note)
	}
	if t.Error != "" && strings.Contains(t.Error, t.ProvisionedProductID) {
		return t.Error
	}
	if t.Error != "" {
		return t.Error + " [" + what + "]"
	}
	return what + ": " + dash(t.Note)
}

// retireFailed reports whether a termination of r did not succeed.
func retireFailed(r *runstate.Run) bool {
	for i := range r.Targets {
		if t := &r.Targets[i]; t.Action == runstate.ActionTerminate && !t.Status.OK() {
			return true
		}
	}
	return false
}

// writeRetirement writes the candidates the table did not list, and, when
// the re-run payload names targets, how to retry failed terminations.
func writeRetirement(b *strings.Builder, r *runstate.Run, listed []runstate.Target, form, detail int) {
	shown := map[string]bool{}
	for i := range listed {
		shown[listed[i].Key()] = true
	}
	var lines []string
	for i := range r.Targets {
		t := &r.Targets[i]
		if !t.Retiring() || shown[t.Key()] || (t.Status != runstate.Terminated && t.Status != runstate.Retirable) {
			continue
		}
		verb, sep := "terminated", ": "
		if t.Status == runstate.Retirable {
			verb, sep = "retirable", ", "
		}
		lines = append(lines, fmt.Sprintf("%s: %s in %s (%s)%s%s", verb, bound(t.ProvisionedProductName, maxResourceID), bound(t.Region, maxRegion),
			bound(t.ProvisionedProductID, maxResourceID), sep, bound(t.Retirement, min(detail, 300))))
	}
	if len(lines) > 0 {
		b.WriteString("\nRetirement candidates (provisioned products Landfall made that the plan no longer places here):\n")
		for i, l := range lines {
			if i == maxRetireLines {
				fmt.Fprintf(b, "(%d more are not listed; `landfall status` shows them all.)\n", len(lines)-i)
				break
			}
			b.WriteString(oneLine(l) + "\n")
		}
	}
	if r.Stopped == "" && retireFailed(r) && len(failedPairs(r)) > 0 && form != rerunAccount && awsid.IsAccountID(r.Account.ID) {
		fmt.Fprintf(b, "\nThe payload above does not retry the terminations that did not succeed: once fixed, run the whole account again: %s\n",
			rerunForm([]string{r.Account.ID}, nil, rerunAccount).payload)
	}
}
