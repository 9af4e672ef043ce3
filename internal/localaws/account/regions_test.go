package account_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/landfall/landfall/internal/localaws/org"
)

// listAll pages through ListRegions with the SDK's paginator, pages of
// limit (0: the service's default), and returns every region and the
// number of pages.
func listAll(t *testing.T, c *account.Client, in *account.ListRegionsInput, limit int32) ([]types.Region, int) {
	t.Helper()
	p := account.NewListRegionsPaginator(c, in, func(o *account.ListRegionsPaginatorOptions) { o.Limit = limit })
	var out []types.Region
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("ListRegions page %d: %v", pages+1, err)
		}
		pages++
		out = append(out, page.Regions...)
	}
	return out, pages
}

func names(rs []types.Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = aws.ToString(r.RegionName)
	}
	return out
}

func TestListRegions(t *testing.T) {
	e := newEnv(t)
	all := org.OptInTargets()

	t.Run("every region of the partition, 20 a page", func(t *testing.T) {
		first, err := e.memberAcct.ListRegions(t.Context(), &account.ListRegionsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Regions) != 20 || first.NextToken == nil {
			t.Fatalf("first page: %d regions, NextToken %v; want 20 and a token", len(first.Regions), first.NextToken)
		}
		got, pages := listAll(t, e.memberAcct, &account.ListRegionsInput{}, 0)
		if !slices.Equal(names(got), all) || pages != (len(all)+19)/20 {
			t.Errorf("ListRegions = %v in %d pages, want %v", names(got), pages, all)
		}
		for _, r := range got {
			if strings.HasPrefix(*r.RegionName, "cn-") || strings.HasPrefix(*r.RegionName, "us-gov-") {
				t.Errorf("listed %s, outside the account's partition", *r.RegionName)
			}
		}
		want := map[string]types.RegionOptStatus{
			"af-south-1": types.RegionOptStatusDisabled, "me-south-1": types.RegionOptStatusDisabled,
			"us-west-1": types.RegionOptStatusDisabled, // the stand-in
			"ap-east-1": types.RegionOptStatusEnabled, "eu-south-1": types.RegionOptStatusEnabled,
			"us-east-1": types.RegionOptStatusEnabledByDefault, "eu-west-1": types.RegionOptStatusEnabledByDefault,
		}
		for _, r := range got {
			if w, ok := want[*r.RegionName]; ok && r.RegionOptStatus != w {
				t.Errorf("%s is %s, want %s", *r.RegionName, r.RegionOptStatus, w)
			}
		}
	})

	tests := []struct {
		name   string
		filter []types.RegionOptStatus
		limit  int32
		want   []string
	}{
		{"disabled", []types.RegionOptStatus{types.RegionOptStatusDisabled}, 0, []string{"af-south-1", "me-south-1", "us-west-1"}},
		{"disabled, one a page", []types.RegionOptStatus{types.RegionOptStatusDisabled}, 1, []string{"af-south-1", "me-south-1", "us-west-1"}},
		{"duplicates accepted", []types.RegionOptStatus{types.RegionOptStatusDisabled, types.RegionOptStatusDisabled}, 2, []string{"af-south-1", "me-south-1", "us-west-1"}},
		{"two statuses", []types.RegionOptStatus{types.RegionOptStatusDisabled, types.RegionOptStatusEnabling}, 50, []string{"af-south-1", "me-south-1", "us-west-1"}},
		{"nothing matches", []types.RegionOptStatus{types.RegionOptStatusDisabling}, 0, nil},
		{"empty filter is no filter", []types.RegionOptStatus{}, 50, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pages := listAll(t, e.memberAcct, &account.ListRegionsInput{RegionOptStatusContains: tt.filter}, tt.limit)
			if !slices.Equal(names(got), tt.want) {
				t.Errorf("ListRegions(%v) = %v, want %v", tt.filter, names(got), tt.want)
			}
			if tt.limit == 1 && pages != len(tt.want) {
				t.Errorf("%d pages, want %d", pages, len(tt.want))
			}
		})
	}

	t.Run("filtered pages follow status changes", func(t *testing.T) {
		// A region leaving the filtered listing between two pages does not
		// make the next page skip or repeat one.
		in := &account.ListRegionsInput{RegionOptStatusContains: []types.RegionOptStatus{types.RegionOptStatusDisabled}, MaxResults: aws.Int32(1)}
		first, err := e.memberAcct.ListRegions(t.Context(), in)
		if err != nil || names(first.Regions)[0] != "af-south-1" {
			t.Fatalf("first page = %v, %v", first, err)
		}
		if _, err := e.memberAcct.EnableRegion(t.Context(), &account.EnableRegionInput{RegionName: aws.String("af-south-1")}); err != nil {
			t.Fatal(err)
		}
		in.NextToken = first.NextToken
		second, err := e.memberAcct.ListRegions(t.Context(), in)
		if err != nil || names(second.Regions)[0] != "me-south-1" {
			t.Errorf("second page = %v, %v; want me-south-1", names(second.Regions), err)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		first, err := e.memberAcct.ListRegions(t.Context(), &account.ListRegionsInput{MaxResults: aws.Int32(2)})
		if err != nil {
			t.Fatal(err)
		}
		refusals := []struct {
			name string
			in   *account.ListRegionsInput
			msg  string
		}{
			{"not a token", &account.ListRegionsInput{NextToken: aws.String("invalid-token")}, "NextToken is malformed"},
			{"another filter's token", &account.ListRegionsInput{NextToken: first.NextToken,
				RegionOptStatusContains: []types.RegionOptStatus{types.RegionOptStatusEnabled}}, "NextToken is malformed"},
			{"MaxResults 0", &account.ListRegionsInput{MaxResults: aws.Int32(0)}, "Member must have value greater than or equal to 1"},
			{"MaxResults 51", &account.ListRegionsInput{MaxResults: aws.Int32(51)}, "Member must have value less than or equal to 50"},
			{"unknown status", &account.ListRegionsInput{RegionOptStatusContains: []types.RegionOptStatus{"ENABLED", "enabled"}},
				`[instance value ("enabled") not found in enum (possible values: ["ENABLED","ENABLING","DISABLING","DISABLED","ENABLED_BY_DEFAULT"])]`},
		}
		for _, r := range refusals {
			_, err := e.memberAcct.ListRegions(t.Context(), r.in)
			var ve *types.ValidationException
			if !errors.As(err, &ve) || !strings.Contains(aws.ToString(ve.Message), r.msg) {
				t.Errorf("%s: ListRegions = %v, want ValidationException %q", r.name, err, r.msg)
				continue
			}
			if r.msg == "NextToken is malformed" && (ve.Reason != types.ValidationExceptionReasonFieldValidationFailed ||
				len(ve.FieldList) != 1 || aws.ToString(ve.FieldList[0].Name) != "NextToken") {
				t.Errorf("%s: reason %q, fieldList %+v; want fieldValidationFailed naming NextToken", r.name, ve.Reason, ve.FieldList)
			}
		}
	})
}

