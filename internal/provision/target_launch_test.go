package provision

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/runstate"
)

// launchCases: new products: launching, and waiting for a portfolio to open.
var launchCases = []stepCase{
	{
		name: "new product: share accepted, role associated, product described, provisioned",
		replies: []reply{
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated,
			ret(described(vpc)), ret(provisionOut("rec-1", "pp-1")),
		},
		calls: []string{dppCall(vpc), acceptCall(ue1), associateCall(ue1), productCall(vpc),
			launchCall(ue1, vpc, "pa-2", "", portfolios[ue1])},
		want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-1", ProvisionedProductID: "pp-1"}),
		wantOpened: true,
	},
	{
		name: "a refused share accept is not fatal: the product look-up decides",
		replies: []reply{
			fails(opDescribePP, ppNotFound),
			fails(opAccept, apiErr("ResourceNotFoundException", "Portfolio not found")), roleAssociated,
			ret(described(vpc)), ret(provisionOut("rec-1", "pp-1")),
		},
		calls: []string{dppCall(vpc), acceptCall(ue1), associateCall(ue1), productCall(vpc),
			launchCall(ue1, vpc, "pa-2", "", portfolios[ue1])},
		want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-1", ProvisionedProductID: "pp-1"}),
		wantOpened: true,
	},
	{
		name: "product not visible yet: bounded in-step backoff, then deferred",
		replies: []reply{
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated,
			fails(opProduct, productNotFound), fails(opProduct, productNotFound),
			fails(opProduct, productNotFound), fails(opProduct, productNotFound),
		},
		calls: []string{dppCall(vpc), acceptCall(ue1), associateCall(ue1),
			productCall(vpc), productCall(vpc), productCall(vpc), productCall(vpc)},
		sleeps:  []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
		want:    runstate.Target{Region: ue1, Product: vpc, Status: runstate.Pending, Waits: 1, WaitingSince: t0.Add(7 * time.Second)},
		noteHas: "waiting: find product baseline-vpc in portfolio port-ue1baseline0: ResourceNotFoundException: Product not found",
		// The association may have gone: the next step opens the portfolio again.
		wantOpened: false,
	},
	{
		name:   "product still not visible after the visibility deadline: failed",
		opened: true,
		start:  runstate.Target{Region: ue1, Product: vpc, Status: runstate.Pending, Waits: 3, WaitingSince: t0.Add(-31 * time.Minute), Note: "waiting: ..."},
		replies: []reply{
			fails(opDescribePP, ppNotFound),
			fails(opProduct, productNotFound), fails(opProduct, productNotFound),
			fails(opProduct, productNotFound), fails(opProduct, productNotFound),
		},
		calls:    []string{dppCall(vpc), productCall(vpc), productCall(vpc), productCall(vpc), productCall(vpc)},
		sleeps:   []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
		want:     runstate.Target{Region: ue1, Product: vpc, Status: runstate.Failed, Waits: 4, WaitingSince: t0.Add(-31 * time.Minute)},
		errorHas: "find product baseline-vpc in portfolio port-ue1baseline0: ResourceNotFoundException: Product not found, still after 30m0s: check the plan's product and portfolio for us-east-1 and that the portfolio is shared with the organization",
	},
	{
		// A member account's administrator can add the shared product to a
		// local portfolio of the same name, with constraints of their own.
		name: "several launch paths: the plan's portfolio is taken, never a look-alike of the same name",
		replies: []reply{
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated,
			ret(described(vpc,
				sctypes.LaunchPath{Id: aws.String("port-l0calbase01"), Name: aws.String("Baseline")},
				sctypes.LaunchPath{Id: aws.String("port-ue1baseline0"), Name: aws.String("Baseline")})),
			ret(provisionOut("rec-1", "pp-1")),
		},
		calls:      []string{dppCall(vpc), acceptCall(ue1), associateCall(ue1), productCall(vpc), launchCall(ue1, vpc, "pa-2", "", "port-ue1baseline0")},
		want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-1", ProvisionedProductID: "pp-1"}),
		wantOpened: true,
	},
	{
		name:   "no launch path through the plan's portfolio: failed at once, naming the paths there were",
		opened: true,
		replies: []reply{
			fails(opDescribePP, ppNotFound),
			ret(described(vpc,
				sctypes.LaunchPath{Id: aws.String("port-teama00001"), Name: aws.String("Team A")},
				sctypes.LaunchPath{Id: aws.String("port-l0calbase01"), Name: aws.String("Baseline")})),
		},
		calls:      []string{dppCall(vpc), productCall(vpc)},
		want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Failed}),
		errorHas:   `product prod-vpc has no launch path through the plan's portfolio port-ue1baseline0 for ` + testRoleARN + ` in us-east-1 (paths: port-teama00001 ("Team A"), port-l0calbase01 ("Baseline"))`,
		wantOpened: true,
	},
	{
		name:     "a product the resolver cannot place in the plan's portfolio: failed at once, nothing called",
		start:    pendingTarget(ue1, pinned),
		unplaced: "product baseline-vpc is not in portfolio port-ue1baseline0 in us-east-1",
		calls:    []string{},
		want:     runstate.Target{Region: ue1, Product: pinned, Status: runstate.Failed, ProvisionedProductName: "landfall-" + pinned},
		errorHas: "is not in portfolio",
	},
	{
		name:   "pinned deprecated version: failed with the DEPRECATED message, no write call",
		opened: true,
		start:  pendingTarget(ue1, pinned),
		replies: []reply{
			fails(opDescribePP, ppNotFound), ret(deprecatedV1(pinned)),
		},
		calls:      []string{dppCall(pinned), productCall(pinned)},
		want:       inUE1(pinned, runstate.Failed),
		errorHas:   "version v1.0 of baseline-vpc is DEPRECATED in us-east-1 and cannot be provisioned: pin another version (available: v2.0) or use latest",
		wantOpened: true,
	},
	{
		name:       "pinned deprecated version already running it: kept as it is",
		opened:     true,
		start:      pendingTarget(ue1, pinned),
		replies:    []reply{ret(existingPP(pinned, "AVAILABLE", "pa-1", "rec-0", "rec-0")), ret(deprecatedV1(pinned))},
		calls:      []string{dppCall(pinned), productCall(pinned)},
		want:       runstate.Target{Region: ue1, Product: pinned, Status: runstate.AlreadyProvisioned, Version: "v1.0", ArtifactID: "pa-1", ProductID: "prod-vpc", ProvisionedProductID: "pp-1", RecordID: "rec-0"},
		wantOpened: true,
	},
	{
		name:   "after a replacement the launch token differs from the failed launch's",
		opened: true,
		start:  runstate.Target{Region: ue1, Product: vpc, Status: runstate.Pending, Replaces: "/pp-1", Note: "the previous provisioned product was terminated; provisioning again"},
		replies: []reply{
			fails(opDescribePP, ppNotFound), ret(described(vpc)), ret(provisionOut("rec-2", "pp-2")),
		},
		calls:      []string{dppCall(vpc), productCall(vpc), launchCall(ue1, vpc, "pa-2", "/pp-1", portfolios[ue1])},
		want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-2", ProvisionedProductID: "pp-2", Replaces: "/pp-1"}),
		noteHas:    "replaces pp-1, which never provisioned and was terminated",
		wantOpened: true,
	},
}
