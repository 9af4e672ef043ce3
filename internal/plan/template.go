package plan

import (
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"text/template/parse"
)

// RenderData is what parameter and tag templates see:
//
//	.Account.ID .Account.Name .Account.Email .Account.OU.ID .Account.OU.Name
//	.Account.Ancestors (list of OUs, parent first)
//	.Account.Tags    the account's Organizations tags (a map; read only for
//	                 plans that use them): {{ index .Account.Tags "cost-center" }}
//	                 is "" when the account lacks the tag
//	.Region          the target region
//	.Values.name     a plan value
//	.Product         the product key
type RenderData struct {
	Account Account
	Region  string
	Values  map[string]string
	Product string
}

// Funcs are the functions templates may call, kept few so that a plan stays
// readable to someone who does not know Go templates:
//
//	octet S              a number 1..254 derived from S (FNV-1a), stable across runs:
//	                     10.{{ octet .Account.ID }}.0.0/16. Different accounts can
//	                     share an octet (254 buckets); use it for defaults, not uniqueness.
//	lower S, upper S     change case
//	replace OLD NEW S    replace every OLD in S: {{ .Account.Name | replace " " "-" }}
//	trimPrefix P S       drop a leading P: {{ .Account.Name | trimPrefix "acme-" }}
//	default D S          D when S is empty: {{ index .Values "team" | default "platform" }}
//	                     (.Values.team fails when team is not defined; index does not)
//	tagsafe S            S with characters tag values do not allow replaced by '-', cut to
//	                     256: {{ tagsafe .Account.Name }} ("Acme, Inc." -> "Acme- Inc.")
//	inOU ACCOUNT OU      whether the account's OU or any OU above it has this name or ID:
//	                     {{ if inOU .Account "Prod" }}prod{{ else }}dev{{ end }}
//
// Besides these, templates may use the Go template built-ins in builtins
// (builtins.go). Each entry declares its Go signature's parameters, so that
// the evaluator (render.go) checks arguments as text/template would.
var funcs = map[string]function{
	"octet":      {params: []param{stringParam}, call: func(a []any) (any, error) { return octet(a[0].(string)), nil }},
	"lower":      stringFunc(strings.ToLower),
	"upper":      stringFunc(strings.ToUpper),
	"replace":    {params: []param{stringParam, stringParam, stringParam}, call: func(a []any) (any, error) { return replace(a[0].(string), a[1].(string), a[2].(string)), nil }},
	"trimPrefix": {params: []param{stringParam, stringParam}, call: func(a []any) (any, error) { return trimPrefix(a[0].(string), a[1].(string)), nil }},
	"default":    {params: []param{stringParam, stringParam}, call: func(a []any) (any, error) { return defaultString(a[0].(string), a[1].(string)), nil }},
	"inOU":       {params: []param{accountParam, stringParam}, call: func(a []any) (any, error) { return inOU(a[0].(Account), a[1].(string)), nil }},
	"tagsafe":    stringFunc(tagsafe),
}

// stringFunc adapts a func(string) string.
func stringFunc(f func(string) string) function {
	return function{params: []param{stringParam}, call: func(a []any) (any, error) { return f(a[0].(string)), nil }}
}

func replace(old, repl, s string) string { return strings.ReplaceAll(s, old, repl) }

func trimPrefix(prefix, s string) string { return strings.TrimPrefix(s, prefix) }

func defaultString(def, s string) string {
	if s == "" {
		return def
	}
	return s
}

// tagsafe makes s a valid tag value: characters tags do not allow (an
// account named "Acme, Inc. (prod)") become '-', and it is cut to 256.
func tagsafe(s string) string {
	out := []rune(reTagChars.replaceOthers(s, '-'))
	if len(out) > maxTagValueLen {
		out = out[:maxTagValueLen]
	}
	return string(out)
}

// octet maps s to 1..254, usable as an IPv4 octet that is never 0 or 255.
func octet(s string) int {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(h.Sum32()%254) + 1
}

func inOU(a Account, ou string) bool {
	if ouMatches(ou, a.OU) {
		return true
	}
	for _, anc := range a.Ancestors {
		if ouMatches(ou, anc) {
			return true
		}
	}
	return false
}

func funcNames() string {
	return strings.Join(slices.Sorted(maps.Keys(funcs)), ", ")
}

// compile parses one parameter or tag value and refuses what the evaluator
// does not run (subset.go). Rendering has missingkey=error semantics: a
// reference to an undefined plan value fails instead of rendering
// "<no value>" into a provisioning parameter.
func compile(path, key, text string) (*compiled, error) {
	trees, err := parse.Parse(path, text, "", "", parseFuncs())
	if err != nil {
		msg := templateMessage(err, path)
		if strings.Contains(msg, "not defined") && strings.Contains(msg, "function") {
			msg += "; functions: " + funcNames()
		}
		return nil, fmt.Errorf("template does not parse: %s", msg)
	}
	if len(trees) > 1 {
		return nil, errors.New("template defines named templates ({{define}} or {{block}}); a value is one template")
	}
	t := trees[path]
	if msg := unsupported(t.Root); msg != "" {
		return nil, errors.New(msg)
	}
	return &compiled{key: key, path: path, t: t}, nil
}

