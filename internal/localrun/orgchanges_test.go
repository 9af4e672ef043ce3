package localrun

import (
	"context"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/runstate"
)

// orgChangeEvent makes the Organizations change the test just made into
// the event EventBridge would deliver for it.
func orgChangeEvent(t *testing.T, env *Env) Payload {
	t.Helper()
	changes := env.Cloud.Org().Changes()
	if len(changes) == 0 {
		t.Fatal("no Organizations change was recorded")
	}
	ch := changes[len(changes)-1]
	body, err := OrganizationsEvent(ch, mgmt)
	if err != nil {
		t.Fatal(err)
	}
	return Payload{Name: ch.EventName + " " + ch.AccountID, Body: body}
}

func invoke(t *testing.T, env *Env, p Payload) *launch.Response {
	t.Helper()
	inv := env.InvokeLaunch(context.Background(), p)
	if inv.Error != "" || inv.Response == nil {
		t.Fatalf("%s: %s", p.Name, inv.Error)
	}
	return inv.Response
}

// An account closed while its run is in progress: the CloseAccount event
// stops the run at its next step, what is left is CANCELLED, one summary
// says why, and no new run starts for the account.
func TestClosedAccountStopsItsRun(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, setup{})
	if r := invoke(t, env, Payload{Name: "create", Body: event(t, "create-managed-account-succeeded.json")}); r.Outcome != launch.OutcomeQueued {
		t.Fatalf("create: %+v", r)
	}
	if _, err := env.DeliverNext(ctx); err != nil { // the first step starts the records
		t.Fatal(err)
	}
	if err := env.Cloud.Org().CloseAccount("arn:aws:iam::"+mgmt+":user/platform", lifeCycle1, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	r := invoke(t, env, orgChangeEvent(t, env))
	if r.Outcome != launch.OutcomeStopped || len(r.Runs) != 1 {
		t.Fatalf("CloseAccount: %s %q, %d runs; want one run told to stop", r.Outcome, r.Message, len(r.Runs))
	}
	if again := invoke(t, env, orgChangeEvent(t, env)); again.Outcome != launch.OutcomeStopped && again.Outcome != launch.OutcomeNothingToDo {
		t.Errorf("a repeat of the event: %s %q", again.Outcome, again.Message)
	}
	if err := env.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	finished := env.Finished()
	if len(finished) != 1 {
		t.Fatalf("%d runs finished, want 1", len(finished))
	}
	run := finished[0]
	if run.Outcome() != "CANCELLED" {
		t.Errorf("run outcome %s, want CANCELLED", run.Outcome())
	}
	for _, tg := range run.Targets {
		if tg.Status != runstate.Cancelled && !tg.Status.OK() {
			t.Errorf("%s: %s %q, want CANCELLED or done", tg.Key(), tg.Status, tg.Error)
		}
	}
	notes, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Document.Outcome != "CANCELLED" || !strings.Contains(notes[0].Message, "CloseAccount") {
		t.Fatalf("want one CANCELLED summary naming the CloseAccount event, got %d: %+v", len(notes), notes)
	}
	if strings.Contains(notes[0].Message, "To re-run") {
		t.Errorf("a closed account's summary suggests a re-run:\n%s", notes[0].Message)
	}

	// No new run: Control Tower's own event for the account is refused.
	if r := invoke(t, env, Payload{Name: "update", Body: eventFor(t, "update-managed-account-succeeded.json", lifeCycle1, "LifeCycle1")}); r.Outcome != launch.OutcomeRefused {
		t.Errorf("an event for the closed account: %s %q, want refused", r.Outcome, r.Message)
	}
}

// A CloseAccount event for an account Organizations still has ACTIVE (a
// replay, or one made by hand) stops nothing.
func TestCloseEventForActiveAccountStopsNothing(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, setup{})
	invoke(t, env, Payload{Name: "create", Body: event(t, "create-managed-account-succeeded.json")})
	if err := env.Cloud.Org().CloseAccount("arn:aws:iam::"+mgmt+":user/platform", "333333333333", env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	forged := orgChangeEvent(t, env)
	forged.Body = []byte(strings.ReplaceAll(string(forged.Body), "333333333333", lifeCycle1))
	if r := invoke(t, env, forged); r.Outcome != launch.OutcomeIgnored || len(r.Runs) != 0 {
		t.Fatalf("forged CloseAccount: %s %q", r.Outcome, r.Message)
	}
	if err := env.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if f := env.Finished(); len(f) != 1 || f[0].Outcome() != "SUCCEEDED" {
		t.Fatalf("the run of an active account did not finish as it would have: %+v", f)
	}
}

// A removed account is no longer in the organization: its run stops too.
func TestRemovedAccountStopsItsRun(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, setup{})
	invoke(t, env, Payload{Name: "create", Body: event(t, "create-managed-account-succeeded.json")})
	if err := env.Cloud.Org().RemoveAccount("arn:aws:iam::"+mgmt+":user/platform", lifeCycle1, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := invoke(t, env, orgChangeEvent(t, env)); r.Outcome != launch.OutcomeStopped || len(r.Runs) != 1 {
		t.Fatalf("RemoveAccountFromOrganization: %s %q", r.Outcome, r.Message)
	}
	if err := env.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if f := env.Finished(); len(f) != 1 || f[0].Outcome() != "CANCELLED" || f[0].Stopped == "" {
		t.Fatalf("want the run stopped and CANCELLED, got %+v", f)
	}
}

