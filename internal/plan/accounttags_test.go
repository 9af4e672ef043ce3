package plan

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tagged returns a with tags, as the directory reads them (never nil).
func tagged(a Account, kv ...string) Account {
	a.Tags = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		a.Tags[kv[i]] = kv[i+1]
	}
	return a
}

func TestSelectsByAccountTags(t *testing.T) {
	prod := tagged(paymentsProd, "environment", "prod", "cost-center", "4100")
	staging := tagged(lifeCycle1, "environment", "staging", "cost-center", "4200")
	untagged := tagged(lifeCycle2)
	checkSelects(t, []selectCase{
		{"one key matches", "include: {tags: {environment: prod}}", prod, true,
			`account 666666666666 (payments-prod) selected by include.tags environment="prod"`},
		{"one key, other value", "include: {tags: {environment: prod}}", staging, false,
			`account 222222222222 (LifeCycle1) is not matched by include (tags environment="prod"): its environment tag is "staging"`},
		{"one key, no such tag", "include: {tags: {environment: prod}}", untagged, false,
			`account 333333333333 (LifeCycle2) is not matched by include (tags environment="prod"): it has no environment tag`},
		{"every key must match", "include: {tags: {environment: prod, cost-center: '4200'}}", prod, false,
			`account 666666666666 (payments-prod) is not matched by include (tags environment="prod", cost-center="4200"): its cost-center tag is "4100"`},
		{"every key matches", "include: {tags: {environment: prod, cost-center: 4100}}", prod, true,
			`account 666666666666 (payments-prod) selected by include.tags environment="prod", cost-center="4100"`},
		{"a list is any of its values", "include: {tags: {environment: [prod, staging]}}", staging, true,
			`account 222222222222 (LifeCycle1) selected by include.tags environment="staging"`},
		{"values are case-sensitive", "include: {tags: {environment: Prod}}", prod, false,
			`account 666666666666 (payments-prod) is not matched by include (tags environment="Prod"): its environment tag is "prod"`},
		{"keys are case-sensitive", "include: {tags: {Environment: prod}}", prod, false,
			`account 666666666666 (payments-prod) is not matched by include (tags Environment="prod"): it has no Environment tag`},
		{"an empty value matches an empty tag", "include: {tags: {environment: ''}}", tagged(lifeCycle2, "environment", ""), true,
			`account 333333333333 (LifeCycle2) selected by include.tags environment=""`},
		{"an empty value is not a missing tag", "include: {tags: {environment: ''}}", untagged, false,
			`account 333333333333 (LifeCycle2) is not matched by include (tags environment=""): it has no environment tag`},
		{"any kind of the selector matches", "include: {ous: [Custom], tags: {environment: prod}}", prod, true,
			`account 666666666666 (payments-prod) selected by include.tags environment="prod"`},
		{"an OU matches before tags are looked at", "include: {ous: [Custom], tags: {environment: prod}}", staging, true,
			`account 222222222222 (LifeCycle1) selected by include.ous "Custom"`},
		{"no kind matches", "include: {ous: [Prod], tags: {environment: prod}}", staging, false,
			`account 222222222222 (LifeCycle1) is not matched by include (ous Prod; tags environment="prod"): its environment tag is "staging"`},
		{"exclude by tag", "exclude: {tags: {environment: [prod]}}", prod, false,
			`account 666666666666 (payments-prod) excluded by exclude.tags environment="prod"`},
		{"exclude by tag does not match", "exclude: {tags: {environment: prod}}", staging, true,
			"account 222222222222 (LifeCycle1) selected: include is empty (every account) and no exclude matches"},
		{"include by OU, exclude by tag", "include: {ous: [Workloads]}\nexclude: {tags: {environment: prod}}", prod, false,
			`account 666666666666 (payments-prod) excluded by exclude.tags environment="prod"`},
		// Tags that were not read never select and never clear an account.
		{"include: tags not read", "include: {tags: {environment: prod}}", paymentsProd, false,
			`account 666666666666 (payments-prod): cannot tell whether include.tags (environment="prod") matches: its tags were not read from Organizations`},
		{"exclude: tags not read", "exclude: {tags: {environment: prod}}", paymentsProd, false,
			`account 666666666666 (payments-prod): cannot tell whether exclude.tags (environment="prod") excludes it: its tags were not read from Organizations`},
		{"tags not read, but another kind decides", "include: {ous: [Prod], tags: {environment: prod}}\nexclude: {accounts: ['666666666666'], tags: {x: y}}", paymentsProd, false,
			`account 666666666666 (payments-prod) excluded by exclude.accounts "666666666666"`},
		{"tags not read, no tag clause", "include: {ous: [Prod]}", paymentsProd, true,
			`account 666666666666 (payments-prod) selected by include.ous "Prod"`},
	})
}

