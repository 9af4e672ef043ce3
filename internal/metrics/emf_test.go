package metrics

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

var at = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// lambdaJSON is a logger like the functions' in Lambda with the JSON log
// format: slog's JSON handler with Lambda's key names.
func lambdaJSON(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{ReplaceAttr: lambdacontext.ReplaceAttr}))
}

func goodLine() Line {
	return Line{
		Message:    "test metrics",
		Time:       at,
		Dimensions: []Dimension{{"FunctionName", "fn"}, {"Outcome", "ok"}},
		Metrics:    []Metric{{"Calls", Count, 3}, {"Latency", Seconds, 1.25}},
		Directives: []Directive{
			{DimensionSets: [][]string{{"FunctionName"}}, Metrics: []string{"Calls", "Latency"}},
			{DimensionSets: [][]string{{"FunctionName", "Outcome"}}, Metrics: []string{"Calls"}},
		},
	}
}

func TestWriteProducesAValidLine(t *testing.T) {
	for name, log := range map[string]func(*bytes.Buffer) *slog.Logger{
		"slog JSON":   func(b *bytes.Buffer) *slog.Logger { return slog.New(slog.NewJSONHandler(b, nil)) },
		"Lambda JSON": lambdaJSON,
		"with attrs":  func(b *bytes.Buffer) *slog.Logger { return lambdaJSON(b).With("run", "r-1", "account", "222222222222") },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(context.Background(), log(&buf), goodLine()); err != nil {
				t.Fatal(err)
			}
			line := bytes.TrimSpace(buf.Bytes())
			if err := Check(line); err != nil {
				t.Fatalf("%v\n%s", err, line)
			}
			for _, want := range []string{`"Timestamp":1767268800000`, `"Calls":3,`, `"Latency":1.25`, `"Unit":"Seconds"`, `"StorageResolution":60`, `"Namespace":"Landfall"`} {
				if !bytes.Contains(line, []byte(want)) {
					t.Errorf("line lacks %s:\n%s", want, line)
				}
			}
		})
	}
}

func TestWriteRefusesWhatCloudWatchWouldNot(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Line)
		want string
	}{
		{"no time", func(l *Line) { l.Time = time.Time{} }, "time: missing"},
		{"no directive", func(l *Line) { l.Directives = nil }, "publish nothing"},
		{"reserved name", func(l *Line) { l.Metrics[0].Name = "level" }, `metric "level": the logger writes`},
		{"name twice", func(l *Line) { l.Metrics[1].Name = "FunctionName" }, `already a dimension`},
		{"NaN", func(l *Line) { l.Metrics[1].Value = math.NaN() }, "not a number JSON can carry"},
		{"infinity", func(l *Line) { l.Metrics[1].Value = math.Inf(1) }, "not a number JSON can carry"},
		{"unknown unit", func(l *Line) { l.Metrics[0].Unit = "Runs" }, `"Runs" is not a CloudWatch unit`},
		{"empty dimension value", func(l *Line) { l.Dimensions[1].Value = "" }, `dimension "Outcome": value must be 1 to 1024`},
		{"dimension without value", func(l *Line) { l.Dimensions = l.Dimensions[:1] }, `dimension "Outcome" has no value`},
		{"metric without value", func(l *Line) { l.Metrics = l.Metrics[:1] }, `metric "Latency" has no value`},
		{"no dimension set", func(l *Line) { l.Directives[0].DimensionSets = nil }, "no dimension set"},
		{"101 metrics", func(l *Line) {
			l.Directives[0].Metrics = nil
			for i := range 101 {
				name := "M" + strings.Repeat("x", i)
				l.Metrics = append(l.Metrics, Metric{name, Count, 1})
				l.Directives[0].Metrics = append(l.Directives[0].Metrics, name)
			}
		}, "101 metrics"},
		{"31 dimensions", func(l *Line) {
			var set []string
			for i := range 31 {
				name := "D" + strings.Repeat("x", i)
				l.Dimensions = append(l.Dimensions, Dimension{name, "v"})
				set = append(set, name)
			}
			l.Directives[0].DimensionSets = [][]string{set}
		}, "31 dimensions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := goodLine()
			tt.edit(&l)
			var buf bytes.Buffer
			err := Write(context.Background(), lambdaJSON(&buf), l)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Write = %v, want an error containing %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("a refused line was written: %s", buf.Bytes())
			}
		})
	}
}

func TestWholeValuesAreIntegers(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{0, "0"}, {7, "7"}, {1e15, "1000000000000000"}, {0.5, "0.5"}, {-2, "-2"}} {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).LogAttrs(context.Background(), slog.LevelInfo, "", valueAttr(Metric{"V", Count, tt.v}))
		if !strings.Contains(buf.String(), `"V":`+tt.want+"}") {
			t.Errorf("%v written as %s, want %s", tt.v, buf.String(), tt.want)
		}
	}
}
