package provision

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/runstate"
)

// Opening a portfolio: a member account sees a product the organization
// shares only after accepting the share and associating the execution role,
// and the association takes a while to be honoured.

// openPortfolio accepts the organization share and associates the role.
func (s *targetStep) openPortfolio(ctx context.Context, portfolio string) error {
	_, err := s.cat.AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
		PortfolioId:        aws.String(portfolio),
		PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations,
	})
	if err != nil {
		// Organization shares are documented as auto-imported: a failed accept
		// is not fatal, the product look-up decides.
		s.log.InfoContext(ctx, "accept portfolio share failed; continuing", "portfolio", portfolio, "error", message(err))
	}
	_, err = s.cat.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
		PortfolioId:   aws.String(portfolio),
		PrincipalARN:  aws.String(s.roleARN),
		PrincipalType: sctypes.PrincipalTypeIam,
	})
	if err != nil {
		return fmt.Errorf("associate %s with %s: %w", s.roleARN, portfolio, err)
	}
	return nil
}

// describeProduct finds the product, waiting with bounded backoff for a fresh
// association to propagate.
func (s *targetStep) describeProduct(ctx context.Context) (*servicecatalog.DescribeProductOutput, error) {
	in := s.describeInput()
	backoff := s.e.VisibilityBackoff
	if backoff == nil {
		backoff = DefaultVisibilityBackoff
	}
	for attempt := 0; ; attempt++ {
		out, err := s.cat.DescribeProduct(ctx, in)
		if err == nil {
			return out, nil
		}
		if classify(err) != classNotFound || attempt >= len(backoff) || s.e.outOfTime(ctx) {
			return nil, err
		}
		if serr := s.e.sleep(ctx, backoff[attempt]); serr != nil {
			return nil, err
		}
	}
}

// launchPath picks the launch path through the plan's portfolio: a path's
// ID is its portfolio's ID. Any other path (a portfolio local to the member
// account that holds the same product, with constraints its administrator
// chose) is never taken, and without the plan's path the target fails at once,
// saying which paths there were. It reports false when the target failed.
func (s *targetStep) launchPath(ctx context.Context, paths []sctypes.LaunchPath) (*string, bool) {
	portfolio := s.p.Portfolios[s.t.Region]
	var found []string
	for _, lp := range paths {
		if aws.ToString(lp.Id) == portfolio {
			return lp.Id, true
		}
		found = append(found, fmt.Sprintf("%s (%q)", aws.ToString(lp.Id), aws.ToString(lp.Name)))
	}
	seen := "none"
	if len(found) > 0 {
		seen = strings.Join(found, ", ")
	}
	s.fail(ctx, fmt.Sprintf("product %s has no launch path through the plan's portfolio %s for %s in %s (paths: %s); Landfall launches only through the plan's portfolio",
		s.product, portfolio, s.roleARN, s.t.Region, seen))
	return nil, false
}

// describeInput describes the plan's product by its resolved ID, never by name.
func (s *targetStep) describeInput() *servicecatalog.DescribeProductInput {
	return &servicecatalog.DescribeProductInput{Id: aws.String(s.product)}
}

// gates runs the accept+associate of each (region, portfolio) once per run,
// however many products share the portfolio and however many steps the run
// takes: opened pairs are remembered in the run.
type gates struct {
	mu  sync.Mutex
	m   map[string]*gate
	run *runstate.Run // Opened is read and written under mu
}

type gate struct {
	once sync.Once
	err  error
}

// gateKey identifies an opened portfolio: the role is part of it, so a
// changed execution role opens the portfolio again.
func gateKey(region, portfolio, roleARN string) string {
	return region + "/" + portfolio + "/" + roleARN
}

// forget drops key from what the run has opened.
func (g *gates) forget(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.run.Opened = slices.DeleteFunc(g.run.Opened, func(k string) bool { return k == key })
	delete(g.m, key)
}

func (g *gates) open(ctx context.Context, key string, fn func(context.Context) error) error {
	g.mu.Lock()
	if slices.Contains(g.run.Opened, key) {
		g.mu.Unlock()
		return nil
	}
	gt, ok := g.m[key]
	if !ok {
		gt = &gate{}
		g.m[key] = gt
	}
	g.mu.Unlock()
	gt.once.Do(func() {
		gt.err = fn(ctx)
		if gt.err == nil {
			g.mu.Lock()
			g.run.Opened = append(g.run.Opened, key)
			g.mu.Unlock()
		}
	})
	return gt.err
}
