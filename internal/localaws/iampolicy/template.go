package iampolicy

import (
	"errors"
	"fmt"
	"strings"
)

// token is one piece of a policy string: text written in the policy, or a
// policy variable filled from the request context.
type token struct {
	// text is the policy's own text; for a variable, its context key.
	text string
	// variable marks a ${key} or ${key, 'default'} reference.
	variable bool
	// escaped marks the text of ${*}, ${?} or ${$}: never a wildcard.
	escaped bool
	// def is the default of ${key, 'default'}, when hasDef.
	def    string
	hasDef bool
}

// template is a policy string with its variables located at parse time.
type template []token

// parseTemplate splits s into text and variables. Without vars (the 2008
// policy language) all of s is text, ${...} included.
func parseTemplate(s string, vars bool) (template, error) {
	if !vars {
		return template{{text: s}}, nil
	}
	var t template
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		if i > 0 {
			t = append(t, token{text: s[:i]})
		}
		end := variableEnd(s[i+2:])
		if end < 0 {
			return nil, fmt.Errorf("policy variable %q is not closed; end it with \"}\", or write a literal \"$\" as \"${$}\"", s[i:])
		}
		tok, err := parseVariable(s[i+2 : i+2+end])
		if err != nil {
			return nil, err
		}
		t = append(t, tok)
		s = s[i+2+end+1:]
	}
	if s != "" {
		t = append(t, token{text: s})
	}
	return t, nil
}

// variableEnd finds the "}" closing a variable body, skipping a quoted
// default, or -1.
func variableEnd(s string) int {
	quoted := false
	for i, r := range s {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '}' && !quoted:
			return i
		}
	}
	return -1
}

// errVariableSyntax is the fix every malformed variable shares.
var errVariableSyntax = errors.New(`write a variable as ${context-key} or ${context-key, 'default'}; ${*}, ${?} and ${$} stand for those characters`)

// parseVariable reads the body of ${...}.
func parseVariable(body string) (token, error) {
	b := strings.TrimSpace(body)
	switch b {
	case "*", "?", "$":
		return token{text: b, escaped: true}, nil
	}
	key, def, hasDef := strings.Cut(b, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " \t\n'{}$*?") {
		return token{}, fmt.Errorf("policy variable ${%s} has no valid context key: %w", body, errVariableSyntax)
	}
	tok := token{text: key, variable: true}
	if hasDef {
		d := strings.TrimSpace(def)
		if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' || strings.Contains(d[1:len(d)-1], "'") {
			return token{}, fmt.Errorf("policy variable ${%s} has a default that is not in single quotes: %w", body, errVariableSyntax)
		}
		tok.def, tok.hasDef = d[1:len(d)-1], true
	}
	return tok, nil
}

// hasVariables reports whether t depends on the request.
func (t template) hasVariables() bool {
	for _, tok := range t {
		if tok.variable {
			return true
		}
	}
	return false
}

// value is what a variable stands for in ctx: the key's single value, else
// its default. A missing or multivalued key (AWS allows only single-valued
// keys as variables) without a default has no value.
func (tok token) value(ctx contextKeys) (string, bool) {
	if v := ctx.get(tok.text); len(v) == 1 {
		return v[0], true
	}
	return tok.def, tok.hasDef
}

// glob resolves t into a pattern; with wild, the policy's own * and ? are
// wildcards. It fails when a variable has no value.
func (t template) glob(ctx contextKeys, wild bool) (glob, bool) {
	var g glob
	for _, tok := range t {
		switch {
		case tok.variable:
			v, ok := tok.value(ctx)
			if !ok {
				return nil, false
			}
			g = g.appendText(v, false)
		default:
			g = g.appendText(tok.text, wild && !tok.escaped)
		}
	}
	return g, true
}

// resolve renders t as plain text, for the exact-match operators. It fails
// when a variable has no value.
func (t template) resolve(ctx contextKeys) (string, bool) {
	var b strings.Builder
	for _, tok := range t {
		s := tok.text
		if tok.variable {
			v, ok := tok.value(ctx)
			if !ok {
				return "", false
			}
			s = v
		}
		b.WriteString(s)
	}
	return b.String(), true
}

// literal is t's text when t has no variables (escapes resolved), for checks
// at parse time.
func (t template) literal() (string, bool) {
	if t.hasVariables() {
		return "", false
	}
	s, _ := t.resolve(nil)
	return s, true
}
