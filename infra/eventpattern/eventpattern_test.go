package eventpattern

import (
	"strings"
	"testing"
)

const event = `{
  "source": "aws.controltower",
  "detail-type": "AWS Service Event via CloudTrail",
  "resources": [],
  "detail": {
    "eventName": "CreateManagedAccount",
    "readOnly": false,
    "eventVersion": "1.05",
    "count": 3,
    "note": null,
    "tags": ["blue", "green"],
    "serviceEventDetails": {"createManagedAccountStatus": {"state": "SUCCEEDED"}}
  }
}`

func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		want    bool
	}{
		{"exact top level", `{"source":["aws.controltower"]}`, true},
		{"exact other value", `{"source":["aws.organizations"]}`, false},
		{"one of several", `{"detail":{"eventName":["UpdateManagedAccount","CreateManagedAccount"]}}`, true},
		{"all fields must match", `{"source":["aws.controltower"],"detail":{"eventName":["UpdateManagedAccount"]}}`, false},
		{"the recommended lifecycle rule", `{"source":["aws.controltower"],"detail-type":["AWS Service Event via CloudTrail"],"detail":{"eventName":["CreateManagedAccount","UpdateManagedAccount"]}}`, true},
		{"deeply nested", `{"detail":{"serviceEventDetails":{"createManagedAccountStatus":{"state":["SUCCEEDED"]}}}}`, true},
		{"nested under a missing parent", `{"detail":{"serviceEventDetails":{"updateManagedAccountStatus":{"state":["SUCCEEDED"]}}}}`, false},
		{"prefix", `{"detail":{"eventName":[{"prefix":"Create"}]}}`, true},
		{"prefix miss", `{"detail":{"eventName":[{"prefix":"Update"}]}}`, false},
		{"suffix", `{"detail":{"eventName":[{"suffix":"Account"}]}}`, true},
		{"equals-ignore-case", `{"detail":{"eventName":[{"equals-ignore-case":"createmanagedaccount"}]}}`, true},
		{"anything-but value", `{"detail":{"eventName":[{"anything-but":"RegisterOrganizationalUnit"}]}}`, true},
		{"anything-but same value", `{"detail":{"eventName":[{"anything-but":"CreateManagedAccount"}]}}`, false},
		{"anything-but list", `{"detail":{"eventName":[{"anything-but":["A","CreateManagedAccount"]}]}}`, false},
		{"anything-but prefix", `{"detail":{"eventName":[{"anything-but":{"prefix":"Update"}}]}}`, true},
		{"anything-but absent field", `{"detail":{"missing":[{"anything-but":"x"}]}}`, false},
		{"exists true", `{"detail":{"eventName":[{"exists":true}]}}`, true},
		{"exists true on absent", `{"detail":{"missing":[{"exists":true}]}}`, false},
		{"exists false on absent", `{"detail":{"missing":[{"exists":false}]}}`, true},
		{"exists false under an absent parent", `{"nothing":{"here":[{"exists":false}]}}`, true},
		{"exists false on present", `{"detail":{"eventName":[{"exists":false}]}}`, false},
		{"boolean", `{"detail":{"readOnly":[false]}}`, true},
		{"boolean is not a string", `{"detail":{"readOnly":["false"]}}`, false},
		{"number", `{"detail":{"count":[3]}}`, true},
		{"number is not a string", `{"detail":{"count":["3"]}}`, false},
		{"null", `{"detail":{"note":[null]}}`, true},
		{"null does not match absent", `{"detail":{"missing":[null]}}`, false},
		{"array value: any element", `{"detail":{"tags":["green"]}}`, true},
		{"array value: no element", `{"detail":{"tags":["red"]}}`, false},
		{"empty array value", `{"resources":["x"]}`, false},
		{"value where an object is expected", `{"source":{"x":["y"]}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile([]byte(tt.pattern))
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			got, err := p.Match([]byte(event))
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		want    []string
	}{
		{"not JSON", `{"source":`, []string{"parse event pattern"}},
		{"not an object", `["aws.controltower"]`, []string{"got an array, want a JSON object"}},
		{"empty", `{}`, []string{"empty: it would match every event"}},
		{"scalar leaf", `{"source":"aws.controltower"}`, []string{`source: got string "aws.controltower", want an array`}},
		{"empty array", `{"detail":{"eventName":[]}}`, []string{"detail.eventName: empty array"}},
		{"empty nested object", `{"detail":{}}`, []string{"detail: empty object"}},
		{"unknown operator", `{"detail":{"count":[{"numeric":[">",1]}]}}`, []string{`detail.count[0]: operator "numeric" is not supported`}},
		{"two operators", `{"a":[{"prefix":"x","suffix":"y"}]}`, []string{"a[0]: a content filter has exactly one operator, got 2"}},
		{"prefix not a string", `{"a":[{"prefix":1}]}`, []string{"a[0]: prefix: got number 1, want a string"}},
		{"exists not a boolean", `{"a":[{"exists":"yes"}]}`, []string{"a[0]: exists: got string \"yes\", want true or false"}},
		{"anything-but nested exists", `{"a":[{"anything-but":{"exists":true}}]}`, []string{"a[0]: anything-but: only prefix and suffix"}},
		{"anything-but empty list", `{"a":[{"anything-but":[]}]}`, []string{"a[0]: anything-but: empty list"}},
		{"every problem at once", `{"a":[],"b":"x","c":[{"wildcard":"*"}]}`, []string{"a: empty array", "b: got string", `c[0]: operator "wildcard"`}},
		{"trailing data", `{"a":["x"]} {}`, []string{"trailing data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]byte(tt.pattern))
			if err == nil {
				t.Fatal("Compile accepted an invalid pattern")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestMatchRejectsBadEvents(t *testing.T) {
	p, err := Compile([]byte(`{"source":["x"]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{`not json`, `[1,2]`, `"event"`} {
		if _, err := p.Match([]byte(ev)); err == nil {
			t.Errorf("Match(%s) returned no error", ev)
		}
	}
}
