package plan

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"

	"go.yaml.in/yaml/v3"
)

// The evaluator (render.go) must do what text/template does. These tests run
// every template through both, over several accounts and value sets, and
// compare output and error messages exactly. text/template is only imported
// here, so it stays out of the Lambda binaries.

// textFuncs is funcs as text/template sees them: the same Go functions.
var textFuncs = template.FuncMap{
	"octet":      octet,
	"lower":      strings.ToLower,
	"upper":      strings.ToUpper,
	"replace":    replace,
	"trimPrefix": trimPrefix,
	"default":    defaultString,
	"inOU":       inOU,
	"tagsafe":    tagsafe,
}

// diffData is what templates run against: the validation samples, an
// account at the root with no name (nil Ancestors), one whose Ancestors has
// spare capacity (slice reaches into it), with and without plan values.
func diffData() []RenderData {
	spare := make([]OU, 1, 4)
	spare[0] = OU{ID: "ou-abcd-spare000", Name: "Spare"}
	accounts := []Account{
		{ID: "000000000000", OU: OU{ID: "r-abcd", Name: "Root"}, Management: true},
		{ID: "444455556666", Name: "spare", Email: "spare@example.com", OU: spare[0], Ancestors: spare},
	}
	for _, smp := range samples {
		accounts = append(accounts, smp.account)
	}
	values := map[string]string{"team": "platform", "auditAccountId": "555555555555", "empty": ""}
	var out []RenderData
	for i, a := range accounts {
		region := []string{"us-east-1", "eu-central-1"}[i%2]
		out = append(out, RenderData{Account: a, Region: region, Values: values, Product: "baseline-vpc"},
			RenderData{Account: a, Region: region, Product: "p"})
	}
	return out
}

// textTemplate runs text as compile used to: text/template with the plan's
// functions and missingkey=error.
func textTemplate(name, text string, data RenderData) (parseErr error, out string, execErr error) {
	t, err := template.New(name).Funcs(textFuncs).Option("missingkey=error").Parse(text)
	if err != nil {
		return err, "", nil
	}
	if len(t.Templates()) > 1 {
		return errors.New("defines"), "", nil
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return nil, "", errors.New(templateMessage(err, name))
	}
	return nil, b.String(), nil
}

// differential compares the two on text and reports whether compile refused
// it as unsupported (then there is nothing to compare).
func differential(t *testing.T, text string) (refused bool) {
	t.Helper()
	const name = "products[0].parameters.P"
	c, compileErr := compile(name, "P", text)
	for _, data := range diffData() {
		parseErr, want, wantErr := textTemplate(name, text, data)
		switch {
		case parseErr != nil:
			if compileErr == nil {
				t.Fatalf("%q: text/template does not parse it (%v), compile does", text, parseErr)
			}
			if msg := templateMessage(parseErr, name); parseErr.Error() != "defines" && !strings.Contains(compileErr.Error(), msg) {
				t.Fatalf("%q: compile error %q\ndoes not contain text/template's %q", text, compileErr, msg)
			}
			return false
		case compileErr != nil:
			if !strings.Contains(compileErr.Error(), "which plan templates do not support") {
				t.Fatalf("%q: text/template parses it, compile refuses it: %v", text, compileErr)
			}
			return true
		}
		got, gotErr := c.exec(data)
		if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
			t.Fatalf("%q over %+v:\nevaluator error %v\ntext/template   %v", text, data, gotErr, wantErr)
		}
		if got != want {
			t.Fatalf("%q over %+v:\nevaluator %q\ntext/template %q", text, data, got, want)
		}
	}
	return false
}

