package provision

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/runstate"
)

// scriptedCatalogs serves one scripted catalog per region; a region without one is
// a test failure.
func scriptedCatalogs(t *testing.T, byRegion map[string]*scriptedCatalog) Catalogs {
	return func(region string) Catalog {
		if c, ok := byRegion[region]; ok {
			return c
		}
		t.Errorf("no catalog scripted for %s", region)
		return newScripted(t)
	}
}

// advanceOnce runs one Advance of run against byRegion and checks each
// region's exact calls and that every answer was used.
func advanceOnce(t *testing.T, e *Engine, run *runstate.Run, byRegion map[string]*scriptedCatalog, wantCalls map[string][]string) bool {
	t.Helper()
	progressed := e.Advance(t.Context(), run, testRoleARN, scriptedCatalogs(t, byRegion))
	for region, c := range byRegion {
		c.verify()
		if got := c.Calls(); !slices.Equal(got, wantCalls[region]) {
			t.Errorf("%s calls:\n  got  %s\n  want %s", region, strings.Join(got, "\n       "), strings.Join(wantCalls[region], "\n       "))
		}
	}
	return progressed
}

func TestAdvanceHoldsDependentUntilDependencySatisfied(t *testing.T) {
	clock := &fakeClock{now: t0}
	e := &Engine{Plan: stepTestPlan(t), Products: staticIDs(productIDs), Now: clock.Now, Sleep: clock.Sleep}
	run := testRun(runstate.TriggerCreate, pendingTarget(ue1, vpc), pendingTarget(ue1, audit))

	// First invocation: baseline-vpc starts; security-audit, which depends
	// on it, is not even looked up while it runs. The record just started
	// is not read until it is due (issue #14: it cannot have finished yet).
	progressed := advanceOnce(t, e, run, map[string]*scriptedCatalog{ue1: newScripted(t,
		fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated, ret(described(vpc)),
		ret(provisionOut("rec-vpc", "pp-vpc")),
	)}, map[string][]string{ue1: {
		dppCall(vpc), acceptCall(ue1), associateCall(ue1), productCall(vpc), launchCall(ue1, vpc, "pa-2", "", portfolios[ue1]),
	}})
	if !progressed {
		t.Error("first Advance: progressed = false, want true")
	}
	if vpcT, auditT := run.Target(ue1, vpc), run.Target(ue1, audit); vpcT.Status != runstate.InProgress || auditT.Status != runstate.Pending || auditT.Note != "" {
		t.Fatalf("after the first Advance: %s is %s, %s is %s (%q); want IN_PROGRESS, PENDING", vpc, vpcT.Status, audit, auditT.Status, auditT.Note)
	}

	// Second invocation, once the record is due: baseline-vpc succeeds,
	// which lets security-audit start in the same invocation, through the
	// portfolio the run already opened.
	if err := clock.Sleep(t.Context(), e.NextLook(run, clock.Now(), time.Hour)); err != nil {
		t.Fatal(err)
	}
	progressed = advanceOnce(t, e, run, map[string]*scriptedCatalog{ue1: newScripted(t,
		ret(recordOut("rec-vpc", "SUCCEEDED", "PROVISION_PRODUCT", "pa-2")),
		fails(opDescribePP, ppNotFound), ret(described(audit)), ret(provisionOut("rec-audit", "pp-audit")),
	)}, map[string][]string{ue1: {
		recordCall("rec-vpc"),
		dppCall(audit), productCall(audit), launchCall(ue1, audit, "pa-2", "", portfolios[ue1]),
	}})
	if !progressed {
		t.Error("second Advance: progressed = false, want true")
	}
	if vpcT, auditT := run.Target(ue1, vpc), run.Target(ue1, audit); vpcT.Status != runstate.Succeeded || auditT.Status != runstate.InProgress || auditT.RecordID != "rec-audit" {
		t.Errorf("after the second Advance: %s is %s, %s is %s (%s); want SUCCEEDED, IN_PROGRESS rec-audit", vpc, vpcT.Status, audit, auditT.Status, auditT.RecordID)
	}
}

