package plan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const regionProducts = `
products:
  - key: baseline-vpc
    product: baseline-vpc
`

func TestRegionSelection(t *testing.T) {
	portfolios := `
portfolios:
  us-east-1: port-ue1baseline0
  us-west-2: port-uw2baseline0
  us-west-1: port-uw1baseline0
`
	tests := []struct {
		name        string
		yaml        string
		wantRegions []string
		atRunTime   bool
		enableOptIn bool
	}{
		{"list", "regions: [us-west-2, us-east-1]\nenableOptInRegions: true" + portfolios, []string{"us-west-2", "us-east-1"}, false, true},
		{"shorthand: every region with a portfolio, in file order", "regions: enabled" + portfolios, []string{"us-east-1", "us-west-2", "us-west-1"}, true, false},
		{"map without lists", "regions: {enabled: true}" + portfolios, []string{"us-east-1", "us-west-2", "us-west-1"}, true, false},
		{"deny", "regions: {enabled: true, deny: [us-west-1]}" + portfolios, []string{"us-east-1", "us-west-2"}, true, false},
		{"allow", "regions: {enabled: true, allow: [us-west-1, us-east-1]}" + portfolios, []string{"us-west-1", "us-east-1"}, true, false},
		{"allow and deny apart", "regions: {enabled: true, allow: [us-west-1, us-east-1], deny: [eu-west-1]}" + portfolios, []string{"us-west-1", "us-east-1"}, true, false},
		{"enableOptInRegions false with enabled", "regions: enabled\nenableOptInRegions: false" + portfolios, []string{"us-east-1", "us-west-2", "us-west-1"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := mustParse(t, tt.yaml+regionProducts)
			if !slices.Equal(pl.Regions, tt.wantRegions) {
				t.Errorf("Regions = %v, want %v", pl.Regions, tt.wantRegions)
			}
			if got := pl.Products[0].Regions; !slices.Equal(got, tt.wantRegions) {
				t.Errorf("product regions = %v, want the plan's %v", got, tt.wantRegions)
			}
			if pl.RegionsAtRunTime() != tt.atRunTime || pl.EnableOptInRegions != tt.enableOptIn {
				t.Errorf("RegionsAtRunTime = %v, EnableOptInRegions = %v; want %v, %v", pl.RegionsAtRunTime(), pl.EnableOptInRegions, tt.atRunTime, tt.enableOptIn)
			}
		})
	}
}

