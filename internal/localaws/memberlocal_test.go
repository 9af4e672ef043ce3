package localaws_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/localaws"
)

// memberLocalWorld is a world file that sets issue #9's trap: member
// 222222222222's administrator created a local baseline-vpc in a local
// portfolio associated with AWSControlTowerExecution, and added the
// organization's security-audit (imported) to it.
const memberLocalWorld = `
start: 2026-01-01T00:00:00Z
organization:
  id: o-ab12cd34ef
  root: r-ab12
  managementAccount: "111111111111"
  homeRegion: us-east-1
  governedRegions: [us-east-1]
  ous:
    - {id: ou-ab12-l3zc8b3h, name: Custom, parent: r-ab12}
  accounts:
    - {id: "111111111111", name: Management, parent: r-ab12}
    - {id: "222222222222", name: LifeCycle1, parent: ou-ab12-l3zc8b3h}
    - {id: "333333333333", name: LifeCycle2, parent: ou-ab12-l3zc8b3h}
catalog:
  regions:
    - region: us-east-1
      portfolios:
        - {id: port-ue1baseline0, name: Landfall Baseline, shares: [organization], products: [prod-ue1basevpc0, prod-ue1secaudit0]}
        - id: port-ue1teamlocal
          name: Team portfolio
          owner: "222222222222"
          products: [prod-ue1teamvpc0, prod-ue1secaudit0]
          principals:
            - {type: IAM, arn: "arn:aws:iam::222222222222:role/AWSControlTowerExecution"}
      products:
        - id: prod-ue1basevpc0
          name: baseline-vpc
          artifacts: [{id: pa-ue1basevpc20, name: "v2.0", created: 2025-01-15T00:00:00Z}]
        - id: prod-ue1secaudit0
          name: security-audit
          artifacts: [{id: pa-ue1secaud2501, name: "2025.01", created: 2025-01-10T00:00:00Z}]
        - id: prod-ue1teamvpc0
          name: baseline-vpc
          account: "222222222222"
          owner: Team
          artifacts: [{id: pa-ue1teamvpc1, name: "v2.0", created: 2025-02-01T00:00:00Z}]
`

func TestWorldMemberLocalCatalog(t *testing.T) {
	w, err := localaws.ParseWorld([]byte(memberLocalWorld), "member-local.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cloud := newCloud(t, w)
	ctx := t.Context()
	const region = "us-east-1"
	sc := servicecatalog.NewFromConfig(memberConfig(cloud, region, "222222222222", "AWSControlTowerExecution"))
	search := func(sc *servicecatalog.Client) string {
		t.Helper()
		out, err := sc.SearchProducts(ctx, &servicecatalog.SearchProductsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range out.ProductViewSummaries {
			got = append(got, aws.ToString(p.ProductId)+"="+aws.ToString(p.Name))
		}
		return fmt.Sprint(got)
	}
	if got, want := search(sc), "[prod-ue1teamvpc0=baseline-vpc prod-ue1secaudit0=security-audit]"; got != want {
		t.Errorf("before onboarding: %s, want %s", got, want)
	}

	// What Landfall's worker does: accept the organization share, associate
	// the execution role.
	if _, err := sc.AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
		PortfolioId: aws.String("port-ue1baseline0"), PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
		PortfolioId: aws.String("port-ue1baseline0"), PrincipalType: sctypes.PrincipalTypeIam,
		PrincipalARN: aws.String("arn:aws:iam::222222222222:role/AWSControlTowerExecution"),
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := search(sc), "[prod-ue1basevpc0=baseline-vpc prod-ue1teamvpc0=baseline-vpc prod-ue1secaudit0=security-audit]"; got != want {
		t.Errorf("after onboarding: %s, want %s", got, want)
	}

	byName, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Name: aws.String("baseline-vpc")})
	if err != nil {
		t.Fatal(err)
	}
	if id := aws.ToString(byName.ProductViewSummary.ProductId); id != "prod-ue1teamvpc0" {
		t.Errorf("DescribeProduct by name answers %s, want the local prod-ue1teamvpc0", id)
	}
	byID, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String("prod-ue1basevpc0")})
	if err != nil || len(byID.LaunchPaths) != 1 || aws.ToString(byID.LaunchPaths[0].Id) != "port-ue1baseline0" {
		t.Fatalf("DescribeProduct by ID = %+v, %v", byID, err)
	}
	paths, err := sc.ListLaunchPaths(ctx, &servicecatalog.ListLaunchPathsInput{ProductId: aws.String("prod-ue1secaudit0")})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range paths.LaunchPathSummaries {
		ids = append(ids, aws.ToString(p.Id)+"="+aws.ToString(p.Name))
	}
	if fmt.Sprint(ids) != "[port-ue1baseline0=Landfall Baseline port-ue1teamlocal=Team portfolio]" {
		t.Errorf("ListLaunchPaths = %v", ids)
	}
	rec, err := sc.ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
		ProductId: aws.String("prod-ue1secaudit0"), ProvisioningArtifactId: aws.String("pa-ue1secaud2501"),
		PathId: aws.String("port-ue1baseline0"), ProvisionedProductName: aws.String("audit"), ProvisionToken: aws.String("audit-1"),
	})
	if err != nil || aws.ToString(rec.RecordDetail.PathId) != "port-ue1baseline0" {
		t.Fatalf("ProvisionProduct through the organization's portfolio = %+v, %v", rec, err)
	}
	_, err = sc.ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
		ProductName: aws.String("baseline-vpc"), ProvisioningArtifactName: aws.String("v2.0"),
		PathId: aws.String("port-ue1baseline0"), ProvisionedProductName: aws.String("vpc"), ProvisionToken: aws.String("vpc-1"),
	})
	if code := errorCode(err); code != "ResourceNotFoundException" {
		t.Errorf("ProvisionProduct of the local baseline-vpc through the organization's path = %v, want ResourceNotFoundException", err)
	}

	// Another member account sees only the organization's products.
	other := servicecatalog.NewFromConfig(memberConfig(cloud, region, "333333333333", "AWSControlTowerExecution"))
	if got := search(other); strings.Contains(got, "prod-ue1teamvpc0") {
		t.Errorf("account 333333333333 sees %s", got)
	}
}
