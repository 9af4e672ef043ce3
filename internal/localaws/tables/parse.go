package tables

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// step is one element of a document path: an attribute or map key, or a
// list index.
type step struct {
	name  string
	index int
	isIdx bool
}

// path is a document path such as a.b[0].c, its names already resolved
// from ExpressionAttributeNames.
type path []step

func (p path) String() string {
	parts := make([]string, len(p))
	for i, s := range p {
		if s.isIdx {
			parts[i] = "[" + strconv.Itoa(s.index) + "]"
		} else {
			parts[i] = s.name
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// operand is a value in an expression: a path, a :value, or a function
// returning a value (size, if_not_exists, list_append), or + / - of two.
type operand struct {
	kind  string // "path", "value", "size", "if_not_exists", "list_append", "+", "-"
	path  path
	value Value
	args  []operand
}

// cond is a condition: comparison, BETWEEN, IN, AND, OR, NOT or a boolean
// function.
type cond struct {
	op   string // "=", "<>", "<", "<=", ">", ">=", "BETWEEN", "IN", "AND", "OR", "NOT", or a function name
	ops  []operand
	subs []*cond
}

// exprContext holds a request's ExpressionAttributeNames and Values and
// records which of them its expressions use, for DynamoDB's "unused" errors.
type exprContext struct {
	names      map[string]string
	values     map[string]Value
	usedNames  map[string]bool
	usedValues map[string]bool
}

func newExprContext(names map[string]string, values map[string]Value) *exprContext {
	return &exprContext{names: names, values: values, usedNames: map[string]bool{}, usedValues: map[string]bool{}}
}

// checkUnused answers DynamoDB's errors for names and values no expression used.
func (x *exprContext) checkUnused() *wireError {
	var unusedV, unusedN []string
	for k := range x.values {
		if !x.usedValues[k] {
			unusedV = append(unusedV, k)
		}
	}
	for k := range x.names {
		if !x.usedNames[k] {
			unusedN = append(unusedN, k)
		}
	}
	if len(unusedV) > 0 {
		slices.Sort(unusedV)
		return validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + strings.Join(unusedV, ", ") + "}")
	}
	if len(unusedN) > 0 {
		slices.Sort(unusedN)
		return validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + strings.Join(unusedN, ", ") + "}")
	}
	return nil
}

// parser is a recursive-descent parser over one expression's tokens.
type parser struct {
	what string // "ConditionExpression", "UpdateExpression", ...
	src  string
	toks []token
	pos  int
	x    *exprContext
}

func newParser(what, src string, x *exprContext) (*parser, *wireError) {
	if strings.TrimSpace(src) == "" {
		return nil, invalid("An expression can not be empty.")
	}
	toks, err := lex(what, src)
	if err != nil {
		return nil, err
	}
	return &parser{what: what, src: src, toks: toks, x: x}, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }

// is reports whether the next token is the keyword or punctuation s.
func (p *parser) is(s string) bool {
	t := p.peek()
	return (t.kind == tokPunct || t.kind == tokIdent) && strings.EqualFold(t.text, s)
}

func (p *parser) accept(s string) bool {
	if p.is(s) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expect(s string) *wireError {
	if !p.accept(s) {
		return p.unexpected()
	}
	return nil
}

func (p *parser) unexpected() *wireError {
	t := p.peek()
	return syntaxError(p.what, p.src, t.text, t.pos)
}

func (p *parser) fail(format string, args ...any) *wireError {
	return validation(fmt.Sprintf("Invalid %s: ", p.what) + fmt.Sprintf(format, args...))
}

func (p *parser) end() *wireError {
	if p.peek().kind != tokEOF {
		return p.unexpected()
	}
	return nil
}

// parseCondition parses a whole condition expression.
func (p *parser) parseCondition() (*cond, *wireError) {
	c, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	return c, p.end()
}

func (p *parser) orExpr() (*cond, *wireError) {
	return p.binary("OR", p.andExpr)
}

func (p *parser) andExpr() (*cond, *wireError) {
	return p.binary("AND", p.notExpr)
}

func (p *parser) binary(op string, sub func() (*cond, *wireError)) (*cond, *wireError) {
	left, err := sub()
	if err != nil {
		return nil, err
	}
	for p.accept(op) {
		right, err := sub()
		if err != nil {
			return nil, err
		}
		left = &cond{op: op, subs: []*cond{left, right}}
	}
	return left, nil
}

func (p *parser) notExpr() (*cond, *wireError) {
	if p.accept("NOT") {
		c, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return &cond{op: "NOT", subs: []*cond{c}}, nil
	}
	return p.primary()
}

// booleanFuncs are the condition functions; size is the one operand function.
var booleanFuncs = map[string]int{"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2, "begins_with": 2, "contains": 2}

func (p *parser) primary() (*cond, *wireError) {
	if p.accept("(") {
		c, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		return c, p.expect(")")
	}
	t := p.peek()
	if t.kind == tokIdent && p.toks[p.pos+1].text == "(" {
		if n, ok := booleanFuncs[t.text]; ok {
			return p.boolFunc(t.text, n)
		}
	}
	left, err := p.operand(false)
	if err != nil {
		return nil, err
	}
	return p.predicate(left)
}

func (p *parser) boolFunc(name string, n int) (*cond, *wireError) {
	p.pos += 2 // name (
	args, err := p.args(name, n)
	if err != nil {
		return nil, err
	}
	if args[0].kind != "path" {
		return nil, p.fail("Operator or function requires a document path; operator or function: %s", name)
	}
	if name == "attribute_type" && args[1].kind != "value" {
		return nil, p.fail("Incorrect operand type for operator or function; operator or function: attribute_type, operand type: path")
	}
	if name == "attribute_type" && !validTypes[args[1].value.str] {
		return nil, p.fail("Invalid attribute type name found; type: %s, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }", args[1].value.str)
	}
	return &cond{op: name, ops: args}, nil
}

var validTypes = map[string]bool{"S": true, "N": true, "B": true, "BOOL": true, "NULL": true, "M": true, "L": true, "SS": true, "NS": true, "BS": true}

// args parses n comma-separated operands and the closing parenthesis.
func (p *parser) args(name string, n int) ([]operand, *wireError) {
	var out []operand
	for {
		o, err := p.operand(name == "if_not_exists" || name == "list_append")
		if err != nil {
			return nil, err
		}
		out = append(out, o)
		if !p.accept(",") {
			break
		}
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	if len(out) != n {
		return nil, p.fail("The function is not allowed to be used this way in an expression; incorrect number of operands; operator or function: %s, number of operands: %d", name, len(out))
	}
	return out, nil
}

var comparators = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

func (p *parser) predicate(left operand) (*cond, *wireError) {
	t := p.peek()
	switch {
	case t.kind == tokPunct && comparators[t.text]:
		p.pos++
		right, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		return &cond{op: t.text, ops: []operand{left, right}}, nil
	case p.accept("BETWEEN"):
		lo, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		if err := p.expect("AND"); err != nil {
			return nil, err
		}
		hi, err := p.operand(false)
		if err != nil {
			return nil, err
		}
		return &cond{op: "BETWEEN", ops: []operand{left, lo, hi}}, nil
	case p.accept("IN"):
		if err := p.expect("("); err != nil {
			return nil, err
		}
		ops := []operand{left}
		for {
			o, err := p.operand(false)
			if err != nil {
				return nil, err
			}
			ops = append(ops, o)
			if !p.accept(",") {
				break
			}
		}
		if len(ops) > 101 {
			return nil, p.fail("The IN operator is provided with too many operands; number of operands: %d", len(ops)-1)
		}
		return &cond{op: "IN", ops: ops}, p.expect(")")
	}
	return nil, p.unexpected()
}

// operand parses a path, a :value or size(path); inUpdate also allows the
// update functions if_not_exists and list_append.
func (p *parser) operand(inUpdate bool) (operand, *wireError) {
	t := p.peek()
	switch t.kind {
	case tokValue:
		p.pos++
		v, ok := p.x.values[t.text]
		if !ok {
			return operand{}, p.fail("An expression attribute value used in expression is not defined; attribute value: %s", t.text)
		}
		p.x.usedValues[t.text] = true
		return operand{kind: "value", value: v}, nil
	case tokIdent:
		if p.toks[p.pos+1].text == "(" {
			return p.funcOperand(t, inUpdate)
		}
		fallthrough
	case tokName:
		pa, err := p.path()
		return operand{kind: "path", path: pa}, err
	}
	return operand{}, p.unexpected()
}

func (p *parser) funcOperand(t token, inUpdate bool) (operand, *wireError) {
	switch {
	case t.text == "size" && !inUpdate:
		p.pos += 2
		args, err := p.args("size", 1)
		if err != nil {
			return operand{}, err
		}
		if args[0].kind != "path" {
			return operand{}, p.fail("Operator or function requires a document path; operator or function: size")
		}
		return operand{kind: "size", args: args}, nil
	case inUpdate && (t.text == "if_not_exists" || t.text == "list_append"):
		p.pos += 2
		args, err := p.args(t.text, 2)
		if err != nil {
			return operand{}, err
		}
		if t.text == "if_not_exists" && args[0].kind != "path" {
			return operand{}, p.fail("Operator or function requires a document path; operator or function: if_not_exists")
		}
		return operand{kind: t.text, args: args}, nil
	case booleanFuncs[t.text] > 0 || t.text == "if_not_exists" || t.text == "list_append" || t.text == "size":
		return operand{}, p.fail("The function is not allowed to be used this way in an expression; function: %s", t.text)
	}
	return operand{}, p.fail("Invalid function name; function: %s", t.text)
}

// path parses a document path: name (. name | [n])*.
func (p *parser) path() (path, *wireError) {
	var out path
	first, err := p.pathName()
	if err != nil {
		return nil, err
	}
	out = append(out, first)
	for {
		switch {
		case p.accept("."):
			s, err := p.pathName()
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		case p.accept("["):
			t := p.next()
			if t.kind != tokInt {
				return nil, syntaxError(p.what, p.src, t.text, t.pos)
			}
			n, convErr := strconv.Atoi(t.text)
			if convErr != nil {
				return nil, p.fail("List index is not within the allowable range; index: %s", t.text)
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			out = append(out, step{index: n, isIdx: true})
		default:
			if len(out) > 32 {
				return nil, p.fail("The document path has too many nesting levels; nesting levels: %d", len(out))
			}
			return out, nil
		}
	}
}

func (p *parser) pathName() (step, *wireError) {
	t := p.next()
	switch t.kind {
	case tokName:
		n, ok := p.x.names[t.text]
		if !ok {
			return step{}, p.fail("An expression attribute name used in the document path is not defined; attribute name: %s", t.text)
		}
		p.x.usedNames[t.text] = true
		return step{name: n}, nil
	case tokIdent:
		if t.text[0] >= '0' && t.text[0] <= '9' {
			return step{}, syntaxError(p.what, p.src, t.text, t.pos)
		}
		if isReserved(t.text) {
			return step{}, p.fail("Attribute name is a reserved keyword; reserved keyword: %s", t.text)
		}
		return step{name: t.text}, nil
	}
	return step{}, syntaxError(p.what, p.src, t.text, t.pos)
}
