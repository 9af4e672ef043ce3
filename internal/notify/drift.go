package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Kind and outcome of a drift notification, as message attributes carry
// them (landfall.kind = drift, landfall.outcome = DRIFT): a subscription
// filters them in or out like any other kind.
const (
	KindDrift    = "drift"
	OutcomeDrift = "DRIFT"
)

// MaxDriftAccounts bounds the worst accounts a drift notification lists.
const MaxDriftAccounts = 10

// driftOrder is the order states appear in drift subjects and bodies (the
// status package's states other than OK), the ones people act on first.
var driftOrder = []string{"MISSING", "OUTDATED", "FAILED", "TAINTED", "UNWANTED", "UNREACHABLE", "UNVERIFIED", "IN_PROGRESS"}

// DriftInfo is what a scheduled drift check found, beyond the counts per
// state (Document.Counts) and the payload that fixes it (Document.Rerun).
type DriftInfo struct {
	// Plan names the plan compared with (its source and hash).
	Plan      string    `json:"plan"`
	CheckedAt time.Time `json:"checkedAt"`
	// Accounts counts the accounts checked; DriftedAccounts those with at
	// least one target not OK.
	Accounts        int `json:"accounts"`
	DriftedAccounts int `json:"driftedAccounts"`
	// Targets counts every target checked, OK ones included.
	Targets int `json:"targets"`
	// Worst are the accounts with the most targets not OK, at most
	// MaxDriftAccounts, worst first.
	Worst []DriftAccount `json:"worstAccounts"`
}

// DriftAccount is one account of a drift notification.
type DriftAccount struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// NotOK counts its targets not OK; Counts splits them by state.
	NotOK  int            `json:"notOk"`
	Counts map[string]int `json:"counts"`
}

// Drift renders the one notification of a drift check that found drift.
// counts are the targets per state (OK included); rerun is the manual
// payload that re-runs what is missing, failed or tainted (nil when none is).
// What it repeats is bounded; a re-run payload too large for a notification
// (or not JSON) is left out, and the text says how to re-run without it.
func Drift(info DriftInfo, counts map[string]int, rerun json.RawMessage) Message {
	worst := make([]DriftAccount, 0, min(len(info.Worst), MaxDriftAccounts))
	for _, a := range info.Worst[:min(len(info.Worst), MaxDriftAccounts)] {
		worst = append(worst, DriftAccount{ID: bound(a.ID, maxAccountID), Name: bound(a.Name, maxName), NotOK: a.NotOK, Counts: boundCounts(a.Counts)})
	}
	info.Worst = worst
	info.Plan = bound(info.Plan, maxPlanLabel)
	info.CheckedAt = info.CheckedAt.UTC()
	// RETIRABLE rows are retirement candidates the plan keeps: as planned.
	notOK := info.Targets - counts["OK"] - counts["RETIRABLE"]
	counts = boundCounts(counts)
	omitted := rerun != nil && (len(rerun) > maxRerunBytes || !json.Valid(rerun))
	if omitted {
		rerun = nil
	}
	return Message{
		Subject: Subject("", fmt.Sprintf("Landfall drift: %s in %d of %d accounts", driftPhrase(counts), info.DriftedAccounts, info.Accounts)),
		Text:    driftText(info, counts, notOK, rerun, omitted),
		Doc: Document{
			Source: "landfall", Version: 1, Kind: KindDrift, Outcome: OutcomeDrift,
			Counts: counts, Rerun: rerun, Drift: &info,
			Message: fmt.Sprintf("%d of %d targets in %d of %d accounts are not as the plan says", notOK, info.Targets, info.DriftedAccounts, info.Accounts),
		},
	}
}

// driftPhrase says "3 MISSING, 1 TAINTED" in drift order.
func driftPhrase(counts map[string]int) string {
	var parts []string
	for _, s := range driftOrder {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 0 {
		return "no drift"
	}
	return strings.Join(parts, ", ")
}

func driftText(info DriftInfo, counts map[string]int, notOK int, rerun json.RawMessage, omitted bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Landfall's drift check found %d of %d targets in %d of %d accounts not as the plan says.\n", notOK, info.Targets, info.DriftedAccounts, info.Accounts)
	fmt.Fprintf(&b, "Plan: %s\nChecked: %s\n\n", info.Plan, info.CheckedAt.Format(time.RFC3339))
	for _, s := range driftOrder {
		if n := counts[s]; n > 0 || isCoreDrift(s) {
			fmt.Fprintf(&b, "  %-12s %d\n", s, n)
		}
	}
	fmt.Fprintf(&b, "\nWorst accounts (%d of %d):\n", len(info.Worst), info.DriftedAccounts)
	for _, a := range info.Worst {
		fmt.Fprintf(&b, "  %s: %d not OK (%s)\n", driftAccountLabel(a), a.NotOK, driftPhrase(a.Counts))
	}
	b.WriteString("\nWhat fixes it:\n")
	for _, s := range driftFixes(counts, rerun, omitted) {
		b.WriteString("- " + s + "\n")
	}
	return b.String()
}

// isCoreDrift reports the states every drift notification shows, zero or not.
func isCoreDrift(s string) bool {
	switch s {
	case "MISSING", "OUTDATED", "FAILED", "TAINTED":
		return true
	}
	return false
}

func driftAccountLabel(a DriftAccount) string {
	if a.Name == "" {
		return a.ID
	}
	return a.Name + " (" + a.ID + ")"
}

// driftFixes say, per drifted state, what brings the targets back to the
// plan. omitted says a re-run payload was left out for its size.
func driftFixes(counts map[string]int, rerun json.RawMessage, omitted bool) []string {
	var out []string
	if omitted {
		out = append(out, "MISSING, FAILED and TAINTED: the payload that re-runs them is too large for a notification; invoke the launch function with the drift check's own selection and onlyMissing: true, which leaves alone what is already on the planned version.")
	}
	if rerun != nil {
		out = append(out, "MISSING, FAILED and TAINTED: re-run them with the launch function (landfall invoke, or the Lambda console's Test tab); onlyMissing leaves alone what is already on the planned version: "+string(rerun))
	}
	if counts["UNWANTED"] > 0 {
		out = append(out, "UNWANTED: provisioned products Landfall made that the plan no longer places, and whose retire is terminate; the account's next run terminates them (the re-run above, or any run of the account that names no products or regions). A dry run ({\"accounts\": [...], \"dryRun\": true}) shows what it would terminate.")
	}
	if counts["OUTDATED"] > 0 {
		out = append(out, "OUTDATED: runs leave a product on another version while its updatePolicy is leave. Set updatePolicy: update for the product (or change its pinned version) and deploy the plan; the next run updates it.")
	}
	if counts["UNREACHABLE"] > 0 {
		out = append(out, "UNREACHABLE: the execution role could not be assumed, or the region is not enabled for the account; `landfall status` shows the reason per target.")
	}
	if counts["UNVERIFIED"] > 0 {
		out = append(out, "UNVERIFIED: the planned version could not be resolved as the account sees the product. Right after switching to member roles, backfill once ({\"all\": true}) so the worker associates LandfallReader; otherwise `landfall validate --org PLAN` checks the plan against the catalog.")
	}
	if counts["IN_PROGRESS"] > 0 {
		out = append(out, "IN_PROGRESS: a change is under way; the next check shows how it ended.")
	}
	return append(out, "See every target as it is now: landfall status --all")
}
