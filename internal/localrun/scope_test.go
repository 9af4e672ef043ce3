package localrun

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/runstate"
)

// TestEventsForAccountsOutsideThePlanAreRefused plays lifecycle events, as a
// hand-made or replayed event could carry them, for accounts Landfall must
// never act in: each is refused and reported once, nothing is queued, and no
// role is assumed anywhere.
func TestEventsForAccountsOutsideThePlanAreRefused(t *testing.T) {
	const suspended = "246810121416"
	env := newEnv(t, setup{world: func(w *localaws.World) {
		w.Organization.Accounts = append(w.Organization.Accounts,
			org.AccountSpec{ID: suspended, Name: "closed-sandbox", Parent: "ou-ab12-l3zc8b3h", Status: org.StatusSuspended})
	}})
	tests := []struct {
		name, account, reason string
	}{
		{"the management account", mgmt, "management account"},
		{"a suspended account", suspended, "SUSPENDED, not ACTIVE"},
		{"an account outside the organization", "135791113151", "not an account of this organization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.Cloud.Calls().Reset()
			before, err := env.Notifications()
			if err != nil {
				t.Fatal(err)
			}
			inv := env.InvokeLaunch(context.Background(), Payload{Name: tt.name, Body: eventFor(t, "create-managed-account-succeeded.json", tt.account, "whoever")})
			if inv.Error != "" || inv.Response.Outcome != launch.OutcomeRefused || !strings.Contains(inv.Response.Message, tt.reason) {
				t.Fatalf("launch = %+v, want refused saying %q", inv, tt.reason)
			}
			if err := env.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			calls := env.Cloud.Calls().Snapshot()
			for _, op := range []string{"sts.AssumeRole", "sqs.SendMessage"} {
				if calls[op] != 0 {
					t.Errorf("%s called %d times for a refused account", op, calls[op])
				}
			}
			after, err := env.Notifications()
			if err != nil {
				t.Fatal(err)
			}
			if got := after[len(before):]; len(got) != 1 || got[0].Document.Kind != "refused" || !strings.Contains(got[0].Message, tt.reason) {
				t.Errorf("notifications = %+v, want one refusal saying %q", got, tt.reason)
			}
		})
	}
}

// TestPayloadCannotWidenThePlan: a manual payload narrows the plan but never
// adds the management account, a region or a product the plan does not name.
func TestPayloadCannotWidenThePlan(t *testing.T) {
	env := newEnv(t, setup{})
	for _, body := range []string{
		`{"all": true, "includeManagementAccount": true}`,
		`{"accounts": ["222222222222"], "regions": ["eu-west-1"]}`,
		`{"accounts": ["222222222222"], "products": ["admin-backdoor"]}`,
		`{"accounts": ["222222222222"], "targets": [{"region": "ap-south-1", "product": "baseline-vpc"}]}`,
	} {
		env.Cloud.Calls().Reset()
		inv := env.InvokeLaunch(context.Background(), Payload{Name: "widen", Body: []byte(body)})
		if inv.Error != "" || inv.Response.Outcome != launch.OutcomeInvalid {
			t.Errorf("%s: %+v, want it refused as invalid", body, inv)
			continue
		}
		if n := env.Cloud.Calls().Count("sqs.SendMessage"); n != 0 {
			t.Errorf("%s: %d runs queued", body, n)
		}
	}
}

