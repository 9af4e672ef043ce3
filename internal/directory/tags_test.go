package directory

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/landfall/landfall/internal/plan"
)

// fakeOrg is a small organization: the root, OUs and accounts with tags.
// It counts ListTagsForResource calls per account and pages tags two at a
// time, so a multi-page read is the normal case here.
type fakeOrg struct {
	root     string
	ous      map[string][2]string // ID -> name, parent
	accounts []fakeAccount
	tags     map[string]map[string]string
	tagErr   map[string]error

	mu       sync.Mutex
	tagCalls map[string]int // pages read, by account
}

type fakeAccount struct {
	id, name, parent string
	status           orgtypes.AccountStatus
}

func newFakeOrg() *fakeOrg {
	return &fakeOrg{
		root: "r-ab12",
		ous: map[string][2]string{
			"ou-ab12-w0rkl0ad": {"Workloads", "r-ab12"},
			"ou-ab12-pr0dw0rk": {"Prod", "ou-ab12-w0rkl0ad"},
		},
		accounts: []fakeAccount{
			{"111111111111", "Management", "r-ab12", orgtypes.AccountStatusActive},
			{"222222222222", "LifeCycle1", "r-ab12", orgtypes.AccountStatusActive},
			{"666666666666", "payments-prod", "ou-ab12-pr0dw0rk", orgtypes.AccountStatusActive},
			{"777777777777", "dev-sandbox", "ou-ab12-w0rkl0ad", orgtypes.AccountStatusActive},
			{"888888888888", "closed", "ou-ab12-w0rkl0ad", orgtypes.AccountStatusSuspended},
		},
		tags: map[string]map[string]string{
			"666666666666": {"environment": "prod", "cost-center": "4100", "owner": "payments", "tier": ""},
			"777777777777": {"environment": "dev"},
		},
		tagErr:   map[string]error{},
		tagCalls: map[string]int{},
	}
}

func (f *fakeOrg) find(id string) (fakeAccount, bool) {
	i := slices.IndexFunc(f.accounts, func(a fakeAccount) bool { return a.id == id })
	if i < 0 {
		return fakeAccount{}, false
	}
	return f.accounts[i], true
}

func (f *fakeOrg) DescribeAccount(_ context.Context, in *organizations.DescribeAccountInput, _ ...func(*organizations.Options)) (*organizations.DescribeAccountOutput, error) {
	a, ok := f.find(aws.ToString(in.AccountId))
	if !ok {
		return nil, &orgtypes.AccountNotFoundException{Message: aws.String("no such account")}
	}
	return &organizations.DescribeAccountOutput{Account: &orgtypes.Account{Id: aws.String(a.id), Name: aws.String(a.name), Status: a.status}}, nil
}

func (f *fakeOrg) ListParents(_ context.Context, in *organizations.ListParentsInput, _ ...func(*organizations.Options)) (*organizations.ListParentsOutput, error) {
	id := aws.ToString(in.ChildId)
	parent := ""
	if ou, ok := f.ous[id]; ok {
		parent = ou[1]
	} else if a, ok := f.find(id); ok {
		parent = a.parent
	} else {
		return nil, &orgtypes.ChildNotFoundException{Message: aws.String("no such child")}
	}
	return &organizations.ListParentsOutput{Parents: []orgtypes.Parent{{Id: aws.String(parent)}}}, nil
}

func (f *fakeOrg) DescribeOrganizationalUnit(_ context.Context, in *organizations.DescribeOrganizationalUnitInput, _ ...func(*organizations.Options)) (*organizations.DescribeOrganizationalUnitOutput, error) {
	ou, ok := f.ous[aws.ToString(in.OrganizationalUnitId)]
	if !ok {
		return nil, &orgtypes.OrganizationalUnitNotFoundException{Message: aws.String("no such OU")}
	}
	return &organizations.DescribeOrganizationalUnitOutput{OrganizationalUnit: &orgtypes.OrganizationalUnit{Id: in.OrganizationalUnitId, Name: aws.String(ou[0])}}, nil
}

