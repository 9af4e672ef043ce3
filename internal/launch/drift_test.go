package launch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/metrics/emftest"
	"github.com/landfall/landfall/internal/notify"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/status"
)

// fakeFleet answers drift checks with a report built from rows.
type fakeFleet struct {
	rows []status.Row
	err  error
	got  []status.Request
}

func (f *fakeFleet) Run(_ context.Context, req status.Request) (*status.Report, error) {
	f.got = append(f.got, req)
	if f.err != nil {
		return nil, f.err
	}
	rep := &status.Report{Plan: "example sha256:abc", Summary: map[status.State]int{}, Rows: f.rows}
	seen := map[string]bool{}
	for _, r := range f.rows {
		rep.Summary[r.State]++
		if !seen[r.Account] {
			seen[r.Account] = true
			rep.Accounts++
		}
	}
	rep.Targets = len(f.rows)
	return rep, nil
}

// rows gives each account its states, one row per state, in us-east-1.
func rows(states map[string][]status.State) []status.Row {
	var out []status.Row
	for _, acct := range slices.Sorted(maps.Keys(states)) {
		for i, s := range states[acct] {
			out = append(out, status.Row{Account: acct, Region: "us-east-1", Product: fmt.Sprintf("p%d", i), State: s})
		}
	}
	return out
}

const (
	ok   = status.OK
	miss = status.Missing
	outd = status.Outdated
	fail = status.Failed
	tain = status.Tainted
	unre = status.Unreachable
)

func driftFixture(t *testing.T, fleet *fakeFleet) (*fixture, *bytes.Buffer) {
	t.Helper()
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "")
	f := newFixture(t, newOrg(3))
	var logs bytes.Buffer
	f.h.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	f.h.Fleet = fleet
	return f, &logs
}

func driftMetric(t *testing.T, logs *bytes.Buffer, name string) float64 {
	t.Helper()
	found := emftest.Find(emftest.Extract(t, logs.Bytes()), name, metrics.DimFunction+"="+metrics.DefaultLaunchFunction)
	if len(found) != 1 {
		t.Fatalf("%s: %d datapoints, want one per check", name, len(found))
	}
	return emftest.Sum(found)
}

