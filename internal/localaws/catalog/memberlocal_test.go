package catalog_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/localaws/catalog"
)

// memberLocalSpec is testSpec with the trap issue #9 describes: member
// 222222222222's administrator created a local product named like the
// organization's baseline-vpc, in a local portfolio associated with the
// execution role, and added the organization's security-audit (imported)
// to that portfolio too.
func memberLocalSpec() catalog.Spec {
	s := testSpec()
	r := &s.Regions[0]
	r.Portfolios = append(r.Portfolios, catalog.PortfolioSpec{
		ID: "port-ue1local", Name: "Team portfolio", Owner: member, ProviderName: "Team",
		Products:   []string{"prod-ue1localvpc", "prod-ue1audit"},
		Principals: []catalog.PrincipalSpec{{Type: "IAM", ARN: cteARN}},
	})
	r.Products = append(r.Products, catalog.ProductSpec{
		ID: "prod-ue1localvpc", Name: "baseline-vpc", Account: member, Owner: "Team",
		Artifacts: []catalog.ArtifactSpec{{ID: "pa-ue1localvpc1", Name: "v2.0", Created: day(9)}},
	})
	return s
}

// productIDs lists what SearchProducts shows the caller, as id=name/paths.
func productIDs(t *testing.T, sc *servicecatalog.Client) string {
	t.Helper()
	var out []string
	pages := servicecatalog.NewSearchProductsPaginator(sc, &servicecatalog.SearchProductsInput{})
	for pages.HasMorePages() {
		pg, err := pages.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pg.ProductViewSummaries {
			out = append(out, fmt.Sprintf("%s=%s/default:%v", aws.ToString(p.ProductId), aws.ToString(p.Name), p.HasDefaultPath))
		}
	}
	return fmt.Sprint(out)
}

func pathsOf(lps []types.LaunchPath) string {
	var out []string
	for _, lp := range lps {
		out = append(out, aws.ToString(lp.Id)+"="+aws.ToString(lp.Name))
	}
	return fmt.Sprint(out)
}

