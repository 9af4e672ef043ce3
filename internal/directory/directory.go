// Package directory looks accounts and organizational units up in AWS
// Organizations: an account's name, its OU and the OUs above it, its tags
// when the plan needs them (the plan's selectors can match any of these),
// and the accounts under an OU tree.
package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/landfall/landfall/internal/plan"
)

// API is the part of Organizations the directory calls. *organizations.Client satisfies it.
type API interface {
	DescribeAccount(context.Context, *organizations.DescribeAccountInput, ...func(*organizations.Options)) (*organizations.DescribeAccountOutput, error)
	ListParents(context.Context, *organizations.ListParentsInput, ...func(*organizations.Options)) (*organizations.ListParentsOutput, error)
	DescribeOrganizationalUnit(context.Context, *organizations.DescribeOrganizationalUnitInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationalUnitOutput, error)
	ListChildren(context.Context, *organizations.ListChildrenInput, ...func(*organizations.Options)) (*organizations.ListChildrenOutput, error)
	ListAccountsForParent(context.Context, *organizations.ListAccountsForParentInput, ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error)
	ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error)
}

var _ API = (*organizations.Client)(nil)

// ErrNotFound is returned (wrapped) for an account or OU Organizations does not know.
var ErrNotFound = errors.New("not found in the organization")

// Directory answers account look-ups, caching OU names (they rarely change and
// a backfill asks for the same few OUs hundreds of times).
type Directory struct {
	API API
	// Tags reads account tags (ListTagsForResource). Set it, to the same
	// client, when the plan needs them (plan.Plan.NeedsTags): then Account
	// and Select fill every account's Tags, reading each account once per
	// call, and fail when a read fails. Nil reads none and leaves Tags nil,
	// which a plan's tags clause refuses rather than guesses at.
	Tags TagAPI

	mu      sync.Mutex
	ouNames map[string]string
	parents map[string]string // OU ID -> parent ID
}

// Account returns the account with its OU chain, parent first, and its
// tags when Tags is set.
func (d *Directory) Account(ctx context.Context, id string) (plan.Account, error) {
	acct, _, err := d.account(ctx, id)
	if err != nil || d.Tags == nil {
		return acct, err
	}
	if acct.Tags, err = ReadTags(ctx, d.Tags, id); err != nil {
		return plan.Account{}, err
	}
	return acct, nil
}

// account returns the account and its Organizations status (ACTIVE,
// SUSPENDED, PENDING_CLOSURE).
func (d *Directory) account(ctx context.Context, id string) (plan.Account, string, error) {
	out, err := d.API.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(id)})
	if err != nil {
		var nf *orgtypes.AccountNotFoundException
		if errors.As(err, &nf) {
			return plan.Account{}, "", fmt.Errorf("describe account %s: %w", id, ErrNotFound)
		}
		return plan.Account{}, "", fmt.Errorf("describe account %s: %w", id, err)
	}
	acct := plan.Account{ID: id, Name: aws.ToString(out.Account.Name), Email: aws.ToString(out.Account.Email)}
	chain, root, err := d.chain(ctx, id)
	if err != nil {
		return plan.Account{}, "", err
	}
	if len(chain) > 0 {
		acct.OU = chain[0]
		acct.Ancestors = chain
	} else {
		acct.OU = rootOU(root)
	}
	return acct, string(out.Account.Status), nil
}

// rootOU is the root as the OU of an account directly under it: the plan's
// templates and selectors see an OU for every account.
func rootOU(id string) plan.OU { return plan.OU{ID: id, Name: "Root"} }

// chain walks from a child (account or OU) up to the root, returning the
// OUs on the way (parent first) and the root's ID.
func (d *Directory) chain(ctx context.Context, child string) ([]plan.OU, string, error) {
	var out []plan.OU
	for cur := child; ; {
		parent, err := d.parent(ctx, cur)
		if err != nil {
			return nil, "", err
		}
		if !strings.HasPrefix(parent, "ou-") {
			return out, parent, nil // reached the root
		}
		name, err := d.ouName(ctx, parent)
		if err != nil {
			return nil, "", err
		}
		out = append(out, plan.OU{ID: parent, Name: name})
		cur = parent
		if len(out) > 10 { // Organizations allows five levels; anything deeper is a loop
			return nil, "", fmt.Errorf("list parents of %s: OU chain deeper than Organizations allows", child)
		}
	}
}

func (d *Directory) parent(ctx context.Context, child string) (string, error) {
	d.mu.Lock()
	p, ok := d.parents[child]
	d.mu.Unlock()
	if ok {
		return p, nil
	}
	out, err := d.API.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
	if err != nil {
		// An OU ID from a payload that is not in the organization ends up
		// here first (its chain is walked before its accounts are listed):
		// report it as not found, so a backfill excludes it instead of failing.
		var nf *orgtypes.ChildNotFoundException
		if errors.As(err, &nf) {
			return "", fmt.Errorf("list parents of %s: %w", child, ErrNotFound)
		}
		return "", fmt.Errorf("list parents of %s: %w", child, err)
	}
	if len(out.Parents) == 0 {
		return "", fmt.Errorf("list parents of %s: none returned", child)
	}
	p = aws.ToString(out.Parents[0].Id)
	if strings.HasPrefix(child, "ou-") { // accounts move between OUs; OUs practically never do
		d.mu.Lock()
		if d.parents == nil {
			d.parents = make(map[string]string)
		}
		d.parents[child] = p
		d.mu.Unlock()
	}
	return p, nil
}