// auditInProdOnly gives security-audit only to accounts in the Prod OU.
func auditInProdOnly(text string) string {
	return strings.Replace(text, "  - key: security-audit\n    product: security-audit\n",
		"  - key: security-audit\n    product: security-audit\n    include:\n      ous: [Prod]\n", 1)
}

// An account moved into an OU the plan gives more: the MoveAccount event
// runs it against its new place, and only the new targets are provisioned.
func TestMovedAccountGetsWhatItsNewOUGets(t *testing.T) {
	ctx := context.Background()
	const devSandbox, sandbox, prod = "777777777777", "ou-ab12-s4ndb0x1", "ou-ab12-pr0dw0rk"
	env := newEnv(t, setup{plan: auditInProdOnly})
	res := mustRun(t, env, []byte(`{"accounts": ["`+devSandbox+`"]}`))
	if got := statuses(t, res, devSandbox); len(got) != 3 || got["us-east-1/baseline-vpc"].Status != "SUCCEEDED" {
		t.Fatalf("before the move, want baseline-vpc in 3 regions, got %v", got)
	}
	if err := env.Cloud.Org().MoveAccount("arn:aws:iam::"+mgmt+":user/platform", devSandbox, sandbox, prod, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	move := orgChangeEvent(t, env)
	r := invoke(t, env, move)
	if r.Outcome != launch.OutcomeQueued || len(r.Queued) != 1 || r.Queued[0].Targets != 6 {
		t.Fatalf("MoveAccount: %s %q %+v", r.Outcome, r.Message, r.Queued)
	}
	if again := invoke(t, env, move); again.Outcome != launch.OutcomeDuplicate {
		t.Errorf("a repeat of the MoveAccount event: %s, want duplicate", again.Outcome)
	}
	if err := env.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	f := env.Finished()
	run := f[len(f)-1]
	if run.Trigger != "MoveAccount" || run.Outcome() != "SUCCEEDED" || run.RequestedBy == "" {
		t.Fatalf("move run: trigger %s, outcome %s, requested by %q", run.Trigger, run.Outcome(), run.RequestedBy)
	}
	for _, tg := range run.Targets {
		want := runstate.Succeeded
		if tg.Product == "baseline-vpc" {
			want = runstate.AlreadyProvisioned
		}
		if tg.Status != want {
			t.Errorf("%s: %s, want %s", tg.Key(), tg.Status, want)
		}
	}
	for k, n := range provisioned(env, devSandbox) {
		if n != 1 {
			t.Errorf("%s provisioned %d times", k, n)
		}
	}

	// Moved back, the account keeps baseline-vpc, and the MoveAccount
	// event's run reports security-audit as retirable (retire: retain,
	// the default): reported, left in place, and told in a summary.
	if err := env.Cloud.Org().MoveAccount("arn:aws:iam::"+mgmt+":user/platform", devSandbox, prod, sandbox, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	before, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	if r := invoke(t, env, orgChangeEvent(t, env)); r.Outcome != launch.OutcomeQueued {
		t.Fatalf("MoveAccount back: %s %q", r.Outcome, r.Message)
	}
	if err := env.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	f = env.Finished()
	back := f[len(f)-1]
	retirable := 0
	for _, tg := range back.Targets {
		switch {
		case tg.Product == "baseline-vpc" && tg.Status == runstate.AlreadyProvisioned:
		case tg.Product == "security-audit" && tg.Status == runstate.Retirable:
			retirable++
		default:
			t.Errorf("after moving back, %s: %s (%s)", tg.Key(), tg.Status, tg.Retirement)
		}
	}
	if retirable != 3 {
		t.Errorf("%d security-audit targets reported retirable, want 3", retirable)
	}
	after, err := env.Notifications()
	if err != nil {
		t.Fatal(err)
	}
	if len(after)-len(before) != 1 || !strings.Contains(after[len(after)-1].Message, "RETIRABLE") {
		t.Errorf("want one summary naming the retirable products, got %d new notifications", len(after)-len(before))
	}
	if n := provisioned(env, devSandbox)["us-east-1/landfall-security-audit"]; n != 1 {
		t.Errorf("a retained product is gone: %d left", n)
	}
}

// A closed account moved to a "suspended" OU, routine housekeeping, is
// left alone without a report.
func TestMovedInactiveAccountIsLeftAlone(t *testing.T) {
	const devSandbox, sandbox, prod = "777777777777", "ou-ab12-s4ndb0x1", "ou-ab12-pr0dw0rk"
	env := newEnv(t, setup{})
	o := env.Cloud.Org()
	if err := o.CloseAccount("arn:aws:iam::"+mgmt+":user/platform", devSandbox, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := o.MoveAccount("arn:aws:iam::"+mgmt+":user/platform", devSandbox, sandbox, prod, env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if r := invoke(t, env, orgChangeEvent(t, env)); r.Outcome != launch.OutcomeIgnored || len(r.Queued) != 0 {
		t.Fatalf("move of a closed account: %s %q", r.Outcome, r.Message)
	}
	if notes, _ := env.Notifications(); len(notes) != 0 {
		t.Errorf("the move of a closed account was reported: %+v", notes)
	}
}