// exec renders the template; its error is the message alone ("<index
// .Account.Ancestors 3>: error calling index: ..."), the value's path being
// the caller's to add.
func (c *compiled) exec(data RenderData) (string, error) {
	return execute(c.t, data)
}

// templateMessage strips the "template: NAME:LINE:COL: executing NAME at"
// preamble of text/template's messages (parse errors carry its first part):
// the problem's path and line already locate it, and the template's own line
// numbers count from the value, not the file. The evaluator's messages have
// no preamble and pass unchanged.
func templateMessage(err error, name string) string {
	s := strings.TrimPrefix(err.Error(), "template: ")
	s = strings.TrimPrefix(s, name+":")
	s = rePosition().ReplaceAllString(s, "")
	s = strings.Replace(s, fmt.Sprintf("executing %q at ", name), "", 1)
	return s
}

const sampleProductKey = "sample-product"

// sample is an account templates are executed against at validation.
type sample struct {
	what    string // how the account differs, for the message
	account Account
}

// samples are the accounts templates are executed against at validation, so
// that a template that fails for an account of a common shape fails
// `landfall validate` instead of a real run: one two OUs deep, one directly
// under the root (no OU above it), and one whose name and email hold the
// punctuation and non-ASCII letters Organizations allows. Only that last one
// carries tags (one with an empty value): a template must work for accounts
// without a tag it names too.
var samples = []sample{
	{"two OUs deep", Account{ID: "123456789012", Name: "sample-account", Email: "sample@example.com",
		OU: OU{ID: "ou-abcd-sample00", Name: "Sample"}, Ancestors: []OU{{ID: "ou-abcd-sample00", Name: "Sample"}, {ID: "ou-abcd-parent00", Name: "Parent"}}}},
	{"directly under the root", Account{ID: "210987654321", Name: "root-level", Email: "root-level@example.com",
		OU: OU{ID: "r-abcd", Name: "Root"}}},
	{`named "Acme, Inc. (prod) – Zürich"`, Account{ID: "111122223333", Name: "Acme, Inc. (prod) – Zürich", Email: "first.o'neil+aws@example.co.uk",
		OU: OU{ID: "ou-abcd-acme0000", Name: "Acme & Co"}, Ancestors: []OU{{ID: "ou-abcd-acme0000", Name: "Acme & Co"}},
		Tags: map[string]string{"cost-center": "4100", "owner": "Platform Team", "empty": ""}}},
}

func sampleData(a Account, region, key string, values map[string]string) RenderData {
	return RenderData{Account: a, Region: region, Values: values, Product: key}
}

// checkFields walks a template's parse tree and reports field references that
// cannot work: .Account.Id, .Values.undefined, .Region.Name. Executing against
// a sample account only checks the branches taken; this checks all of them.
// Inside range and with, dot is no longer RenderData, so only $-rooted
// references are checked there.
func checkFields(t *parse.Tree, values map[string]string) []string {
	c := &fieldChecker{values: values}
	if t != nil && t.Root != nil {
		c.node(t.Root, true)
	}
	return c.problems
}

type fieldChecker struct {
	values   map[string]string
	problems []string
}

func (c *fieldChecker) node(n parse.Node, rooted bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, x := range n.Nodes {
			c.node(x, rooted)
		}
	case *parse.ActionNode:
		c.node(n.Pipe, rooted)
	case *parse.IfNode:
		c.branch(&n.BranchNode, rooted, rooted)
	case *parse.WithNode:
		c.branch(&n.BranchNode, rooted, false)
	case *parse.RangeNode:
		c.branch(&n.BranchNode, rooted, false)
	case *parse.TemplateNode:
		if n.Pipe != nil {
			c.node(n.Pipe, rooted)
		}
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, cmd := range n.Cmds {
			c.node(cmd, rooted)
		}
	case *parse.CommandNode:
		for _, arg := range n.Args {
			c.node(arg, rooted)
		}
	case *parse.FieldNode:
		if rooted {
			c.check(n.Ident)
		}
	case *parse.VariableNode:
		if n.Ident[0] == "$" && len(n.Ident) > 1 {
			c.check(n.Ident[1:])
		}
	case *parse.ChainNode:
		switch base := n.Node.(type) {
		case *parse.FieldNode:
			if rooted {
				c.check(append(slices.Clone(base.Ident), n.Field...))
			}
		case *parse.VariableNode:
			if base.Ident[0] == "$" {
				c.check(append(slices.Clone(base.Ident[1:]), n.Field...))
			}
		default:
			c.node(n.Node, rooted)
		}
	}
}

