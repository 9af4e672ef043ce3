package status

import (
	"bytes"
	"context"
	"strings"
	"testing"

	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/plan"
)

func tagged(key string) map[string]string {
	k, v := plan.OwnerTag(key)
	return map[string]string{k: v}
}

var available = sctypes.ProvisionedProductStatusAvailable

// TestRetirementRows: products Landfall named that the plan no longer
// places are rows of their own, after their region's planned rows:
// UNWANTED (drift) when a run would terminate them, RETIRABLE (not drift)
// when runs leave them; in excluded accounts too; never a look-alike.
func TestRetirementRows(t *testing.T) {
	const logArchive = "444444444444"
	withOld := func() map[string]product {
		p := healthy()
		p["landfall-old-product"] = product{status: available, artifact: "pa-old1", tags: tagged("old-product")}
		p["landfall-handmade"] = product{status: available, artifact: "pa-x"}                              // no owner tag
		p["team-dashboard"] = product{status: available, artifact: "pa-y", tags: tagged("team-dashboard")} // another name
		return p
	}
	excludedHas := func() map[string]product {
		return map[string]product{"landfall-baseline-vpc": {status: available, artifact: "pa-vpc20", tags: tagged("baseline-vpc")}}
	}
	tests := []struct {
		name      string
		edit      func(string) string
		req       Request
		want      map[string]State // "account/region/product" of each candidate row
		wantDrift bool
		reasonHas map[string]string
	}{
		{
			name: "retain: reported, not drift",
			req:  Request{Accounts: []string{acct1, logArchive}},
			want: map[string]State{
				acct1 + "/us-east-1/old-product": Retirable, acct1 + "/us-west-2/old-product": Retirable, acct1 + "/us-west-1/old-product": Retirable,
				acct1 + "/us-east-1/handmade": Retirable, acct1 + "/us-west-2/handmade": Retirable, acct1 + "/us-west-1/handmade": Retirable,
				logArchive + "/us-east-1/baseline-vpc": Retirable, logArchive + "/us-west-2/baseline-vpc": Retirable, logArchive + "/us-west-1/baseline-vpc": Retirable,
			},
			reasonHas: map[string]string{
				acct1 + "/us-east-1/old-product":       "retained (retire: retain): old-product is no longer a product of the plan; set retire: terminate at the top of the plan to remove it",
				acct1 + "/us-east-1/handmade":          "it has no landfall:product tag",
				logArchive + "/us-east-1/baseline-vpc": `excluded by exclude.ous "Security"`,
			},
		},
		{
			name: "terminate: what a run would terminate is drift; a look-alike stays RETIRABLE",
			edit: func(s string) string {
				return strings.Replace(s, "updatePolicy: leave\n", "updatePolicy: leave\nretire: terminate\n", 1)
			},
			req: Request{Accounts: []string{acct1, logArchive}, Regions: []string{"us-east-1"}},
			want: map[string]State{
				acct1 + "/us-east-1/old-product": Unwanted, acct1 + "/us-east-1/handmade": Retirable, logArchive + "/us-east-1/baseline-vpc": Unwanted,
			},
			wantDrift: true,
			reasonHas: map[string]string{
				acct1 + "/us-east-1/old-product": "old-product is no longer a product of the plan; the account's next run terminates it (retire is terminate)",
				acct1 + "/us-east-1/handmade":    "Landfall will not terminate it although retire is terminate: it has no landfall:product tag",
			},
		},
		{
			name: "a products filter leaves out what left the plan",
			req:  Request{Accounts: []string{acct1, logArchive}, Products: []string{"baseline-vpc"}, Regions: []string{"us-west-2"}},
			want: map[string]State{logArchive + "/us-west-2/baseline-vpc": Retirable},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Reporter{Products: productIDs{}, Plan: examplePlan(t, tt.edit),
				Directory: &fakeDirectory{accounts: []plan.Account{account(acct1, "LifeCycle1", custom), account(logArchive, "Log Archive", security)}},
				Accounts: &fakeAccounts{cats: map[string]map[string]*fakeCatalog{acct1: allRegions(withOld), logArchive: allRegions(excludedHas)},
					calls: &callCounter{}},
				ManagementAccount: mgmt,
			}
			rep, err := r.Run(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]State{}
			for key, row := range rowsByKey(rep) {
				if row.State == Retirable || row.State == Unwanted {
					got[key] = row.State
				} else if row.State != OK {
					t.Errorf("%s = %s (%s), want OK", key, row.State, row.Reason)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("candidate rows %v, want %v", got, tt.want)
			}
			for key, w := range tt.want {
				if got[key] != w {
					t.Errorf("%s = %q, want %s", key, got[key], w)
				}
			}
			rows := rowsByKey(rep)
			for key, part := range tt.reasonHas {
				if !strings.Contains(rows[key].Reason, part) {
					t.Errorf("%s reason %q, want it to contain %q", key, rows[key].Reason, part)
				}
			}
			if rep.Drift() != tt.wantDrift {
				t.Errorf("Drift() = %v, want %v (summary %v)", rep.Drift(), tt.wantDrift, rep.Summary)
			}
			// Candidates follow their region's planned rows, regions in plan order.
			last := -1
			for _, row := range rep.Rows {
				i := index(regions, row.Region)
				if row.Account == acct1 && i < last {
					t.Errorf("rows out of region order: %+v", rep.Rows)
					break
				}
				if row.Account == acct1 {
					last = i
				}
			}
			var b bytes.Buffer
			if err := WriteTable(&b, rep, TableOptions{OnlyDrift: true}); err != nil {
				t.Fatal(err)
			}
			if tt.wantDrift && !strings.Contains(b.String(), "UNWANTED") {
				t.Errorf("--drift-only table lacks the UNWANTED rows:\n%s", b.String())
			}
		})
	}
}

func index(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func TestDrifted(t *testing.T) {
	for _, s := range States {
		want := s != OK && s != Retirable
		if s.Drifted() != want {
			t.Errorf("%s.Drifted() = %v, want %v", s, s.Drifted(), want)
		}
	}
}
