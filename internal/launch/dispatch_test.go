package launch

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/lifecycle"
	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/notify"
)

// dispatchFixture is the default fixture: the example plan, the default
// organization, healthy fakes.
func dispatchFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixture(t, newOrg(0))
}

const statusPath = "detail.serviceEventDetails.createManagedAccountStatus"

// editEvent returns a sample event after edit has changed its generic form.
func editEvent(t *testing.T, name string, edit func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(samples.Event(name), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// setPath puts v at the dotted path of m; the objects on the way must exist.
func setPath(m map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		m = m[k].(map[string]any)
	}
	m[keys[len(keys)-1]] = v
}

// spliceString sets path to a string whose JSON literal body is lit, byte
// for byte: the way to put invalid UTF-8 into an event.
func spliceString(t *testing.T, name, path, lit string) []byte {
	t.Helper()
	const mark = "@@SPLICE@@"
	raw := editEvent(t, name, func(m map[string]any) { setPath(m, path, mark) })
	return bytes.Replace(raw, []byte(mark), []byte(lit), 1)
}

// assertReportedInvalid checks the answer to an unusable event: acknowledged
// (no error, so no Lambda retry), answered "invalid" with the problem, reported
// once, nothing queued, and the report itself carriable by SNS and email.
func assertReportedInvalid(t *testing.T, f *fixture, resp *Response, err error, wantPrefix string) {
	t.Helper()
	if err != nil {
		t.Fatalf("Handle returned an error (Lambda would retry the event): %v", err)
	}
	if resp.Outcome != OutcomeInvalid || !strings.HasPrefix(resp.Error, wantPrefix) {
		t.Fatalf("response = %+v, want outcome %q with an error starting %q", resp, OutcomeInvalid, wantPrefix)
	}
	if len(f.notifier.msgs) != 1 || f.notifier.msgs[0].Doc.Kind != "invalid-event" {
		t.Fatalf("notifications = %+v, want one invalid-event report", f.notifier.msgs)
	}
	if len(f.queue.sent) != 0 {
		t.Errorf("queued %d runs for an unusable event", len(f.queue.sent))
	}
	assertCarriable(t, f.notifier.msgs[0])
}

// assertCarriable checks a notification against what SNS and an email can
// carry: a printable ASCII subject under 100 characters, and text and a
// document with no noncharacters, control characters other than line breaks
// and tabs, or invalid UTF-8.
func assertCarriable(t *testing.T, m notify.Message) {
	t.Helper()
	if len(m.Subject) == 0 || len(m.Subject) > 99 {
		t.Errorf("subject %q: want 1-99 characters", m.Subject)
	}
	for _, r := range m.Subject {
		if r < 0x20 || r > 0x7e {
			t.Errorf("subject %q has %U", m.Subject, r)
		}
	}
	doc, err := json.Marshal(m.Doc)
	if err != nil {
		t.Fatalf("encode notification: %v", err)
	}
	for what, s := range map[string]string{"text": m.Text, "document": string(doc)} {
		if !utf8.ValidString(s) {
			t.Errorf("notification %s is not UTF-8: %q", what, s)
		}
		for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' }) {
			if !lifecycle.IsCleanText(line) {
				t.Errorf("notification %s has a line SNS or email cannot carry: %q", what, line)
			}
		}
	}
}

// TestEnvelopeWithoutSourceOrDetailTypeIsAnInvalidEvent: issue #9. An
// EventBridge envelope that lost its source or detail-type is an event with a
// missing field, reported and acknowledged, never read as a manual payload.
func TestEnvelopeWithoutSourceOrDetailTypeIsAnInvalidEvent(t *testing.T) {
	const sample = "create-managed-account-succeeded.json"
	drop := func(keys ...string) []byte {
		return editEvent(t, sample, func(m map[string]any) {
			for _, k := range keys {
				delete(m, k)
			}
		})
	}
	tests := []struct {
		name string
		raw  []byte
		want string
	}{
		{"no source", drop("source"), `source: missing; Landfall only handles aws.controltower events`},
		{"no detail-type", drop("detail-type"), `detail-type: missing; Control Tower lifecycle events have detail-type "AWS Service Event via CloudTrail"`},
		{"neither", drop("source", "detail-type"), `source: missing`},
		{"null source", editEvent(t, sample, func(m map[string]any) { m["source"] = nil }), `source: missing`},
		{"envelope keys only", []byte(`{"version":"0","id":"e-9","detail":{}}`), `source: missing`},
		{"envelope with a stray key", []byte(`{"id":"e-9","time":"2018-08-30T21:42:18Z","note":"by hand"}`), `source: missing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := dispatchFixture(t)
			resp, err := f.h.Handle(context.Background(), tt.raw)
			assertReportedInvalid(t, f, resp, err, tt.want)
			if strings.Contains(resp.Error, "manual payload") {
				t.Errorf("error %q treats the event as a manual payload", resp.Error)
			}
		})
	}
}

// TestManualPayloadsWithEnvelopeLikeKeysStayManual: the other side of the
// dispatch rule. A typo of "accounts" or "regions" is a manual payload with a
// did-you-mean, not an event without a source.
func TestManualPayloadsWithEnvelopeLikeKeysStayManual(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"account for accounts", `{"account": ["222222222222"]}`, `account: unknown key; did you mean "accounts"?`},
		{"region next to accounts", `{"accounts": ["222222222222"], "region": "us-east-1", "time": "now"}`, `region: unknown key; did you mean "regions"?`},
		{"detail alone", `{"detail": {}}`, `detail: unknown key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := dispatchFixture(t)
			resp, err := f.h.Handle(context.Background(), []byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Outcome != OutcomeInvalid || !strings.HasPrefix(resp.Error, "invalid manual payload: ") || !strings.Contains(resp.Error, tt.want) {
				t.Errorf("response = %+v, want an invalid manual payload saying %q", resp, tt.want)
			}
			if len(f.notifier.msgs) != 0 {
				t.Errorf("a manual payload was reported as an invalid event: %+v", f.notifier.msgs)
			}
		})
	}
}

