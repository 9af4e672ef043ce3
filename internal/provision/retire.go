package provision

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"golang.org/x/sync/errgroup"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// Finding retirement candidates. A run with Retire set (the launch function
// sets it) lists, at its first step that reaches the account, the account's
// provisioned products in each of the plan's regions, and asks the plan's
// retirement rule (plan.Retirement) about each that carries a name Landfall
// gives. Those the plan no longer places become targets of the run
// (runstate's retire.go): retained ones are reported, the rest terminated
// (terminate.go). Dry runs ask the same rule about the same listing, and so
// does fleet status, so the three agree.
//
// The listing is SearchProvisionedProducts at the account access level: it
// returns every provisioned product of the account, whoever launched it
// (a product an earlier Landfall role or a person launched included), with
// its tags, which the rule needs to tell Landfall's own products from
// look-alikes; ScanProvisionedProducts returns no tags, and describing each
// product by name would take a call per product. One paged listing per
// region and step, at most maxListPages pages.

// Lister lists provisioned products; *servicecatalog.Client implements it,
// and so does every Catalog.
type Lister interface {
	SearchProvisionedProducts(context.Context, *servicecatalog.SearchProvisionedProductsInput, ...func(*servicecatalog.Options)) (*servicecatalog.SearchProvisionedProductsOutput, error)
}

var _ Lister = (*servicecatalog.Client)(nil)

// Listing bounds: 100 is the API's largest page; 50 pages is 5,000
// provisioned products in one account and region, far beyond what an
// account holds, and keeps a listing that never ends (a paging bug) from
// holding a step.
const (
	listPageSize = 100
	maxListPages = 50
)

// Provisioned is a provisioned product a listing found whose name starts
// with the plan's prefix.
type Provisioned struct {
	plan.Found
	ID, Status string
	// ProductID and ArtifactID are what it was launched from; Version is
	// the artifact's name.
	ProductID, ArtifactID, Version string
}

// ListNamed lists the provisioned products in the account and region cat
// reaches whose names start with prefix, in creation order.
func ListNamed(ctx context.Context, l Lister, region, prefix string) ([]Provisioned, error) {
	var out []Provisioned
	var token *string
	for range maxListPages {
		page, err := l.SearchProvisionedProducts(ctx, &servicecatalog.SearchProvisionedProductsInput{
			AccessLevelFilter: &sctypes.AccessLevelFilter{Key: sctypes.AccessLevelFilterKeyAccount, Value: aws.String("self")},
			// AWS: "To ensure a complete list of provisioned products and
			// remove duplicate products, use sort-by createdTime."
			SortBy:    aws.String("createdTime"),
			PageSize:  listPageSize,
			PageToken: token,
		})
		if err != nil {
			return nil, err
		}
		for _, a := range page.ProvisionedProducts {
			name := aws.ToString(a.Name)
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			tags := make(map[string]string, len(a.Tags))
			for _, t := range a.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			out = append(out, Provisioned{
				Found: plan.Found{Region: region, Name: name, Tags: tags},
				ID:    aws.ToString(a.Id), Status: string(a.Status),
				ProductID: aws.ToString(a.ProductId), ArtifactID: aws.ToString(a.ProvisioningArtifactId),
				Version: aws.ToString(a.ProvisioningArtifactName),
			})
		}
		token = page.NextPageToken
		if aws.ToString(token) == "" {
			return out, nil
		}
	}
	return nil, fmt.Errorf("list provisioned products in %s: more than %d pages of %d", region, maxListPages, listPageSize)
}

// Candidate is a retirement candidate: a provisioned product found, and
// the rule's verdict on it.
type Candidate struct {
	Provisioned
	Verdict plan.Verdict
}

// regionCandidates is what looking in one region found.
type regionCandidates struct {
	found []Candidate
	// err is why the region could not be looked in; retry says a later
	// step may succeed (throttling, a fault).
	err   error
	retry bool
}

// Candidates looks in every plan region of the account cats reaches for
// the retirement candidates rule finds, in plan region order. It reports,
// per region it could not look in, why, and whether any failure is worth
// another try.
func (e *Engine) Candidates(ctx context.Context, rule *plan.Retirement, cats Catalogs) (found []Candidate, problems []string, retry bool) {
	return e.candidatesIn(ctx, rule, cats, e.Plan.Regions)
}