// differentialTemplates exercise every construct the evaluator runs, and
// each way it fails.
var differentialTemplates = []string{
	// Text and fields.
	``, `plain text`, `{{ .Account.ID }}`, `{{ .Account.Name }}`, `{{ .Account.Email }}`,
	`{{ .Account.OU.ID }}/{{ .Account.OU.Name }}`, `{{ .Account.Ancestors }}`, `{{ .Account.OU }}`,
	`{{ .Account }}`, `{{ . }}`, `{{ $ }}`, `{{ .Region }}`, `{{ .Product }}`, `{{ .Values }}`,
	`{{ .Values.team }}`, `{{ .Values.missing }}`, `{{ .Values.empty }}`, `{{ .Account.Management }}`,
	`{{ .Account.Label }}`, `{{ .Account.Id }}`, `{{ .Region.Name }}`, `{{ .Values.team.x }}`,
	`{{ .Account.OU.Path }}`, `{{ .Account.Ancestors.Name }}`, `{{ .Account.Label.X }}`,
	`{{ .Account.Label "x" }}`, `{{ "x" | .Account.Label }}`, `{{ .Account.ID "x" }}`, `{{ "x" | .Region }}`,
	`{{ .Values.team "x" }}`, `{{ "x" | .Values.team }}`, `{{ .region }}`,
	// Literals.
	`{{ "s" }}`, "{{ `raw` }}", `{{ 1 }}`, `{{ -1 }}`, `{{ 1.5 }}`, `{{ 1e3 }}`, `{{ 0x10 }}`, `{{ 'a' }}`,
	`{{ true }}`, `{{ false }}`, `{{ 18446744073709551615 }}`, `{{ 0x1p-2 }}`, `{{ 1_000 }}`, `{{ 0x7fffffffffffffff }}`,
	// Non-functions given arguments.
	`{{ "a" "b" }}`, `{{ .Region | "x" }}`, `{{ . "x" }}`, `{{ 1 | 2 }}`, `{{ (.Region) "x" }}`,
	`{{ .Region | (lower "X") }}`, `{{ $x := 1 }}{{ $x 2 }}`, `{{ .Region | $ }}`, `{{ true false }}`,
	// The plan's functions.
	`{{ octet .Account.ID }}`, `{{ octet "x" }}`, `{{ octet 1 }}`, `{{ octet .Account }}`, `{{ octet }}`,
	`{{ octet "a" "b" }}`, `{{ .Account.ID | octet }}`, `{{ lower .Account.Name }}`, `{{ upper .Region }}`,
	`{{ .Account.Name | replace " " "-" }}`, `{{ replace " " "-" }}`, `{{ replace " " "-" .Account.Name "x" }}`,
	`{{ .Account.Name | trimPrefix "Acme" }}`, `{{ index .Values "nope" | default "d" }}`,
	`{{ default "d" .Values.empty }}`, `{{ tagsafe .Account.Name }}`, `{{ tagsafe .Account.Email }}`,
	`{{ inOU .Account "Sample" }}`, `{{ inOU .Account "Parent" }}`, `{{ inOU .Account "ou-abcd-acme0000" }}`,
	`{{ inOU .Account "Nope" }}`, `{{ inOU . "x" }}`, `{{ inOU "x" "y" }}`, `{{ .Account | inOU "x" }}`,
	`{{ "Root" | inOU .Account }}`, `{{ inOU .Account 1 }}`, `{{ inOU .Account.OU "x" }}`, `{{ lower true }}`,
	`{{ lower . }}`, `{{ lower $ }}`, `{{ lower (octet "x") }}`, `{{ octet .Account.ID | lower }}`,
	`{{ lower lower }}`, `{{ lower .Account.Ancestors }}`, `{{ lower .Values.missing }}`, `{{ lower 1.5 }}`,
	// and, or, not.
	`{{ and 1 0 }}`, `{{ and 1 2 }}`, `{{ or 0 "" }}`, `{{ or 0 "x" }}`, `{{ and }}`, `{{ or }}`,
	`{{ or .Values.empty .Region }}`, `{{ and .Account.Ancestors .Region }}`, `{{ .Region | and 1 }}`,
	`{{ .Region | or 0 }}`, `{{ "" | or 0 }}`, `{{ and .Values.missing 1 }}`, `{{ or 1 .Values.missing }}`,
	`{{ and 0 .Values.missing }}`, `{{ .Region | and }}`, `{{ not .Region }}`, `{{ not "" }}`, `{{ not }}`,
	`{{ not 1 2 }}`, `{{ not .Account }}`, `{{ not .Account.Ancestors }}`, `{{ not 0.0 }}`,
	// len, index, slice.
	`{{ len .Account.Ancestors }}`, `{{ len .Region }}`, `{{ len .Values }}`, `{{ len .Account }}`, `{{ len 3 }}`,
	`{{ len (index .Region 0) }}`, `{{ len }}`, `{{ index .Account.Ancestors 0 }}`,
	`{{ (index .Account.Ancestors 0).Name }}`, `{{ index .Account.Ancestors 1 }}`, `{{ index .Account.Ancestors 5 }}`,
	`{{ index .Account.Ancestors 2 }}`, `{{ index .Account.Ancestors -1 }}`, `{{ index .Account.Ancestors "x" }}`,
	`{{ index .Account.Ancestors 1.5 }}`, `{{ index .Account.Ancestors true }}`, `{{ index .Region 0 }}`,
	`{{ index .Region 100 }}`, `{{ index .Region 9 }}`, `{{ index .Region 12 }}`, `{{ index .Values "team" }}`,
	`{{ index .Values "nope" }}`, `{{ index .Values 1 }}`, `{{ index .Values .Account }}`, `{{ index .Account 0 }}`,
	`{{ index . "Region" }}`, `{{ index .Values }}`, `{{ index }}`, `{{ index .Region 0 0 }}`,
	`{{ index .Account.Ancestors 0 0 }}`, `{{ index .Region (index .Region 0) }}`,
	`{{ index .Account.Ancestors (len .Region) }}`, `{{ 0 | index .Region }}`, `{{ index .Region (index .Region 8) }}`,
	`{{ index .Account.Ancestors 1 | print }}`, `{{ slice .Region 0 2 }}`, `{{ slice .Region 3 }}`, `{{ slice .Region }}`,
	`{{ slice .Region 2 1 }}`, `{{ slice .Region 0 1 2 }}`, `{{ slice .Region 0 1 2 3 }}`, `{{ slice .Region 0 100 }}`,
	`{{ slice .Account.Ancestors 1 }}`, `{{ slice .Account.Ancestors 0 1 1 }}`, `{{ slice .Account.Ancestors 0 2 1 }}`,
	`{{ slice .Account.Ancestors 0 4 }}`, `{{ slice .Account.Ancestors 0 1 4 }}`, `{{ slice .Account.Ancestors 0 1 5 }}`,
	`{{ slice .Values 0 }}`, `{{ slice .Account.Name 0 3 | upper }}`, `{{ slice 1 }}`, `{{ slice }}`,
	`{{ slice .Region "a" }}`, `{{ slice .Region (index .Region 0) }}`, `{{ slice .Region 0 (index .Region 9) }}`,
	// print, printf, println.
	`{{ print }}`, `{{ print 1 2 }}`, `{{ print "a" "b" }}`, `{{ print .Account.OU 1 }}`, `{{ printf "%s-%d" .Region 3 }}`,
	`{{ printf "%v" . }}`, `{{ printf "%+v" .Account }}`, `{{ printf 1 }}`, `{{ printf }}`, `{{ printf "%05.1f" 2.5 }}`,
	`{{ .Region | printf "%s!" }}`, `{{ "%s" | printf }}`, `{{ println "a" 1 }}`, `{{ printf "%d" .Region }}`,
	`{{ printf .Region }}`, `{{ printf .Account }}`, `{{ printf "%T %T %T" (index .Region 0) 1.5 .Values }}`,
	`{{ print true 1 'x' }}`, `{{ print .Values.missing }}`,
	// Comparisons.
	`{{ eq .Region "us-east-1" }}`, `{{ eq .Region "a" "b" "us-east-1" }}`, `{{ eq 1 1 }}`, `{{ eq 1 1.0 }}`,
	`{{ eq 1.5 1.5 }}`, `{{ eq true true }}`, `{{ eq true false }}`, `{{ eq .Region 1 }}`, `{{ eq .Region }}`,
	`{{ eq }}`, `{{ eq .Account.OU .Account.OU }}`, `{{ eq .Account.OU (index .Account.Ancestors 0) }}`,
	`{{ eq .Account .Account }}`, `{{ eq .Account.OU .Account }}`, `{{ eq .Account .Account.OU }}`,
	`{{ eq .Account.Ancestors .Account.Ancestors }}`, `{{ eq .Values .Values }}`, `{{ eq .Account.Ancestors .Values }}`,
	`{{ eq . $ }}`, `{{ eq (index .Region 0) 117 }}`, `{{ eq 117 (index .Region 0) }}`,
	`{{ eq (index .Region 0) (index .Region 0) }}`, `{{ eq -1 (index .Region 0) }}`, `{{ eq (index .Region 0) -1 }}`,
	`{{ eq "a" .Account.OU }}`, `{{ eq .Account.OU "a" }}`, `{{ eq "x" "y" 1 }}`, `{{ eq "x" "x" 1 }}`,
	`{{ eq .Region "us-east-1" .Account }}`, `{{ ne .Region "x" }}`, `{{ ne 1 "x" }}`, `{{ ne .Account .Account }}`,
	`{{ ne .Account.OU .Account.OU }}`, `{{ ne 1 }}`, `{{ lt 1 2 }}`, `{{ lt "a" "b" }}`, `{{ lt 1.5 2 }}`,
	`{{ lt 1.5 2.5 }}`, `{{ lt true false }}`, `{{ lt .Account 1 }}`, `{{ lt 1 .Account }}`,
	`{{ lt (index .Region 0) 200 }}`, `{{ lt -1 (index .Region 0) }}`, `{{ lt 300 (index .Region 0) }}`,
	`{{ lt (index .Region 0) -1 }}`, `{{ lt (index .Region 0) (index .Region 1) }}`, `{{ le 2 2 }}`, `{{ le 3 2 }}`,
	`{{ le "b" "a" }}`, `{{ le true true }}`, `{{ le 1 "a" }}`, `{{ gt (len .Account.Ancestors) 1 }}`,
	`{{ gt 1 "x" }}`, `{{ gt 2 1 }}`, `{{ ge 2 2 }}`, `{{ ge 1 2 }}`, `{{ ge .Values 1 }}`, `{{ lt 1 }}`,
	`{{ lt 1 2 3 }}`, `{{ .Region | eq "us-east-1" }}`, `{{ 2 | lt 1 }}`, `{{ lt 'a' 'b' }}`,
	// if, with, else.
	`{{ if .Region }}y{{ end }}`, `{{ if .Values.empty }}y{{ else }}n{{ end }}`,
	`{{ if eq .Region "x" }}a{{ else if eq .Region "us-east-1" }}b{{ else }}c{{ end }}`,
	`{{ if .Account.Ancestors }}has{{ end }}`, `{{ if .Values }}v{{ end }}`, `{{ if 0 }}a{{ else }}b{{ end }}`,
	`{{ if 0.0 }}a{{ else }}b{{ end }}`, `{{ if .Account.OU }}ou{{ end }}`, `{{ if index .Region 0 }}b{{ end }}`,
	`{{ with .Account }}{{ .Name }}{{ end }}`, `{{ with .Account.OU }}{{ .ID }}-{{ $.Region }}{{ end }}`,
	`{{ with .Values.empty }}x{{ else }}empty{{ end }}`, `{{ with .Values.empty }}x{{ else with .Region }}{{ . }}{{ end }}`,
	`{{ with $x := .Region }}{{ $x }}{{ end }}`, `{{ with .Account }}{{ .Label }}{{ end }}`,
	`{{ with .Account }}{{ .Nope }}{{ end }}`, `{{ if .Values.missing }}{{ end }}`,
	`{{ with $x := .Values.empty }}{{ else }}[{{ $x }}]{{ end }}`, `{{ if and .Region (not .Values.empty) }}ok{{ end }}`,
	`{{ if inOU .Account "Prod" }}prod{{ else }}dev{{ end }}`, `{{ with .Account.Ancestors }}{{ len . }}{{ end }}`,
	// range, break, continue.
	`{{ range .Account.Ancestors }}{{ .Name }}/{{ end }}`, `{{ range $i, $ou := .Account.Ancestors }}{{ $i }}={{ $ou.ID }};{{ end }}`,
	`{{ range $ou := .Account.Ancestors }}{{ $ou.Name }}{{ end }}`, `{{ range .Account.Ancestors }}x{{ else }}none{{ end }}`,
	`{{ range $k, $v := .Values }}{{ $k }}={{ $v }},{{ end }}`, `{{ range .Values }}{{ . }}{{ else }}no values{{ end }}`,
	`{{ range 3 }}{{ . }}{{ end }}`, `{{ range $i := 3 }}{{ $i }}{{ end }}`, `{{ range $i, $e := 3 }}{{ end }}`,
	`{{ range $i, $e := 0 }}{{ end }}`, `{{ range 0 }}x{{ else }}zero{{ end }}`, `{{ range -2 }}x{{ else }}neg{{ end }}`,
	`{{ range .Region }}{{ end }}`, `{{ range .Account }}{{ end }}`, `{{ range true }}{{ end }}`, `{{ range 1.5 }}{{ end }}`,
	`{{ range index .Region 0 }}{{ . }},{{ end }}`, `{{ range $i, $e := index .Region 0 }}{{ end }}`,
	`{{ range .Account.Ancestors }}{{ if eq .Name "Sample" }}{{ continue }}{{ end }}{{ .Name }}{{ end }}`,
	`{{ range .Account.Ancestors }}{{ .Name }}{{ break }}{{ end }}after`,
	`{{ range .Account.Ancestors }}{{ with .Name }}{{ break }}{{ end }}x{{ end }}`,
	`{{ range $i, $e := .Account.Ancestors }}{{ range $.Account.Ancestors }}{{ $i }}{{ .ID }}{{ break }}{{ end }}{{ end }}`,
	`{{ $x := "" }}{{ range $x = .Account.Ancestors }}{{ end }}{{ $x }}`,
	`{{ $i := 0 }}{{ $e := 0 }}{{ range $i, $e = .Account.Ancestors }}{{ end }}{{ $i }}{{ $e }}`,
	`{{ $x := 5 }}{{ range $x = 2 }}{{ $x }}{{ end }}{{ $x }}`, `{{ range .Account.Ancestors }}{{ $.Region }}{{ .Nope }}{{ end }}`,
	`{{ range $i, $e := .Values }}{{ $i }}{{ end }}`, `{{ range .Account.Ancestors.X }}{{ end }}`,
	`{{ range $i, $e := .Account.Ancestors }}{{ $j := $i }}{{ $j }}{{ end }}`, `{{ range .Values.missing }}{{ end }}`,
	// Variables.
	`{{ $x := .Region }}{{ $x }}`, `{{ $x := .Region }}{{ $x = "y" }}{{ $x }}`, `{{ $x := .Account }}{{ $x.OU.Name }}`,
	`{{ $x := 1 }}{{ $x.Foo }}`, `{{ $.Account.ID }}`, `{{ $ = 1 }}{{ $ }}`, `{{ if true }}{{ $x := 1 }}{{ $x }}{{ end }}`,
	`{{ $x := .Values.missing }}`, `{{ $x := 1 }}`, `{{ $x := .Values }}{{ $x.team }}{{ $x.nope }}`,
	`{{ $x := .Account }}{{ $x.Label }}`, `{{ $x := .Account }}{{ $x.Label 1 }}`,
	// Pipelines and parentheses.
	`{{ .Account.Name | lower | replace " " "-" | trimPrefix "acme" }}`, `{{ .Region | len }}`,
	`{{ .Account.Ancestors | len }}`, `{{ (.Region) }}`, `{{ (index .Account.Ancestors 0).ID }}`,
	`{{ (index .Account.Ancestors 5).ID }}`, `{{ (.Account).OU.ID }}`, `{{ (.Account.OU).Nope }}`, `{{ (.Region).X }}`,
	`{{ (print "x").Y }}`, `{{ (.Account).Label }}`, `{{ print.X }}`, `{{ .Region | print | len }}`,
	`{{ (.Account).OU.ID "x" }}`, `{{ "y" | (.Account).OU.ID }}`, `{{ (index .Values "team").X }}`,
	// Trimming and comments.
	`a {{- .Region -}} b`, `{{/* c */}}x`, `{{- /* c */ -}} x`,
	// What does not parse.
	`{{ .Account.ID`, `{{ slugify .X }}`, `{{ end }}`, `{{ if }}`, `{{ $x }}`, `{{ break }}`, `{{ ..X }}`,
	`{{ define "x" }}y{{ end }}z`, `{{ block "b" . }}x{{ end }}`, `{{ range }}{{ end }}`, `{{ 99999999999999999999 }}`,
}

