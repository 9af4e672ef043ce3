package org_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/localaws/org"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// loadSpec reads testdata/org.yaml, the default world's organization.
func loadSpec(t testing.TB) org.Spec {
	t.Helper()
	data, err := os.ReadFile("testdata/org.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var s org.Spec
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("decode testdata/org.yaml: %v", err)
	}
	return s
}

func newOrg(t testing.TB, s org.Spec) *org.Organization {
	t.Helper()
	o, err := org.New(s, start)
	if err != nil {
		t.Fatalf("org.New: %v", err)
	}
	return o
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*org.Spec)
		want   []string // substrings, each must appear
	}{
		{name: "bad org id", mutate: func(s *org.Spec) { s.ID = "o-SHORT" }, want: []string{`id: "o-SHORT" is not an organization ID`}},
		{name: "missing everything", mutate: func(s *org.Spec) { *s = org.Spec{} }, want: []string{
			"id: is required", "root: is required", "homeRegion: is required", "managementAccount: is required",
		}},
		{name: "bad root", mutate: func(s *org.Spec) { s.Root = "root" }, want: []string{`root: "root" is not a root ID`}},
		{name: "unknown home region", mutate: func(s *org.Spec) { s.HomeRegion = "us-west-9" }, want: []string{`homeRegion: "us-west-9" is not an AWS region`}},
		{name: "governed without home", mutate: func(s *org.Spec) { s.GovernedRegions = []string{"us-west-2", "us-west-2", "mars-1"} }, want: []string{
			`governedRegions[1]: "us-west-2" is listed twice`, `governedRegions[2]: "mars-1" is not an AWS region`, "governedRegions: must include the home region",
		}},
		{name: "bad ou id", mutate: func(s *org.Spec) { s.OUs[0].ID = "ou-AB" }, want: []string{`ous[0].id: "ou-AB" is not an OU ID`}},
		{name: "missing ou parent", mutate: func(s *org.Spec) { s.OUs[1].Parent = "ou-ab12-nope1234" }, want: []string{`ous[1].parent: "ou-ab12-nope1234" is not the root or an OU of ous`}},
		{name: "duplicate ou", mutate: func(s *org.Spec) { s.OUs[1].ID = s.OUs[0].ID }, want: []string{`ous[1].id: "ou-ab12-l3zc8b3h" is already used by ous[0]`}},
		{name: "duplicate ou name", mutate: func(s *org.Spec) { s.OUs[1].Name = "Custom" }, want: []string{`ous[1].name: "Custom" is already the name of ous[0]`}},
		{name: "ou cycle", mutate: func(s *org.Spec) { s.OUs[2].Parent = "ou-ab12-pr0dw0rk" }, want: []string{"ous[2].parent: OU \"ou-ab12-w0rkl0ad\" is part of a parent cycle"}},
		{name: "ou own parent", mutate: func(s *org.Spec) { s.OUs[0].Parent = s.OUs[0].ID }, want: []string{"ous[0].parent: an OU cannot be its own parent"}},
		{name: "short account id", mutate: func(s *org.Spec) { s.Accounts[1].ID = "2222" }, want: []string{`accounts[1].id: "2222" is not an account ID: want exactly 12 digits`}},
		{name: "duplicate account", mutate: func(s *org.Spec) { s.Accounts[2].ID = "222222222222" }, want: []string{`accounts[2].id: "222222222222" is already used by accounts[1]`}},
		{name: "account parent", mutate: func(s *org.Spec) { s.Accounts[3].Parent = "ou-zzzz-missing1" }, want: []string{`accounts[3].parent: "ou-zzzz-missing1" is not the root or an OU of ous`}},
		{name: "account fields", mutate: func(s *org.Spec) {
			s.Accounts[1].Name = ""
			s.Accounts[1].Status = "CLOSED"
			s.Accounts[1].Roles = []string{"ok", "bad role!", "ok"}
			s.Accounts[1].DisabledRegions = []string{"ap-east-1", "xx-1"}
		}, want: []string{
			"accounts[1].name: is required", `accounts[1].status: "CLOSED" is not ACTIVE, SUSPENDED or PENDING_CLOSURE`,
			`accounts[1].roles[1]: "bad role!" is not an IAM role name`, `accounts[1].roles[2]: "ok" is listed twice`,
			`accounts[1].disabledRegions[1]: "xx-1" is not an AWS region`,
		}},
		{name: "management not listed", mutate: func(s *org.Spec) { s.ManagementAccount = "999999999999" }, want: []string{`managementAccount: "999999999999" is not listed in accounts`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadSpec(t)
			tt.mutate(&s)
			err := s.Validate()
			if err == nil {
				t.Fatal("Validate() = nil, want errors")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() =\n%v\nwant it to contain %q", err, w)
				}
			}
			if _, err := org.New(s, start); err == nil || !strings.Contains(err.Error(), tt.want[0]) {
				t.Errorf("New() error = %v, want it to contain %q", err, tt.want[0])
			}
		})
	}
	if err := loadSpec(t).Validate(); err != nil {
		t.Errorf("default organization does not validate: %v", err)
	}
}