// TestUnsafeTextIsAnInvalidEvent: issue #9. A name SQS, SNS or a log cannot
// carry (U+FFFF, say) is refused when the event is decoded, naming the field,
// and acknowledged; before, an event for an account Organizations did not
// know queued a run whose message SQS refused, a function error Lambda
// retried.
func TestUnsafeTextIsAnInvalidEvent(t *testing.T) {
	const (
		sample = "create-managed-account-succeeded.json"
		failed = "create-managed-account-failed.json"
	)
	accountName := statusPath + ".account.accountName"
	ouName := statusPath + ".organizationalUnit.organizationalUnitName"
	unknown := func(raw []byte) []byte {
		return bytes.Replace(raw, []byte(`"222222222222"`), []byte(`"123456789099"`), 1)
	}
	tests := []struct {
		name string
		raw  []byte
		want string
	}{
		{"U+FFFF in the name of an unknown account", unknown(spliceString(t, sample, accountName, "Life\uffffCycle")),
			accountName + ": contains the Unicode noncharacter U+FFFF at character 5"},
		{"U+FFFF in the name of a known account", spliceString(t, sample, accountName, "Life\uffffCycle"),
			accountName + ": contains the Unicode noncharacter U+FFFF"},
		{"U+FFFE in the OU name of an unknown account", unknown(spliceString(t, sample, ouName, `Cus\ufffetom`)),
			ouName + ": contains the Unicode noncharacter U+FFFE"},
		{"U+FDD0 in the OU name", spliceString(t, sample, ouName, "\ufdd0"),
			ouName + ": contains the Unicode noncharacter U+FDD0"},
		{"U+10FFFF in the account name", spliceString(t, sample, accountName, "x\U0010FFFF"),
			accountName + ": contains the Unicode noncharacter U+10FFFF"},
		{"control character in the account name", spliceString(t, sample, accountName, `Life\u0000Cycle`),
			accountName + ": contains the control character U+0000"},
		{"line break in the OU name", spliceString(t, sample, ouName, `Cus\ntom`),
			ouName + ": contains the control character U+000A"},
		{"invalid UTF-8 in the account name", spliceString(t, sample, accountName, "Life\xffCycle"),
			accountName + ": is not valid UTF-8"},
		{"unpaired surrogate in the OU name", spliceString(t, sample, ouName, `\ud800`),
			ouName + `: contains \ud800`},
		{"U+FFFF in the name of a failed account", spliceString(t, failed, accountName, "Life\uffffCycle"),
			accountName + ": contains the Unicode noncharacter U+FFFF"},
		{"U+FFFF in Control Tower's message", spliceString(t, failed, statusPath+".message", "failed\uffff"),
			statusPath + ".message: contains the Unicode noncharacter U+FFFF"},
		{"U+FFFF in an ignored event's name", spliceString(t, "enable-guardrail-succeeded.json", "detail.eventName", "EnableGuardrail\uffff"),
			"detail.eventName: contains the Unicode noncharacter U+FFFF"},
		{"bidirectional override in the event ID", spliceString(t, sample, "detail.eventID", "abc\u202e"),
			"detail.eventID: contains the bidirectional control U+202E"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := dispatchFixture(t)
			resp, err := f.h.Handle(context.Background(), tt.raw)
			assertReportedInvalid(t, f, resp, err, tt.want)
		})
	}
}

// TestInvalidEventReportLabelsAnUnsafeID: the report names the event by its
// envelope id, which for an invalid event may hold anything.
func TestInvalidEventReportLabelsAnUnsafeID(t *testing.T) {
	f := dispatchFixture(t)
	raw := []byte("{\"version\":\"0\",\"id\":\"e\xff-\uffff\",\"detail-type\":\"AWS Service Event via CloudTrail\",\"source\":\"aws.ec2\"}")
	resp, err := f.h.Handle(context.Background(), raw)
	assertReportedInvalid(t, f, resp, err, "source: is not a Control Tower event")
	if text := f.notifier.msgs[0].Text; !strings.Contains(text, `Event ID: "e\ufffd-\uffff"`) {
		t.Errorf("report does not label the event by its escaped id:\n%s", text)
	}
}
