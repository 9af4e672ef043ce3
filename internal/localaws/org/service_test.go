package org_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// keyAuth maps an access key that is an account ID to that account's admin.
var keyAuth = wire.AuthFunc(func(key string, _ time.Time) (wire.Caller, error) {
	return wire.Caller{Account: key, ARN: "arn:aws:iam::" + key + ":user/admin"}, nil
})

// client returns an Organizations client calling as account.
func client(t testing.TB, o *org.Organization, account string) *organizations.Client {
	t.Helper()
	srv := wire.NewServer(wire.ServerOptions{Services: []wire.Service{org.NewService(o)}, Auth: keyAuth, Clock: clock.NewManual(start)})
	return organizations.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://localaws.internal"),
		HTTPClient:   srv.Client(),
		Credentials:  credentials.NewStaticCredentialsProvider(account, "secret", ""),
		Retryer:      func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), 1) },
	})
}

func TestServiceDescribe(t *testing.T) {
	o := newOrg(t, loadSpec(t))
	c := client(t, o, "111111111111")
	ctx := t.Context()

	desc, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatalf("DescribeOrganization: %v", err)
	}
	if got := desc.Organization; aws.ToString(got.Id) != "o-ab12cd34ef" || aws.ToString(got.MasterAccountId) != "111111111111" ||
		got.FeatureSet != orgtypes.OrganizationFeatureSetAll || aws.ToString(got.MasterAccountEmail) != "aws-management@example.com" ||
		aws.ToString(got.Arn) != "arn:aws:organizations::111111111111:organization/o-ab12cd34ef" {
		t.Errorf("DescribeOrganization = %+v", got)
	}

	acct, err := c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("666666666666")})
	if err != nil {
		t.Fatalf("DescribeAccount: %v", err)
	}
	a := acct.Account
	if aws.ToString(a.Name) != "payments-prod" || a.Status != orgtypes.AccountStatusActive || a.State != orgtypes.AccountStateActive ||
		!aws.ToTime(a.JoinedTimestamp).Equal(start) || aws.ToString(a.Email) != "payments-prod@example.com" ||
		!slices.Equal(a.Paths, []string{"o-ab12cd34ef/r-ab12/ou-ab12-w0rkl0ad/ou-ab12-pr0dw0rk/666666666666/"}) {
		t.Errorf("DescribeAccount = %+v", a)
	}

	ou, err := c.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String("ou-ab12-s4ndb0x1")})
	if err != nil {
		t.Fatalf("DescribeOrganizationalUnit: %v", err)
	}
	if aws.ToString(ou.OrganizationalUnit.Name) != "Sandbox" || aws.ToString(ou.OrganizationalUnit.Arn) != "arn:aws:organizations::111111111111:ou/o-ab12cd34ef/ou-ab12-s4ndb0x1" {
		t.Errorf("DescribeOrganizationalUnit = %+v", ou.OrganizationalUnit)
	}

	roots, err := c.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 || aws.ToString(roots.Roots[0].Id) != "r-ab12" || aws.ToString(roots.Roots[0].Name) != "Root" {
		t.Errorf("ListRoots = %+v, %v", roots, err)
	}

	parents, err := c.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("ou-ab12-pr0dw0rk")})
	if err != nil || len(parents.Parents) != 1 || aws.ToString(parents.Parents[0].Id) != "ou-ab12-w0rkl0ad" || parents.Parents[0].Type != orgtypes.ParentTypeOrganizationalUnit {
		t.Errorf("ListParents(OU) = %+v, %v", parents, err)
	}
	parents, err = c.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("111111111111")})
	if err != nil || len(parents.Parents) != 1 || parents.Parents[0].Type != orgtypes.ParentTypeRoot {
		t.Errorf("ListParents(management) = %+v, %v", parents, err)
	}
}

