package wire

import "testing"

// TestFailedCallsOutliveTheRecords: a refusal stays findable after the
// records have rotated it out, so a test looking for one cannot miss it.
func TestFailedCallsOutliveTheRecords(t *testing.T) {
	l := newCallLog(4)
	l.add(Call{Key: "sqs.SendMessage", ErrorCode: "AccessDenied"})
	for range 10 {
		l.add(Call{Key: "sqs.ReceiveMessage"})
	}
	for _, c := range l.Records() {
		if c.ErrorCode != "" {
			t.Fatalf("records kept the refusal; the test needs it rotated out: %+v", l.Records())
		}
	}
	failed := l.Failed()
	if len(failed) != 1 || failed[0].Key != "sqs.SendMessage" {
		t.Errorf("Failed() = %+v, want the one refusal", failed)
	}
	if n := l.Count("sqs.ReceiveMessage"); n != 10 {
		t.Errorf("Count = %d, want 10: counts never rotate", n)
	}
	l.Reset()
	if len(l.Failed()) != 0 {
		t.Error("Reset must forget failed calls too")
	}
}
