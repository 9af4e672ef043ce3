// Package emftest reads what a test's logger wrote as CloudWatch Logs
// would: it checks every Embedded Metric Format line against the
// specification (metrics.Check) and extracts the datapoints CloudWatch would
// publish, so tests assert on metrics as they would appear in CloudWatch.
package emftest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/metrics"
)

// Datum is one metric datapoint extracted from a line: a metric under one
// dimension set of one directive.
type Datum struct {
	Namespace  string
	Name       string
	Unit       string
	Dimensions map[string]string
	Values     []float64
}

// Extract checks every EMF line (a JSON object with an "_aws" member) in
// logs, failing t for each violation, and returns the datapoints of the
// valid ones. Lines that are not EMF are skipped.
func Extract(t testing.TB, logs []byte) []Datum {
	t.Helper()
	var out []Datum
	sc := bufio.NewScanner(bytes.NewReader(logs))
	sc.Buffer(nil, 2<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var probe map[string]json.RawMessage
		if json.Unmarshal(line, &probe) != nil || probe["_aws"] == nil {
			continue
		}
		if err := metrics.Check(line); err != nil {
			t.Errorf("EMF line violates the specification: %v\n%s", err, line)
			continue
		}
		out = append(out, data(line)...)
	}
	return out
}

// line is the part of a checked EMF line extraction reads.
type line struct {
	AWS struct {
		CloudWatchMetrics []struct {
			Namespace  string
			Dimensions [][]string
			Metrics    []struct{ Name, Unit string }
		}
	} `json:"_aws"`
}

func data(raw []byte) []Datum {
	var l line
	var root map[string]json.RawMessage
	_ = json.Unmarshal(raw, &l) // checked: both decode
	_ = json.Unmarshal(raw, &root)
	var out []Datum
	for _, d := range l.AWS.CloudWatchMetrics {
		for _, set := range d.Dimensions {
			dims := map[string]string{}
			for _, name := range set {
				var v string
				_ = json.Unmarshal(root[name], &v)
				dims[name] = v
			}
			for _, m := range d.Metrics {
				out = append(out, Datum{Namespace: d.Namespace, Name: m.Name, Unit: m.Unit, Dimensions: maps.Clone(dims), Values: values(root[m.Name])})
			}
		}
	}
	return out
}

func values(raw json.RawMessage) []float64 {
	var one float64
	if json.Unmarshal(raw, &one) == nil {
		return []float64{one}
	}
	var many []float64
	_ = json.Unmarshal(raw, &many)
	return many
}

// Find returns the datapoints of the metric whose dimensions are exactly
// dims, given as "Name=Value" pairs.
func Find(data []Datum, name string, dims ...string) []Datum {
	want := map[string]string{}
	for _, d := range dims {
		k, v, _ := strings.Cut(d, "=")
		want[k] = v
	}
	var out []Datum
	for _, d := range data {
		if d.Name == name && maps.Equal(d.Dimensions, want) {
			out = append(out, d)
		}
	}
	return out
}

// Sum adds the values of the datapoints.
func Sum(data []Datum) float64 {
	var s float64
	for _, d := range data {
		for _, v := range d.Values {
			s += v
		}
	}
	return s
}
