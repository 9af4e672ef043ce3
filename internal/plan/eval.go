package plan

import (
	"strings"
	"text/template/parse"
)

// Evaluation of pipelines, commands and arguments: text/template's eval
// functions over the values RenderData holds (see render.go).

func (s *state) evalPipeline(dot any, pipe *parse.PipeNode) (any, error) {
	if pipe == nil {
		return nil, nil
	}
	s.at(pipe)
	value := missing
	for _, cmd := range pipe.Cmds {
		v, err := s.evalCommand(dot, cmd, value) // the previous value is this one's final argument
		if err != nil {
			return nil, err
		}
		value = v
	}
	for _, v := range pipe.Decl {
		if !pipe.IsAssign {
			s.push(v.Ident[0], value)
		} else if err := s.setVar(v.Ident[0], value); err != nil {
			return nil, err
		}
	}
	return value, nil
}

func (s *state) notAFunction(args []parse.Node, final any) error {
	if len(args) > 1 || !isMissing(final) {
		return s.errorf("can't give argument to non-function %s", args[0])
	}
	return nil
}

func (s *state) evalCommand(dot any, cmd *parse.CommandNode, final any) (any, error) {
	first := cmd.Args[0]
	switch n := first.(type) {
	case *parse.FieldNode:
		return s.evalFieldNode(dot, n, cmd.Args, final)
	case *parse.ChainNode:
		return s.evalChainNode(dot, n, cmd.Args, final)
	case *parse.IdentifierNode:
		return s.evalFunction(dot, n, cmd, cmd.Args, final)
	case *parse.PipeNode:
		if err := s.notAFunction(cmd.Args, final); err != nil {
			return nil, err
		}
		return s.evalPipeline(dot, n)
	case *parse.VariableNode:
		return s.evalVariableNode(dot, n, cmd.Args, final)
	}
	s.at(first)
	if err := s.notAFunction(cmd.Args, final); err != nil {
		return nil, err
	}
	switch word := first.(type) {
	case *parse.BoolNode:
		return word.True, nil
	case *parse.DotNode:
		return dot, nil
	case *parse.NilNode:
		return nil, s.errorf("nil is not a command")
	case *parse.NumberNode:
		return s.idealConstant(word)
	case *parse.StringNode:
		return word.Text, nil
	}
	return nil, s.errorf("can't evaluate command %q", first)
}

// idealConstant is a number whose type its context does not give: a
// decimal when written as one, else an int.
func (s *state) idealConstant(n *parse.NumberNode) (any, error) {
	s.at(n)
	switch {
	case n.IsComplex:
		return nil, s.errorf("%s: complex numbers are not supported", n.Text) // refused by compile
	case n.IsFloat && !isHexInt(n.Text) && !isRuneInt(n.Text) && strings.ContainsAny(n.Text, ".eEpP"):
		return n.Float64, nil
	case n.IsInt:
		i := int(n.Int64)
		if int64(i) != n.Int64 {
			return nil, s.errorf("%s overflows int", n.Text)
		}
		return i, nil
	case n.IsUint:
		return nil, s.errorf("%s overflows int", n.Text)
	}
	return nil, nil
}

func isRuneInt(s string) bool { return len(s) > 0 && s[0] == '\'' }

func isHexInt(s string) bool {
	return len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !strings.ContainsAny(s, "pP")
}

func (s *state) evalFieldNode(dot any, field *parse.FieldNode, args []parse.Node, final any) (any, error) {
	s.at(field)
	return s.evalFieldChain(dot, dot, field, field.Ident, args, final)
}

func (s *state) evalChainNode(dot any, chain *parse.ChainNode, args []parse.Node, final any) (any, error) {
	s.at(chain)
	if len(chain.Field) == 0 {
		return nil, s.errorf("internal error: no fields in evalChainNode")
	}
	if chain.Node.Type() == parse.NodeNil {
		return nil, s.errorf("indirection through explicit nil in %s", chain)
	}
	// (pipe).Field1.Field2: evaluate the pipeline, then the fields.
	base, err := s.evalArg(dot, untyped, chain.Node)
	if err != nil {
		return nil, err
	}
	return s.evalFieldChain(dot, base, chain, chain.Field, args, final)
}

