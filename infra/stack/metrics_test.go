package stack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/landfall"
	"github.com/landfall/landfall/internal/metrics"
)

// graphed is one metric of a dashboard graph: "namespace name dim=value
// stat", or the expression of a math or search line.
type graphed []string

// dashboardMetrics reads the dashboard body (a Fn::Join of JSON text and
// references), with each reference written as REF(id) or GETATT(id.attr).
func dashboardMetrics(t *testing.T, s *synthesized) graphed {
	t.Helper()
	props := s.props(t, "Dashboard")
	parts := props["DashboardBody"].(map[string]any)["Fn::Join"].([]any)[1].([]any)
	var body strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			body.WriteString(p)
		case map[string]any:
			if ref, ok := p["Ref"]; ok {
				fmt.Fprintf(&body, "REF(%s)", ref)
			} else if att, ok := p["Fn::GetAtt"].([]any); ok {
				fmt.Fprintf(&body, "GETATT(%s.%s)", att[0], att[1])
			} else {
				t.Fatalf("unexpected token in the dashboard body: %v", p)
			}
		}
	}
	var doc struct {
		Widgets []struct {
			Properties struct {
				Metrics [][]any
			}
		}
	}
	if err := json.Unmarshal([]byte(body.String()), &doc); err != nil {
		t.Fatalf("dashboard body is not JSON once its references resolve: %v\n%s", err, body.String())
	}
	var out graphed
	for _, w := range doc.Widgets {
		for _, m := range w.Properties.Metrics {
			out = append(out, describe(m))
		}
	}
	return out
}

// describe writes a dashboard metric array as "namespace name dim=value stat"
// (dimensions in order) or "expression".
func describe(m []any) string {
	opts, hasOpts := m[len(m)-1].(map[string]any)
	if expr, ok := opts["expression"].(string); ok {
		return expr
	}
	f := []string{m[0].(string), m[1].(string)}
	dims := m[2:]
	if hasOpts {
		dims = m[2 : len(m)-1]
	}
	for i := 0; i+1 < len(dims); i += 2 {
		f = append(f, fmt.Sprintf("%s=%s", dims[i], dims[i+1]))
	}
	stat, _ := opts["stat"].(string)
	return strings.Join(append(f, stat), " ")
}

func (g graphed) has(t *testing.T, want string) {
	t.Helper()
	if !slices.Contains(g, want) {
		t.Errorf("dashboard does not graph %q; it has:\n%s", want, strings.Join(g, "\n"))
	}
}

// emitted are the metric names the functions' EMF lines carry, by function.
func emitted() (worker, launch []string) {
	at := time.Now()
	step, _ := metrics.StepLine(at, "w", 1, 1)
	for _, l := range []metrics.Line{metrics.RunLine(at, metrics.RunFacts{Function: "w", Outcome: "SUCCEEDED"}), step} {
		for _, m := range l.Metrics {
			worker = append(worker, m.Name)
		}
	}
	for _, m := range metrics.LaunchLine(at, "l", "queued", 1, 0).Metrics {
		launch = append(launch, m.Name)
	}
	return worker, launch
}

// TestDashboardGraphsEveryEmittedMetric ties the dashboard to the EMF lines
// the functions write: a metric renamed or added in internal/metrics and
// not graphed fails here.
func TestDashboardGraphsEveryEmittedMetric(t *testing.T) {
	s := stackFor(t)
	g := dashboardMetrics(t, s)
	worker, launch := emitted()
	fnRef := map[string]string{"worker": "REF(" + s.ref(t, "WorkerFunction")["Ref"].(string) + ")", "launch": "REF(" + s.ref(t, "LaunchFunction")["Ref"].(string) + ")"}
	for fn, names := range map[string][]string{"worker": worker, "launch": launch} {
		for _, name := range names {
			dim := metrics.DimFunction + "=" + fnRef[fn]
			// Runs and LaunchInvocations are graphed by outcome instead.
			byOutcome := (name == metrics.Runs && fn == "worker") || (name == metrics.LaunchInvocations && fn == "launch")
			graphed := slices.ContainsFunc(g, func(m string) bool {
				return strings.HasPrefix(m, metrics.Namespace+" "+name+" "+dim+" ")
			})
			if !graphed && !byOutcome {
				t.Errorf("the %s function's metric %s is not graphed under %s", fn, name, dim)
			}
		}
	}
	// Runs and launch invocations by outcome: a search, so every outcome shows.
	for fn, name := range map[string]string{"worker": metrics.Runs, "launch": metrics.LaunchInvocations} {
		g.has(t, fmt.Sprintf(`SEARCH('{Landfall,FunctionName,Outcome} MetricName="%s" FunctionName="%s"', 'Sum', 300)`, name, fnRef[fn]))
	}
	worker0 := metrics.Namespace + " " + metrics.RunDuration + " " + metrics.DimFunction + "=" + fnRef["worker"]
	g.has(t, worker0+" p50")
	g.has(t, worker0+" p90")
	g.has(t, metrics.Namespace+" "+metrics.TargetsFailed+" "+metrics.DimFunction+"="+fnRef["worker"]+" Sum")
}

