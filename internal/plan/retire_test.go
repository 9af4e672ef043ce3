package plan

import (
	"strings"
	"testing"
)

const retirePlan = `
regions: [us-east-1, us-west-2]
portfolios: {us-east-1: port-ue1baseline0, us-west-2: port-uw2baseline0}
exclude: {ous: [Security]}
products:
  - key: vpc
    product: baseline-vpc
  - key: audit
    product: security-audit
    regions: [us-east-1]
    retire: terminate
    exclude: {accounts: ['333333333333']}
`

func owned(key string) map[string]string {
	k, v := OwnerTag(key)
	return map[string]string{k: v, "managed-by": "landfall"}
}

func TestRetirementRule(t *testing.T) {
	pl := mustParse(t, retirePlan)
	tests := []struct {
		name    string
		account Account
		found   Found
		fate    Fate
		policy  string // PolicyPath
		why     string // part of Why
		note    string // part of Note
	}{
		{"another prefix is never Landfall's", lifeCycle1, Found{Region: "us-east-1", Name: "team-vpc", Tags: owned("vpc")}, FateIgnore, "", "", ""},
		{"no product key after the prefix", lifeCycle1, Found{Region: "us-east-1", Name: "landfall-My_Dashboard"}, FateIgnore, "", "", ""},
		{"the prefix alone", lifeCycle1, Found{Region: "us-east-1", Name: "landfall-"}, FateIgnore, "", "", ""},
		{"still placed", lifeCycle1, Found{Region: "us-west-2", Name: "landfall-vpc"}, FateWanted, "", "", ""},
		{"still placed, even untagged", lifeCycle1, Found{Region: "us-east-1", Name: "landfall-audit"}, FateWanted, "", "", ""},
		{"region left the product's regions: the product's own policy", lifeCycle1, Found{Region: "us-west-2", Name: "landfall-audit", Tags: owned("audit")},
			FateTerminate, "products[1].retire", "us-west-2 is not one of audit's regions (us-east-1)", "products[1].retire is terminate"},
		{"account left the product's selectors", lifeCycle2, Found{Region: "us-east-1", Name: "landfall-audit", Tags: owned("audit")},
			FateTerminate, "products[1].retire", `audit is not placed in this account: account 333333333333 (LifeCycle2) excluded by products[1].exclude.accounts "333333333333"`, ""},
		{"untagged look-alike is never terminated", lifeCycle2, Found{Region: "us-east-1", Name: "landfall-audit", Tags: map[string]string{"team": "x"}},
			FateRetain, "products[1].retire", "", "Landfall will not terminate it although products[1].retire is terminate: it has no landfall:product tag"},
		{"a tag naming another key is no proof", lifeCycle2, Found{Region: "us-east-1", Name: "landfall-audit", Tags: owned("vpc")},
			FateRetain, "products[1].retire", "", `its landfall:product tag is "vpc", not "audit"`},
		{"product left the plan: the plan's policy", lifeCycle1, Found{Region: "us-east-1", Name: "landfall-old", Tags: owned("old")},
			FateRetain, "retire", "old is no longer a product of the plan", "retained (retire: retain): old is no longer a product of the plan; set retire: terminate at the top of the plan to remove it"},
		{"account left the plan: the product's policy", logArchive, Found{Region: "us-east-1", Name: "landfall-vpc", Tags: owned("vpc")},
			FateRetain, "retire", `account 444444444444 (Log Archive) excluded by exclude.ous "Security"`, "set retire: terminate on products[0] (or at the top of the plan) to remove it"},
		{"account left the plan, product terminates", logArchive, Found{Region: "us-east-1", Name: "landfall-audit", Tags: owned("audit")},
			FateTerminate, "products[1].retire", "excluded by exclude.ous", ""},
		{"region the plan does not name", lifeCycle1, Found{Region: "eu-west-1", Name: "landfall-vpc", Tags: owned("vpc")},
			FateRetain, "retire", "eu-west-1 is not one of the plan's regions (us-east-1, us-west-2)", ""},
		{"retained and untagged", lifeCycle1, Found{Region: "us-east-1", Name: "landfall-old"},
			FateRetain, "retire", "", "it has no landfall:product tag, so Landfall would not terminate it even with retire: terminate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule, err := pl.Retirement(tt.account)
			if err != nil {
				t.Fatal(err)
			}
			v := rule.Decide(tt.found)
			if v.Fate != tt.fate || v.PolicyPath != tt.policy || !strings.Contains(v.Why, tt.why) || !strings.Contains(v.Note(), tt.note) {
				t.Errorf("Decide = %+v\nnote %q\nwant fate %q, policy %q, why containing %q, note containing %q", v, v.Note(), tt.fate, tt.policy, tt.why, tt.note)
			}
			if v.Candidate() != (tt.fate == FateRetain || tt.fate == FateTerminate) || (v.Candidate() && v.Note() == "") {
				t.Errorf("Candidate() = %v with note %q", v.Candidate(), v.Note())
			}
		})
	}
}

