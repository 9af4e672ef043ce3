package preflight

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/landfall/landfall/internal/directory"
)

// taggedOrg is org with the default world's tags.
func taggedOrg() *Org {
	tags := map[string]map[string]string{
		"666666666666": {"environment": "prod", "cost-center": "4100"},
		"222222222222": {"environment": "staging"},
	}
	o := &Org{OUs: org.OUs, TagsRead: true}
	for _, a := range org.Accounts {
		a.Tags = tags[a.ID]
		if a.Tags == nil {
			a.Tags = map[string]string{}
		}
		o.Accounts = append(o.Accounts, a)
	}
	return o
}

func TestCheckSelectorsTags(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		notes []string
	}{
		{"a clause some account matches", "include: {tags: {environment: [prod, dev]}}", nil},
		{"every key must match one account", "include: {tags: {environment: staging, cost-center: '4100'}}",
			[]string{`include.tags: environment="staging", cost-center="4100" matches no account's tags yet (it blocks nothing: tags may be set on accounts later)`}},
		{"a typo in a value", "include: {tags: {environment: prd}}",
			[]string{`include.tags: environment="prd" matches no account's tags yet; no account's environment tag is "prd", did you mean "prod"? (it blocks nothing`}},
		{"a typo in a key, in an exclude", "products: [{key: a, product: a, exclude: {tags: {environmnt: prod}}}]",
			[]string{`products[0].exclude.tags: environmnt="prod" matches no account's tags yet, so this exclusion excludes nothing yet; no account carries the tag environmnt, did you mean "environment"?`}},
		{"a key nobody uses", "include: {tags: {pci: 'yes'}}",
			[]string{`include.tags: pci="yes" matches no account's tags yet; no account carries the tag pci (it blocks nothing`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := tt.yaml
			if !strings.Contains(yaml, "products:") {
				yaml += "\nproducts: [{key: a, product: a}]"
			}
			pl := mustParse(t, yaml)
			r := CheckSelectors(pl, taggedOrg())
			check(t, "problems", r.Problems, nil)
			check(t, "notes", r.Notes, tt.notes)
			// Without the accounts' tags (the launch function), clauses go unchecked.
			if r := CheckSelectors(pl, org); len(r.Notes)+len(r.Problems) != 0 {
				t.Errorf("without tags: %+v", r)
			}
		})
	}
}

// tagOrgAPI is an organization of two accounts, one tagged, for OrgIndex.
type tagOrgAPI struct {
	mu       sync.Mutex
	tagCalls int
	tagErr   error
}

func (f *tagOrgAPI) ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	return &organizations.ListRootsOutput{Roots: []orgtypes.Root{{Id: aws.String("r-ab12")}}}, nil
}

func (f *tagOrgAPI) ListOrganizationalUnitsForParent(context.Context, *organizations.ListOrganizationalUnitsForParentInput, ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error) {
	return &organizations.ListOrganizationalUnitsForParentOutput{}, nil
}

func (f *tagOrgAPI) ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	return &organizations.ListAccountsOutput{Accounts: []orgtypes.Account{
		{Id: aws.String("222222222222"), Name: aws.String("LifeCycle1")}, {Id: aws.String("666666666666"), Name: aws.String("payments-prod")},
	}}, nil
}

func (f *tagOrgAPI) ListTagsForResource(_ context.Context, in *organizations.ListTagsForResourceInput, _ ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error) {
	f.mu.Lock()
	f.tagCalls++
	f.mu.Unlock()
	if f.tagErr != nil {
		return nil, f.tagErr
	}
	out := &organizations.ListTagsForResourceOutput{}
	if aws.ToString(in.ResourceId) == "666666666666" {
		out.Tags = []orgtypes.Tag{{Key: aws.String("environment"), Value: aws.String("prod")}}
	}
	return out, nil
}

func TestOrgIndexReadsTagsOnlyWhenAsked(t *testing.T) {
	api := &tagOrgAPI{}
	tagged := mustParse(t, "include: {tags: {environment: prd}}\nproducts: [{key: a, product: a}]")

	// The launch function's index: no tags read, not even accounts listed
	// for a plan whose only account-level selector is a tags clause.
	launch := &Checker{Plan: tagged, Org: &OrgIndex{API: api}}
	o, err := launch.Org.Get(t.Context(), namesAccounts(tagged, launch.Org.Tags != nil))
	if err != nil || o.TagsRead || o.Accounts != nil || api.tagCalls != 0 {
		t.Fatalf("launch index: %+v, %v, %d tag reads", o, err, api.tagCalls)
	}

	// validate --org's index reads every account's tags once, and notes the typo.
	x := &OrgIndex{API: api, Tags: directory.TagReader{API: api}}
	o, err = x.Get(t.Context(), namesAccounts(tagged, true))
	if err != nil || !o.TagsRead || api.tagCalls != 2 {
		t.Fatalf("validate index: %+v, %v, %d tag reads", o, err, api.tagCalls)
	}
	r := CheckSelectors(tagged, o)
	check(t, "notes", r.Notes, []string{`include.tags: environment="prd" matches no account's tags yet; no account's environment tag is "prd", did you mean "prod"?`})
	if o.Accounts[0].Tags == nil || len(o.Accounts[0].Tags) != 0 || o.Accounts[1].Tags["environment"] != "prod" {
		t.Errorf("accounts %+v", o.Accounts)
	}
	if _, err := x.Get(t.Context(), true); err != nil || api.tagCalls != 2 {
		t.Errorf("kept index read tags again: %d reads, %v", api.tagCalls, err)
	}

	// A failed read fails the check (it is retried), naming the account.
	api.tagErr = errors.New("rate exceeded")
	_, err = (&OrgIndex{API: api, Tags: directory.TagReader{API: api}}).Get(t.Context(), true)
	if err == nil || !strings.Contains(err.Error(), "read the organization's account tags: list tags of account") {
		t.Errorf("Get with failing tag reads = %v", err)
	}
}

func TestNamesAccounts(t *testing.T) {
	for _, tt := range []struct {
		yaml           string
		withTags, want bool
	}{
		{"include: {ous: [Custom]}", true, false},
		{"include: {accountNames: ['x*']}", false, true},
		{"include: {tags: {a: b}}", false, false},
		{"include: {tags: {a: b}}", true, true},
	} {
		pl := mustParse(t, tt.yaml+"\nproducts: [{key: a, product: a}]")
		if got := namesAccounts(pl, tt.withTags); got != tt.want {
			t.Errorf("%s (tags %v): %v, want %v", tt.yaml, tt.withTags, got, tt.want)
		}
	}
}
