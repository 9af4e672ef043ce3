package metrics

import (
	"encoding/json"
	"strings"
	"testing"
)

// validLine is the specification's example, extended with a second
// directive and an array value.
const validLine = `{"_aws":{"Timestamp":1574109732004,"CloudWatchMetrics":[` +
	`{"Namespace":"lambda-function-metrics","Dimensions":[["functionVersion"]],"Metrics":[{"Name":"time","Unit":"Milliseconds","StorageResolution":60}]},` +
	`{"Namespace":"lambda-function-metrics","Dimensions":[[]],"Metrics":[{"Name":"sizes"}]}]},` +
	`"functionVersion":"$LATEST","time":100,"sizes":[1,2.5],"requestId":"989ffbf8-9ace-4817-a57c-e4dd734019ee"}`

func TestCheckAcceptsTheSpecificationsExample(t *testing.T) {
	if err := Check([]byte(validLine)); err != nil {
		t.Fatal(err)
	}
	spec := `{"_aws":{"Timestamp":1574109732004,"CloudWatchMetrics":[{"Namespace":"lambda-function-metrics","Dimensions":[["functionVersion"]],` +
		`"Metrics":[{"Name":"time","Unit":"Milliseconds","StorageResolution":60}]}]},"functionVersion":"$LATEST","time":100,"requestId":"989ffbf8-9ace-4817-a57c-e4dd734019ee"}`
	if err := Check([]byte(spec)); err != nil {
		t.Fatal(err)
	}
}

