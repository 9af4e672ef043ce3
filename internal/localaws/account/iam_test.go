package account_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
)

// TestIAM checks that the region operations are authorized as IAM would:
// the action, the resource ARN of each context (standalone account, or
// account in the organization) and account:TargetRegion.
func TestIAM(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	// RegionAdmin (management account): GetRegionOptStatus and EnableRegion
	// on member 222222222222's af-south-1 only, ListRegions anywhere.
	regionAdmin := account.NewFromConfig(e.roleConfig("us-east-1", mgmt, "RegionAdmin"))
	// Reader (member): GetRegionOptStatus on its own account only.
	reader := account.NewFromConfig(e.roleConfig("us-east-1", member, "Reader"))

	const (
		adminSession  = "arn:aws:sts::111111111111:assumed-role/RegionAdmin/account-test"
		readerSession = "arn:aws:sts::222222222222:assumed-role/Reader/account-test"
		memberARN     = "arn:aws:account::111111111111:account/o-ab12cd34ef/222222222222"
	)
	get := func(c *account.Client, id *string, region string) error {
		_, err := c.GetRegionOptStatus(ctx, &account.GetRegionOptStatusInput{AccountId: id, RegionName: aws.String(region)})
		return err
	}
	tests := []struct {
		name string
		call func() error
		// denied is the start of the AccessDeniedException message; empty
		// means allowed.
		denied string
	}{
		{"scoped get", func() error { return get(regionAdmin, aws.String(member), "af-south-1") }, ""},
		{"scoped enable", func() error {
			_, err := regionAdmin.EnableRegion(ctx, &account.EnableRegionInput{AccountId: aws.String(member), RegionName: aws.String("af-south-1")})
			return err
		}, ""},
		{"list anywhere", func() error {
			_, err := regionAdmin.ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String(other)})
			return err
		}, ""},
		{"wrong target region", func() error { return get(regionAdmin, aws.String(member), "me-south-1") },
			"User: " + adminSession + " is not authorized to perform: account:GetRegionOptStatus on resource: " + memberARN + " because no identity-based policy allows"},
		{"wrong member", func() error { return get(regionAdmin, aws.String(other), "af-south-1") },
			"User: " + adminSession + " is not authorized to perform: account:GetRegionOptStatus on resource: arn:aws:account::111111111111:account/o-ab12cd34ef/333333333333"},
		{"wrong context: standalone", func() error { return get(regionAdmin, nil, "af-south-1") },
			"User: " + adminSession + " is not authorized to perform: account:GetRegionOptStatus on resource: arn:aws:account::111111111111:account "},
		{"action not granted", func() error {
			_, err := regionAdmin.DisableRegion(ctx, &account.DisableRegionInput{AccountId: aws.String(member), RegionName: aws.String("af-south-1")})
			return err
		}, "User: " + adminSession + " is not authorized to perform: account:DisableRegion on resource: " + memberARN},
		{"member reads its own", func() error { return get(reader, nil, "eu-south-2") }, ""},
		{"member cannot enable", func() error {
			_, err := reader.EnableRegion(ctx, &account.EnableRegionInput{RegionName: aws.String("af-south-1")})
			return err
		}, "User: " + readerSession + " is not authorized to perform: account:EnableRegion on resource: arn:aws:account::222222222222:account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.denied == "" {
				if err != nil {
					t.Errorf("got %v, want success", err)
				}
				return
			}
			var ad *types.AccessDeniedException
			if !errors.As(err, &ad) || !strings.HasPrefix(aws.ToString(ad.Message), tt.denied) {
				t.Errorf("got %v\nwant AccessDeniedException starting %q", err, tt.denied)
			}
		})
	}
}
