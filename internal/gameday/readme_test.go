package gameday

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestReadmeTable checks that README.md's game-day table shows the rows a
// fresh game day prints, timings aside: after a change to Landfall or to a
// scenario, paste the output of `make gameday` into the README.
func TestReadmeTable(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := ParseMarkdown(string(raw))
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	var rows []Row
	for _, res := range playAll(t) {
		rows = append(rows, res.Row)
	}
	var fresh bytes.Buffer
	if err := WriteMarkdown(&fresh, rows); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		want := r.Invariant()
		if i >= len(readme) {
			t.Errorf("README.md lacks the row %q", strings.Join(want, " | "))
			continue
		}
		if !slices.Equal(readme[i], want) {
			t.Errorf("README.md row %d is\n\t%s\nbut a fresh game day prints\n\t%s", i+1, strings.Join(readme[i], " | "), strings.Join(want, " | "))
		}
	}
	for _, extra := range readme[min(len(readme), len(rows)):] {
		t.Errorf("README.md has a row no scenario prints: %s", strings.Join(extra, " | "))
	}
	if t.Failed() {
		t.Logf("the fresh table, to paste into README.md:\n%s", fresh.String())
	}
}

// TestMarkdownRoundTrip checks that the table printer's output reads back
// cell for cell, within surrounding prose.
func TestMarkdownRoundTrip(t *testing.T) {
	rows := []Row{
		{Scenario: "a", Planned: 6, Succeeded: 6, Summaries: "1", SummariesOK: true, Truthful: "yes", TruthOK: true},
		{Scenario: "b", Planned: 12, Succeeded: 0, Summaries: "0 (1 in DLQ, 1 in launch on-failure queue)", SummariesOK: true, Truthful: "yes", TruthOK: true},
	}
	var b bytes.Buffer
	b.WriteString("Some prose.\n\n")
	if err := WriteMarkdown(&b, rows); err != nil {
		t.Fatal(err)
	}
	b.WriteString("\nMore prose | with a bar |\n")
	got, err := ParseMarkdown(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !slices.Equal(got[0], rows[0].Invariant()) || !slices.Equal(got[1], rows[1].Invariant()) {
		t.Errorf("read back %q from\n%s", got, b.String())
	}
}
