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
	vpcTags     = "component=network,cost-center=platform,landfall:product=baseline-vpc,managed-by=landfall"
	auditParams = "AuditAccountId=555555555555,RetentionDays=365"
	auditTags   = "component=security,cost-center=platform,landfall:product=security-audit,managed-by=landfall"
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

// TestTargetStep runs one step of one target per case, with the case's
// scripted answers, and checks the target and the exact calls made.
func TestTargetStep(t *testing.T) {
	pl := stepTestPlan(t)
	for _, cases := range [][]stepCase{launchCases, existingCases, raceCases, errorCases, pollCases} {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) { runStepCase(t, pl, tc) })
		}
	}
}

func runStepCase(t *testing.T, pl *plan.Plan, tc stepCase) {
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
}

// v2 is what most cases want: the newest version was chosen.
func v2(tg runstate.Target) runstate.Target {
	tg.Version, tg.ArtifactID = "v2.0", "pa-2"
	if tg.ProductID == "" {
		tg.ProductID = productIDs[tg.Product]
	}
	return tg
}

func inUE1(key string, status runstate.Status) runstate.Target {
	return runstate.Target{Region: ue1, Product: key, Status: status}
}

// busy is AWS's refusal of a change to a product UNDER_CHANGE.
var busy = apiErr("InvalidParametersException", "Provisioned product pp-1 is UNDER_CHANGE and cannot be updated")

// withPP is tg in status with provisioned product id.
func withPP(tg runstate.Target, status runstate.Status, id string) runstate.Target {
	tg.Status, tg.ProvisionedProductID = status, id
	return tg
}

// checkTarget compares every field of got with want but Error and Note, which
// must contain errorHas and noteHas (and be empty when those are), and the
// record schedule (RecordStarted, NextCheck), which schedule_test.go checks.
func checkTarget(t *testing.T, got *runstate.Target, want runstate.Target, errorHas, noteHas string) {
	t.Helper()
	g, w := reflect.ValueOf(*got), reflect.ValueOf(want)
	for i := range g.NumField() {
		name := g.Type().Field(i).Name
		if name == "Error" || name == "Note" || name == "RecordStarted" || name == "NextCheck" {
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
