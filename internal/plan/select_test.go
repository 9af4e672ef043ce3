package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestSelectsExample(t *testing.T) {
	pl := mustExample(t)
	tests := []struct {
		a      Account
		want   bool
		reason string
	}{
		{management, false, "account 111111111111 (Management) is the management account; set includeManagementAccount: true to provision it"},
		{lifeCycle1, true, "account 222222222222 (LifeCycle1) selected: include is empty (every account) and no exclude matches"},
		{logArchive, false, `account 444444444444 (Log Archive) excluded by exclude.ous "Security"`},
		{audit, false, `account 555555555555 (Audit) excluded by exclude.ous "Security"`},
		{paymentsProd, true, "account 666666666666 (payments-prod) selected: include is empty (every account) and no exclude matches"},
		{Account{ID: "12345"}, false, `account ID "12345" is not 12 digits`},
	}
	for _, tt := range tests {
		got, reason := pl.Selects(tt.a)
		if got != tt.want || reason != tt.reason {
			t.Errorf("Selects(%s) = %v, %q\nwant %v, %q", tt.a.ID, got, reason, tt.want, tt.reason)
		}
	}
}

const selectorPlan = `
regions: [us-east-1]
portfolios: {us-east-1: port-ue1baseline0}
products: [{key: a, product: a}]
`

func TestSelectors(t *testing.T) {
	checkSelects(t, []selectCase{
		{"nested OU matches recursively by default", "include: {ous: [Workloads]}", devSandbox, true,
			`account 777777777777 (dev-sandbox) selected by include.ous "Workloads" (its OU Sandbox is inside)`},
		{"direct OU by ID", "include: {ous: [ou-ab12-l3zc8b3h]}", lifeCycle2, true,
			`account 333333333333 (LifeCycle2) selected by include.ous "ou-ab12-l3zc8b3h"`},
		{"not recursive: parent OU does not match", "include: {ous: [Workloads], recursive: false}", paymentsProd, false,
			"account 666666666666 (payments-prod) is not matched by include (ous Workloads, not recursive)"},
		{"not recursive: own OU matches", "include: {ous: [Prod], recursive: false}", paymentsProd, true,
			`account 666666666666 (payments-prod) selected by include.ous "Prod"`},
		{"account ID", "include: {accounts: ['624281831893']}", lifeCycle3, true,
			`account 624281831893 (LifeCycle3) selected by include.accounts "624281831893"`},
		{"account ID miss", "include: {accounts: ['624281831893'], accountNames: ['*-prod']}", lifeCycle1, false,
			"account 222222222222 (LifeCycle1) is not matched by include (accounts 624281831893; accountNames *-prod)"},
		{"glob", "include: {accountNames: ['LifeCycle?']}", lifeCycle2, true,
			`account 333333333333 (LifeCycle2) selected by include.accountNames "LifeCycle?"`},
		{"glob is case-sensitive", "include: {accountNames: ['lifecycle*']}", lifeCycle2, false,
			"account 333333333333 (LifeCycle2) is not matched by include (accountNames lifecycle*)"},
		{"glob with spaces", "exclude: {accountNames: ['Log *']}", logArchive, false,
			`account 444444444444 (Log Archive) excluded by exclude.accountNames "Log *"`},
		{"exclude wins over include", "include: {ous: [Workloads]}\nexclude: {ous: [ou-ab12-s4ndb0x1]}", devSandbox, false,
			`account 777777777777 (dev-sandbox) excluded by exclude.ous "ou-ab12-s4ndb0x1"`},
		{"exclude recursive", "exclude: {ous: [Workloads]}", paymentsProd, false,
			`account 666666666666 (payments-prod) excluded by exclude.ous "Workloads" (its OU Prod is inside)`},
		{"exclude not recursive", "exclude: {ous: [Workloads], recursive: false}", paymentsProd, true,
			"account 666666666666 (payments-prod) selected: include is empty (every account) and no exclude matches"},
		{"management account allowed", "includeManagementAccount: true", management, true,
			"account 111111111111 (Management) selected: include is empty (every account) and no exclude matches"},
		{"management account still subject to include", "includeManagementAccount: true\ninclude: {ous: [Custom]}", management, false,
			"account 111111111111 (Management) is not matched by include (ous Custom)"},
		{"management account excluded by default even if included", "include: {accounts: ['111111111111']}", management, false,
			"account 111111111111 (Management) is the management account; set includeManagementAccount: true to provision it"},
		{"account without a name", "exclude: {accounts: ['888888888888']}", Account{ID: "888888888888"}, false,
			`account 888888888888 excluded by exclude.accounts "888888888888"`},
	})
}

