package preflight

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/plan"
)

// catalogPlan is a plan for the fake world of two regions. Tests edit it by
// replacing lines.
const catalogPlan = `regions: [us-east-1, us-west-2]
portfolios:
  us-east-1: port-ue1baseline0
  us-west-2: port-uw2baseline0
products:
  - key: vpc
    product: baseline-vpc
    version: latest
    parameters:
      VpcCidr: "10.{{ octet .Account.ID }}.0.0/16"
      AccountName: "{{ .Account.Name }}"
  - key: audit
    product: security-audit
    version: "2024.06"
    parameters:
      AuditAccountId: "555555555555"
`

func catalogTestPlan(t *testing.T, replace ...string) *plan.Plan {
	t.Helper()
	text := catalogPlan
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(text, replace[i]) {
			t.Fatalf("plan has no %q to replace", replace[i])
		}
		text = strings.Replace(text, replace[i], replace[i+1], 1)
	}
	pl, err := plan.Parse([]byte(text), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// fakeWorlds is one fake catalog per region of the test plan.
func fakeWorlds() map[string]*fakeCatalog {
	return map[string]*fakeCatalog{"us-east-1": fakeWorld("us-east-1"), "us-west-2": fakeWorld("us-west-2")}
}

func catalogsOf(w map[string]*fakeCatalog) func(string) Catalog {
	return func(r string) Catalog {
		if c, ok := w[r]; ok {
			return c
		}
		return nil
	}
}

// wantProblems compares problems with want, one "path: message" each:
// the path exactly, the message containing the wanted text.
func wantProblems(t *testing.T, got []Problem, want []string) {
	t.Helper()
	if len(got) != len(want) {
		var lines []string
		for _, p := range got {
			lines = append(lines, p.String())
		}
		t.Fatalf("%d problems, want %d:\n  %s", len(got), len(want), strings.Join(lines, "\n  "))
	}
	for i, w := range want {
		path, msg, _ := strings.Cut(w, ": ")
		if got[i].Path != path || !strings.Contains(got[i].Message, msg) {
			t.Errorf("problem %d = %q\nwant path %q, message containing %q", i, got[i], path, msg)
		}
	}
}

func TestCheckCatalog(t *testing.T) {
	ue1 := func(w map[string]*fakeCatalog) *fakeCatalog { return w["us-east-1"] }
	uw2 := func(w map[string]*fakeCatalog) *fakeCatalog { return w["us-west-2"] }
	tests := []struct {
		name    string
		replace []string // pairs of plan text: old, new
		world   func(map[string]*fakeCatalog)
		want    []string
		ids     map[[2]string]string // (region, key) -> product ID, checked when set
	}{
		{
			name: "everything holds",
			ids: map[[2]string]string{
				{"us-east-1", "vpc"}: "prod-ue1basevpc0", {"us-west-2", "vpc"}: "prod-uw2basevpc0",
				{"us-east-1", "audit"}: "prod-ue1secaudit0", {"us-west-2", "audit"}: "prod-uw2secaudit0",
			},
		},
		{
			name:    "a product name typo, the same in every region, is one problem",
			replace: []string{"product: baseline-vpc", "product: baseline-vcp"},
			want:    []string{`products[0].product: product "baseline-vcp" is not in the plan's portfolio Landfall Baseline in us-east-1 and us-west-2 (it has baseline-vpc and security-audit); did you mean "baseline-vpc"?`},
			ids:     map[[2]string]string{{"us-east-1", "audit"}: "prod-ue1secaudit0"},
		},
		{
			name:    "a product in the catalog but not in the plan's portfolio",
			replace: []string{"product: baseline-vpc", "product: network-firewall"},
			world: func(w map[string]*fakeCatalog) {
				for _, c := range w {
					c.products["prod-other"] = &fakeProduct{name: "network-firewall"}
				}
			},
			want: []string{`products[0].product: product "network-firewall" is not in the plan's portfolio Landfall Baseline in us-east-1 and us-west-2 (it has baseline-vpc and security-audit); name a product of the portfolio, or add the product to it`},
		},
		{
			name:    "a product ID in the portfolio",
			replace: []string{"product: baseline-vpc\n    version: latest", "product: prod-ue1basevpc0\n    regions: [us-east-1]\n    version: latest"},
			ids:     map[[2]string]string{{"us-east-1", "vpc"}: "prod-ue1basevpc0"},
		},
		{
			name:    "a product ID of another region",
			replace: []string{"product: baseline-vpc\n    version: latest", "product: prod-uw2basevpc0\n    regions: [us-east-1]\n    version: latest"},
			want:    []string{`products[0].product: product prod-uw2basevpc0 is not in the plan's portfolio Landfall Baseline in us-east-1 (it has baseline-vpc (prod-ue1basevpc0) and security-audit (prod-ue1secaudit0)); did you mean "prod-ue1basevpc0"?`},
		},
		{
			name: "two products of the same name in the portfolio: no guessing",
			world: func(w map[string]*fakeCatalog) {
				c := ue1(w)
				c.products["prod-ue1basevpc9"] = &fakeProduct{name: "baseline-vpc"}
				c.portfolios["port-ue1baseline0"].products = append(c.portfolios["port-ue1baseline0"].products, "prod-ue1basevpc9")
			},
			want: []string{`products[0].product: 2 products named "baseline-vpc" are in portfolio Landfall Baseline in us-east-1 (prod-ue1basevpc0, prod-ue1basevpc9); Landfall will not guess: rename all but one, or remove them from the portfolio`},
			ids:  map[[2]string]string{{"us-west-2", "vpc"}: "prod-uw2basevpc0"},
		},
		{
			name:    "a portfolio that does not exist in its region; the other region is still resolved",
			replace: []string{"us-west-2: port-uw2baseline0", "us-west-2: port-ue1baseline0"},
			want:    []string{`portfolios.us-west-2: portfolio port-ue1baseline0 does not exist in us-west-2; portfolio IDs are regional: use the ID of the portfolio in us-west-2`},
			ids:     map[[2]string]string{{"us-east-1", "vpc"}: "prod-ue1basevpc0", {"us-east-1", "audit"}: "prod-ue1secaudit0"},
		},
		{
			name: "a malformed portfolio ID is a problem, not an error",
			world: func(w map[string]*fakeCatalog) {
				uw2(w).fail = map[string]error{"DescribePortfolio": apiError("DescribePortfolio", "ValidationException", "1 validation error detected: Value at 'id' failed to satisfy constraint")}
			},
			want: []string{`portfolios.us-west-2: "port-uw2baseline0" is not a portfolio ID Service Catalog accepts in us-west-2 (ValidationException: 1 validation error detected`},
		},
		{
			name:    "a product's own portfolio is named at the product",
			replace: []string{"product: security-audit\n", "product: security-audit\n    portfolios: {us-west-2: port-uw2security0}\n"},
			want:    []string{`products[1].portfolios.us-west-2: portfolio port-uw2security0 does not exist in us-west-2`},
		},
		{
			name: "a portfolio shared with an OU and an account, not the organization",
			world: func(w map[string]*fakeCatalog) {
				uw2(w).portfolios["port-uw2baseline0"].shares = map[sctypes.DescribePortfolioShareType][]string{
					sctypes.DescribePortfolioShareTypeOrganizationalUnit: {"ou-ab12-w0rkl0ad"},
					sctypes.DescribePortfolioShareTypeAccount:            {"222222222222"},
				}
			},
			want: []string{`portfolios.us-west-2: portfolio port-uw2baseline0 (Landfall Baseline) in us-west-2 is not shared with the organization (it is shared with OU ou-ab12-w0rkl0ad and account 222222222222 only), so new accounts elsewhere cannot see its products; share it with the organization: aws servicecatalog create-portfolio-share --portfolio-id port-uw2baseline0 --organization-node Type=ORGANIZATION,Value=o-… --region us-west-2`},
			// The products are still resolved: the share is the only problem.
			ids: map[[2]string]string{{"us-west-2", "vpc"}: "prod-uw2basevpc0"},
		},
		{
			name:  "a portfolio shared with no one",
			world: func(w map[string]*fakeCatalog) { uw2(w).portfolios["port-uw2baseline0"].shares = nil },
			want:  []string{`portfolios.us-west-2: portfolio port-uw2baseline0 (Landfall Baseline) in us-west-2 is not shared with the organization (it is not shared at all)`},
		},
		{
			name:  "a portfolio the checking account does not own",
			world: func(w map[string]*fakeCatalog) { ue1(w).portfolios["port-ue1baseline0"].notOwned = true },
			want:  []string{`portfolios.us-east-1: portfolio port-ue1baseline0 (Landfall Baseline) in us-east-1 is not owned by the account running the check`},
		},
		{
			name:  "an empty portfolio",
			world: func(w map[string]*fakeCatalog) { ue1(w).portfolios["port-ue1baseline0"].products = nil },
			want: []string{
				`products[0].product: product "baseline-vpc" is not in the plan's portfolio Landfall Baseline in us-east-1 (it holds no products)`,
				`products[1].product: product "security-audit" is not in the plan's portfolio Landfall Baseline in us-east-1 (it holds no products)`,
			},
		},
		{
			name:    "a pinned version that does not exist",
			replace: []string{`version: "2024.06"`, `version: "2024.6"`},
			want:    []string{`products[1].version: version "2024.6" of security-audit does not exist in us-east-1 and us-west-2 (available: 2025.01, 2024.06); did you mean "2024.06"?`},
		},
		{
			name:    "a pinned artifact ID of another region",
			replace: []string{"version: latest", "regions: [us-east-1]\n    version: pa-uw2basevpc20"},
			want:    []string{`products[0].version: version "pa-uw2basevpc20" of baseline-vpc does not exist in us-east-1 (available: v2.0, v1.1); did you mean "pa-ue1basevpc20"?`},
		},
		{
			name:    "a pinned artifact ID",
			replace: []string{"version: latest", "regions: [us-east-1]\n    version: pa-ue1basevpc11"},
			ids:     map[[2]string]string{{"us-east-1", "vpc"}: "prod-ue1basevpc0"},
		},
		{
			name:    "a pinned deprecated version",
			replace: []string{"version: latest", "version: v1.0"},
			want:    []string{`products[0].version: version v1.0 of baseline-vpc is DEPRECATED in us-east-1 and us-west-2 and cannot be provisioned: pin another version (available: v2.0, v1.1) or use latest`},
			// The product itself is resolved.
			ids: map[[2]string]string{{"us-east-1", "vpc"}: "prod-ue1basevpc0"},
		},
		{
			name:    "a pinned inactive version",
			replace: []string{`version: "2024.06"`, `version: "2023.01"`},
			want: []string{
				`products[1].version: version 2023.01 of security-audit (pa-ue1secaud2301) is inactive in us-east-1, so member accounts cannot see it: activate it, pin another version (available: 2025.01, 2024.06) or use latest`,
				`products[1].version: version 2023.01 of security-audit (pa-uw2secaud2301) is inactive in us-west-2`,
			},
		},
		{
			name: "latest, with every version deprecated or inactive",
			world: func(w map[string]*fakeCatalog) {
				arts := ue1(w).products["prod-ue1basevpc0"].arts
				arts[1].deprecated, arts[2].inactive = true, true
			},
			want: []string{`products[0].version: baseline-vpc has no active, non-deprecated version in us-east-1 (versions: v1.0 (deprecated), v1.1 (deprecated), v2.0 (inactive)); activate a version or add a new one`},
		},
		{
			name: "latest is checked against the newest active, non-deprecated version's parameters",
			world: func(w map[string]*fakeCatalog) {
				for _, c := range w {
					p := c.products[firstKey(c.products, "baseline-vpc")]
					// v3.0 is newer but inactive, v2.5 newer but deprecated:
					// neither is launched, so their new required parameter is no problem.
					extra := append([]fakeParam{{key: "Ipv6"}}, p.arts[2].params...)
					p.arts = append(p.arts,
						fakeArtifact{id: "pa-x30", name: "v3.0", created: day("2025-06-01"), inactive: true, params: extra},
						fakeArtifact{id: "pa-x25", name: "v2.5", created: day("2025-03-01"), deprecated: true, params: extra})
					// v2.0 is what latest launches; it loses AccountName.
					p.arts[2].params = []fakeParam{{key: "VpcCidr"}}
				}
			},
			want: []string{`products[0].parameters.AccountName: baseline-vpc v2.0 (latest) in us-east-1 and us-west-2 does not declare parameter "AccountName" (declared: VpcCidr); remove it or name a declared one`},
		},
		{
			name:    "a parameter the version does not declare",
			replace: []string{"VpcCidr:", "VpcCIDR:"},
			want:    []string{`products[0].parameters.VpcCIDR: baseline-vpc v2.0 (latest) in us-east-1 and us-west-2 does not declare parameter "VpcCIDR" (declared: AccountName, Environment, VpcCidr); did you mean "VpcCidr"?`},
		},
		{
			name:    "a required parameter left out (those with a default, even empty, may be)",
			replace: []string{`      AuditAccountId: "555555555555"`, `      RetentionDays: "90"`},
			want:    []string{`products[1].parameters: security-audit 2024.06 in us-east-1 and us-west-2 requires parameter "AuditAccountId", which has no default; set AuditAccountId under parameters`},
		},
		{
			name: "problems come in plan order: the plan's portfolios, then product by product",
			replace: []string{
				"us-west-2: port-uw2baseline0", "us-west-2: port-uw2nothere0",
				"product: baseline-vpc", "product: baseline-vcp",
				`version: "2024.06"`, `version: "2024.6"`,
			},
			want: []string{
				`portfolios.us-west-2: portfolio port-uw2nothere0 does not exist in us-west-2`,
				`products[0].product: product "baseline-vcp" is not in the plan's portfolio Landfall Baseline in us-east-1 (`,
				`products[1].version: version "2024.6" of security-audit does not exist in us-east-1 (`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := catalogTestPlan(t, tt.replace...)
			w := fakeWorlds()
			if tt.world != nil {
				tt.world(w)
			}
			rep, prods, err := CheckCatalog(context.Background(), pl, catalogsOf(w))
			if err != nil {
				t.Fatalf("error %v; want problems only", err)
			}
			wantProblems(t, rep.Problems, tt.want)
			if len(rep.Notes) != 0 {
				t.Errorf("notes %v", rep.Notes)
			}
			for k, want := range tt.ids {
				if got, ok := prods.ID(k[0], k[1]); !ok || got != want {
					t.Errorf("ID(%s, %s) = %q, %v; want %q", k[0], k[1], got, ok, want)
				}
			}
			if len(tt.want) == 0 && (prods == nil || len(prods.ids) != countTargets(pl)) {
				t.Errorf("resolved %v; want every product in every region", prods)
			}
		})
	}
}

func firstKey(products map[string]*fakeProduct, name string) string {
	for id, p := range products {
		if p.name == name {
			return id
		}
	}
	return ""
}

func countTargets(pl *plan.Plan) int {
	n := 0
	for _, p := range pl.Products {
		n += len(p.Regions)
	}
	return n
}

func TestCheckCatalogReadsEachPortfolioOnce(t *testing.T) {
	w := fakeWorlds()
	rep, prods, err := CheckCatalog(context.Background(), catalogTestPlan(t), catalogsOf(w))
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("%v %v", rep.Problems, err)
	}
	if got := prods.Regions(); strings.Join(got, ",") != "us-east-1,us-west-2" {
		t.Errorf("Regions() = %v", got)
	}
	c := w["us-east-1"]
	// Two products in one portfolio: the portfolio is described once, its
	// shares once, its products in one page per product (the fake pages by one).
	for op, want := range map[string]int{"DescribePortfolio": 1, "DescribePortfolioShares": 1, "SearchProductsAsAdmin": 2, "ListProvisioningArtifacts": 2, "DescribeProvisioningArtifact": 2} {
		if got := c.count(op); got != want {
			t.Errorf("%s called %d times, want %d", op, got, want)
		}
	}
}

