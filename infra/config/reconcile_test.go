package config

import (
	"strings"
	"testing"
)

// TestLoadReconcileSchedule: the reconcile schedule follows the drift
// schedule's rule (checkSchedule), its problems named after its own key
// and in its own terms.
func TestLoadReconcileSchedule(t *testing.T) {
	tests := []struct {
		name    string
		value   any // nil: not set
		want    string
		wantErr string
	}{
		{name: "off by default", value: nil},
		{name: "empty is off", value: ""},
		{name: "daily", value: "rate(1 day)", want: "rate(1 day)"},
		{name: "with spaces, from the command line", value: " rate(12 hours) ", want: "rate(12 hours)"},
		{name: "nightly", value: "cron(0 3 * * ? *)", want: "cron(0 3 * * ? *)"},
		{name: "plural unit for 1", value: "rate(1 days)", wantErr: `landfall:reconcileSchedule: "rate(1 days)": EventBridge wants a singular unit for 1 and a plural one otherwise: write rate(1 day)`},
		{name: "too often", value: "rate(15 minutes)", wantErr: `landfall:reconcileSchedule: "rate(15 minutes)" runs the reconcile more often than once an hour, and each reconcile queues a run for every account: use rate(1 hour) or longer`},
		{name: "every minute", value: "cron(*/5 3 * * ? *)", wantErr: `runs the reconcile more than once an hour`},
		{name: "five-field cron", value: "cron(0 3 * * ?)", wantErr: `landfall:reconcileSchedule: "cron(0 3 * * ?)" has 5 fields`},
		{name: "crontab style", value: "0 3 * * *", wantErr: `landfall:reconcileSchedule: "0 3 * * *" is not a schedule expression: write a schedule such as "rate(1 day)", "rate(6 hours)" or "cron(0 6 ? * MON-FRI *)" (UTC), or remove the key to turn the reconcile off`},
		{name: "a number", value: 24.0, wantErr: `landfall:reconcileSchedule: got`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]any{KeyHomeRegion: "us-east-1"}
			if tt.value != nil {
				values[KeyReconcileSchedule] = tt.value
			}
			got, err := Load(contextOf(values), envOf(nil))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.ReconcileSchedule != tt.want {
				t.Errorf("ReconcileSchedule = %q, %v; want %q", got.ReconcileSchedule, err, tt.want)
			}
		})
	}
}

// TestSchedulesAreIndependent: each schedule is checked and reported on
// its own, and setting one does not set the other.
func TestSchedulesAreIndependent(t *testing.T) {
	got, err := Load(contextOf(map[string]any{KeyHomeRegion: "us-east-1", KeyReconcileSchedule: "rate(1 day)"}), envOf(nil))
	if err != nil || got.ReconcileSchedule != "rate(1 day)" || got.DriftSchedule != "" {
		t.Errorf("Load = %+v, %v; want only the reconcile schedule", got, err)
	}
	_, err = Load(contextOf(map[string]any{KeyHomeRegion: "us-east-1", KeyDriftSchedule: "rate(5 minutes)", KeyReconcileSchedule: "rate(5 minutes)"}), envOf(nil))
	for _, want := range []string{
		`landfall:driftSchedule: "rate(5 minutes)" runs the drift check more often`,
		`landfall:reconcileSchedule: "rate(5 minutes)" runs the reconcile more often`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want %q", err, want)
		}
	}
}