func TestInOU(t *testing.T) {
	tests := []struct {
		a    Account
		ou   string
		want bool
	}{
		{paymentsProd, "Prod", true},
		{paymentsProd, "Workloads", true},
		{paymentsProd, "ou-ab12-w0rkl0ad", true},
		{devSandbox, "Prod", false},
		{lifeCycle1, "Custom", true},
		{management, "Prod", false},
		{Account{ID: "999999999999"}, "", false},
	}
	for _, tt := range tests {
		if got := inOU(tt.a, tt.ou); got != tt.want {
			t.Errorf("inOU(%s, %q) = %v, want %v", tt.a.Name, tt.ou, got, tt.want)
		}
	}
}

// targetKeys renders targets and exclusions compactly for comparison.
func targetKeys(targets []Placement, exclusions []Exclusion) (string, string) {
	var ts, es []string
	for _, t := range targets {
		ts = append(ts, t.Key())
	}
	for _, e := range exclusions {
		es = append(es, fmt.Sprintf("%s/%s: %s", e.Region, e.Product, e.Reason))
	}
	return strings.Join(ts, " "), strings.Join(es, "\n")
}

const productSelectorPlan = `
regions: [us-east-1, us-west-2]
portfolios: {us-east-1: port-ue1baseline0, us-west-2: port-uw2baseline0}
products:
  - key: audit
    product: security-audit
    dependsOn: [vpc]
  - key: vpc
    product: baseline-vpc
    exclude: {accounts: ['777777777777']}
  - key: prod-only
    product: prod-only
    regions: [us-west-2]
    include: {ous: [Prod]}
`

func TestTargetsProductSelectors(t *testing.T) {
	pl := mustParse(t, productSelectorPlan)
	checkPlacements(t, pl, []placementCase{
		{paymentsProd, "us-east-1/audit us-west-2/audit us-east-1/vpc us-west-2/vpc us-west-2/prod-only", ""},
		{lifeCycle1, "us-east-1/audit us-west-2/audit us-east-1/vpc us-west-2/vpc",
			"/prod-only: account 222222222222 (LifeCycle1) is not matched by products[2].include (ous Prod)"},
		// audit depends on vpc, which this account does not get: audit would
		// wait forever, so it is excluded too, with the root cause.
		{devSandbox, "",
			`/audit: depends on vpc, which is not provisioned here: account 777777777777 (dev-sandbox) excluded by products[1].exclude.accounts "777777777777"` + "\n" +
				`/vpc: account 777777777777 (dev-sandbox) excluded by products[1].exclude.accounts "777777777777"` + "\n" +
				"/prod-only: account 777777777777 (dev-sandbox) is not matched by products[2].include (ous Prod)"},
	})
}

// placementCase is an account and the targets and exclusions Placements
// gives it, as targetKeys writes them.
type placementCase struct {
	a                   Account
	targets, exclusions string
}