// candidatesIn is Candidates in regions.
func (e *Engine) candidatesIn(ctx context.Context, rule *plan.Retirement, cats Catalogs, regions []string) (found []Candidate, problems []string, retry bool) {
	results := make([]regionCandidates, len(regions))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.concurrency())
	for i, r := range regions {
		g.Go(func() error {
			listed, err := ListNamed(gctx, cats(r), r, e.Plan.ProvisionedProductPrefix)
			if err != nil {
				results[i] = regionCandidates{err: err, retry: classify(err) == classTransient || classify(err) == classState}
				return nil
			}
			for _, p := range listed {
				if v := rule.Decide(p.Found); v.Candidate() {
					results[i].found = append(results[i].found, Candidate{Provisioned: p, Verdict: v})
				}
			}
			return nil
		})
	}
	_ = g.Wait()
	for i, res := range results {
		found = append(found, res.found...)
		// A region the account cannot use (disabled, not opted in) is
		// not a problem worth a note: nothing can be retired there, the
		// region's planned targets (if any) say why, and with `regions:
		// enabled` such regions are expected.
		if res.err == nil || classify(res.err) == classUnreachable {
			continue
		}
		retry = retry || res.retry
		problems = append(problems, fmt.Sprintf("in %s: %s", regions[i], message(res.err)))
	}
	return found, problems, retry
}

// Discover looks for the run's retirement candidates if it still has to
// (runstate.Run.Looking), and adds each as a target: a retained one final
// at once (RETIRABLE), one to terminate pending. A region that failed for
// a reason worth retrying (throttling past the SDK's retries) keeps the
// run looking, and the next step lists again: candidates already added are
// recognised by region and key, so listing again adds nothing twice. Any
// other failure is a run note, and the run stops looking there. It
// reports whether it changed the run. The worker calls it once the account
// is open and the opt-in gate has asked about the run's opt-in regions,
// before the engine advances the targets (Advance does not look); it looks
// nowhere in skip, the regions the gate found the account has not enabled
// (nothing can have been provisioned there, and a call there is refused).
func (e *Engine) Discover(ctx context.Context, run *runstate.Run, cats Catalogs, skip []string) (changed bool) {
	if !run.Looking() {
		return false
	}
	log := e.logger().With("account", run.Account.ID, "run", run.ID)
	rule, err := e.Plan.Retirement(run.Account)
	if err != nil {
		run.StopLooking(err.Error())
		return true
	}
	regions := slices.DeleteFunc(slices.Clone(e.Plan.Regions), func(r string) bool { return slices.Contains(skip, r) })
	found, problems, retry := e.candidatesIn(ctx, rule, cats, regions)
	added := e.addCandidates(run, found, false)
	if retry || ctx.Err() != nil {
		// Bounded by the run's maximum age, which ends the looking too.
		log.WarnContext(ctx, "looking for retirement candidates failed transiently; the next step looks again", "problems", strings.Join(problems, "; "))
		return added > 0
	}
	for _, p := range problems {
		run.AddNote(runstate.Clip("could not look for retirement candidates " + p))
	}
	run.Looked = true
	log.InfoContext(ctx, "looked for retirement candidates", "found", len(found), "added", added, "problems", len(problems))
	return true
}

// addCandidates adds found to run as targets, skipping any the run already
// has (by region and key), and reports how many it added. A dry run's
// candidates say what a run would do; a run's are ready to act on.
func (e *Engine) addCandidates(run *runstate.Run, found []Candidate, dry bool) int {
	n := 0
	for _, c := range found {
		if run.Target(c.Region, c.Verdict.Key) != nil {
			continue
		}
		t := runstate.Target{
			Region: c.Region, Product: c.Verdict.Key,
			ProvisionedProductName: c.Name, ProvisionedProductID: c.ID,
			ProductID: c.ProductID, ArtifactID: c.ArtifactID, Version: c.Version,
			Retirement: runstate.Clip(c.Verdict.Note()),
		}
		switch c.Verdict.Fate {
		case plan.FateTerminate:
			t.Action, t.Status = runstate.ActionTerminate, runstate.Pending
			if dry {
				t.Status = runstate.Planned
				t.Note = runstate.Clip(fmt.Sprintf("would terminate %s (%s, %s): %s", c.Name, c.ID, c.Status, c.Verdict.Note()))
			}
		default:
			// Retained candidates end as they are found: a dry run says
			// exactly what the run would.
			t.Action, t.Status, t.Note = runstate.ActionRetain, runstate.Retirable, t.Retirement
		}
		run.Targets = append(run.Targets, t)
		n++
	}
	return n
}

// resolveCandidates answers a dry run's retirement half: the candidates a
// run would find now and what it would do with each. A region it could not
// look in is a run note.
func (e *Engine) resolveCandidates(ctx context.Context, run *runstate.Run, cats Catalogs) {
	if !run.Retire {
		return
	}
	rule, err := e.Plan.Retirement(run.Account)
	if err != nil {
		run.AddNote("retirement candidates were not looked for: " + err.Error())
		return
	}
	found, problems, _ := e.Candidates(ctx, rule, cats)
	e.addCandidates(run, found, true)
	for _, p := range problems {
		run.AddNote(runstate.Clip("could not look for retirement candidates " + p))
	}
	run.Looked = true
}
