package membership

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// fakeOrg lists accounts two to a page and counts calls.
type fakeOrg struct {
	accounts  []orgtypes.Account
	late      map[string]orgtypes.AccountState // found only by DescribeAccount
	lists     int
	describes int
	err       error
}

func (f *fakeOrg) ListAccounts(_ context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	f.lists++
	start := 0
	if in.NextToken != nil {
		start = int(aws.ToString(in.NextToken)[0] - '0')
	}
	end := min(start+2, len(f.accounts))
	out := &organizations.ListAccountsOutput{Accounts: f.accounts[start:end]}
	if end < len(f.accounts) {
		out.NextToken = aws.String(string(rune('0' + end)))
	}
	return out, nil
}

func (f *fakeOrg) DescribeAccount(_ context.Context, in *organizations.DescribeAccountInput, _ ...func(*organizations.Options)) (*organizations.DescribeAccountOutput, error) {
	f.describes++
	id := aws.ToString(in.AccountId)
	if s, ok := f.late[id]; ok {
		return &organizations.DescribeAccountOutput{Account: &orgtypes.Account{Id: in.AccountId, State: s}}, nil
	}
	return nil, &orgtypes.AccountNotFoundException{Message: aws.String("You specified an account that doesn't exist.")}
}

func acct(id string, s orgtypes.AccountState) orgtypes.Account {
	return orgtypes.Account{Id: aws.String(id), State: s}
}

func TestCheck(t *testing.T) {
	org := &fakeOrg{
		accounts: []orgtypes.Account{
			acct("111111111111", orgtypes.AccountStateActive),
			acct("222222222222", orgtypes.AccountStateActive),
			acct("333333333333", orgtypes.AccountStateSuspended),
			{Id: aws.String("444444444444"), Status: orgtypes.AccountStatusPendingClosure}, // only the deprecated field
		},
		late: map[string]orgtypes.AccountState{"555555555555": orgtypes.AccountStateActive},
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &Checker{API: org, ManagementAccount: "111111111111", Now: func() time.Time { return now }}
	tests := []struct {
		account, refusal string
	}{
		{"222222222222", ""},
		{"111111111111", "management account"},
		{"333333333333", "SUSPENDED, not ACTIVE"},
		{"444444444444", "PENDING_CLOSURE, not ACTIVE"},
		{"555555555555", ""}, // joined since the listing
		{"999999999999", "not an account of this organization"},
	}
	for _, tt := range tests {
		err := c.Check(context.Background(), tt.account)
		var r *Refusal
		switch {
		case tt.refusal == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.account, err)
		case tt.refusal != "" && (!errors.As(err, &r) || !strings.Contains(r.Reason, tt.refusal)):
			t.Errorf("%s: got %v, want a refusal saying %q", tt.account, err, tt.refusal)
		}
	}
	if org.lists != 2 || org.describes != 2 {
		t.Errorf("calls: %d list pages, %d describes; want one listing of 2 pages and a describe per unlisted account", org.lists, org.describes)
	}
	// Within MaxAge the listing answers; after it, the organization is listed again.
	_ = c.Check(context.Background(), "222222222222")
	now = now.Add(DefaultMaxAge + time.Second)
	_ = c.Check(context.Background(), "222222222222")
	if org.lists != 4 {
		t.Errorf("list pages = %d, want 4 (one fresh listing after MaxAge)", org.lists)
	}
}

func TestCheckFailsClosed(t *testing.T) {
	c := &Checker{API: &fakeOrg{err: errors.New("TooManyRequestsException")}, ManagementAccount: "111111111111"}
	err := c.Check(context.Background(), "222222222222")
	var r *Refusal
	if err == nil || errors.As(err, &r) {
		t.Errorf("Organizations failing: got %v, want an error that is not a decision", err)
	}
	c = &Checker{API: &fakeOrg{}}
	if err := c.Check(context.Background(), "222222222222"); err == nil {
		t.Error("without a known management account the check must not pass")
	}
	c = &Checker{API: &fakeOrg{accounts: []orgtypes.Account{acct("111111111111", orgtypes.AccountStateActive)}}, ManagementAccount: "111111111111", IncludeManagement: true}
	if err := c.Check(context.Background(), "111111111111"); err != nil {
		t.Errorf("plan includes the management account: %v", err)
	}
}

// CheckNow asks Organizations past the listing: an account the listing
// had ACTIVE but that is closing now is refused as inactive, and one that
// left is refused as no longer a member; the listing learns both.
func TestCheckNowAsksPastTheListing(t *testing.T) {
	org := &fakeOrg{accounts: []orgtypes.Account{
		acct("222222222222", orgtypes.AccountStateActive),
		acct("333333333333", orgtypes.AccountStateActive),
	}}
	c := &Checker{API: org, ManagementAccount: "111111111111"}
	ctx := context.Background()
	if err := c.Check(ctx, "222222222222"); err != nil {
		t.Fatalf("Check before the change: %v", err)
	}
	org.late = map[string]orgtypes.AccountState{"222222222222": orgtypes.AccountStatePendingClosure}
	if err := c.Check(ctx, "222222222222"); err != nil {
		t.Fatalf("Check is meant to trust its listing for MaxAge: %v", err)
	}
	for _, tc := range []struct{ account, says string }{
		{"222222222222", "PENDING_CLOSURE"},
		{"333333333333", "not an account of this organization"},
	} {
		var r *Refusal
		if err := c.CheckNow(ctx, tc.account); !errors.As(err, &r) || !r.Inactive || !strings.Contains(r.Reason, tc.says) {
			t.Errorf("CheckNow(%s) = %v, want an inactive refusal saying %q", tc.account, err, tc.says)
		}
		var r2 *Refusal
		if err := c.Check(ctx, tc.account); !errors.As(err, &r2) || !r2.Inactive {
			t.Errorf("Check(%s) after CheckNow = %v, want the listing to have learnt it", tc.account, err)
		}
	}
	org.err = errors.New("TooManyRequestsException")
	org.late["444444444444"] = orgtypes.AccountStateActive
	var r *Refusal
	if err := c.CheckNow(ctx, "444444444444"); err != nil || errors.As(err, &r) {
		t.Errorf("CheckNow of an active account = %v, want nil", err)
	}
}
