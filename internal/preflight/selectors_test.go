package preflight

import (
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/plan"
)

// org is the default world's organization, hard-coded so this package's
// tests do not depend on the emulator.
var org = &Org{
	OUs: []plan.OU{
		{ID: "ou-ab12-l3zc8b3h", Name: "Custom"}, {ID: "ou-ab12-s3cur1ty", Name: "Security"},
		{ID: "ou-ab12-w0rkl0ad", Name: "Workloads"}, {ID: "ou-ab12-pr0dw0rk", Name: "Prod"},
	},
	Accounts: []plan.Account{
		{ID: "111111111111", Name: "Management"}, {ID: "222222222222", Name: "LifeCycle1"},
		{ID: "444444444444", Name: "Log Archive"}, {ID: "555555555555", Name: "Audit"},
		{ID: "666666666666", Name: "payments-prod"},
	},
}

func mustParse(t *testing.T, yaml string) *plan.Plan {
	t.Helper()
	pl, err := plan.Parse([]byte("regions: [us-east-1]\nportfolios: {us-east-1: port-ue1baseline0}\n"+yaml), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func TestCheckSelectors(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		problems []string
		notes    []string
	}{
		{"every entry exists", "include: {ous: [Custom, ou-ab12-w0rkl0ad], accounts: [\"666666666666\"]}\nexclude: {ous: [Security]}\nproducts: [{key: a, product: a}]", nil, nil},
		{"a typo in an exclude: the security accounts would be planned", "exclude: {ous: [Securty]}\nproducts: [{key: a, product: a}]",
			[]string{`exclude.ous[0]: "Securty" is not an OU of this organization, so this exclusion excludes nothing; did you mean "Security"?`}, nil},
		{"an OU ID that does not exist", "include: {ous: [ou-ab12-nope0000]}\nproducts: [{key: a, product: a}]",
			[]string{`include.ous[0]: "ou-ab12-nope0000" is not an OU of this organization`}, nil},
		{"an account outside the organization", "products: [{key: a, product: a, include: {accounts: [\"999999999999\"]}}]",
			[]string{`products[0].include.accounts[0]: "999999999999" is not an account of this organization`}, nil},
		{"a glob matching nothing blocks nothing", "include: {accountNames: [\"paymets-*\"]}\nproducts: [{key: a, product: a}]",
			nil, []string{`include.accountNames[0]: "paymets-*" matches no account name yet`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := CheckSelectors(mustParse(t, tt.yaml), org)
			check(t, "problems", r.Problems, tt.problems)
			check(t, "notes", r.Notes, tt.notes)
			if (r.Err() == nil) != (len(tt.problems) == 0) {
				t.Errorf("Err() = %v with %d problems", r.Err(), len(r.Problems))
			}
		})
	}
}

func check(t *testing.T, what string, got []Problem, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s = %v, want %d", what, got, len(want))
	}
	for i := range want {
		if !strings.Contains(got[i].String(), want[i]) {
			t.Errorf("%s[%d] = %q, want it to contain %q", what, i, got[i], want[i])
		}
	}
}
