package gameday

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/landfall/landfall/internal/notify"
)

// TestHarnessCatchesDefects plays a game day sabotaged four ways and
// checks that its row shows each defect: a harness that cannot fail
// proves nothing.
func TestHarnessCatchesDefects(t *testing.T) {
	run := "ct-" + eventID(Create, lifeCycle1, 1) + "-" + lifeCycle1
	sc := Scenario{
		Name: "sabotaged",
		Steps: []Step{
			Event(Create, lifeCycle1, 1), Drain(),
			// A second summary for the run, with a version nobody runs.
			forgeSummary(run, notify.TargetLine{Region: "us-east-1", Product: "baseline-vpc", Status: "SUCCEEDED", Version: "v1.0"}),
			// The same products again under other names: duplicates.
			Replan(func(s string) string {
				return replaceOnce(s, "provisionedProductPrefix: landfall-", "provisionedProductPrefix: other-")
			}),
			Manual(`{"accounts": ["` + lifeCycle1 + `"]}`), Drain(),
			// A queued run whose message vanishes: lost.
			Event(Create, lifeCycle2, 1), dropQueuedRuns(),
			// An event that never reached the launch function: lost too.
			{what: "drop an event", do: func(_ context.Context, p *play) error {
				p.delivered(runID(Create, lifeCycle3, 1), lifeCycle3)
				return nil
			}},
		},
	}
	res, err := Run(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Row
	if r.Holds() || r.Lost != 12 || r.Duplicates != 6 || r.SummariesOK || r.TruthOK || r.Summaries != "0 ×2, 1 ×1, 2 ×1" {
		t.Errorf("row %v does not show 12 lost, 6 duplicates, a run with 2 summaries, two lost ones with none, and an untrue summary", r.cells())
	}
	for _, want := range []string{"never finished and is not parked", "provisioned 2 times", "sent 2 summaries", "runs v2.0"} {
		if !strings.Contains(strings.Join(res.Problems, "\n"), want) {
			t.Errorf("no problem says %q:\n%s", want, strings.Join(res.Problems, "\n"))
		}
	}
}

// forgeSummary publishes a run summary for runID with line, as a buggy
// worker would.
func forgeSummary(runID string, line notify.TargetLine) Step {
	return Step{what: "forge a summary", do: func(ctx context.Context, p *play) error {
		n := &notify.Notifier{TopicARN: p.env.Config.TopicARN, SNS: sns.NewFromConfig(p.env.AWS)}
		_, err := n.PublishSummary(ctx, notify.Message{Subject: "forged", Text: "forged", Doc: notify.Document{
			Source: "landfall", Version: 1, Kind: "run-summary", Outcome: "SUCCEEDED",
			Account: &notify.AccountRef{ID: lifeCycle1}, Run: &notify.RunInfo{ID: runID, StartedAt: time.Now()},
			Targets: []notify.TargetLine{line},
		}})
		return err
	}}
}

// dropQueuedRuns takes every visible message off the work queue, as if
// SQS lost them.
func dropQueuedRuns() Step {
	return Step{what: "lose the queued runs", do: func(_ context.Context, p *play) error {
		q := p.env.Cloud.Queues()
		got, err := q.Receive(p.env.Config.QueueURL, 10)
		if err != nil {
			return err
		}
		if len(got) == 0 {
			return fmt.Errorf("nothing queued to lose")
		}
		for _, d := range got {
			if err := q.Delete(p.env.Config.QueueURL, d.ReceiptHandle); err != nil {
				return err
			}
		}
		return nil
	}}
}