func (s *state) evalVariableNode(dot any, v *parse.VariableNode, args []parse.Node, final any) (any, error) {
	s.at(v)
	value, err := s.varValue(v.Ident[0])
	if err != nil {
		return nil, err
	}
	if len(v.Ident) == 1 {
		return value, s.notAFunction(args, final)
	}
	return s.evalFieldChain(dot, value, v, v.Ident[1:], args, final)
}

// evalFieldChain walks .X.Y.Z from receiver; only the last may take args.
func (s *state) evalFieldChain(dot, receiver any, node parse.Node, ident []string, args []parse.Node, final any) (any, error) {
	for _, name := range ident[:len(ident)-1] {
		var err error
		if receiver, err = s.evalField(dot, name, node, nil, missing, receiver); err != nil {
			return nil, err
		}
	}
	return s.evalField(dot, ident[len(ident)-1], node, args, final, receiver)
}

func (s *state) evalFunction(dot any, node *parse.IdentifierNode, cmd parse.Node, args []parse.Node, final any) (any, error) {
	s.at(node)
	name := node.Ident
	if fn, ok := funcs[name]; ok {
		return s.evalCall(dot, fn, false, cmd, name, args, final)
	}
	if fn, ok := builtins[name]; ok {
		return s.evalCall(dot, fn, true, cmd, name, args, final)
	}
	return nil, s.errorf("%q is not a defined function", name)
}

// evalField is .Name on receiver: a struct field, a map entry (missing ones
// are an error), or Account's one method, Label.
func (s *state) evalField(dot any, name string, node parse.Node, args []parse.Node, final, receiver any) (any, error) {
	if receiver == nil {
		return nil, s.errorf("nil data; no entry for key %q", name)
	}
	if a, ok := receiver.(Account); ok && name == "Label" {
		label := function{call: func([]any) (any, error) { return a.Label(), nil }}
		return s.evalCall(dot, label, false, node, name, args, final)
	}
	hasArgs := len(args) > 1 || !isMissing(final)
	if m, ok := receiver.(map[string]string); ok {
		if hasArgs {
			return nil, s.errorf("%s is not a method but has arguments", name)
		}
		v, ok := m[name]
		if !ok {
			return nil, s.errorf("map has no entry for key %q", name)
		}
		return v, nil
	}
	if v, ok := fieldOf(receiver, name); ok {
		if hasArgs {
			return nil, s.errorf("%s has arguments but cannot be invoked as function", name)
		}
		return v, nil
	}
	return nil, s.errorf("can't evaluate field %s in type %T", name, receiver)
}

// fieldOf is a struct field of RenderData, Account or OU by name.
func fieldOf(receiver any, name string) (any, bool) {
	switch r := receiver.(type) {
	case RenderData:
		switch name {
		case "Account":
			return r.Account, true
		case "Region":
			return r.Region, true
		case "Values":
			return r.Values, true
		case "Product":
			return r.Product, true
		}
	case Account:
		switch name {
		case "ID":
			return r.ID, true
		case "Name":
			return r.Name, true
		case "Email":
			return r.Email, true
		case "OU":
			return r.OU, true
		case "Ancestors":
			return r.Ancestors, true
		case "Tags":
			return r.Tags, true
		case "Management":
			return r.Management, true
		}
	case OU:
		switch name {
		case "ID":
			return r.ID, true
		case "Name":
			return r.Name, true
		}
	}
	return nil, false
}

// evalCall calls fn with the command's arguments (args[0] is the function
// itself) and the piped-in final value, checked as text/template checks them.
func (s *state) evalCall(dot any, fn function, isBuiltin bool, node parse.Node, name string, args []parse.Node, final any) (any, error) {
	if args != nil {
		args = args[1:]
	}
	numIn := len(args)
	if !isMissing(final) {
		numIn++
	}
	numFixed := len(args)
	if fn.variadic {
		numFixed = len(fn.params) - 1
		if numIn < numFixed {
			return nil, s.errorf("wrong number of args for %s: want at least %d got %d", name, len(fn.params)-1, len(args))
		}
	} else if numIn != len(fn.params) {
		return nil, s.errorf("wrong number of args for %s: want %d got %d", name, len(fn.params), numIn)
	}
	if isBuiltin && (name == "and" || name == "or") {
		return s.andOr(dot, name == "or", args, final)
	}
	argv, err := s.evalArgs(dot, fn, numFixed, numIn, args, final)
	if err != nil {
		return nil, err
	}
	v, err := fn.call(argv)
	if err != nil {
		s.at(node)
		return nil, s.errorf("error calling %s: %w", name, err)
	}
	return v, nil
}

