package plan

import (
	"fmt"
	"slices"
	"text/template/parse"
)

// unsupported finds the first construct of a parsed template that the
// evaluator (render.go) does not run, and says what it is and what plan
// templates offer instead; "" when there is none. Everything else of Go's
// template language is supported: text, actions, pipelines, variables, if,
// else if, with, else with, range with break and continue, fields, the
// plan's functions and the built-ins in builtins.
func unsupported(n parse.Node) string {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return ""
		}
		for _, x := range n.Nodes {
			if msg := unsupported(x); msg != "" {
				return msg
			}
		}
	case *parse.ActionNode:
		return unsupported(n.Pipe)
	case *parse.IfNode:
		return branchUnsupported(&n.BranchNode)
	case *parse.WithNode:
		return branchUnsupported(&n.BranchNode)
	case *parse.RangeNode:
		return branchUnsupported(&n.BranchNode)
	case *parse.PipeNode:
		if n == nil {
			return ""
		}
		for _, cmd := range n.Cmds {
			if msg := unsupported(cmd); msg != "" {
				return msg
			}
		}
	case *parse.CommandNode:
		for _, arg := range n.Args {
			if msg := unsupported(arg); msg != "" {
				return msg
			}
		}
	case *parse.ChainNode:
		return unsupported(n.Node)
	case *parse.TemplateNode:
		return fmt.Sprintf("template uses %s, which plan templates do not support: a value is one template", n)
	case *parse.IdentifierNode:
		if slices.Contains(refusedBuiltins, n.Ident) {
			return fmt.Sprintf("template uses the built-in %s, which plan templates do not support; functions: %s; built-ins: %s", n.Ident, funcNames(), builtinNames())
		}
	case *parse.NilNode:
		return "template uses nil, which plan templates do not support; test a value with if, or give it a default with default"
	case *parse.NumberNode:
		if n.IsComplex {
			return fmt.Sprintf("template uses the complex number %s, which plan templates do not support; numbers are integers or decimals", n.Text)
		}
	}
	return ""
}

func branchUnsupported(b *parse.BranchNode) string {
	if msg := unsupported(b.Pipe); msg != "" {
		return msg
	}
	if msg := unsupported(b.List); msg != "" {
		return msg
	}
	return unsupported(b.ElseList)
}
