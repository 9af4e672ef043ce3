package org_test

import (
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
	"github.com/landfall/landfall/internal/localaws/org"
)

const readOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"servicecatalog:Describe*","Resource":"*"}]}`

func TestRoles(t *testing.T) {
	s := loadSpec(t)
	s.Accounts[1].IAMRoles = []org.RoleSpec{{
		Name:        org.ControlTowerExecutionRole, // replaces the default role
		TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/Worker"},"Action":"sts:AssumeRole"}]}`,
		Policies:    []org.PolicyDocument{readOnly},
	}, {
		Name:        "LandfallReader",
		TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/Launch"},"Action":"sts:AssumeRole"}]}`,
	}}
	o := newOrg(t, s)
	admin := iampolicy.Principal{AWS: "arn:aws:iam::111111111111:user/admin", Account: "111111111111"}
	assume := func(r *org.Role) iampolicy.Request {
		return iampolicy.Request{Action: "sts:AssumeRole", Resource: r.ARN, Principal: admin}
	}

	def, ok := o.Role("333333333333", org.OrganizationAccessRole)
	if !ok || def.Trust.Resource(assume(def)).Effect != iampolicy.Allow || len(def.Policies) != 1 || def.Policies[0] != org.AdministratorPolicy() {
		t.Errorf("default role = %+v, %v; want trusted by the management account, with AdministratorAccess", def, ok)
	}
	ct, _ := o.Role("222222222222", org.ControlTowerExecutionRole)
	if ct.Trust.Resource(assume(ct)).Effect != iampolicy.NoMatch || len(ct.Policies) != 1 ||
		ct.Policies[0].Identity(iampolicy.Request{Action: "servicecatalog:ProvisionProduct", Resource: "*"}).Effect != iampolicy.NoMatch {
		t.Errorf("declared role did not replace the default: %+v", ct)
	}
	if !o.RoleExists("222222222222", "LandfallReader") || !o.RoleExists("222222222222", org.OrganizationAccessRole) {
		t.Error("iamRoles must exist next to the default roles")
	}
	if _, ok := o.Role("111111111111", org.ControlTowerExecutionRole); ok {
		t.Error("the management account has no default roles")
	}
	if err := o.AddAccount(org.AccountSpec{ID: "888888888888", Name: "new", Parent: "ou-ab12-l3zc8b3h"}, start); err != nil {
		t.Fatal(err)
	}
	if r, ok := o.Role("222222222222", "LandfallReader"); !ok || r.Name != "LandfallReader" {
		t.Error("AddAccount lost another account's declared role")
	}
}

func TestRolesValidate(t *testing.T) {
	s := loadSpec(t)
	s.Accounts[1].IAMRoles = []org.RoleSpec{
		{Name: "Worker"},
		{Name: "Worker", TrustPolicy: "{"},
		{Name: "Reader", TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`,
			Policies: []org.PolicyDocument{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`}},
	}
	err := s.Validate()
	for _, want := range []string{
		"accounts[1].iamRoles[0].trustPolicy: is required",
		`accounts[1].iamRoles[1].name: "Worker" is already declared by iamRoles[0]`,
		"accounts[1].iamRoles[1].trustPolicy: ",
		"accounts[1].iamRoles[2].trustPolicy: Statement[0]: has no Principal",
		"accounts[1].iamRoles[2].policies[0]: Statement[0]: has no Resource",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to contain %q", err, want)
		}
	}
}
