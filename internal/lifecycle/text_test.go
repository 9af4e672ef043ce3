package lifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// placeholder marks where withRaw splices bytes that encoding/json cannot
// write (invalid UTF-8, unpaired surrogate escapes) into an event.
const placeholder = "@@SPLICE@@"

// withRaw sets path to a string whose JSON literal body is lit, verbatim.
func withRaw(t *testing.T, name, path, lit string) []byte {
	t.Helper()
	raw := mutate(t, name, func(m map[string]any) { set(m, path, placeholder) })
	if bytes.Count(raw, []byte(placeholder)) != 1 {
		t.Fatalf("placeholder not found once in %s", raw)
	}
	return bytes.Replace(raw, []byte(placeholder), []byte(lit), 1)
}

// onlyFieldError returns the single *FieldError err holds, failing otherwise.
func onlyFieldError(t *testing.T, err error) *FieldError {
	t.Helper()
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(errs), err)
	}
	fe, ok := errs[0].(*FieldError)
	if !ok {
		t.Fatalf("error %T is not a *FieldError: %v", errs[0], errs[0])
	}
	return fe
}

// TestDecodeRefusesUnsafeText: every string Decode reads ends up in a run, a
// log line or a notification, so one that cannot be carried there is an
// invalid event naming its field (issue #9), not a function error later.
func TestDecodeRefusesUnsafeText(t *testing.T) {
	const (
		sample = "create-managed-account-succeeded.json"
		failed = "create-managed-account-failed.json"
	)
	accountName := statusPath + ".account.accountName"
	ouName := statusPath + ".organizationalUnit.organizationalUnitName"
	fields := []struct {
		sample, path, field string // field defaults to path
		breaks              bool
	}{
		{sample: sample, path: accountName},
		{sample: failed, path: accountName},
		{sample: sample, path: ouName},
		{sample: failed, path: ouName},
		{sample: sample, path: "detail.eventName"},
		{sample: sample, path: "detail.eventID"},
		{sample: sample, path: "id"},
		{sample: sample, path: "region"},
		{sample: sample, path: statusPath + ".message", breaks: true},
		{sample: failed, path: statusPath + ".message", breaks: true},
	}
	values := []struct {
		name    string
		lit     string // the JSON literal's body, spliced in verbatim
		problem string // in the error's problem
		ok      bool   // allowed in a multi-line field (message)
	}{
		{"U+FFFF", "Life\uffffCycle", "noncharacter U+FFFF at character 5", false},
		{"U+FFFE escaped", `Life\ufffeCycle`, "noncharacter U+FFFE", false},
		{"U+FDD0", "\ufdd0", "noncharacter U+FDD0", false},
		{"U+FDEF", "x\ufdef", "noncharacter U+FDEF", false},
		{"U+1FFFF", "x\U0001FFFF", "noncharacter U+1FFFF", false},
		{"U+10FFFE", `x\udbff\udffe`, "noncharacter U+10FFFE", false},
		{"NUL", `x\u0000y`, "control character U+0000", false},
		{"bell", `x\u0007y`, "control character U+0007", false},
		{"DEL", "x\x7fy", "control character U+007F", false},
		{"C1", "x\u0085y", "control character U+0085", false},
		{"escape", `x\u001b[31my`, "control character U+001B", false},
		{"line break", `Life\nCycle`, "control character U+000A", true},
		{"tab", `Life\tCycle`, "control character U+0009", true},
		{"line separator", "x\u2028y", "line separator U+2028", false},
		{"right-to-left override", "x\u202ey", "bidirectional control U+202E", false},
		{"isolate", "x\u2066y", "bidirectional control U+2066", false},
		{"invalid UTF-8", "Life\xffCycle", "is not valid UTF-8 (byte 0xff at offset 4)", false},
		{"truncated UTF-8", "Life\xc3", "is not valid UTF-8", false},
		{"encoded surrogate", "x\xed\xa0\x80", "is not valid UTF-8", false},
		{"lone high surrogate", `x\ud800y`, `contains \ud800, half of a UTF-16 surrogate pair`, false},
		{"lone low surrogate", `x\uDC00`, `contains \uDC00, half of a UTF-16 surrogate pair`, false},
		{"reversed pair", `\udc00\ud800`, `contains \udc00`, false},
	}
	for _, f := range fields {
		for _, v := range values {
			t.Run(f.sample+"/"+f.path+"/"+v.name, func(t *testing.T) {
				raw := withRaw(t, f.sample, f.path, v.lit)
				ev, err := Decode(raw)
				if f.breaks && v.ok {
					if err != nil {
						t.Fatalf("Decode: %v; tabs and line breaks are allowed in %s", err, f.path)
					}
					return
				}
				if err == nil {
					t.Fatalf("Decode = %+v, want an error naming %s", ev, f.path)
				}
				fe := onlyFieldError(t, err)
				if fe.Field != f.path || !strings.Contains(fe.Problem, v.problem) {
					t.Errorf("error %q, want field %s with problem %q", err, f.path, v.problem)
				}
				if msg := err.Error(); !utf8.ValidString(msg) || !IsCleanText(msg) {
					t.Errorf("the error message itself is not clean text: %q", msg)
				}
			})
		}
	}
}