// bigSpec appends accounts and OUs to the default organization, as the
// 200-account tests do.
func bigSpec(t testing.TB, accounts int) org.Spec {
	s := loadSpec(t)
	for i := range 10 {
		s.OUs = append(s.OUs, org.OUSpec{ID: fmt.Sprintf("ou-ab12-bulk%04d", i), Name: fmt.Sprintf("Bulk%d", i), Parent: "ou-ab12-w0rkl0ad"})
	}
	for i := range accounts {
		s.Accounts = append(s.Accounts, org.AccountSpec{
			ID: fmt.Sprintf("9%011d", i), Name: fmt.Sprintf("bulk-%03d", i), Parent: fmt.Sprintf("ou-ab12-bulk%04d", i%10),
		})
	}
	return s
}

func TestServicePagination(t *testing.T) {
	o := newOrg(t, bigSpec(t, 200))
	c := client(t, o, "111111111111")
	ctx := t.Context()

	tests := []struct {
		name      string
		max       *int32
		wantPages int
	}{
		{name: "default page size", wantPages: 11}, // 208 accounts, 20 per page
		{name: "max 7", max: aws.Int32(7), wantPages: 30},
		{name: "max 20", max: aws.Int32(20), wantPages: 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{MaxResults: tt.max})
			var ids []string
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatalf("page %d: %v", pages, err)
				}
				pages++
				for _, a := range out.Accounts {
					ids = append(ids, aws.ToString(a.Id))
				}
			}
			if pages != tt.wantPages || len(ids) != 208 || ids[0] != "111111111111" || ids[207] != "900000000199" {
				t.Errorf("pages = %d, accounts = %d (first %s)", pages, len(ids), ids[0])
			}
			if unique := slices.Compact(slices.Sorted(slices.Values(ids))); len(unique) != 208 {
				t.Error("duplicate accounts across pages")
			}
		})
	}

	var children []string
	cp := organizations.NewListChildrenPaginator(c, &organizations.ListChildrenInput{ParentId: aws.String("ou-ab12-bulk0003"), ChildType: orgtypes.ChildTypeAccount, MaxResults: aws.Int32(3)})
	for cp.HasMorePages() {
		out, err := cp.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListChildren: %v", err)
		}
		for _, ch := range out.Children {
			if ch.Type != orgtypes.ChildTypeAccount {
				t.Errorf("child type = %s", ch.Type)
			}
			children = append(children, aws.ToString(ch.Id))
		}
	}
	if len(children) != 20 || children[0] != "900000000003" {
		t.Errorf("ListChildren accounts = %v", children)
	}

	var ous []string
	op := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String("ou-ab12-w0rkl0ad"), MaxResults: aws.Int32(5)})
	for op.HasMorePages() {
		out, err := op.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListOrganizationalUnitsForParent: %v", err)
		}
		for _, u := range out.OrganizationalUnits {
			ous = append(ous, aws.ToString(u.Name))
		}
	}
	if len(ous) != 12 || ous[0] != "Prod" || ous[1] != "Sandbox" {
		t.Errorf("OUs under Workloads = %v", ous)
	}

	rootOUs, err := c.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: aws.String("r-ab12"), ChildType: orgtypes.ChildTypeOrganizationalUnit})
	if err != nil || len(rootOUs.Children) != 3 || rootOUs.NextToken != nil {
		t.Errorf("ListChildren(root, OU) = %+v, %v", rootOUs, err)
	}
	forParent, err := c.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: aws.String("ou-ab12-l3zc8b3h")})
	if err != nil || len(forParent.Accounts) != 3 || aws.ToString(forParent.Accounts[1].Name) != "LifeCycle3" {
		t.Errorf("ListAccountsForParent = %+v, %v", forParent, err)
	}
	empty, err := c.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: aws.String("ou-ab12-w0rkl0ad")})
	if err != nil || len(empty.Accounts) != 0 || empty.NextToken != nil {
		t.Errorf("ListAccountsForParent(no direct accounts) = %+v, %v", empty, err)
	}
}

