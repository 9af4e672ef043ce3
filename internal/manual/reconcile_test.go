package manual

import (
	"reflect"
	"testing"
)

// TestDecodeReconcilePayload: the launch function reads the reconcile
// schedule's payload as a backfill of every account, only what is missing,
// asked for by the schedule.
func TestDecodeReconcilePayload(t *testing.T) {
	got, err := Decode([]byte(ReconcilePayload))
	if err != nil {
		t.Fatalf("Decode(%s): %v", ReconcilePayload, err)
	}
	want := &Request{All: true, OnlyMissing: true, RequestedBy: ReconcileRequestedBy}
	if !reflect.DeepEqual(got, want) || got.Kind() != KindAll {
		t.Errorf("got %+v kind %s, want %+v kind all", got, got.Kind(), want)
	}
	if err := CheckRequestedBy(ReconcileRequestedBy); err != nil {
		t.Errorf("requestedBy %q: %v", ReconcileRequestedBy, err)
	}
}
