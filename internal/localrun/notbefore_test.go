package localrun

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
	"github.com/landfall/landfall/internal/workqueue"
)

// TestRunHeldUntilNotBefore: a run whose release is beyond SQS's longest
// delay (a backfill's later waves) is put back by the worker until its
// NotBefore, with no step and no AWS call but SQS, then runs as usual.
func TestRunHeldUntilNotBefore(t *testing.T) {
	env := newEnv(t, setup{})
	ctx := context.Background()
	if inv := env.InvokeLaunch(ctx, Payload{Name: "create", Body: mustRead(t)}); inv.Error != "" {
		t.Fatal(inv.Error)
	}
	// Take the queued run and queue it again as the launch function queues
	// a backfill run released in 20 minutes.
	out, err := env.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(env.Config.QueueURL)})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("receive: %v, %d messages", err, len(out.Messages))
	}
	if _, err := env.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(env.Config.QueueURL), ReceiptHandle: out.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	run, err := runstate.Decode([]byte(aws.ToString(out.Messages[0].Body)))
	if err != nil {
		t.Fatal(err)
	}
	release := env.Clock.Now().Add(20 * time.Minute)
	run.StartedAt, run.NotBefore = release, release
	q := &workqueue.Queue{URL: env.Config.QueueURL, SQS: env.sqs}
	if err := q.Send(ctx, run, workqueue.MaxDelay); err != nil {
		t.Fatal(err)
	}

	// 15 minutes on, the worker gets it and only puts it back, for the 5 left.
	if _, err := env.Ledger().Adopt(ctx, run); err != nil {
		t.Fatal(err)
	}
	env.Cloud.Calls().Reset()
	env.Clock.Advance(workqueue.MaxDelay)
	if n, err := env.receiveAndDeliver(ctx, 1); err != nil || n != 1 {
		t.Fatalf("delivered %d (%v), want the held run", n, err)
	}
	calls := env.Cloud.Calls().Snapshot()
	for op := range calls {
		// The ledger is read (a held run can be cancelled); nothing else.
		if !strings.HasPrefix(op, "sqs.") && op != "dynamodb.GetItem" {
			t.Errorf("holding the run called %s; want SQS and the ledger read only: %v", op, slices.Sorted(maps.Keys(calls)))
		}
	}
	if calls["sqs.SendMessage"] != 1 {
		t.Errorf("SendMessage calls = %d, want 1 (the run put back)", calls["sqs.SendMessage"])
	}
	if next, ok := env.Cloud.Queues().NextVisibleAt(env.Config.QueueURL); !ok || !next.Equal(release) {
		t.Errorf("the run comes back at %v (%v), want its release %v", next, ok, release)
	}

	if err := env.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	notes, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Document.Outcome != "SUCCEEDED" {
		t.Fatalf("notifications = %+v, want one SUCCEEDED summary", notes)
	}
	if r := notes[0].Document.Run; r == nil || !r.StartedAt.Equal(release) || r.FinishedAt.Before(release) {
		t.Errorf("summary run = %+v, want it started at its release %v", r, release)
	}
}

// TestStoryTellsEachSummaryOnce: every summary appears in the story once, in
// publish order, and nothing told is kept.
func TestStoryTellsEachSummaryOnce(t *testing.T) {
	env := newEnv(t, setup{world: func(w *localaws.World) { addFleet(w, 12, nil) }})
	env.Plan.Notifications.Backfills = plan.BackfillEach // a summary per run, to tell
	env.Replan(env.Plan)
	var told []string
	env.Story = func(format string, a ...any) {
		if strings.Contains(format, "SNS <-") {
			told = append(told, a[len(a)-1].(string))
		}
	}
	mustRunFleet(t, env, backfillFleet)
	notes, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range notes {
		want = append(want, n.Subject)
	}
	// Workers publish concurrently: the story may tell them in another order.
	slices.Sort(told)
	slices.Sort(want)
	if len(want) != 12 || !slices.Equal(told, want) {
		t.Errorf("story told %d summaries %q, want the topic's %d %q", len(told), told, len(want), want)
	}
	if len(env.untold) != 0 {
		t.Errorf("%d summaries kept after being told", len(env.untold))
	}
}
