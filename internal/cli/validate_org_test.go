package cli

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/localaws"
)

// examplePlanWith writes the example plan with replacements (old, new pairs)
// and returns its path.
func examplePlanWith(t *testing.T, replace ...string) string {
	t.Helper()
	data, err := os.ReadFile("../plan/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(text, replace[i]) {
			t.Fatalf("example plan has no %q", replace[i])
		}
		text = strings.Replace(text, replace[i], replace[i+1], 1)
	}
	return writeTemp(t, "plan.yaml", text)
}

func TestValidateOrg(t *testing.T) {
	env := localAWS(t, nil)
	tests := []struct {
		name     string
		replace  []string
		wantCode int
		wantOut  []string
		wantErr  []string
	}{
		{
			name:    "the example plan holds",
			wantOut: []string{"valid: 2 products in 3 regions", "valid against organization o-ab12cd34ef and the catalogs of 3 regions"},
		},
		{
			name:     "a typo in an exclude OU",
			replace:  []string{"ous: [Security]", "ous: [Securty]"},
			wantCode: 1,
			wantErr: []string{
				"landfall validate: the plan does not hold against the organization: 1 problem:",
				`  exclude.ous[0]: "Securty" is not an OU of this organization, so this exclusion excludes nothing; did you mean "Security"?`,
			},
		},
		{
			name:     "a typo in a product name",
			replace:  []string{"product: baseline-vpc ", "product: baseline-vcp "},
			wantCode: 1,
			wantErr: []string{
				`  products[0].product: product "baseline-vcp" is not in the plan's portfolio Landfall Baseline in us-east-1, us-west-2 and us-west-1 (it has baseline-vpc and security-audit); did you mean "baseline-vpc"?`,
			},
		},
		{
			name:     "a deprecated pin and a misspelt parameter",
			replace:  []string{"version: latest ", "version: v1.0 ", `AuditAccountId: "{{`, `AuditAccount: "{{`},
			wantCode: 1,
			wantErr: []string{
				"2 problems:",
				"  products[0].version: version v1.0 of baseline-vpc is DEPRECATED in us-east-1, us-west-2 and us-west-1 and cannot be provisioned: pin another version (available: v2.0, v1.1) or use latest",
				`  products[1].parameters.AuditAccount: security-audit 2025.01 (latest) in us-east-1, us-west-2 and us-west-1 does not declare parameter "AuditAccount" (declared: AlertEmail, AuditAccountId, RetentionDays); did you mean "AuditAccountId"?`,
			},
		},
		{
			name:     "a portfolio of another region",
			replace:  []string{"us-west-1: port-uw1baseline0", "us-west-1: port-uw2baseline0"},
			wantCode: 1,
			wantErr:  []string{"  portfolios.us-west-1: portfolio port-uw2baseline0 does not exist in us-west-1; portfolio IDs are regional"},
		},
		{
			name:    "a glob matching no account yet is a note, not a problem",
			replace: []string{"exclude:\n", "include:\n  accountNames: [\"paymets-*\", \"*\"]\nexclude:\n"},
			wantOut: []string{"valid against organization o-ab12cd34ef"},
			wantErr: []string{`note: include.accountNames[0]: "paymets-*" matches no account name yet (it blocks nothing`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.Cloud.Calls().Reset()
			code, out, errOut := invokeCLI(t, "validate", "--org", examplePlanWith(t, tt.replace...))
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout:\n%sstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if tt.wantCode != 0 && strings.Contains(out, "valid against") {
				t.Errorf("a plan with problems called valid:\n%s", out)
			}
			// Preflight only reads.
			for call := range env.Cloud.Calls().Snapshot() {
				op := call[strings.LastIndex(call, ".")+1:]
				if !slices.ContainsFunc([]string{"Describe", "List", "Search", "Get"}, func(p string) bool { return strings.HasPrefix(op, p) }) {
					t.Errorf("validate --org called %s", call)
				}
			}
		})
	}
}

func TestValidateOrgPortfolioSharedWithAnOU(t *testing.T) {
	localAWS(t, func(w *localaws.World) {
		for i, r := range w.Catalog.Regions {
			if r.Region == "us-west-1" {
				w.Catalog.Regions[i].Portfolios[0].Shares = []string{"ou-ab12-w0rkl0ad"}
			}
		}
	})
	code, out, errOut := invokeCLI(t, "validate", "--org", "../plan/example.yaml")
	want := "  portfolios.us-west-1: portfolio port-uw1baseline0 (Landfall Baseline) in us-west-1 is not shared with the organization (it is shared with OU ou-ab12-w0rkl0ad only), so new accounts elsewhere cannot see its products; share it with the organization: aws servicecatalog create-portfolio-share --portfolio-id port-uw1baseline0 --organization-node Type=ORGANIZATION,Value=o-… --region us-west-1"
	if code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d\nstdout:\n%sstderr:\n%s\nwant exit 1 and %q", code, out, errOut, want)
	}
}

func TestValidateOrgNeedsARegion(t *testing.T) {
	awsEnv(t, "http://127.0.0.1:1") // never reached
	t.Setenv("AWS_REGION", "")
	code, out, errOut := invokeCLI(t, "validate", "--org", "../plan/example.yaml")
	// The file itself is valid, and said so, before the organization is asked.
	if code != 1 || !strings.Contains(out, "valid: 2 products") || !strings.Contains(errOut, "no AWS region: set AWS_REGION") {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
}