func (f *fakeOrg) ListChildren(_ context.Context, in *organizations.ListChildrenInput, _ ...func(*organizations.Options)) (*organizations.ListChildrenOutput, error) {
	out := &organizations.ListChildrenOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.ous)) {
		if f.ous[id][1] == aws.ToString(in.ParentId) {
			out.Children = append(out.Children, orgtypes.Child{Id: aws.String(id), Type: orgtypes.ChildTypeOrganizationalUnit})
		}
	}
	return out, nil
}

func (f *fakeOrg) ListAccountsForParent(_ context.Context, in *organizations.ListAccountsForParentInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error) {
	parent := aws.ToString(in.ParentId)
	if _, ok := f.ous[parent]; !ok && parent != f.root {
		return nil, &orgtypes.ParentNotFoundException{Message: aws.String("no such parent")}
	}
	out := &organizations.ListAccountsForParentOutput{}
	for _, a := range f.accounts {
		if a.parent == parent {
			out.Accounts = append(out.Accounts, orgtypes.Account{Id: aws.String(a.id), Name: aws.String(a.name), Status: a.status})
		}
	}
	return out, nil
}

func (f *fakeOrg) ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	return &organizations.ListRootsOutput{Roots: []orgtypes.Root{{Id: aws.String(f.root)}}}, nil
}

