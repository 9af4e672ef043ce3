package plan

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/template/parse"
)

// The evaluator runs a parsed template over RenderData the way text/template
// runs it with missingkey=error, with the same output and the same error
// messages, but without reflection. text/template looks fields and methods up
// by name through reflect (Value.MethodByName), and a binary that can reach
// that keeps every exported method of every type it links, because the
// linker cannot tell which one a template will name: that made the Lambda
// binaries half as large again (issue #14). RenderData's shapes are few and
// fixed, so the evaluator knows them: the values a template sees are string,
// int, uint8 (a byte of a string), float64, bool, RenderData, Account, OU,
// []OU and map[string]string. Its structure mirrors text/template's exec.go
// (walk, evalPipeline, evalCommand, evalField, evalCall, evalArg), including
// which node an error names; differential_test.go holds the two to the same
// results.

// execute renders tree over data.
func execute(tree *parse.Tree, data RenderData) (string, error) {
	var b strings.Builder
	var dot any = data // boxed once: $ and dot share it
	s := &state{w: &b, vars: []variable{{"$", dot}}}
	if err := s.walk(dot, tree.Root); err != nil {
		return "", err
	}
	return b.String(), nil
}

// state is one execution: output, variables, and the node being evaluated,
// which errors name.
type state struct {
	w    *strings.Builder
	node parse.Node
	vars []variable
}

type variable struct {
	name  string
	value any
}

// missingType marks a command without a piped-in final argument.
type missingType struct{}

var missing any = missingType{}

func isMissing(v any) bool {
	_, ok := v.(missingType)
	return ok
}

// errBreak and errContinue carry {{break}} and {{continue}} up to their range.
var (
	errBreak    = errors.New("break")
	errContinue = errors.New("continue")
)

func (s *state) at(n parse.Node) { s.node = n }

// errorf is an error at the current node: "<.Account.OU.Path>: …".
func (s *state) errorf(format string, args ...any) error {
	return fmt.Errorf("<%s>: "+format, append([]any{s.node}, args...)...)
}

func (s *state) mark() int { return len(s.vars) }

func (s *state) pop(mark int) { s.vars = s.vars[:mark] }

func (s *state) push(name string, v any) { s.vars = append(s.vars, variable{name, v}) }

func (s *state) setVar(name string, v any) error {
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == name {
			s.vars[i].value = v
			return nil
		}
	}
	return s.errorf("undefined variable: %s", name)
}

func (s *state) setTopVar(n int, v any) { s.vars[len(s.vars)-n].value = v }

func (s *state) varValue(name string) (any, error) {
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == name {
			return s.vars[i].value, nil
		}
	}
	return nil, s.errorf("undefined variable: %s", name)
}

func (s *state) walk(dot any, node parse.Node) error {
	s.at(node)
	switch node := node.(type) {
	case *parse.ActionNode:
		// Variables declared here persist until the enclosing end.
		val, err := s.evalPipeline(dot, node.Pipe)
		if err == nil && len(node.Pipe.Decl) == 0 {
			s.printValue(node, val)
		}
		return err
	case *parse.BreakNode:
		return errBreak
	case *parse.ContinueNode:
		return errContinue
	case *parse.CommentNode:
		return nil
	case *parse.IfNode:
		return s.walkIfOrWith(false, dot, &node.BranchNode)
	case *parse.WithNode:
		return s.walkIfOrWith(true, dot, &node.BranchNode)
	case *parse.ListNode:
		for _, n := range node.Nodes {
			if err := s.walk(dot, n); err != nil {
				return err
			}
		}
		return nil
	case *parse.RangeNode:
		return s.walkRange(dot, node)
	case *parse.TextNode:
		s.w.Write(node.Text)
		return nil
	}
	return s.errorf("unknown node: %s", node) // {{template}}: refused by compile
}

func (s *state) printValue(n parse.Node, v any) {
	s.at(n)
	if v == nil {
		s.w.WriteString("<no value>")
		return
	}
	fmt.Fprint(s.w, v)
}

// walkIfOrWith runs if and with, which differ only in with setting dot.
func (s *state) walkIfOrWith(with bool, dot any, b *parse.BranchNode) error {
	defer s.pop(s.mark())
	val, err := s.evalPipeline(dot, b.Pipe)
	switch {
	case err != nil:
		return err
	case truth(val) && with:
		return s.walk(val, b.List)
	case truth(val):
		return s.walk(dot, b.List)
	case b.ElseList != nil:
		return s.walk(dot, b.ElseList)
	}
	return nil
}

func (s *state) walkRange(dot any, r *parse.RangeNode) error {
	s.at(r)
	defer s.pop(s.mark())
	val, err := s.evalPipeline(dot, r.Pipe)
	if err != nil {
		return err
	}
	if isInteger(val) && len(r.Pipe.Decl) > 1 {
		return s.errorf("can't use %v to iterate over more than one variable", val)
	}
	mark := s.mark()
	ran, err := s.iterate(val, func(index, elem any) error { return s.iteration(r, mark, index, elem) })
	switch {
	case errors.Is(err, errBreak):
		return nil
	case err != nil:
		return err
	case !ran && r.ElseList != nil:
		return s.walk(dot, r.ElseList)
	}
	return nil
}

// iterate calls each for every element of val, in text/template's order (a
// map's keys sorted), and says whether there was any.
func (s *state) iterate(val any, each func(index, elem any) error) (bool, error) {
	switch v := val.(type) {
	case []OU:
		for i, ou := range v {
			if err := each(i, ou); err != nil {
				return true, err
			}
		}
		return len(v) > 0, nil
	case map[string]string:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if err := each(k, v[k]); err != nil {
				return true, err
			}
		}
		return len(v) > 0, nil
	case int:
		return rangeInt(v, each)
	case uint8:
		return rangeInt(v, each)
	case nil:
		return false, nil
	}
	return false, s.errorf("range can't iterate over %v", val)
}

// rangeInt is {{range N}}: 0 to N-1, of N's type, with no index.
func rangeInt[T int | uint8](n T, each func(index, elem any) error) (bool, error) {
	for i := T(0); i < n; i++ {
		if err := each(nil, i); err != nil {
			return true, err
		}
	}
	return n > 0, nil
}

func (s *state) iteration(r *parse.RangeNode, mark int, index, elem any) error {
	if err := s.bindRangeVars(r.Pipe, index, elem); err != nil {
		return err
	}
	defer s.pop(mark)
	err := s.walk(elem, r.List)
	if errors.Is(err, errContinue) {
		return nil
	}
	return err
}

func isInteger(v any) bool {
	switch v.(type) {
	case int, uint8:
		return true
	}
	return false
}

// bindRangeVars sets range's variables: with one, the element; with two, the
// index (or key) and the element. Declared ones ($i, $e :=) were pushed by
// the pipeline; assigned ones ($i, $e =) are set by name.
func (s *state) bindRangeVars(pipe *parse.PipeNode, index, elem any) error {
	decl := pipe.Decl
	switch {
	case len(decl) == 0:
		return nil
	case !pipe.IsAssign:
		s.setTopVar(1, elem)
		if len(decl) > 1 {
			s.setTopVar(2, index)
		}
		return nil
	case len(decl) == 1:
		return s.setVar(decl[0].Ident[0], elem)
	}
	if err := s.setVar(decl[0].Ident[0], index); err != nil {
		return err
	}
	return s.setVar(decl[1].Ident[0], elem)
}