// refusedTemplates parse but use what the evaluator does not run.
var refusedTemplates = []string{
	`{{ template "x" }}`, `{{ template "x" . }}`, `{{ html .Region }}`, `{{ js .Region }}`, `{{ urlquery .Region }}`,
	`{{ call .Region }}`, `{{ .Region | html }}`, `{{ nil }}`, `{{ eq .Region nil }}`, `{{ 1i }}`, `{{ print 1+2i }}`,
	`{{ (nil).X }}`, `{{ if true }}{{ else }}{{ html 1 }}{{ end }}`, `{{ range .Account.Ancestors }}{{ template "t" }}{{ end }}`,
	`{{ with $x := nil }}{{ end }}`,
}

func TestEvaluatorMatchesTextTemplate(t *testing.T) {
	for _, text := range differentialTemplates {
		t.Run(text, func(t *testing.T) {
			if differential(t, text) {
				t.Errorf("%q refused; it should be supported", text)
			}
		})
	}
}

func TestUnsupportedConstructsRefused(t *testing.T) {
	for _, text := range refusedTemplates {
		t.Run(text, func(t *testing.T) {
			if !differential(t, text) {
				t.Errorf("%q accepted; it should be refused", text)
			}
		})
	}
	// The message names the construct and what is supported instead.
	_, err := compile("p", "p", `{{ html .Region }}`)
	for _, want := range []string{"built-in html", "functions: default, inOU, lower, octet", "built-ins: and, eq, ge"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("compile html: %v; want it to contain %q", err, want)
		}
	}
}

