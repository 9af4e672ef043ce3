package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// readmeCommand is a shell command the README shows.
type readmeCommand struct {
	line  int
	text  string   // as written, without a prompt
	words []string // shell words of the last pipeline stage, environment assignments dropped
	stdin string   // what `echo '…' |` pipes into it
	// synopsis marks a command written with placeholders (PLAN, [--flag …],
	// <x>, a|b): only its command and flag names are checked.
	synopsis bool
	// want is the output the README shows after a `$ ` command in a block.
	want []string
}

var (
	commandStart = regexp.MustCompile(`^(?:[A-Z_]+=\S*\s+)*(landfall|go|make|aws|npx|echo|export)\s`)
	yamlCommand  = regexp.MustCompile(`landfall (?:validate|plan|status|invoke|runs|local)\b[^#]*`)
	placeholder  = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$|[\[\]<>…|]|\.\.\.$`)
)

// commands returns every command the README shows, in README order.
func (d *readmeDoc) commands() []readmeCommand {
	var all []readmeCommand
	// add records a command and returns its index, or -1 for other text.
	add := func(line int, text string) int {
		text = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "$ "))
		text = strings.Replace(text, "go run ./cmd/landfall ", "landfall ", 1)
		if !commandStart.MatchString(text + " ") {
			return -1
		}
		all = append(all, parseCommand(line, text))
		return len(all) - 1
	}
	snippets := append(slices.Clone(d.spans), d.lineOf...)
	slices.SortStableFunc(snippets, func(a, b readmeSnippet) int { return a.line - b.line })
	last := -1 // the transcript command whose output follows
	for _, s := range snippets {
		switch s.kind {
		case "yaml":
			if m := yamlCommand.FindString(s.text); strings.HasPrefix(s.text, "#") && m != "" {
				add(s.line, m)
			}
		case "inline", "indented", "sh":
			add(s.line, s.text)
		case "": // a console transcript: $ commands and their output
			if strings.HasPrefix(s.text, "$ ") {
				last = add(s.line, s.text)
			} else if last >= 0 && s.text != "" {
				all[last].want = append(all[last].want, s.context)
			}
		}
	}
	return all
}

// parseCommand splits a command into shell words.
func parseCommand(line int, text string) readmeCommand {
	c := readmeCommand{line: line, text: text}
	words := shellWords(text)
	if i := slices.Index(words, "|"); i > 0 && words[0] == "echo" {
		c.stdin, words = words[1], words[i+1:]
	}
	for len(words) > 0 && regexp.MustCompile(`^[A-Z_]+=`).MatchString(words[0]) && words[0] != "export" {
		words = words[1:]
	}
	c.words = words
	for _, w := range words {
		if placeholder.MatchString(w) || strings.Contains(w, "<") {
			c.synopsis = true
		}
	}
	return c
}

// shellWords splits on blanks outside single and double quotes.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	in, quote, started := rune(0), false, false
	for _, r := range s {
		switch {
		case quote && r == in:
			quote = false
		case quote:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in, started = true, r, true
		case r == '#' && !started && cur.Len() == 0:
			return words // a comment
		case r == ' ' || r == '\t':
			if started || cur.Len() > 0 {
				words = append(words, cur.String())
			}
			cur.Reset()
			started = false
		default:
			cur.WriteRune(r)
		}
	}
	if started || cur.Len() > 0 {
		words = append(words, cur.String())
	}
	return words
}

// landfallFlags runs `landfall CMD --help` and returns its flags: name ->
// whether it takes a value.
func landfallFlags(t *testing.T, cmd []string) (map[string]bool, bool) {
	t.Helper()
	r := landfall(t, "", append(slices.Clone(cmd), "--help")...)
	flags := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)( \S+)?$`).FindAllStringSubmatch(r.stderr, -1) {
		flags[m[1]] = m[2] != ""
	}
	return flags, r.code == 0 && strings.Contains(r.stderr, "Usage: landfall")
}

// subcommands are the commands' subcommands, which have flags of their own.
var subcommands = map[string][]string{"local": {"serve"}, "runs": runsCommands}

// landfallArgs splits a landfall command's words into its command path and
// arguments, and reports whether it is only a reference: no positional
// argument, no flag value and no stdin, so there is nothing to run.
func landfallArgs(c readmeCommand) (cmd, args []string) {
	cmd = []string{c.words[1]}
	args = c.words[2:]
	if len(args) > 0 && slices.Contains(subcommands[cmd[0]], args[0]) {
		cmd, args = append(cmd, args[0]), args[1:]
	}
	return cmd, args
}

// TestREADMECommands runs the README's landfall commands in-process, in
// README order, in a directory holding plan.yaml (the example plan, as the
// README has you copy it) and typo.yaml (the typos its transcript shows).
// Commands that need AWS run against `landfall local serve` with the
// README's own exports; the ones it calls offline run with AWS unreachable.
// Synopses and bare mentions are checked for their command and flags.
func TestREADMECommands(t *testing.T) {
	d := loadREADME(t)
	cmds := d.commands()
	if len(cmds) < 20 {
		t.Fatalf("found %d commands in README.md; the extraction is broken", len(cmds))
	}
	endpoint := serveForREADME(t)
	readmeWorkdir(t)
	ran := 0
	for _, c := range cmds {
		if len(c.words) == 0 {
			continue
		}
		switch c.words[0] {
		case "landfall":
			if runLandfallCommand(t, c, endpoint) {
				ran++
			}
		case "export":
			applyExports(t, c, endpoint)
		}
	}
	if ran < 8 {
		t.Errorf("ran %d README commands; expected the adoption steps and the transcript (at least 8)", ran)
	}
	for k, why := range readmeSkipped {
		t.Logf("not run: %s: %s", k, why)
	}
}

