package catalog_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/localaws/catalog"
)

func searchNames(t *testing.T, sc *servicecatalog.Client) []string {
	t.Helper()
	out, err := sc.SearchProducts(context.Background(), &servicecatalog.SearchProductsInput{})
	if err != nil {
		t.Fatalf("SearchProducts: %v", err)
	}
	names := []string{}
	for _, p := range out.ProductViewSummaries {
		names = append(names, aws.ToString(p.Name))
	}
	return names
}

func TestAcceptShare(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	tests := []struct {
		name      string
		key       string
		region    string
		portfolio string
		shareType types.PortfolioShareType
		check     func(*testing.T, error)
	}{
		{"default type IMPORTED is not an organization share", "member", "us-east-1", "port-ue1main", "",
			func(t *testing.T, err error) {
				wantAPIError[*types.ResourceNotFoundException](t, err, "Portfolio not found.")
			}},
		{"AWS_SERVICECATALOG is unsupported", "member", "us-east-1", "port-ue1main", types.PortfolioShareTypeAwsServicecatalog,
			func(t *testing.T, err error) {
				wantAPIError[*types.InvalidParametersException](t, err, "AWS_SERVICECATALOG")
			}},
		{"unknown portfolio", "member", "us-east-1", "port-nope", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) {
				wantAPIError[*types.ResourceNotFoundException](t, err, "Portfolio not found.")
			}},
		{"portfolio of another region", "member", "us-west-2", "port-ue1main", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) { wantAPIError[*types.ResourceNotFoundException](t, err) }},
		{"account outside the organization", "outsider", "us-east-1", "port-ue1main", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) { wantAPIError[*types.ResourceNotFoundException](t, err) }},
		{"OU share reaches an account below the OU", "member", "us-east-1", "port-ue1extra", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) { wantOK(t, err) }},
		{"OU share does not reach another OU", "prod", "us-east-1", "port-ue1extra", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) { wantAPIError[*types.ResourceNotFoundException](t, err) }},
		{"organization share reaches a nested OU", "prod", "us-east-1", "port-ue1main", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) { wantOK(t, err) }},
		{"direct account share is accepted as IMPORTED", "member", "us-east-1", "port-ue1direct", types.PortfolioShareTypeImported,
			func(t *testing.T, err error) { wantOK(t, err) }},
		{"direct account share is not an organization share", "member", "us-east-1", "port-ue1direct", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) { wantAPIError[*types.ResourceNotFoundException](t, err) }},
		{"direct share of another account", "member3", "us-east-1", "port-ue1direct", types.PortfolioShareTypeImported,
			func(t *testing.T, err error) { wantAPIError[*types.ResourceNotFoundException](t, err) }},
		{"owner cannot accept its own portfolio", "mgmt", "us-east-1", "port-ue1main", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) {
				wantAPIError[*types.InvalidParametersException](t, err, "owned by account 111111111111")
			}},
		{"organization share accepted", "member", "us-east-1", "port-ue1main", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) { wantOK(t, err) }},
		{"accepting again is idempotent", "member", "us-east-1", "port-ue1main", types.PortfolioShareTypeAwsOrganizations,
			func(t *testing.T, err error) { wantOK(t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client(tt.key, tt.region).AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
				PortfolioId: aws.String(tt.portfolio), PortfolioShareType: tt.shareType,
			})
			tt.check(t, err)
		})
	}

	sc := e.client("member", "us-east-1")
	for _, tc := range []struct {
		typ  types.PortfolioShareType
		want []string
	}{
		{types.PortfolioShareTypeAwsOrganizations, []string{"port-ue1extra", "port-ue1main"}},
		{"", []string{"port-ue1direct"}},
		{types.PortfolioShareTypeAwsServicecatalog, []string{}},
	} {
		out, err := sc.ListAcceptedPortfolioShares(ctx, &servicecatalog.ListAcceptedPortfolioSharesInput{PortfolioShareType: tc.typ})
		if err != nil {
			t.Fatalf("ListAcceptedPortfolioShares(%q): %v", tc.typ, err)
		}
		got := []string{}
		for _, p := range out.PortfolioDetails {
			got = append(got, aws.ToString(p.Id))
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ListAcceptedPortfolioShares(%q) = %v, want %v", tc.typ, got, tc.want)
		}
	}
	if got := e.cat.AcceptedPortfolios(member, "us-east-1"); len(got) != 3 {
		t.Errorf("AcceptedPortfolios = %v, want 3 portfolios", got)
	}
	if got := e.cat.AcceptedPortfolios(member, "us-west-2"); len(got) != 0 {
		t.Errorf("AcceptedPortfolios in us-west-2 = %v, want none: regions are independent", got)
	}

	// Rejecting removes the share.
	if _, err := sc.RejectPortfolioShare(ctx, &servicecatalog.RejectPortfolioShareInput{
		PortfolioId: aws.String("port-ue1extra"), PortfolioShareType: types.PortfolioShareTypeAwsOrganizations,
	}); err != nil {
		t.Fatalf("RejectPortfolioShare: %v", err)
	}
	_, err := sc.RejectPortfolioShare(ctx, &servicecatalog.RejectPortfolioShareInput{
		PortfolioId: aws.String("port-ue1extra"), PortfolioShareType: types.PortfolioShareTypeAwsOrganizations,
	})
	wantAPIError[*types.ResourceNotFoundException](t, err)
}

func wantOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func TestPrincipalAssociation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	sc := e.client("member", "us-east-1")
	associate := func(arn string, typ types.PrincipalType) error {
		_, err := sc.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
			PortfolioId: aws.String("port-ue1main"), PrincipalARN: aws.String(arn), PrincipalType: typ,
		})
		return err
	}

	// Associating before accepting: the portfolio is not visible yet.
	wantAPIError[*types.ResourceNotFoundException](t, associate(cteARN, types.PrincipalTypeIam), "Portfolio not found.")
	if _, err := sc.AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
		PortfolioId: aws.String("port-ue1main"), PortfolioShareType: types.PortfolioShareTypeAwsOrganizations,
	}); err != nil {
		t.Fatal(err)
	}
	// Accepted but not associated: end users see nothing, the classic trap.
	if got := searchNames(t, sc); len(got) != 0 {
		t.Fatalf("SearchProducts before association = %v, want none", got)
	}
	_, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Name: aws.String("baseline-vpc")})
	wantAPIError[*types.ResourceNotFoundException](t, err)

	for _, tc := range []struct {
		name string
		arn  string
		typ  types.PrincipalType
		frag string
	}{
		{"role of another account", "arn:aws:iam::333333333333:role/AWSControlTowerExecution", types.PrincipalTypeIam, "belongs to account 333333333333"},
		{"role that does not exist", "arn:aws:iam::222222222222:role/Nope", types.PrincipalTypeIam, "does not exist"},
		{"pattern given as IAM", ctePatern, types.PrincipalTypeIam, "IAM_PATTERN"},
		{"full ARN given as pattern", cteARN, types.PrincipalTypeIamPattern, "without account ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError[*types.InvalidParametersException](t, associate(tc.arn, tc.typ), tc.frag)
		})
	}
	// A type outside the model's enum is refused before the service looks.
	wantCode(t, associate(cteARN, types.PrincipalType("GROUP")), "ValidationException",
		"Value 'GROUP' at 'principalType' failed to satisfy constraint: Member must satisfy enum value set: [IAM, IAM_PATTERN]")

	// The pattern associates the role; doing it twice is harmless.
	for range 2 {
		if err := associate(ctePatern, types.PrincipalTypeIamPattern); err != nil {
			t.Fatalf("associate pattern: %v", err)
		}
	}
	if got := searchNames(t, sc); fmt.Sprint(got) != "[baseline-vpc multi-path security-audit]" {
		t.Errorf("SearchProducts after association = %v", got)
	}
	// Another role of the same account does not match the pattern.
	if got := searchNames(t, e.client("member-readonly", "us-east-1")); len(got) != 0 {
		t.Errorf("SearchProducts as ReadOnly = %v, want none", got)
	}
	// Nor does the same role in another account or region.
	if got := searchNames(t, e.client("member3", "us-east-1")); len(got) != 0 {
		t.Errorf("SearchProducts as 333333333333 = %v, want none", got)
	}
	if got := searchNames(t, e.client("member", "us-west-2")); len(got) != 0 {
		t.Errorf("SearchProducts in us-west-2 = %v, want none", got)
	}

	lp, err := sc.ListPrincipalsForPortfolio(ctx, &servicecatalog.ListPrincipalsForPortfolioInput{PortfolioId: aws.String("port-ue1main")})
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.Principals) != 1 || aws.ToString(lp.Principals[0].PrincipalARN) != ctePatern || lp.Principals[0].PrincipalType != types.PrincipalTypeIamPattern {
		t.Errorf("ListPrincipalsForPortfolio = %+v", lp.Principals)
	}

	// Swap the pattern for the exact role ARN: still visible.
	if err := associate(cteARN, types.PrincipalTypeIam); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.DisassociatePrincipalFromPortfolio(ctx, &servicecatalog.DisassociatePrincipalFromPortfolioInput{
		PortfolioId: aws.String("port-ue1main"), PrincipalARN: aws.String(ctePatern), PrincipalType: types.PrincipalTypeIamPattern,
	}); err != nil {
		t.Fatal(err)
	}
	if got := searchNames(t, sc); len(got) != 3 {
		t.Errorf("SearchProducts with the IAM association = %v", got)
	}
	if _, err := sc.DisassociatePrincipalFromPortfolio(ctx, &servicecatalog.DisassociatePrincipalFromPortfolioInput{
		PortfolioId: aws.String("port-ue1main"), PrincipalARN: aws.String(cteARN),
	}); err != nil {
		t.Fatal(err)
	}
	if got := searchNames(t, sc); len(got) != 0 {
		t.Errorf("SearchProducts after disassociation = %v, want none", got)
	}
	_, err = sc.DisassociatePrincipalFromPortfolio(ctx, &servicecatalog.DisassociatePrincipalFromPortfolioInput{
		PortfolioId: aws.String("port-ue1main"), PrincipalARN: aws.String(cteARN),
	})
	wantAPIError[*types.ResourceNotFoundException](t, err)
}

