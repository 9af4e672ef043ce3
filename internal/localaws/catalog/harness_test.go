package catalog_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/model"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// The organization's real model must satisfy the catalog's consumer interface.
var _ catalog.Directory = (*org.Organization)(nil)

const (
	mgmt     = "111111111111"
	member   = "222222222222"
	member3  = "333333333333"
	prodAcct = "666666666666"
	outsider = "999999999999"

	orgID    = "o-ab12cd34ef"
	root     = "r-ab12"
	ouCustom = "ou-ab12-l3zc8b3h"
	ouWork   = "ou-ab12-w0rkl0ad"
	ouProd   = "ou-ab12-pr0dw0rk"

	cte       = "AWSControlTowerExecution"
	cteARN    = "arn:aws:iam::222222222222:role/AWSControlTowerExecution"
	ctePatern = "arn:aws:iam:::role/AWSControlTowerExecution"
	adminARN  = "arn:aws:iam::111111111111:user/admin"
)

var start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeDirectory is a hand-written Directory: accounts with their ancestors,
// roles and join times.
type fakeDirectory struct {
	ancestors map[string][]string
	roles     map[string][]string
	joined    map[string]time.Time
}

func newFakeDirectory() *fakeDirectory {
	return &fakeDirectory{
		ancestors: map[string][]string{
			mgmt:     {root},
			member:   {ouCustom, root},
			member3:  {ouCustom, root},
			prodAcct: {ouProd, ouWork, root},
		},
		roles: map[string][]string{
			member:   {cte, "ReadOnly"},
			member3:  {cte},
			prodAcct: {cte},
		},
		joined: map[string]time.Time{mgmt: start, member: start, member3: start, prodAcct: start},
	}
}

func (d *fakeDirectory) ManagementAccount() string { return mgmt }

func (d *fakeDirectory) ID() string { return orgID }

func (d *fakeDirectory) IsMember(account string) bool {
	_, ok := d.ancestors[account]
	return ok && account != mgmt
}

func (d *fakeDirectory) Ancestors(id string) []string { return d.ancestors[id] }

func (d *fakeDirectory) RoleExists(account, role string) bool {
	return slices.Contains(d.roles[account], role)
}

func (d *fakeDirectory) JoinedAt(account string) (time.Time, bool) {
	t, ok := d.joined[account]
	return t, ok
}

// callers maps the test access keys to identities.
var callers = map[string]wire.Caller{
	"mgmt": {Account: mgmt, ARN: "arn:aws:iam::111111111111:user/admin", Admin: true},
	"member": {Account: member, ARN: "arn:aws:sts::222222222222:assumed-role/AWSControlTowerExecution/landfall-run-1",
		RoleARN: cteARN, RoleName: cte, SessionName: "landfall-run-1"},
	"member-run2": {Account: member, ARN: "arn:aws:sts::222222222222:assumed-role/AWSControlTowerExecution/landfall-run-2",
		RoleARN: cteARN, RoleName: cte, SessionName: "landfall-run-2"},
	"member-readonly": {Account: member, ARN: "arn:aws:sts::222222222222:assumed-role/ReadOnly/someone",
		RoleARN: "arn:aws:iam::222222222222:role/ReadOnly", RoleName: "ReadOnly", SessionName: "someone"},
	"member3": {Account: member3, ARN: "arn:aws:sts::333333333333:assumed-role/AWSControlTowerExecution/landfall",
		RoleARN: "arn:aws:iam::333333333333:role/AWSControlTowerExecution", RoleName: cte, SessionName: "landfall"},
	"prod": {Account: prodAcct, ARN: "arn:aws:sts::666666666666:assumed-role/AWSControlTowerExecution/landfall",
		RoleARN: "arn:aws:iam::666666666666:role/AWSControlTowerExecution", RoleName: cte, SessionName: "landfall"},
	"outsider": {Account: outsider, ARN: "arn:aws:sts::999999999999:assumed-role/AWSControlTowerExecution/x",
		RoleARN: "arn:aws:iam::999999999999:role/AWSControlTowerExecution", RoleName: cte, SessionName: "x"},
}

// env is a catalog behind a wire.Server with a manual clock.
type env struct {
	t     *testing.T
	cat   *catalog.Catalog
	srv   *wire.Server
	clock *clock.Manual
	dir   *fakeDirectory
}

