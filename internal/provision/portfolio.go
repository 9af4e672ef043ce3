package provision

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/runstate"
)

// Opening a portfolio: a member account sees a product the organization
// shares only after accepting the share, and shows it only to the principals
// associated with the portfolio; the association takes a while to be
// honoured. The worker associates the role it provisions as and, with member
// roles, the role the launch function reads as (Engine.ReaderRoleName), so
// dry runs and status see what runs provisioned. Before any run has opened a
// portfolio in an account, they see nothing there, and say so: a dry run
// that the product would be made visible first; status MISSING for what is
// not provisioned and UNVERIFIED for what is but cannot be seen yet,
// exactly as with one role for both functions.

// openPortfolio accepts the organization share and associates the roles.
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
	for _, principal := range s.principals() {
		_, err = s.cat.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
			PortfolioId:   aws.String(portfolio),
			PrincipalARN:  aws.String(principal),
			PrincipalType: sctypes.PrincipalTypeIam,
		})
		if err != nil {
			return &associateError{principal: principal, portfolio: portfolio, err: err}
		}
	}
	return nil
}

// principals are the roles a run associates with the portfolios it opens:
// the execution role, then the reader role of the same account when the
// launch function reads as a role of its own. An account's stack instance
// makes both roles, so a reader that cannot be associated is a broken
// deployment, reported like the execution role's (the target fails, and
// its re-run opens the portfolio again).
func (s *targetStep) principals() []string {
	reader := s.e.readerARN(s.roleARN)
	if reader == "" || reader == s.roleARN {
		return []string{s.roleARN}
	}
	return []string{s.roleARN, reader}
}

// readerARN is the reader role's ARN in roleARN's account and partition;
// empty without a reader role (or with an execution role ARN that is not
// one, which Sessions never makes).
func (e *Engine) readerARN(roleARN string) string {
	if e.ReaderRoleName == "" {
		return ""
	}
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return ""
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition, a.AccountID, e.ReaderRoleName)
}

// associateError is a refused association, naming the principal: AWS's
// message may not, and the reader and the execution role fail for
// different reasons.
type associateError struct {
	principal, portfolio string
	err                  error
}

func (e *associateError) Error() string {
	return fmt.Sprintf("associate %s with %s: %v", e.principal, e.portfolio, e.err)
}

func (e *associateError) Unwrap() error { return e.err }

// openOp names the step that failed to open portfolio, for the target's
// error or note: the reader role by name, since runs do not need it.
func (s *targetStep) openOp(portfolio string, err error) string {
	var ae *associateError
	if errors.As(err, &ae) && ae.principal != s.roleARN {
		return fmt.Sprintf("associate the launch function's reader role %s with portfolio %s (dry runs and status read as it)", ae.principal, portfolio)
	}
	return "associate role with portfolio " + portfolio
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

// gateKey identifies an opened portfolio: the roles associated are part of
// it, so a changed execution role, or a reader role added, opens the
// portfolio again.
func gateKey(region, portfolio string, principals ...string) string {
	return region + "/" + portfolio + "/" + strings.Join(principals, "+")
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
