package catalog_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/localaws/catalog"
)

func TestSearchProductsAsAdmin(t *testing.T) {
	ctx := t.Context()
	e := newEnv(t, testSpec(), catalog.Options{})
	admin := e.client("mgmt", "us-east-1")
	names := func(out *servicecatalog.SearchProductsAsAdminOutput) string {
		var names []string
		for _, d := range out.ProductViewDetails {
			names = append(names, aws.ToString(d.ProductViewSummary.Name))
		}
		return fmt.Sprint(names)
	}
	tests := []struct {
		name string
		in   servicecatalog.SearchProductsAsAdminInput
		want string
	}{
		{"a portfolio, unsorted", servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1main")},
			"[baseline-vpc security-audit multi-path]"},
		{"by title", servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1main"), SortBy: types.ProductViewSortByTitle},
			"[baseline-vpc multi-path security-audit]"},
		{"by title, descending", servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1main"),
			SortBy: types.ProductViewSortByTitle, SortOrder: types.SortOrderDescending}, "[security-audit multi-path baseline-vpc]"},
		{"full text", servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1main"),
			Filters: map[string][]string{"FullTextSearch": {"audit"}}}, "[security-audit]"},
		{"another portfolio", servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1extra")}, "[multi-path]"},
		{"every product of the account", servicecatalog.SearchProductsAsAdminInput{},
			"[baseline-vpc security-audit multi-path direct-product]"},
		{"first page", servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1main"), PageSize: 2},
			"[baseline-vpc security-audit]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := admin.SearchProductsAsAdmin(ctx, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(out); got != tt.want {
				t.Errorf("products = %s, want %s", got, tt.want)
			}
		})
	}

	out, err := admin.SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1main"), PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	d := out.ProductViewDetails[0]
	if aws.ToString(d.ProductARN) != "arn:aws:catalog:us-east-1:111111111111:product/prod-ue1vpc" || d.Status != types.StatusAvailable ||
		aws.ToString(d.ProductViewSummary.ProductId) != "prod-ue1vpc" || aws.ToString(out.NextPageToken) == "" {
		t.Errorf("first detail = %+v, next page %q", d, aws.ToString(out.NextPageToken))
	}
	pages := servicecatalog.NewSearchProductsAsAdminPaginator(admin, &servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1main"), PageSize: 1})
	n := 0
	for pages.HasMorePages() {
		if _, err := pages.NextPage(ctx); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 {
		t.Errorf("paginator pages = %d, want 3", n)
	}

	_, err = admin.SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1nope")})
	wantAPIError[*types.ResourceNotFoundException](t, err, "Portfolio not found")
	_, err = admin.SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-uw2main")})
	wantAPIError[*types.ResourceNotFoundException](t, err)
	// A malformed ID is refused before anything is looked up.
	_, err = admin.SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port ue1main")})
	wantCode(t, err, "ValidationException",
		`1 validation error detected: Value 'port ue1main' at 'portfolioId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\-]*`)
	_, err = admin.DescribePortfolioShares(ctx, &servicecatalog.DescribePortfolioSharesInput{PortfolioId: aws.String("port-ue1main"), Type: "EVERYONE"})
	wantCode(t, err, "ValidationException", "Value 'EVERYONE' at 'type'")

	// A member's administrator sees an imported portfolio's products once
	// the share is accepted, and nothing of its own.
	member := e.client("member", "us-east-1")
	_, err = member.SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1main")})
	wantAPIError[*types.ResourceNotFoundException](t, err)
	e.onboard("member", "us-east-1", "port-ue1main")
	got, err := member.SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{PortfolioId: aws.String("port-ue1main")})
	if err != nil || names(got) != "[baseline-vpc security-audit multi-path]" {
		t.Errorf("member SearchProductsAsAdmin of the imported portfolio = %v, %v", names(got), err)
	}
	own, err := member.SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{ProductSource: types.ProductSourceAccount})
	if err != nil || len(own.ProductViewDetails) != 0 {
		t.Errorf("member's own products = %v, %v; want none", names(own), err)
	}
}

func TestDescribePortfolioShares(t *testing.T) {
	ctx := t.Context()
	spec := testSpec()
	spec.Regions[0].Portfolios[2].Shares = append(spec.Regions[0].Portfolios[2].Shares, member3)
	e := newEnv(t, spec, catalog.Options{})
	admin := e.client("mgmt", "us-east-1")
	shares := func(c *servicecatalog.Client, portfolio string, typ types.DescribePortfolioShareType) (string, error) {
		t.Helper()
		var out []string
		pages := servicecatalog.NewDescribePortfolioSharesPaginator(c, &servicecatalog.DescribePortfolioSharesInput{
			PortfolioId: aws.String(portfolio), Type: typ, PageSize: 1,
		})
		for pages.HasMorePages() {
			pg, err := pages.NextPage(ctx)
			if err != nil {
				return "", err
			}
			for _, d := range pg.PortfolioShareDetails {
				out = append(out, fmt.Sprintf("%s %s accepted=%v", d.Type, aws.ToString(d.PrincipalId), d.Accepted))
			}
		}
		return fmt.Sprint(out), nil
	}
	tests := []struct {
		portfolio string
		typ       types.DescribePortfolioShareType
		want      string
	}{
		{"port-ue1main", types.DescribePortfolioShareTypeOrganization, "[ORGANIZATION o-ab12cd34ef accepted=true]"},
		{"port-ue1main", types.DescribePortfolioShareTypeAccount, "[]"},
		{"port-ue1extra", types.DescribePortfolioShareTypeOrganizationalUnit, "[ORGANIZATIONAL_UNIT ou-ab12-l3zc8b3h accepted=true]"},
		{"port-ue1direct", types.DescribePortfolioShareTypeAccount, "[ACCOUNT 222222222222 accepted=false ACCOUNT 333333333333 accepted=false]"},
		{"port-ue1direct", types.DescribePortfolioShareTypeOrganizationMemberAccount, "[]"},
	}
	for _, tt := range tests {
		got, err := shares(admin, tt.portfolio, tt.typ)
		if err != nil || got != tt.want {
			t.Errorf("%s %s shares = %s, %v; want %s", tt.portfolio, tt.typ, got, err, tt.want)
		}
	}

	// An account share is accepted once its recipient accepts it.
	if _, err := e.client("member", "us-east-1").AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
		PortfolioId: aws.String("port-ue1direct"),
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := shares(admin, "port-ue1direct", types.DescribePortfolioShareTypeAccount); err != nil ||
		got != "[ACCOUNT 222222222222 accepted=true ACCOUNT 333333333333 accepted=false]" {
		t.Errorf("after the accept: %s, %v", got, err)
	}

	// Only the owner sees a portfolio's shares.
	_, err := shares(e.client("member", "us-east-1"), "port-ue1main", types.DescribePortfolioShareTypeOrganization)
	wantAPIError[*types.ResourceNotFoundException](t, err)
	_, err = shares(admin, "port-ue1nope", types.DescribePortfolioShareTypeOrganization)
	wantAPIError[*types.ResourceNotFoundException](t, err)
}

