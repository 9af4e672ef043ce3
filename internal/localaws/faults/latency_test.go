package faults

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/wire"
)

func TestLatency(t *testing.T) {
	f, err := New(Spec{{Service: "sts", Latency: 30 * time.Second}, {Service: "sts", Operation: "AssumeRole", Latency: time.Millisecond}}, nil, clock.NewManual(time.Time{}))
	if err != nil {
		t.Fatal(err)
	}
	called := false
	op := f.Middleware()(func(*wire.Request) (any, error) { called = true; return nil, nil })

	// The longest matching latency applies; it ends early when the caller gives up.
	if d := f.decide(&wire.Request{Service: "sts", Operation: "GetCallerIdentity"}).latency; d != 30*time.Second {
		t.Errorf("latency = %v, want the longest matching rule's", d)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := op(&wire.Request{Context: ctx, Service: "sts", Operation: "GetCallerIdentity"}); !errors.Is(err, context.Canceled) || called {
		t.Errorf("cancelled call = %v (operation called: %v), want context.Canceled", err, called)
	}
	if d := f.decide(&wire.Request{Service: "sns", Operation: "Publish"}).latency; d != 0 {
		t.Errorf("latency for an unmatched call = %v", d)
	}
}
