package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadHardeningSettings(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]any
		want   Config
	}{
		{"defaults: logs encrypted, no trail, 10 reserved", map[string]any{},
			Config{LaunchReservedConcurrency: 10, EncryptLogs: true}},
		{"cdk.json types", map[string]any{
			KeyLaunchReservedConcurrency: float64(25), KeyEncryptLogs: false, KeyLaunchDataEvents: true,
			KeyRedrivePrincipals: []any{"arn:aws:iam::111111111111:role/Operator"},
		}, Config{LaunchReservedConcurrency: 25, LaunchDataEvents: true, RedrivePrincipals: []string{"arn:aws:iam::111111111111:role/Operator"}}},
		{"-c strings", map[string]any{
			KeyLaunchReservedConcurrency: "3", KeyEncryptLogs: "false", KeyLaunchDataEvents: "true",
			KeyRedrivePrincipals: "arn:aws:iam::111111111111:role/A, arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Admin_*",
		}, Config{LaunchReservedConcurrency: 3, LaunchDataEvents: true, RedrivePrincipals: []string{
			"arn:aws:iam::111111111111:role/A", "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Admin_*",
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.values[KeyHomeRegion] = "us-east-1"
			c, err := Load(contextOf(tt.values), envOf(nil))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got := Config{LaunchReservedConcurrency: c.LaunchReservedConcurrency, EncryptLogs: c.EncryptLogs, LaunchDataEvents: c.LaunchDataEvents, RedrivePrincipals: c.RedrivePrincipals}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestLoadRejectsBadHardeningSettings expects each problem to name its key
// and the fix.
func TestLoadRejectsBadHardeningSettings(t *testing.T) {
	tests := []struct {
		name  string
		key   string
		value any
		want  string
	}{
		{"zero turns the function off", KeyLaunchReservedConcurrency, float64(0),
			"landfall:launchReservedConcurrency: 0 would turn the launch function off"},
		{"above what Lambda lets one reserve", KeyLaunchReservedConcurrency, float64(901),
			"landfall:launchReservedConcurrency: 901 is out of range: use 1 to 900"},
		{"negative", KeyLaunchReservedConcurrency, "-1", "landfall:launchReservedConcurrency: -1 is out of range"},
		{"not a number", KeyLaunchReservedConcurrency, "ten", `landfall:launchReservedConcurrency: got "ten": want a whole number`},
		{"encryptLogs not a boolean", KeyEncryptLogs, "yes", `landfall:encryptLogs: got "yes": want true or false`},
		{"launchDataEvents not a boolean", KeyLaunchDataEvents, float64(1), "landfall:launchDataEvents: got number 1: want true or false"},
		{"not an ARN", KeyRedrivePrincipals, []any{"Operator"},
			`landfall:redrivePrincipals: [0]: "Operator" is not an IAM principal ARN`},
		{"wildcard account", KeyRedrivePrincipals, []any{"arn:aws:iam::*:role/Operator"},
			`landfall:redrivePrincipals: [0]: "arn:aws:iam::*:role/Operator" is not an IAM principal ARN`},
		{"another service's ARN", KeyRedrivePrincipals, []any{"arn:aws:sqs:us-east-1:111111111111:queue"},
			"is not an IAM principal ARN"},
		{"every role", KeyRedrivePrincipals, []any{"arn:aws:iam::111111111111:role/*"},
			`landfall:redrivePrincipals: [0]: "arn:aws:iam::111111111111:role/*" names every principal of its kind`},
		{"listed twice", KeyRedrivePrincipals, []any{"arn:aws:iam::111111111111:role/A", "arn:aws:iam::111111111111:role/A"},
			`landfall:redrivePrincipals: [1]: "arn:aws:iam::111111111111:role/A" is listed twice`},
		{"too many", KeyRedrivePrincipals, manyRoles(11), "landfall:redrivePrincipals: 11 principals: at most 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(contextOf(map[string]any{KeyHomeRegion: "us-east-1", tt.key: tt.value}), envOf(nil))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func manyRoles(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = "arn:aws:iam::111111111111:role/Operator" + string(rune('A'+i))
	}
	return out
}

func TestCheckRedrivePrincipalsAccepts(t *testing.T) {
	for _, arn := range []string{
		"arn:aws:iam::111111111111:root",
		"arn:aws:iam::111111111111:user/ops/alice",
		"arn:aws-us-gov:iam::111111111111:role/Operator",
		"arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AWSAdministratorAccess_0123456789abcdef",
	} {
		if err := CheckRedrivePrincipals([]string{arn}); err != nil {
			t.Errorf("CheckRedrivePrincipals(%q): %v", arn, err)
		}
	}
}
