package metrics_test

import (
	"testing"

	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/metrics/emftest"
)

func TestDriftLine(t *testing.T) {
	data := write(t, metrics.DriftLine(at, metrics.DriftFacts{
		Function: "fn-launch", Missing: 3, Outdated: 2, Failed: 1, Tainted: 4, Unreachable: 5, Accounts: 6,
	}))
	fn := metrics.DimFunction + "=fn-launch"
	want := map[string]float64{
		metrics.DriftMissing: 3, metrics.DriftOutdated: 2, metrics.DriftFailed: 1,
		metrics.DriftTainted: 4, metrics.DriftUnreachable: 5, metrics.DriftAccounts: 6,
	}
	for name, v := range want {
		if got := value(t, data, name, fn); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	if len(data) != len(want) {
		t.Errorf("%d datapoints, want %d: only FunctionName, no account or outcome dimension", len(data), len(want))
	}
	for _, d := range data {
		if d.Unit != "Count" || len(d.Dimensions) != 1 {
			t.Errorf("%s: unit %s dimensions %v, want Count under FunctionName only", d.Name, d.Unit, d.Dimensions)
		}
	}
	if got := metrics.DriftMetrics(); len(got) != len(want) {
		t.Errorf("DriftMetrics = %v, want the %d drift metrics", got, len(want))
	}
}

func TestDriftLineWritesZerosWithoutDrift(t *testing.T) {
	data := write(t, metrics.DriftLine(at, metrics.DriftFacts{Function: "fn-launch"}))
	for _, name := range metrics.DriftMetrics() {
		found := emftest.Find(data, name, metrics.DimFunction+"=fn-launch")
		if len(found) != 1 || emftest.Sum(found) != 0 {
			t.Errorf("%s: %+v, want one zero datapoint", name, found)
		}
	}
}
