package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
)

// Harness is one place the suite runs: the emulator, or a sandbox
// organization in AWS. It hands out real SDK clients, so the suite cannot
// tell the two apart; everything else it needs is in the Fixture.
type Harness interface {
	// Admin returns a client of the account that owns the fixture's
	// portfolio and product (the management account, for Landfall).
	Admin() *servicecatalog.Client
	// Member returns a client of a principal in a member account, in the
	// fixture's region, that matches Fixture.Principal.
	Member() *servicecatalog.Client
	// Fixture describes what the harness set up for this run.
	Fixture() Fixture
	// Advance lets at least d pass for the resources under test: the
	// emulator moves its clock, which is what lets the suite wait for
	// records without sleeping; a real account just sleeps.
	Advance(ctx context.Context, d time.Duration) error
	// Close releases what the harness set up. The suite calls it once,
	// after its own cleanups.
	Close()
}

// HarnessMaker builds a fresh Harness. The suite makes one per subtest, so
// each subtest starts from a portfolio the member has neither accepted nor
// been associated with.
type HarnessMaker func(ctx context.Context, t *testing.T) (Harness, error)

// Fixture is what the suite provisions from and who it provisions as.
type Fixture struct {
	// PortfolioID is a portfolio of the admin account, shared with the
	// organization, holding ProductID. The member has not accepted the
	// share nor been associated with it yet.
	PortfolioID string
	// ProductID is the product the suite launches.
	ProductID string
	// ArtifactID is a version that provisions successfully, and slowly
	// enough that the product is still UNDER_CHANGE when ProvisionProduct
	// has just returned (tens of seconds are plenty).
	ArtifactID string
	// FailingArtifactID is a version whose provisioning fails.
	FailingArtifactID string
	// Parameters are the provisioning parameters both versions need.
	Parameters []types.ProvisioningParameter
	// Principal is what the member associates with the portfolio so that
	// its principal sees the product, e.g. the IAM_PATTERN
	// arn:aws:iam:::role/AWSControlTowerExecution Landfall uses.
	Principal Principal
	// NamePrefix starts every provisioned product name and token, so runs
	// sharing an account do not collide.
	NamePrefix string
	// Poll is how long to let pass between two looks at something that
	// changes asynchronously.
	Poll time.Duration
	// Timeout bounds every wait: a record that has not finished by then,
	// or an association that has not propagated, fails the subtest.
	Timeout time.Duration
}

// Principal is a principal association.
type Principal struct {
	// Type is IAM or IAM_PATTERN.
	Type types.PrincipalType
	// ARN is the principal's ARN, or the pattern.
	ARN string
}
