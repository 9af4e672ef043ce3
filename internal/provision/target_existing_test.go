package provision

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"

	"github.com/landfall/landfall/internal/runstate"
)

// withToken is out with the idempotency token Service Catalog reports for it.
func withToken(out *servicecatalog.DescribeProvisionedProductOutput, token string) *servicecatalog.DescribeProvisionedProductOutput {
	out.ProvisionedProductDetail.IdempotencyToken = aws.String(token)
	return out
}

// existingCases: a provisioned product with the name already exists.
var existingCases = []stepCase{
	{
		name:       "available on the wanted version: already provisioned, no write call",
		replies:    []reply{ret(existingPP(vpc, "AVAILABLE", "pa-2", "rec-0", "rec-0")), ret(described(vpc))},
		calls:      []string{dppCall(vpc), productCall(vpc)},
		want:       v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.AlreadyProvisioned, RecordID: "rec-0", ProvisionedProductID: "pp-1"}),
		wantOpened: false, // an existing product is visible already: no share calls
	},
	{
		// A redelivered message replays the step that launched it.
		name:    "available on the wanted version, launched by this run: succeeded with its record",
		replies: []reply{ret(withToken(existingPP(vpc, "AVAILABLE", "pa-2", "rec-0", "rec-0"), Token("p", testRunID, ue1, vpc, "pa-2"))), ret(described(vpc))},
		calls:   []string{dppCall(vpc), productCall(vpc)},
		want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Succeeded, RecordID: "rec-0", ProvisionedProductID: "pp-1"}),
	},
	{
		// Where Service Catalog reports the latest request's token.
		name:    "available on the wanted version, updated by this run: succeeded with its record",
		start:   pendingTarget(ue1, audit),
		replies: []reply{ret(withToken(existingPP(audit, "AVAILABLE", "pa-2", "rec-u", "rec-u"), Token("u", testRunID, ue1, audit, "pa-2"))), ret(described(audit))},
		calls:   []string{dppCall(audit), productCall(audit)},
		want:    v2(runstate.Target{Region: ue1, Product: audit, Status: runstate.Succeeded, RecordID: "rec-u", ProvisionedProductID: "pp-1"}),
	},
	{
		name:    "available on the wanted version, launched by this run as a replacement: succeeded",
		start:   runstate.Target{Region: ue1, Product: vpc, Status: runstate.Pending, Replaces: "/pp-0"},
		replies: []reply{ret(withToken(existingPP(vpc, "AVAILABLE", "pa-2", "rec-2", "rec-2"), Token("p", testRunID, ue1, vpc, "pa-2/pp-0"))), ret(described(vpc))},
		calls:   []string{dppCall(vpc), productCall(vpc)},
		want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Succeeded, RecordID: "rec-2", ProvisionedProductID: "pp-1", Replaces: "/pp-0"}),
	},
	{
		name:    "available on the wanted version, launched by another run: already provisioned",
		replies: []reply{ret(withToken(existingPP(vpc, "AVAILABLE", "pa-2", "rec-0", "rec-0"), Token("p", "run-0", ue1, vpc, "pa-2"))), ret(described(vpc))},
		calls:   []string{dppCall(vpc), productCall(vpc)},
		want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.AlreadyProvisioned, RecordID: "rec-0", ProvisionedProductID: "pp-1"}),
	},
	{
		name:    "available on the wanted version, launched by this run without a successful record: succeeded with the last one",
		replies: []reply{ret(withToken(existingPP(vpc, "AVAILABLE", "pa-2", "rec-0", ""), Token("p", testRunID, ue1, vpc, "pa-2"))), ret(described(vpc))},
		calls:   []string{dppCall(vpc), productCall(vpc)},
		want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.Succeeded, RecordID: "rec-0", ProvisionedProductID: "pp-1"}),
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
		name:    "UNDER_CHANGE by this run's own launch: followed without an adoption note",
		replies: []reply{ret(withToken(existingPP(vpc, "UNDER_CHANGE", "pa-2", "rec-9", ""), Token("p", testRunID, ue1, vpc, "pa-2"))), ret(described(vpc))},
		calls:   []string{dppCall(vpc), productCall(vpc)},
		want:    v2(runstate.Target{Region: ue1, Product: vpc, Status: runstate.InProgress, RecordID: "rec-9", ProvisionedProductID: "pp-1"}),
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
}