func newEnv(t *testing.T, spec catalog.Spec, opts catalog.Options) *env {
	t.Helper()
	dir := newFakeDirectory()
	cat, err := catalog.New(spec, dir, opts)
	if err != nil {
		t.Fatalf("catalog.New: %v", err)
	}
	clk := clock.NewManual(start)
	validator, err := model.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	srv := wire.NewServer(wire.ServerOptions{
		Services:  []wire.Service{cat},
		Clock:     clk,
		Validator: validator,
		Auth: wire.AuthFunc(func(key string, _ time.Time) (wire.Caller, error) {
			c, ok := callers[key]
			if !ok {
				return wire.Caller{}, &wire.Error{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}
			}
			return c, nil
		}),
	})
	return &env{t: t, cat: cat, srv: srv, clock: clk, dir: dir}
}

// client returns a Service Catalog client signing with key in region.
func (e *env) client(key, region string) *servicecatalog.Client {
	return servicecatalog.New(servicecatalog.Options{
		Region:           region,
		BaseEndpoint:     aws.String("http://localaws.internal"),
		HTTPClient:       e.srv.Client(),
		Credentials:      credentials.NewStaticCredentialsProvider(key, "secret", ""),
		RetryMaxAttempts: 1,
	})
}

// onboard accepts the organization share of portfolio and associates the
// AWSControlTowerExecution pattern, as the worker does.
// provisionVPC onboards the member account in us-east-1 and provisions the
// VPC product there, named "vpc" with token run1: where many tests start.
func (e *env) provisionVPC() (*servicecatalog.Client, *servicecatalog.ProvisionProductOutput) {
	e.t.Helper()
	e.onboard("member", "us-east-1", "port-ue1main")
	sc := e.client("member", "us-east-1")
	out, err := sc.ProvisionProduct(context.Background(), vpcInput("vpc", "run1"))
	if err != nil {
		e.t.Fatal(err)
	}
	return sc, out
}

func (e *env) onboard(key, region, portfolio string) {
	e.t.Helper()
	ctx := context.Background()
	sc := e.client(key, region)
	if _, err := sc.AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
		PortfolioId: aws.String(portfolio), PortfolioShareType: types.PortfolioShareTypeAwsOrganizations,
	}); err != nil {
		e.t.Fatalf("accept %s in %s as %s: %v", portfolio, region, key, err)
	}
	if _, err := sc.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
		PortfolioId: aws.String(portfolio), PrincipalARN: aws.String(ctePatern), PrincipalType: types.PrincipalTypeIamPattern,
	}); err != nil {
		e.t.Fatalf("associate with %s in %s as %s: %v", portfolio, region, key, err)
	}
}

// wantAPIError checks that err is the typed SDK error T and that its message
// contains every fragment.
func wantAPIError[T smithy.APIError](t *testing.T, err error, fragments ...string) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
	for _, f := range fragments {
		if !strings.Contains(target.ErrorMessage(), f) {
			t.Errorf("error message %q does not contain %q", target.ErrorMessage(), f)
		}
	}
}

// wantCode checks an error the SDK does not model for the operation by code.
func wantCode(t *testing.T, err error, code string, fragments ...string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
	for _, f := range fragments {
		if !strings.Contains(apiErr.ErrorMessage(), f) {
			t.Errorf("error message %q does not contain %q", apiErr.ErrorMessage(), f)
		}
	}
}

func ptr(s string) *string { return &s }