func TestRetirementPolicies(t *testing.T) {
	retain := mustParse(t, retirePlan)
	if retain.Retire != RetireRetain || !retain.RetirementEnabled() {
		t.Errorf("plan retire %q, enabled %v: want retain, enabled by products[1]", retain.Retire, retain.RetirementEnabled())
	}
	none := mustParse(t, strings.Replace(retirePlan, "    retire: terminate\n", "", 1))
	if none.RetirementEnabled() {
		t.Error("a plan without terminate anywhere enables retirement")
	}
	all := mustParse(t, "retire: terminate\n"+strings.Replace(retirePlan, "    retire: terminate\n", "    retire: retain\n", 1))
	vpc, _ := all.Product("vpc")
	audit, _ := all.Product("audit")
	if !all.RetirementEnabled() || vpc.Retire != RetireTerminate || audit.Retire != RetireRetain {
		t.Errorf("plan-level terminate: enabled %v, vpc %q, audit %q; want the plan's default, audit its own", all.RetirementEnabled(), vpc.Retire, audit.Retire)
	}
	rule, err := all.Retirement(lifeCycle1)
	if err != nil {
		t.Fatal(err)
	}
	if v := rule.Decide(Found{Region: "us-east-1", Name: "landfall-gone", Tags: owned("gone")}); v.Fate != FateTerminate || v.PolicyPath != "retire" {
		t.Errorf("a product that left a terminate plan: %+v", v)
	}
	if v := rule.Decide(Found{Region: "us-west-2", Name: "landfall-audit", Tags: owned("audit")}); v.Fate != FateRetain ||
		!strings.Contains(v.Note(), "set retire: terminate on products[1] (or at the top of the plan) to remove it") {
		t.Errorf("a product whose own retain wins: %+v %q", v, v.Note())
	}
	if _, err := all.Retirement(Account{ID: "12345"}); err == nil {
		t.Error("Retirement accepts a malformed account ID")
	}
}

func TestFilterAllows(t *testing.T) {
	tests := []struct {
		f           Filter
		region, key string
		want        bool
	}{
		{Filter{}, "us-east-1", "gone", true},
		{Filter{Regions: []string{"us-east-1"}}, "us-east-1", "gone", true},
		{Filter{Regions: []string{"us-east-1"}}, "us-west-2", "gone", false},
		{Filter{Products: []string{"vpc"}}, "us-east-1", "gone", false},
		{Filter{Pairs: []Pair{{"us-east-1", "vpc"}}}, "us-east-1", "vpc", true},
	}
	for _, tt := range tests {
		if got := tt.f.Allows(tt.region, tt.key); got != tt.want {
			t.Errorf("%+v.Allows(%s, %s) = %v, want %v", tt.f, tt.region, tt.key, got, tt.want)
		}
	}
}