func TestPatternLimit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	sc := e.client("member", "us-east-1")
	e.onboard("member", "us-east-1", "port-ue1main") // pattern 1
	for i := 2; i <= 11; i++ {
		_, err := sc.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
			PortfolioId: aws.String("port-ue1main"), PrincipalARN: aws.String(fmt.Sprintf("arn:aws:iam:::role/Team%d*", i)),
			PrincipalType: types.PrincipalTypeIamPattern,
		})
		if i <= 10 {
			wantOK(t, err)
			continue
		}
		wantAPIError[*types.LimitExceededException](t, err, "at most", "10")
	}
}

func TestAdminPrincipal(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{})
	sc := e.client("mgmt", "us-east-1")
	// The owner sees its portfolios but, like any end user, no products
	// until its principal is associated.
	lp, err := sc.ListPortfolios(ctx, &servicecatalog.ListPortfoliosInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.PortfolioDetails) != 3 {
		t.Fatalf("ListPortfolios = %d portfolios, want 3", len(lp.PortfolioDetails))
	}
	d := lp.PortfolioDetails[0]
	if aws.ToString(d.ARN) != "arn:aws:catalog:us-east-1:111111111111:portfolio/port-ue1main" ||
		aws.ToString(d.DisplayName) != "Landfall Baseline" || aws.ToString(d.ProviderName) != "Platform" ||
		!aws.ToTime(d.CreatedTime).Equal(day(1)) {
		t.Errorf("PortfolioDetail = %+v", d)
	}
	if got := searchNames(t, sc); len(got) != 0 {
		t.Fatalf("SearchProducts before association = %v", got)
	}
	if _, err := sc.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
		PortfolioId: aws.String("port-ue1main"), PrincipalARN: aws.String(adminARN), PrincipalType: types.PrincipalTypeIam,
	}); err != nil {
		t.Fatal(err)
	}
	if got := searchNames(t, sc); len(got) != 3 {
		t.Errorf("SearchProducts as associated admin = %v", got)
	}
	// Members never list the owner's portfolios.
	lp, err = e.client("member", "us-east-1").ListPortfolios(ctx, &servicecatalog.ListPortfoliosInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.PortfolioDetails) != 0 {
		t.Errorf("member ListPortfolios = %d, want 0", len(lp.PortfolioDetails))
	}
	// DescribePortfolio: owner yes, a member only after accepting.
	if _, err := sc.DescribePortfolio(ctx, &servicecatalog.DescribePortfolioInput{Id: aws.String("port-ue1main")}); err != nil {
		t.Errorf("owner DescribePortfolio: %v", err)
	}
	_, err = e.client("member", "us-east-1").DescribePortfolio(ctx, &servicecatalog.DescribePortfolioInput{Id: aws.String("port-ue1main")})
	wantAPIError[*types.ResourceNotFoundException](t, err)
}

func TestSpecPrincipals(t *testing.T) {
	spec := testSpec()
	spec.Regions[0].Portfolios[0].Principals = []catalog.PrincipalSpec{{Type: "IAM", ARN: adminARN}}
	e := newEnv(t, spec, catalog.Options{})
	if got := searchNames(t, e.client("mgmt", "us-east-1")); len(got) != 3 {
		t.Errorf("SearchProducts with a principal from the spec = %v", got)
	}
	if got := e.cat.Principals(mgmt, "us-east-1", "port-ue1main"); fmt.Sprint(got) != "["+adminARN+"]" {
		t.Errorf("Principals = %v", got)
	}
}

func TestShareDelay(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, testSpec(), catalog.Options{ShareDelay: func(account, region string) time.Duration {
		if account == member && region == "us-east-1" {
			return 10 * time.Minute
		}
		return 0
	}})
	e.dir.joined[member] = start.Add(time.Minute)
	e.clock.Advance(5 * time.Minute)
	accept := func(key, region, portfolio string) error {
		_, err := e.client(key, region).AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
			PortfolioId: aws.String(portfolio), PortfolioShareType: types.PortfolioShareTypeAwsOrganizations,
		})
		return err
	}
	wantAPIError[*types.ResourceNotFoundException](t, accept("member", "us-east-1", "port-ue1main"), "Portfolio not found.")
	wantOK(t, accept("member", "us-west-2", "port-uw2main"))
	wantOK(t, accept("member3", "us-east-1", "port-ue1main"))
	e.clock.AdvanceTo(start.Add(11 * time.Minute))
	wantOK(t, accept("member", "us-east-1", "port-ue1main"))
}
