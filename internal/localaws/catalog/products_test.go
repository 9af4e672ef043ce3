package catalog_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/localaws/catalog"
)

func TestSearchProducts(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	sc := e.client("member", "us-east-1")
	tests := []struct {
		name string
		in   servicecatalog.SearchProductsInput
		want string
	}{
		{"all, by title", servicecatalog.SearchProductsInput{}, "[baseline-vpc multi-path security-audit]"},
		{"descending", servicecatalog.SearchProductsInput{SortOrder: types.SortOrderDescending}, "[security-audit multi-path baseline-vpc]"},
		{"by version count", servicecatalog.SearchProductsInput{SortBy: types.ProductViewSortByVersionCount}, "[multi-path security-audit baseline-vpc]"},
		{"full text", servicecatalog.SearchProductsInput{Filters: map[string][]string{"FullTextSearch": {"VPC"}}}, "[baseline-vpc]"},
		{"owner", servicecatalog.SearchProductsInput{Filters: map[string][]string{"Owner": {"Security"}}}, "[security-audit]"},
		{"alternatives within a key", servicecatalog.SearchProductsInput{Filters: map[string][]string{"FullTextSearch": {"audit", "multi"}}}, "[multi-path security-audit]"},
		{"keys combine", servicecatalog.SearchProductsInput{Filters: map[string][]string{"FullTextSearch": {"audit"}, "Owner": {"Platform"}}}, "[]"},
		{"first page", servicecatalog.SearchProductsInput{PageSize: 2}, "[baseline-vpc multi-path]"},
		{"second page", servicecatalog.SearchProductsInput{PageSize: 2, PageToken: aws.String("2")}, "[security-audit]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := sc.SearchProducts(ctx, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range out.ProductViewSummaries {
				names = append(names, aws.ToString(p.Name))
			}
			if got := fmt.Sprint(names); got != tt.want {
				t.Errorf("products = %s, want %s", got, tt.want)
			}
		})
	}

	p := servicecatalog.NewSearchProductsPaginator(sc, &servicecatalog.SearchProductsInput{PageSize: 1})
	pages := 0
	for p.HasMorePages() {
		if _, err := p.NextPage(ctx); err != nil {
			t.Fatal(err)
		}
		pages++
	}
	if pages != 3 {
		t.Errorf("paginator pages = %d, want 3", pages)
	}

	for _, tc := range []struct {
		name string
		in   servicecatalog.SearchProductsInput
		code string
		frag string
	}{
		{"unknown filter", servicecatalog.SearchProductsInput{Filters: map[string][]string{"Title": {"x"}}}, "ValidationException", "at 'filters' failed to satisfy constraint: Map keys must satisfy constraint"},
		{"bad token", servicecatalog.SearchProductsInput{PageToken: aws.String("zzz")}, "InvalidParametersException", "page token"},
		{"page too large", servicecatalog.SearchProductsInput{PageSize: 101}, "ValidationException", "Value '101' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 100"},
		{"bad sort", servicecatalog.SearchProductsInput{SortBy: "Price"}, "ValidationException", "Value 'Price' at 'sortBy'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sc.SearchProducts(ctx, &tc.in)
			wantCode(t, err, tc.code, tc.frag)
		})
	}
	// Up to 100 products a page, 20 without a PageSize.
	if _, err := sc.SearchProducts(ctx, &servicecatalog.SearchProductsInput{PageSize: 100}); err != nil {
		t.Errorf("PageSize 100: %v", err)
	}
}

