package config

import (
	"strings"
	"testing"
)

func TestLoadDriftSchedule(t *testing.T) {
	tests := []struct {
		name    string
		value   any // nil: not set
		want    string
		wantErr string
	}{
		{name: "off by default", value: nil},
		{name: "empty is off", value: ""},
		{name: "daily", value: "rate(1 day)", want: "rate(1 day)"},
		{name: "every six hours, from the command line with spaces", value: " rate(6 hours) ", want: "rate(6 hours)"},
		{name: "weekdays at six", value: "cron(0 6 ? * MON-FRI *)", want: "cron(0 6 ? * MON-FRI *)"},
		{name: "first of the month", value: "cron(30 2 1 * ? *)", want: "cron(30 2 1 * ? *)"},
		{name: "plural unit for 1", value: "rate(1 days)", wantErr: `landfall:driftSchedule: "rate(1 days)": EventBridge wants a singular unit for 1 and a plural one otherwise: write rate(1 day)`},
		{name: "singular unit for 5", value: "rate(5 hour)", wantErr: `write rate(5 hours)`},
		{name: "too often", value: "rate(30 minutes)", wantErr: `runs the drift check more often than once an hour`},
		{name: "an hour in minutes is fine", value: "rate(60 minutes)", want: "rate(60 minutes)"},
		{name: "zero", value: "rate(0 hours)", wantErr: `the value must be a positive whole number`},
		{name: "unknown unit", value: "rate(1 week)", wantErr: `is not a rate expression: write rate(<whole number> <minute|minutes|hour|hours|day|days>)`},
		{name: "five-field cron", value: "cron(0 6 * * ?)", wantErr: `has 5 fields: a cron expression has six`},
		{name: "both days given", value: "cron(0 6 * * MON *)", wantErr: `exactly one of day-of-month (*) and day-of-week (MON) must be "?"`},
		{name: "neither day given", value: "cron(0 6 ? * ? *)", wantErr: `exactly one of day-of-month`},
		{name: "every minute", value: "cron(* 6 * * ? *)", wantErr: `runs the drift check more than once an hour`},
		{name: "unclosed", value: "cron(0 6 * * ? *", wantErr: `close it with ")"`},
		{name: "bad characters", value: "cron(0 6 * * ? $)", wantErr: `field 6 ($) has characters`},
		{name: "crontab style", value: "0 6 * * *", wantErr: `landfall:driftSchedule: "0 6 * * *" is not a schedule expression: write a schedule such as "rate(1 day)"`},
		{name: "at expression", value: "at(2026-01-01T00:00:00)", wantErr: `or remove the key to turn the drift check off`},
		{name: "a boolean", value: true, wantErr: `landfall:driftSchedule:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]any{KeyHomeRegion: "us-east-1"}
			if tt.value != nil {
				values[KeyDriftSchedule] = tt.value
			}
			got, err := Load(contextOf(values), envOf(nil))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.DriftSchedule != tt.want {
				t.Errorf("DriftSchedule = %q, %v; want %q", got.DriftSchedule, err, tt.want)
			}
		})
	}
}