func (c *fieldChecker) branch(b *parse.BranchNode, rooted, inner bool) {
	c.node(b.Pipe, rooted)
	c.node(b.List, inner)
	if b.ElseList != nil {
		c.node(b.ElseList, rooted)
	}
}

func (c *fieldChecker) check(idents []string) {
	if len(idents) == 0 {
		return
	}
	if msg := fieldProblem(idents, c.values); msg != "" && !slices.Contains(c.problems, msg) {
		c.problems = append(c.problems, msg)
	}
}

const topFields = ".Account.ID, .Account.Name, .Account.Email, .Account.OU.ID, .Account.OU.Name, .Account.Ancestors, .Account.Tags, .Region, .Values.<name> or .Product"

func fieldProblem(idents []string, values map[string]string) string {
	ref := "." + strings.Join(idents, ".")
	switch idents[0] {
	case "Account":
		if len(idents) == 1 {
			return ""
		}
		switch idents[1] {
		case "ID", "Name", "Email":
			if len(idents) == 2 {
				return ""
			}
			return fmt.Sprintf("%s: .Account.%s is a string and has no fields", ref, idents[1])
		case "OU":
			if len(idents) == 2 || (len(idents) == 3 && (idents[2] == "ID" || idents[2] == "Name")) {
				return ""
			}
			return fmt.Sprintf("%s is not a field; use .Account.OU.ID or .Account.OU.Name", ref)
		case "Ancestors":
			if len(idents) == 2 {
				return ""
			}
			return fmt.Sprintf("%s: .Account.Ancestors is a list; use range or index, or inOU .Account \"Name\"", ref)
		case "Tags":
			if len(idents) == 2 {
				return ""
			}
			// .Account.Tags.team fails for every account without the tag;
			// index renders "" there instead, and works for any key.
			return fmt.Sprintf("%s: not every account carries tag %s; use {{ index .Account.Tags %q }}, which is empty when it does not (add | default \"…\" for a fallback)", ref, idents[2], idents[2])
		}
		return fmt.Sprintf("%s is not a field; use .Account.ID, .Account.Name, .Account.Email, .Account.OU.ID, .Account.OU.Name, .Account.Ancestors or .Account.Tags", ref)
	case "Region", "Product":
		if len(idents) == 1 {
			return ""
		}
		return fmt.Sprintf("%s: .%s is a string and has no fields", ref, idents[0])
	case "Values":
		switch {
		case len(idents) == 1:
			return ""
		case len(idents) > 2:
			return fmt.Sprintf("%s: .Values.%s is a string and has no fields", ref, idents[1])
		}
		if _, ok := values[idents[1]]; ok {
			return ""
		}
		defined := "none are defined"
		if len(values) > 0 {
			defined = "defined: " + strings.Join(slices.Sorted(maps.Keys(values)), ", ")
		}
		return fmt.Sprintf("%s: no value %q; define it under values at the top level (%s)", ref, idents[1], defined)
	}
	return fmt.Sprintf("%s is not a field; use %s", ref, topFields)
}

// Render renders a target's parameters and tags for one account. Tags are the
// plan's tags with the product's tags on top (the product wins on a shared
// key). Every failing template is reported, each with its plan path.
func (pl *Plan) Render(t Placement, a Account) (params, tags map[string]string, err error) {
	p := t.Product
	if p == nil || pl.byKey[p.Key] != p {
		return nil, nil, fmt.Errorf("render target in %s: its product is not part of plan %s", t.Region, pl.Source)
	}
	if !slices.Contains(p.Regions, t.Region) {
		return nil, nil, fmt.Errorf("render %s in %s: the plan does not provision it there (regions: %s)", p.Key, t.Region, strings.Join(p.Regions, ", "))
	}
	data := RenderData{Account: a, Region: t.Region, Values: pl.Values, Product: p.Key}
	var errs []error
	params = make(map[string]string, len(p.params))
	for _, c := range p.params {
		s, err := c.exec(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.path, err))
			continue
		}
		params[c.key] = s
	}
	tags = make(map[string]string, len(pl.tags)+len(p.tags))
	for _, list := range [][]*compiled{pl.tags, p.tags} {
		for _, c := range list {
			s, err := c.exec(data)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", c.path, err))
				continue
			}
			if msg := tagValueProblem(s); msg != "" {
				errs = append(errs, fmt.Errorf("%s: renders %q: %s", c.path, s, msg))
				continue
			}
			tags[c.key] = s
		}
	}
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("render %s for account %s in %s: %w", p.Key, a.ID, t.Region, errors.Join(errs...))
	}
	return params, tags, nil
}
