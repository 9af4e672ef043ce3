package localrun

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/lifecycle/samples"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/plan"
)

// criticalRegions are the 17 regions of issue #14's scenario: every region
// of the aws partition that is not opt-in.
var criticalRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
}

// benchProduct is one product of a finish-time scenario: how long it takes
// to provision, what it depends on, and whether the plan gives the hint.
type benchProduct struct {
	key       string
	duration  time.Duration
	dependsOn string
}

// scenario is one account provisioned in criticalRegions.
type scenario struct {
	name     string
	products []benchProduct
	critical time.Duration // the longest dependency chain
	// hint is the expectedDuration the plan gives, as a fraction of the real
	// duration: 0 for none, 1 for exact, 0.9 for a product that overruns it.
	hint float64
}

// finishScenarios are issue #14's: three products of 3, 7 and 12 minutes, the
// 12-minute one after the 3-minute one (critical path 15 minutes), and single
// products from 3 to 45 minutes; each without the plan's hint, with an exact
// one, and with one 10% short.
func finishScenarios() []scenario {
	base := []scenario{{
		name: "critical-3+7+12m", critical: 15 * time.Minute,
		products: []benchProduct{{"p3", 3 * time.Minute, ""}, {"p7", 7 * time.Minute, ""}, {"p12", 12 * time.Minute, "p3"}},
	}}
	for _, m := range []int{3, 5, 10, 20, 45} {
		d := time.Duration(m) * time.Minute
		base = append(base, scenario{name: fmt.Sprintf("single-%dm", m), critical: d, products: []benchProduct{{fmt.Sprintf("p%d", m), d, ""}}})
	}
	var out []scenario
	for _, s := range base {
		for _, hint := range []float64{0, 1, 0.9} {
			s.hint = hint
			out = append(out, s)
		}
	}
	return out
}

func (s scenario) label() string {
	switch s.hint {
	case 0:
		return s.name + "/nohint"
	case 1:
		return s.name + "/hint"
	}
	return fmt.Sprintf("%s/hint%.0f%%", s.name, 100*s.hint)
}

// BenchmarkFinishTime measures how long after its products an account run
// finishes (issue #14). finish/critical is the summary's finish time minus
// the run's start, over the critical path, both on the emulated clock;
// steps/run counts worker invocations; polls/target is DescribeRecord calls
// per target.
func BenchmarkFinishTime(b *testing.B) {
	for _, s := range finishScenarios() {
		b.Run(s.label(), func(b *testing.B) {
			pl, err := plan.Parse([]byte(s.plan()), "bench-plan.yaml")
			if err != nil {
				b.Skipf("plan: %v", err) // a plan without expectedDuration support cannot say hint
			}
			var m finishMetrics
			for b.Loop() {
				b.StopTimer()
				env := s.env(b, pl)
				b.StartTimer()
				m = s.run(b, env)
			}
			b.ReportMetric(m.ratio, "finish/critical")
			b.ReportMetric(m.steps, "steps/run")
			b.ReportMetric(m.polls, "polls/target")
		})
	}
}

type finishMetrics struct{ ratio, steps, polls float64 }

func (s scenario) env(b *testing.B, pl *plan.Plan) *Env {
	b.Helper()
	w, err := localaws.DefaultWorld()
	if err != nil {
		b.Fatal(err)
	}
	w.Catalog.Regions = s.catalog()
	env, err := New(context.Background(), w, pl, nil)
	if err != nil {
		b.Fatal(err)
	}
	return env
}

func (s scenario) run(b *testing.B, env *Env) finishMetrics {
	b.Helper()
	res, err := env.Run(context.Background(), []Payload{{Name: "create", Body: samples.Event("create-managed-account-succeeded.json")}})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Notifications) != 1 || res.Notifications[0].Document.Run == nil {
		b.Fatalf("want one run summary, got %d notifications", len(res.Notifications))
	}
	doc := res.Notifications[0].Document
	targets := len(criticalRegions) * len(s.products)
	if doc.Outcome != "SUCCEEDED" || len(doc.Targets) != targets {
		b.Fatalf("run %s with %d targets, want SUCCEEDED with %d", doc.Outcome, len(doc.Targets), targets)
	}
	took := doc.Run.FinishedAt.Sub(doc.Run.StartedAt)
	return finishMetrics{
		ratio: float64(took) / float64(s.critical),
		steps: float64(res.Calls["sqs.SendMessage"]), // the launch's first message and every continuation: one worker step each
		polls: float64(res.Calls["servicecatalog.DescribeRecord"]) / float64(targets),
	}
}

// catalog is one portfolio per region shared with the organization, holding
// every product of the scenario with a single version.
func (s scenario) catalog() []catalog.RegionSpec {
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []catalog.RegionSpec
	for i, r := range criticalRegions {
		rs := catalog.RegionSpec{Region: r, Portfolios: []catalog.PortfolioSpec{{
			ID: fmt.Sprintf("port-bench%02d", i), Name: "Landfall Baseline", ProviderName: "Platform team",
			Created: created, Shares: []string{"organization"},
		}}}
		for _, p := range s.products {
			id := fmt.Sprintf("prod-bench%02d%s", i, p.key)
			rs.Portfolios[0].Products = append(rs.Portfolios[0].Products, id)
			rs.Products = append(rs.Products, catalog.ProductSpec{ID: id, Name: p.key, Owner: "Platform team", Artifacts: []catalog.ArtifactSpec{{
				ID: fmt.Sprintf("pa-bench%02d%s", i, p.key), Name: "v1", Created: created,
				Provisioning: catalog.ProvisioningSpec{Duration: p.duration},
			}}})
		}
		out = append(out, rs)
	}
	return out
}

// plan is the scenario's plan: every product in every region.
func (s scenario) plan() string {
	var b strings.Builder
	fmt.Fprintf(&b, "regions: [%s]\nportfolios:\n", strings.Join(criticalRegions, ", "))
	for i, r := range criticalRegions {
		fmt.Fprintf(&b, "  %s: port-bench%02d\n", r, i)
	}
	b.WriteString("exclude:\n  ous: [Security]\nproducts:\n")
	for _, p := range s.products {
		fmt.Fprintf(&b, "  - key: %s\n    product: %s\n", p.key, p.key)
		if p.dependsOn != "" {
			fmt.Fprintf(&b, "    dependsOn: [%s]\n", p.dependsOn)
		}
		if s.hint > 0 {
			fmt.Fprintf(&b, "    expectedDuration: %s\n", time.Duration(s.hint*float64(p.duration)).Round(time.Second))
		}
	}
	return b.String()
}