// A product's tags clause narrows the product alone; a dependent product
// follows its dependency out.
func TestPlacementsByAccountTags(t *testing.T) {
	pl := mustParse(t, `
regions: [us-east-1]
portfolios: {us-east-1: port-ue1baseline0}
products:
  - key: vpc
    product: baseline-vpc
    exclude: {tags: {network: none}}
  - key: audit
    product: security-audit
    dependsOn: [vpc]
  - key: pci
    product: pci-controls
    include: {tags: {compliance: [pci, pci-dss]}}
`)
	checkPlacements(t, pl, []placementCase{
		{tagged(paymentsProd, "compliance", "pci-dss"), "us-east-1/vpc us-east-1/audit us-east-1/pci", ""},
		{tagged(lifeCycle1), "us-east-1/vpc us-east-1/audit",
			`/pci: account 222222222222 (LifeCycle1) is not matched by products[2].include (tags compliance="pci"|"pci-dss"): it has no compliance tag`},
		{tagged(devSandbox, "network", "none"), "",
			`/vpc: account 777777777777 (dev-sandbox) excluded by products[0].exclude.tags network="none"` + "\n" +
				`/audit: depends on vpc, which is not provisioned here: account 777777777777 (dev-sandbox) excluded by products[0].exclude.tags network="none"` + "\n" +
				`/pci: account 777777777777 (dev-sandbox) is not matched by products[2].include (tags compliance="pci"|"pci-dss"): it has no compliance tag`},
	})
}