func TestCheckCatalogErrors(t *testing.T) {
	tests := []struct {
		name string
		op   string
		err  error
		want string
	}{
		{"throttling left after the SDK's retries", "SearchProductsAsAdmin", apiError("SearchProductsAsAdmin", "ThrottlingException", "Rate exceeded"),
			"us-west-2: vpc: list the products of portfolio port-uw2baseline0: operation error Service Catalog: SearchProductsAsAdmin, api error ThrottlingException: Rate exceeded"},
		{"a server fault", "ListProvisioningArtifacts", apiError("ListProvisioningArtifacts", "InternalFailure", "oops"),
			"us-west-2: vpc: list the versions of prod-uw2basevpc0: "},
		{"access denied is the check's credentials, not the plan", "DescribePortfolio", apiError("DescribePortfolio", "AccessDeniedException", "not authorized"),
			"us-west-2: vpc: describe portfolio port-uw2baseline0: "},
		{"a share listing failure", "DescribePortfolioShares", apiError("DescribePortfolioShares", "ThrottlingException", "Rate exceeded"),
			"us-west-2: vpc: describe the organization shares of portfolio port-uw2baseline0: "},
		{"reading parameters", "DescribeProvisioningArtifact", apiError("DescribeProvisioningArtifact", "ThrottlingException", "Rate exceeded"),
			"us-west-2: vpc: describe version pa-uw2basevpc20 of prod-uw2basevpc0: "},
		{"a network failure", "DescribePortfolio", errors.New("dial tcp: connection refused"),
			"us-west-2: vpc: describe portfolio port-uw2baseline0: dial tcp: connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := fakeWorlds()
			w["us-west-2"].fail = map[string]error{tt.op: tt.err}
			// us-east-1 has a problem of its own, still reported.
			w["us-east-1"].portfolios["port-ue1baseline0"].shares = nil
			rep, prods, err := CheckCatalog(context.Background(), catalogTestPlan(t), catalogsOf(w))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error %v does not wrap %v", err, tt.err)
			}
			var ae smithy.APIError
			if errors.As(tt.err, &ae) && !errors.As(err, &ae) {
				t.Errorf("error %v lost its API error", err)
			}
			wantProblems(t, rep.Problems, []string{"portfolios.us-east-1: portfolio port-ue1baseline0 (Landfall Baseline) in us-east-1 is not shared with the organization"})
			if id, ok := prods.ID("us-east-1", "audit"); !ok || id != "prod-ue1secaudit0" {
				t.Errorf("us-east-1 not resolved: %q %v", id, ok)
			}
		})
	}
}