func TestServiceErrors(t *testing.T) {
	o := newOrg(t, loadSpec(t))
	mgmt := client(t, o, "111111111111")
	member := client(t, o, "222222222222")
	outsider := client(t, o, "999999999999")
	ctx := t.Context()

	tests := []struct {
		name       string
		call       func() error
		wantCode   string
		wantMsg    string
		wantReason orgtypes.InvalidInputExceptionReason
	}{
		{name: "unknown account", call: func() error {
			_, err := mgmt.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("999999999999")})
			return err
		}, wantCode: "AccountNotFoundException", wantMsg: "We can't find an AWS account"},
		{name: "bad account id", call: func() error {
			_, err := mgmt.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("12345")})
			return err
		}, wantCode: "InvalidInputException", wantMsg: `AccountId "12345"`, wantReason: "INVALID_PATTERN"},
		{name: "unknown parent", call: func() error {
			_, err := mgmt.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: aws.String("ou-ab12-missing1")})
			return err
		}, wantCode: "ParentNotFoundException", wantMsg: "ParentId"},
		{name: "parent is an account", call: func() error {
			_, err := mgmt.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: aws.String("222222222222"), ChildType: orgtypes.ChildTypeAccount})
			return err
		}, wantCode: "InvalidInputException", wantReason: "INVALID_PATTERN"},
		{name: "bad child type", call: func() error {
			_, err := mgmt.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: aws.String("r-ab12"), ChildType: "POLICY"})
			return err
		}, wantCode: "InvalidInputException", wantMsg: "POLICY", wantReason: "INVALID_ENUM"},
		{name: "unknown child", call: func() error {
			_, err := mgmt.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("999999999999")})
			return err
		}, wantCode: "ChildNotFoundException"},
		{name: "unknown ou", call: func() error {
			_, err := mgmt.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String("ou-ab12-missing1")})
			return err
		}, wantCode: "OrganizationalUnitNotFoundException"},
		{name: "max results too large", call: func() error {
			_, err := mgmt.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
			return err
		}, wantCode: "InvalidInputException", wantMsg: "less than or equal to 20", wantReason: "MAX_VALUE_EXCEEDED"},
		{name: "max results zero", call: func() error {
			_, err := mgmt.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(0)})
			return err
		}, wantCode: "InvalidInputException", wantReason: "MIN_VALUE_EXCEEDED"},
		{name: "forged token", call: func() error {
			_, err := mgmt.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: aws.String("bm90LWEtdG9rZW4")})
			return err
		}, wantCode: "InvalidInputException", wantReason: "INVALID_NEXT_TOKEN"},
		{name: "member denied", call: func() error {
			_, err := member.ListAccounts(ctx, &organizations.ListAccountsInput{})
			return err
		}, wantCode: "AccessDeniedException", wantMsg: "You don't have permissions to access this resource."},
		{name: "outsider", call: func() error {
			_, err := outsider.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
			return err
		}, wantCode: "AWSOrganizationsNotInUseException", wantMsg: "not a member of an organization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want an API error", err)
			}
			if apiErr.ErrorCode() != tt.wantCode || !strings.Contains(apiErr.ErrorMessage(), tt.wantMsg) {
				t.Errorf("error = %s: %s; want %s containing %q", apiErr.ErrorCode(), apiErr.ErrorMessage(), tt.wantCode, tt.wantMsg)
			}
			if tt.wantReason != "" {
				var invalid *orgtypes.InvalidInputException
				if !errors.As(err, &invalid) || invalid.Reason != tt.wantReason {
					t.Errorf("error = %#v, want InvalidInputException with reason %s", err, tt.wantReason)
				}
			}
		})
	}

	// Member accounts may describe their organization.
	if out, err := member.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil || aws.ToString(out.Organization.Id) != "o-ab12cd34ef" {
		t.Errorf("member DescribeOrganization = %v", err)
	}
	var notFound *orgtypes.AccountNotFoundException
	if _, err := mgmt.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("999999999999")}); !errors.As(err, &notFound) {
		t.Errorf("DescribeAccount error = %T, want *types.AccountNotFoundException", err)
	}
}
