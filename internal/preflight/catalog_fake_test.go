package preflight

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"
)

// fakeCatalog is one region's catalog as its administrator sees it, with
// the errors Service Catalog answers: ResourceNotFoundException for what does
// not exist, an injected error per operation for the rest. It pages its
// lists one item at a time so that the check's paging is exercised.
type fakeCatalog struct {
	portfolios map[string]*fakePortfolio
	products   map[string]*fakeProduct
	// fail, by operation name, is answered instead of the catalog.
	fail map[string]error
	// block, when set, is waited on by DescribePortfolio (concurrency tests).
	block func(ctx context.Context)

	mu    sync.Mutex
	calls map[string]int
}

type fakePortfolio struct {
	name     string
	notOwned bool                                            // imported: DescribePortfolioShares says not found
	shares   map[sctypes.DescribePortfolioShareType][]string // principals by share type
	products []string                                        // product IDs
}

type fakeProduct struct {
	name string
	arts []fakeArtifact
}

type fakeArtifact struct {
	id, name   string
	created    time.Time
	inactive   bool
	deprecated bool
	params     []fakeParam
}

type fakeParam struct {
	key string
	def *string // nil: required
}

var _ Catalog = (*fakeCatalog)(nil)

func apiError(op, code, msg string) error {
	fault := smithy.FaultClient
	if code == "InternalFailure" {
		fault = smithy.FaultServer
	}
	return &smithy.OperationError{ServiceID: "Service Catalog", OperationName: op, Err: &smithy.GenericAPIError{Code: code, Message: msg, Fault: fault}}
}

func (f *fakeCatalog) call(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
	return f.fail[op]
}

func (f *fakeCatalog) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// page returns the item at token (one per page) and the next token.
func page[T any](items []T, token *string) ([]T, *string) {
	i, _ := strconv.Atoi(aws.ToString(token))
	if i >= len(items) {
		return nil, nil
	}
	var next *string
	if i+1 < len(items) {
		next = aws.String(strconv.Itoa(i + 1))
	}
	return items[i : i+1], next
}

func (f *fakeCatalog) DescribePortfolio(ctx context.Context, in *servicecatalog.DescribePortfolioInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.DescribePortfolioOutput, error) {
	if f.block != nil {
		f.block(ctx)
	}
	if err := f.call("DescribePortfolio"); err != nil {
		return nil, err
	}
	p, ok := f.portfolios[aws.ToString(in.Id)]
	if !ok {
		return nil, apiError("DescribePortfolio", "ResourceNotFoundException", "Portfolio not found.")
	}
	return &servicecatalog.DescribePortfolioOutput{PortfolioDetail: &sctypes.PortfolioDetail{Id: in.Id, DisplayName: aws.String(p.name)}}, nil
}

func (f *fakeCatalog) DescribePortfolioShares(_ context.Context, in *servicecatalog.DescribePortfolioSharesInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.DescribePortfolioSharesOutput, error) {
	if err := f.call("DescribePortfolioShares"); err != nil {
		return nil, err
	}
	p, ok := f.portfolios[aws.ToString(in.PortfolioId)]
	if !ok || p.notOwned {
		return nil, apiError("DescribePortfolioShares", "ResourceNotFoundException", "Portfolio not found.")
	}
	var details []sctypes.PortfolioShareDetail
	for _, principal := range p.shares[in.Type] {
		details = append(details, sctypes.PortfolioShareDetail{PrincipalId: aws.String(principal), Type: in.Type, Accepted: true})
	}
	pg, next := page(details, in.PageToken)
	return &servicecatalog.DescribePortfolioSharesOutput{PortfolioShareDetails: pg, NextPageToken: next}, nil
}

func (f *fakeCatalog) SearchProductsAsAdmin(_ context.Context, in *servicecatalog.SearchProductsAsAdminInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.SearchProductsAsAdminOutput, error) {
	if err := f.call("SearchProductsAsAdmin"); err != nil {
		return nil, err
	}
	p, ok := f.portfolios[aws.ToString(in.PortfolioId)]
	if !ok {
		return nil, apiError("SearchProductsAsAdmin", "ResourceNotFoundException", "Portfolio not found.")
	}
	var details []sctypes.ProductViewDetail
	for _, id := range p.products {
		details = append(details, sctypes.ProductViewDetail{ProductViewSummary: &sctypes.ProductViewSummary{
			Id: aws.String("prodview-" + id), ProductId: aws.String(id), Name: aws.String(f.products[id].name),
		}})
	}
	pg, next := page(details, in.PageToken)
	return &servicecatalog.SearchProductsAsAdminOutput{ProductViewDetails: pg, NextPageToken: next}, nil
}

