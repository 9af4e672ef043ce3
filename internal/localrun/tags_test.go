package localrun

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/runstate"
)

// byTag narrows the example plan to the default world's accounts tagged
// environment prod (payments-prod) or staging (LifeCycle2), and takes the
// cost-center tag of the provisioned products from the account's own tag.
func byTag(s string) string {
	s = strings.Replace(s, `cost-center: "{{ .Values.costCenter }}"`, `cost-center: '{{ index .Account.Tags "cost-center" | default .Values.costCenter }}'`, 1)
	return s + "\ninclude:\n  tags: {environment: [prod, staging]}\n"
}

// TestBackfillSelectsByAccountTag backfills the whole organization with a
// plan that selects by tag: only the tagged accounts get runs, each
// account's tags are read once, the others are excluded saying which tag
// they lack, and the runs carry the tags the worker renders.
func TestBackfillSelectsByAccountTag(t *testing.T) {
	env := newEnv(t, setup{plan: byTag})
	if !env.Plan.NeedsTags() {
		t.Fatal("the edit did not reach the plan")
	}
	env.Cloud.Calls().Reset()
	inv := env.InvokeLaunch(context.Background(), Payload{Name: "backfill by tag", Body: []byte(`{"all": true}`)})
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeQueued {
		t.Fatalf("launch = %+v", inv)
	}
	var queued []string
	for _, q := range inv.Response.Queued {
		queued = append(queued, q.Account)
	}
	slices.Sort(queued)
	if want := []string{"333333333333", "666666666666"}; !slices.Equal(queued, want) {
		t.Errorf("queued runs for %v, want the tagged accounts %v", queued, want)
	}
	reasons := map[string]string{}
	for _, e := range inv.Response.Excluded {
		reasons[e.Account] = e.Reason
	}
	for account, want := range map[string]string{
		"222222222222": "it has no environment tag",
		"777777777777": `its environment tag is "dev"`,
		"444444444444": "it has no environment tag",
	} {
		if !strings.Contains(reasons[account], want) {
			t.Errorf("%s excluded for %q, want it to say %q", account, reasons[account], want)
		}
	}
	// Every member account is looked at (the management account never),
	// each read once: the backfill's ListTagsForResource calls are one per
	// account.
	if n := env.Cloud.Calls().Count("organizations.ListTagsForResource"); n != 7 {
		t.Errorf("%d ListTagsForResource calls, want 7 (one per member account)", n)
	}

	// The run message carries the tags; the worker renders the products'
	// cost-center tag from them without calling Organizations.
	out, err := env.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(env.Config.QueueURL), MaxNumberOfMessages: 10, VisibilityTimeout: 0})
	if err != nil || len(out.Messages) != 2 {
		t.Fatalf("receive: %v, %d messages", err, len(out.Messages))
	}
	for _, m := range out.Messages {
		run, err := runstate.Decode([]byte(aws.ToString(m.Body)))
		if err != nil {
			t.Fatal(err)
		}
		if run.Account.Tags["environment"] == "" || run.Account.Tags["cost-center"] == "" {
			t.Errorf("run for %s carries tags %v", run.Account.ID, run.Account.Tags)
		}
	}
	env.Cloud.Calls().Reset()
	if err := env.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := env.Cloud.Calls().Count("organizations.ListTagsForResource"); n != 0 {
		t.Errorf("the worker read tags %d times; they travel in the run", n)
	}
	finished := env.Finished()
	if len(finished) != 2 {
		t.Fatalf("%d runs finished, want 2", len(finished))
	}
	for _, r := range finished {
		for _, tg := range r.Targets {
			if tg.Status != runstate.Succeeded {
				t.Errorf("run %s %s: %s %s", r.Account.ID, tg.Key(), tg.Status, tg.Error)
			}
		}
	}
}

// TestTagReadFailureRefuses: when Organizations does not answer for an
// account's tags, nothing is selected or excluded on a guess. The backfill
// and the lifecycle event fail (to be retried), naming the account, and no
// run is queued.
func TestTagReadFailureRefuses(t *testing.T) {
	env := newEnv(t, setup{plan: byTag})
	if err := env.Cloud.Faults().Add(faults.Rule{Service: "organizations", Operation: "ListTagsForResource", ErrorRate: 1}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []Payload{
		{Name: "backfill by tag", Body: []byte(`{"all": true}`)},
		{Name: "lifecycle event", Body: eventFor(t, "create-managed-account-succeeded.json", "666666666666", "payments-prod")},
	} {
		t.Run(p.Name, func(t *testing.T) {
			env.Cloud.Calls().Reset()
			inv := env.InvokeLaunch(context.Background(), p)
			if inv.Error == "" || !strings.Contains(inv.Error, "list tags of account") {
				t.Errorf("launch = %+v, want it to fail on the tag read, naming the account", inv)
			}
			if n := env.Cloud.Calls().Count("sqs.SendMessage"); n != 0 {
				t.Errorf("%d runs queued on tags that were never read", n)
			}
		})
	}
}

// TestRetirementSeesAccountTags: with retire: terminate, the worker decides
// retirement from the run's account, so the run must carry what the launch
// function read, "no tags" included: an untagged account's run looks for
// candidates (its tags are {}, not "not read") and terminates nothing the
// plan still places.
func TestRetirementSeesAccountTags(t *testing.T) {
	env := newEnv(t, setup{plan: func(s string) string {
		s = strings.Replace(s, "  ous: [Security]\n", "  ous: [Security]\n  tags: {landfall-skip: \"true\"}\n", 1)
		return s + "\nretire: terminate\n"
	}})
	if !env.Plan.SelectsByTag() || !env.Plan.RetirementEnabled() {
		t.Fatal("the edit did not reach the plan")
	}
	inv := env.InvokeLaunch(context.Background(), Payload{Name: "backfill", Body: []byte(`{"all": true}`)})
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeQueued {
		t.Fatalf("launch = %+v", inv)
	}
	if err := env.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	finished := env.Finished()
	if len(finished) == 0 {
		t.Fatal("no run finished")
	}
	for _, r := range finished {
		if r.Account.Tags == nil {
			t.Errorf("run for %s carries no tags read", r.Account.ID)
		}
		for _, n := range r.Notes {
			if strings.Contains(n, "not looked for") {
				t.Errorf("run for %s: %s", r.Account.ID, n)
			}
		}
	}
	if n := env.Cloud.Calls().Count("servicecatalog.TerminateProvisionedProduct"); n != 0 {
		t.Errorf("%d products terminated in accounts the plan still places", n)
	}
}
