package cli

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readmeSnippet is one piece of code README.md shows: an inline code span,
// a line of a fenced or indented code block, or a whole JSON block.
type readmeSnippet struct {
	line    int    // 1-based line in README.md where it starts
	text    string // the code, with `\|` of table cells read as `|`
	kind    string // "inline", or the fenced block's info string ("sh", "json", "yaml", "" ...), or "indented"
	section string // the nearest heading above it
	context string // the whole README line (for inline spans: the prose around it)
}

// readmeDoc is README.md split into what its tests check.
type readmeDoc struct {
	lines  []string
	spans  []readmeSnippet // inline code spans
	lineOf []readmeSnippet // every line of every code block, backslash continuations joined
	blocks []readmeSnippet // every fenced block whole
}

var inlineCode = regexp.MustCompile("`([^`]+)`")

// loadREADME reads and splits README.md.
func loadREADME(t *testing.T) *readmeDoc {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	d := &readmeDoc{lines: strings.Split(string(raw), "\n")}
	d.split()
	return d
}

func (d *readmeDoc) split() {
	section, fence := "", ""
	var block *readmeSnippet
	var body []string
	prevBlank := true
	for i := 0; i < len(d.lines); i++ {
		line := d.lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case block != nil && strings.HasPrefix(trimmed, fence):
			block.text = strings.Join(body, "\n")
			d.blocks = append(d.blocks, *block)
			block, body = nil, nil
		case block != nil:
			last := d.addBlockLine(i, trimmed, block.kind, section)
			body = append(body, d.lines[i:last+1]...)
			i = last
		case strings.HasPrefix(trimmed, "```"):
			fence = "```"
			block = &readmeSnippet{line: i + 2, kind: strings.TrimPrefix(trimmed, "```"), section: section}
		case strings.HasPrefix(line, "    ") && prevBlank && !strings.HasPrefix(trimmed, "-") && !startsNumbered(trimmed):
			for ; i < len(d.lines) && strings.HasPrefix(d.lines[i], "    "); i++ {
				i = d.addBlockLine(i, strings.TrimSpace(d.lines[i]), "indented", section)
			}
			i--
		default:
			if strings.HasPrefix(line, "#") {
				section = strings.TrimSpace(strings.TrimLeft(line, "#"))
			}
			for _, m := range inlineCode.FindAllStringSubmatch(line, -1) {
				d.spans = append(d.spans, readmeSnippet{line: i + 1, text: strings.ReplaceAll(m[1], `\|`, "|"),
					kind: "inline", section: section, context: line})
			}
		}
		prevBlank = trimmed == ""
	}
}

// addBlockLine records a code block's line i, joining lines that end with a
// backslash, and returns the index of the last line it used.
func (d *readmeDoc) addBlockLine(i int, text, kind, section string) int {
	start := i
	for strings.HasSuffix(text, `\`) && i+1 < len(d.lines) {
		i++
		text = strings.TrimSpace(strings.TrimSuffix(text, `\`)) + " " + strings.TrimSpace(d.lines[i])
	}
	d.lineOf = append(d.lineOf, readmeSnippet{line: start + 1, text: text, kind: kind, section: section, context: d.lines[start]})
	return i
}

var numbered = regexp.MustCompile(`^[0-9]+\. `)

func startsNumbered(s string) bool { return numbered.MatchString(s) }

// readmeAt formats a finding's location.
func readmeAt(line int) string { return fmt.Sprintf("README.md:%d", line) }

// TestREADMEMarkdownSplit pins the splitter on a small document, so the
// README checks cannot pass by extracting nothing.
func TestREADMEMarkdownSplit(t *testing.T) {
	d := &readmeDoc{lines: strings.Split("# Top\n\nRun `make demo` or `a \\| b`.\n\n```sh\nlandfall validate \\\n  plan.yaml\n```\n\n    go test ./x \\\n    -run TestY\n## Next\n- `z`", "\n")}
	d.split()
	var spans, lines []string
	for _, s := range d.spans {
		spans = append(spans, s.section+"|"+strconv.Itoa(s.line)+"|"+s.text)
	}
	for _, s := range d.lineOf {
		lines = append(lines, s.kind+"|"+strconv.Itoa(s.line)+"|"+s.text)
	}
	if got, want := strings.Join(spans, ";"), "Top|3|make demo;Top|3|a | b;Next|13|z"; got != want {
		t.Errorf("spans = %q, want %q", got, want)
	}
	if got, want := strings.Join(lines, ";"), "sh|6|landfall validate plan.yaml;indented|10|go test ./x -run TestY"; got != want {
		t.Errorf("block lines = %q, want %q", got, want)
	}
	if len(d.blocks) != 1 || d.blocks[0].line != 6 || d.blocks[0].kind != "sh" {
		t.Errorf("blocks = %+v, want one sh block from line 6", d.blocks)
	}
}
