package org_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/localaws/org"
)

func TestRegionSettingsValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*org.Spec)
		want   []string
	}{
		{"bad principal", func(s *org.Spec) {
			s.TrustedAccess = []string{"account", "account.amazonaws.com", "account.amazonaws.com"}
		},
			[]string{`trustedAccess[0]: "account" is not a service principal`, `trustedAccess[2]: "account.amazonaws.com" is listed twice`}},
		{"negative delay", func(s *org.Spec) { s.RegionEnablementDelay = -time.Second }, []string{"regionEnablementDelay: -1s is out of range"}},
		{"delay of days", func(s *org.Spec) { s.RegionEnablementDelay = 48 * time.Hour }, []string{"regionEnablementDelay: 48h0m0s is out of range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadSpec(t)
			tt.mutate(&s)
			err := s.Validate()
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

// TestRegionStatus checks the one region model: the world's
// disabledRegions, opt-in defaults, changes over time, and RegionEnabled.
func TestRegionStatus(t *testing.T) {
	s := loadSpec(t)
	s.Accounts[7].DisabledRegions = []string{"ap-east-1", "us-west-1", "us-gov-west-1"} // 777777777777
	s.RegionEnablementDelay = time.Minute
	o := newOrg(t, s)
	const acct = "777777777777"

	for _, tt := range []struct {
		region string
		want   org.RegionOptStatus
		usable bool
	}{
		{"ap-east-1", org.OptStatusDisabled, false},
		{"us-west-1", org.OptStatusDisabled, false},
		{"me-south-1", org.OptStatusEnabled, true},
		{"eu-west-1", org.OptStatusEnabledByDefault, true},
	} {
		got, err := o.RegionOptStatus(acct, tt.region, start)
		if err != nil || got != tt.want {
			t.Errorf("RegionOptStatus(%s) = %s, %v; want %s", tt.region, got, err, tt.want)
		}
		if o.RegionEnabled(acct, tt.region, start) != tt.usable {
			t.Errorf("RegionEnabled(%s) = %v", tt.region, !tt.usable)
		}
	}
	// Outside the partition: not an opt-in target, usable unless listed.
	if _, err := o.RegionOptStatus(acct, "us-gov-west-1", start); !errors.Is(err, org.ErrNotOptInTarget) {
		t.Errorf("RegionOptStatus(us-gov-west-1) = %v", err)
	}
	if o.RegionEnabled(acct, "us-gov-west-1", start) || !o.RegionEnabled(acct, "cn-north-1", start) {
		t.Error("RegionEnabled outside the partition wrong")
	}
	if _, err := o.RegionOptStatus("999999999999", "ap-east-1", start); !errors.Is(err, org.ErrUnknownAccount) {
		t.Errorf("unknown account: %v", err)
	}

	// A change survives the organization being reloaded by AddAccount.
	if err := o.EnableRegion(acct, "ap-east-1", start); err != nil {
		t.Fatal(err)
	}
	if err := o.AddAccount(org.AccountSpec{ID: "888888888888", Name: "new", Parent: "r-ab12", DisabledRegions: []string{"af-south-1"}}, start); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.RegionOptStatus(acct, "ap-east-1", start.Add(59*time.Second)); got != org.OptStatusEnabling {
		t.Errorf("after AddAccount: %s, want ENABLING", got)
	}
	if got, _ := o.RegionOptStatus(acct, "ap-east-1", start.Add(time.Minute)); got != org.OptStatusEnabled {
		t.Errorf("after the delay: %s, want ENABLED", got)
	}
	if got, _ := o.RegionOptStatus("888888888888", "af-south-1", start); got != org.OptStatusDisabled {
		t.Errorf("added account's disabled region: %s", got)
	}
	if err := o.EnableRegion(acct, "eu-west-1", start); !errors.Is(err, org.ErrRegionOptStatus) {
		t.Errorf("EnableRegion(default) = %v", err)
	}
	if err := o.DisableRegion(acct, "us-west-1", start); !errors.Is(err, org.ErrRegionOptStatus) {
		t.Errorf("DisableRegion(DISABLED) = %v", err)
	}

	all, err := o.RegionOptStatuses(acct, start)
	if err != nil || len(all) != len(org.OptInTargets()) || !slices.IsSortedFunc(all, func(a, b org.RegionOpt) int { return strings.Compare(a.Region, b.Region) }) {
		t.Errorf("RegionOptStatuses = %d regions, %v", len(all), err)
	}
}

func TestTrustedAccess(t *testing.T) {
	s := loadSpec(t)
	o := newOrg(t, s)
	if o.TrustedAccess(org.AccountServicePrincipal) {
		t.Fatal("trusted access without the setting")
	}
	before := o.Spec()
	o.SetTrustedAccess(org.AccountServicePrincipal, true)
	if !o.TrustedAccess(org.AccountServicePrincipal) || len(before.TrustedAccess) != 0 {
		t.Errorf("SetTrustedAccess: %v, earlier Spec() %v", o.TrustedAccess(org.AccountServicePrincipal), before.TrustedAccess)
	}
	o.SetTrustedAccess(org.AccountServicePrincipal, true) // twice: listed once
	if got := o.Spec().TrustedAccess; !slices.Equal(got, []string{org.AccountServicePrincipal}) {
		t.Errorf("Spec().TrustedAccess = %v", got)
	}
	o.SetTrustedAccess(org.AccountServicePrincipal, false)
	if o.TrustedAccess(org.AccountServicePrincipal) {
		t.Error("still trusted after disabling")
	}
	if o.RegionEnablementDelay() != org.DefaultRegionEnablementDelay {
		t.Errorf("default delay = %s", o.RegionEnablementDelay())
	}
}