func (s *state) evalArgs(dot any, fn function, numFixed, numIn int, args []parse.Node, final any) ([]any, error) {
	argv := make([]any, numIn)
	i := 0
	var err error
	for ; i < numFixed && i < len(args); i++ {
		if argv[i], err = s.evalArg(dot, fn.params[i], args[i]); err != nil {
			return nil, err
		}
	}
	last := len(fn.params) - 1
	for ; fn.variadic && i < len(args); i++ {
		if argv[i], err = s.evalArg(dot, fn.params[last], args[i]); err != nil {
			return nil, err
		}
	}
	if !isMissing(final) {
		p := fn.params[last]
		if fn.variadic && numIn-1 < numFixed {
			p = fn.params[numIn-1]
		}
		if argv[i], err = s.validateType(final, p); err != nil {
			return nil, err
		}
	}
	return argv, nil
}

// andOr returns the first argument that decides the result (false for and,
// true for or), else the last, evaluating no further than needed.
func (s *state) andOr(dot any, isOr bool, args []parse.Node, final any) (any, error) {
	var v any
	for _, arg := range args {
		var err error
		if v, err = s.evalArg(dot, anyParam, arg); err != nil {
			return nil, err
		}
		if truth(v) == isOr {
			return v, nil
		}
	}
	if !isMissing(final) {
		v = final
	}
	return v, nil
}

// validateType checks a computed value against a parameter.
func (s *state) validateType(value any, p param) (any, error) {
	switch p {
	case stringParam:
		if _, ok := value.(string); ok {
			return value, nil
		}
	case accountParam:
		if _, ok := value.(Account); ok {
			return value, nil
		}
	default:
		return value, nil
	}
	if value == nil {
		return nil, s.errorf("invalid value; expected %s", p)
	}
	return nil, s.errorf("wrong type for value; expected %s; got %T", p, value)
}

func (s *state) evalArg(dot any, p param, n parse.Node) (any, error) {
	s.at(n)
	var v any
	var err error
	switch arg := n.(type) {
	case *parse.DotNode:
		v = dot
	case *parse.NilNode:
		if p == anyParam {
			return nil, nil
		}
		return nil, s.errorf("cannot assign nil to %s", p)
	case *parse.FieldNode:
		v, err = s.evalFieldNode(dot, arg, []parse.Node{n}, missing)
	case *parse.VariableNode:
		v, err = s.evalVariableNode(dot, arg, nil, missing)
	case *parse.PipeNode:
		v, err = s.evalPipeline(dot, arg)
	case *parse.IdentifierNode:
		v, err = s.evalFunction(dot, arg, arg, nil, missing)
	case *parse.ChainNode:
		v, err = s.evalChainNode(dot, arg, nil, missing)
	default:
		return s.evalLiteral(p, n)
	}
	if err != nil {
		return nil, err
	}
	return s.validateType(v, p)
}

// evalLiteral is a constant argument: its parameter's type decides what it
// may be, as a Go constant's would.
func (s *state) evalLiteral(p param, n parse.Node) (any, error) {
	switch p {
	case stringParam:
		if str, ok := n.(*parse.StringNode); ok {
			return str.Text, nil
		}
		return nil, s.errorf("expected string; found %s", n)
	case anyParam:
		switch n := n.(type) {
		case *parse.BoolNode:
			return n.True, nil
		case *parse.NumberNode:
			return s.idealConstant(n)
		case *parse.StringNode:
			return n.Text, nil
		}
		return nil, s.errorf("can't handle assignment of %s to empty interface argument", n)
	}
	return nil, s.errorf("can't handle %s for arg of type %s", n, p)
}
