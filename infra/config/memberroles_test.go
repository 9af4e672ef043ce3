package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadMemberRoles(t *testing.T) {
	tests := []struct {
		name        string
		set         map[string]any
		roles       bool
		targets     []string
		wantErrs    []string
		wantErrLine int
	}{
		{name: "off by default", set: nil},
		{name: "cdk.json boolean", set: map[string]any{KeyMemberRoles: true}, roles: true},
		{name: "command-line string", set: map[string]any{KeyMemberRoles: "true"}, roles: true},
		{name: "command-line false", set: map[string]any{KeyMemberRoles: " false "}},
		{name: "targets as a list", set: map[string]any{KeyMemberRoles: true, KeyMemberRoleTargets: []any{"r-ab12", "ou-ab12-l3zc8b3h"}},
			roles: true, targets: []string{"r-ab12", "ou-ab12-l3zc8b3h"}},
		{name: "targets as a comma-separated string", set: map[string]any{KeyMemberRoles: "true", KeyMemberRoleTargets: "ou-ab12-l3zc8b3h, ou-ab12-w0rkl0ad"},
			roles: true, targets: []string{"ou-ab12-l3zc8b3h", "ou-ab12-w0rkl0ad"}},
		{name: "a number is not a boolean", set: map[string]any{KeyMemberRoles: float64(1)},
			wantErrs: []string{`landfall:memberRoles: got number 1: want true or false`}},
		{name: "yes is not a boolean", set: map[string]any{KeyMemberRoles: "yes"},
			wantErrs: []string{`landfall:memberRoles: got "yes": want true or false (unquoted in cdk.json)`}},
		{name: "targets without member roles", set: map[string]any{KeyMemberRoleTargets: []any{"r-ab12"}},
			wantErrs: []string{"landfall:memberRoleTargets: set, but landfall:memberRoles is false: set landfall:memberRoles to true or remove this key"}},
		{name: "names, typos and repeats", set: map[string]any{KeyMemberRoles: true, KeyMemberRoleTargets: []any{"Custom", "ou-ab12-l3zc8b3h", "r-AB12", "ou-ab12-l3zc8b3h"}},
			wantErrs: []string{
				`landfall:memberRoleTargets: [0]: "Custom" is not an OU ID (ou-xxxx-xxxxxxxx) or root ID (r-xxxx): StackSets deploy to IDs only`,
				`landfall:memberRoleTargets: [2]: "r-AB12" is not an OU ID`,
				`landfall:memberRoleTargets: [3]: "ou-ab12-l3zc8b3h" is listed twice`,
			}, wantErrLine: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]any{KeyHomeRegion: "us-east-1"}
			for k, v := range tt.set {
				values[k] = v
			}
			got, err := Load(contextOf(values), envOf(nil))
			if len(tt.wantErrs) > 0 {
				if err == nil {
					t.Fatalf("Load accepted %v", tt.set)
				}
				for _, w := range tt.wantErrs {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q:\n%v", w, err)
					}
				}
				if n := len(strings.Split(err.Error(), "\n")); tt.wantErrLine > 0 && n != tt.wantErrLine {
					t.Errorf("%d error lines, want %d:\n%v", n, tt.wantErrLine, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got.MemberRoles != tt.roles || !reflect.DeepEqual(got.MemberRoleTargets, tt.targets) {
				t.Errorf("MemberRoles, MemberRoleTargets = %v, %q; want %v, %q", got.MemberRoles, got.MemberRoleTargets, tt.roles, tt.targets)
			}
		})
	}
}
