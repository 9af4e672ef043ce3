package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// retireRun is a run that provisioned one product, terminated one
// candidate, kept another and failed to terminate a third.
func retireRun() *runstate.Run {
	return &runstate.Run{
		Schema: runstate.SchemaVersion, ID: "manual-r-222222222222", Trigger: runstate.TriggerManual, Retire: true, Looked: true,
		Account:   plan.Account{ID: "222222222222", Name: "LifeCycle1", OU: plan.OU{ID: "ou-ab12-w0rkl0ad", Name: "Workloads"}},
		StartedAt: t0,
		Targets: []runstate.Target{
			{Region: "us-east-1", Product: "security-audit", Status: runstate.Succeeded, Version: "2025.01", ProvisionedProductID: "pp-sa", RecordID: "rec-1"},
			{Region: "us-east-1", Product: "old-product", Status: runstate.Terminated, Action: runstate.ActionTerminate, RecordID: "rec-t",
				ProvisionedProductName: "landfall-old-product", ProvisionedProductID: "pp-old1",
				Retirement: "old-product is no longer a product of the plan; retire is terminate"},
			{Region: "us-west-2", Product: "old-product", Status: runstate.Retirable, Action: runstate.ActionRetain,
				ProvisionedProductName: "landfall-old-product", ProvisionedProductID: "pp-old2",
				Retirement: "retained (retire: retain): old-product is no longer a product of the plan; set retire: terminate at the top of the plan to remove it",
				Note:       "retained (retire: retain): old-product is no longer a product of the plan; set retire: terminate at the top of the plan to remove it"},
			{Region: "us-west-1", Product: "baseline-vpc", Status: runstate.Failed, Action: runstate.ActionTerminate, RecordID: "rec-t2",
				ProvisionedProductName: "landfall-baseline-vpc", ProvisionedProductID: "pp-vpc",
				Retirement: `baseline-vpc is not placed in this account: account 222222222222 (LifeCycle1) is not matched by products[0].include (ous Custom); retire is terminate`,
				Error:      "terminating landfall-baseline-vpc (pp-vpc) failed: DELETE_FAILED: The bucket you tried to delete is not empty; fix what keeps its stack from being deleted, then re-run the account (or terminate it in the Service Catalog console)"},
		},
	}
}

func TestRetirementSummaryGolden(t *testing.T) {
	r := retireRun()
	m := RunSummary(r, t0.Add(9*time.Minute))
	if want := "Landfall: LifeCycle1 (222222222222) 1 succeeded, 1 terminated, 1 retirable (retained), 1 failed"; m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	golden(t, "retire-summary.txt", []byte(m.Text))
	// Only the failed termination is left to re-run, and only a run of the
	// whole account retires anything: the payload names no targets.
	var req manual.Request
	if err := json.Unmarshal(m.Doc.Rerun, &req); err != nil {
		t.Fatalf("rerun %s: %v", m.Doc.Rerun, err)
	}
	if len(req.Accounts) != 1 || len(req.Targets) != 0 || len(req.Products) != 0 || len(req.Regions) != 0 {
		t.Errorf("rerun = %s, want the account alone", m.Doc.Rerun)
	}
	if m.Doc.Targets[1].Action != "terminate" || m.Doc.Targets[1].ProvisionedProductName != "landfall-old-product" {
		t.Errorf("JSON target line = %+v", m.Doc.Targets[1])
	}
}

// TestRetirementCutSummary: a summary cut to what did not end well still
// names the retained and terminated candidates, one line each, and says
// how to retry the termination besides the targets' own payload.
func TestRetirementCutSummary(t *testing.T) {
	r := retireRun()
	r.Targets = append(r.Targets, runstate.Target{Region: "us-west-2", Product: "security-audit", Status: runstate.Failed, Error: "boom"})
	m := summary(r, t0, failing)
	for _, want := range []string{
		"retirable: landfall-old-product in us-west-2 (pp-old2), retained (retire: retain): old-product is no longer a product of the plan; set retire: terminate at the top of the plan to remove it",
		"terminated: landfall-old-product in us-east-1 (pp-old1): old-product is no longer a product of the plan; retire is terminate",
		`The payload above does not retry the terminations that did not succeed: once fixed, run the whole account again: {"accounts":["222222222222"],"onlyMissing":true}`,
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("cut summary lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(string(m.Doc.Rerun), "baseline-vpc") {
		t.Errorf("the re-run payload names the failed termination: %s", m.Doc.Rerun)
	}
}

// TestRollUpRetiresWholeAccounts: a backfill whose failures include a
// termination re-runs the accounts whole, never by naming the candidate.
func TestRollUpRetiresWholeAccounts(t *testing.T) {
	in := sampleRollUp()
	in.Failures = append(in.Failures, RollUpFailure{Account: "222222222222", Run: "backfill-x-222222222222", Region: "us-west-1",
		Product: "old-product", Status: "FAILED", Action: runstate.ActionTerminate, Error: "DELETE_FAILED"})
	m := RollUp(in)
	var req manual.Request
	if err := json.Unmarshal(m.Doc.Rerun, &req); err != nil {
		t.Fatalf("rerun %s: %v", m.Doc.Rerun, err)
	}
	if len(req.Targets) != 0 || len(req.Products) != 0 || !req.OnlyMissing || len(req.Accounts) == 0 {
		t.Errorf("rerun = %s, want the failed accounts whole", m.Doc.Rerun)
	}
}
