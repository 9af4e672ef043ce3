package localaws

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEWorldParses keeps the world file shown in the README valid.
func TestREADMEWorldParses(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "### The world file")
	if !ok {
		t.Fatal(`README.md has no "### The world file" section`)
	}
	_, block, ok := strings.Cut(rest, "```yaml\n")
	if !ok {
		t.Fatal("the world file section has no yaml block")
	}
	block, _, _ = strings.Cut(block, "```")
	if _, err := ParseWorld([]byte(block), "README.md"); err != nil {
		t.Errorf("the README's world file is invalid:\n%v", err)
	}
}