func TestAdvanceSkipsDependentOfFailedDependency(t *testing.T) {
	clock := &fakeClock{now: t0}
	e := &Engine{Plan: stepTestPlan(t), Products: staticIDs(productIDs), Now: clock.Now, Sleep: clock.Sleep}
	run := testRun(runstate.TriggerCreate, runningTarget(vpc, "rec-vpc"), pendingTarget(ue1, audit))

	progressed := advanceOnce(t, e, run, map[string]*scriptedCatalog{ue1: newScripted(t,
		ret(recordOut("rec-vpc", "FAILED", "PROVISION_PRODUCT", "pa-2")),
	)}, map[string][]string{ue1: {recordCall("rec-vpc")}})

	if !progressed {
		t.Error("progressed = false, want true")
	}
	if got := run.Target(ue1, vpc).Status; got != runstate.Failed {
		t.Errorf("%s is %s, want FAILED", vpc, got)
	}
	auditT := run.Target(ue1, audit)
	const wantErr = "not attempted: it depends on baseline-vpc, which is FAILED in us-east-1"
	if auditT.Status != runstate.Skipped || auditT.Error != wantErr {
		t.Errorf("%s is %s (%q), want SKIPPED (%q)", audit, auditT.Status, auditT.Error, wantErr)
	}
}

func TestAdvanceDependencyOutsideTheRunDoesNotHoldBack(t *testing.T) {
	clock := &fakeClock{now: t0}
	e := &Engine{Plan: stepTestPlan(t), Products: staticIDs(productIDs), Now: clock.Now, Sleep: clock.Sleep}
	// A manual run narrowed to security-audit: baseline-vpc is not a target.
	run := testRun(runstate.TriggerManual, pendingTarget(ue1, audit))
	run.Opened = []string{gateKey(ue1, portfolios[ue1], testRoleARN)}

	progressed := advanceOnce(t, e, run, map[string]*scriptedCatalog{ue1: newScripted(t,
		ret(existingPP(audit, "AVAILABLE", "pa-2", "rec-0", "rec-0")), ret(described(audit)),
	)}, map[string][]string{ue1: {dppCall(audit), productCall(audit)}})

	if !progressed || run.Targets[0].Status != runstate.AlreadyProvisioned {
		t.Errorf("progressed %v, %s is %s; want true, ALREADY_PROVISIONED", progressed, audit, run.Targets[0].Status)
	}
}

func TestAdvanceStopsWhenAPassChangesNothing(t *testing.T) {
	clock := &fakeClock{now: t0}
	e := &Engine{Plan: stepTestPlan(t), Products: staticIDs(productIDs), Now: clock.Now, Sleep: clock.Sleep}
	const uw2 = "us-west-2"
	run := testRun(runstate.TriggerCreate, runningTarget(vpc, "rec-1"), pendingTarget(uw2, vpc))

	// One pass: the record is still running and the product in us-west-2 is
	// not visible yet. A second pass would make calls nobody scripted.
	progressed := advanceOnce(t, e, run, map[string]*scriptedCatalog{
		ue1: newScripted(t, ret(recordOut("rec-1", "IN_PROGRESS", "PROVISION_PRODUCT", "pa-2"))),
		uw2: newScripted(t,
			fails(opDescribePP, ppNotFound), shareAccepted, roleAssociated,
			fails(opProduct, productNotFound), fails(opProduct, productNotFound),
			fails(opProduct, productNotFound), fails(opProduct, productNotFound),
		),
	}, map[string][]string{
		ue1: {recordCall("rec-1")},
		uw2: {dppCall(vpc), acceptCall(uw2), associateCall(uw2), productCall(vpc), productCall(vpc), productCall(vpc), productCall(vpc)},
	})

	if progressed {
		t.Error("progressed = true, want false: a deferral is no progress")
	}
	if got := run.Target(ue1, vpc); got.Status != runstate.InProgress {
		t.Errorf("%s/%s is %s, want IN_PROGRESS", ue1, vpc, got.Status)
	}
	waiting := run.Target(uw2, vpc)
	if waiting.Status != runstate.Pending || waiting.Waits != 1 || !waiting.WaitingSince.Equal(t0.Add(7*time.Second)) ||
		!strings.HasPrefix(waiting.Note, "waiting: find product baseline-vpc in portfolio port-uw2baseline0") {
		t.Errorf("%s/%s = %+v, want PENDING, deferred once at t0+7s", uw2, vpc, *waiting)
	}
}