func TestCheckCatalogNoClient(t *testing.T) {
	w := fakeWorlds()
	delete(w, "us-west-2")
	_, _, err := CheckCatalog(context.Background(), catalogTestPlan(t), catalogsOf(w))
	if err == nil || !strings.Contains(err.Error(), "us-west-2: no Service Catalog client") {
		t.Fatalf("error %v", err)
	}
}

func TestCheckCatalogOnlyPlannedRegions(t *testing.T) {
	// us-west-2 is a plan region no product uses: its catalog is not read.
	pl := catalogTestPlan(t, "product: baseline-vpc\n", "product: baseline-vpc\n    regions: [us-east-1]\n", "product: security-audit\n", "product: security-audit\n    regions: [us-east-1]\n")
	w := fakeWorlds()
	rep, prods, err := CheckCatalog(context.Background(), pl, catalogsOf(w))
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("%v %v", rep.Problems, err)
	}
	if n := w["us-west-2"].count("DescribePortfolio"); n != 0 {
		t.Errorf("us-west-2 read %d times", n)
	}
	if got := prods.Regions(); len(got) != 1 || got[0] != "us-east-1" {
		t.Errorf("Regions() = %v", got)
	}
}

func TestCheckCatalogBoundsConcurrency(t *testing.T) {
	regions := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}
	text := "regions: [" + strings.Join(regions, ", ") + "]\nportfolios:\n"
	for _, r := range regions {
		text += "  " + r + ": port-baseline0\n"
	}
	text += "products:\n  - {key: vpc, product: baseline-vpc, version: latest}\n"
	pl, err := plan.Parse([]byte(text), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu            sync.Mutex
		running, peak int
		seen          atomic.Int32
	)
	block := func(ctx context.Context) {
		mu.Lock()
		running++
		peak = max(peak, running)
		mu.Unlock()
		seen.Add(1)
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
	}
	catalogs := func(string) Catalog {
		c := fakeWorld("us-east-1")
		c.portfolios["port-baseline0"] = c.portfolios["port-ue1baseline0"]
		c.products["prod-ue1basevpc0"].arts[2].params = nil
		c.block = block
		return c
	}
	rep, _, err := CheckCatalog(context.Background(), pl, catalogs)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("%v %v", rep.Problems, err)
	}
	if seen.Load() != int32(len(regions)) || peak > regionConcurrency || peak < 2 {
		t.Errorf("%d regions checked, at most %d at once; want %d, 2..%d", seen.Load(), peak, len(regions), regionConcurrency)
	}
}

func TestProductsNil(t *testing.T) {
	var p *Products
	if _, ok := p.ID("us-east-1", "vpc"); ok || p.Regions() != nil {
		t.Error("a nil Products resolves something")
	}
}