func (f *fakeCatalog) ListProvisioningArtifacts(_ context.Context, in *servicecatalog.ListProvisioningArtifactsInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.ListProvisioningArtifactsOutput, error) {
	if err := f.call("ListProvisioningArtifacts"); err != nil {
		return nil, err
	}
	p, ok := f.products[aws.ToString(in.ProductId)]
	if !ok {
		return nil, apiError("ListProvisioningArtifacts", "ResourceNotFoundException", "Product not found.")
	}
	out := &servicecatalog.ListProvisioningArtifactsOutput{}
	for _, a := range p.arts {
		out.ProvisioningArtifactDetails = append(out.ProvisioningArtifactDetails, a.detail())
	}
	return out, nil
}

func (a fakeArtifact) detail() sctypes.ProvisioningArtifactDetail {
	g := sctypes.ProvisioningArtifactGuidanceDefault
	if a.deprecated {
		g = sctypes.ProvisioningArtifactGuidanceDeprecated
	}
	return sctypes.ProvisioningArtifactDetail{
		Id: aws.String(a.id), Name: aws.String(a.name), CreatedTime: aws.Time(a.created),
		Active: aws.Bool(!a.inactive), Guidance: g,
	}
}

func (f *fakeCatalog) DescribeProvisioningArtifact(_ context.Context, in *servicecatalog.DescribeProvisioningArtifactInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProvisioningArtifactOutput, error) {
	if err := f.call("DescribeProvisioningArtifact"); err != nil {
		return nil, err
	}
	p, ok := f.products[aws.ToString(in.ProductId)]
	if !ok {
		return nil, apiError("DescribeProvisioningArtifact", "ResourceNotFoundException", "Product not found.")
	}
	for _, a := range p.arts {
		if a.id != aws.ToString(in.ProvisioningArtifactId) {
			continue
		}
		d := a.detail()
		out := &servicecatalog.DescribeProvisioningArtifactOutput{ProvisioningArtifactDetail: &d, Status: sctypes.StatusAvailable}
		if in.IncludeProvisioningArtifactParameters {
			for _, prm := range a.params {
				out.ProvisioningArtifactParameters = append(out.ProvisioningArtifactParameters, sctypes.ProvisioningArtifactParameter{
					ParameterKey: aws.String(prm.key), DefaultValue: prm.def, ParameterType: aws.String("String"),
				})
			}
		}
		return out, nil
	}
	return nil, apiError("DescribeProvisioningArtifact", "ResourceNotFoundException", "Provisioning artifact not found.")
}

// Region prefixes of the fake world's IDs: ue1 for us-east-1, uw2 for us-west-2.
var regionTag = map[string]string{"us-east-1": "ue1", "us-west-2": "uw2"}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fakeWorld is a region's catalog shaped like the emulator's default world:
// portfolio "Landfall Baseline" shared with the organization, holding
// baseline-vpc (v1.0 deprecated, v1.1, v2.0) and security-audit (2023.01
// inactive, 2024.06, 2025.01).
func fakeWorld(region string) *fakeCatalog {
	r := regionTag[region]
	vpcParams := []fakeParam{{key: "VpcCidr"}, {key: "Environment", def: aws.String("dev")}, {key: "AccountName"}}
	auditParams := []fakeParam{{key: "AuditAccountId"}, {key: "AlertEmail", def: aws.String("")}, {key: "RetentionDays", def: aws.String("365")}}
	return &fakeCatalog{
		portfolios: map[string]*fakePortfolio{
			"port-" + r + "baseline0": {
				name:     "Landfall Baseline",
				shares:   map[sctypes.DescribePortfolioShareType][]string{sctypes.DescribePortfolioShareTypeOrganization: {"o-ab12cd34ef"}},
				products: []string{"prod-" + r + "basevpc0", "prod-" + r + "secaudit0"},
			},
		},
		products: map[string]*fakeProduct{
			"prod-" + r + "basevpc0": {name: "baseline-vpc", arts: []fakeArtifact{
				{id: "pa-" + r + "basevpc10", name: "v1.0", created: day("2024-01-15"), deprecated: true, params: vpcParams},
				{id: "pa-" + r + "basevpc11", name: "v1.1", created: day("2024-06-01"), params: vpcParams},
				{id: "pa-" + r + "basevpc20", name: "v2.0", created: day("2025-01-15"), params: vpcParams},
			}},
			"prod-" + r + "secaudit0": {name: "security-audit", arts: []fakeArtifact{
				{id: "pa-" + r + "secaud2301", name: "2023.01", created: day("2023-01-10"), inactive: true, params: auditParams},
				{id: "pa-" + r + "secaud2406", name: "2024.06", created: day("2024-06-10"), params: auditParams},
				{id: "pa-" + r + "secaud2501", name: "2025.01", created: day("2025-01-10"), params: auditParams},
			}},
		},
	}
}
