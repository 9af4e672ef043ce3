package plan

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEShowsTheExample keeps the README's annotated plan identical to
// the embedded example, so the documentation cannot drift from what runs.
func TestREADMEShowsTheExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```yaml\n"+string(Example())+"```") {
		t.Error("README.md must show internal/plan/example.yaml verbatim in a yaml block; update the README")
	}
}
