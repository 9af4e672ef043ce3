package runstate

import (
	"strings"
	"testing"
	"time"
)

func TestNotBefore(t *testing.T) {
	// Messages from before NotBefore existed decode with it zero, and a run
	// without it encodes without the key.
	b, err := Encode(valid())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "notBefore") {
		t.Errorf("a run without NotBefore encodes it: %s", b)
	}
	r, err := Decode(b)
	if err != nil || !r.NotBefore.IsZero() {
		t.Fatalf("decode = %v, NotBefore %v", err, r.NotBefore)
	}

	// A backfill run released later: NotBefore is its start, and round-trips.
	held := valid()
	held.StartedAt = held.StartedAt.Add(20 * time.Minute)
	held.NotBefore = held.StartedAt
	if b, err = Encode(held); err != nil {
		t.Fatal(err)
	}
	if r, err = Decode(b); err != nil || !r.NotBefore.Equal(held.NotBefore) {
		t.Fatalf("decode = %v, NotBefore %v, want %v", err, r.NotBefore, held.NotBefore)
	}

	// Held past its own start, a run's age would count from before anything ran.
	held.NotBefore = held.StartedAt.Add(time.Second)
	if err := held.Validate(); err == nil || !strings.Contains(err.Error(), "notBefore: ") {
		t.Errorf("NotBefore after StartedAt: %v, want a notBefore error", err)
	}
}
