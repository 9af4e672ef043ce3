package metrics

import "time"

// DriftFacts is what one drift check found: targets per drifted state and
// the accounts with any target not OK.
type DriftFacts struct {
	Function    string
	Missing     int
	Outdated    int
	Failed      int
	Tainted     int
	Unreachable int
	Accounts    int
}

// DriftLine is the launch function's line for one drift check, written
// whether or not there is drift.
func DriftLine(at time.Time, f DriftFacts) Line {
	l := Line{
		Message:    "drift metrics",
		Time:       at,
		Dimensions: []Dimension{{DimFunction, f.Function}},
		Metrics: []Metric{
			{DriftMissing, Count, float64(f.Missing)},
			{DriftOutdated, Count, float64(f.Outdated)},
			{DriftFailed, Count, float64(f.Failed)},
			{DriftTainted, Count, float64(f.Tainted)},
			{DriftUnreachable, Count, float64(f.Unreachable)},
			{DriftAccounts, Count, float64(f.Accounts)},
		},
	}
	names := make([]string, len(l.Metrics))
	for i, m := range l.Metrics {
		names[i] = m.Name
	}
	l.Directives = []Directive{{DimensionSets: [][]string{{DimFunction}}, Metrics: names}}
	return l
}

// DriftMetrics are the drift metrics, in the order DriftLine writes them
// (the dashboard's drift widget plots them).
func DriftMetrics() []string {
	return []string{DriftMissing, DriftOutdated, DriftFailed, DriftTainted, DriftUnreachable, DriftAccounts}
}