func TestDriftPublishesOneNotification(t *testing.T) {
	fleet := &fakeFleet{rows: rows(map[string][]status.State{
		"111111111111": {ok, ok, ok},
		"222222222222": {miss, miss, tain},
		"333333333333": {outd, ok},
		"444444444444": {fail, unre, miss, miss},
	})}
	f, logs := driftFixture(t, fleet)
	resp, err := f.h.Handle(context.Background(), []byte(`{"drift": {"all": true, "regions": ["us-east-1"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Outcome != OutcomeDrift || resp.Drift == nil {
		t.Fatalf("response = %+v, want outcome drift with the document", resp)
	}
	if len(fleet.got) != 1 || !fleet.got[0].All || fleet.got[0].Regions[0] != "us-east-1" {
		t.Errorf("status asked %+v, want all accounts in us-east-1", fleet.got)
	}
	if len(f.notifier.msgs) != 1 {
		t.Fatalf("%d notifications, want exactly one", len(f.notifier.msgs))
	}
	d := f.notifier.msgs[0].Doc
	if d.Kind != notify.KindDrift || d.Outcome != notify.OutcomeDrift {
		t.Errorf("kind %s outcome %s, want drift DRIFT", d.Kind, d.Outcome)
	}
	wantCounts := map[string]int{"OK": 4, "MISSING": 4, "TAINTED": 1, "OUTDATED": 1, "FAILED": 1, "UNREACHABLE": 1}
	if !maps.Equal(d.Counts, wantCounts) {
		t.Errorf("counts = %v, want %v", d.Counts, wantCounts)
	}
	var worst []string
	for _, a := range d.Drift.Worst {
		worst = append(worst, fmt.Sprintf("%s:%d", a.ID, a.NotOK))
	}
	if got := strings.Join(worst, " "); got != "444444444444:4 222222222222:3 333333333333:1" {
		t.Errorf("worst accounts = %s, want most targets not OK first, OK accounts left out", got)
	}
	if d.Drift.Accounts != 4 || d.Drift.DriftedAccounts != 3 || d.Drift.Targets != 12 {
		t.Errorf("drift = %+v, want 4 accounts, 3 drifted, 12 targets", d.Drift)
	}
	// The outdated-only account needs an updatePolicy change, not a re-run.
	if want := `{"accounts":["222222222222","444444444444"],"regions":["us-east-1"],"onlyMissing":true}`; string(d.Rerun) != want {
		t.Errorf("rerun = %s, want %s", d.Rerun, want)
	}
	for name, want := range map[string]float64{
		metrics.DriftMissing: 4, metrics.DriftOutdated: 1, metrics.DriftFailed: 1,
		metrics.DriftTainted: 1, metrics.DriftUnreachable: 1, metrics.DriftAccounts: 3,
	} {
		if got := driftMetric(t, logs, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}

func TestNoDriftPublishesNothing(t *testing.T) {
	f, logs := driftFixture(t, &fakeFleet{rows: rows(map[string][]status.State{"111111111111": {ok, ok}, "222222222222": {ok}})})
	resp, err := f.h.Handle(context.Background(), []byte(`{"drift": {"all": true}}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Outcome != OutcomeNoDrift || resp.Drift != nil {
		t.Errorf("response = %+v, want no-drift", resp)
	}
	if len(f.notifier.msgs) != 0 {
		t.Errorf("%d notifications without drift, want none", len(f.notifier.msgs))
	}
	for _, name := range metrics.DriftMetrics() {
		if got := driftMetric(t, logs, name); got != 0 {
			t.Errorf("%s = %v, want 0", name, got)
		}
	}
	if !strings.Contains(logs.String(), `"msg":"drift check"`) {
		t.Error("a check without drift is not logged")
	}
}

func TestDriftRerunPayload(t *testing.T) {
	many := map[string][]status.State{}
	for i := range maxRerunAccounts + 1 {
		many[fmt.Sprintf("5000000000%02d", i)] = []status.State{miss}
	}
	tests := []struct {
		name    string
		payload string
		states  map[string][]status.State
		want    string
	}{
		{"only outdated: no re-run fixes it", `{"drift": {"all": true}}`,
			map[string][]status.State{"222222222222": {outd}}, ""},
		{"only unreachable", `{"drift": {"all": true}}`,
			map[string][]status.State{"222222222222": {unre}}, ""},
		{"past the account bound: the check's own selection", `{"drift": {"ous": ["ou-ab12-l3zc8b3h"], "recursive": true, "products": ["baseline-vpc"]}}`,
			many, `{"ous":["ou-ab12-l3zc8b3h"],"recursive":true,"products":["baseline-vpc"],"onlyMissing":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := driftFixture(t, &fakeFleet{rows: rows(tt.states)})
			if _, err := f.h.Handle(context.Background(), []byte(tt.payload)); err != nil {
				t.Fatal(err)
			}
			if len(f.notifier.msgs) != 1 {
				t.Fatalf("%d notifications, want one", len(f.notifier.msgs))
			}
			if got := string(f.notifier.msgs[0].Doc.Rerun); got != tt.want {
				t.Errorf("rerun = %s, want %q", got, tt.want)
			}
			if tt.want != "" {
				var r map[string]any
				if err := json.Unmarshal(f.notifier.msgs[0].Doc.Rerun, &r); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestDriftFailures(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*fixture)
		outcome string
		errHas  string
	}{
		{name: "no reporter", setup: func(f *fixture) { f.h.Fleet = nil }, errHas: "landfall status"},
		{name: "Organizations fails: retried", setup: func(f *fixture) { f.h.Fleet = &fakeFleet{err: errBoom} }, errHas: "drift check"},
		{name: "filter outside the plan: an answer, not an error",
			setup:   func(f *fixture) { f.h.Fleet = &fakeFleet{err: fmt.Errorf("status: %w", &plan.FilterError{})} },
			outcome: OutcomeInvalid},
		{name: "SNS fails: retried", setup: func(f *fixture) { f.notifier.err = errBoom }, errHas: "publish drift notification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := driftFixture(t, &fakeFleet{rows: rows(map[string][]status.State{"222222222222": {miss}})})
			tt.setup(f)
			resp, err := f.h.Handle(context.Background(), []byte(`{"drift": {"all": true}}`))
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("error = %v, want one saying %q", err, tt.errHas)
				}
				return
			}
			if err != nil || resp.Outcome != tt.outcome {
				t.Fatalf("response %+v, error %v; want outcome %s", resp, err, tt.outcome)
			}
		})
	}
}