// FuzzEvaluatorMatchesTextTemplate holds the evaluator to text/template on
// any template, seeded from the table above and every template in the
// example plan and testdata.
func FuzzEvaluatorMatchesTextTemplate(f *testing.F) {
	for _, text := range slices.Concat(differentialTemplates, refusedTemplates, testdataTemplates(f)) {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 400 || expensive(text) {
			t.Skip("would take too long to run")
		}
		differential(t, text)
	})
}

// expensive says whether a template might loop for long: a range over a
// large number, or nested ranges.
func expensive(text string) bool {
	trees, err := parse.Parse("x", text, "", "", parseFuncs())
	if err != nil {
		return false
	}
	ranges, big := 0, false
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, x := range n.Nodes {
					walk(x)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			ranges++
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.NumberNode:
			big = big || (n.IsFloat && (n.Float64 > 300 || n.Float64 < -300))
		}
	}
	for _, tree := range trees {
		walk(tree.Root)
	}
	return ranges > 1 || (ranges == 1 && big)
}

// testdataTemplates are the template strings in the example plan and
// testdata/**/*.yaml.
func testdataTemplates(tb testing.TB) []string {
	files, _ := filepath.Glob("testdata/*/*.yaml")
	var out []string
	for _, file := range append(files, "example.yaml") {
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil {
			continue
		}
		out = append(out, scalarsWithActions(&doc)...)
	}
	if len(out) < 10 {
		tb.Fatalf("found %d templates in testdata; the walk is broken", len(out))
	}
	return out
}