// TestRegionSelectionProblems names the field and the fix for each way of
// getting regions: enabled wrong (the golden files under testdata/invalid
// hold the whole messages).
func TestRegionSelectionProblems(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // substrings of the problems, in order
	}{
		{"overlap", "regions: {enabled: true, allow: [us-east-1, us-west-2], deny: [us-west-2]}\nportfolios: {us-east-1: port-ue1baseline0, us-west-2: port-uw2baseline0}",
			[]string{`regions.deny: "us-west-2" is also in regions.allow; a region cannot be both allowed and denied`}},
		{"unknown region", "regions: {enabled: true, allow: [us-esat-1]}\nportfolios: {us-east-1: port-ue1baseline0}",
			[]string{`regions.allow[0]: "us-esat-1" is not a region; did you mean "us-east-1"?`}},
		{"deny without enabled", "regions: {deny: [us-west-1]}\nportfolios: {us-east-1: port-ue1baseline0}",
			[]string{"regions.enabled: missing; allow and deny choose among the regions enabled for each account, so set enabled: true"}},
		{"enabled false", "regions: {enabled: false}\nportfolios: {us-east-1: port-ue1baseline0}",
			[]string{"regions.enabled: is false; the mapping form only chooses regions at run time"}},
		{"empty candidates", "regions: {enabled: true, deny: [us-east-1]}\nportfolios: {us-east-1: port-ue1baseline0}",
			[]string{"regions: no candidate region is left: regions.deny takes out every one of the plan-level portfolios (us-east-1)"}},
		{"no portfolios", "regions: enabled\nportfolios: {}",
			[]string{"regions: enabled chooses among the regions with a portfolio under portfolios, and there is none"}},
		{"enableOptInRegions with enabled", "regions: enabled\nenableOptInRegions: true\nportfolios: {us-east-1: port-ue1baseline0}",
			[]string{"enableOptInRegions: cannot go with regions: enabled"}},
		{"allow without a portfolio", "regions: {enabled: true, allow: [us-east-1, eu-west-1]}\nportfolios: {us-east-1: port-ue1baseline0}",
			[]string{"products[0].portfolios: no portfolio for eu-west-1"}},
		{"product region outside the candidates", "regions: enabled\nportfolios: {us-east-1: port-ue1baseline0}\nproducts: [{key: a, product: a, regions: [eu-west-1]}]",
			[]string{`products[0].regions[0]: "eu-west-1" is not one of the plan's regions (us-east-1); give it a portfolio under portfolios at the top level`}},
		{"product ID over several candidates", "regions: enabled\nportfolios: {us-east-1: port-ue1baseline0, us-west-2: port-uw2baseline0}\nproducts: [{key: a, product: prod-abc123}]",
			[]string{`products[0].product: "prod-abc123" is a product ID, which exists in one region only, but the product targets us-east-1, us-west-2`}},
		{"a single region", "regions: us-east-1\nportfolios: {us-east-1: port-ue1baseline0}",
			[]string{`regions: "us-east-1" is one region, not a list; write [us-east-1]`}},
		{"another string", "regions: all\nportfolios: {us-east-1: port-ue1baseline0}",
			[]string{`regions: the string "all" is not a way to give regions; write a list of regions`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.yaml
			if !strings.Contains(doc, "products:") {
				doc += regionProducts
			}
			_, err := Parse([]byte(doc), "test.yaml")
			if err == nil {
				t.Fatal("Parse accepted the plan")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestRegionsEnabledValidFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "valid", "regions-enabled.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := Parse(data, "regions-enabled.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"us-east-1", "us-west-2", "eu-west-1"}; !slices.Equal(pl.Regions, want) {
		t.Errorf("Regions = %v, want %v (us-west-1 denied)", pl.Regions, want)
	}
	if !slices.Equal(pl.RegionSelection.Deny, []string{"us-west-1"}) || pl.RegionSelection.Allow != nil {
		t.Errorf("RegionSelection = %+v", pl.RegionSelection)
	}
	eu, _ := pl.Product("eu-only")
	if !slices.Equal(eu.Regions, []string{"eu-west-1"}) || eu.Portfolios["eu-west-1"] != "port-ew1baseline0" {
		t.Errorf("eu-only: regions %v, portfolios %v", eu.Regions, eu.Portfolios)
	}
}

func TestInEnabledRegions(t *testing.T) {
	pl := mustParse(t, `
regions: {enabled: true, deny: [us-west-1]}
portfolios: {us-east-1: port-ue1baseline0, us-west-2: port-uw2baseline0, us-west-1: port-uw1baseline0, eu-west-1: port-ew1baseline0}
products:
  - key: baseline-vpc
    product: baseline-vpc
  - key: security-audit
    product: security-audit
    regions: [us-east-1, eu-west-1]
`)
	placements, _, err := pl.Placements(lifeCycle1, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		enabled  []string
		want     []string // placement keys
		excluded []string // regions
	}{
		{"all candidates enabled; more enabled than planned", []string{"us-east-1", "us-west-2", "eu-west-1", "us-west-1", "ap-east-1"},
			[]string{"us-east-1/baseline-vpc", "us-west-2/baseline-vpc", "eu-west-1/baseline-vpc", "us-east-1/security-audit", "eu-west-1/security-audit"}, nil},
		{"eu-west-1 not enabled", []string{"us-east-1", "us-west-2"},
			[]string{"us-east-1/baseline-vpc", "us-west-2/baseline-vpc", "us-east-1/security-audit"}, []string{"eu-west-1"}},
		{"nothing enabled", nil, nil, []string{"us-east-1", "us-west-2", "eu-west-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, excl := pl.InEnabledRegions(lifeCycle1, placements, tt.enabled)
			var keys, regions []string
			for _, p := range kept {
				keys = append(keys, p.Key())
			}
			for _, e := range excl {
				regions = append(regions, e.Region)
				if e.Product != "" || e.ByFilter {
					t.Errorf("exclusion %+v: want the whole region, by the plan", e)
				}
				want := "region " + e.Region + " is not enabled for account 222222222222 (LifeCycle1), and regions: enabled provisions only in regions the account has enabled; to have it provisioned there, enable it (aws account enable-region --region-name " + e.Region + " --account-id 222222222222) and re-run the account"
				if e.Reason != want {
					t.Errorf("reason = %q\nwant     %q", e.Reason, want)
				}
			}
			if !slices.Equal(keys, tt.want) || !slices.Equal(regions, tt.excluded) {
				t.Errorf("kept %v, excluded %v; want %v, %v", keys, regions, tt.want, tt.excluded)
			}
		})
	}

	t.Run("a listed plan is not narrowed", func(t *testing.T) {
		ex := mustExample(t)
		all, _, _ := ex.Placements(lifeCycle1, Filter{})
		kept, excl := ex.InEnabledRegions(lifeCycle1, all, nil)
		if len(kept) != len(all) || excl != nil {
			t.Errorf("kept %d of %d, excluded %v", len(kept), len(all), excl)
		}
	})
	t.Run("the management account's command has no account ID", func(t *testing.T) {
		if r := NotEnabledReason(management, "eu-west-1"); !strings.Contains(r, "(aws account enable-region --region-name eu-west-1)") {
			t.Errorf("reason = %q", r)
		}
	})
}

func TestOptInRegions(t *testing.T) {
	pl := mustParse(t, "regions: [us-east-1, ap-east-1, eu-south-1]\nenableOptInRegions: true\nportfolios: {us-east-1: port-a1, ap-east-1: port-b1, eu-south-1: port-c1}"+regionProducts)
	if got := pl.OptInRegions(); !slices.Equal(got, []string{"ap-east-1", "eu-south-1"}) {
		t.Errorf("OptInRegions = %v", got)
	}
	if !pl.EnableOptInRegions {
		t.Error("EnableOptInRegions not set")
	}
}
