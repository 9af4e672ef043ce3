// Package metrics publishes Landfall's CloudWatch metrics as lines in the
// CloudWatch Embedded Metric Format (EMF), written through the functions'
// own slog JSON logger. CloudWatch Logs extracts the metrics from the
// functions' log groups, so the functions call no CloudWatch API, need no
// permission for it and link no client.
//
// schema.go names every metric, unit and dimension. The CDK construct's
// dashboard and alarm are built from the same constants, so the two cannot
// drift. Check validates a written line against the EMF specification; the
// tests of every package that emits metrics run it on what they log.
//
// Metrics reach CloudWatch only while the functions log at info or below:
// Lambda's log-level filter (and slog's) drops an info line at warn or error.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"
)

// Unit is a CloudWatch metric unit (MetricDatum.Unit).
type Unit string

// The units Landfall's metrics use.
const (
	Count   Unit = "Count"
	Seconds Unit = "Seconds"
)

// Metric is one value a line publishes.
type Metric struct {
	Name  string
	Unit  Unit
	Value float64
}

// Dimension is the value a line gives one dimension.
type Dimension struct{ Name, Value string }

// Directive publishes the named metrics of a line under each of its
// dimension sets. Every set makes each metric a separate CloudWatch metric,
// billed on its own: give the wider sets only to the metrics that need them.
type Directive struct {
	DimensionSets [][]string
	Metrics       []string
}

// Line is one EMF document: one log line carrying metrics.
type Line struct {
	// Message is the log line's message, for people reading the logs.
	Message    string
	Time       time.Time
	Dimensions []Dimension
	Metrics    []Metric
	Directives []Directive
}

// EMF limits (CloudWatch Embedded Metric Format specification, and the
// CloudWatch Dimension type for values).
const (
	maxMetricsPerDirective = 100
	maxDimensionsPerSet    = 30
	maxDimensionValue      = 1024
	// resolution is standard (60 s) storage: high resolution costs more and
	// nothing Landfall measures changes within a minute.
	resolution = 60
)

// reserved are the members the logger writes on every line (slog's and the
// Lambda handler's keys) and EMF's own: a metric or dimension by one of
// these names would duplicate a JSON member.
var reserved = map[string]bool{
	"_aws": true, "time": true, "level": true, "msg": true, "source": true,
	"timestamp": true, "message": true, "requestId": true,
}

// Write logs the line at info through log, as one JSON object whose
// top-level members are the line's dimensions and metrics. A line that
// CloudWatch would reject, or would drop part of, is not written: the error
// says what is wrong with it. log must have a JSON handler and no group.
func Write(ctx context.Context, log *slog.Logger, l Line) error {
	if err := l.check(); err != nil {
		return fmt.Errorf("metrics line %q: %w", l.Message, err)
	}
	attrs := make([]slog.Attr, 0, 1+len(l.Dimensions)+len(l.Metrics))
	attrs = append(attrs, slog.Any("_aws", l.metadata()))
	for _, d := range l.Dimensions {
		attrs = append(attrs, slog.String(d.Name, d.Value))
	}
	for _, m := range l.Metrics {
		attrs = append(attrs, valueAttr(m))
	}
	log.LogAttrs(ctx, slog.LevelInfo, l.Message, attrs...)
	return nil
}

// valueAttr writes whole numbers as JSON integers, the rest as floats.
func valueAttr(m Metric) slog.Attr {
	if m.Value == math.Trunc(m.Value) && math.Abs(m.Value) < 1<<53 {
		return slog.Int64(m.Name, int64(m.Value))
	}
	return slog.Float64(m.Name, m.Value)
}

// metadata is the line's _aws member.
type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

type directive struct {
	Namespace  string       `json:"Namespace"`
	Dimensions [][]string   `json:"Dimensions"`
	Metrics    []definition `json:"Metrics"`
}

type definition struct {
	Name              string `json:"Name"`
	Unit              Unit   `json:"Unit"`
	StorageResolution int    `json:"StorageResolution"`
}

func (l Line) metadata() metadata {
	units := make(map[string]Unit, len(l.Metrics))
	for _, m := range l.Metrics {
		units[m.Name] = m.Unit
	}
	md := metadata{Timestamp: l.Time.UnixMilli()}
	for _, d := range l.Directives {
		out := directive{Namespace: Namespace, Dimensions: d.DimensionSets}
		for _, name := range d.Metrics {
			out.Metrics = append(out.Metrics, definition{Name: name, Unit: units[name], StorageResolution: resolution})
		}
		md.CloudWatchMetrics = append(md.CloudWatchMetrics, out)
	}
	return md
}

// check catches, before anything is written, what would make CloudWatch
// reject the line or silently drop metrics from it.
func (l Line) check() error {
	if l.Time.IsZero() {
		return errors.New("time: missing; EMF needs the line's timestamp")
	}
	if len(l.Directives) == 0 {
		return errors.New("directives: none; the line would publish nothing")
	}
	members := map[string]string{} // name -> "dimension" or "metric"
	var errs []error
	claim := func(name, kind string) {
		switch {
		case name == "":
			errs = append(errs, fmt.Errorf("a %s has no name", kind))
		case reserved[name]:
			errs = append(errs, fmt.Errorf("%s %q: the logger writes a member of that name", kind, name))
		case members[name] != "":
			errs = append(errs, fmt.Errorf("%s %q: the name is already a %s on this line", kind, name, members[name]))
		}
		members[name] = kind
	}
	for _, d := range l.Dimensions {
		claim(d.Name, "dimension")
		if d.Value == "" || len(d.Value) > maxDimensionValue {
			errs = append(errs, fmt.Errorf("dimension %q: value must be 1 to %d characters, got %d", d.Name, maxDimensionValue, len(d.Value)))
		}
	}
	for _, m := range l.Metrics {
		claim(m.Name, "metric")
		if !units[m.Unit] {
			errs = append(errs, fmt.Errorf("metric %q: %q is not a CloudWatch unit", m.Name, m.Unit))
		}
		if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
			errs = append(errs, fmt.Errorf("metric %q: value %v is not a number JSON can carry", m.Name, m.Value))
		}
	}
	for i, d := range l.Directives {
		errs = append(errs, d.check(i, members)...)
	}
	return errors.Join(errs...)
}

func (d Directive) check(i int, members map[string]string) []error {
	var errs []error
	if len(d.DimensionSets) == 0 {
		errs = append(errs, fmt.Errorf("directive %d: no dimension set", i))
	}
	if n := len(d.Metrics); n == 0 || n > maxMetricsPerDirective {
		errs = append(errs, fmt.Errorf("directive %d: %d metrics; EMF takes 1 to %d per directive", i, n, maxMetricsPerDirective))
	}
	for _, set := range d.DimensionSets {
		if len(set) > maxDimensionsPerSet {
			errs = append(errs, fmt.Errorf("directive %d: dimension set %v has %d dimensions; EMF takes at most %d", i, set, len(set), maxDimensionsPerSet))
		}
		for _, name := range set {
			if members[name] != "dimension" {
				errs = append(errs, fmt.Errorf("directive %d: dimension %q has no value on the line", i, name))
			}
		}
	}
	for _, name := range d.Metrics {
		if members[name] != "metric" {
			errs = append(errs, fmt.Errorf("directive %d: metric %q has no value on the line", i, name))
		}
	}
	return errs
}
