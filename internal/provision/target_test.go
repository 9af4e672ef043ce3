package provision

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// stepPlan is the example plan's two products, plus one pinned to a version
// the scripted catalog marks DEPRECATED.
const stepPlan = `
regions: [us-east-1, us-west-2, us-west-1]
portfolios:
  us-east-1: port-ue1baseline0
  us-west-2: port-uw2baseline0
  us-west-1: port-uw1baseline0
values:
  auditAccountId: "555555555555"
  costCenter: platform
tags:
  managed-by: landfall
  cost-center: "{{ .Values.costCenter }}"
updatePolicy: leave
products:
  - key: baseline-vpc
    product: baseline-vpc
    version: latest
    parameters:
      VpcCidr: "10.{{ octet .Account.ID }}.0.0/16"
      AccountName: "{{ .Account.Name }}"
      Environment: '{{ if inOU .Account "Prod" }}prod{{ else }}dev{{ end }}'
    tags:
      component: network
  - key: security-audit
    product: security-audit
    version: latest
    dependsOn: [baseline-vpc]
    updatePolicy: update
    parameters:
      AuditAccountId: "{{ .Values.auditAccountId }}"
      RetentionDays: "365"
    tags:
      component: security
  - key: pinned-vpc
    product: baseline-vpc
    version: v1.0
`

const (
	testRunID   = "run-1"
	testAccount = "222222222222"
	testRoleARN = "arn:aws:iam::222222222222:role/AWSControlTowerExecution"
	ue1, uw1    = "us-east-1", "us-west-1"
	vpc         = "baseline-vpc"
	audit       = "security-audit"
	pinned      = "pinned-vpc"

	// What the plan renders for account 222222222222 ("Sandbox", not under
	// a Prod OU), keys sorted as sent.
	vpcParams   = "AccountName=Sandbox,Environment=dev,VpcCidr=10.216.0.0/16"
	vpcTags     = "component=network,cost-center=platform,managed-by=landfall"
	auditParams = "AuditAccountId=555555555555,RetentionDays=365"
	auditTags   = "component=security,cost-center=platform,managed-by=landfall"
)

var (
	t0         = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	portfolios = map[string]string{ue1: "port-ue1baseline0", "us-west-2": "port-uw2baseline0", uw1: "port-uw1baseline0"}
	productIDs = map[string]string{vpc: "prod-vpc", audit: "prod-audit", pinned: "prod-vpc"}
	scProducts = map[string]string{vpc: "baseline-vpc", audit: "security-audit", pinned: "baseline-vpc"}
)

func stepTestPlan(t testing.TB) *plan.Plan {
	t.Helper()
	pl, err := plan.Parse([]byte(stepPlan), "step-plan.yaml")
	if err != nil {
		t.Fatalf("parse test plan: %v", err)
	}
	return pl
}

func testRun(trigger runstate.Trigger, targets ...runstate.Target) *runstate.Run {
	return &runstate.Run{
		Schema: runstate.SchemaVersion, ID: testRunID, Trigger: trigger, StartedAt: t0,
		Account: plan.Account{ID: testAccount, Name: "Sandbox", OU: plan.OU{ID: "ou-sandbox", Name: "Sandbox"}},
		Targets: targets,
	}
}

// pendingTarget is a target as a run starts it.
func pendingTarget(region, key string) runstate.Target {
	return runstate.Target{Region: region, Product: key, Status: runstate.Pending}
}

// runningTarget is a target following record rec for version v2.0 (pa-2).
func runningTarget(key, rec string) runstate.Target {
	return runstate.Target{Region: ue1, Product: key, Status: runstate.InProgress, RecordID: rec,
		Version: "v2.0", ArtifactID: "pa-2", ProductID: productIDs[key], ProvisionedProductName: "landfall-" + key}
}

// --- scripted answers ---

func scArtifact(id, name string, day int, g sctypes.ProvisioningArtifactGuidance) sctypes.ProvisioningArtifact {
	return sctypes.ProvisioningArtifact{Id: aws.String(id), Name: aws.String(name), Guidance: g,
		CreatedTime: aws.Time(time.Date(2025, 1, day, 0, 0, 0, 0, time.UTC))}
}