func TestModelQueries(t *testing.T) {
	s := loadSpec(t)
	joined := start.Add(-24 * time.Hour)
	s.Accounts[6].Joined = joined
	s.Accounts[7].DisabledRegions = []string{"ap-east-1"}
	s.Accounts[5].Roles = []string{}
	s.Accounts[4].Status = org.StatusSuspended
	o := newOrg(t, s)

	if o.ID() != "o-ab12cd34ef" || o.Root() != "r-ab12" || o.ManagementAccount() != "111111111111" || o.HomeRegion() != "us-east-1" {
		t.Errorf("identity = %s %s %s %s", o.ID(), o.Root(), o.ManagementAccount(), o.HomeRegion())
	}
	if !slices.Equal(o.GovernedRegions(), []string{"us-east-1", "us-west-2"}) || !o.Governed("us-west-2") || o.Governed("us-west-1") {
		t.Errorf("governed = %v", o.GovernedRegions())
	}
	if got := o.Ancestors("666666666666"); !slices.Equal(got, []string{"ou-ab12-pr0dw0rk", "ou-ab12-w0rkl0ad", "r-ab12"}) {
		t.Errorf("Ancestors = %v", got)
	}
	if got := o.Ancestors("r-ab12"); len(got) != 0 {
		t.Errorf("Ancestors(root) = %v", got)
	}
	if got := o.Path("666666666666"); got != "o-ab12cd34ef/r-ab12/ou-ab12-w0rkl0ad/ou-ab12-pr0dw0rk/666666666666/" {
		t.Errorf("Path = %s", got)
	}
	if got := o.ChildAccounts("ou-ab12-l3zc8b3h"); !slices.Equal(got, []string{"222222222222", "624281831893", "333333333333"}) {
		t.Errorf("ChildAccounts = %v", got)
	}
	if got := o.ChildOUs("ou-ab12-w0rkl0ad"); !slices.Equal(got, []string{"ou-ab12-pr0dw0rk", "ou-ab12-s4ndb0x1"}) {
		t.Errorf("ChildOUs = %v", got)
	}
	for _, tt := range []struct {
		account, role string
		want          bool
	}{
		{"222222222222", "AWSControlTowerExecution", true},
		{"222222222222", "OrganizationAccountAccessRole", true},
		{"222222222222", "Admin", false},
		{"111111111111", "AWSControlTowerExecution", false}, // no default roles for the management account
		{"555555555555", "AWSControlTowerExecution", false}, // explicit empty list
		{"999999999999", "AWSControlTowerExecution", false},
	} {
		if got := o.RoleExists(tt.account, tt.role); got != tt.want {
			t.Errorf("RoleExists(%s, %s) = %v, want %v", tt.account, tt.role, got, tt.want)
		}
	}
	if got, ok := o.JoinedAt("666666666666"); !ok || !got.Equal(joined) {
		t.Errorf("JoinedAt(666666666666) = %v, %v", got, ok)
	}
	if got, ok := o.JoinedAt("222222222222"); !ok || !got.Equal(start) {
		t.Errorf("JoinedAt default = %v, %v; want world start", got, ok)
	}
	if o.RegionEnabled("777777777777", "ap-east-1", start) || !o.RegionEnabled("777777777777", "us-east-1", start) || o.RegionEnabled("999999999999", "us-east-1", start) {
		t.Error("RegionEnabled wrong")
	}
	if !o.IsMember("222222222222") || o.IsMember("111111111111") || o.IsMember("999999999999") || !o.Contains("111111111111") {
		t.Error("IsMember/Contains wrong")
	}
	if a, _ := o.Account("444444444444"); a.Status != org.StatusSuspended || a.Email != "log-archive@example.com" {
		t.Errorf("Account = %+v", a)
	}
	if got := o.ARN("222222222222"); got != "arn:aws:organizations::111111111111:account/o-ab12cd34ef/222222222222" {
		t.Errorf("ARN = %s", got)
	}
	if len(o.Accounts()) != 8 || len(o.OUs()) != 5 {
		t.Errorf("Accounts/OUs = %d/%d", len(o.Accounts()), len(o.OUs()))
	}
}

func TestAddAccount(t *testing.T) {
	o := newOrg(t, loadSpec(t))
	now := start.Add(time.Hour)
	if err := o.AddAccount(org.AccountSpec{ID: "888888888888", Name: "new", Parent: "ou-ab12-l3zc8b3h"}, now); err != nil {
		t.Fatalf("AddAccount: %v", err)
	}
	if got, _ := o.JoinedAt("888888888888"); !got.Equal(now) {
		t.Errorf("JoinedAt = %v, want %v", got, now)
	}
	if !o.RoleExists("888888888888", "AWSControlTowerExecution") || !slices.Contains(o.ChildAccounts("ou-ab12-l3zc8b3h"), "888888888888") {
		t.Error("added account lacks default role or parent")
	}
	if got, _ := o.JoinedAt("222222222222"); !got.Equal(start) {
		t.Errorf("existing account's join time changed to %v", got)
	}
	err := o.AddAccount(org.AccountSpec{ID: "888888888888", Name: "dup", Parent: "ou-nope-12345678"}, now)
	if err == nil || !strings.Contains(err.Error(), "is already used by") || !strings.Contains(err.Error(), "is not the root or an OU") {
		t.Errorf("AddAccount duplicate = %v", err)
	}
	if got := len(o.Accounts()); got != 9 {
		t.Errorf("accounts after failed add = %d, want 9", got)
	}
}

func TestNewDoesNotAliasSpec(t *testing.T) {
	s := loadSpec(t)
	o := newOrg(t, s)
	s.Accounts[1].Roles = append(s.Accounts[1].Roles, "Injected")
	s.Accounts[1].Name = "changed"
	if a, _ := o.Account("222222222222"); a.Name != "LifeCycle1" || o.RoleExists("222222222222", "Injected") {
		t.Errorf("organization changed with its spec: %+v", a)
	}
}