// TestDecodeKeepsReadableText: the rules refuse what breaks a carrier, not
// what is merely unusual.
func TestDecodeKeepsReadableText(t *testing.T) {
	accountName := statusPath + ".account.accountName"
	tests := []struct {
		name, lit, want string
	}{
		{"accents", "Équipe-Données", "Équipe-Données"},
		{"CJK", "開発チーム", "開発チーム"},
		{"emoji", "team \U0001F680", "team \U0001F680"},
		{"escaped surrogate pair", `team \ud83d\ude80`, "team \U0001F680"},
		{"replacement character as written", "x\ufffdy", "x\ufffdy"},
		{"escaped ASCII", `Life\u0043ycle`, "LifeCycle"},
		{"quotes and backslashes", `a\"b\\c`, `a"b\c`},
		{"128 characters", strings.Repeat("é", maxNameLen), strings.Repeat("é", maxNameLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Decode(withRaw(t, "create-managed-account-succeeded.json", accountName, tt.lit))
			if err != nil {
				t.Fatal(err)
			}
			if got := ev.(*AccountEvent).AccountName; got != tt.want {
				t.Errorf("AccountName = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDecodeRefusesOverlongText(t *testing.T) {
	tests := []struct {
		path string
		max  int
	}{
		{statusPath + ".account.accountName", maxNameLen},
		{statusPath + ".organizationalUnit.organizationalUnitName", maxNameLen},
		{"detail.eventName", maxIDLen},
		{"detail.eventID", maxIDLen},
		{"id", maxIDLen},
		{"region", maxRegionLen},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			raw := mutate(t, "create-managed-account-succeeded.json", func(m map[string]any) {
				set(m, tt.path, strings.Repeat("a", tt.max+1))
			})
			_, err := Decode(raw)
			if err == nil {
				t.Fatal("Decode accepted it")
			}
			fe := onlyFieldError(t, err)
			if fe.Field != tt.path || !strings.Contains(fe.Problem, "more than the") {
				t.Errorf("error %q, want field %s too long", err, tt.path)
			}
		})
	}
}

func TestDecodeClipsLongMessage(t *testing.T) {
	long := strings.Repeat("é", maxMessageLen)
	raw := mutate(t, "create-managed-account-failed.json", func(m map[string]any) {
		set(m, statusPath+".message", long)
	})
	ev, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	msg := ev.(*AccountEvent).Message
	if len(msg) > maxMessageLen || !strings.HasSuffix(msg, " [...]") || !utf8.ValidString(msg) {
		t.Errorf("Message is %d bytes, ends %q; want at most %d, cut on a character and marked", len(msg), msg[len(msg)-10:], maxMessageLen)
	}
}

// TestUnsafeTextInIgnoredEvents: an event Landfall ignores is still logged
// by name and ID, so the same rules apply before it is ignored.
func TestUnsafeTextInIgnoredEvents(t *testing.T) {
	raw := mutate(t, "enable-guardrail-succeeded.json", func(m map[string]any) {
		set(m, "detail.eventName", "EnableGuardrail\uffff")
	})
	_, err := Decode(raw)
	if fe := onlyFieldError(t, err); fe.Field != "detail.eventName" {
		t.Errorf("error %v, want it to name detail.eventName", err)
	}
}

func TestDecodeEnvelopeChecksDecodedText(t *testing.T) {
	raw := mutate(t, "create-managed-account-succeeded.json", func(m map[string]any) {
		m["id"] = "e\u0000vil"
		m["region"] = "us-east-1\uffff"
	})
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	_, err := DecodeEnvelope(ev)
	want := "id: contains the control character U+0000 at character 2 (got \"e\\x00vil\"); " + textFix + "\n" +
		"region: contains the Unicode noncharacter U+FFFF at character 10 (got \"us-east-1\\uffff\"); " + textFix
	if err == nil || err.Error() != want {
		t.Errorf("DecodeEnvelope error:\ngot  %v\nwant %s", err, want)
	}
}

// TestEventWithoutSourceOrDetailType: issue #9. An envelope that lost one of
// them is an event for the dispatch rule, and Decode names the missing field.
func TestEventWithoutSourceOrDetailType(t *testing.T) {
	tests := []struct {
		name string
		drop []string
		want string
	}{
		{"no source", []string{"source"}, `source: missing; Landfall only handles aws.controltower events and aws.organizations account events`},
		{"no detail-type", []string{"detail-type"}, `detail-type: missing; Control Tower lifecycle events have detail-type "AWS Service Event via CloudTrail"`},
		{"neither", []string{"source", "detail-type"}, `source: missing; Landfall only handles aws.controltower events and aws.organizations account events`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := mutate(t, "create-managed-account-succeeded.json", func(m map[string]any) {
				for _, k := range tt.drop {
					delete(m, k)
				}
			})
			if !IsEventBridgeEnvelope(raw) {
				t.Fatal("IsEventBridgeEnvelope = false: the event would be read as a manual payload")
			}
			_, err := Decode(raw)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Decode error = %v, want %s", err, tt.want)
			}
		})
	}
}

// TestDispatchRule pins IsEventBridgeEnvelope's rule for objects without
// source and detail-type.
func TestDispatchRule(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{`{"version":"0","id":"e-1","account":"111111111111","time":"2018-08-30T21:42:18Z","region":"us-east-1","resources":[],"detail":{}}`, true},
		{`{"id":"e-1","detail":{"eventName":"CreateManagedAccount"}}`, true},
		{`{"version":"0","time":"x"}`, true},
		{`{"id":"e-1","detail":{},"comment":"made by hand"}`, true},
		{`{"source":"aws.controltower","accounts":["222222222222"]}`, true},
		// One envelope key is not enough: "account" and "region" are
		// typos of manual keys as often as envelope keys.
		{`{"account":"222222222222"}`, false},
		{`{"region":"us-east-1"}`, false},
		{`{"detail":{}}`, false},
		// A manual key makes an operator's request with stray keys.
		{`{"accounts":["222222222222"],"region":"us-east-1","time":"now"}`, false},
		{`{"all":true,"id":"x","version":"0"}`, false},
		{`{"status":{"all":true}}`, false},
		{`{}`, false},
		{`null`, false},
		{`{"id":"e-1","detail":{}`, false},
	}
	for _, tt := range tests {
		if got := IsEventBridgeEnvelope([]byte(tt.raw)); got != tt.want {
			t.Errorf("IsEventBridgeEnvelope(%s) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

func TestLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"999cccaa-eaaa-0000-1111-123456789012", "999cccaa-eaaa-0000-1111-123456789012"},
		{"", ""},
		{"e\uffff1", `"e\uffff1"`},
		{"e\n1", `"e\n1"`},
		{"e\xff1", `"e\xff1"`},
		{strings.Repeat("a", maxIDLen+1), `"` + strings.Repeat("a", maxIDLen) + `"…`},
	}
	for _, tt := range tests {
		if got := Label(tt.in); got != tt.want {
			t.Errorf("Label(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEcho(t *testing.T) {
	tests := []struct{ in, want string }{
		{"{\n\t\"a\": \"b\"\r\n}", "{\n\t\"a\": \"b\"\r\n}"},
		{`{"a":"x` + "\uffff" + `"}`, `{"a":"x\uffff"}`},
		{`{"a":"x` + "\U0001FFFE" + `"}`, `{"a":"x\ud83f\udffe"}`},
		{"{\"a\":\"\x00\x07\u2028\u202e\"}", `{"a":"\u0000\u0007\u2028\u202e"}`},
		{"{\"a\":\"\xff\"}", "{\"a\":\"\ufffd\"}"},
	}
	for _, tt := range tests {
		got := Echo([]byte(tt.in))
		if string(got) != tt.want {
			t.Errorf("Echo(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !utf8.Valid(got) {
			t.Errorf("Echo(%q) is not UTF-8", tt.in)
		}
	}
	// The escapes keep JSON valid and decode to the same text.
	in := []byte(`{"a":"x` + "\uffff\U0001FFFF\u0085" + `"}`)
	var a, b map[string]string
	if err := json.Unmarshal(in, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(Echo(in), &b); err != nil || a["a"] != b["a"] {
		t.Errorf("Echo changed the JSON's meaning: %q, %v", b, err)
	}
}

// FuzzDecodeText fuzzes the strings of an account event rather than whole
// events, which reaches the text rules far faster than FuzzDecode: any name
// Decode accepts is clean text, and any it refuses is refused by a field
// error naming the field.
func FuzzDecodeText(f *testing.F) {
	for _, s := range []string{"LifeCycle1", "Custom", "Équipe", "\uffff", "\x00", "a\nb", "\xff", "\U0001FFFE", "\u202e"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, account, ou string) {
		raw := mutate(t, "create-managed-account-succeeded.json", func(m map[string]any) {
			set(m, statusPath+".account.accountName", placeholder+"1")
			set(m, statusPath+".organizationalUnit.organizationalUnitName", placeholder+"2")
		})
		raw = bytes.Replace(raw, []byte(placeholder+"1"), literalBody(account), 1)
		raw = bytes.Replace(raw, []byte(placeholder+"2"), literalBody(ou), 1)
		ev, err := Decode(raw)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("error %v does not name a field", err)
			}
			return
		}
		a := ev.(*AccountEvent)
		for _, s := range []string{a.AccountName, a.OUName} {
			if !utf8.ValidString(s) || !IsCleanText(s) || utf8.RuneCountInString(s) > maxNameLen {
				t.Fatalf("accepted unclean name %q", s)
			}
		}
	})
}

// literalBody writes s as the body of a JSON string literal, escaping only
// what JSON requires (quote, backslash, bytes below 0x20) and leaving every
// other byte as it is, so that invalid UTF-8 reaches the decoder.
func literalBody(s string) []byte {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return b
}
