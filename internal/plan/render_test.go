package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestRenderExample writes what the example plan does for every account of
// the default world: the review copy of the example's behaviour.
func TestRenderExample(t *testing.T) {
	pl := mustExample(t)
	var b strings.Builder
	for _, a := range defaultWorld {
		_, why := pl.Selects(a)
		fmt.Fprintf(&b, "== %s\n%s\n", a.ID, why)
		targets, exclusions, err := pl.Placements(a, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range targets {
			params, tags, err := pl.Render(tg, a)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %s %s\n", tg.Key(), tg.Portfolio, tg.ProvisionedProductName)
			writeSorted(&b, "  param", params)
			writeSorted(&b, "  tag", tags)
		}
		for _, e := range exclusions {
			fmt.Fprintf(&b, "excluded %q %q: %s\n", e.Product, e.Region, e.Reason)
		}
	}
	golden(t, "render/example.golden", b.String())
}

func writeSorted(b *strings.Builder, label string, m map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(b, "%s %s=%s\n", label, k, m[k])
	}
}

const renderPlan = `
regions: [us-east-1, us-west-2]
portfolios: {us-east-1: port-ue1baseline0, us-west-2: port-uw2baseline0}
values: {team: platform}
tags:
  owner: "{{ .Values.team }}"
  account: "{{ tagsafe .Account.Name }}"
  nick: '{{ if eq .Account.Name "O''Brien" }}{{ .Account.Name }}{{ else }}none{{ end }}'
products:
  - key: a
    product: a
    parameters:
      Grandparent: '{{ if gt (len .Account.Ancestors) 1 }}{{ (index .Account.Ancestors 1).Name }}{{ else }}none{{ end }}'
      Odd: '{{ if eq .Account.Name "O''Brien" }}{{ (index .Account.Ancestors 3).Name }}{{ end }}'
      Slug: '{{ .Account.Name | lower | replace " " "-" | trimPrefix "lifecycle" }}'
      Upper: "{{ upper .Region }}"
      Email: '{{ .Account.Email | default "none" }}'
      Team: '{{ index .Values "missing" | default .Values.team }}'
      Where: "{{ .Product }}@{{ .Region }} in {{ .Account.OU.ID }}"
    tags:
      owner: product-team
`

func TestRender(t *testing.T) {
	pl := mustParse(t, renderPlan)
	p, _ := pl.Product("a")
	target := Placement{Region: "us-west-2", Product: p, Portfolio: "port-uw2baseline0"}
	a := Account{ID: "666666666666", Name: "Payments Prod", OU: ouProd, Ancestors: []OU{ouProd, ouWorkloads}}
	params, tags, err := pl.Render(target, a)
	if err != nil {
		t.Fatal(err)
	}
	wantParams := map[string]string{
		"Grandparent": "Workloads",
		"Slug":        "payments-prod",
		"Upper":       "US-WEST-2",
		"Email":       "none",
		"Team":        "platform",
		"Where":       "a@us-west-2 in ou-ab12-pr0dw0rk",
		"Odd":         "",
	}
	if !maps.Equal(params, wantParams) {
		t.Errorf("params = %v\nwant     %v", params, wantParams)
	}
	// The product's owner tag wins over the plan's.
	wantTags := map[string]string{"owner": "product-team", "account": "Payments Prod", "nick": "none"}
	if !maps.Equal(tags, wantTags) {
		t.Errorf("tags = %v, want %v", tags, wantTags)
	}
}

func TestRenderErrors(t *testing.T) {
	pl := mustParse(t, renderPlan)
	p, _ := pl.Product("a")
	other := mustParse(t, renderPlan)
	op, _ := other.Product("a")
	// Validation runs templates against sample accounts; a branch only one
	// real account takes can still fail at render: here for O'Brien, whose
	// OU chain is shorter than the template assumes and whose name has an
	// apostrophe, which tag values do not allow.
	shallow := Account{ID: "222222222222", Name: "O'Brien", OU: ouCustom, Ancestors: []OU{ouCustom}}
	tests := []struct {
		name   string
		target Placement
		a      Account
		want   []string
	}{
		{"template fails for this account", Placement{Region: "us-east-1", Product: p}, shallow, []string{
			"render a for account 222222222222 in us-east-1:",
			"products[0].parameters.Odd: <index .Account.Ancestors 3>: error calling index:",
			`tags.nick: renders "O'Brien": tag values may only contain`,
		}},
		{"product from another plan", Placement{Region: "us-east-1", Product: op}, lifeCycle1, []string{"its product is not part of plan test.yaml"}},
		{"no product", Placement{Region: "us-east-1"}, lifeCycle1, []string{"its product is not part of plan"}},
		{"region not planned", Placement{Region: "us-west-1", Product: p}, paymentsProd, []string{"render a in us-west-1: the plan does not provision it there (regions: us-east-1, us-west-2)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params, tags, err := pl.Render(tt.target, tt.a)
			if err == nil || params != nil || tags != nil {
				t.Fatalf("Render = %v, %v, %v; want an error", params, tags, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

// A plan is shared by concurrent account runs in one Lambda; run with -race.
func TestRenderConcurrent(t *testing.T) {
	pl := mustExample(t)
	targets, _, err := pl.Placements(paymentsProd, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, tg := range targets {
		wg.Go(func() {
			if _, _, err := pl.Render(tg, paymentsProd); err != nil {
				t.Error(err)
			}
			if _, _, err := pl.Placements(devSandbox, Filter{Regions: []string{tg.Region}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestOctet(t *testing.T) {
	seen := map[int]bool{}
	for i := range 2000 {
		o := octet(fmt.Sprintf("%012d", i))
		if o < 1 || o > 254 {
			t.Fatalf("octet = %d, out of 1..254", o)
		}
		seen[o] = true
	}
	// FNV spreads 2000 inputs over nearly all 254 values; a broken hash
	// (constant, or modulo the wrong number) would not.
	if len(seen) < 250 {
		t.Errorf("only %d distinct octets", len(seen))
	}
	// Fixed values: a change would move every account's VPC CIDR.
	for in, want := range map[string]int{"666666666666": 110, "222222222222": 216, "777777777777": 108} {
		if got := octet(in); got != want {
			t.Errorf("octet(%s) = %d, want %d", in, got, want)
		}
	}
}
