package config

import (
	"strings"
	"testing"
)

// TestLoadRunRetentionDays reads landfall:runRetentionDays as cdk.json and
// -c deliver it, and refuses what the functions would refuse, naming the
// key and the range.
func TestLoadRunRetentionDays(t *testing.T) {
	tests := []struct {
		name  string
		value any // nil: not set
		want  int
		err   string
	}{
		{"default", nil, 90, ""},
		{"cdk.json number", float64(30), 30, ""},
		{"-c string", "365", 365, ""},
		{"one day", float64(1), 1, ""},
		{"ten years", float64(3650), 3650, ""},
		{"zero", float64(0), 0, "landfall:runRetentionDays: 0 is out of range: use 1 to 3650 days (default 90), or remove the key; it is how many days finished runs stay in the run ledger"},
		{"over ten years", float64(3651), 0, "landfall:runRetentionDays: 3651 is out of range: use 1 to 3650 days"},
		{"negative", "-7", 0, "landfall:runRetentionDays: -7 is out of range"},
		{"not a whole number", float64(1.5), 0, "landfall:runRetentionDays: got 1.5: want a whole number"},
		{"not a number", "forever", 0, `landfall:runRetentionDays: got "forever": want a whole number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]any{KeyHomeRegion: "us-east-1"}
			if tt.value != nil {
				values[KeyRunRetentionDays] = tt.value
			}
			got, err := Load(contextOf(values), envOf(nil))
			if tt.err == "" {
				if err != nil || got.RunRetentionDays != tt.want {
					t.Fatalf("RunRetentionDays = %d (%v), want %d", got.RunRetentionDays, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error = %v, want one containing %q", err, tt.err)
			}
			if n := strings.Count(err.Error(), KeyRunRetentionDays+":"); n != 1 {
				t.Errorf("%d problems named %s, want 1:\n%v", n, KeyRunRetentionDays, err)
			}
		})
	}
}
