package conformance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/conformance"
)

// The emulator side of the suite: the default world's organization, with a
// catalog made for the suite, and the member account's
// AWSControlTowerExecution role as the member principal, as Landfall's
// worker uses it.
const (
	emuRegion    = "us-east-1"
	emuMember    = "222222222222"
	emuPortfolio = "port-ue1conform0"
	emuProduct   = "prod-ue1conform0"
	emuOK        = "pa-ue1conformok"
	emuFailing   = "pa-ue1conformko"
)

func TestEmulator(t *testing.T) {
	conformance.RunServiceCatalog(t, newEmulatorHarness)
}

// emulator is a Harness on a fresh in-process localaws.Cloud.
type emulator struct {
	admin, member *servicecatalog.Client
	clock         *clock.Manual
}

func newEmulatorHarness(_ context.Context, t *testing.T) (conformance.Harness, error) {
	w, err := localaws.DefaultWorld()
	if err != nil {
		return nil, err
	}
	w.Catalog = suiteCatalog(w.Start)
	cloud, err := localaws.New(w, localaws.Options{})
	if err != nil {
		return nil, err
	}
	clk, ok := cloud.ManualClock()
	if !ok {
		return nil, errors.New("the emulator clock is not a manual one")
	}
	t.Logf("emulator: world starting %s, member %s", w.Start.Format(time.RFC3339), emuMember)
	role := "arn:aws:iam::" + emuMember + ":role/AWSControlTowerExecution"
	assume := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cloud.Config(emuRegion, nil)), role,
		func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "landfall-conformance" })
	return &emulator{
		admin:  servicecatalog.NewFromConfig(cloud.Config(emuRegion, nil)),
		member: servicecatalog.NewFromConfig(cloud.Config(emuRegion, aws.NewCredentialsCache(assume))),
		clock:  clk,
	}, nil
}

// suiteCatalog is one portfolio shared with the organization holding one
// product with a version that succeeds in three minutes and one that fails.
func suiteCatalog(start time.Time) catalog.Spec {
	params := []catalog.ParameterSpec{{Key: "Environment", Default: aws.String("dev"), AllowedValues: []string{"dev", "prod"}}}
	return catalog.Spec{Regions: []catalog.RegionSpec{{
		Region: emuRegion,
		Portfolios: []catalog.PortfolioSpec{{
			ID: emuPortfolio, Name: "Conformance", ProviderName: "Landfall", Created: start,
			Shares: []string{"organization"}, Products: []string{emuProduct},
		}},
		Products: []catalog.ProductSpec{{
			ID: emuProduct, Name: "conformance", Owner: "Landfall",
			Artifacts: []catalog.ArtifactSpec{
				{ID: emuOK, Name: "ok", Created: start, Parameters: params,
					Provisioning: catalog.ProvisioningSpec{Duration: 3 * time.Minute}},
				{ID: emuFailing, Name: "broken", Created: start, Parameters: params,
					Provisioning: catalog.ProvisioningSpec{Duration: 2 * time.Minute, Outcome: "FAILED", Error: "Resource creation cancelled"}},
			},
		}},
	}}}
}

// Admin, Member and Close implement conformance.Harness; the Cloud needs no
// closing, it lives in memory.
func (e *emulator) Admin() *servicecatalog.Client  { return e.admin }
func (e *emulator) Member() *servicecatalog.Client { return e.member }
func (e *emulator) Close()                         {}

// Fixture is the suite's catalog, and Landfall's principal pattern. Polling
// every 20 emulated seconds shows each record state on the way.
func (e *emulator) Fixture() conformance.Fixture {
	return conformance.Fixture{
		PortfolioID: emuPortfolio, ProductID: emuProduct, ArtifactID: emuOK, FailingArtifactID: emuFailing,
		Parameters: []types.ProvisioningParameter{{Key: aws.String("Environment"), Value: aws.String("prod")}},
		Principal:  conformance.Principal{Type: types.PrincipalTypeIamPattern, ARN: "arn:aws:iam:::role/AWSControlTowerExecution"},
		NamePrefix: "conformance", Poll: 20 * time.Second, Timeout: time.Hour,
	}
}

// Advance moves the emulator clock: records finish without sleeping.
func (e *emulator) Advance(_ context.Context, d time.Duration) error {
	e.clock.Advance(d)
	return nil
}
