package lifecycle

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/lifecycle/samples"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the decoded events")

// golden is what a golden file holds: the decoded event and its Go type.
type golden struct {
	Type  string `json:"type"`
	Event Event  `json:"event"`
}

func TestDecodeGolden(t *testing.T) {
	files := samples.Names()
	if len(files) < 8 {
		t.Fatalf("found %d fixtures in the samples package, want at least 8", len(files))
	}
	for _, name := range files {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			raw := samples.Event(name)
			ev, err := Decode(raw)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			g := golden{Event: ev}
			switch ev.(type) {
			case *AccountEvent:
				g.Type = "AccountEvent"
			case *OrganizationsEvent:
				g.Type = "OrganizationsEvent"
			case *IgnoredEvent:
				g.Type = "IgnoredEvent"
			default:
				t.Fatalf("Decode returned %T", ev)
			}
			got, err := json.MarshalIndent(g, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decoded event differs from %s (run go test -update after checking):\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}

// TestDecodeSucceeded pins the fields of the AWS sample in code, so that a
// careless -update cannot bless a wrong decoding.
func TestDecodeSucceeded(t *testing.T) {
	ev, err := Decode(readFixture(t, "create-managed-account-succeeded.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &AccountEvent{
		EventID:           "0000000-0000-0000-1111-123456789012",
		EnvelopeID:        "999cccaa-eaaa-0000-1111-123456789012",
		EventName:         CreateManagedAccount,
		State:             StateSucceeded,
		Message:           "AWS Control Tower successfully created a managed account.",
		AccountID:         "222222222222",
		AccountName:       "LifeCycle1",
		OUID:              "ou-ab12-l3zc8b3h",
		OUName:            "Custom",
		RequestedAt:       time.Date(2019, 11, 15, 11, 45, 18, 0, time.UTC),
		CompletedAt:       time.Date(2019, 11, 16, 12, 9, 32, 0, time.UTC),
		EventTime:         time.Date(2018, 8, 30, 21, 42, 18, 0, time.UTC),
		ManagementAccount: "111111111111",
		HomeRegion:        "us-east-1",
	}
	got, ok := ev.(*AccountEvent)
	if !ok {
		t.Fatalf("Decode returned %T, want *AccountEvent", ev)
	}
	if *got != *want {
		t.Errorf("Decode:\ngot  %+v\nwant %+v", got, want)
	}
	if !got.Succeeded() {
		t.Error("Succeeded() = false for a SUCCEEDED event")
	}
}

func TestDecodeFailedWithoutAccount(t *testing.T) {
	ev, err := Decode(readFixture(t, "create-managed-account-failed-no-account.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := ev.(*AccountEvent)
	if !ok {
		t.Fatalf("Decode returned %T, want *AccountEvent", ev)
	}
	if got.State != StateFailed || got.Succeeded() || got.AccountID != "" || got.AccountName != "" || got.OUID != "ou-ab12-l3zc8b3h" {
		t.Errorf("Decode = %+v, want a FAILED event without account and with OU ou-ab12-l3zc8b3h", got)
	}
}

func TestDecodeExtraCloudTrailFields(t *testing.T) {
	checkExtraFieldsIgnored[AccountEvent](t, "create-managed-account-succeeded.json", []map[string]any{
		{"detail.recipientAccountId": "111111111111"},
		{"detail.managementEvent": true},
		{"detail.eventCategory": "Management"},
		{"detail.tlsDetails": map[string]any{"tlsVersion": "TLSv1.2"}},
		{"detail.serviceEventDetails.createManagedAccountStatus.account.accountEmail": "x@example.com"},
		{"detail.serviceEventDetails.createManagedAccountStatus.organizationalUnit.parentId": 7},
		{"detail.serviceEventDetails.somethingNew": []any{1, "two"}},
		{"replay-name": "r1"},
	})
}

// checkExtraFieldsIgnored decodes sample with each set of extra fields
// added and wants exactly what the plain sample decodes to, an *E: fields
// CloudTrail may add one day change nothing.
func checkExtraFieldsIgnored[E comparable, P interface {
	*E
	Event
}](t *testing.T, sample string, extras []map[string]any) {
	t.Helper()
	plain, err := Decode(readFixture(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	want, ok := plain.(P)
	if !ok {
		t.Fatalf("Decode(%s) = %T", sample, plain)
	}
	for _, extra := range extras {
		raw := mutate(t, sample, func(m map[string]any) {
			for path, v := range extra {
				set(m, path, v)
			}
		})
		got, err := Decode(raw)
		if err != nil {
			t.Errorf("with %v: Decode: %v", extra, err)
			continue
		}
		if g, ok := got.(P); !ok || *g != *want {
			t.Errorf("with %v: Decode = %+v, want %+v", extra, got, want)
		}
	}
}

func TestDecodeIgnored(t *testing.T) {
	names := []string{
		"RegisterOrganizationalUnit", "DeregisterOrganizationalUnit", "PrecheckOrganizationalUnit",
		"EnableGuardrail", "DisableGuardrail", "SetupLandingZone", "UpdateLandingZone",
		"EnableBaseline", "ResetEnabledBaseline", "UpdateEnabledBaseline", "DisableBaseline",
		"SomethingNew",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			// The status block is removed: non-account events carry
			// other blocks, and none of them is read.
			raw := mutate(t, "create-managed-account-succeeded.json", func(m map[string]any) {
				set(m, "detail.eventName", name)
				set(m, "detail.serviceEventDetails", map[string]any{"other": 1})
			})
			ev, err := Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			ig, ok := ev.(*IgnoredEvent)
			if !ok {
				t.Fatalf("Decode returned %T, want *IgnoredEvent", ev)
			}
			if ig.EventName != name || ig.EventID != "0000000-0000-0000-1111-123456789012" {
				t.Errorf("Decode = %+v", ig)
			}
			if !strings.Contains(ig.Reason, "Landfall acts only on CreateManagedAccount and UpdateManagedAccount") {
				t.Errorf("Reason = %q, want it to say what Landfall acts on", ig.Reason)
			}
		})
	}
}

func TestIgnoreReasonsDiffer(t *testing.T) {
	seen := map[string]string{}
	for _, name := range []string{"EnableGuardrail", "EnableBaseline", "RegisterOrganizationalUnit", "SetupLandingZone", "Other"} {
		r := ignoreReason(name)
		if prev, ok := seen[r]; ok {
			t.Errorf("%s and %s share the reason %q", prev, name, r)
		}
		seen[r] = name
	}
}

func TestDecodeUpdateWithoutEnvelopeTime(t *testing.T) {
	// The CloudTrail eventTime wins over the envelope time, and stands in
	// for it when the envelope has none.
	raw := mutate(t, "update-managed-account-succeeded.json", func(m map[string]any) {
		delete(m, "time")
		set(m, "detail.eventTime", "2024-01-02T03:04:05+0000")
	})
	ev, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ev.(*AccountEvent).EventTime, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC); !got.Equal(want) {
		t.Errorf("EventTime = %v, want %v", got, want)
	}
}

func TestDecodeFallbacks(t *testing.T) {
	raw := mutate(t, "create-managed-account-succeeded.json", func(m map[string]any) {
		del(m, "detail.eventID")
		delete(m, "region")
	})
	ev, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := ev.(*AccountEvent)
	if got.EventID != "999cccaa-eaaa-0000-1111-123456789012" {
		t.Errorf("EventID = %q, want the envelope id when detail.eventID is absent", got.EventID)
	}
	if got.HomeRegion != "us-east-1" {
		t.Errorf("HomeRegion = %q, want detail.awsRegion when the envelope has no region", got.HomeRegion)
	}
}

func TestDecodeRootOU(t *testing.T) {
	raw := mutate(t, "create-managed-account-succeeded.json", func(m map[string]any) {
		set(m, statusPath+".organizationalUnit.organizationalUnitId", "r-ab12")
	})
	ev, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.(*AccountEvent).OUID; got != "r-ab12" {
		t.Errorf("OUID = %q, want r-ab12", got)
	}
}

const statusPath = "detail.serviceEventDetails.createManagedAccountStatus"

func TestDecodeErrors(t *testing.T) {
	const sample = "create-managed-account-succeeded.json"
	const failed = "create-managed-account-failed.json"
	tests := []struct {
		name string
		raw  []byte
		want string // the full error text; several problems are joined by newlines
	}{
		{"empty", []byte("  \n"), `(payload): empty; send the EventBridge event as a JSON object`},
		{"not JSON", []byte(`{"source": `), `(payload): is not valid JSON: unexpected end of JSON input at byte 11; send the EventBridge event as a JSON object`},
		{"not JSON after blanks", []byte("\n  {'source': 1}"), `(payload): is not valid JSON: invalid character '\'' looking for beginning of object key string at byte 5; send the EventBridge event as a JSON object`},
		{"trailing garbage", []byte(`{} x`), `(payload): is not valid JSON: invalid character 'x' after top-level value at byte 4; send the EventBridge event as a JSON object`},
		{"array", []byte(`[1, 2]`), `(payload): must be a JSON object, got array; send the EventBridge event as a JSON object`},
		{"string", []byte(`"hello"`), `(payload): must be a JSON object, got string; send the EventBridge event as a JSON object`},
		{"null", []byte(`null`), `(payload): must be a JSON object, got null; send the EventBridge event as a JSON object`},
		{"source missing", mutate(t, sample, func(m map[string]any) { delete(m, "source") }),
			`source: missing; Landfall only handles aws.controltower events and aws.organizations account events`},
		{"source wrong", mutate(t, sample, func(m map[string]any) { m["source"] = "aws.ec2" }),
			`source: is not a Control Tower event or an Organizations account event (got "aws.ec2"); Landfall only handles aws.controltower events and aws.organizations account events; check the EventBridge rule's event pattern`},
		{"source not a string", mutate(t, sample, func(m map[string]any) { m["source"] = 7 }),
			`source: must be a JSON string, got number; EventBridge envelopes carry strings here`},
		{"resources not a list", mutate(t, sample, func(m map[string]any) { m["resources"] = "arn:aws:x" }),
			`resources: must be a JSON array, got string; EventBridge envelopes carry a list of ARN strings here`},
		{"resources of numbers", mutate(t, sample, func(m map[string]any) { m["resources"] = []any{1} }),
			`resources: must be a JSON string, got number; EventBridge envelopes carry strings here`},
		{"detail-type missing", mutate(t, sample, func(m map[string]any) { delete(m, "detail-type") }),
			`detail-type: missing; Control Tower lifecycle events have detail-type "AWS Service Event via CloudTrail"`},
		{"detail-type wrong", mutate(t, sample, func(m map[string]any) { m["detail-type"] = "AWS API Call via CloudTrail" }),
			`detail-type: is not a Control Tower lifecycle event (got "AWS API Call via CloudTrail"); Control Tower lifecycle events have detail-type "AWS Service Event via CloudTrail"`},
		{"envelope time malformed", mutate(t, sample, func(m map[string]any) { m["time"] = "2019-11-15T11:45:18+0000" }),
			`time: is not an RFC 3339 timestamp (got "2019-11-15T11:45:18+0000"); EventBridge writes times such as "2018-08-30T21:42:18Z"`},
		{"envelope time not a string", mutate(t, sample, func(m map[string]any) { m["time"] = 12 }),
			`time: is not an RFC 3339 timestamp (got "12"); EventBridge writes times such as "2018-08-30T21:42:18Z"`},
		{"envelope account malformed", mutate(t, sample, func(m map[string]any) { m["account"] = "1111" }),
			`account: is not a 12-digit account ID (got "1111"); EventBridge sets it to the management account's ID`},
		{"detail missing", mutate(t, sample, func(m map[string]any) { delete(m, "detail") }),
			`detail: missing; Control Tower and Organizations events carry a JSON object there`},
		{"detail null", mutate(t, sample, func(m map[string]any) { m["detail"] = nil }),
			`detail: missing; Control Tower and Organizations events carry a JSON object there`},
		{"detail a string", mutate(t, sample, func(m map[string]any) { m["detail"] = "{}" }),
			`detail: must be a JSON object, got string`},
		{"eventName missing", mutate(t, sample, func(m map[string]any) { del(m, "detail.eventName") }),
			`detail.eventName: missing; Control Tower lifecycle events name their operation there, such as CreateManagedAccount`},
		{"eventName not a string", mutate(t, sample, func(m map[string]any) { set(m, "detail.eventName", []any{"x"}) }),
			`detail.eventName: must be a JSON string, got array`},
		{"no event ID at all", mutate(t, sample, func(m map[string]any) { del(m, "detail.eventID"); delete(m, "id") }),
			`detail.eventID: missing, and the envelope has no id either; Landfall recognises redelivered events by this ID; keep the eventID of the original event`},
		{"eventTime malformed", mutate(t, sample, func(m map[string]any) { set(m, "detail.eventTime", "yesterday") }),
			`detail.eventTime: is not a timestamp (got "yesterday"); use ISO 8601 with a zone, such as "2019-11-15T11:45:18+0000" or "2018-08-30T21:42:18Z"`},
		{"serviceEventDetails missing", mutate(t, sample, func(m map[string]any) { del(m, "detail.serviceEventDetails") }),
			statusPath + `: missing; a CreateManagedAccount event carries the account's outcome there`},
		{"serviceEventDetails not an object", mutate(t, sample, func(m map[string]any) { set(m, "detail.serviceEventDetails", 3) }),
			`detail.serviceEventDetails: must be a JSON object, got number`},
		{"status block missing", mutate(t, sample, func(m map[string]any) { del(m, statusPath) }),
			statusPath + `: missing; a CreateManagedAccount event carries the account's outcome there`},
		{"status block of the other event", mutate(t, sample, func(m map[string]any) { set(m, "detail.eventName", UpdateManagedAccount) }),
			`detail.serviceEventDetails.updateManagedAccountStatus: missing; the event has createManagedAccountStatus instead; the block must match eventName UpdateManagedAccount`},
		{"status block a list", mutate(t, sample, func(m map[string]any) { set(m, statusPath, []any{}) }),
			statusPath + `: must be a JSON object, got array`},
		{"state missing", mutate(t, sample, func(m map[string]any) { del(m, statusPath+".state") }),
			statusPath + `.state: missing; Control Tower reports SUCCEEDED or FAILED`},
		{"state unknown", mutate(t, sample, func(m map[string]any) { set(m, statusPath+".state", "IN_PROGRESS") }),
			statusPath + `.state: is not a known state (got "IN_PROGRESS"); Control Tower reports SUCCEEDED or FAILED`},
		{"state lower case", mutate(t, sample, func(m map[string]any) { set(m, statusPath+".state", "succeeded") }),
			statusPath + `.state: is not a known state (got "succeeded"); Control Tower reports SUCCEEDED or FAILED`},
		{"state a boolean", mutate(t, sample, func(m map[string]any) { set(m, statusPath+".state", true) }),
			statusPath + `.state: must be a JSON string, got boolean`},
		{"account missing on success", mutate(t, sample, func(m map[string]any) { del(m, statusPath+".account") }),
			statusPath + `.account: missing; a SUCCEEDED event names the account it enrolled`},
		{"accountId missing on success", mutate(t, sample, func(m map[string]any) { del(m, statusPath+".account.accountId") }),
			statusPath + `.account.accountId: missing; a SUCCEEDED event names the 12-digit account ID`},
		{"accountId short", mutate(t, sample, func(m map[string]any) { set(m, statusPath+".account.accountId", "22222222222") }),
			statusPath + `.account.accountId: is not a 12-digit account ID (got "22222222222"); AWS account IDs are exactly 12 digits, such as "123456789012"`},
		{"accountId a number", mutate(t, sample, func(m map[string]any) { set(m, statusPath+".account.accountId", 222222222222) }),
			statusPath + `.account.accountId: must be a JSON string, got number`},
		{"accountId malformed on failure", mutate(t, failed, func(m map[string]any) { set(m, statusPath+".account.accountId", "n/a") }),
			statusPath + `.account.accountId: is not a 12-digit account ID (got "n/a"); AWS account IDs are exactly 12 digits, such as "123456789012"`},
		{"accountName missing on success", mutate(t, sample, func(m map[string]any) { set(m, statusPath+".account.accountName", "") }),
			statusPath + `.account.accountName: missing; a SUCCEEDED event names the account`},
		{"account not an object", mutate(t, failed, func(m map[string]any) { set(m, statusPath+".account", "333333333333") }),
			statusPath + `.account: must be a JSON object, got string`},
		{"OU missing on success", mutate(t, sample, func(m map[string]any) { del(m, statusPath+".organizationalUnit") }),
			statusPath + `.organizationalUnit: missing; a SUCCEEDED event names the OU the account was enrolled into`},
		{"OU id missing on success", mutate(t, sample, func(m map[string]any) { del(m, statusPath+".organizationalUnit.organizationalUnitId") }),
			statusPath + `.organizationalUnit.organizationalUnitId: missing; a SUCCEEDED event names the OU the account was enrolled into`},
		{"OU id is a name", mutate(t, sample, func(m map[string]any) { set(m, statusPath+".organizationalUnit.organizationalUnitId", "Custom") }),
			statusPath + `.organizationalUnit.organizationalUnitId: is not an OU ID (got "Custom"); OU IDs look like "ou-ab12-l3zc8b3h" (the root: "r-ab12")`},
		{"OU id upper case", mutate(t, failed, func(m map[string]any) {
			set(m, statusPath+".organizationalUnit.organizationalUnitId", "ou-AB12-l3zc8b3h")
		}),
			statusPath + `.organizationalUnit.organizationalUnitId: is not an OU ID (got "ou-AB12-l3zc8b3h"); OU IDs look like "ou-ab12-l3zc8b3h" (the root: "r-ab12")`},
		{"requestedTimestamp malformed", mutate(t, sample, func(m map[string]any) { set(m, statusPath+".requestedTimestamp", "2019-11-15 11:45:18") }),
			statusPath + `.requestedTimestamp: is not a timestamp (got "2019-11-15 11:45:18"); use ISO 8601 with a zone, such as "2019-11-15T11:45:18+0000" or "2018-08-30T21:42:18Z"`},
		{"completedTimestamp without zone", mutate(t, failed, func(m map[string]any) { set(m, statusPath+".completedTimestamp", "2019-11-16T12:09:32") }),
			statusPath + `.completedTimestamp: is not a timestamp (got "2019-11-16T12:09:32"); use ISO 8601 with a zone, such as "2019-11-15T11:45:18+0000" or "2018-08-30T21:42:18Z"`},
		{"message a number", mutate(t, sample, func(m map[string]any) { set(m, statusPath+".message", 5) }),
			statusPath + `.message: must be a JSON string, got number`},
		{"several problems at once", mutate(t, sample, func(m map[string]any) {
			set(m, statusPath+".account.accountId", "abc")
			del(m, statusPath+".account.accountName")
			set(m, statusPath+".organizationalUnit.organizationalUnitId", "ou-x")
			set(m, statusPath+".completedTimestamp", "soon")
		}), strings.Join([]string{
			statusPath + `.completedTimestamp: is not a timestamp (got "soon"); use ISO 8601 with a zone, such as "2019-11-15T11:45:18+0000" or "2018-08-30T21:42:18Z"`,
			statusPath + `.account.accountId: is not a 12-digit account ID (got "abc"); AWS account IDs are exactly 12 digits, such as "123456789012"`,
			statusPath + `.account.accountName: missing; a SUCCEEDED event names the account`,
			statusPath + `.organizationalUnit.organizationalUnitId: is not an OU ID (got "ou-x"); OU IDs look like "ou-ab12-l3zc8b3h" (the root: "r-ab12")`,
		}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wantDecodeError(t, tt.raw, tt.want)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("error %T does not contain a *FieldError", err)
			}
		})
	}
}

func TestFieldErrorTruncatesLongValues(t *testing.T) {
	e := &FieldError{Field: "f", Value: strings.Repeat("é", 200), Problem: "is bad"}
	want := `f: is bad (got "` + strings.Repeat("é", maxValueLen) + `…")`
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestDecodeTimestampForms(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2019-11-15T11:45:18+0000", time.Date(2019, 11, 15, 11, 45, 18, 0, time.UTC)},
		{"2018-08-30T21:42:18Z", time.Date(2018, 8, 30, 21, 42, 18, 0, time.UTC)},
		{"2019-11-15T13:45:18+02:00", time.Date(2019, 11, 15, 11, 45, 18, 0, time.UTC)},
		{"2019-11-15T11:45:18.123456Z", time.Date(2019, 11, 15, 11, 45, 18, 123456000, time.UTC)},
		{"2019-11-15T06:15:18.5-05:30", time.Date(2019, 11, 15, 11, 45, 18, 500000000, time.UTC)},
		{"2019-11-15T12:45:18.250+0100", time.Date(2019, 11, 15, 11, 45, 18, 250000000, time.UTC)},
	}
	for _, tt := range tests {
		raw := mutate(t, "create-managed-account-succeeded.json", func(m map[string]any) {
			set(m, statusPath+".completedTimestamp", tt.in)
		})
		ev, err := Decode(raw)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		got := ev.(*AccountEvent).CompletedAt
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%s: CompletedAt = %v, want %v in UTC", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"2019-11-15", "2019-11-15T11:45:18", "15/11/2019 11:45", "2019-11-15T11:45:18+00", "1573818318", "2019-13-15T11:45:18Z"} {
		if _, err := parseTimestamp(bad); err == nil {
			t.Errorf("parseTimestamp(%q) succeeded, want an error", bad)
		}
	}
}

func TestDecodeEmptyTimestampsAreZero(t *testing.T) {
	raw := mutate(t, "create-managed-account-failed.json", func(m map[string]any) {
		set(m, statusPath+".requestedTimestamp", "")
		del(m, statusPath+".completedTimestamp")
	})
	ev, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.(*AccountEvent); !got.RequestedAt.IsZero() || !got.CompletedAt.IsZero() {
		t.Errorf("RequestedAt, CompletedAt = %v, %v, want zero", got.RequestedAt, got.CompletedAt)
	}
}

func TestDecodeEnvelope(t *testing.T) {
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(readFixture(t, "update-managed-account-succeeded.json"), &ev); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeEnvelope(ev)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Decode(readFixture(t, "update-managed-account-succeeded.json"))
	if err != nil {
		t.Fatal(err)
	}
	if *got.(*AccountEvent) != *want.(*AccountEvent) {
		t.Errorf("DecodeEnvelope = %+v, Decode = %+v", got, want)
	}
}

func TestIsEventBridgeEnvelope(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{string(readFixture(t, "create-managed-account-succeeded.json")), true},
		{`{"source": "aws.ec2", "detail-type": "x"}`, true},
		{`{"source": null, "detail-type": null}`, true},
		// Issue #9: an envelope without one of them is an invalid event, not a manual payload.
		{`{"source": "aws.controltower"}`, true},
		{`{"detail-type": "AWS Service Event via CloudTrail"}`, true},
		{`{"Source": "aws.controltower", "Detail-Type": "AWS Service Event via CloudTrail"}`, false},
		{`{"accounts": ["222222222222"]}`, false},
		{`{"detail": {"source": 1, "detail-type": 2}}`, false},
		{`[{"source": 1, "detail-type": 2}]`, false},
		{`null`, false},
		{`{"source": 1, "detail-type": 2`, false},
		{``, false},
	}
	for _, tt := range tests {
		if got := IsEventBridgeEnvelope([]byte(tt.raw)); got != tt.want {
			t.Errorf("IsEventBridgeEnvelope(%.60s) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, name := range samples.Names() {
		f.Add(samples.Event(name))
	}
	f.Add([]byte(`{"source":"aws.controltower","detail-type":"AWS Service Event via CloudTrail","detail":{"eventName":"UpdateManagedAccount","serviceEventDetails":{"updateManagedAccountStatus":{"state":"FAILED","account":null}}}}`))
	f.Add([]byte(`{"source":"aws.controltower","detail-type":"AWS Service Event via CloudTrail","detail":[]}`))
	f.Add([]byte(`{"time":"x"}`))
	f.Add([]byte(`{"version":"0","id":"e-1","account":"111111111111","time":"2018-08-30T21:42:18Z","region":"us-east-1","resources":[],"detail":{}}`))
	f.Add([]byte("{\"source\":\"aws.controltower\",\"detail-type\":\"AWS Service Event via CloudTrail\",\"id\":\"e\xff\",\"detail\":{\"eventName\":\"X\\uffff\"}}"))
	f.Add([]byte(`[]`))
	// Organizations calls: the pairing with the other family's
	// detail-type, a failed call with junk parameters, a move without
	// parents, and a caller too long for a report.
	f.Add([]byte(`{"source":"aws.organizations","detail-type":"AWS Service Event via CloudTrail","detail":{"eventSource":"organizations.amazonaws.com","eventName":"CloseAccountResult"}}`))
	f.Add([]byte(`{"source":"aws.controltower","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"MoveAccount"}}`))
	f.Add([]byte(`{"source":"aws.organizations","detail-type":"AWS API Call via CloudTrail","id":"e","detail":{"eventSource":"organizations.amazonaws.com","eventName":"MoveAccount","errorCode":"InvalidInputException","errorMessage":"bad\nid","requestParameters":{"accountId":"x"}}}`))
	f.Add([]byte(`{"source":"aws.organizations","detail-type":"AWS API Call via CloudTrail","id":"e","detail":{"eventSource":"organizations.amazonaws.com","eventName":"MoveAccount","requestParameters":{"accountId":"222222222222"}}}`))
	f.Add([]byte(`{"source":"aws.organizations","detail-type":"AWS API Call via CloudTrail","id":"e","detail":{"eventSource":"organizations.amazonaws.com","eventName":"CloseAccount","userIdentity":{"arn":"` + strings.Repeat("a", 600) + `"},"requestParameters":{"accountId":"222222222222"}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := Decode(raw)
		if (ev == nil) == (err == nil) {
			t.Fatalf("Decode = %v, %v: want exactly one of an event and an error", ev, err)
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			checkRejection(t, raw, err)
			return
		}
		if a, ok := ev.(*AccountEvent); ok && a.Succeeded() {
			if !awsid.IsAccountID(a.AccountID) || a.AccountName == "" || a.OUID == "" || a.EventID == "" {
				t.Fatalf("SUCCEEDED event with missing or invalid identity: %+v", a)
			}
		}
		if o, ok := ev.(*OrganizationsEvent); ok {
			checkOrganizationsEvent(t, o)
		}
		checkAccepted(t, ev)
		IsEventBridgeEnvelope(raw)
	})
}

// checkRejection asserts issue #9's rule for a rejected input: every problem
// is a *FieldError naming its field ("(payload)" only for input that is not a
// JSON object at all), in a message that is itself clean text.
func checkRejection(t *testing.T, raw []byte, err error) {
	t.Helper()
	var object map[string]json.RawMessage
	isObject := json.Unmarshal(raw, &object) == nil && object != nil
	for _, e := range leafErrors(err) {
		fe, ok := e.(*FieldError)
		if !ok {
			t.Fatalf("rejection %T is not a field error: %v", e, e)
		}
		if fe.Field == "" && isObject {
			t.Fatalf("rejection of a JSON object names no field: %v", fe)
		}
		if msg := fe.Error(); !strings.HasPrefix(msg, cmp.Or(fe.Field, "(payload)")+": ") {
			t.Fatalf("message %q does not start with its field", msg)
		}
	}
	if msg := err.Error(); !utf8.ValidString(msg) || textProblem(msg, 0, true) != "" {
		t.Fatalf("error message is not clean text: %q", msg)
	}
}

// checkAccepted asserts that every text of an accepted event follows the
// text rules.
func checkAccepted(t *testing.T, ev Event) {
	t.Helper()
	var texts []string
	switch ev := ev.(type) {
	case *AccountEvent:
		if textProblem(ev.Message, 0, true) != "" || len(ev.Message) > maxMessageLen {
			t.Fatalf("accepted message %q", ev.Message)
		}
		texts = []string{ev.EventID, ev.EnvelopeID, ev.EventName, ev.AccountID, ev.AccountName, ev.OUID, ev.OUName, ev.ManagementAccount, ev.HomeRegion}
		for _, name := range []string{ev.AccountName, ev.OUName} {
			if utf8.RuneCountInString(name) > maxNameLen {
				t.Fatalf("accepted a name of %d characters", utf8.RuneCountInString(name))
			}
		}
	case *OrganizationsEvent:
		texts = []string{ev.EventID, ev.EnvelopeID, ev.EventName, ev.AccountID, ev.SourceParentID, ev.DestinationParentID, ev.ManagementAccount, ev.Region, ev.Caller}
	case *IgnoredEvent:
		texts = []string{ev.EventID, ev.EventName}
		if textProblem(ev.Reason, 0, false) != "" {
			t.Fatalf("ignored event's reason %q is not one clean line", ev.Reason)
		}
	}
	for _, s := range texts {
		if !utf8.ValidString(s) || !IsCleanText(s) {
			t.Fatalf("accepted unclean text %q in %+v", s, ev)
		}
	}
}

// leafErrors flattens errors.Join trees.
// wantDecodeError decodes raw and wants exactly the error want and no
// event; it returns the error for the caller's checks of its parts.
func wantDecodeError(t *testing.T, raw []byte, want string) error {
	t.Helper()
	ev, err := Decode(raw)
	if err == nil {
		t.Fatalf("Decode = %+v, want error %q", ev, want)
	}
	if ev != nil {
		t.Errorf("Decode returned %+v alongside the error, want nil", ev)
	}
	if err.Error() != want {
		t.Errorf("error:\ngot  %s\nwant %s", err, want)
	}
	return err
}

func leafErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leafErrors(e)...)
		}
		return out
	}
	return []error{err}
}

func BenchmarkDecode(b *testing.B) {
	raw := samples.Event("create-managed-account-succeeded.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	return samples.Event(name)
}

// mutate returns the fixture after edit has changed its generic JSON form.
func mutate(t testing.TB, name string, edit func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(readFixture(t, name), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// set puts v at the dotted path, creating objects on the way.
func set(m map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}

// del removes the value at the dotted path, if it is there.
func del(m map[string]any, path string) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, keys[len(keys)-1])
}

// TestAccountEventNamesAreWhatDecodeActsOn: the EventBridge rule selects
// AccountEventNames, so a sample decodes to an AccountEvent exactly when its
// eventName is one of them.
func TestAccountEventNamesAreWhatDecodeActsOn(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range samples.Names() {
		raw := samples.Event(name)
		var env struct {
			Detail struct {
				EventName string `json:"eventName"`
			} `json:"detail"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ev, err := Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, isAccount := ev.(*AccountEvent)
		listed := slices.Contains(AccountEventNames(), env.Detail.EventName)
		if isAccount != listed {
			t.Errorf("%s: eventName %q decodes to %T, but AccountEventNames lists it: %v", name, env.Detail.EventName, ev, listed)
		}
		if isAccount {
			seen[env.Detail.EventName] = true
		}
	}
	for _, n := range AccountEventNames() {
		if !seen[n] {
			t.Errorf("no sample event is a %s", n)
		}
	}
}