func TestParseAccountTags(t *testing.T) {
	pl, err := Load(filepath.Join("testdata", "valid", "account-tags.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []TagMatch{{Key: "environment", Values: []string{"prod", "staging"}}, {Key: "cost-center", Values: []string{"4100"}}, {Key: "Cost Center", Values: []string{"Platform / Shared = yes"}}}
	if got := pl.Include.Tags; !slices.EqualFunc(got, want, func(a, b TagMatch) bool { return a.Key == b.Key && slices.Equal(a.Values, b.Values) }) {
		t.Errorf("include.tags = %+v\nwant %+v", got, want)
	}
	if got := pl.Products[0].Exclude.Tags; len(got) != 1 || got[0].Key != "landfall" || !slices.Equal(got[0].Values, []string{""}) {
		t.Errorf("products[0].exclude.tags = %+v", got)
	}
	var refs []string
	for _, r := range pl.SelectorRefs() {
		refs = append(refs, fmt.Sprintf("%s %d %s %v", r.Path, r.Kind, r.Value, r.Exclude))
	}
	wantRefs := []string{
		`include.ous[0] 1 Workloads false`,
		`include.tags 4 environment="prod"|"staging", cost-center="4100", Cost Center="Platform / Shared = yes" false`,
		`products[0].exclude.tags 4 landfall="" true`,
	}
	if !slices.Equal(refs, wantRefs) {
		t.Errorf("SelectorRefs:\n%s\nwant\n%s", strings.Join(refs, "\n"), strings.Join(wantRefs, "\n"))
	}
	if !pl.NeedsTags() || !pl.SelectsByTag() {
		t.Error("a plan selecting by tag needs tags")
	}
}

func TestTooManyTagKeys(t *testing.T) {
	var keys []string
	for i := range maxAccountTags + 1 {
		keys = append(keys, fmt.Sprintf("k%d: v", i))
	}
	_, err := Parse([]byte("include: {tags: {"+strings.Join(keys, ", ")+"}}"+selectorPlan), "many.yaml")
	if err == nil || !strings.Contains(err.Error(), "include.tags: has 51 keys; an account carries at most 50 tags") {
		t.Errorf("Parse = %v", err)
	}
}

func TestNeedsTags(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want bool
	}{
		{"no tags anywhere", "include: {ous: [Custom]}", false},
		{"provisioned-product tags are not account tags", "tags: {team: platform}", false},
		{"plan include", "include: {tags: {environment: prod}}", true},
		{"plan exclude", "exclude: {tags: {environment: prod}}", true},
		{"template", `tags: {cost-center: '{{ index .Account.Tags "cost-center" }}'}`, true},
		{"template under with", `tags: {cost-center: '{{ with .Account }}{{ index .Tags "cost-center" }}{{ end }}'}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustParse(t, tt.yaml+selectorPlan).NeedsTags(); got != tt.want {
				t.Errorf("NeedsTags = %v, want %v", got, tt.want)
			}
		})
	}
	product := mustParse(t, `
regions: [us-east-1]
portfolios: {us-east-1: port-ue1baseline0}
products: [{key: a, product: a, exclude: {tags: {environment: prod}}}]
`)
	if !product.NeedsTags() || !product.SelectsByTag() {
		t.Error("a product's tags clause needs tags")
	}
	if ex := mustExample(t); ex.NeedsTags() {
		t.Error("the example plan reads no tags")
	}
}

func TestRenderAccountTags(t *testing.T) {
	pl := mustParse(t, `
regions: [us-east-1]
portfolios: {us-east-1: port-ue1baseline0}
tags:
  cost-center: '{{ index .Account.Tags "cost-center" | default "shared" }}'
products:
  - key: a
    product: a
    parameters:
      Environment: '{{ index .Account.Tags "environment" }}'
      All: '{{ range $k, $v := .Account.Tags }}{{ $k }}={{ $v }};{{ end }}'
`)
	p, _ := pl.Product("a")
	tests := []struct {
		a                    Account
		env, all, costCenter string
	}{
		{tagged(paymentsProd, "environment", "prod", "cost-center", "4100"), "prod", "cost-center=4100;environment=prod;", "4100"},
		{tagged(lifeCycle1), "", "", "shared"},
		{lifeCycle1, "", "", "shared"}, // tags not read: rendered as none
	}
	for _, tt := range tests {
		params, tags, err := pl.Render(Placement{Region: "us-east-1", Product: p}, tt.a)
		if err != nil {
			t.Fatal(err)
		}
		if params["Environment"] != tt.env || params["All"] != tt.all || tags["cost-center"] != tt.costCenter {
			t.Errorf("%s: params %v tags %v", tt.a.Name, params, tags)
		}
	}
}

// Templates over .Account.Tags evaluate as text/template does, on accounts
// with tags, without, and whose tags were not read (nil).
func TestEvaluatorMatchesTextTemplateOnTags(t *testing.T) {
	for _, text := range []string{
		`{{ .Account.Tags }}`, `{{ index .Account.Tags "cost-center" }}`, `{{ index .Account.Tags "nope" }}`,
		`{{ .Account.Tags.owner }}`, `{{ len .Account.Tags }}`, `{{ if .Account.Tags }}tagged{{ else }}none{{ end }}`,
		`{{ range $k, $v := .Account.Tags }}{{ $k }}={{ $v }},{{ end }}`, `{{ index .Account.Tags "empty" | default "d" }}`,
		`{{ with .Account }}{{ index .Tags "owner" }}{{ end }}`, `{{ index .Account.Tags 1 }}`, `{{ .Account.Tags "x" }}`,
		`{{ eq (index .Account.Tags "cost-center") "4100" }}`, `{{ tagsafe (index .Account.Tags "owner") }}`,
	} {
		t.Run(text, func(t *testing.T) {
			if differential(t, text) {
				t.Errorf("%q refused; it should be supported", text)
			}
		})
	}
}

// Tags travel in run messages, and so does the difference between tags
// not read (null) and none ({}): the worker decides retirement from the
// run's account, and must refuse what the launch function would.
func TestAccountTagsJSON(t *testing.T) {
	for _, tt := range []struct {
		a    Account
		want string
	}{
		{tagged(lifeCycle1, "environment", "prod"), `"tags":{"environment":"prod"}`},
		{tagged(lifeCycle1), `"tags":{}`},
		{lifeCycle1, `"tags":null`},
	} {
		b, err := json.Marshal(tt.a)
		if err != nil || !strings.Contains(string(b), tt.want) {
			t.Errorf("marshal = %s, %v; want %s", b, err, tt.want)
			continue
		}
		var back Account
		if err := json.Unmarshal(b, &back); err != nil || (back.Tags == nil) != (tt.a.Tags == nil) || len(back.Tags) != len(tt.a.Tags) {
			t.Errorf("%s decodes to tags %#v", b, back.Tags)
		}
	}
}

// An account whose tags were not read has no placements under a plan that
// selects by tag: an error, not an exclusion, so that nothing (retirement
// least of all) takes "not read" for "not placed".
func TestPlacementsRefuseUnreadTags(t *testing.T) {
	pl := mustParse(t, "exclude: {tags: {skip: 'true'}}"+selectorPlan)
	if _, _, err := pl.Placements(lifeCycle1, Filter{}); err == nil || !strings.Contains(err.Error(), "the plan selects accounts by tag, but the account's tags were not read") {
		t.Errorf("Placements = %v", err)
	}
	if _, err := pl.Retirement(lifeCycle1); err == nil {
		t.Error("Retirement of an account whose tags were not read: no error")
	}
	targets, excl, err := pl.Placements(tagged(lifeCycle1), Filter{})
	if err != nil || len(targets) != 1 || len(excl) != 0 {
		t.Errorf("read, no tags: %v %v %v", targets, excl, err)
	}
	// A plan that does not select by tag needs no tags.
	if targets, _, err := mustParse(t, selectorPlan).Placements(lifeCycle1, Filter{}); err != nil || len(targets) != 1 {
		t.Errorf("plan without tags clauses: %v %v", targets, err)
	}
}
