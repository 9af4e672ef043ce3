package preflight

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/plan"
	// Imported by this test only: preflight itself must not link the
	// provisioning engine into the launch function.
	"github.com/landfall/landfall/internal/provision"
)

// TestLaunchableAgreesWithWanted keeps preflight's copy of the version rule
// in step with the one runs use: for a product not provisioned yet,
// launchable and provision.Wanted (given the versions an end user sees, the
// active ones) pick the same version or refuse for the same reason.
func TestLaunchableAgreesWithWanted(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 5))
	names := []string{"v1", "v2", "v3"}
	for n := range 3000 {
		var arts []sctypes.ProvisioningArtifactDetail
		for j := range rng.IntN(5) {
			g := sctypes.ProvisioningArtifactGuidanceDefault
			if rng.IntN(3) == 0 {
				g = sctypes.ProvisioningArtifactGuidanceDeprecated
			}
			arts = append(arts, sctypes.ProvisioningArtifactDetail{
				Id:   aws.String(fmt.Sprintf("pa-%d", j)),
				Name: aws.String(names[rng.IntN(len(names))]), // names may repeat
				// Few distinct times, so that ties happen.
				CreatedTime: aws.Time(time.Date(2025, 1, 1+rng.IntN(3), 0, 0, 0, 0, time.UTC)),
				Active:      aws.Bool(rng.IntN(4) != 0),
				Guidance:    g,
			})
		}
		version := []string{"latest", "v1", "v2", "v9", "pa-0", "pa-1", "pa-7"}[rng.IntN(7)]
		p := versionProduct(t, version)

		got, fault := launchable(p, arts)
		var seen []sctypes.ProvisioningArtifact
		for _, a := range arts {
			if isActive(a) {
				seen = append(seen, sctypes.ProvisioningArtifact{Id: a.Id, Name: a.Name, CreatedTime: a.CreatedTime, Guidance: a.Guidance})
			}
		}
		want, err := provision.Wanted(p, "us-east-1", nil, seen)

		var ve *provision.VersionError
		var wantFault versionFault
		switch {
		case err == nil:
			wantFault = versionOK
		case !errors.As(err, &ve):
			t.Fatalf("case %d: Wanted: %v", n, err)
		case ve.Problem == provision.NoActiveVersion:
			wantFault = versionNoneUsable
		case ve.Problem == provision.VersionDeprecated:
			wantFault = versionDeprecated
		case ve.Problem == provision.VersionMissing:
			// An end user cannot tell inactive from missing; the administrator can.
			wantFault = versionMissing
			if fault == versionInactive {
				wantFault = versionInactive
			}
		}
		if fault != wantFault {
			t.Fatalf("case %d, version %s, %s: launchable says %d, Wanted %v", n, version, describeArts(arts), fault, err)
		}
		if fault == versionOK && aws.ToString(got.Id) != aws.ToString(want.Id) {
			t.Fatalf("case %d, version %s, %s: launchable picks %s, Wanted %s", n, version, describeArts(arts), aws.ToString(got.Id), aws.ToString(want.Id))
		}
	}
}

func versionProduct(t *testing.T, version string) *plan.Product {
	t.Helper()
	pl, err := plan.Parse(fmt.Appendf(nil, "regions: [us-east-1]\nportfolios: {us-east-1: port-a}\nproducts: [{key: a, product: a, version: %q}]\n", version), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return pl.Products[0]
}

func describeArts(arts []sctypes.ProvisioningArtifactDetail) string {
	s := "versions:"
	for _, a := range arts {
		s += fmt.Sprintf(" %s/%s/%s/active=%v/%s", aws.ToString(a.Id), aws.ToString(a.Name), aws.ToTime(a.CreatedTime).Format(time.DateOnly), aws.ToBool(a.Active), a.Guidance)
	}
	return s
}

func TestLaunchable(t *testing.T) {
	arts := []sctypes.ProvisioningArtifactDetail{
		{Id: aws.String("pa-old"), Name: aws.String("v1"), CreatedTime: aws.Time(day("2024-01-01")), Active: aws.Bool(true)},
		{Id: aws.String("pa-new"), Name: aws.String("v2"), CreatedTime: aws.Time(day("2025-01-01")), Active: aws.Bool(true)},
		{Id: aws.String("pa-dep"), Name: aws.String("v3"), CreatedTime: aws.Time(day("2025-02-01")), Active: aws.Bool(true), Guidance: sctypes.ProvisioningArtifactGuidanceDeprecated},
		{Id: aws.String("pa-off"), Name: aws.String("v4"), CreatedTime: aws.Time(day("2025-03-01")), Active: aws.Bool(false)},
	}
	for _, tt := range []struct {
		version string
		id      string
		fault   versionFault
	}{
		{"latest", "pa-new", versionOK},
		{"v1", "pa-old", versionOK},
		{"pa-old", "pa-old", versionOK},
		{"v3", "pa-dep", versionDeprecated},
		{"v4", "pa-off", versionInactive},
		{"v5", "", versionMissing},
	} {
		a, fault := launchable(versionProduct(t, tt.version), arts)
		if fault != tt.fault || aws.ToString(a.Id) != tt.id {
			t.Errorf("%s: %q, %d; want %q, %d", tt.version, aws.ToString(a.Id), fault, tt.id, tt.fault)
		}
	}
	if _, fault := launchable(versionProduct(t, "latest"), arts[2:]); fault != versionNoneUsable {
		t.Errorf("latest among deprecated and inactive: %d", fault)
	}
}

// A CatalogCheck names products for the provisioning engine and the status
// reporter.
var _ provision.ProductIDs = (*CatalogCheck)(nil)
