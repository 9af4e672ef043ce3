package cli

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var planHash = regexp.MustCompile(`sha256 [0-9a-f]{12}`)

const prodOffline = "--account=666666666666 --name=payments-prod --ou=ou-ab12-pr0dw0rk --ou-name=Prod --ancestors=ou-ab12-w0rkl0ad=Workloads"

func TestPlanOffline(t *testing.T) {
	env := localAWS(t, nil)
	tests := []struct {
		name     string
		args     string
		wantCode int
		golden   string
		wantOut  []string
		wantErr  []string
	}{
		{
			name: "nested account, rendered alike in every region", args: prodOffline,
			golden: "plan-offline.txt",
		},
		{
			name: "plan as the argument, after the flags", args: "--account=222222222222 --name=LifeCycle1 --ou=ou-ab12-l3zc8b3h --ou-name=Custom --region=us-west-1 " + filepath.Join("testdata", "plan-pinned.yaml"),
			wantOut: []string{
				"Plan " + filepath.Join("testdata", "plan-pinned.yaml"),
				"  us-west-1  baseline-vpc    v1.1     port-uw1baseline0  landfall-baseline-vpc",
				"Environment=dev",
			},
		},
		{
			name: "account the plan excludes", args: "--account=444444444444 --name=Log-Archive --ou=ou-ab12-s3cur1ty --ou-name=Security",
			wantOut: []string{`account 444444444444 (Log-Archive) excluded by exclude.ous "Security"`, "The plan gives this account nothing."},
		},
		{
			name: "OU name unknown offline: the selector cannot match", args: "--account=444444444444 --ou=ou-ab12-s3cur1ty",
			wantOut: []string{"6 target(s)", "AccountName=  "},
			wantErr: []string{"note: --ou-name not given", "note: --name not given"},
		},
		{
			name: "management account", args: "--account=111111111111 --name=Management --ou=r-ab12 --management",
			wantOut: []string{"111111111111 (Management) is the management account; set includeManagementAccount: true to provision it"},
		},
		{
			name: "a template that fails for this account", args: "--account=222222222222 --name=LifeCycle1 --ou=ou-ab12-l3zc8b3h --ou-name=Custom --region=us-east-1 --plan=" + filepath.Join("testdata", "plan-grandparent.yaml"),
			wantCode: 1,
			wantOut:  []string{"cannot render: render baseline-vpc for account 222222222222 in us-east-1: tags.division: <index .Account.Ancestors 1>: error calling index"},
			wantErr:  []string{"landfall plan: the plan's templates fail for this account in us-east-1/baseline-vpc, us-east-1/security-audit; fix the plan"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := landfall(t, "", append([]string{"plan"}, strings.Fields(tt.args)...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.out, r.stderr)
			}
			if tt.golden != "" {
				// The example plan's hash changes with every edit of its comments.
				golden(t, tt.golden, planHash.ReplaceAllString(r.out, "sha256 HASH"))
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
			if calls := env.Cloud.Calls().Snapshot(); len(calls) != 0 {
				t.Errorf("offline plan called AWS: %v", calls)
			}
		})
	}
}

func TestPlanJSON(t *testing.T) {
	localAWS(t, nil)
	tests := []struct {
		name, args, source string
	}{
		{"offline", prodOffline + " --region=us-west-1 --json", "command line"},
		{"looked up in Organizations", "--account=666666666666 --region=us-west-1 --json", "organizations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := landfall(t, "", append([]string{"plan"}, strings.Fields(tt.args)...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var ans planAnswer
			if err := json.Unmarshal([]byte(r.out), &ans); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.out)
			}
			if ans.Source != tt.source || !ans.Selected || ans.Account.Name != "payments-prod" || len(ans.Account.Ancestors) != 2 ||
				ans.Account.Ancestors[1].Name != "Workloads" || len(ans.Excluded) != 0 {
				t.Errorf("answer = %+v", ans)
			}
			if len(ans.Targets) != 2 {
				t.Fatalf("targets = %+v, want baseline-vpc and security-audit in us-west-1", ans.Targets)
			}
			vpc := ans.Targets[0]
			if vpc.Product != "baseline-vpc" || vpc.Parameters["Environment"] != "prod" || vpc.Parameters["AccountName"] != "payments-prod" ||
				vpc.Tags["managed-by"] != "landfall" || vpc.Portfolio != "port-uw1baseline0" || vpc.ProvisionedProductName != "landfall-baseline-vpc" {
				t.Errorf("baseline-vpc = %+v", vpc)
			}
		})
	}
}

