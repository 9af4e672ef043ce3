package launch

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/lifecycle"
	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/runstate"
	"github.com/landfall/landfall/internal/workqueue"
)

// fieldLine is how every rejection of an event starts: the JSON path of the
// field, or "(payload)" for input that is not a JSON object.
var fieldLine = regexp.MustCompile(`^(\(payload\)|[A-Za-z"][^:\s]*): `)

// FuzzHandle runs the launch function's dispatch on arbitrary input against
// healthy fakes, seeded with the embedded Control Tower samples and the
// manual payload examples. Invariants (issue #9):
//   - no panic;
//   - input read as an event never returns an error: with AWS healthy, an
//     event is acted on or reported and acknowledged, never retried;
//   - an event rejected is answered "invalid", every line of the error names
//     a field, and it is reported once in a notification SNS and email can
//     carry;
//   - a run queued carries names that are clean text and a body SQS accepts.
func FuzzHandle(f *testing.F) {
	for _, name := range samples.Names() {
		f.Add(samples.Event(name))
	}
	examples, _ := filepath.Glob(filepath.Join("..", "manual", "testdata", "examples", "*.json"))
	for _, path := range examples {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		`{"version":"0","id":"e-1","account":"111111111111","time":"2018-08-30T21:42:18Z","region":"us-east-1","resources":[],"detail":{}}`,
		`{"id":"e-1","detail":{},"accounts":["222222222222"]}`,
		`{"account":"222222222222"}`,
		`{"accounts":["222222222222"],"dryRun":true}`,
		`[]`, `null`, `"x"`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		fx := dispatchFixture(t)
		fx.h.Status = &fakeStatus{answer: "ok"}
		asEvent := lifecycle.IsEventBridgeEnvelope(raw) || !looksLikeObject(raw)
		resp, err := fx.h.Handle(context.Background(), raw)
		if !asEvent {
			return // a manual payload: its decoder has its own tests; no panic is the invariant here
		}
		if err != nil {
			t.Fatalf("Handle returned an error for an event (Lambda would retry it): %v", err)
		}
		switch resp.Outcome {
		case OutcomeInvalid:
			for _, line := range strings.Split(resp.Error, "\n") {
				if !fieldLine.MatchString(line) {
					t.Fatalf("rejection %q does not name its field", line)
				}
			}
			if len(fx.notifier.msgs) != 1 || fx.notifier.msgs[0].Doc.Kind != "invalid-event" {
				t.Fatalf("notifications = %+v, want one invalid-event report", fx.notifier.msgs)
			}
		case OutcomeIgnored, OutcomeAccountFailed, OutcomeQueued, OutcomeNothingToDo, OutcomeRefused:
		default:
			t.Fatalf("outcome %q for an event", resp.Outcome)
		}
		for _, m := range fx.notifier.msgs {
			assertCarriable(t, m)
		}
		for _, s := range fx.queue.sent {
			for _, name := range []string{s.run.Account.Name, s.run.Account.OU.Name, s.run.EventID, s.run.ID} {
				if !utf8.ValidString(name) || !lifecycle.IsCleanText(name) {
					t.Fatalf("queued run carries unclean text %q", name)
				}
			}
			body, err := runstate.EncodeWithin(&s.run, workqueue.MaxBody)
			if err != nil {
				t.Fatalf("queued run cannot be sent: %v", err)
			}
			if !queues.ValidChars(string(body)) {
				t.Fatalf("SQS would refuse the run's body: %q", body)
			}
			if err := json.Unmarshal(body, new(runstate.Run)); err != nil {
				t.Fatalf("queued run does not decode: %v", err)
			}
		}
	})
}