// described is DescribeProduct's answer for key: versions v1.0 (pa-1, older)
// and v2.0 (pa-2, newer), with the given launch paths (by default one
// through each region's planned portfolio).
func described(key string, paths ...sctypes.LaunchPath) *servicecatalog.DescribeProductOutput {
	if paths == nil {
		// One path per region's portfolio: a path's ID is its portfolio's.
		for _, r := range slices.Sorted(maps.Keys(portfolios)) {
			paths = append(paths, sctypes.LaunchPath{Id: aws.String(portfolios[r]), Name: aws.String("Baseline")})
		}
	}
	return &servicecatalog.DescribeProductOutput{
		ProductViewSummary: &sctypes.ProductViewSummary{ProductId: aws.String(productIDs[key]), Name: aws.String(scProducts[key])},
		ProvisioningArtifacts: []sctypes.ProvisioningArtifact{
			scArtifact("pa-1", "v1.0", 1, sctypes.ProvisioningArtifactGuidanceDefault),
			scArtifact("pa-2", "v2.0", 2, sctypes.ProvisioningArtifactGuidanceDefault),
		},
		LaunchPaths: paths,
	}
}

// deprecatedV1 is described(key) with v1.0 deprecated.
func deprecatedV1(key string) *servicecatalog.DescribeProductOutput {
	out := described(key)
	out.ProvisioningArtifacts[0].Guidance = sctypes.ProvisioningArtifactGuidanceDeprecated
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// existingPP is DescribeProvisionedProduct's answer: pp-1 named for key.
func existingPP(key string, status sctypes.ProvisionedProductStatus, artifact, lastRecord, lastSuccess string) *servicecatalog.DescribeProvisionedProductOutput {
	return &servicecatalog.DescribeProvisionedProductOutput{ProvisionedProductDetail: &sctypes.ProvisionedProductDetail{
		Id: aws.String("pp-1"), Name: aws.String("landfall-" + key), Status: status,
		StatusMessage:                      aws.String("status message of pp-1"),
		ProvisioningArtifactId:             aws.String(artifact),
		LastRecordId:                       optional(lastRecord),
		LastSuccessfulProvisioningRecordId: optional(lastSuccess),
	}}
}

func provisionOut(rec, ppID string) *servicecatalog.ProvisionProductOutput {
	return &servicecatalog.ProvisionProductOutput{RecordDetail: &sctypes.RecordDetail{RecordId: aws.String(rec), ProvisionedProductId: aws.String(ppID)}}
}

func updateOut(rec string) *servicecatalog.UpdateProvisionedProductOutput {
	return &servicecatalog.UpdateProvisionedProductOutput{RecordDetail: &sctypes.RecordDetail{RecordId: aws.String(rec), ProvisionedProductId: aws.String("pp-1")}}
}

func terminateOut(rec string) *servicecatalog.TerminateProvisionedProductOutput {
	return &servicecatalog.TerminateProvisionedProductOutput{RecordDetail: &sctypes.RecordDetail{RecordId: aws.String(rec), ProvisionedProductId: aws.String("pp-1")}}
}

func recordOut(rec string, status sctypes.RecordStatus, recordType, artifact string, errs ...sctypes.RecordError) *servicecatalog.DescribeRecordOutput {
	return &servicecatalog.DescribeRecordOutput{RecordDetail: &sctypes.RecordDetail{
		RecordId: aws.String(rec), Status: status, RecordType: aws.String(recordType),
		ProvisioningArtifactId: optional(artifact), ProvisionedProductId: aws.String("pp-1"), RecordErrors: errs,
	}}
}

var (
	ppNotFound      = apiErr("ResourceNotFoundException", "Provisioned product not found")
	productNotFound = apiErr("ResourceNotFoundException", "Product not found")
	throttled       = apiErr("ThrottlingException", "Rate exceeded")
	shareAccepted   = ret(&servicecatalog.AcceptPortfolioShareOutput{})
	roleAssociated  = ret(&servicecatalog.AssociatePrincipalWithPortfolioOutput{})
)

// --- expected calls ---

func dppCall(key string) string { return opDescribePP + " name=landfall-" + key }
func productCall(key string) string {
	return opProduct + " id=" + productIDs[key]
}
func acceptCall(region string) string {
	return opAccept + " portfolio=" + portfolios[region] + " type=AWS_ORGANIZATIONS"
}
func associateCall(region string) string {
	return opAssociate + " portfolio=" + portfolios[region] + " principal=" + testRoleARN + " type=IAM"
}
func recordCall(rec string) string { return opRecord + " id=" + rec }

func renderedFor(key string) (params, tags string) {
	if key == audit {
		return auditParams, auditTags
	}
	return vpcParams, vpcTags
}

// launchCall is the ProvisionProduct of key on artifact through path; the
// token is derived from the run, target and artifact (plus what it replaces).
func launchCall(region, key, artifact, replaces, path string) string {
	params, tags := renderedFor(key)
	return opProvision + " name=landfall-" + key + " product=" + productIDs[key] + " artifact=" + artifact +
		" path=" + path + " token=" + Token("p", testRunID, region, key, artifact+replaces) + " params=" + params + " tags=" + tags
}

// updateCall is the UpdateProvisionedProduct of pp-1 to artifact; tags are never sent.
func updateCall(region, key, artifact string) string {
	params, _ := renderedFor(key)
	return opUpdate + " id=pp-1 product=" + productIDs[key] + " artifact=" + artifact +
		" path=" + portfolios[region] + " token=" + Token("u", testRunID, region, key, artifact) + " params=" + params
}

func terminateCall(region, key string) string {
	return opTerminate + " id=pp-1 token=" + Token("t", testRunID, region, key, "pp-1")
}

// stepCase is one transition of the per-target state machine: one step of
// one target, from start, against a scripted catalog.
type stepCase struct {
	name        string
	trigger     runstate.Trigger // TriggerCreate when empty
	onlyMissing bool
	opened      bool            // an earlier step of the run opened the target's portfolio
	start       runstate.Target // pendingTarget(ue1, vpc) when zero
	replies     []reply         // answers, per operation in call order
	calls       []string        // the exact calls expected, in order
	sleeps      []time.Duration // the in-step waits expected
	want        runstate.Target // compared field by field, except Error and Note
	errorHas    string          // a part of the target's Error; "" wants none
	noteHas     string          // a part of the target's Note; "" wants none
	wantOpened  bool            // the run ends the step with the portfolio opened
	unplaced    string          // the resolver's problem: the product is not in its portfolio
}

func TestTargetStep(t *testing.T) {
	pl := stepTestPlan(t)
	// v2 is what every want below shares: the newest version was chosen.
	v2 := func(tg runstate.Target) runstate.Target {
		tg.Version, tg.ArtifactID = "v2.0", "pa-2"
		if tg.ProductID == "" {
			tg.ProductID = productIDs[tg.Product]
		}
		return tg
	}
	inUE1 := func(key string, status runstate.Status) runstate.Target {
		return runstate.Target{Region: ue1, Product: key, Status: status}
	}
	busy := apiErr("InvalidParametersException", "Provisioned product pp-1 is UNDER_CHANGE and cannot be updated")

	tests := []stepCase{
		// --- pending, nothing provisioned yet ---
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

		// --- pending, a provisioned product with the name exists ---
		{
			name:       "available on the wanted version: already provisioned, no write call",
			replies:    []reply{ret(existingPP(vpc, "AVAILABLE", "pa-2", "rec-0", "rec-0")), ret(described(vpc))},
			calls:      []string{dppCall(vpc), productCall(vpc)},
			want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.AlreadyProvisioned, RecordID: "rec-0", ProvisionedProductID: "pp-1"}),
			wantOpened: false, // an existing product is visible already: no share calls
		},
		{
			name:    "another version, updatePolicy update: updated",
			start:   pendingTarget(ue1, audit),
			replies: []reply{ret(existingPP(audit, "AVAILABLE", "pa-1", "rec-0", "rec-0")), ret(described(audit)), ret(updateOut("rec-u"))},
			calls:   []string{dppCall(audit), productCall(audit), updateCall(ue1, audit, "pa-2")},
			want:    v2(runstate.Target{Region: ue1, Product: audit, Status: runstate.InProgress, RecordID: "rec-u", ProvisionedProductID: "pp-1"}),
			noteHas: "updated from v1.0",
		},
		{
			name:    "another version, updatePolicy leave: outdated",
			replies: []reply{ret(existingPP(vpc, "AVAILABLE", "pa-1", "rec-0", "rec-0")), ret(described(vpc))},
			calls:   []string{dppCall(vpc), productCall(vpc)},
			want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Outdated, ProvisionedProductID: "pp-1"}),
			noteHas: "left on v1.0: the plan wants v2.0 but updatePolicy is leave",
		},
		{
			name:        "another version, updatePolicy update but only missing products asked: outdated",
			trigger:     runstate.TriggerBackfill,
			onlyMissing: true,
			start:       pendingTarget(ue1, audit),
			replies:     []reply{ret(existingPP(audit, "AVAILABLE", "pa-1", "rec-0", "rec-0")), ret(described(audit))},
			calls:       []string{dppCall(audit), productCall(audit)},
			want:        v2(runstate.Target{Region: ue1, Product: audit, Status: runstate.Outdated, ProvisionedProductID: "pp-1"}),
			noteHas:     "left on v1.0: the plan wants v2.0 but the run was asked for missing products only",
		},
		{
			name:    "ERROR and never provisioned, manual run: terminated to provision again",
			trigger: runstate.TriggerManual,
			replies: []reply{ret(existingPP(vpc, "ERROR", "pa-2", "rec-1", "")), ret(described(vpc)), ret(terminateOut("rec-t"))},
			calls:   []string{dppCall(vpc), productCall(vpc), terminateCall(ue1, vpc)},
			want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-t", ProvisionedProductID: "pp-1"}),
			noteHas: "replacing: pp-1 never provisioned (ERROR), so it is terminated and provisioned again",
		},
		{
			name:    "ERROR after a successful launch, manual run: repaired by an update",
			trigger: runstate.TriggerManual,
			replies: []reply{ret(existingPP(vpc, "ERROR", "pa-1", "rec-2", "rec-1")), ret(described(vpc)), ret(updateOut("rec-r"))},
			// The update goes to the wanted version (v2.0) although the
			// product's policy is leave: see the report.
			calls:   []string{dppCall(vpc), productCall(vpc), updateCall(ue1, vpc, "pa-2")},
			want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-r", ProvisionedProductID: "pp-1"}),
			noteHas: "repaired from ERROR",
		},
		{
			name:     "ERROR on an event run: reported, not touched",
			replies:  []reply{ret(existingPP(vpc, "ERROR", "pa-2", "rec-1", "")), ret(described(vpc))},
			calls:    []string{dppCall(vpc), productCall(vpc)},
			want:     v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Failed, ProvisionedProductID: "pp-1"}),
			errorHas: "provisioned product landfall-baseline-vpc (pp-1) exists in status ERROR: status message of pp-1; re-run this target from the console to repair it",
		},
		{
			name:     "TAINTED on an event run: reported, not touched",
			trigger:  runstate.TriggerUpdate,
			start:    pendingTarget(ue1, audit),
			replies:  []reply{ret(existingPP(audit, "TAINTED", "pa-1", "rec-2", "rec-1")), ret(described(audit))},
			calls:    []string{dppCall(audit), productCall(audit)},
			want:     v2(runstate.Target{Region: ue1, Product: audit, Status: runstate.Failed, ProvisionedProductID: "pp-1"}),
			errorHas: "provisioned product landfall-security-audit (pp-1) exists in status TAINTED: status message of pp-1; re-run this target from the console",
		},
		{
			name:    "UNDER_CHANGE with a last record: the change is adopted",
			replies: []reply{ret(existingPP(vpc, "UNDER_CHANGE", "pa-1", "rec-9", "rec-0")), ret(described(vpc))},
			calls:   []string{dppCall(vpc), productCall(vpc)},
			want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-9", ProvisionedProductID: "pp-1"}),
			noteHas: "adopted a change already in progress",
		},
		{
			name:    "a wait that ends in adopting a record: the record gets the whole wait budget",
			start:   runstate.Target{Region: ue1, Product: vpc, Status: runstate.Pending, Waits: 3, WaitingSince: t0.Add(-20 * time.Minute)},
			replies: []reply{ret(existingPP(vpc, "UNDER_CHANGE", "pa-1", "rec-9", "rec-0")), ret(described(vpc))},
			calls:   []string{dppCall(vpc), productCall(vpc)},
			want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-9", ProvisionedProductID: "pp-1", Waits: 3}),
			noteHas: "adopted a change already in progress",
		},
		{
			name:    "UNDER_CHANGE without a record: waiting",
			replies: []reply{ret(existingPP(vpc, "UNDER_CHANGE", "pa-1", "", "rec-0")), ret(described(vpc))},
			calls:   []string{dppCall(vpc), productCall(vpc)},
			want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Pending, ProvisionedProductID: "pp-1", Waits: 1, WaitingSince: t0}),
			noteHas: "waiting: provisioned product is UNDER_CHANGE",
		},
		{
			name:    "PLAN_IN_PROGRESS: waiting, its old record never adopted",
			trigger: runstate.TriggerManual,
			replies: []reply{ret(existingPP(vpc, "PLAN_IN_PROGRESS", "pa-1", "rec-old", "rec-old")), ret(described(vpc))},
			calls:   []string{dppCall(vpc), productCall(vpc)},
			want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Pending, ProvisionedProductID: "pp-1", Waits: 1, WaitingSince: t0}),
			noteHas: "waiting: provisioned product is PLAN_IN_PROGRESS: a provisioned-product plan is pending; execute or delete it",
		},
		{
			// Characterises current behaviour (see the report): the wait for
			// a human to execute a plan shares the visibility deadline, and the
			// failure speaks of shares.
			name:     "PLAN_IN_PROGRESS past the visibility deadline: failed",
			start:    runstate.Target{Region: ue1, Product: vpc, Status: runstate.Pending, Waits: 9, WaitingSince: t0.Add(-30 * time.Minute)},
			replies:  []reply{ret(existingPP(vpc, "PLAN_IN_PROGRESS", "pa-1", "rec-old", "rec-old")), ret(described(vpc))},
			calls:    []string{dppCall(vpc), productCall(vpc)},
			want:     v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Failed, ProvisionedProductID: "pp-1", Waits: 10, WaitingSince: t0.Add(-30 * time.Minute)}),
			errorHas: "provisioned product is PLAN_IN_PROGRESS: a provisioned-product plan is pending; execute or delete it, still after 30m0s: check the plan's product and portfolio for us-east-1",
		},
		{
			name:     "unknown provisioned product status: failed",
			replies:  []reply{ret(existingPP(vpc, "SOMETHING_NEW", "pa-2", "rec-1", "rec-1")), ret(described(vpc))},
			calls:    []string{dppCall(vpc), productCall(vpc)},
			want:     v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Failed, ProvisionedProductID: "pp-1"}),
			errorHas: `provisioned product landfall-baseline-vpc is in unexpected status "SOMETHING_NEW"`,
		},

		// --- races with another run (a duplicate event) ---
		{
			name: "name clash on ProvisionProduct: the other run's product is adopted",
			replies: []reply{
				fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated, ret(described(vpc)),
				fails(opProvision, apiErr("InvalidParametersException", "A stack named landfall-baseline-vpc already exists.")),
				ret(existingPP(vpc, "UNDER_CHANGE", "pa-2", "rec-other", "")),
			},
			calls: []string{dppCall(vpc), acceptCall(ue1), associateCall(ue1), productCall(vpc),
				launchCall(ue1, vpc, "pa-2", "", portfolios[ue1]), dppCall(vpc)},
			want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-other", ProvisionedProductID: "pp-1"}),
			noteHas:    "adopted a change already in progress",
			wantOpened: true,
		},
		{
			name:   "duplicate name, the other run already finished: already provisioned",
			opened: true,
			replies: []reply{
				fails(opDescribePP, ppNotFound), ret(described(vpc)),
				fails(opProvision, apiErr("DuplicateResourceException", "landfall-baseline-vpc exists")),
				ret(existingPP(vpc, "AVAILABLE", "pa-2", "rec-other", "rec-other")),
			},
			calls:      []string{dppCall(vpc), productCall(vpc), launchCall(ue1, vpc, "pa-2", "", portfolios[ue1]), dppCall(vpc)},
			want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.AlreadyProvisioned, RecordID: "rec-other", ProvisionedProductID: "pp-1"}),
			wantOpened: true,
		},
		{
			name:  "update refused as UNDER_CHANGE: the concurrent change is adopted",
			start: pendingTarget(ue1, audit),
			replies: []reply{
				ret(existingPP(audit, "AVAILABLE", "pa-1", "rec-0", "rec-0")), ret(described(audit)),
				fails(opUpdate, busy),
				ret(existingPP(audit, "UNDER_CHANGE", "pa-1", "rec-other", "rec-0")),
			},
			calls:   []string{dppCall(audit), productCall(audit), updateCall(ue1, audit, "pa-2"), dppCall(audit)},
			want:    v2(runstate.Target{Region: ue1, Product: audit, Status: runstate.InProgress, RecordID: "rec-other", ProvisionedProductID: "pp-1"}),
			noteHas: "adopted a change another run started first",
		},
		{
			name:  "update refused for another reason: failed with AWS's message",
			start: pendingTarget(ue1, audit),
			replies: []reply{
				ret(existingPP(audit, "AVAILABLE", "pa-1", "rec-0", "rec-0")), ret(described(audit)),
				fails(opUpdate, apiErr("InvalidParametersException", "Parameter RetentionDays must be one of 30, 90")),
				ret(existingPP(audit, "AVAILABLE", "pa-1", "rec-0", "rec-0")),
			},
			calls:    []string{dppCall(audit), productCall(audit), updateCall(ue1, audit, "pa-2"), dppCall(audit)},
			want:     v2(runstate.Target{Region: ue1, Product: audit, Status: runstate.Failed, ProvisionedProductID: "pp-1"}),
			errorHas: "update landfall-security-audit: InvalidParametersException: Parameter RetentionDays must be one of 30, 90",
		},
		{
			name:    "termination refused as UNDER_CHANGE: the concurrent change is adopted",
			trigger: runstate.TriggerManual,
			replies: []reply{
				ret(existingPP(vpc, "ERROR", "pa-2", "rec-1", "")), ret(described(vpc)),
				fails(opTerminate, busy),
				ret(existingPP(vpc, "UNDER_CHANGE", "pa-2", "rec-other", "")),
			},
			calls:   []string{dppCall(vpc), productCall(vpc), terminateCall(ue1, vpc), dppCall(vpc)},
			want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-other", ProvisionedProductID: "pp-1"}),
			noteHas: "adopted a change another run started first",
		},

		// --- errors ---
		{
			name:    "throttled look-up: stays pending, retrying",
			replies: []reply{fails(opDescribePP, throttled)},
			calls:   []string{dppCall(vpc)},
			want:    inUE1(vpc, runstate.Pending),
			noteHas: "retrying: look up provisioned product landfall-baseline-vpc: ThrottlingException: Rate exceeded",
		},
		{
			name:    "throttled launch: stays pending, retrying, nothing waited for",
			opened:  true,
			replies: []reply{fails(opDescribePP, ppNotFound), ret(described(vpc)), fails(opProvision, throttled)},
			calls:   []string{dppCall(vpc), productCall(vpc), launchCall(ue1, vpc, "pa-2", "", portfolios[ue1])},
			want:    v2(inUE1(vpc, runstate.Pending)),
			noteHas: "retrying: provision landfall-baseline-vpc: ThrottlingException: Rate exceeded",
			// Throttling is no propagation wait: Waits stays 0.
			wantOpened: true,
		},
		{
			name:     "region unusable (UnrecognizedClientException): failed naming the region",
			start:    pendingTarget(uw1, vpc),
			replies:  []reply{fails(opDescribePP, apiErr("UnrecognizedClientException", "The security token included in the request is invalid."))},
			calls:    []string{dppCall(vpc)},
			want:     runstate.Target{Region: uw1, Product: vpc, Status: runstate.Failed},
			errorHas: "look up provisioned product landfall-baseline-vpc: region us-west-1 is not usable by account 222222222222 (UnrecognizedClientException: The security token included in the request is invalid.); enable the opt-in region for the account or remove it from the plan",
		},
		{
			name:  "region unusable (OptInRequired) on associate: failed naming the region",
			start: pendingTarget(uw1, vpc),
			replies: []reply{
				fails(opDescribePP, ppNotFound),
				fails(opAccept, apiErr("OptInRequired", "The account is not opted in to us-west-1.")),
				fails(opAssociate, apiErr("OptInRequired", "The account is not opted in to us-west-1.")),
			},
			calls:    []string{dppCall(vpc), acceptCall(uw1), associateCall(uw1)},
			want:     runstate.Target{Region: uw1, Product: vpc, Status: runstate.Failed},
			errorHas: "associate role with portfolio port-uw1baseline0: region us-west-1 is not usable by account 222222222222 (OptInRequired: The account is not opted in to us-west-1.)",
		},

		// --- in progress: polling the record ---
		{
			name:    "record SUCCEEDED: succeeded",
			start:   runningTarget(vpc, "rec-1"),
			replies: []reply{ret(recordOut("rec-1", "SUCCEEDED", "PROVISION_PRODUCT", "pa-2"))},
			calls:   []string{recordCall("rec-1")},
			want:    withPP(runningTarget(vpc, "rec-1"), runstate.Succeeded, "pp-1"),
		},
		{
			name: "record still IN_PROGRESS: in progress, any record wait over",
			start: func() runstate.Target {
				tg := runningTarget(vpc, "rec-1")
				tg.WaitingSince = t0.Add(-time.Minute)
				return tg
			}(),
			replies: []reply{
				ret(recordOut("rec-1", "IN_PROGRESS", "PROVISION_PRODUCT", "pa-2")),
			},
			calls: []string{recordCall("rec-1")},
			want:  withPP(runningTarget(vpc, "rec-1"), runstate.InProgress, "pp-1"),
		},
		{
			name:  "record FAILED: failed with the record errors joined",
			start: runningTarget(vpc, "rec-1"),
			replies: []reply{ret(recordOut("rec-1", "FAILED", "PROVISION_PRODUCT", "pa-2",
				sctypes.RecordError{Code: aws.String("ValidationError"), Description: aws.String("Parameter VpcCidr is invalid")},
				sctypes.RecordError{Code: aws.String("CREATE_FAILED"), Description: aws.String("The following resource(s) failed to create: [Vpc].")},
			))},
			calls:    []string{recordCall("rec-1")},
			want:     withPP(runningTarget(vpc, "rec-1"), runstate.Failed, "pp-1"),
			errorHas: "ValidationError: Parameter VpcCidr is invalid; CREATE_FAILED: The following resource(s) failed to create: [Vpc].",
		},
		{
			name:     "record FAILED without errors: failed, saying so",
			start:    runningTarget(vpc, "rec-1"),
			replies:  []reply{ret(recordOut("rec-1", "FAILED", "PROVISION_PRODUCT", "pa-2"))},
			calls:    []string{recordCall("rec-1")},
			want:     withPP(runningTarget(vpc, "rec-1"), runstate.Failed, "pp-1"),
			errorHas: "record rec-1 FAILED without details",
		},
		{
			name:  "termination record SUCCEEDED: pending again, replacing it",
			start: withPP(runningTarget(vpc, "rec-t"), runstate.InProgress, "pp-1"),
			replies: []reply{
				ret(recordOut("rec-t", "SUCCEEDED", recordTerminate, "pa-2")),
			},
			calls: []string{recordCall("rec-t")},
			want: func() runstate.Target {
				tg := runningTarget(vpc, "")
				tg.Status, tg.Replaces = runstate.Pending, "/pp-1"
				return tg
			}(),
			noteHas: "the previous provisioned product was terminated; provisioning again",
		},
		{
			name:  "termination record FAILED: failed, telling the operator to terminate it",
			start: withPP(runningTarget(vpc, "rec-t"), runstate.InProgress, "pp-1"),
			replies: []reply{ret(recordOut("rec-t", "FAILED", recordTerminate, "pa-2",
				sctypes.RecordError{Code: aws.String("DELETE_FAILED"), Description: aws.String("Bucket not empty")}))},
			calls:    []string{recordCall("rec-t")},
			want:     withPP(runningTarget(vpc, "rec-t"), runstate.Failed, "pp-1"),
			errorHas: "terminating the failed product before provisioning it again failed: DELETE_FAILED: Bucket not empty; terminate it in the Service Catalog console, then re-run",
		},
		{
			name:    "adopted record ended on another version: pending, checked against the plan again",
			start:   runningTarget(vpc, "rec-9"),
			replies: []reply{ret(recordOut("rec-9", "SUCCEEDED", "UPDATE_PROVISIONED_PRODUCT", "pa-1"))},
			calls:   []string{recordCall("rec-9")},
			want: func() runstate.Target {
				tg := runningTarget(vpc, "")
				tg.Status, tg.ProvisionedProductID = runstate.Pending, "pp-1"
				return tg
			}(),
			noteHas: "an adopted change ended on another version; checking against the plan again",
		},
		{
			name:    "record not found yet: waiting for it",
			start:   runningTarget(vpc, "rec-1"),
			replies: []reply{fails(opRecord, apiErr("ResourceNotFoundException", "Record rec-1 not found"))},
			calls:   []string{recordCall("rec-1")},
			want:    func() runstate.Target { tg := runningTarget(vpc, "rec-1"); tg.WaitingSince = t0; return tg }(),
			noteHas: "waiting: record rec-1 not found yet",
		},
		{
			name: "record still not found after the deadline: failed",
			start: func() runstate.Target {
				tg := runningTarget(vpc, "rec-1")
				tg.WaitingSince = t0.Add(-30 * time.Minute)
				return tg
			}(),
			replies: []reply{fails(opRecord, apiErr("ResourceNotFoundException", "Record rec-1 not found"))},
			calls:   []string{recordCall("rec-1")},
			want: func() runstate.Target {
				tg := runningTarget(vpc, "rec-1")
				tg.Status, tg.WaitingSince = runstate.Failed, t0.Add(-30*time.Minute)
				return tg
			}(),
			errorHas: "describe record rec-1: ResourceNotFoundException: Record rec-1 not found",
		},
		{
			name:    "record read throttled: in progress, checked again next step",
			start:   runningTarget(vpc, "rec-1"),
			replies: []reply{fails(opRecord, throttled)},
			calls:   []string{recordCall("rec-1")},
			want:    runningTarget(vpc, "rec-1"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := tc.start
			if start.Product == "" {
				start = pendingTarget(ue1, vpc)
			}
			trigger := tc.trigger
			if trigger == "" {
				trigger = runstate.TriggerCreate
			}
			run := testRun(trigger, start)
			run.OnlyMissing = tc.onlyMissing
			key := gateKey(start.Region, portfolios[start.Region], testRoleARN)
			if tc.opened {
				run.Opened = []string{key}
			}
			clock := &fakeClock{now: t0}
			var ids ProductIDs = staticIDs(productIDs)
			if tc.unplaced != "" {
				ids = unplaced(tc.unplaced)
			}
			e := &Engine{Plan: pl, Products: ids, Now: clock.Now, Sleep: clock.Sleep}
			cat := newScripted(t, tc.replies...)

			e.step(run, &run.Targets[0], testRoleARN, cat, &gates{m: make(map[string]*gate), run: run}).advance(t.Context())

			cat.verify()
			if got := cat.Calls(); !slices.Equal(got, tc.calls) {
				t.Errorf("calls:\n  got  %s\n  want %s", strings.Join(got, "\n       "), strings.Join(tc.calls, "\n       "))
			}
			if got := clock.Sleeps(); !slices.Equal(got, tc.sleeps) {
				t.Errorf("slept %v, want %v", got, tc.sleeps)
			}
			want := tc.want
			if want.ProvisionedProductName == "" {
				want.ProvisionedProductName = "landfall-" + want.Product
			}
			checkTarget(t, &run.Targets[0], want, tc.errorHas, tc.noteHas)
			if got := slices.Contains(run.Opened, key); got != tc.wantOpened || len(run.Opened) > 1 {
				t.Errorf("run.Opened = %q, want the portfolio opened: %v", run.Opened, tc.wantOpened)
			}
		})
	}
}

// withPP is tg in status with provisioned product id.
func withPP(tg runstate.Target, status runstate.Status, id string) runstate.Target {
	tg.Status, tg.ProvisionedProductID = status, id
	return tg
}

// checkTarget compares every field of got with want but Error and Note, which
// must contain errorHas and noteHas (and be empty when those are).
func checkTarget(t *testing.T, got *runstate.Target, want runstate.Target, errorHas, noteHas string) {
	t.Helper()
	g, w := reflect.ValueOf(*got), reflect.ValueOf(want)
	for i := range g.NumField() {
		name := g.Type().Field(i).Name
		if name == "Error" || name == "Note" {
			continue
		}
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			t.Errorf("target %s = %v, want %v", name, g.Field(i).Interface(), w.Field(i).Interface())
		}
	}
	contains := func(field, got, part string) {
		if (part == "" && got != "") || !strings.Contains(got, part) {
			t.Errorf("target %s = %q, want it to contain %q", field, got, part)
		}
	}
	contains("Error", got.Error, errorHas)
	contains("Note", got.Note, noteHas)
}