// TestRunsCarryEmailOnlyWhenTemplatesUseIt reads the queued run message: the
// account's root email rides along only when a template names it.
func TestRunsCarryEmailOnlyWhenTemplatesUseIt(t *testing.T) {
	for _, tt := range []struct {
		name  string
		edit  func(string) string
		email string
	}{
		{"the example plan names no email", nil, ""},
		{"a template names it", func(s string) string {
			return strings.Replace(s, `AccountName: "{{ .Account.Name }}"`, `AccountName: "{{ .Account.Name }} {{ .Account.Email }}"`, 1)
		}, "lifecycle1@example.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, setup{plan: tt.edit})
			if tt.edit != nil && !env.Plan.NeedsEmail() {
				t.Fatal("the edit did not reach the plan")
			}
			inv := env.InvokeLaunch(context.Background(), Payload{Name: "event", Body: event(t, "create-managed-account-succeeded.json")})
			if inv.Error != "" || inv.Response.Outcome != launch.OutcomeQueued {
				t.Fatalf("launch = %+v", inv)
			}
			out, err := env.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(env.Config.QueueURL), VisibilityTimeout: 0})
			if err != nil || len(out.Messages) != 1 {
				t.Fatalf("receive: %v, %d messages", err, len(out.Messages))
			}
			run, err := runstate.Decode([]byte(aws.ToString(out.Messages[0].Body)))
			if err != nil {
				t.Fatal(err)
			}
			if run.Account.Email != tt.email {
				t.Errorf("run carries email %q, want %q", run.Account.Email, tt.email)
			}
		})
	}
}

// TestTypoedExcludeRefusesEveryRun: `exclude: ous: [Securty]` would quietly
// plan the security team's accounts. The launch refuses the backfill's dry
// run and a lifecycle event alike, naming the entry with a did-you-mean,
// reporting it once each, and queueing nothing.
func TestTypoedExcludeRefusesEveryRun(t *testing.T) {
	env := newEnv(t, setup{plan: func(s string) string {
		return strings.Replace(s, "ous: [Security]", "ous: [Securty]", 1)
	}})
	for _, p := range []Payload{
		{Name: "backfill dry run", Body: []byte(`{"all": true, "dryRun": true}`)},
		{Name: "lifecycle event", Body: event(t, "create-managed-account-succeeded.json")},
	} {
		env.Cloud.Calls().Reset()
		before, _ := env.Notifications()
		inv := env.InvokeLaunch(context.Background(), p)
		want := `exclude.ous[0]: "Securty" is not an OU of this organization, so this exclusion excludes nothing; did you mean "Security"?`
		if inv.Error != "" || inv.Response.Outcome != launch.OutcomeRefused || !strings.Contains(inv.Response.Message, want) {
			t.Fatalf("%s: %+v, want refused with %q", p.Name, inv, want)
		}
		calls := env.Cloud.Calls().Snapshot()
		if calls["sqs.SendMessage"] != 0 || calls["sts.AssumeRole"] != 0 {
			t.Errorf("%s: queued %d runs, assumed %d roles", p.Name, calls["sqs.SendMessage"], calls["sts.AssumeRole"])
		}
		after, _ := env.Notifications()
		if got := after[len(before):]; len(got) != 1 || got[0].Document.Kind != "refused" || !strings.Contains(got[0].Message, want) {
			t.Errorf("%s: notifications %+v, want one refusal", p.Name, got)
		}
	}
}

// TestDryRunNamesGlobsMatchingNothing: an account-name glob may be meant for
// accounts still to come, so it blocks nothing, but a dry run says so.
func TestDryRunNamesGlobsMatchingNothing(t *testing.T) {
	env := newEnv(t, setup{plan: func(s string) string {
		return strings.Replace(s, "exclude:\n", "include:\n  accountNames: [\"LifeCycle*\", \"paymets-*\"]\nexclude:\n", 1)
	}})
	inv := env.InvokeLaunch(context.Background(), Payload{Name: "dry run", Body: []byte(`{"all": true, "dryRun": true}`)})
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeDryRun {
		t.Fatalf("dry run = %+v", inv)
	}
	if n := inv.Response.Notes; len(n) != 1 || !strings.Contains(n[0], `include.accountNames[1]: "paymets-*" matches no account name yet`) {
		t.Errorf("notes = %q", n)
	}
}