// runLandfallCommand checks one command and runs it when it is concrete.
func runLandfallCommand(t *testing.T, c readmeCommand, endpoint string) bool {
	t.Helper()
	if len(c.words) < 2 {
		return false
	}
	cmd, args := landfallArgs(c)
	if strings.Contains(cmd[0], "<") {
		checkEveryHelp(t, c)
		return false
	}
	flags, ok := landfallFlags(t, cmd)
	if !ok {
		t.Errorf("%s: `landfall %s` is not a command (%s)", readmeAt(c.line), strings.Join(cmd, " "), c.text)
		return false
	}
	positional, valued := false, false
	for i := 0; i < len(args); i++ {
		w := strings.Trim(args[i], "[]")
		if !strings.HasPrefix(w, "-") || w == "-" {
			positional = positional || (w != "" && w != "&")
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		takes, known := flags[name]
		if !known {
			t.Errorf("%s: `landfall %s` has no flag --%s (%s)", readmeAt(c.line), strings.Join(cmd, " "), name, c.text)
			continue
		}
		if takes && !hasValue {
			i++
			valued = true
		}
	}
	if c.synopsis || len(cmd) == 2 || strings.HasSuffix(c.text, "&") || (!positional && !valued && c.stdin == "") {
		return false
	}
	t.Run(fmt.Sprintf("line%d", c.line), func(t *testing.T) {
		if claimsOffline(cmd, args) {
			offline(t)
		}
		r := landfall(t, c.stdin, c.words[1:]...)
		checkREADMEResult(t, c, cmd, r)
	})
	return true
}

// checkEveryHelp checks `landfall <command> --help`: every command shows
// its flags and examples.
func checkEveryHelp(t *testing.T, c readmeCommand) {
	t.Helper()
	for _, cmd := range commands() {
		r := landfall(t, "", cmd.name, "--help")
		if r.code != 0 || !strings.Contains(r.stderr, "Flags:") || !strings.Contains(r.stderr, "Examples:") {
			t.Errorf("%s: `%s`: landfall %s --help exits %d without flags and examples:\n%s", readmeAt(c.line), c.text, cmd.name, r.code, r.stderr)
		}
	}
}

// claimsOffline reports the commands the README says run offline: validate
// without --org, plan with --ou, local.
func claimsOffline(cmd, args []string) bool {
	switch cmd[0] {
	case "validate":
		return !slices.Contains(args, "--org")
	case "plan":
		return slices.Contains(args, "--ou")
	case "local":
		return len(cmd) == 1
	}
	return false
}

// readmeClaims are what the README says a command's output shows.
var readmeClaims = map[string][]string{
	"landfall status --plan plan.yaml --drift-only": {"MISSING"}, // "Accounts that existed before Landfall show MISSING."
}

func checkREADMEResult(t *testing.T, c readmeCommand, cmd []string, r result) {
	t.Helper()
	wantCode := 0
	for _, w := range c.want {
		if strings.HasPrefix(w, "landfall "+cmd[0]+":") {
			wantCode = 1
		}
	}
	if r.code != wantCode {
		t.Errorf("%s: `%s` exits %d, want %d:\n%s", readmeAt(c.line), c.text, r.code, wantCode, firstLines(r.out+r.stderr, 6))
		return
	}
	if c.want != nil {
		got := strings.Split(strings.TrimRight(r.out+r.stderr, "\n"), "\n")
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: `%s` prints\n%s\nthe README shows\n%s", readmeAt(c.line), c.text, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
	for _, want := range readmeClaims[c.text] {
		if !strings.Contains(r.out, want) {
			t.Errorf("%s: `%s` output lacks %q, which the README says it shows:\n%s", readmeAt(c.line), c.text, want, r.out)
		}
	}
}

// serveForREADME starts `landfall local serve` in-process as the README's
// transcript does (on a free port rather than 4566) and returns its URL.
func serveForREADME(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"local", "serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errOut)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	addr := waitFor(t, &out, regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+)`), 30*time.Second)[1]
	awsEnv(t, addr)
	return addr
}

// applyExports sets the variables of a README `export` line, keeping the
// served endpoint's real port.
func applyExports(t *testing.T, c readmeCommand, endpoint string) {
	t.Helper()
	for _, w := range c.words[1:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			t.Errorf("%s: export %q is not NAME=value", readmeAt(c.line), w)
			continue
		}
		if k == "AWS_ENDPOINT_URL" {
			if v != "http://127.0.0.1:4566" {
				t.Errorf("%s: AWS_ENDPOINT_URL=%s, but `landfall local serve` listens on 127.0.0.1:4566 by default", readmeAt(c.line), v)
			}
			v = endpoint
		}
		t.Setenv(k, v)
	}
}

// readmeWorkdir makes the commands' working directory: plan.yaml, typo.yaml
// and the repository's internal/ for the sample events they name.
func readmeWorkdir(t *testing.T) {
	t.Helper()
	example, err := os.ReadFile(filepath.Join(repoRoot, "internal/plan/example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	typo := string(example)
	for _, r := range [][2]string{{"ous: [Security]", "ous: [Securty]"}, {"product: baseline-vpc ", "product: baseline-vcp "}, {"RetentionDays:", "RetentionDay:"}} {
		if !strings.Contains(typo, r[0]) {
			t.Fatalf("the example plan has no %q", r[0])
		}
		typo = strings.Replace(typo, r[0], r[1], 1)
	}
	dir := t.TempDir()
	abs, err := filepath.Abs(filepath.Join(repoRoot, "internal"))
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"plan.yaml": string(example), "typo.yaml": typo} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(abs, filepath.Join(dir, "internal")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
}

// firstLines keeps a failure message short.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