func TestDescribeProduct(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	sc := e.client("member", "us-east-1")

	byName, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Name: aws.String("baseline-vpc")})
	if err != nil {
		t.Fatal(err)
	}
	s := byName.ProductViewSummary
	if aws.ToString(s.ProductId) != "prod-ue1vpc" || aws.ToString(s.Owner) != "Platform" || aws.ToString(s.Distributor) != "Landfall" ||
		!s.HasDefaultPath || s.Type != types.ProductTypeCloudFormationTemplate || len(aws.ToString(s.Id)) != len("prodview-")+13 {
		t.Errorf("ProductViewSummary = %+v", s)
	}
	// End users see active versions only, with their guidance and dates.
	var versions []string
	for _, a := range byName.ProvisioningArtifacts {
		versions = append(versions, fmt.Sprintf("%s/%s/%s", aws.ToString(a.Name), a.Guidance, aws.ToTime(a.CreatedTime).Format("2006-01-02")))
	}
	if got := fmt.Sprint(versions); got != "[v1.0/DEPRECATED/2024-01-01 v1.1/DEFAULT/2024-01-02 v2.0/DEFAULT/2024-01-03]" {
		t.Errorf("ProvisioningArtifacts = %s", got)
	}
	if len(byName.LaunchPaths) != 1 || aws.ToString(byName.LaunchPaths[0].Name) != "Landfall Baseline" {
		t.Errorf("LaunchPaths = %+v", byName.LaunchPaths)
	}
	byID, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String("prod-ue1vpc")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(byID.ProductViewSummary.Id) != aws.ToString(s.Id) || aws.ToString(byID.LaunchPaths[0].Id) != aws.ToString(byName.LaunchPaths[0].Id) {
		t.Errorf("DescribeProduct by ID and by name disagree")
	}

	_, err = sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String("prod-ue1vpc"), Name: aws.String("baseline-vpc")})
	wantAPIError[*types.InvalidParametersException](t, err, "not both")
	_, err = sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Name: aws.String("direct-product")})
	wantAPIError[*types.ResourceNotFoundException](t, err, "direct-product")
	_, err = sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Name: aws.String("baseline-vpc")}, func(o *servicecatalog.Options) { o.Region = "us-west-2" })
	wantAPIError[*types.ResourceNotFoundException](t, err)
}

