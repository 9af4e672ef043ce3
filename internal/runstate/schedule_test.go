package runstate

import (
	"strings"
	"testing"
	"time"
)

// TestRecordScheduleTravels: the record schedule survives a continuation,
// and a message from before it existed still decodes (due at once).
func TestRecordScheduleTravels(t *testing.T) {
	run := valid()
	started := time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC)
	tg := &run.Targets[1]
	tg.RecordStarted, tg.NextCheck = started, started.Add(12*time.Minute)
	b, err := Encode(run)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if g := got.Targets[1]; !g.RecordStarted.Equal(tg.RecordStarted) || !g.NextCheck.Equal(tg.NextCheck) {
		t.Errorf("decoded schedule %s, %s; want %s, %s", g.RecordStarted, g.NextCheck, tg.RecordStarted, tg.NextCheck)
	}
	if !strings.Contains(string(b), "recordStarted") || strings.Count(string(b), "nextCheck") != 1 {
		t.Errorf("only the running target carries a schedule: %s", b)
	}

	old := `{"schema":1,"id":"ct-1-222222222222","trigger":"CreateManagedAccount","account":{"id":"222222222222","name":"LifeCycle1"},` +
		`"planHash":"","startedAt":"2026-01-01T00:00:00Z","step":3,"targets":[{"region":"us-east-1","product":"baseline-vpc","status":"IN_PROGRESS","recordId":"rec-1"}]}`
	r, err := Decode([]byte(old))
	if err != nil {
		t.Fatalf("a message without a schedule: %v", err)
	}
	if g := r.Targets[0]; !g.RecordStarted.IsZero() || !g.NextCheck.IsZero() {
		t.Errorf("old message: schedule %s, %s; want zero (read at once)", g.RecordStarted, g.NextCheck)
	}
}