func TestDescribeProvisioningArtifactParameters(t *testing.T) {
	ctx := t.Context()
	spec := testSpec()
	spec.Regions[0].Products[1].Artifacts[0].Parameters[1].NoEcho = true
	spec.Regions[0].Products[1].Artifacts[0].Parameters[1].Description = "Where alerts go"
	e := newEnv(t, spec, catalog.Options{})
	admin := e.client("mgmt", "us-east-1")

	out, err := admin.DescribeProvisioningArtifact(ctx, &servicecatalog.DescribeProvisioningArtifactInput{
		ProductId: aws.String("prod-ue1audit"), ProvisioningArtifactId: aws.String("pa-ue1audit2406"),
		IncludeProvisioningArtifactParameters: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range out.ProvisioningArtifactParameters {
		def := "<none>"
		if p.DefaultValue != nil {
			def = fmt.Sprintf("%q", *p.DefaultValue)
		}
		got = append(got, fmt.Sprintf("%s %s default=%s noEcho=%v desc=%q", aws.ToString(p.ParameterKey), aws.ToString(p.ParameterType),
			def, p.IsNoEcho, aws.ToString(p.Description)))
	}
	want := []string{
		`AuditAccountId String default=<none> noEcho=false desc=""`,
		`AlertEmail String default="" noEcho=true desc="Where alerts go"`,
		`RetentionDays Number default="365" noEcho=false desc=""`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parameters:\n got %q\nwant %q", got, want)
	}
	if d := out.ProvisioningArtifactDetail; !aws.ToBool(d.Active) || d.Guidance != types.ProvisioningArtifactGuidanceDefault ||
		aws.ToString(d.Name) != "2024.06" || out.Status != types.StatusAvailable {
		t.Errorf("detail = %+v, status %s", d, out.Status)
	}

	without, err := admin.DescribeProvisioningArtifact(ctx, &servicecatalog.DescribeProvisioningArtifactInput{
		ProductId: aws.String("prod-ue1audit"), ProvisioningArtifactId: aws.String("pa-ue1audit2406"),
	})
	if err != nil || len(without.ProvisioningArtifactParameters) != 0 {
		t.Errorf("without IncludeProvisioningArtifactParameters: %d parameters, %v", len(without.ProvisioningArtifactParameters), err)
	}

	// Active and Guidance as the administrator sees them: the deprecated
	// version is active, the beta one inactive.
	for _, tt := range []struct {
		id       string
		active   bool
		guidance types.ProvisioningArtifactGuidance
	}{
		{"pa-ue1vpc10", true, types.ProvisioningArtifactGuidanceDeprecated},
		{"pa-ue1vpc20", true, types.ProvisioningArtifactGuidanceDefault},
		{"pa-ue1vpc30", false, types.ProvisioningArtifactGuidanceDefault},
	} {
		out, err := admin.DescribeProvisioningArtifact(ctx, &servicecatalog.DescribeProvisioningArtifactInput{
			ProductId: aws.String("prod-ue1vpc"), ProvisioningArtifactId: aws.String(tt.id),
		})
		if err != nil {
			t.Fatal(err)
		}
		if d := out.ProvisioningArtifactDetail; aws.ToBool(d.Active) != tt.active || d.Guidance != tt.guidance {
			t.Errorf("%s: Active %v Guidance %s, want %v %s", tt.id, aws.ToBool(d.Active), d.Guidance, tt.active, tt.guidance)
		}
	}
	list, err := admin.ListProvisioningArtifacts(ctx, &servicecatalog.ListProvisioningArtifactsInput{ProductId: aws.String("prod-ue1vpc")})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, d := range list.ProvisioningArtifactDetails {
		listed = append(listed, fmt.Sprintf("%s:%v:%s", aws.ToString(d.Name), aws.ToBool(d.Active), d.Guidance))
	}
	if w := "[v1.0:true:DEPRECATED v1.1:true:DEFAULT v2.0:true:DEFAULT v3.0-beta:false:DEFAULT]"; fmt.Sprint(listed) != w {
		t.Errorf("ListProvisioningArtifacts = %v, want %s", listed, w)
	}
}
