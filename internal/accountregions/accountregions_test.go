package accountregions

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"
)

// fakeAPI answers ListRegions two regions a page, filtering by status as
// AWS does, and records each request.
type fakeAPI struct {
	regions []types.Region
	err     error
	// endless answers a next token forever.
	endless bool
	got     []account.ListRegionsInput
}

func (f *fakeAPI) ListRegions(_ context.Context, in *account.ListRegionsInput, _ ...func(*account.Options)) (*account.ListRegionsOutput, error) {
	f.got = append(f.got, *in)
	if f.err != nil {
		return nil, f.err
	}
	var match []types.Region
	for _, r := range f.regions {
		if len(in.RegionOptStatusContains) == 0 || slices.Contains(in.RegionOptStatusContains, r.RegionOptStatus) {
			match = append(match, r)
		}
	}
	start := 0
	if in.NextToken != nil {
		start, _ = strconv.Atoi(*in.NextToken)
	}
	start = min(start, len(match))
	end := min(start+2, len(match))
	out := &account.ListRegionsOutput{Regions: match[start:end]}
	switch {
	case f.endless: // a fresh token every time, so the paginator cannot tell
		out.NextToken = aws.String(strconv.Itoa(100 + len(f.got)))
	case end < len(match):
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func regions(pairs ...string) []types.Region {
	var out []types.Region
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, types.Region{RegionName: aws.String(pairs[i]), RegionOptStatus: types.RegionOptStatus(pairs[i+1])})
	}
	return out
}

func TestEnabledPagesAndFilters(t *testing.T) {
	api := &fakeAPI{regions: regions(
		"us-west-2", "ENABLED_BY_DEFAULT", "ap-east-1", "ENABLED", "eu-south-1", "ENABLING",
		"us-east-1", "ENABLED_BY_DEFAULT", "me-south-1", "DISABLED", "af-south-1", "DISABLING",
		"xx-future-1", "ENABLED", "eu-west-1", "ENABLED_BY_DEFAULT",
	)}
	l := &Lister{API: api, ManagementAccount: "111111111111"}
	got, err := l.Enabled(context.Background(), "222222222222")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ap-east-1", "eu-west-1", "us-east-1", "us-west-2"}; !slices.Equal(got, want) {
		t.Errorf("Enabled = %v, want %v (ENABLING and unknown regions left out)", got, want)
	}
	if len(api.got) != 3 {
		t.Errorf("pages = %d, want 3", len(api.got))
	}
	for _, in := range api.got {
		if aws.ToString(in.AccountId) != "222222222222" || !slices.Equal(in.RegionOptStatusContains, EnabledStatuses) {
			t.Errorf("request = %+v", in)
		}
	}
}

func TestManagementAccountIsListedWithoutItsID(t *testing.T) {
	for _, tc := range []struct {
		name       string
		configured string
		ctx        context.Context
	}{
		{"configured", "111111111111", context.Background()},
		{"from the invoked function", "", lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{
			InvokedFunctionArn: "arn:aws:lambda:us-east-1:111111111111:function:landfall-launch"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &fakeAPI{regions: regions("us-east-1", "ENABLED_BY_DEFAULT")}
			l := &Lister{API: api, ManagementAccount: tc.configured}
			if _, err := l.Enabled(tc.ctx, "111111111111"); err != nil {
				t.Fatal(err)
			}
			if api.got[0].AccountId != nil {
				t.Errorf("AccountId = %q; the API refuses the management account's own ID", *api.got[0].AccountId)
			}
		})
	}
}

func TestEnabledErrors(t *testing.T) {
	t.Run("access denied says how to enable trusted access", func(t *testing.T) {
		l := &Lister{API: &fakeAPI{err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "trusted access is not enabled"}}}
		_, err := l.Enabled(context.Background(), "222222222222")
		var lerr *Error
		if !errors.As(err, &lerr) || !lerr.Denied || lerr.Account != "222222222222" {
			t.Fatalf("err = %#v", err)
		}
		for _, want := range []string{"list the regions enabled for account 222222222222: AccessDeniedException: trusted access is not enabled",
			TrustedAccessFix, "account:ListRegions"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not say %q", err, want)
			}
		}
	})
	t.Run("throttled is not a refusal", func(t *testing.T) {
		l := &Lister{API: &fakeAPI{err: &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "Rate exceeded"}}}
		_, err := l.Enabled(context.Background(), "222222222222")
		var lerr *Error
		if !errors.As(err, &lerr) || lerr.Denied || strings.Contains(err.Error(), "trusted access") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a token that never ends", func(t *testing.T) {
		l := &Lister{API: &fakeAPI{regions: regions("us-east-1", "ENABLED_BY_DEFAULT"), endless: true}}
		if _, err := l.Enabled(context.Background(), "222222222222"); err == nil || !strings.Contains(err.Error(), "more pages") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestGlobalRegion(t *testing.T) {
	for part, want := range map[string]string{"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-northwest-1"} {
		if got := GlobalRegion(part); got != want {
			t.Errorf("GlobalRegion(%s) = %s, want %s", part, got, want)
		}
	}
}
