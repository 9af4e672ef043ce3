package launch

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/accountregions"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// fakeRegions answers which regions each account has enabled.
type fakeRegions struct {
	enabled map[string][]string
	err     map[string]error

	mu    sync.Mutex
	calls map[string]int
}

func (f *fakeRegions) Enabled(_ context.Context, acct string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[acct]++
	if err := f.err[acct]; err != nil {
		return nil, err
	}
	return f.enabled[acct], nil
}

// regionsEnabledPlan is the example plan with `regions: enabled`: its
// candidates are the three regions with a portfolio.
func regionsEnabledPlan(t *testing.T, regions string) *plan.Plan {
	t.Helper()
	doc := bytes.Replace(plan.Example(), []byte("regions: [us-east-1, us-west-2, us-west-1]"), []byte(regions), 1)
	pl, err := plan.Parse(doc, "regions-enabled.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func targetKeys(run runstate.Run) []string {
	var out []string
	for _, t := range run.Targets {
		out = append(out, t.Key())
	}
	return out
}

func TestRegionsEnabledResolvePerAccount(t *testing.T) {
	f := newFixture(t, newOrg(0))
	f.h.Plan = regionsEnabledPlan(t, "regions: {enabled: true, deny: [us-west-2]}")
	regions := &fakeRegions{enabled: map[string][]string{
		"222222222222": {"us-east-1", "us-west-1", "us-west-2", "eu-west-1"},
		"624281831893": {"us-east-1", "us-west-2"},
		"333333333333": {"us-east-1", "us-west-1"},
	}}
	f.h.Regions = regions
	resp, err := f.h.Handle(context.Background(), []byte(`{"ous": ["ou-ab12-l3zc8b3h"]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, s := range f.queue.sent {
		got[s.run.Account.ID] = targetKeys(s.run)
	}
	want := map[string][]string{
		// us-west-2 is denied; eu-west-1 is enabled but has no portfolio: not Landfall's.
		"222222222222": {"us-east-1/baseline-vpc", "us-west-1/baseline-vpc", "us-east-1/security-audit", "us-west-1/security-audit"},
		"624281831893": {"us-east-1/baseline-vpc", "us-east-1/security-audit"},
		"333333333333": {"us-east-1/baseline-vpc", "us-west-1/baseline-vpc", "us-east-1/security-audit", "us-west-1/security-audit"},
	}
	for acct, keys := range want {
		if !slices.Equal(got[acct], keys) {
			t.Errorf("%s: targets %v, want %v", acct, got[acct], keys)
		}
		if regions.calls[acct] != 1 {
			t.Errorf("%s: ListRegions asked %d times, want once", acct, regions.calls[acct])
		}
	}
	var excluded []string
	for _, e := range resp.Excluded {
		if e.Region != "" {
			excluded = append(excluded, e.Account+" "+e.Region)
			if !strings.Contains(e.Reason, "is not enabled for account "+e.Account) || !strings.Contains(e.Reason, "aws account enable-region --region-name "+e.Region+" --account-id "+e.Account) {
				t.Errorf("exclusion reason = %q", e.Reason)
			}
		}
	}
	if want := []string{"624281831893 us-west-1"}; !slices.Equal(excluded, want) {
		t.Errorf("region exclusions = %v, want %v", excluded, want)
	}
}

func TestRegionsEnabledEventAndDryRun(t *testing.T) {
	f := newFixture(t, newOrg(0))
	f.h.Plan = regionsEnabledPlan(t, "regions: enabled")
	f.h.Regions = &fakeRegions{enabled: map[string][]string{"222222222222": {"us-west-2"}}}
	if _, err := f.h.Handle(context.Background(), readEvent(t, "create-managed-account-succeeded.json")); err != nil {
		t.Fatal(err)
	}
	if len(f.queue.sent) != 1 || !slices.Equal(targetKeys(f.queue.sent[0].run), []string{"us-west-2/baseline-vpc", "us-west-2/security-audit"}) {
		t.Fatalf("event run = %+v", f.queue.sent)
	}
	resp, err := f.h.Handle(context.Background(), []byte(`{"accounts": ["222222222222"], "dryRun": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Outcome != OutcomeDryRun || len(resp.DryRun) != 1 || !slices.Equal(targetKeys(*resp.DryRun[0]), []string{"us-west-2/baseline-vpc", "us-west-2/security-audit"}) {
		t.Errorf("dry run = %s %+v", resp.Outcome, resp.DryRun)
	}
}

func TestRegionsEnabledFailsClosed(t *testing.T) {
	denied := &accountregions.Error{Account: "624281831893", Denied: true,
		Err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "trusted access is not enabled"}}
	throttled := &accountregions.Error{Account: "624281831893",
		Err: &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "Rate exceeded"}}
	tests := []struct {
		name, payload string
		err           error
		wantOutcome   string // "" for a returned error
	}{
		{"backfill, one account denied", `{"ous": ["ou-ab12-l3zc8b3h"]}`, denied, OutcomeRefused},
		{"dry run denied", `{"ous": ["ou-ab12-l3zc8b3h"], "dryRun": true}`, denied, OutcomeRefused},
		{"backfill throttled past the retries", `{"ous": ["ou-ab12-l3zc8b3h"]}`, throttled, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newOrg(0))
			f.h.Plan = regionsEnabledPlan(t, "regions: enabled")
			f.h.Regions = &fakeRegions{
				enabled: map[string][]string{"222222222222": {"us-east-1"}, "333333333333": {"us-east-1"}},
				err:     map[string]error{"624281831893": tt.err},
			}
			resp, err := f.h.Handle(context.Background(), []byte(tt.payload))
			if len(f.queue.sent) != 0 || len(f.dry.accounts) != 0 {
				t.Errorf("queued %v, dry-ran %v: nothing may go ahead when an account's regions are unknown", f.queuedAccounts(), f.dry.accounts)
			}
			if tt.wantOutcome == "" {
				if err == nil || !strings.Contains(err.Error(), "Rate exceeded") {
					t.Fatalf("error = %v; want it returned, so Lambda retries", err)
				}
				return
			}
			if err != nil || resp.Outcome != tt.wantOutcome {
				t.Fatalf("= %+v, %v; want outcome %s", resp, err, tt.wantOutcome)
			}
			fix := "aws organizations enable-aws-service-access --service-principal account.amazonaws.com"
			if !strings.Contains(resp.Message, fix) {
				t.Errorf("message %q does not say how to enable trusted access", resp.Message)
			}
			if len(f.notifier.msgs) != 1 || !strings.Contains(f.notifier.msgs[0].Text, fix) || f.notifier.msgs[0].Doc.Outcome != "REFUSED" {
				t.Errorf("notifications = %+v", f.notifier.msgs)
			}
		})
	}

	t.Run("event, trusted access off", func(t *testing.T) {
		f := newFixture(t, newOrg(0))
		f.h.Plan = regionsEnabledPlan(t, "regions: enabled")
		f.h.Regions = &fakeRegions{err: map[string]error{"222222222222": &accountregions.Error{Account: "222222222222", Denied: true, Err: denied.Err}}}
		resp, err := f.h.Handle(context.Background(), readEvent(t, "create-managed-account-succeeded.json"))
		if err != nil || resp.Outcome != OutcomeRefused || len(f.queue.sent) != 0 || len(f.notifier.msgs) != 1 {
			t.Fatalf("= %+v, %v; queued %d, notified %d", resp, err, len(f.queue.sent), len(f.notifier.msgs))
		}
		if !strings.Contains(f.notifier.msgs[0].Text, "CreateManagedAccount event") {
			t.Errorf("notification does not name the event:\n%s", f.notifier.msgs[0].Text)
		}
	})
	t.Run("no client configured", func(t *testing.T) {
		f := newFixture(t, newOrg(0))
		f.h.Plan = regionsEnabledPlan(t, "regions: enabled")
		if _, err := f.h.Handle(context.Background(), []byte(`{"accounts": ["222222222222"]}`)); err == nil || len(f.queue.sent) != 0 {
			t.Errorf("err = %v, queued %d; want a failure and nothing queued", err, len(f.queue.sent))
		}
	})
}

func TestListedRegionsAskNothing(t *testing.T) {
	f := newFixture(t, newOrg(0))
	regions := &fakeRegions{}
	f.h.Regions = regions
	if _, err := f.h.Handle(context.Background(), []byte(`{"ous": ["ou-ab12-l3zc8b3h"]}`)); err != nil {
		t.Fatal(err)
	}
	if len(f.queue.sent) != 3 || len(regions.calls) != 0 {
		t.Errorf("queued %d, ListRegions calls %v; a plan that lists its regions asks nothing", len(f.queue.sent), regions.calls)
	}
}