// ListTagsForResource pages an account's tags (sorted by key) two at a
// time; NextToken is the index of the next tag.
func (f *fakeOrg) ListTagsForResource(_ context.Context, in *organizations.ListTagsForResourceInput, _ ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error) {
	id := aws.ToString(in.ResourceId)
	f.mu.Lock()
	f.tagCalls[id]++
	f.mu.Unlock()
	if err := f.tagErr[id]; err != nil {
		return nil, err
	}
	if _, ok := f.find(id); !ok {
		return nil, &orgtypes.TargetNotFoundException{Message: aws.String("no such target")}
	}
	keys := slices.Sorted(maps.Keys(f.tags[id]))
	start, _ := strconv.Atoi(aws.ToString(in.NextToken))
	end := min(start+2, len(keys))
	out := &organizations.ListTagsForResourceOutput{Tags: []orgtypes.Tag{}}
	for _, k := range keys[start:end] {
		out.Tags = append(out.Tags, orgtypes.Tag{Key: aws.String(k), Value: aws.String(f.tags[id][k])})
	}
	if end < len(keys) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

// reads returns how many accounts' tags were read, and fails when one was
// read twice (a page counts once: pages = ceil(tags/2), at least 1).
func (f *fakeOrg) reads(t *testing.T) int {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, n := range f.tagCalls {
		if want := max(1, (len(f.tags[id])+1)/2); n != want {
			t.Errorf("account %s: %d ListTagsForResource calls, want %d (one read of %d tags)", id, n, want, len(f.tags[id]))
		}
	}
	return len(f.tagCalls)
}

func ids(accts []plan.Account) []string {
	var out []string
	for _, a := range accts {
		out = append(out, a.ID)
	}
	return out
}

func TestSelectReadsEachAccountsTagsOnce(t *testing.T) {
	tests := []struct {
		name string
		sel  Selection
		want []string
	}{
		{"whole organization", Selection{All: true, ManagementAccount: "111111111111"}, []string{"222222222222", "777777777777", "666666666666"}},
		{"an account named twice", Selection{Accounts: []string{"666666666666", "777777777777", "666666666666"}}, []string{"666666666666", "777777777777"}},
		{"overlapping OUs", Selection{OUs: []string{"ou-ab12-w0rkl0ad", "ou-ab12-pr0dw0rk"}, Recursive: true}, []string{"777777777777", "666666666666"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := newFakeOrg()
			d := &Directory{API: org, Tags: org}
			accts, _, err := d.Select(t.Context(), tt.sel)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(accts); !slices.Equal(got, tt.want) {
				t.Fatalf("accounts %v, want %v", got, tt.want)
			}
			// Each selected account read once; the management account and the
			// suspended one, left out, not at all.
			if n := org.reads(t); n != len(tt.want) {
				t.Errorf("tags of %d accounts read, want %d", n, len(tt.want))
			}
			for _, a := range accts {
				if a.Tags == nil {
					t.Errorf("%s: Tags nil after a read", a.ID)
				}
				if !maps.Equal(a.Tags, org.tags[a.ID]) && (len(a.Tags) != 0 || len(org.tags[a.ID]) != 0) {
					t.Errorf("%s: tags %v, want %v", a.ID, a.Tags, org.tags[a.ID])
				}
			}
		})
	}
}

func TestSelectWithoutTagsReadsNone(t *testing.T) {
	org := newFakeOrg()
	accts, _, err := (&Directory{API: org}).Select(t.Context(), Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(org.tagCalls) != 0 {
		t.Errorf("ListTagsForResource called %v without Tags", org.tagCalls)
	}
	for _, a := range accts {
		if a.Tags != nil {
			t.Errorf("%s: Tags %v; want nil (not read)", a.ID, a.Tags)
		}
	}
}

// A tag read that fails fails the selection, naming the account: no
// account is selected or excluded on tags nobody read.
func TestSelectFailsClosedOnTags(t *testing.T) {
	org := newFakeOrg()
	denied := errors.New("AccessDeniedException: not authorized to perform: organizations:ListTagsForResource")
	org.tagErr["777777777777"] = denied
	accts, excl, err := (&Directory{API: org, Tags: org}).Select(t.Context(), Selection{All: true})
	if !errors.Is(err, denied) || !strings.Contains(err.Error(), "list tags of account 777777777777") {
		t.Fatalf("Select = %v; want the read error naming the account", err)
	}
	if accts != nil || excl != nil {
		t.Errorf("Select returned accounts %v and exclusions %v with its error", ids(accts), excl)
	}
}

func TestAccountReadsTags(t *testing.T) {
	org := newFakeOrg()
	d := &Directory{API: org, Tags: org}
	a, err := d.Account(t.Context(), "666666666666")
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(a.Tags, org.tags["666666666666"]) || a.OU.Name != "Prod" {
		t.Errorf("account %+v", a)
	}
	if n := org.reads(t); n != 1 {
		t.Errorf("%d accounts' tags read, want 1", n)
	}
	none, err := d.Account(t.Context(), "222222222222")
	if err != nil || none.Tags == nil || len(none.Tags) != 0 {
		t.Errorf("untagged account: %v, %v; want empty, not nil", none.Tags, err)
	}

	org.tagErr["777777777777"] = &orgtypes.TooManyRequestsException{Message: aws.String("rate exceeded")}
	if _, err := d.Account(t.Context(), "777777777777"); err == nil || !strings.Contains(err.Error(), "list tags of account 777777777777") {
		t.Errorf("Account with a failing tag read = %v", err)
	}
	if _, err := ReadTags(t.Context(), org, "999999999999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ReadTags of an unknown account = %v; want ErrNotFound", err)
	}
	if a, err := (&Directory{API: org}).Account(t.Context(), "666666666666"); err != nil || a.Tags != nil {
		t.Errorf("without Tags: %v, %v; want nil tags", a.Tags, err)
	}
}

// Concurrent askers for one account share its one read.
func TestTagCacheSharesReads(t *testing.T) {
	org := newFakeOrg()
	c := newTagCache(org)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			tags, err := c.get(t.Context(), "666666666666")
			if err != nil || tags["environment"] != "prod" {
				t.Errorf("get = %v, %v", tags, err)
			}
		})
	}
	wg.Wait()
	if n := org.reads(t); n != 1 {
		t.Errorf("%d accounts read, want 1", n)
	}
}