func scalarsWithActions(n *yaml.Node) []string {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "{{") {
		return []string{n.Value}
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, scalarsWithActions(c)...)
	}
	return out
}

// TestFuncsMatchTextFuncs checks that funcs declares each function's
// parameters as its Go signature has them, which is what text/template
// checks arguments against.
func TestFuncsMatchTextFuncs(t *testing.T) {
	if got, want := slices.Sorted(maps.Keys(funcs)), slices.Sorted(maps.Keys(textFuncs)); !slices.Equal(got, want) {
		t.Fatalf("funcs %v, textFuncs %v", got, want)
	}
	kinds := map[reflect.Type]param{reflect.TypeFor[string](): stringParam, reflect.TypeFor[Account](): accountParam}
	for name, fn := range textFuncs {
		typ := reflect.TypeOf(fn)
		var params []param
		for i := range typ.NumIn() {
			params = append(params, kinds[typ.In(i)])
		}
		if !slices.Equal(params, funcs[name].params) || funcs[name].variadic {
			t.Errorf("%s: params %v, Go signature %v", name, funcs[name].params, typ)
		}
	}
	// Every built-in of text/template is either supported or refused.
	all := []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println",
		"urlquery", "eq", "ge", "gt", "le", "lt", "ne"}
	for _, name := range all {
		_, ok := builtins[name]
		if ok == slices.Contains(refusedBuiltins, name) {
			t.Errorf("built-in %s: supported %v, refused %v", name, ok, !ok)
		}
	}
	if len(builtins)+len(refusedBuiltins) != len(all) {
		t.Errorf("%d supported and %d refused built-ins, text/template has %d", len(builtins), len(refusedBuiltins), len(all))
	}
}

// TestFieldsMatchTypes checks that fieldOf knows every exported field of
// the types templates see, and that Label is Account's only method: a field
// or method added to these types must be added to the evaluator.
func TestFieldsMatchTypes(t *testing.T) {
	for _, v := range []any{RenderData{}, Account{}, OU{}} {
		typ := reflect.TypeOf(v)
		for f := range typ.Fields() {
			if _, ok := fieldOf(v, f.Name); ok != f.IsExported() {
				t.Errorf("%s.%s: fieldOf knows it %v, exported %v", typ, f.Name, ok, f.IsExported())
			}
		}
		if _, ok := fieldOf(v, "Nope"); ok {
			t.Errorf("%s.Nope: fieldOf knows it", typ)
		}
		var methods []string
		for _, pt := range []reflect.Type{typ, reflect.PointerTo(typ)} {
			for m := range pt.Methods() {
				methods = append(methods, m.Name)
			}
		}
		want := []string(nil)
		if typ == reflect.TypeFor[Account]() {
			want = []string{"Label", "Label"}
		}
		if !slices.Equal(methods, want) {
			t.Errorf("%s has methods %v; the evaluator knows %v", typ, methods, want)
		}
	}
}