func TestAdminViews(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	admin := e.client("mgmt", "us-east-1")
	sc := e.client("member", "us-east-1")

	out, err := admin.DescribeProductAsAdmin(ctx, &servicecatalog.DescribeProductAsAdminInput{Name: aws.String("baseline-vpc")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ProvisioningArtifactSummaries) != 4 {
		t.Errorf("admin sees %d artifacts, want all 4 (inactive included)", len(out.ProvisioningArtifactSummaries))
	}
	if d := out.ProductViewDetail; aws.ToString(d.ProductARN) != "arn:aws:catalog:us-east-1:111111111111:product/prod-ue1vpc" ||
		d.Status != types.StatusAvailable || !aws.ToTime(d.CreatedTime).Equal(day(1)) {
		t.Errorf("ProductViewDetail = %+v", d)
	}
	_, err = sc.DescribeProductAsAdmin(ctx, &servicecatalog.DescribeProductAsAdminInput{Name: aws.String("baseline-vpc")})
	wantAPIError[*types.ResourceNotFoundException](t, err)

	count := func(c *servicecatalog.Client) (active, inactive int) {
		t.Helper()
		out, err := c.ListProvisioningArtifacts(ctx, &servicecatalog.ListProvisioningArtifactsInput{ProductId: aws.String("prod-ue1vpc")})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.ProvisioningArtifactDetails {
			if aws.ToBool(a.Active) {
				active++
			} else {
				inactive++
			}
		}
		return active, inactive
	}
	if a, i := count(admin); a != 3 || i != 1 {
		t.Errorf("admin ListProvisioningArtifacts = %d active, %d inactive; want 3, 1", a, i)
	}
	if a, i := count(sc); a != 3 || i != 0 {
		t.Errorf("member ListProvisioningArtifacts = %d active, %d inactive; want 3, 0", a, i)
	}

	da, err := sc.DescribeProvisioningArtifact(ctx, &servicecatalog.DescribeProvisioningArtifactInput{
		ProductName: aws.String("baseline-vpc"), ProvisioningArtifactName: aws.String("v2.0"),
		IncludeProvisioningArtifactParameters: true, Verbose: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(da.ProvisioningArtifactDetail.Id) != "pa-ue1vpc20" || len(da.ProvisioningArtifactParameters) != 3 || da.Info["TemplateUrl"] == "" {
		t.Errorf("DescribeProvisioningArtifact = %+v", da)
	}
	_, err = sc.DescribeProvisioningArtifact(ctx, &servicecatalog.DescribeProvisioningArtifactInput{
		ProductId: aws.String("prod-ue1vpc"), ProvisioningArtifactName: aws.String("v3.0-beta"),
	})
	wantAPIError[*types.ResourceNotFoundException](t, err, "v3.0-beta")
	if _, err := admin.DescribeProvisioningArtifact(ctx, &servicecatalog.DescribeProvisioningArtifactInput{
		ProductId: aws.String("prod-ue1vpc"), ProvisioningArtifactName: aws.String("v3.0-beta"),
	}); err != nil {
		t.Errorf("admin DescribeProvisioningArtifact of an inactive version: %v", err)
	}
}

func TestLaunchPathsAndParameters(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	e.onboard("member", "us-east-1", "port-ue1main")
	e.onboard("member", "us-east-1", "port-ue1extra")
	sc := e.client("member", "us-east-1")

	lp, err := sc.ListLaunchPaths(ctx, &servicecatalog.ListLaunchPathsInput{ProductId: aws.String("prod-ue1multi")})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range lp.LaunchPathSummaries {
		paths = append(paths, aws.ToString(p.Id)+"="+aws.ToString(p.Name))
	}
	if len(paths) != 2 || paths[0] != "port-ue1main=Landfall Baseline" || paths[1] != "port-ue1extra=Extra" {
		t.Errorf("ListLaunchPaths = %v", paths)
	}
	// A member of another OU sees only the organization-wide path.
	e.onboard("prod", "us-east-1", "port-ue1main")
	lp, err = e.client("prod", "us-east-1").ListLaunchPaths(ctx, &servicecatalog.ListLaunchPathsInput{ProductId: aws.String("prod-ue1multi")})
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.LaunchPathSummaries) != 1 {
		t.Errorf("prod account ListLaunchPaths = %d paths, want 1", len(lp.LaunchPathSummaries))
	}
	_, err = sc.ListLaunchPaths(ctx, &servicecatalog.ListLaunchPathsInput{ProductId: aws.String("prod-ue1direct")})
	wantAPIError[*types.ResourceNotFoundException](t, err)

	dp, err := sc.DescribeProvisioningParameters(ctx, &servicecatalog.DescribeProvisioningParametersInput{
		ProductName: aws.String("baseline-vpc"), ProvisioningArtifactName: aws.String("v2.0"),
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range dp.ProvisioningArtifactParameters {
		got = append(got, fmt.Sprintf("%s default=%v values=%v pattern=%s", aws.ToString(p.ParameterKey),
			aws.ToString(p.DefaultValue), p.ParameterConstraints.AllowedValues, aws.ToString(p.ParameterConstraints.AllowedPattern)))
	}
	want := []string{
		`VpcCidr default= values=[] pattern=^10\.[0-9]{1,3}\.0\.0/16$`,
		"Environment default=dev values=[dev staging prod] pattern=",
		"AccountName default= values=[] pattern=",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parameters:\n got %q\nwant %q", got, want)
	}
	if dp.ProvisioningArtifactParameters[0].DefaultValue != nil {
		t.Errorf("a required parameter has a DefaultValue")
	}
	if len(dp.ProvisioningArtifactOutputKeys) != 3 {
		t.Errorf("output keys = %+v", dp.ProvisioningArtifactOutputKeys)
	}

	_, err = sc.DescribeProvisioningParameters(ctx, &servicecatalog.DescribeProvisioningParametersInput{
		ProductId: aws.String("prod-ue1multi"), ProvisioningArtifactName: aws.String("v1"),
	})
	wantAPIError[*types.InvalidParametersException](t, err, "more than one launch path", "PathId")
	if _, err := sc.DescribeProvisioningParameters(ctx, &servicecatalog.DescribeProvisioningParametersInput{
		ProductId: aws.String("prod-ue1multi"), ProvisioningArtifactName: aws.String("v1"), PathId: aws.String("port-ue1extra"),
	}); err != nil {
		t.Errorf("with PathId: %v", err)
	}
}
