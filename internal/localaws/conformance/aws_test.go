package conformance_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/landfall/landfall/internal/localaws/conformance"
)

var onAWS = flag.Bool("conformance.aws", false,
	"also run the Service Catalog conformance suite against a real sandbox organization (see the package documentation)")

// Environment variables of the AWS harness; AWS_PROFILE and AWS_REGION
// choose the management account's credentials and the region as usual.
const (
	envMemberRole = "LANDFALL_CONFORMANCE_MEMBER_ROLE_ARN"
	envProduct    = "LANDFALL_CONFORMANCE_PRODUCT_ID"
	envArtifact   = "LANDFALL_CONFORMANCE_ARTIFACT_ID"
	envFailing    = "LANDFALL_CONFORMANCE_FAILING_ARTIFACT_ID"
	envParameters = "LANDFALL_CONFORMANCE_PARAMETERS"
	envPrincipal  = "LANDFALL_CONFORMANCE_PRINCIPAL_TYPE"
)

func TestAWS(t *testing.T) {
	if !*onAWS {
		t.Skip("pass -conformance.aws (and the LANDFALL_CONFORMANCE_* variables) to run against AWS")
	}
	settings, err := loadAWSSettings()
	if err != nil {
		t.Fatal(err)
	}
	conformance.RunServiceCatalog(t, func(ctx context.Context, t *testing.T) (conformance.Harness, error) {
		return newAWSHarness(ctx, t, settings)
	})
}