// mutate decodes validLine, edits it and encodes it again.
func mutate(t *testing.T, edit func(root, aws map[string]any, d0 map[string]any)) []byte {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal([]byte(validLine), &root); err != nil {
		t.Fatal(err)
	}
	aws := root["_aws"].(map[string]any)
	d0 := aws["CloudWatchMetrics"].([]any)[0].(map[string]any)
	edit(root, aws, d0)
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func metric0(d0 map[string]any) map[string]any { return d0["Metrics"].([]any)[0].(map[string]any) }

func TestCheckRefusesEachViolation(t *testing.T) {
	many := func(n int, f func(i int) any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	tests := []struct {
		name string
		edit func(root, aws, d0 map[string]any)
		raw  string // used instead of edit when set
		want string
	}{
		{name: "not JSON", raw: `time=100`, want: "line: not a JSON object"},
		{name: "text after the object", raw: validLine + ` trailing`, want: "data after the JSON object"},
		{name: "duplicate member", raw: strings.Replace(validLine, `"time":100`, `"time":100,"time":200`, 1), want: `member "time" appears twice`},
		{name: "no metadata", edit: func(root, _, _ map[string]any) { delete(root, "_aws") }, want: "_aws: missing"},
		{name: "metadata not an object", edit: func(root, _, _ map[string]any) { root["_aws"] = []any{} }, want: "_aws: not a JSON object"},
		{name: "unknown metadata member", edit: func(_, aws, _ map[string]any) { aws["LogGroupName"] = "x" }, want: `_aws: member "LogGroupName" is not part`},
		{name: "no timestamp", edit: func(_, aws, _ map[string]any) { delete(aws, "Timestamp") }, want: "_aws.Timestamp: missing"},
		{name: "timestamp in seconds with fraction", edit: func(_, aws, _ map[string]any) { aws["Timestamp"] = 1574109732.004 }, want: "_aws.Timestamp: 1574109732.004 is not"},
		{name: "timestamp as a string", edit: func(_, aws, _ map[string]any) { aws["Timestamp"] = "1574109732004" }, want: "_aws.Timestamp:"},
		{name: "negative timestamp", edit: func(_, aws, _ map[string]any) { aws["Timestamp"] = -1 }, want: "_aws.Timestamp: -1"},
		{name: "no directives", edit: func(_, aws, _ map[string]any) { delete(aws, "CloudWatchMetrics") }, want: "_aws.CloudWatchMetrics: missing"},
		{name: "empty directives", edit: func(_, aws, _ map[string]any) { aws["CloudWatchMetrics"] = []any{} }, want: "publishes nothing"},
		{name: "directive not an object", edit: func(_, aws, _ map[string]any) { aws["CloudWatchMetrics"] = []any{"x"} }, want: "CloudWatchMetrics[0]: not a JSON object"},
		{name: "unknown directive member", edit: func(_, _, d0 map[string]any) { d0["Region"] = "us-east-1" }, want: `CloudWatchMetrics[0]: member "Region"`},
		{name: "no namespace", edit: func(_, _, d0 map[string]any) { delete(d0, "Namespace") }, want: "CloudWatchMetrics[0].Namespace: missing"},
		{name: "empty namespace", edit: func(_, _, d0 map[string]any) { d0["Namespace"] = "" }, want: "Namespace: \"\" has 0 characters"},
		{name: "AWS namespace", edit: func(_, _, d0 map[string]any) { d0["Namespace"] = "AWS/Lambda" }, want: "reserved for AWS"},
		{name: "no dimensions", edit: func(_, _, d0 map[string]any) { delete(d0, "Dimensions") }, want: "[0].Dimensions: missing"},
		{name: "no dimension set", edit: func(_, _, d0 map[string]any) { d0["Dimensions"] = []any{} }, want: "at least one dimension set"},
		{name: "flat dimensions", edit: func(_, _, d0 map[string]any) { d0["Dimensions"] = []any{"functionVersion"} }, want: "not an array of arrays"},
		{name: "31 dimensions", edit: func(root, _, d0 map[string]any) {
			d0["Dimensions"] = []any{many(31, func(i int) any { k := "d" + string(rune('A'+i)); root[k] = "v"; return k })}
		}, want: "31 dimensions; at most 30"},
		{name: "dimension not on the line", edit: func(root, _, _ map[string]any) { delete(root, "functionVersion") }, want: `member "functionVersion": the dimension is referenced but not a top-level member`},
		{name: "nested dimension", edit: func(root, _, d0 map[string]any) {
			root["fn"] = map[string]any{"version": "1"}
			d0["Dimensions"] = []any{[]any{"fn.version"}}
		}, want: `member "fn.version": the dimension is referenced`},
		{name: "numeric dimension", edit: func(root, _, _ map[string]any) { root["functionVersion"] = 3 }, want: `member "functionVersion": missing or not a string`},
		{name: "empty dimension value", edit: func(root, _, _ map[string]any) { root["functionVersion"] = "" }, want: `member "functionVersion": "" has 0 characters`},
		{name: "long dimension value", edit: func(root, _, _ map[string]any) { root["functionVersion"] = strings.Repeat("v", 1025) }, want: "has 1025 characters; 1 to 1024"},
		{name: "no metrics", edit: func(_, _, d0 map[string]any) { delete(d0, "Metrics") }, want: "[0].Metrics: missing"},
		{name: "empty metrics", edit: func(_, _, d0 map[string]any) { d0["Metrics"] = []any{} }, want: "0 metric definitions"},
		{name: "101 metrics", edit: func(root, _, d0 map[string]any) {
			d0["Metrics"] = many(101, func(i int) any { k := "m" + strings.Repeat("x", i); root[k] = 1; return map[string]any{"Name": k} })
		}, want: "101 metric definitions; 1 to 100"},
		{name: "metric without name", edit: func(_, _, d0 map[string]any) { delete(metric0(d0), "Name") }, want: "Metrics[0].Name: missing"},
		{name: "metric twice", edit: func(_, _, d0 map[string]any) {
			d0["Metrics"] = append(d0["Metrics"].([]any), map[string]any{"Name": "time"})
		}, want: `"time" is defined twice`},
		{name: "unknown unit", edit: func(_, _, d0 map[string]any) { metric0(d0)["Unit"] = "ms" }, want: `"ms" is not a CloudWatch unit`},
		{name: "plural count", edit: func(_, _, d0 map[string]any) { metric0(d0)["Unit"] = "Counts" }, want: "not a CloudWatch unit"},
		{name: "storage resolution 30", edit: func(_, _, d0 map[string]any) { metric0(d0)["StorageResolution"] = 30 }, want: "StorageResolution: 30"},
		{name: "unknown definition member", edit: func(_, _, d0 map[string]any) { metric0(d0)["Value"] = 1 }, want: `Metrics[0]: member "Value"`},
		{name: "metric not on the line", edit: func(root, _, _ map[string]any) { delete(root, "time") }, want: `member "time": the metric is referenced`},
		{name: "string metric", edit: func(root, _, _ map[string]any) { root["time"] = "100" }, want: `must be a number or an array of numbers, got "100"`},
		{name: "null metric", edit: func(root, _, _ map[string]any) { root["time"] = nil }, want: "got null"},
		{name: "empty array", edit: func(root, _, _ map[string]any) { root["sizes"] = []any{} }, want: "1 to 100 numbers"},
		{name: "101 values", edit: func(root, _, _ map[string]any) { root["sizes"] = many(101, func(i int) any { return i }) }, want: "1 to 100 numbers"},
		{name: "string in array", edit: func(root, _, _ map[string]any) { root["sizes"] = []any{1, "2"} }, want: "1 to 100 numbers"},
		{name: "over a megabyte", edit: func(root, _, _ map[string]any) { root["blob"] = strings.Repeat("x", 1<<20) }, want: "log event limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := []byte(tt.raw)
			if tt.raw == "" {
				line = mutate(t, tt.edit)
			}
			err := Check(line)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
