package cli

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/manual"
)

// The README checks (issue 13): every payload, command, make target, go
// test pattern, repository path, cdk.json key, environment variable and
// stack output README.md names must exist and, where it can run offline,
// run as the README says. A finding names the README line.

// readmeSkipped are the commands the README shows that need a real AWS
// account, the network or minutes of build; the test only checks the names
// they use (make targets, packages, patterns).
var readmeSkipped = map[string]string{
	"aws":                  "the AWS CLI is not installed here; the SDK calls it makes are replayed by TestServeAnswersTheREADMECommands",
	"npx":                  "cdk bootstrap and deploy need a real account",
	"make":                 "targets are checked to exist; make demo's recipe runs in-process, the others build, lint or deploy for minutes",
	"go test":              "packages, -run/-bench patterns and custom flags are checked to exist; running them is make test's job",
	"go install":           "the package is checked to exist",
	"export":               "applied as the environment of the commands that follow it",
	"36 resources":         "counting the stack's resources needs cdk synth; infra/stack's tests do it",
	"landfall local serve": "started once in-process on 127.0.0.1:0 for the commands that need AWS; its flags are checked",
}

// readmePlaceholderPayloads are payloads the README shows with a
// placeholder, deliberately not valid JSON.
var readmePlaceholderPayloads = map[string]string{
	`{"ous": […], "recursive": true, "onlyMissing": true}`: "… stands for the operator's OU IDs",
}

var firstKey = regexp.MustCompile(`^\{\s*"([A-Za-z]+)"`)

// localAnswer is `landfall local --json`'s answer, which the README shows
// abridged: its "runs" is a list, where a runs payload's is an object.
var localAnswer = regexp.MustCompile(`^\{\s*"runs"\s*:\s*\[`)

// readmeExampleRuns are the payload kinds about one existing run: the run
// ID the README shows is an example, so the local pipeline answers that it
// is not in the ledger, which still shows the payload decoded and reached
// the ledger.
var readmeExampleRuns = []manual.Kind{manual.KindRun, manual.KindCancel}

// readmePayload is a manual payload the README shows.
type readmePayload struct {
	line int
	text string
}

// notPayloadKey marks the JSON objects the README shows that are not
// manual payloads: answers and notifications (outcome, source), IAM
// policies (Version), filter policies (landfall.*), cdk.json (landfall:*).
// Every other object is a payload, so a typo in a key is caught.
func notPayloadKey(k string) bool {
	return slices.Contains([]string{"outcome", "source", "Version"}, k) ||
		strings.HasPrefix(k, "landfall.") || strings.HasPrefix(k, "landfall:")
}

// payloads returns every JSON object the README shows that is a manual
// payload: inline, in json blocks, and piped to landfall invoke.
func (d *readmeDoc) payloads(t *testing.T) []readmePayload {
	t.Helper()
	var cands []readmePayload
	for _, s := range d.spans {
		if strings.HasPrefix(s.text, "{") {
			cands = append(cands, readmePayload{s.line, s.text})
		}
	}
	for _, b := range d.blocks {
		if b.kind == "json" {
			cands = append(cands, readmePayload{b.line, strings.TrimSpace(b.text)})
		}
	}
	for _, c := range d.commands() {
		if c.stdin != "" {
			cands = append(cands, readmePayload{c.line, c.stdin})
		}
	}
	var out []readmePayload
	for _, c := range cands {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.text), &obj); err != nil {
			if m := firstKey.FindStringSubmatch(c.text); m != nil && manual.IsPayloadKey(m[1]) && !localAnswer.MatchString(c.text) {
				if _, ok := readmePlaceholderPayloads[c.text]; !ok {
					t.Errorf("%s: payload %s is not valid JSON (%v): fix it, or list it in readmePlaceholderPayloads with why", readmeAt(c.line), c.text, err)
				}
			}
			continue
		}
		if !slices.ContainsFunc(slices.Collect(maps.Keys(obj)), notPayloadKey) {
			out = append(out, c)
		}
	}
	return out
}

// TestREADMEPayloads decodes every payload the README shows with the launch
// function's decoder, then sends it through the local pipeline (`landfall
// local --event`, offline) against the default world and example plan: it
// must be answered, not refused, rejected or found to select nothing.
func TestREADMEPayloads(t *testing.T) {
	d := loadREADME(t)
	payloads := d.payloads(t)
	if len(payloads) < 8 {
		t.Fatalf("found %d payloads in README.md, expected the manual-invocation table's (at least 8)", len(payloads))
	}
	offline(t)
	dir := t.TempDir()
	for i, p := range payloads {
		req, err := manual.Decode([]byte(p.text))
		if err != nil {
			t.Errorf("%s: payload %s does not decode: %v", readmeAt(p.line), p.text, err)
			continue
		}
		file := filepath.Join(dir, "payload"+strconv.Itoa(i)+".json")
		if err := os.WriteFile(file, []byte(p.text), 0o600); err != nil {
			t.Fatal(err)
		}
		r := landfall(t, "", "local", "--json", "--event", file)
		var res struct {
			Invocations []struct {
				Response struct{ Outcome, Message, Error string }
			}
		}
		if err := json.Unmarshal([]byte(r.out), &res); err != nil || len(res.Invocations) != 1 {
			t.Errorf("%s: landfall local --event with %s: exit %d, no JSON answer: %v\n%s", readmeAt(p.line), p.text, r.code, err, r.stderr)
			continue
		}
		resp := res.Invocations[0].Response
		if slices.Contains(readmeExampleRuns, req.Kind()) && resp.Outcome == "invalid" && strings.Contains(resp.Error, "is not in the ledger") {
			continue
		}
		if r.code != 0 || slices.Contains([]string{"invalid", "refused", "nothing-to-do"}, resp.Outcome) {
			t.Errorf("%s: payload %s on the default world and example plan: exit %d, outcome %q: %s%s", readmeAt(p.line), p.text, r.code, resp.Outcome, resp.Message, resp.Error)
		}
	}
}

var didYouMeanKey = regexp.MustCompile(`^([A-Za-z]+): unknown key; did you mean "([A-Za-z]+)"\?$`)

// TestREADMEPayloadErrors checks the decoder's messages the README quotes.
func TestREADMEPayloadErrors(t *testing.T) {
	d := loadREADME(t)
	found := 0
	for _, s := range d.spans {
		m := didYouMeanKey.FindStringSubmatch(s.text)
		if m == nil {
			continue
		}
		found++
		_, err := manual.Decode([]byte(`{"` + m[1] + `": ["222222222222"]}`))
		if err == nil || !strings.Contains(err.Error(), s.text) {
			t.Errorf("%s: the README quotes %q, the decoder says %v", readmeAt(s.line), s.text, err)
		}
	}
	if found == 0 {
		t.Error("README.md quotes no did-you-mean for a payload key; the Manual invocations section used to")
	}
}

// offline points the AWS SDK at a closed port, so a command that claims to
// run offline fails if it calls AWS.
func offline(t *testing.T) {
	t.Helper()
	awsEnv(t, "http://127.0.0.1:1")
}
