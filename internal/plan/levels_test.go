package plan

import (
	"fmt"
	"strings"
	"testing"
)

const levelsPlan = `
regions: [us-east-1, us-west-2]
portfolios: {us-east-1: port-ue1baseline0, us-west-2: port-uw2baseline0}
products:
  - {key: c, product: c, dependsOn: [b]}
  - {key: b, product: b, dependsOn: [a]}
  - {key: a, product: a}
  - {key: d, product: d}
  - {key: e, product: e, dependsOn: [a, d]}
`

func TestLevels(t *testing.T) {
	pl := mustParse(t, levelsPlan)
	tests := []struct {
		keys []string
		want string
	}{
		{pl.Keys(), "[[a d] [b e] [c]]"},
		// b is not in the run, but c still waits for a through it.
		{[]string{"c", "a"}, "[[a] [c]]"},
		{[]string{"c"}, "[[c]]"},
		{[]string{"e", "c", "e"}, "[[c e]]"},
		{[]string{"c", "zz", "a"}, "[[a zz] [c]]"},
		{[]string{"zz"}, "[[zz]]"},
		{nil, "[]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(pl.Levels(tt.keys)); got != tt.want {
			t.Errorf("Levels(%v) = %s, want %s", tt.keys, got, tt.want)
		}
	}
	if got := strings.Join(pl.Order(), " "); got != "a d b e c" {
		t.Errorf("Order() = %s", got)
	}
}

func TestCycles(t *testing.T) {
	tests := []struct {
		products string
		want     []string
	}{
		{"[{key: a, product: a, dependsOn: [b]}, {key: b, product: b, dependsOn: [a]}]", []string{"a -> b -> a"}},
		// Found from c first, reported from a (the first in file order).
		{"[{key: a, product: a, dependsOn: [c]}, {key: b, product: b}, {key: c, product: c, dependsOn: [b, a]}]", []string{"a -> c -> a"}},
		{"[{key: a, product: a, dependsOn: [b, c]}, {key: b, product: b, dependsOn: [a]}, {key: c, product: c, dependsOn: [a]}]", []string{"a -> b -> a", "a -> c -> a"}},
		{"[{key: a, product: a, dependsOn: [b]}, {key: b, product: b, dependsOn: [c]}, {key: c, product: c}]", nil},
	}
	for _, tt := range tests {
		_, err := Parse([]byte("regions: [us-east-1]\nportfolios: {us-east-1: port-a1}\nproducts: "+tt.products+"\n"), "cycles.yaml")
		var cycles []string
		if err != nil {
			for _, p := range err.(*ValidationError).Problems {
				c, ok := strings.CutPrefix(p.Message, "dependency cycle ")
				if !ok {
					t.Fatalf("unexpected problem %v", p)
				}
				cycles = append(cycles, strings.TrimSuffix(c, "; remove one of these dependsOn entries"))
			}
		}
		if fmt.Sprint(cycles) != fmt.Sprint(tt.want) {
			t.Errorf("%s: cycles %q, want %q", tt.products, cycles, tt.want)
		}
	}
}
