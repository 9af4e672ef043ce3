package plan

import "testing"

func TestNeedsEmail(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       bool
	}{
		{"no template names it", `products: [{key: a, product: a, parameters: {Name: "{{ .Account.Name }}"}}]`, false},
		{"a parameter", `products: [{key: a, product: a, parameters: {Owner: "{{ .Account.Email }}"}}]`, true},
		{"a product tag", `products: [{key: a, product: a, tags: {owner: "{{ tagsafe .Account.Email }}"}}]`, true},
		{"a plan tag", "tags: {owner: \"{{ tagsafe .Account.Email }}\"}\nproducts: [{key: a, product: a}]", true},
		{"under with", `products: [{key: a, product: a, parameters: {Owner: "{{ with .Account }}{{ .Email }}{{ end }}"}}]`, true},
		{"through a variable", `products: [{key: a, product: a, parameters: {Owner: "{{ $a := .Account }}{{ $a.Email }}"}}]`, true},
		{"in a branch", `products: [{key: a, product: a, parameters: {Owner: "{{ if inOU .Account \"Prod\" }}{{ .Account.Email }}{{ else }}none{{ end }}"}}]`, true},
	}
	for _, tt := range tests {
		pl := mustParse(t, "regions: [us-east-1]\nportfolios: {us-east-1: port-ue1baseline0}\n"+tt.yaml)
		if got := pl.NeedsEmail(); got != tt.want {
			t.Errorf("%s: NeedsEmail = %v, want %v", tt.name, got, tt.want)
		}
	}
	if mustExample(t).NeedsEmail() {
		t.Error("the example plan names no email, so runs must not carry one")
	}
}
