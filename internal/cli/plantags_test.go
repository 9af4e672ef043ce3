package cli

import (
	"strings"
	"testing"
)

// tagPlan is the example plan narrowed to accounts tagged environment prod.
func tagPlan(t *testing.T) string {
	t.Helper()
	return examplePlanWith(t, "exclude:\n", "include:\n  tags: {environment: prod}\nexclude:\n")
}

func TestPlanWithAccountTags(t *testing.T) {
	env := localAWS(t, nil)
	pl := tagPlan(t)
	tests := []struct {
		name     string
		args     []string
		tagReads int
		wantOut  []string
		wantErr  []string
	}{
		{
			name: "offline, tags given", args: []string{"--account=666666666666", "--name=payments-prod", "--ou=ou-ab12-pr0dw0rk", "--ou-name=Prod", "--tag", "environment=prod,cost-center=4100"},
			wantOut: []string{`Tags cost-center="4100", environment="prod"`, `selected by include.tags environment="prod"`, "6 target(s)"},
		},
		{
			name: "offline, no tags: none, and said so", args: []string{"--account=666666666666", "--name=payments-prod", "--ou=ou-ab12-pr0dw0rk", "--ou-name=Prod"},
			wantOut: []string{`is not matched by include (tags environment="prod"): it has no environment tag`},
			wantErr: []string{"note: --tag not given: the account is taken to have no tags"},
		},
		{
			name: "looked up: tags read from Organizations", args: []string{"--account=666666666666"}, tagReads: 1,
			wantOut: []string{`Tags cost-center="4100", environment="prod"`, `selected by include.tags environment="prod"`},
		},
		{
			name: "looked up: another environment", args: []string{"--account=777777777777"}, tagReads: 1,
			wantOut: []string{`is not matched by include (tags environment="prod"): its environment tag is "dev"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.Cloud.Calls().Reset()
			r := landfall(t, "", append([]string{"plan", "--plan", pl}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(r.out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.out)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if n := env.Cloud.Calls().Count("organizations.ListTagsForResource"); n != tt.tagReads {
				t.Errorf("%d ListTagsForResource calls, want %d", n, tt.tagReads)
			}
		})
	}

	// A plan that needs no tags reads none.
	env.Cloud.Calls().Reset()
	if r := landfall(t, "", "plan", "--account=666666666666"); r.code != 0 || strings.Contains(r.out, "Tags ") {
		t.Errorf("example plan: exit %d\n%s", r.code, r.out)
	}
	if n := env.Cloud.Calls().Count("organizations.ListTagsForResource"); n != 0 {
		t.Errorf("the example plan read tags %d times", n)
	}
}

func TestPlanTagFlagErrors(t *testing.T) {
	localAWS(t, nil)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"not KEY=VALUE", []string{"--ou=ou-ab12-pr0dw0rk", "--tag", "environment"}, `--tag: "environment" is not KEY=VALUE, such as --tag environment=prod`},
		{"no key", []string{"--ou=ou-ab12-pr0dw0rk", "--tag", "=prod"}, `--tag: "=prod" is not KEY=VALUE`},
		{"a key twice", []string{"--ou=ou-ab12-pr0dw0rk", "--tag", "environment=prod", "--tag", "environment=dev"}, `--tag: environment is given twice ("prod" and "dev")`},
		{"online", []string{"--tag", "environment=prod"}, "--tag: describes the account offline, so it needs --ou"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := landfall(t, "", append([]string{"plan", "--account=666666666666"}, tt.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, want 2 and %q\nstderr:\n%s", r.code, tt.want, r.stderr)
			}
		})
	}
}

// validate --org reads every account's tags, once, and notes a tags clause
// that matches no account, with a did-you-mean; it blocks nothing.
func TestValidateOrgTagsClause(t *testing.T) {
	env := localAWS(t, nil)
	env.Cloud.Calls().Reset()
	code, out, errOut := invokeCLI(t, "validate", "--org", examplePlanWith(t, "exclude:\n", "include:\n  tags: {environment: prd}\nexclude:\n"))
	if code != 0 || !strings.Contains(out, "valid against organization") {
		t.Errorf("exit %d\nstdout:\n%sstderr:\n%s", code, out, errOut)
	}
	if want := `note: include.tags: environment="prd" matches no account's tags yet; no account's environment tag is "prd", did you mean "prod"? (it blocks nothing`; !strings.Contains(errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}
	if n := env.Cloud.Calls().Count("organizations.ListTagsForResource"); n != 8 {
		t.Errorf("%d ListTagsForResource calls, want one per account (8)", n)
	}
}