func params(kv ...string) []types.ProvisioningParameter {
	var out []types.ProvisioningParameter
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.ProvisioningParameter{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func day(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }

// testSpec is a catalog in two regions:
//
// us-east-1: port-ue1main (shared with the organization) with baseline-vpc,
// security-audit and multi-path; port-ue1extra (shared with OU Custom) with
// multi-path again, so it has two launch paths there; port-ue1direct (shared
// with account 222222222222 directly) with direct-product.
//
// us-west-2: port-uw2main with its own baseline-vpc.
func testSpec() catalog.Spec {
	vpcParams := []catalog.ParameterSpec{
		{Key: "VpcCidr", AllowedPattern: `^10\.[0-9]{1,3}\.0\.0/16$`, Description: "CIDR of the VPC"},
		{Key: "Environment", Default: ptr("dev"), AllowedValues: []string{"dev", "staging", "prod"}},
		{Key: "AccountName"},
	}
	vpcOutputs := map[string]string{"VpcCidr": "${VpcCidr}", "StackRegion": "${AWS::Region}", "Owner": "${AWS::AccountId}"}
	vpc := func(id, region string) catalog.ProductSpec {
		return catalog.ProductSpec{
			ID: id, Name: "baseline-vpc", Owner: "Platform", Distributor: "Landfall", Description: "The baseline VPC",
			Artifacts: []catalog.ArtifactSpec{
				{ID: "pa-" + region + "vpc10", Name: "v1.0", Created: day(1), Guidance: "DEPRECATED", Parameters: vpcParams,
					Provisioning: catalog.ProvisioningSpec{Duration: 3 * time.Minute}, Outputs: vpcOutputs},
				{ID: "pa-" + region + "vpc11", Name: "v1.1", Created: day(2), Parameters: vpcParams,
					Provisioning: catalog.ProvisioningSpec{Duration: 3 * time.Minute}, Outputs: vpcOutputs},
				{ID: "pa-" + region + "vpc20", Name: "v2.0", Created: day(3), Parameters: vpcParams,
					Provisioning: catalog.ProvisioningSpec{Duration: 3 * time.Minute}, Outputs: vpcOutputs},
				{ID: "pa-" + region + "vpc30", Name: "v3.0-beta", Created: day(4), Active: new(bool), Parameters: vpcParams},
			},
		}
	}
	auditParams := []catalog.ParameterSpec{
		{Key: "AuditAccountId", AllowedPattern: `^[0-9]{12}$`},
		{Key: "AlertEmail", Default: ptr("")},
		{Key: "RetentionDays", Type: "Number", Default: ptr("365"), AllowedValues: []string{"90", "365", "730"}},
	}
	return catalog.Spec{Regions: []catalog.RegionSpec{
		{
			Region: "us-east-1",
			Portfolios: []catalog.PortfolioSpec{
				{ID: "port-ue1main", Name: "Landfall Baseline", ProviderName: "Platform", Created: day(1),
					Shares: []string{"organization"}, Products: []string{"prod-ue1vpc", "prod-ue1audit", "prod-ue1multi"}},
				{ID: "port-ue1extra", Name: "Extra", ProviderName: "Platform",
					Shares: []string{ouCustom}, Products: []string{"prod-ue1multi"}},
				{ID: "port-ue1direct", Name: "Direct", ProviderName: "Platform",
					Shares: []string{member}, Products: []string{"prod-ue1direct"}},
			},
			Products: []catalog.ProductSpec{
				vpc("prod-ue1vpc", "ue1"),
				{ID: "prod-ue1audit", Name: "security-audit", Owner: "Security", Description: "Audit trail",
					Artifacts: []catalog.ArtifactSpec{
						{ID: "pa-ue1audit2406", Name: "2024.06", Created: day(5), Parameters: auditParams,
							Provisioning: catalog.ProvisioningSpec{Duration: 5 * time.Minute}},
						{ID: "pa-ue1audit2501", Name: "2025.01", Created: day(6), Parameters: auditParams,
							Provisioning: catalog.ProvisioningSpec{Duration: 5 * time.Minute, Accounts: map[string]catalog.OutcomeSpec{
								member3: {Outcome: "FAILED", Error: "Bucket landfall-audit already exists", Duration: 2 * time.Minute},
							}}},
						{ID: "pa-ue1auditbad", Name: "broken", Created: day(7), Parameters: auditParams,
							Provisioning: catalog.ProvisioningSpec{Duration: time.Minute, Outcome: "FAILED", Error: "Trail limit exceeded"}},
					}},
				{ID: "prod-ue1multi", Name: "multi-path", Owner: "Platform",
					Artifacts: []catalog.ArtifactSpec{{ID: "pa-ue1multi1", Name: "v1", Created: day(1)}}},
				{ID: "prod-ue1direct", Name: "direct-product", Owner: "Platform",
					Artifacts: []catalog.ArtifactSpec{{ID: "pa-ue1direct1", Name: "v1", Created: day(1)}}},
			},
		},
		{
			Region: "us-west-2",
			Portfolios: []catalog.PortfolioSpec{
				{ID: "port-uw2main", Name: "Landfall Baseline", Shares: []string{"organization"}, Products: []string{"prod-uw2vpc"}},
			},
			Products: []catalog.ProductSpec{vpc("prod-uw2vpc", "uw2")},
		},
	}}
}
