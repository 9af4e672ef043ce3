package directory

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/plan"
)

// TagAPI is the Organizations call that reads an account's tags.
// *organizations.Client satisfies it.
type TagAPI interface {
	ListTagsForResource(context.Context, *organizations.ListTagsForResourceInput, ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error)
}

var _ TagAPI = (*organizations.Client)(nil)

// ReadTags returns an account's tags, paging through ListTagsForResource.
// The map is never nil: an account without tags has an empty one, so a
// plan's tags clause can tell "read, none" from "not read". Throttling
// (TooManyRequestsException) is the SDK retryer's to absorb; any error
// left is returned naming the account (ErrNotFound for an account
// Organizations does not know), and the caller must not select on tags it
// did not get.
func ReadTags(ctx context.Context, api TagAPI, account string) (map[string]string, error) {
	tags := map[string]string{}
	p := organizations.NewListTagsForResourcePaginator(api, &organizations.ListTagsForResourceInput{ResourceId: aws.String(account)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			var nf *orgtypes.TargetNotFoundException
			if errors.As(err, &nf) {
				return nil, fmt.Errorf("list tags of account %s: %w", account, ErrNotFound)
			}
			return nil, fmt.Errorf("list tags of account %s: %w", account, err)
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}

// tagCache reads each account's tags at most once for the life of one
// look-up or selection: a backfill over a thousand accounts makes a
// thousand calls, however the accounts were named (twice by ID, under two
// requested OUs). It lives no longer than that on purpose: tags change,
// and a warm launch function must see today's, unlike OU names, which the
// Directory keeps.
type tagCache struct {
	api TagAPI

	mu    sync.Mutex
	calls map[string]*tagCall
}

// tagCall is one account's read, shared by whoever asks for it.
type tagCall struct {
	done chan struct{}
	tags map[string]string
	err  error
}

func newTagCache(api TagAPI) *tagCache {
	return &tagCache{api: api, calls: map[string]*tagCall{}}
}

// get returns the account's tags, reading them on first use; concurrent
// askers wait for the one read.
func (c *tagCache) get(ctx context.Context, account string) (map[string]string, error) {
	c.mu.Lock()
	call, ok := c.calls[account]
	if !ok {
		call = &tagCall{done: make(chan struct{})}
		c.calls[account] = call
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-call.done:
			return call.tags, call.err
		case <-ctx.Done():
			return nil, fmt.Errorf("list tags of account %s: %w", account, ctx.Err())
		}
	}
	call.tags, call.err = ReadTags(ctx, c.api, account)
	close(call.done)
	return call.tags, call.err
}

// fill sets the tags of every account, lookupConcurrency at a time. The
// first failure fails the whole selection: an account left without its
// tags could be placed, or left unexcluded, by a clause nobody checked.
func (c *tagCache) fill(ctx context.Context, accts []plan.Account) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookupConcurrency)
	for i := range accts {
		g.Go(func() error {
			tags, err := c.get(gctx, accts[i].ID)
			if err != nil {
				return err
			}
			accts[i].Tags = tags
			return nil
		})
	}
	return g.Wait()
}

// OrgAPI is every Organizations call a Directory can make, tags included.
// *organizations.Client satisfies it.
type OrgAPI interface {
	API
	TagAPI
}

// ForPlan returns a Directory over api that reads account tags exactly when
// pl needs them (plan.Plan.NeedsTags): the one way the functions and the
// CLI build theirs, so no path selects for a tag-selecting plan without
// the tags.
func ForPlan(api OrgAPI, pl *plan.Plan) *Directory {
	d := &Directory{API: api}
	if pl.NeedsTags() {
		d.Tags = api
	}
	return d
}

// TagReader reads account tags with ReadTags; the preflight's OrgIndex
// takes it.
type TagReader struct{ API TagAPI }

// AccountTags returns account's tags (ReadTags).
func (r TagReader) AccountTags(ctx context.Context, account string) (map[string]string, error) {
	return ReadTags(ctx, r.API, account)
}