// roleARN is an IAM role ARN, with an optional path.
var roleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/(?:[\x21-\x7E]*/)?[\w+=,.@-]{1,64}$`)

// awsSettings is the sandbox the suite runs in, read once from the environment.
type awsSettings struct {
	memberRole, product, artifact, failing string
	principal                              types.PrincipalType
	parameters                             []types.ProvisioningParameter
}

// loadAWSSettings reads and checks every variable, reporting all problems at once.
func loadAWSSettings() (awsSettings, error) {
	s := awsSettings{
		memberRole: os.Getenv(envMemberRole), product: os.Getenv(envProduct),
		artifact: os.Getenv(envArtifact), failing: os.Getenv(envFailing),
		principal: types.PrincipalType(os.Getenv(envPrincipal)),
	}
	var errs []error
	for name, v := range map[string]string{envMemberRole: s.memberRole, envProduct: s.product, envArtifact: s.artifact, envFailing: s.failing} {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s is required", name))
		}
	}
	if s.memberRole != "" && !roleARN.MatchString(s.memberRole) {
		errs = append(errs, fmt.Errorf("%s %q is not an IAM role ARN", envMemberRole, s.memberRole))
	}
	switch s.principal {
	case "":
		s.principal = types.PrincipalTypeIamPattern
	case types.PrincipalTypeIam, types.PrincipalTypeIamPattern:
	default:
		errs = append(errs, fmt.Errorf("%s %q is not IAM or IAM_PATTERN", envPrincipal, s.principal))
	}
	params, err := parseParameters(os.Getenv(envParameters))
	s.parameters = params
	return s, errors.Join(append(errs, err)...)
}

// parseParameters reads "Key=Value,Key=Value".
func parseParameters(v string) ([]types.ProvisioningParameter, error) {
	var out []types.ProvisioningParameter
	for kv := range strings.SplitSeq(v, ",") {
		if kv == "" {
			continue
		}
		k, val, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s: %q is not Key=Value", envParameters, kv)
		}
		out = append(out, types.ProvisioningParameter{Key: aws.String(k), Value: aws.String(val)})
	}
	return out, nil
}

// awsHarness runs the suite on a portfolio it creates for one subtest and
// shares with the organization, holding the sandbox's product.
type awsHarness struct {
	t             *testing.T
	admin, member *servicecatalog.Client
	fixture       conformance.Fixture
	orgID         string
}

func newAWSHarness(ctx context.Context, t *testing.T, s awsSettings) (conformance.Harness, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the management account's AWS config: %w", err)
	}
	org, err := organizations.NewFromConfig(cfg).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return nil, fmt.Errorf("describe the organization: %w", err)
	}
	assume := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), s.memberRole,
		func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "landfall-conformance" })
	memberCfg := cfg.Copy()
	memberCfg.Credentials = aws.NewCredentialsCache(assume)
	h := &awsHarness{
		t:     t,
		admin: servicecatalog.NewFromConfig(cfg), member: servicecatalog.NewFromConfig(memberCfg),
		orgID: aws.ToString(org.Organization.Id),
		fixture: conformance.Fixture{
			ProductID: s.product, ArtifactID: s.artifact, FailingArtifactID: s.failing, Parameters: s.parameters,
			Principal:  principalFor(s),
			NamePrefix: "lfconf-" + randomSuffix(), Poll: 15 * time.Second, Timeout: 20 * time.Minute,
		},
	}
	if h.fixture.PortfolioID, err = h.sharePortfolio(ctx); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// principalFor is the member role itself, or the pattern of its name that
// Landfall associates.
func principalFor(s awsSettings) conformance.Principal {
	if s.principal == types.PrincipalTypeIam {
		return conformance.Principal{Type: types.PrincipalTypeIam, ARN: s.memberRole}
	}
	role := s.memberRole[strings.LastIndex(s.memberRole, "/")+1:]
	return conformance.Principal{Type: types.PrincipalTypeIamPattern, ARN: "arn:aws:iam:::role/" + role}
}

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// sharePortfolio creates a portfolio with the product, shares it with the
// organization and waits until the share has reached the accounts.
func (h *awsHarness) sharePortfolio(ctx context.Context) (string, error) {
	out, err := h.admin.CreatePortfolio(ctx, &servicecatalog.CreatePortfolioInput{
		DisplayName: aws.String(h.fixture.NamePrefix), ProviderName: aws.String("Landfall conformance suite"),
		IdempotencyToken: aws.String(h.fixture.NamePrefix),
	})
	if err != nil {
		return "", fmt.Errorf("create portfolio: %w", err)
	}
	id := aws.ToString(out.PortfolioDetail.Id)
	h.fixture.PortfolioID = id // so Close removes it even if a later step fails
	if _, err := h.admin.AssociateProductWithPortfolio(ctx, &servicecatalog.AssociateProductWithPortfolioInput{
		PortfolioId: aws.String(id), ProductId: aws.String(h.fixture.ProductID),
	}); err != nil {
		return "", fmt.Errorf("add product %s to portfolio %s: %w", h.fixture.ProductID, id, err)
	}
	share, err := h.admin.CreatePortfolioShare(ctx, &servicecatalog.CreatePortfolioShareInput{
		PortfolioId: aws.String(id), OrganizationNode: h.orgNode(),
	})
	if err != nil {
		return "", fmt.Errorf("share portfolio %s with %s: %w", id, h.orgID, err)
	}
	return id, h.waitShare(ctx, share.PortfolioShareToken)
}

func (h *awsHarness) orgNode() *types.OrganizationNode {
	return &types.OrganizationNode{Type: types.OrganizationNodeTypeOrganization, Value: aws.String(h.orgID)}
}

// waitShare polls an organization share operation until it completes.
func (h *awsHarness) waitShare(ctx context.Context, token *string) error {
	for waited := time.Duration(0); waited <= h.fixture.Timeout; waited += h.fixture.Poll {
		out, err := h.admin.DescribePortfolioShareStatus(ctx, &servicecatalog.DescribePortfolioShareStatusInput{PortfolioShareToken: token})
		if err != nil {
			return fmt.Errorf("portfolio share status: %w", err)
		}
		switch out.Status {
		case types.ShareStatusCompleted:
			return nil
		case types.ShareStatusError, types.ShareStatusCompletedWithErrors:
			return fmt.Errorf("portfolio share ended %s: %+v", out.Status, out.ShareDetails)
		}
		if err := h.Advance(ctx, h.fixture.Poll); err != nil {
			return err
		}
	}
	return fmt.Errorf("portfolio share not complete within %s", h.fixture.Timeout)
}

// Admin, Member and Fixture implement conformance.Harness.
func (h *awsHarness) Admin() *servicecatalog.Client  { return h.admin }
func (h *awsHarness) Member() *servicecatalog.Client { return h.member }
func (h *awsHarness) Fixture() conformance.Fixture   { return h.fixture }

// Advance sleeps: real records take real time.
func (h *awsHarness) Advance(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// Close unshares, empties and deletes the portfolio. Problems are logged,
// not fatal: what is left behind is named after the run's prefix.
func (h *awsHarness) Close() {
	id := h.fixture.PortfolioID
	if id == "" {
		return
	}
	ctx := context.WithoutCancel(h.t.Context())
	if out, err := h.admin.DeletePortfolioShare(ctx, &servicecatalog.DeletePortfolioShareInput{
		PortfolioId: aws.String(id), OrganizationNode: h.orgNode(),
	}); err == nil {
		err = h.waitShare(ctx, out.PortfolioShareToken)
		h.logCleanup("unshare", id, err)
	}
	_, err := h.admin.DisassociateProductFromPortfolio(ctx, &servicecatalog.DisassociateProductFromPortfolioInput{
		PortfolioId: aws.String(id), ProductId: aws.String(h.fixture.ProductID),
	})
	h.logCleanup("remove the product from", id, err)
	_, err = h.admin.DeletePortfolio(ctx, &servicecatalog.DeletePortfolioInput{Id: aws.String(id)})
	h.logCleanup("delete", id, err)
}

func (h *awsHarness) logCleanup(what, id string, err error) {
	if err != nil {
		h.t.Logf("cleanup: %s portfolio %s: %v", what, id, err)
	}
}
