package account_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/org"
)

// TestAccountID checks who may name an account in AccountId (organization
// context), with the refusals' wording as AWS answers them.
func TestAccountID(t *testing.T) {
	const (
		adminARN  = "arn:aws:iam::111111111111:user/admin"
		memberARN = "arn:aws:sts::222222222222:assumed-role/AWSControlTowerExecution/account-test"
	)
	noTrust := func(w *localaws.World) { w.Organization.TrustedAccess = nil }
	tests := []struct {
		name     string
		world    func(*localaws.World)
		asMember bool
		id       string
		want     types.RegionOptStatus // on success
		denied   string                // the AccessDeniedException message
	}{
		{name: "management for a member", id: member, want: types.RegionOptStatusDisabled},
		{name: "management for itself, standalone", want: types.RegionOptStatusEnabled},
		{name: "member for itself, standalone", asMember: true, want: types.RegionOptStatusDisabled},
		{name: "management names itself", id: mgmt,
			denied: "User: " + adminARN + " is not authorized to perform: account:GetRegionOptStatus (The management account can only be managed using the standalone context from the management account.)"},
		{name: "no trusted access", world: noTrust, id: member,
			denied: "User: " + adminARN + " is not authorized to perform: account:GetRegionOptStatus (Your organization must first enable trusted access with AWS Account Management.)"},
		{name: "no trusted access, management names itself", world: noTrust, id: mgmt,
			denied: "User: " + adminARN + " is not authorized to perform: account:GetRegionOptStatus (Your organization must first enable trusted access with AWS Account Management.)"},
		{name: "no trusted access, standalone still works", world: noTrust, want: types.RegionOptStatusEnabled},
		{name: "member names itself", asMember: true, id: member,
			denied: "User: " + memberARN + " is not authorized to perform: account:GetRegionOptStatus"},
		{name: "member names another", asMember: true, id: other,
			denied: "User: " + memberARN + " is not authorized to perform: account:GetRegionOptStatus"},
		{name: "account outside the organization", id: "999999999999",
			denied: "User: " + adminARN + " is not authorized to perform: account:GetRegionOptStatus"},
		{name: "suspended member", id: suspended,
			denied: "User: " + adminARN + " is not authorized to perform: account:GetRegionOptStatus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var edits []func(*localaws.World)
			if tt.world != nil {
				edits = append(edits, tt.world)
			}
			e := newEnv(t, edits...)
			c := e.admin
			if tt.asMember {
				c = e.memberAcct
			}
			in := &account.GetRegionOptStatusInput{RegionName: aws.String("af-south-1")}
			if tt.id != "" {
				in.AccountId = aws.String(tt.id)
			}
			out, err := c.GetRegionOptStatus(t.Context(), in)
			if tt.denied == "" {
				if err != nil || out.RegionOptStatus != tt.want {
					t.Errorf("GetRegionOptStatus = %+v, %v; want %s", out, err, tt.want)
				}
				return
			}
			var ad *types.AccessDeniedException
			if !errors.As(err, &ad) || aws.ToString(ad.Message) != tt.denied {
				t.Errorf("GetRegionOptStatus = %v\nwant AccessDeniedException %q", err, tt.denied)
			}
			if got := errorCode(err); got != "AccessDeniedException" {
				t.Errorf("code %q", got)
			}
		})
	}
}

// TestTrustedAccessAtRunTime: enabling trusted access while the emulator
// runs opens the organization context.
func TestTrustedAccessAtRunTime(t *testing.T) {
	e := newEnv(t, func(w *localaws.World) { w.Organization.TrustedAccess = nil })
	in := &account.ListRegionsInput{AccountId: aws.String(member)}
	if _, err := e.admin.ListRegions(t.Context(), in); errorCode(err) != "AccessDeniedException" {
		t.Fatalf("ListRegions without trusted access = %v", err)
	}
	e.cloud.Org().SetTrustedAccess(org.AccountServicePrincipal, true)
	if !e.cloud.Org().TrustedAccess(org.AccountServicePrincipal) {
		t.Fatal("TrustedAccess false after SetTrustedAccess")
	}
	if _, err := e.admin.ListRegions(t.Context(), in); err != nil {
		t.Errorf("ListRegions with trusted access = %v", err)
	}
	e.cloud.Org().SetTrustedAccess(org.AccountServicePrincipal, false)
	if _, err := e.admin.ListRegions(t.Context(), in); errorMessage(err) == "" {
		t.Errorf("ListRegions after disabling trusted access = %v", err)
	}
}