func checkPlacements(t *testing.T, pl *Plan, tests []placementCase) {
	t.Helper()
	for _, tt := range tests {
		targets, exclusions, err := pl.Placements(tt.a, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		ts, es := targetKeys(targets, exclusions)
		if ts != tt.targets || es != tt.exclusions {
			t.Errorf("Placements(%s):\n targets %q\n want    %q\n exclusions %q\n want       %q", tt.a.Name, ts, tt.targets, es, tt.exclusions)
		}
	}
}

func TestTargetsFields(t *testing.T) {
	pl := mustExample(t)
	targets, exclusions, err := pl.Placements(devSandbox, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(exclusions) != 0 || len(targets) != 6 {
		t.Fatalf("targets %d exclusions %v", len(targets), exclusions)
	}
	got := targets[2]
	vpc, _ := pl.Product("baseline-vpc")
	want := Placement{Region: "us-west-1", Product: vpc, Portfolio: "port-uw1baseline0", ProvisionedProductName: "landfall-baseline-vpc"}
	if got != want {
		t.Errorf("targets[2] = %+v, want %+v", got, want)
	}

	targets, exclusions, err = pl.Placements(audit, Filter{})
	if err != nil || len(targets) != 0 || len(exclusions) != 1 || exclusions[0].Product != "" || exclusions[0].ByFilter {
		t.Errorf("excluded account: %v %+v %v", targets, exclusions, err)
	}
	if _, _, err := pl.Placements(Account{ID: "1234"}, Filter{}); err == nil || !strings.Contains(err.Error(), "not 12 digits") {
		t.Errorf("bad account ID: %v", err)
	}
}

func TestTargetsFilter(t *testing.T) {
	pl := mustExample(t)
	tests := []struct {
		name     string
		f        Filter
		targets  string
		filtered int
	}{
		{"none", Filter{}, "us-east-1/baseline-vpc us-west-2/baseline-vpc us-west-1/baseline-vpc us-east-1/security-audit us-west-2/security-audit us-west-1/security-audit", 0},
		{"regions", Filter{Regions: []string{"us-west-1"}}, "us-west-1/baseline-vpc us-west-1/security-audit", 4},
		{"products", Filter{Products: []string{"security-audit"}}, "us-east-1/security-audit us-west-2/security-audit us-west-1/security-audit", 3},
		{"both", Filter{Regions: []string{"us-east-1", "us-west-2"}, Products: []string{"baseline-vpc"}}, "us-east-1/baseline-vpc us-west-2/baseline-vpc", 4},
		{"pairs", Filter{Pairs: []Pair{{"us-west-2", "security-audit"}, {"us-east-1", "baseline-vpc"}}}, "us-east-1/baseline-vpc us-west-2/security-audit", 4},
		{"pairs and regions intersect", Filter{Regions: []string{"us-east-1"}, Pairs: []Pair{{"us-west-2", "security-audit"}, {"us-east-1", "baseline-vpc"}}}, "us-east-1/baseline-vpc", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			targets, exclusions, err := pl.Placements(lifeCycle1, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			ts, _ := targetKeys(targets, nil)
			if ts != tt.targets {
				t.Errorf("targets %q\nwant    %q", ts, tt.targets)
			}
			if len(exclusions) != tt.filtered {
				t.Errorf("%d exclusions, want %d: %+v", len(exclusions), tt.filtered, exclusions)
			}
			for _, e := range exclusions {
				if !e.ByFilter || e.Region == "" || !strings.HasPrefix(e.Reason, "left out by the filter") {
					t.Errorf("exclusion %+v", e)
				}
			}
		})
	}
}

func TestTargetsBadFilter(t *testing.T) {
	pl := mustParse(t, productSelectorPlan)
	f := Filter{
		Regions:  []string{"us-west-2", "eu-west-1", "us-west-9"},
		Products: []string{"vpc", "baseline-vpc"},
		Pairs:    []Pair{{"us-east-1", "prod-only"}, {"us-east-1", "nope"}, {"mars-1", "vpc"}},
	}
	_, _, err := pl.Placements(lifeCycle1, f)
	var ferr *FilterError
	if !errors.As(err, &ferr) {
		t.Fatalf("Placements = %v, want a *FilterError", err)
	}
	want := `invalid filter: 6 problems:
  filter.regions[1]: "eu-west-1" is not one of the plan's regions (us-east-1, us-west-2)
  filter.regions[2]: "us-west-9" is not a region; the plan's regions are us-east-1, us-west-2
  filter.products[1]: "baseline-vpc" is not a product key of the plan (audit, vpc, prod-only)
  filter.pairs[0]: prod-only is not planned in us-east-1 (its regions: us-west-2)
  filter.pairs[1].product: "nope" is not a product key of the plan (audit, vpc, prod-only)
  filter.pairs[2].region: "mars-1" is not a region; the plan's regions are us-east-1, us-west-2`
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
	// A filter is checked even for an account the plan leaves out, so a typo
	// never passes silently.
	if _, _, err := pl.Placements(management, Filter{Products: []string{"x"}}); !errors.As(err, &ferr) {
		t.Errorf("management account with bad filter: %v", err)
	}
	if err := pl.CheckFilter(Filter{Regions: []string{"us-east-1"}, Pairs: []Pair{{"us-west-2", "prod-only"}}}); err != nil {
		t.Errorf("valid filter: %v", err)
	}
}

// selectCase is a selector (YAML put before selectorPlan) and what it
// decides for one account, with the reason Selects gives.
type selectCase struct {
	name   string
	yaml   string
	a      Account
	want   bool
	reason string
}

func checkSelects(t *testing.T, tests []selectCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := mustParse(t, tt.yaml+selectorPlan)
			got, reason := pl.Selects(tt.a)
			if got != tt.want || reason != tt.reason {
				t.Errorf("Selects = %v, %q\nwant      %v, %q", got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestSelectorIsZero(t *testing.T) {
	if !(Selector{Recursive: true}).IsZero() || (Selector{AccountNames: []string{"*"}}).IsZero() {
		t.Error("IsZero")
	}
	if !(Filter{}).IsZero() || (Filter{Pairs: []Pair{{}}}).IsZero() {
		t.Error("Filter.IsZero")
	}
	if !slices.Equal(mustExample(t).Exclude.OUs, []string{"Security"}) {
		t.Error("example exclude")
	}
}