// OUName returns an OU's name.
func (d *Directory) ouName(ctx context.Context, id string) (string, error) {
	d.mu.Lock()
	name, ok := d.ouNames[id]
	d.mu.Unlock()
	if ok {
		return name, nil
	}
	out, err := d.API.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String(id)})
	if err != nil {
		var nf *orgtypes.OrganizationalUnitNotFoundException
		if errors.As(err, &nf) {
			return "", fmt.Errorf("describe OU %s: %w", id, ErrNotFound)
		}
		return "", fmt.Errorf("describe OU %s: %w", id, err)
	}
	name = aws.ToString(out.OrganizationalUnit.Name)
	d.mu.Lock()
	if d.ouNames == nil {
		d.ouNames = make(map[string]string)
	}
	d.ouNames[id] = name
	d.mu.Unlock()
	return name, nil
}

// Member is an account found under a parent, with the chain of OUs from the
// parent walked to find it (parent first), so no further look-ups are needed.
type Member struct {
	ID, Name, Email, Status string
	Chain                   []plan.OU
	// Parent is the OU or root the account is directly under.
	Parent string
}

// Account returns the member as a run's account.
func (m Member) Account() plan.Account {
	a := plan.Account{ID: m.ID, Name: m.Name, Email: m.Email, Ancestors: m.Chain}
	switch {
	case len(m.Chain) > 0:
		a.OU = m.Chain[0]
	case strings.HasPrefix(m.Parent, "r-"):
		a.OU = rootOU(m.Parent)
	}
	return a
}

// HasChildOUs reports whether parent (an OU or the root) has OUs under it.
func (d *Directory) HasChildOUs(ctx context.Context, parent string) (bool, error) {
	// Organizations can return an empty page that still has more: page on
	// until a child or the end.
	p := organizations.NewListChildrenPaginator(d.API, &organizations.ListChildrenInput{ParentId: aws.String(parent), ChildType: orgtypes.ChildTypeOrganizationalUnit})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, fmt.Errorf("list OUs under %s: %w", parent, err)
		}
		if len(page.Children) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// Root returns the organization's root ID.
func (d *Directory) Root(ctx context.Context) (string, error) {
	out, err := d.API.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		return "", fmt.Errorf("list roots: %w", err)
	}
	if len(out.Roots) == 0 {
		return "", errors.New("list roots: the organization has no root")
	}
	return aws.ToString(out.Roots[0].Id), nil
}

// Members lists the accounts directly under parent (an OU or the root) and,
// with recursive, under every OU below it, paging through Organizations.
func (d *Directory) Members(ctx context.Context, parent string, recursive bool) ([]Member, error) {
	var chain []plan.OU
	if strings.HasPrefix(parent, "ou-") {
		up, _, err := d.chain(ctx, parent)
		if err != nil {
			return nil, err
		}
		name, err := d.ouName(ctx, parent)
		if err != nil {
			return nil, err
		}
		chain = append([]plan.OU{{ID: parent, Name: name}}, up...)
	}
	return d.members(ctx, parent, chain, recursive, 0)
}

func (d *Directory) members(ctx context.Context, parent string, chain []plan.OU, recursive bool, depth int) ([]Member, error) {
	if depth > 10 {
		return nil, fmt.Errorf("list OUs under %s: deeper than Organizations allows", parent)
	}
	var out []Member
	p := organizations.NewListAccountsForParentPaginator(d.API, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			var nf *orgtypes.ParentNotFoundException
			if errors.As(err, &nf) {
				return nil, fmt.Errorf("list accounts under %s: %w", parent, ErrNotFound)
			}
			return nil, fmt.Errorf("list accounts under %s: %w", parent, err)
		}
		for _, a := range page.Accounts {
			out = append(out, Member{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Email: aws.ToString(a.Email), Status: string(a.Status), Chain: chain, Parent: parent})
		}
	}
	if !recursive {
		return out, nil
	}
	c := organizations.NewListChildrenPaginator(d.API, &organizations.ListChildrenInput{ParentId: aws.String(parent), ChildType: orgtypes.ChildTypeOrganizationalUnit})
	for c.HasMorePages() {
		page, err := c.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list OUs under %s: %w", parent, err)
		}
		for _, ch := range page.Children {
			id := aws.ToString(ch.Id)
			name, err := d.ouName(ctx, id)
			if err != nil {
				return nil, err
			}
			d.mu.Lock()
			if d.parents == nil {
				d.parents = make(map[string]string)
			}
			d.parents[id] = parent
			d.mu.Unlock()
			sub := append([]plan.OU{{ID: id, Name: name}}, chain...)
			ms, err := d.members(ctx, id, sub, true, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
		}
	}
	return out, nil
}
