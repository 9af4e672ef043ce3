package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func sampleDrift() (DriftInfo, map[string]int, json.RawMessage) {
	info := DriftInfo{
		Plan: "plan.yaml sha256:0123abcd", CheckedAt: t0, Accounts: 12, DriftedAccounts: 3, Targets: 48,
		Worst: []DriftAccount{
			{ID: "222222222222", Name: "LifeCycle1", NotOK: 3, Counts: map[string]int{"MISSING": 2, "TAINTED": 1}},
			{ID: "333333333333", Name: "Sandbox <!channel> @here", NotOK: 2, Counts: map[string]int{"OUTDATED": 2}},
			{ID: "444444444444", NotOK: 1, Counts: map[string]int{"FAILED": 1}},
		},
	}
	counts := map[string]int{"OK": 42, "MISSING": 2, "OUTDATED": 2, "FAILED": 1, "TAINTED": 1}
	return info, counts, json.RawMessage(`{"accounts":["222222222222","444444444444"],"onlyMissing":true}`)
}

func TestDriftGolden(t *testing.T) {
	m := Drift(sampleDrift())
	if want := "Landfall drift: 2 MISSING, 2 OUTDATED, 1 FAILED, 1 TAINTED in 3 of 12 accounts"; m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	golden(t, "drift.txt", []byte(m.Text))
	doc, err := json.MarshalIndent(m.Doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "drift.json", append(doc, '\n'))
	attrs := m.attributes()
	if got := *attrs[AttrKind].StringValue; got != "drift" {
		t.Errorf("landfall.kind = %q, want drift", got)
	}
	if got := *attrs[AttrOutcome].StringValue; got != "DRIFT" {
		t.Errorf("landfall.outcome = %q, want DRIFT", got)
	}
	if got := *attrs[AttrFailed].StringValue; got != "2" {
		t.Errorf("landfall.failed = %q, want 2 (FAILED + TAINTED)", got)
	}
}

func TestDriftChatGolden(t *testing.T) {
	n := chatGolden(t, "drift", Drift(sampleDrift()))
	if !strings.Contains(n.Content.Title, "2 MISSING, 2 OUTDATED, 1 FAILED, 1 TAINTED") {
		t.Errorf("title = %q, want the counts", n.Content.Title)
	}
	cmd := "`echo '{\"accounts\":[\"222222222222\",\"444444444444\"],\"onlyMissing\":true}' | landfall invoke -`"
	if len(n.Content.NextSteps) == 0 || !strings.Contains(n.Content.NextSteps[0], cmd) {
		t.Errorf("first step must be the re-run command %s: %q", cmd, n.Content.NextSteps)
	}
	if n.Metadata.EventType != "LandfallDrift" {
		t.Errorf("eventType = %q", n.Metadata.EventType)
	}
}

func TestDriftListsAtMostTheWorstTen(t *testing.T) {
	info, counts, _ := sampleDrift()
	info.Worst = nil
	for i := range 25 {
		info.Worst = append(info.Worst, DriftAccount{ID: fmt.Sprintf("1000000000%02d", i), NotOK: 25 - i, Counts: map[string]int{"MISSING": 25 - i}})
	}
	m := Drift(info, counts, nil)
	if len(m.Doc.Drift.Worst) != MaxDriftAccounts || m.Doc.Drift.Worst[0].ID != "100000000000" {
		t.Errorf("worst = %+v, want the first %d", m.Doc.Drift.Worst, MaxDriftAccounts)
	}
	if strings.Contains(m.Text, "100000000010") {
		t.Error("the eleventh account is listed")
	}
	if strings.Contains(m.Text, "MISSING, FAILED and TAINTED: re-run") {
		t.Error("a fix payload is offered without one")
	}
	chatGolden(t, "drift-no-rerun", m)
}
