package plan

import (
	"slices"
	"text/template/parse"
)

// NeedsEmail reports whether any parameter or tag template of the plan names
// an Email field (.Account.Email, or .Email under {{with .Account}}). A
// template can reach a struct field only by naming it, so when none does the
// account's root email address is left out of run messages: it would ride in
// every SQS message and stay days in the dead-letter queue for nothing.
func (pl *Plan) NeedsEmail() bool {
	return pl.templatesName("Email")
}

// templatesName reports whether any parameter or tag template of the plan
// names field.
func (pl *Plan) templatesName(field string) bool {
	for _, c := range pl.tags {
		if namesField(c.t.Root, field) {
			return true
		}
	}
	for _, p := range pl.Products {
		for _, c := range append(p.params, p.tags...) {
			if namesField(c.t.Root, field) {
				return true
			}
		}
	}
	return false
}

// namesField walks a parse tree for a field, chain or variable naming field.
func namesField(n parse.Node, field string) bool {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, x := range n.Nodes {
			if namesField(x, field) {
				return true
			}
		}
	case *parse.ActionNode:
		return namesField(n.Pipe, field)
	case *parse.IfNode:
		return branchNamesField(&n.BranchNode, field)
	case *parse.WithNode:
		return branchNamesField(&n.BranchNode, field)
	case *parse.RangeNode:
		return branchNamesField(&n.BranchNode, field)
	case *parse.TemplateNode:
		return n.Pipe != nil && namesField(n.Pipe, field)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, cmd := range n.Cmds {
			if namesField(cmd, field) {
				return true
			}
		}
	case *parse.CommandNode:
		for _, arg := range n.Args {
			if namesField(arg, field) {
				return true
			}
		}
	case *parse.FieldNode:
		return slices.Contains(n.Ident, field)
	case *parse.VariableNode:
		return slices.Contains(n.Ident, field)
	case *parse.ChainNode:
		return slices.Contains(n.Field, field) || namesField(n.Node, field)
	}
	return false
}

func branchNamesField(b *parse.BranchNode, field string) bool {
	return namesField(b.Pipe, field) || namesField(b.List, field) || (b.ElseList != nil && namesField(b.ElseList, field))
}
