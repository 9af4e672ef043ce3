package runstate

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/plan"
)

func valid() *Run {
	return &Run{Schema: SchemaVersion, ID: "ct-1-222222222222", Trigger: TriggerCreate, Account: plan.Account{ID: "222222222222", Name: "LifeCycle1"},
		StartedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Targets: []Target{
			{Region: "us-east-1", Product: "baseline-vpc", Status: Succeeded},
			{Region: "us-east-1", Product: "security-audit", Status: InProgress, RecordID: "rec-1"},
		}}
}

func TestDecodeRoundTrip(t *testing.T) {
	b, err := Encode(valid())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete() || r.Target("us-east-1", "security-audit").RecordID != "rec-1" || r.Account.Label() != "LifeCycle1 (222222222222)" {
		t.Errorf("round trip lost state: %+v", r)
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		mut  func(*Run)
		want string
	}{
		{"schema", func(r *Run) { r.Schema = 9 }, "schema: 9 is not supported"},
		{"id", func(r *Run) { r.ID = "" }, `id: "" is not a run ID`},
		{"account", func(r *Run) { r.Account.ID = "22" }, `account.id: "22" is not a 12-digit account ID`},
		{"no targets", func(r *Run) { r.Targets = nil }, "targets: empty"},
		{"duplicate", func(r *Run) { r.Targets[1] = r.Targets[0] }, "targets[1]: us-east-1/baseline-vpc appears twice"},
		{"status", func(r *Run) { r.Targets[0].Status = "DONE" }, `targets[0].status: "DONE" is not a target status`},
		{"record", func(r *Run) { r.Targets[1].RecordID = "" }, "targets[1].recordId: required while IN_PROGRESS"},
		{"started", func(r *Run) { r.StartedAt = time.Time{} }, "startedAt: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.mut(r)
			b, err := Encode(r)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Decode(b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := Decode([]byte("not json")); err == nil {
		t.Error("want error for non-JSON")
	}
}

func TestOutcome(t *testing.T) {
	r := valid()
	r.Targets[1].Status = Failed
	if r.Outcome() != "PARTIAL" {
		t.Errorf("outcome = %s", r.Outcome())
	}
	r.Targets[0].Status = TimedOut
	if r.Outcome() != "FAILED" {
		t.Errorf("outcome = %s", r.Outcome())
	}
	r.Targets[0].Status, r.Targets[1].Status = AlreadyProvisioned, Outdated
	if r.Outcome() != "SUCCEEDED" || !r.Complete() {
		t.Errorf("outcome = %s", r.Outcome())
	}
}

func TestClip(t *testing.T) {
	if got := Clip("short"); got != "short" {
		t.Errorf("Clip(short) = %q", got)
	}
	long := strings.Repeat("é", MaxMessage) // 2 bytes a rune
	got := Clip(long)
	if len(got) > MaxMessage || !strings.HasSuffix(got, " [...]") || !utf8.ValidString(got) {
		t.Errorf("Clip: %d bytes, valid UTF-8 %v, suffix %q", len(got), utf8.ValidString(got), got[len(got)-6:])
	}
	r := valid()
	r.AddNote("a")
	r.AddNote("a")
	if len(r.Notes) != 1 {
		t.Errorf("AddNote must not repeat a note: %v", r.Notes)
	}
}

func TestEncodeWithin(t *testing.T) {
	r := valid()
	r.Targets = nil
	for i := range 150 {
		r.Targets = append(r.Targets, Target{Region: "us-east-1", Product: strings.Repeat("p", 20) + string(rune('a'+i%26)) + strings.Repeat("x", i/26),
			Status: Failed, Error: strings.Repeat("AccessDenied by an SCP. ", 40)})
	}
	full, err := Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	limit := len(full) / 3
	b, err := EncodeWithin(r, limit)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil || len(b) > limit || len(back.Targets) != 150 || back.Targets[0].Status != Failed || !strings.HasSuffix(back.Targets[0].Error, "...") {
		t.Errorf("shortened run: %d bytes (limit %d), err %v", len(b), limit, err)
	}
	if r.Targets[0].Error == back.Targets[0].Error {
		t.Error("EncodeWithin must not shorten the caller's run")
	}
	if _, err := EncodeWithin(r, 100); err == nil || !strings.Contains(err.Error(), "plan fewer products or regions") {
		t.Errorf("a run that cannot fit must fail with the fix, got %v", err)
	}
}
