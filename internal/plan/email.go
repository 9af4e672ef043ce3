package plan

import (
	"text/template/parse"
)

// NeedsEmail reports whether any parameter or tag template of the plan names
// an Email field (.Account.Email, or .Email under {{with .Account}}). A
// template can reach a struct field only by naming it, so when none does the
// account's root email address is left out of run messages: it would ride in
// every SQS message and stay days in the dead-letter queue for nothing.
func (pl *Plan) NeedsEmail() bool {
	for _, c := range pl.tags {
		if namesEmail(c.t.Root) {
			return true
		}
	}
	for _, p := range pl.Products {
		for _, c := range append(p.params, p.tags...) {
			if namesEmail(c.t.Root) {
				return true
			}
		}
	}
	return false
}

// namesEmail walks a parse tree for a field, chain or variable naming Email.
func namesEmail(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, x := range n.Nodes {
			if namesEmail(x) {
				return true
			}
		}
	case *parse.ActionNode:
		return namesEmail(n.Pipe)
	case *parse.IfNode:
		return branchNamesEmail(&n.BranchNode)
	case *parse.WithNode:
		return branchNamesEmail(&n.BranchNode)
	case *parse.RangeNode:
		return branchNamesEmail(&n.BranchNode)
	case *parse.TemplateNode:
		return n.Pipe != nil && namesEmail(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, cmd := range n.Cmds {
			if namesEmail(cmd) {
				return true
			}
		}
	case *parse.CommandNode:
		for _, arg := range n.Args {
			if namesEmail(arg) {
				return true
			}
		}
	case *parse.FieldNode:
		return hasEmail(n.Ident)
	case *parse.VariableNode:
		return hasEmail(n.Ident)
	case *parse.ChainNode:
		return hasEmail(n.Field) || namesEmail(n.Node)
	}
	return false
}

func branchNamesEmail(b *parse.BranchNode) bool {
	return namesEmail(b.Pipe) || namesEmail(b.List) || (b.ElseList != nil && namesEmail(b.ElseList))
}

func hasEmail(idents []string) bool {
	for _, id := range idents {
		if id == "Email" {
			return true
		}
	}
	return false
}