func TestGetRegionOptStatus(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		region string
		want   types.RegionOptStatus
	}{
		{"us-east-1", types.RegionOptStatusEnabledByDefault},
		{"eu-west-1", types.RegionOptStatusEnabledByDefault},
		{"ap-east-1", types.RegionOptStatusEnabled}, // opt-in, not listed: enabled (see org/regions.go)
		{"af-south-1", types.RegionOptStatusDisabled},
		{"us-west-1", types.RegionOptStatusDisabled}, // a default region the world disables
	}
	for _, tt := range tests {
		out, err := e.memberAcct.GetRegionOptStatus(t.Context(), &account.GetRegionOptStatusInput{RegionName: aws.String(tt.region)})
		if err != nil || aws.ToString(out.RegionName) != tt.region || out.RegionOptStatus != tt.want {
			t.Errorf("GetRegionOptStatus(%s) = %+v, %v; want %s", tt.region, out, err, tt.want)
		}
	}
	// The other member has every opt-in region enabled.
	if got := e.status(other, "af-south-1"); got != org.OptStatusEnabled {
		t.Errorf("%s af-south-1 = %s, want ENABLED", other, got)
	}

	for _, name := range []string{"unknown-region", "cn-north-1", "us-gov-west-1", "us-west-9"} {
		_, err := e.memberAcct.GetRegionOptStatus(t.Context(), &account.GetRegionOptStatusInput{RegionName: aws.String(name)})
		var ve *types.ValidationException
		msg := name + " is not a valid region for opt-in or opt-out."
		if !errors.As(err, &ve) || aws.ToString(ve.Message) != msg || ve.Reason != types.ValidationExceptionReasonFieldValidationFailed ||
			len(ve.FieldList) != 1 || aws.ToString(ve.FieldList[0].Name) != "RegionName" || aws.ToString(ve.FieldList[0].Message) != msg {
			t.Errorf("GetRegionOptStatus(%s) = %v, want ValidationException %q naming RegionName", name, err, msg)
		}
	}
	// A known region in the wrong case is an authorization failure in AWS.
	_, err := e.memberAcct.GetRegionOptStatus(t.Context(), &account.GetRegionOptStatusInput{RegionName: aws.String("US-EAST-1")})
	var ad *types.AccessDeniedException
	if !errors.As(err, &ad) || !strings.HasSuffix(aws.ToString(ad.Message), "is not authorized to perform: account:GetRegionOptStatus (You specified an invalid target region.)") {
		t.Errorf("GetRegionOptStatus(US-EAST-1) = %v, want AccessDeniedException (invalid target region)", err)
	}
}
