package status

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/landfall/landfall/internal/accountregions"
	"github.com/landfall/landfall/internal/plan"
)

// fakeRegions answers which regions each account has enabled, or an error.
type fakeRegions struct {
	enabled map[string][]string
	err     map[string]error

	mu    sync.Mutex
	asked []string
}

func (f *fakeRegions) Enabled(_ context.Context, acct string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, acct)
	return f.enabled[acct], f.err[acct]
}

func regionsEnabled(text string) string {
	return strings.Replace(text, "regions: [us-east-1, us-west-2, us-west-1]", "regions: enabled", 1)
}

// With regions: enabled, status reports each account in the regions a run
// would work in: the candidates enabled for it; the others are exclusions.
// An account whose regions cannot be listed is reported UNREACHABLE, not
// MISSING where it may never have enabled the region.
func TestStatusWithRegionsEnabled(t *testing.T) {
	calls := &callCounter{}
	lister := &fakeRegions{
		enabled: map[string][]string{acct1: {"us-east-1", "us-west-1", "eu-west-1"}},
		err: map[string]error{acct2: &accountregions.Error{Account: acct2, Denied: true,
			Err: apiErr("AccessDeniedException", "trusted access is not enabled")}},
	}
	r := &Reporter{
		Plan: examplePlan(t, regionsEnabled), Products: productIDs{}, Regions: lister,
		Directory: &fakeDirectory{accounts: []plan.Account{account(acct1, "LifeCycle1", custom), account(acct2, "LifeCycle2", custom)}},
		Accounts:  &fakeAccounts{cats: map[string]map[string]*fakeCatalog{acct1: allRegions(healthy), acct2: allRegions(healthy)}, calls: calls},
	}
	rep, err := r.Run(context.Background(), Request{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var one, two []string
	for _, row := range rep.Rows {
		switch row.Account {
		case acct1:
			one = append(one, row.Region+"/"+row.Product+" "+string(row.State))
		case acct2:
			two = append(two, row.Region+"/"+row.Product+" "+string(row.State))
			if row.Reason != regionsUnknown || !strings.Contains(row.Error, accountregions.TrustedAccessFix) {
				t.Errorf("row %+v", row)
			}
		}
	}
	if want := []string{"us-east-1/baseline-vpc OK", "us-east-1/security-audit OK", "us-west-1/baseline-vpc OK", "us-west-1/security-audit OK"}; !slices.Equal(one, want) {
		t.Errorf("%s rows = %v, want %v", acct1, one, want)
	}
	if len(two) != 6 || !strings.HasSuffix(two[0], string(Unreachable)) || rep.UnreachableAccounts != 1 {
		t.Errorf("%s rows = %v (unreachable accounts %d); want all 6 candidates UNREACHABLE", acct2, two, rep.UnreachableAccounts)
	}
	if calls.get("Open/"+acct2) != 0 {
		t.Error("status assumed a role in an account whose regions it does not know")
	}
	var reasons []string
	for _, e := range rep.Excluded {
		reasons = append(reasons, e.Account+": "+e.Reason)
	}
	if len(reasons) != 1 || !strings.Contains(reasons[0], acct1+": region us-west-2 is not enabled for account "+acct1) {
		t.Errorf("exclusions = %q", reasons)
	}
	if !slices.Equal(lister.asked, []string{acct1, acct2}) && !slices.Equal(lister.asked, []string{acct2, acct1}) {
		t.Errorf("asked %v; want each account once", lister.asked)
	}
}