func TestPlanLooksUpOrganizations(t *testing.T) {
	env := localAWS(t, nil)
	tests := []struct {
		name     string
		account  string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"member account", "777777777777", 0, "Account dev-sandbox (777777777777) in Sandbox (ou-ab12-s4ndb0x1) < Workloads (ou-ab12-w0rkl0ad), from the organizations", ""},
		{"management account", "111111111111", 0, "is the management account; set includeManagementAccount: true", ""},
		{"not in the organization", "123456789012", 1, "", "landfall plan: --account 123456789012: not an account of this organization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := landfall(t, "", "plan", "--account", tt.account)
			if r.code != tt.wantCode || !strings.Contains(r.out, tt.wantOut) || !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.out, r.stderr)
			}
		})
	}
	if n := env.Cloud.Calls().Count("organizations.DescribeAccount"); n != 3 {
		t.Errorf("DescribeAccount calls = %d, want one per command", n)
	}
}

func TestPlanUsageErrors(t *testing.T) {
	env := localAWS(t, nil)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no account", nil, []string{"--account: missing; give the account's 12-digit ID"}},
		{"every problem at once", []string{"--account", "2222-2222-2222", "--ou", "Security", "--region", "eu-west-1", "--product", "vpc"}, []string{
			`--account: "2222-2222-2222" is not a 12-digit account ID`,
			`--ou: "Security" is not an OU ID`,
			`--region: "eu-west-1" is not one of the plan's regions`,
			`--product: "vpc" is not a product key of the plan (baseline-vpc, security-audit)`,
		}},
		{"offline flags without --ou", []string{"--account", "222222222222", "--name", "x", "--ancestors", "Workloads"}, []string{
			"--name: describes the account offline, so it needs --ou",
			"--ancestors: describes the account offline, so it needs --ou",
		}},
		{"bad ancestors", []string{"--account", "222222222222", "--ou", "ou-ab12-pr0dw0rk", "--ancestors", "Workloads=ou-ab12-w0rkl0ad,ou-ab12-w0rkl0ad=,r-ab12"}, []string{
			`--ancestors: "Workloads=ou-ab12-w0rkl0ad": before the = must be an OU ID`,
			`--ancestors: "ou-ab12-w0rkl0ad=": the name after the = is empty`,
			`--ancestors: "r-ab12" is the root`,
		}},
		{"root with ancestors", []string{"--account", "222222222222", "--ou", "r-ab12", "--ou-name", "Root"}, []string{"the account is directly under the root r-ab12"}},
		{"plan named twice", []string{"--account", "222222222222", "--plan", "a.yaml", "b.yaml"}, []string{"name the plan once"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := landfall(t, "", append([]string{"plan"}, tt.args...)...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\nstderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
	if calls := env.Cloud.Calls().Snapshot(); len(calls) != 0 {
		t.Errorf("AWS called for bad flags: %v", calls)
	}
	if r := landfall(t, "", "plan", "--account", "222222222222", "--plan", filepath.Join("testdata", "no-such-plan.yaml")); r.code != 1 || !strings.Contains(r.stderr, "no-such-plan.yaml") {
		t.Errorf("missing plan file: exit %d, stderr %q", r.code, r.stderr)
	}
}