// TestMemberLocalLookAlikeIsNeverLaunched sets the trap a member account's
// administrator could set: a local portfolio with the shared portfolio's
// display name, associated with the execution role, holding a local product
// named baseline-vpc and the organization's security-audit (imported). The
// run launches the shared products, through the shared portfolio, and never
// the look-alike.
func TestMemberLocalLookAlikeIsNeverLaunched(t *testing.T) {
	const local, lookAlike = "port-ue1trap0001", "prod-ue1trapvpc0"
	env := newEnv(t, setup{world: func(w *localaws.World) {
		for i := range w.Catalog.Regions {
			rs := &w.Catalog.Regions[i]
			if rs.Region != "us-east-1" {
				continue
			}
			rs.Portfolios = append(rs.Portfolios, catalog.PortfolioSpec{
				ID: local, Name: "Landfall Baseline", Owner: lifeCycle1,
				Products:   []string{lookAlike, "prod-ue1secaudit0"},
				Principals: []catalog.PrincipalSpec{{Type: "IAM", ARN: "arn:aws:iam::" + lifeCycle1 + ":role/AWSControlTowerExecution"}},
			})
			rs.Products = append(rs.Products, catalog.ProductSpec{
				ID: lookAlike, Name: "baseline-vpc", Account: lifeCycle1, Owner: "Not the platform team",
				Artifacts: []catalog.ArtifactSpec{{ID: "pa-ue1trapvpc99", Name: "v9.9", Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
			})
		}
	}})
	res := mustRun(t, env, event(t, "create-managed-account-succeeded.json"))
	wantAll(t, statuses(t, res, lifeCycle1), "SUCCEEDED")
	member := servicecatalog.NewFromConfig((&provision.Sessions{Base: env.AWS, RoleName: env.Plan.ExecutionRoleName, Now: env.Clock.Now}).Config(lifeCycle1, "test"),
		func(o *servicecatalog.Options) { o.Region = "us-east-1" })
	for name, want := range map[string]string{"landfall-baseline-vpc": "prod-ue1basevpc0", "landfall-security-audit": "prod-ue1secaudit0"} {
		out, err := member.DescribeProvisionedProduct(context.Background(), &servicecatalog.DescribeProvisionedProductInput{Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		d := out.ProvisionedProductDetail
		if got := aws.ToString(d.ProductId); got != want {
			t.Errorf("%s launched %s, want the shared %s", name, got, want)
		}
		rec, err := member.DescribeRecord(context.Background(), &servicecatalog.DescribeRecordInput{Id: d.LastSuccessfulProvisioningRecordId})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(rec.RecordDetail.PathId); got != "port-ue1baseline0" {
			t.Errorf("%s launched through %s, want the plan's portfolio port-ue1baseline0", name, got)
		}
	}
}

// TestProductTypoRefusedBeforeAnythingIsQueued: a plan naming a product its
// portfolio does not hold is refused by the launch function's preflight in
// the first call, with the validator's message, not 30 minutes into a run.
func TestProductTypoRefusedBeforeAnythingIsQueued(t *testing.T) {
	env := newEnv(t, setup{plan: func(s string) string {
		return strings.Replace(s, "product: security-audit", "product: security-audti", 1)
	}})
	inv := env.InvokeLaunch(context.Background(), Payload{Name: "event", Body: event(t, "create-managed-account-succeeded.json")})
	want := `products[1].product: product "security-audti" is not in the plan's portfolio`
	if inv.Error != "" || inv.Response.Outcome != launch.OutcomeRefused || !strings.Contains(inv.Response.Message, want) || !strings.Contains(inv.Response.Message, `did you mean "security-audit"?`) {
		t.Fatalf("launch = %+v, want refused with %q and a did-you-mean", inv, want)
	}
	calls := env.Cloud.Calls().Snapshot()
	for _, op := range []string{"sqs.SendMessage", "sts.AssumeRole"} {
		if calls[op] != 0 {
			t.Errorf("%s called %d times", op, calls[op])
		}
	}
}
