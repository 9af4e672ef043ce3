package provision

import (
	"context"
	"regexp"
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

// retirePlan is stepPlan with security-audit only in us-east-1 and
// terminated where it is no longer placed; the plan itself retains.
var retirePlan = strings.Replace(stepPlan, `    dependsOn: [baseline-vpc]
    updatePolicy: update`, `    dependsOn: [baseline-vpc]
    regions: [us-east-1]
    retire: terminate
    updatePolicy: update`, 1)

func retireTestPlan(t testing.TB) *plan.Plan {
	t.Helper()
	pl, err := plan.Parse([]byte(retirePlan), "retire-plan.yaml")
	if err != nil {
		t.Fatalf("parse test plan: %v", err)
	}
	return pl
}

// pp is a SearchProvisionedProducts entry.
func pp(id, name string, tags ...string) sctypes.ProvisionedProductAttribute {
	a := sctypes.ProvisionedProductAttribute{Id: aws.String(id), Name: aws.String(name), Status: sctypes.ProvisionedProductStatusAvailable,
		ProductId: aws.String("prod-x"), ProvisioningArtifactId: aws.String("pa-2"), ProvisioningArtifactName: aws.String("v2.0")}
	for i := 0; i+1 < len(tags); i += 2 {
		a.Tags = append(a.Tags, sctypes.Tag{Key: aws.String(tags[i]), Value: aws.String(tags[i+1])})
	}
	return a
}

func ownedBy(key string) []string {
	k, v := plan.OwnerTag(key)
	return []string{k, v, "managed-by", "landfall"}
}

func listing(next string, products ...sctypes.ProvisionedProductAttribute) reply {
	return ret(&servicecatalog.SearchProvisionedProductsOutput{ProvisionedProducts: products, NextPageToken: optional(next)})
}

const searchCall = opSearch + " level=Account/self"

func TestListNamed(t *testing.T) {
	cat := newScripted(t,
		listing("page-2", pp("pp-1", "landfall-baseline-vpc", ownedBy(vpc)...), pp("pp-2", "team-dashboard")),
		listing("", pp("pp-3", "landfall-old-product", "landfall:product", "old-product", "team", "a")),
	)
	got, err := ListNamed(t.Context(), cat, ue1, "landfall-")
	if err != nil {
		t.Fatal(err)
	}
	cat.verify()
	if calls := cat.Calls(); !slices.Equal(calls, []string{searchCall, searchCall + " page=page-2"}) {
		t.Errorf("calls = %q", calls)
	}
	if len(got) != 2 || got[0].Name != "landfall-baseline-vpc" || got[1].ID != "pp-3" || got[1].Region != ue1 ||
		got[1].Tags["landfall:product"] != "old-product" || got[1].Tags["team"] != "a" || got[1].Version != "v2.0" || got[1].Status != "AVAILABLE" {
		t.Errorf("ListNamed = %+v", got)
	}
}

// regionCatalogs gives each region its own scripted catalog, since regions
// are looked in concurrently.
func regionCatalogs(cats map[string]*scriptedCatalog) Catalogs {
	return func(r string) Catalog { return cats[r] }
}

func TestDiscover(t *testing.T) {
	pl := retireTestPlan(t)
	clock := &fakeClock{now: t0}
	e := &Engine{Plan: pl, Products: staticIDs(productIDs), Now: clock.Now, Sleep: clock.Sleep}
	ue1Listing := listing("",
		pp("pp-1", "landfall-baseline-vpc", ownedBy(vpc)...),          // placed: not a candidate
		pp("pp-2", "landfall-old-product", ownedBy("old-product")...), // left the plan, which retains
		pp("pp-3", "landfall-security-audit"),                         // placed here, tags or not
		pp("pp-4", "team-vpc", ownedBy(vpc)...),                       // not a Landfall name
	)
	uw2Listing := listing("",
		pp("pp-5", "landfall-security-audit", ownedBy(audit)...), // region left its regions: terminate
		pp("pp-6", "landfall-security-audit-copy"),               // left the plan, untagged: retained
	)
	// Looking again after a transient failure lists every region again;
	// what was added already is not added twice.
	cats := map[string]*scriptedCatalog{
		ue1:         newScripted(t, ue1Listing, ue1Listing),
		"us-west-2": newScripted(t, uw2Listing, uw2Listing),
		uw1: newScripted(t, fails(opSearch, throttled), listing("",
			pp("pp-7", "landfall-security-audit", "landfall:product", "baseline-vpc"), // a tag naming another key proves nothing
		)),
	}
	run := testRun(runstate.TriggerUpdate, pendingTarget(ue1, vpc))
	run.Retire = true

	e.Discover(t.Context(), run, regionCatalogs(cats), nil)
	if !run.Looking() {
		t.Fatal("a region throttled past the SDK's retries stopped the looking; want it retried next step")
	}
	e.Discover(t.Context(), run, regionCatalogs(cats), nil)
	if run.Looking() || !run.Looked {
		t.Fatal("the run still looks after every region answered")
	}
	for _, c := range cats {
		c.verify()
	}
	type cand struct {
		key, region, id, action string
		status                  runstate.Status
		retirement              string
	}
	var got []cand
	for _, tg := range run.Targets[1:] {
		got = append(got, cand{tg.Product, tg.Region, tg.ProvisionedProductID, tg.Action, tg.Status, tg.Retirement})
		if tg.Note != "" && tg.Note != tg.Retirement {
			t.Errorf("%s: note %q", tg.Key(), tg.Note)
		}
	}
	want := []struct {
		key, region, id, action string
		status                  runstate.Status
		retirementHas           string
	}{
		{"old-product", ue1, "pp-2", runstate.ActionRetain, runstate.Retirable, "retained (retire: retain): old-product is no longer a product of the plan"},
		{audit, "us-west-2", "pp-5", runstate.ActionTerminate, runstate.Pending, "us-west-2 is not one of security-audit's regions (us-east-1); products[1].retire is terminate"},
		{"security-audit-copy", "us-west-2", "pp-6", runstate.ActionRetain, runstate.Retirable, "it has no landfall:product tag"},
		{audit, uw1, "pp-7", runstate.ActionRetain, runstate.Retirable, `will not terminate it although products[1].retire is terminate: its landfall:product tag is "baseline-vpc"`},
	}
	if len(got) != len(want) {
		t.Fatalf("candidates = %+v, want %d", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.key != w.key || g.region != w.region || g.id != w.id || g.action != w.action || g.status != w.status || !strings.Contains(g.retirement, w.retirementHas) {
			t.Errorf("candidate %d = %+v\nwant %+v", i, g, w)
		}
	}
	if err := run.Validate(); err != nil {
		t.Errorf("the run with its candidates does not validate: %v", err)
	}
}

func TestDiscoverNotes(t *testing.T) {
	pl := retireTestPlan(t)
	e := &Engine{Plan: pl, Products: staticIDs(productIDs)}
	cats := map[string]*scriptedCatalog{
		ue1:         newScripted(t, listing("")),
		"us-west-2": newScripted(t, fails(opSearch, apiErr("AccessDeniedException", "not authorized to perform: servicecatalog:SearchProvisionedProducts"))),
		uw1:         newScripted(t, fails(opSearch, apiErr("UnrecognizedClientException", "The security token included in the request is invalid"))),
	}
	run := testRun(runstate.TriggerManual)
	run.Retire = true
	e.Discover(t.Context(), run, regionCatalogs(cats), nil)
	if run.Looking() || len(run.Targets) != 0 {
		t.Fatalf("looking %v, targets %+v; want done, none", run.Looking(), run.Targets)
	}
	notes := strings.Join(run.Notes, "\n")
	if want := "could not look for retirement candidates in us-west-2: AccessDeniedException"; !strings.Contains(notes, want) {
		t.Errorf("notes %q lack %q", notes, want)
	}
	// A region the account cannot use holds nothing to retire: no note.
	if strings.Contains(notes, "us-west-1") || len(run.Notes) != 1 {
		t.Errorf("notes %q, want only us-west-2's", run.Notes)
	}
	if !run.Complete() {
		t.Error("a run that looked and found nothing is not complete")
	}
}

// candidate is a retirement candidate to terminate, as Discover adds it.
func candidate(region, key, id string) runstate.Target {
	return runstate.Target{Region: region, Product: key, Status: runstate.Pending, Action: runstate.ActionTerminate,
		ProvisionedProductID: id, ProvisionedProductName: "landfall-" + key, Retirement: key + " is no longer a product of the plan; retire is terminate"}
}

func retireCall(region, key, id string) string {
	return opTerminate + " id=" + id + " token=" + Token("r", testRunID, region, key, id)
}

// terminateRecord is a termination's record as DescribeRecord tells it.
func terminateRecord(rec string, status sctypes.RecordStatus, errs ...sctypes.RecordError) *servicecatalog.DescribeRecordOutput {
	return recordOut(rec, status, recordTerminate, "", errs...)
}

var retireCases = []stepCase{
	{
		name:    "terminate: by ID with the run's token, then follow the record",
		start:   candidate(ue1, "old-product", "pp-9"),
		replies: []reply{ret(terminateOut("rec-t"))},
		calls:   []string{retireCall(ue1, "old-product", "pp-9")},
		want: func() runstate.Target {
			tg := candidate(ue1, "old-product", "pp-9")
			tg.Status, tg.RecordID = runstate.InProgress, "rec-t"
			return tg
		}(),
		noteHas: "terminating",
	},
	{
		name:    "terminate: already gone (ResourceNotFound) is done",
		start:   candidate(ue1, "old-product", "pp-9"),
		replies: []reply{fails(opTerminate, ppNotFound)},
		calls:   []string{retireCall(ue1, "old-product", "pp-9")},
		want:    withPP(candidate(ue1, "old-product", "pp-9"), runstate.Terminated, "pp-9"),
		noteHas: "already gone",
	},
	{
		name:    "terminate: UNDER_CHANGE waits, without adopting the other change",
		start:   candidate(ue1, "old-product", "pp-9"),
		replies: []reply{fails(opTerminate, busy), ret(existingPP("old-product", sctypes.ProvisionedProductStatusUnderChange, "pa-2", "rec-other", "rec-0"))},
		calls:   []string{retireCall(ue1, "old-product", "pp-9"), opDescribePP + " id=pp-9"},
		want: func() runstate.Target {
			tg := candidate(ue1, "old-product", "pp-9")
			tg.Waits, tg.WaitingSince = 1, t0
			return tg
		}(),
		noteHas: "waiting: provisioned product landfall-old-product (pp-9) is UNDER_CHANGE",
	},
	{
		name: "terminate: still UNDER_CHANGE past the deadline fails",
		start: func() runstate.Target {
			tg := candidate(ue1, "old-product", "pp-9")
			tg.Waits, tg.WaitingSince = 3, t0.Add(-time.Hour)
			return tg
		}(),
		replies: []reply{fails(opTerminate, busy), ret(existingPP("old-product", sctypes.ProvisionedProductStatusUnderChange, "pa-2", "rec-other", "rec-0"))},
		calls:   []string{retireCall(ue1, "old-product", "pp-9"), opDescribePP + " id=pp-9"},
		want: func() runstate.Target {
			tg := candidate(ue1, "old-product", "pp-9")
			tg.Status, tg.Waits, tg.WaitingSince = runstate.Failed, 4, t0.Add(-time.Hour)
			return tg
		}(),
		errorHas: "not terminated: provisioned product landfall-old-product (pp-9) is UNDER_CHANGE, still after 30m0s",
	},
	{
		name:    "terminate: throttled stays pending",
		start:   candidate(ue1, "old-product", "pp-9"),
		replies: []reply{fails(opTerminate, throttled)},
		calls:   []string{retireCall(ue1, "old-product", "pp-9")},
		want:    candidate(ue1, "old-product", "pp-9"),
		noteHas: "retrying: terminate landfall-old-product (pp-9): ThrottlingException",
	},
	{
		name: "terminate: record succeeded",
		start: func() runstate.Target {
			tg := candidate(ue1, "old-product", "pp-9")
			tg.Status, tg.RecordID = runstate.InProgress, "rec-t"
			return tg
		}(),
		replies: []reply{ret(terminateRecord("rec-t", sctypes.RecordStatusSucceeded))},
		calls:   []string{recordCall("rec-t")},
		want: func() runstate.Target {
			tg := candidate(ue1, "old-product", "pp-9")
			tg.Status, tg.RecordID, tg.ProvisionedProductID = runstate.Terminated, "rec-t", "pp-1"
			return tg
		}(),
	},
	{
		name: "terminate: record failed names AWS's errors",
		start: func() runstate.Target {
			tg := candidate(ue1, "old-product", "pp-9")
			tg.Status, tg.RecordID = runstate.InProgress, "rec-t"
			return tg
		}(),
		replies: []reply{ret(terminateRecord("rec-t", sctypes.RecordStatusFailed,
			sctypes.RecordError{Code: aws.String("DELETE_FAILED"), Description: aws.String("The bucket you tried to delete is not empty")}))},
		calls: []string{recordCall("rec-t")},
		want: func() runstate.Target {
			tg := candidate(ue1, "old-product", "pp-9")
			tg.Status, tg.RecordID, tg.ProvisionedProductID = runstate.Failed, "rec-t", "pp-1"
			return tg
		}(),
		errorHas: "terminating landfall-old-product (pp-1) failed: DELETE_FAILED: The bucket you tried to delete is not empty; fix what keeps its stack from being deleted",
	},
	{
		name:     "a candidate without a provisioned product ID is never terminated by name",
		start:    func() runstate.Target { tg := candidate(ue1, "old-product", ""); return tg }(),
		want:     withPP(candidate(ue1, "old-product", ""), runstate.Failed, ""),
		errorHas: "has nothing to do",
	},
}

func TestRetireStep(t *testing.T) {
	pl := retireTestPlan(t)
	for _, tc := range retireCases {
		t.Run(tc.name, func(t *testing.T) { runStepCase(t, pl, tc) })
	}
}

// TestRetireToken: the same run, target and product always send the same
// token (a replayed step gets the record it started), another product or
// run another, and every token fits TerminateToken's shape.
func TestRetireToken(t *testing.T) {
	tok := Token("r", "manual-0f8a4b1c-3d2e-4f5a-9b6c-7d8e9f0a1b2c-5f1d3c2b9a8e-222222222222", "ap-southeast-2", "a-product-key-of-sixty-three-characters-which-is-the-longest-one", "pp-abcdefghijklm")
	if !regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]*$`).MatchString(tok) || len(tok) > 128 {
		t.Errorf("token %q does not fit TerminateToken (1-128 of [a-zA-Z0-9][a-zA-Z0-9_-]*)", tok)
	}
	same := Token("r", testRunID, ue1, "old-product", "pp-9")
	for _, other := range []string{
		Token("r", testRunID, ue1, "old-product", "pp-8"),
		Token("r", "run-2", ue1, "old-product", "pp-9"),
		Token("t", testRunID, ue1, "old-product", "pp-9"),
	} {
		if other == same {
			t.Errorf("token %s is shared by different terminations", same)
		}
	}
	if same != Token("r", testRunID, ue1, "old-product", "pp-9") {
		t.Error("the token changes between calls")
	}
}

// TestRetireDependentsFirst: a candidate another depends on is terminated
// only after it, and never while it stays.
func TestRetireDependentsFirst(t *testing.T) {
	pl := retireTestPlan(t)
	clock := &fakeClock{now: t0}
	e := &Engine{Plan: pl, Products: staticIDs(productIDs), Now: clock.Now, Sleep: clock.Sleep}
	// Both placed nowhere in us-west-2 for this test's purpose: the run
	// was handed them as candidates.
	run := testRun(runstate.TriggerUpdate, candidate("us-west-2", vpc, "pp-v"), candidate("us-west-2", audit, "pp-a"))
	cat := newScripted(t,
		ret(terminateOut("rec-a")), ret(terminateRecord("rec-a", sctypes.RecordStatusSucceeded)),
		ret(terminateOut("rec-v")),
	)
	cats := func(string) Catalog { return cat }
	e.Advance(t.Context(), run, testRoleARN, cats)
	if got := cat.Calls(); !slices.Equal(got, []string{retireCall("us-west-2", audit, "pp-a")}) {
		t.Fatalf("first step calls %q; want the dependent (security-audit) terminated first", got)
	}
	if run.Targets[0].Status != runstate.Pending {
		t.Fatalf("baseline-vpc = %s, want it waiting for security-audit", run.Targets[0].Status)
	}
	if err := clock.Sleep(context.Background(), 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	e.Advance(t.Context(), run, testRoleARN, cats)
	cat.verify()
	if run.Targets[1].Status != runstate.Terminated || run.Targets[0].Status != runstate.InProgress {
		t.Errorf("after the dependent's record: %s %s, %s %s", audit, run.Targets[1].Status, vpc, run.Targets[0].Status)
	}

	// A dependent that stays holds its dependency for good.
	held := testRun(runstate.TriggerUpdate, candidate("us-west-2", vpc, "pp-v"), candidate("us-west-2", audit, "pp-a"))
	held.Targets[1].Status, held.Targets[1].Action = runstate.Retirable, runstate.ActionRetain
	e.Advance(t.Context(), held, testRoleARN, func(string) Catalog { return newScripted(t) })
	if tg := held.Targets[0]; tg.Status != runstate.Skipped || !strings.Contains(tg.Error, "security-audit depends on it in us-west-2 and stays (RETIRABLE)") {
		t.Errorf("baseline-vpc under a retained dependent = %s %q, want SKIPPED", tg.Status, tg.Error)
	}
}

// TestResolveCandidates: a dry run lists the candidates a run would find
// and says what it would do with each, with read calls only.
func TestResolveCandidates(t *testing.T) {
	pl := retireTestPlan(t)
	e := &Engine{Plan: pl, Products: staticIDs(productIDs)}
	cats := map[string]*scriptedCatalog{
		ue1:         newScripted(t, listing("", pp("pp-2", "landfall-old-product", ownedBy("old-product")...))),
		"us-west-2": newScripted(t, listing("", pp("pp-5", "landfall-security-audit", ownedBy(audit)...))),
		uw1:         newScripted(t, listing("")),
	}
	run := testRun(runstate.TriggerManual)
	run.Retire = true
	e.Resolve(t.Context(), run, regionCatalogs(cats))
	for _, c := range cats {
		c.verify()
	}
	if len(run.Targets) != 2 {
		t.Fatalf("dry run targets = %+v", run.Targets)
	}
	retained, terminated := run.Targets[0], run.Targets[1]
	if retained.Status != runstate.Retirable || retained.Action != runstate.ActionRetain || !strings.Contains(retained.Note, "retained (retire: retain)") {
		t.Errorf("retained candidate = %+v", retained)
	}
	if terminated.Status != runstate.Planned || terminated.Action != runstate.ActionTerminate ||
		!strings.Contains(terminated.Note, "would terminate landfall-security-audit (pp-5, AVAILABLE): us-west-2 is not one of security-audit's regions") {
		t.Errorf("candidate to terminate = %+v", terminated)
	}
}