func TestMemberLocalCatalog(t *testing.T) {
	ctx := t.Context()
	e := newEnv(t, memberLocalSpec(), catalog.Options{})
	sc := e.client("member", "us-east-1")

	// Before the organization's share is accepted, the execution role sees
	// what its own account's portfolio holds, the imported product included.
	if got, want := productIDs(t, sc), "[prod-ue1localvpc=baseline-vpc/default:true prod-ue1audit=security-audit/default:true]"; got != want {
		t.Errorf("SearchProducts before onboarding = %s, want %s", got, want)
	}
	e.onboard("member", "us-east-1", "port-ue1main")
	if got, want := productIDs(t, sc), "[prod-ue1vpc=baseline-vpc/default:true prod-ue1localvpc=baseline-vpc/default:true "+
		"prod-ue1multi=multi-path/default:true prod-ue1audit=security-audit/default:false]"; got != want {
		t.Errorf("SearchProducts after onboarding = %s, want %s", got, want)
	}

	// By ID each product is itself; by name, the account's own one answers.
	byID, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String("prod-ue1vpc")})
	if err != nil || pathsOf(byID.LaunchPaths) != "[port-ue1main=Landfall Baseline]" {
		t.Fatalf("DescribeProduct prod-ue1vpc = %v, %v", byID, err)
	}
	byName, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Name: aws.String("baseline-vpc")})
	if err != nil {
		t.Fatal(err)
	}
	if id := aws.ToString(byName.ProductViewSummary.ProductId); id != "prod-ue1localvpc" || pathsOf(byName.LaunchPaths) != "[port-ue1local=Team portfolio]" {
		t.Errorf("DescribeProduct by name = %s through %s, want the local prod-ue1localvpc through port-ue1local", id, pathsOf(byName.LaunchPaths))
	}
	audit, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String("prod-ue1audit")})
	if err != nil || pathsOf(audit.LaunchPaths) != "[port-ue1main=Landfall Baseline port-ue1local=Team portfolio]" {
		t.Fatalf("DescribeProduct prod-ue1audit = %v, %v", audit, err)
	}
	lp, err := sc.ListLaunchPaths(ctx, &servicecatalog.ListLaunchPathsInput{ProductId: aws.String("prod-ue1audit")})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, p := range lp.LaunchPathSummaries {
		listed = append(listed, aws.ToString(p.Id)+"="+aws.ToString(p.Name))
	}
	if fmt.Sprint(listed) != "[port-ue1main=Landfall Baseline port-ue1local=Team portfolio]" {
		t.Errorf("ListLaunchPaths prod-ue1audit = %v", listed)
	}

	// Launching the imported product needs a PathId; the local path is as
	// good as the organization's.
	launch := func(name string, modify func(*servicecatalog.ProvisionProductInput)) (*servicecatalog.ProvisionProductOutput, error) {
		in := &servicecatalog.ProvisionProductInput{
			ProductId: aws.String("prod-ue1audit"), ProvisioningArtifactName: aws.String("2024.06"),
			ProvisionedProductName: aws.String(name), ProvisionToken: aws.String(name),
			ProvisioningParameters: params("AuditAccountId", "555555555555"),
		}
		modify(in)
		return sc.ProvisionProduct(ctx, in)
	}
	_, err = launch("audit-nopath", func(*servicecatalog.ProvisionProductInput) {})
	wantAPIError[*types.InvalidParametersException](t, err, "more than one launch path", "port-ue1main", "port-ue1local")
	out, err := launch("audit-local", func(in *servicecatalog.ProvisionProductInput) { in.PathId = aws.String("port-ue1local") })
	if err != nil || aws.ToString(out.RecordDetail.PathId) != "port-ue1local" {
		t.Fatalf("ProvisionProduct through the local path = %v, %v", out, err)
	}
	if pp := e.cat.ProvisionedProducts(member, "us-east-1", e.clock.Now()); len(pp) != 1 || pp[0].PathID != "port-ue1local" {
		t.Errorf("provisioned = %+v", pp)
	}

	// The organization's path does not lead to the local product of the
	// same name: a PathId names a portfolio, and that one does not list it.
	_, err = launch("vpc-wrongpath", func(in *servicecatalog.ProvisionProductInput) {
		in.ProductId, in.ProductName = nil, aws.String("baseline-vpc")
		in.ProvisioningArtifactName, in.ProvisioningParameters = aws.String("v2.0"), nil
		in.PathId = aws.String("port-ue1main")
	})
	wantAPIError[*types.ResourceNotFoundException](t, err, "port-ue1main", "prod-ue1localvpc")

	// Principals of the local portfolio come from the world, and the
	// account's administrator sees its own portfolio and product.
	pr, err := sc.ListPrincipalsForPortfolio(ctx, &servicecatalog.ListPrincipalsForPortfolioInput{PortfolioId: aws.String("port-ue1local")})
	if err != nil || len(pr.Principals) != 1 || aws.ToString(pr.Principals[0].PrincipalARN) != cteARN {
		t.Errorf("ListPrincipalsForPortfolio port-ue1local = %+v, %v", pr, err)
	}
	ports, err := sc.ListPortfolios(ctx, &servicecatalog.ListPortfoliosInput{})
	if err != nil || len(ports.PortfolioDetails) != 1 || aws.ToString(ports.PortfolioDetails[0].ARN) != "arn:aws:catalog:us-east-1:222222222222:portfolio/port-ue1local" {
		t.Errorf("member ListPortfolios = %+v, %v", ports, err)
	}
	asAdmin, err := sc.DescribeProductAsAdmin(ctx, &servicecatalog.DescribeProductAsAdminInput{Name: aws.String("baseline-vpc")})
	if err != nil || aws.ToString(asAdmin.ProductViewDetail.ProductARN) != "arn:aws:catalog:us-east-1:222222222222:product/prod-ue1localvpc" {
		t.Errorf("member DescribeProductAsAdmin baseline-vpc = %+v, %v", asAdmin, err)
	}
	local, err := sc.SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1local")})
	if err != nil || len(local.ProductViewDetails) != 2 {
		t.Errorf("member SearchProductsAsAdmin port-ue1local = %+v, %v", local, err)
	}
	mgmtView, err := e.client("mgmt", "us-east-1").DescribeProductAsAdmin(ctx, &servicecatalog.DescribeProductAsAdminInput{Name: aws.String("baseline-vpc")})
	if err != nil || aws.ToString(mgmtView.ProductViewDetail.ProductViewSummary.ProductId) != "prod-ue1vpc" {
		t.Errorf("management DescribeProductAsAdmin baseline-vpc = %+v, %v", mgmtView, err)
	}
	_, err = e.client("mgmt", "us-east-1").DescribeProductAsAdmin(ctx, &servicecatalog.DescribeProductAsAdminInput{Id: aws.String("prod-ue1localvpc")})
	wantAPIError[*types.ResourceNotFoundException](t, err)

	// Other principals and other accounts see nothing of it.
	if got := productIDs(t, e.client("member-readonly", "us-east-1")); got != "[]" {
		t.Errorf("a role not associated with any portfolio sees %s", got)
	}
	e.onboard("member3", "us-east-1", "port-ue1main")
	if got := productIDs(t, e.client("member3", "us-east-1")); strings.Contains(got, "prod-ue1localvpc") || strings.Contains(got, "default:false") {
		t.Errorf("another member account sees %s", got)
	}
}

func TestNewRejectsProductsNotImportable(t *testing.T) {
	s := memberLocalSpec()
	// port-ue1direct, the only portfolio with direct-product, is shared with
	// 222222222222 alone: 333333333333 cannot import it.
	s.Regions[0].Portfolios[3].Owner = member3
	s.Regions[0].Portfolios[3].Principals = nil
	s.Regions[0].Portfolios[3].Products = []string{"prod-ue1direct"}
	s.Regions[0].Products[4].Account = member3
	_, err := catalog.New(s, newFakeDirectory(), catalog.Options{})
	want := "regions[0].portfolios[3].products[0]: product prod-ue1direct is owned by the management account and no portfolio of that account listing it is shared with account 333333333333"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("New = %v, want %q", err, want)
	}
	s.Regions[0].Products[4].Account = "999999999999"
	if _, err := catalog.New(s, newFakeDirectory(), catalog.Options{}); err == nil ||
		!strings.Contains(err.Error(), "regions[0].products[4].account: account 999999999999 is not in the organization") {
		t.Fatalf("New = %v", err)
	}
}
