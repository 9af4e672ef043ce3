package preflight

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/plan"
)

// OrgAPI is the part of Organizations the organization index reads.
// *organizations.Client satisfies it.
type OrgAPI interface {
	ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error)
	ListOrganizationalUnitsForParent(context.Context, *organizations.ListOrganizationalUnitsForParentInput, ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error)
	ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
}

var _ OrgAPI = (*organizations.Client)(nil)

// DefaultOrgMaxAge is how long an index of the organization is reused. OUs
// are renamed or added rarely; an account that joined since is not named by
// ID in a plan written before it existed.
const DefaultOrgMaxAge = 5 * time.Minute

// OrgIndex loads the organization's OUs, and its accounts when asked for,
// keeping them for MaxAge so that a warm launch function resolving event
// after event walks the OU tree a few times an hour, not once per event.
// Accounts are listed only for plans whose selectors name accounts: most
// name OUs, and a large organization's account listing is many pages.
// Safe for concurrent use.
type OrgIndex struct {
	API    OrgAPI
	MaxAge time.Duration    // default DefaultOrgMaxAge
	Now    func() time.Time // default time.Now
	// Tags, when set, makes an index with accounts read every account's
	// tags too (one ListTagsForResource per account), so that a plan's tags
	// clause matching no account is noted. `landfall validate --org` sets
	// it; the launch function does not: it runs the preflight on every
	// invocation, and a whole-organization sweep of tag reads each time
	// the index expires, a thousand calls for a thousand accounts competing
	// with the selection's own reads for Organizations' few requests per
	// second, would buy a note that blocks nothing.
	Tags AccountTags

	mu       sync.Mutex
	ous      []plan.OU
	ousAt    time.Time
	accounts []plan.Account
	accAt    time.Time
}

// Get returns the organization, loading what is asked for when the kept
// copy is missing or too old; withAccounts also lists every account.
func (x *OrgIndex) Get(ctx context.Context, withAccounts bool) (*Org, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	now := time.Now()
	if x.Now != nil {
		now = x.Now()
	}
	maxAge := x.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultOrgMaxAge
	}
	if x.ous == nil || now.Sub(x.ousAt) >= maxAge {
		ous, err := loadOUs(ctx, x.API)
		if err != nil {
			return nil, err
		}
		x.ous, x.ousAt = ous, now
	}
	if withAccounts && (x.accounts == nil || now.Sub(x.accAt) >= maxAge) {
		accts, err := loadAccounts(ctx, x.API)
		if err != nil {
			return nil, err
		}
		if x.Tags != nil {
			if err := loadTags(ctx, x.Tags, accts); err != nil {
				return nil, err
			}
		}
		x.accounts, x.accAt = accts, now
	}
	org := &Org{OUs: x.ous}
	if withAccounts {
		org.Accounts = x.accounts
		org.TagsRead = x.Tags != nil
	}
	return org, nil
}

// tagConcurrency bounds the tag reads in flight, as the directory bounds
// its look-ups: Organizations throttles at a few requests per second.
const tagConcurrency = 8

// loadTags reads every account's tags into accts.
func loadTags(ctx context.Context, api AccountTags, accts []plan.Account) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(tagConcurrency)
	for i := range accts {
		g.Go(func() error {
			tags, err := api.AccountTags(gctx, accts[i].ID)
			accts[i].Tags = tags
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("read the organization's account tags: %w", err)
	}
	return nil
}

// AccountTags reads one account's tags; directory.TagReader implements
// it. The preflight does not import the directory, which the worker, a
// preflight user, does not link.
type AccountTags interface {
	AccountTags(ctx context.Context, account string) (map[string]string, error)
}

// LoadOrg reads every OU (walking down from the root) and every account.
func LoadOrg(ctx context.Context, api OrgAPI) (*Org, error) {
	ous, err := loadOUs(ctx, api)
	if err != nil {
		return nil, err
	}
	accts, err := loadAccounts(ctx, api)
	if err != nil {
		return nil, err
	}
	return &Org{OUs: ous, Accounts: accts}, nil
}

func loadOUs(ctx context.Context, api OrgAPI) ([]plan.OU, error) {
	roots, err := api.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		return nil, fmt.Errorf("list the organization's roots: %w", err)
	}
	org := &Org{OUs: []plan.OU{}}
	for _, r := range roots.Roots {
		if err := org.walk(ctx, api, aws.ToString(r.Id), 0); err != nil {
			return nil, err
		}
	}
	return org.OUs, nil
}

func loadAccounts(ctx context.Context, api OrgAPI) ([]plan.Account, error) {
	accts := []plan.Account{}
	p := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the organization's accounts: %w", err)
		}
		for _, a := range page.Accounts {
			accts = append(accts, plan.Account{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name)})
		}
	}
	return accts, nil
}

// maxDepth bounds the walk: Organizations allows five levels of OUs.
const maxDepth = 10

func (o *Org) walk(ctx context.Context, api OrgAPI, parent string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("list OUs under %s: deeper than Organizations allows", parent)
	}
	p := organizations.NewListOrganizationalUnitsForParentPaginator(api, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list OUs under %s: %w", parent, err)
		}
		for _, ou := range page.OrganizationalUnits {
			o.OUs = append(o.OUs, plan.OU{ID: aws.ToString(ou.Id), Name: aws.ToString(ou.Name)})
			if err := o.walk(ctx, api, aws.ToString(ou.Id), depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}
