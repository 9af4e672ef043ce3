package faults_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/landfall/landfall/internal/localaws/faults"
)

// describeOrg calls DescribeOrganization once, without retries, and tells
// whether it failed.
func (e *env) describeOrg(t *testing.T) bool {
	t.Helper()
	cfg := e.config("us-east-1", nil)
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	_, err := organizations.NewFromConfig(cfg).DescribeOrganization(t.Context(), &organizations.DescribeOrganizationInput{})
	return err != nil
}

// TestWindow: a rule acts only inside [from, until), counted from when it
// was loaded (the start for New, the call for Set and Add).
func TestWindow(t *testing.T) {
	failAll := faults.Rule{Service: "organizations", ErrorRate: 1}
	window := func(from, until time.Duration) faults.Rule {
		r := failAll
		r.From, r.Until = from, until
		return r
	}
	tests := []struct {
		name string
		rule faults.Rule
		// load is how long after the start the rule is loaded: 0 loads it
		// with New, otherwise with Set (or Add, for add).
		load time.Duration
		add  bool
		// at lists times after loading and whether a call fails then.
		at map[time.Duration]bool
	}{
		{"no window: always", failAll, 0, false, map[time.Duration]bool{0: true, 100 * time.Hour: true}},
		{"from only", window(5*time.Minute, 0), 0, false, map[time.Duration]bool{0: false, 5*time.Minute - time.Second: false, 5 * time.Minute: true, 100 * time.Hour: true}},
		{"until only", window(0, 10*time.Minute), 0, false, map[time.Duration]bool{0: true, 10*time.Minute - time.Second: true, 10 * time.Minute: false}},
		{"from and until", window(time.Minute, 2*time.Minute), 0, false, map[time.Duration]bool{0: false, time.Minute: true, 2 * time.Minute: false}},
		{"counted from Set", window(time.Minute, 2*time.Minute), time.Hour, false, map[time.Duration]bool{0: false, time.Minute: true, 2 * time.Minute: false}},
		{"counted from Add", window(time.Minute, 2*time.Minute), time.Hour, true, map[time.Duration]bool{0: false, time.Minute: true, 2 * time.Minute: false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for at, wantFail := range tt.at {
				e := loadRule(t, tt.rule, tt.load, tt.add)
				e.clock.Advance(at)
				if got := e.describeOrg(t); got != wantFail {
					t.Errorf("at %v after loading: failed = %v, want %v", at, got, wantFail)
				}
			}
		})
	}
}

// loadRule returns an env with rule loaded at start+load: by New when load
// is 0, else by Add or Set.
func loadRule(t *testing.T, rule faults.Rule, load time.Duration, add bool) *env {
	t.Helper()
	if load == 0 {
		return newEnv(t, faults.Spec{rule})
	}
	e := newEnv(t, nil)
	e.clock.Advance(load)
	apply := func() error { return e.faults.Set(faults.Spec{rule}) }
	if add {
		apply = func() error { return e.faults.Add(rule) }
	}
	if err := apply(); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestWindowDrawsNothingOutside: calls outside the window take no throttle
// token and draw no error, so what happens inside does not depend on them.
func TestWindowDrawsNothingOutside(t *testing.T) {
	pattern := func(callsBefore int) string {
		e := newEnv(t, faults.Spec{{Service: "organizations", ErrorRate: 0.5, Seed: 11, From: time.Minute, Until: 2 * time.Minute}})
		for range callsBefore {
			if e.describeOrg(t) {
				t.Fatal("a call before the window failed")
			}
		}
		e.clock.Advance(time.Minute)
		var b strings.Builder
		for range 30 {
			b.WriteString(map[bool]string{true: "x", false: "."}[e.describeOrg(t)])
		}
		e.clock.Advance(time.Minute)
		for range 5 {
			if e.describeOrg(t) {
				t.Fatal("a call after the window failed")
			}
		}
		return b.String()
	}
	if quiet, busy := pattern(0), pattern(25); quiet != busy || !strings.Contains(quiet, "x") {
		t.Errorf("failures inside the window depend on calls outside it:\n%s\n%s", quiet, busy)
	}

	// A throttle outside its window takes no token: the bucket is full
	// when the window opens, and calls after it close are free.
	e := newEnv(t, faults.Spec{{Service: "organizations", Throttle: &faults.Throttle{Rate: 0.001, Burst: 2}, From: time.Minute, Until: 2 * time.Minute}})
	for range 5 {
		if e.describeOrg(t) {
			t.Fatal("throttled before the window")
		}
	}
	e.clock.Advance(time.Minute)
	if got := []bool{e.describeOrg(t), e.describeOrg(t), e.describeOrg(t)}; got[0] || got[1] || !got[2] {
		t.Errorf("inside the window failed = %v, want the burst of 2 then a throttle", got)
	}
	e.clock.Advance(time.Minute)
	if e.describeOrg(t) {
		t.Error("throttled after the window closed")
	}
}

// TestWindowedPropagation: a propagation fault's window bounds it too.
func TestWindowedPropagation(t *testing.T) {
	e := newEnv(t, faults.Spec{{ShareInvisibleFor: time.Hour, Until: 10 * time.Minute}})
	tests := []struct {
		at   time.Duration
		want time.Duration
	}{{0, time.Hour}, {10*time.Minute - time.Second, time.Hour}, {10 * time.Minute, 0}}
	for _, tt := range tests {
		e.clock.AdvanceTo(start.Add(tt.at))
		if got := e.faults.ShareDelay("888888888888", "us-east-1"); got != tt.want {
			t.Errorf("ShareDelay at %v = %v, want %v", tt.at, got, tt.want)
		}
	}
}
