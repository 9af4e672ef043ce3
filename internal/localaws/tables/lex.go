package tables

import (
	"fmt"
	"strings"
)

// tokKind classifies a token of DynamoDB's expression language.
type tokKind int

const (
	tokEOF   tokKind = iota
	tokIdent         // bare attribute name, keyword or function name
	tokName          // #name
	tokValue         // :value
	tokInt           // list index digits
	tokPunct         // ( ) , . [ ] = <> < <= > >= + -
)

type token struct {
	kind tokKind
	text string
	pos  int
}

// lex splits an expression into tokens. what names the expression in
// errors ("ConditionExpression").
func lex(what, src string) ([]token, *wireError) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#' || c == ':':
			j := i + 1
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			if j == i+1 {
				return nil, syntaxError(what, src, string(c), i)
			}
			kind := tokName
			if c == ':' {
				kind = tokValue
			}
			toks = append(toks, token{kind, src[i:j], i})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			toks = append(toks, token{tokInt, src[i:j], i})
			i = j
		case isWordByte(c):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			toks = append(toks, token{tokIdent, src[i:j], i})
			i = j
		default:
			p := punct(src[i:])
			if p == "" {
				return nil, syntaxError(what, src, string(c), i)
			}
			toks = append(toks, token{tokPunct, p, i})
			i += len(p)
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(src)}), nil
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func punct(s string) string {
	for _, p := range []string{"<>", "<=", ">=", "(", ")", ",", ".", "[", "]", "=", "<", ">", "+", "-"} {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

// syntaxError is DynamoDB's wording for a token its grammar does not expect.
func syntaxError(what, src, tok string, pos int) *wireError {
	if tok == "" {
		tok = "<EOF>"
	}
	start := max(0, pos-10)
	end := min(len(src), pos+len(tok)+10)
	return validation(fmt.Sprintf("Invalid %s: Syntax error; token: %q, near: %q", what, tok, src[start:end]))
}