func TestDashboardGraphsTheQueues(t *testing.T) {
	s := stackFor(t)
	g := dashboardMetrics(t, s)
	queue := func(path string) string {
		id, _ := s.resource(t, path)
		return "QueueName=GETATT(" + id + ".QueueName)"
	}
	for _, m := range []string{"ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "ApproximateAgeOfOldestMessage"} {
		g.has(t, "AWS/SQS "+m+" "+queue("WorkQueue")+" Maximum")
	}
	for _, dlq := range []string{"WorkDeadLetterQueue", "EventDeadLetterQueue", "LaunchFailureQueue"} {
		g.has(t, "AWS/SQS ApproximateNumberOfMessagesVisible "+queue(dlq)+" Maximum")
	}
}

func TestFailedTargetsAlarm(t *testing.T) {
	s := stackFor(t)
	p := s.props(t, "FailedTargetsAlarm")
	if desc, _ := p["AlarmDescription"].(string); !strings.HasPrefix(desc, "Landfall: ") || !strings.Contains(desc, "landfall invoke") {
		t.Errorf("description %q does not say what fired and how to re-run", desc)
	}
	delete(p, "AlarmDescription")
	stat := func(id, name string) map[string]any {
		return map[string]any{"Id": id, "ReturnData": false, "MetricStat": map[string]any{
			"Metric": map[string]any{"Namespace": metrics.Namespace, "MetricName": name,
				"Dimensions": []any{map[string]any{"Name": metrics.DimFunction, "Value": s.ref(t, "WorkerFunction")}}},
			"Period": 300, "Stat": "Sum",
		}}
	}
	equalJSON(t, "FailedTargetsAlarm", p, map[string]any{
		"Metrics": []any{
			map[string]any{"Id": "expr_1", "Expression": "failed + timedOut", "Label": "Failed or timed-out targets", "ReturnData": true},
			stat("failed", metrics.TargetsFailed),
			stat("timedOut", metrics.TargetsTimedOut),
		},
		"Threshold":          1,
		"EvaluationPeriods":  1,
		"ComparisonOperator": "GreaterThanOrEqualToThreshold",
		"TreatMissingData":   "notBreaching",
		"AlarmActions":       []any{s.ref(t, "AlarmTopic")},
	})
}

// metricsWarning matches the synth warning for a log level that drops the metric lines.
var metricsWarning = assertions.Match_StringLikeRegexp(jsii.String(".*drops the functions' metric lines.*"))

func TestQuietLogLevelWarnsThatMetricsStop(t *testing.T) {
	if n := len(*stackFor(t).annotations.FindWarning(jsii.String("*"), metricsWarning)); n != 0 {
		t.Errorf("the default (info) stack warns about metrics %d times", n)
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(tempDir("landfall-warn-"))})
	host := awscdk.NewStack(app, jsii.String("Quiet"), nil)
	launch, worker := codeDirs()
	if _, err := landfall.New(host, "Landfall", landfall.Props{Plan: examplePlan(t), LaunchCodeDir: launch, WorkerCodeDir: worker, LogLevel: "warn"}); err != nil {
		t.Fatal(err)
	}
	if n := len(*assertions.Annotations_FromStack(host).FindWarning(jsii.String("*"), metricsWarning)); n != 1 {
		t.Errorf("log level warn: %d warnings that metrics stop, want 1", n)
	}
}
