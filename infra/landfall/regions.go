package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Grants for regions chosen at run time and opt-in regions. Both depend on
// the plan, which the construct has at synth, so a plan that needs neither
// gets neither.
//
//   - `regions: enabled`: the launch function lists the regions each account
//     has enabled (account:ListRegions, internal/accountregions), as the
//     management account. For a member it names the account, which the
//     Service Authorization Reference gives the resource type
//     accountInOrganization, arn:<partition>:account::<management
//     account>:account/<organization ID>/<member>; for the management
//     account itself (a plan with includeManagementAccount) it names none,
//     which is the type account, arn:<partition>:account::<management
//     account>:account. Trusted access for account.amazonaws.com is
//     Organizations' setting, not a grant: the README says to enable it.
//   - Opt-in regions: the worker asks a region's opt status, and with
//     enableOptInRegions enables it, in the member account as the role it
//     assumes there (internal/worker's opt-in gate), so the functions' own
//     roles need nothing. AWSControlTowerExecution may already; with member
//     roles LandfallProvisioner gets exactly those calls
//     (optInMemberStatements).

// launchAccountRegionsActions: the launch function lists each account's
// enabled regions, for plans with `regions: enabled`.
var launchAccountRegionsActions = []string{"account:ListRegions"}

// accountsInOrganization is every member account of this organization as
// the Account Management API names it: the organization's ID when Props
// gives it, else any (o-*), which under this management account can only
// be its own organization.
func accountsInOrganization(props Props) *string {
	org := "o-*"
	if props.OrganizationID != "" {
		org = props.OrganizationID
	}
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("arn:"), awscdk.Aws_PARTITION(),
		jsii.String(":account::"), awscdk.Aws_ACCOUNT_ID(),
		jsii.String(":account/" + org + "/*"),
	})
}

// grantAccountRegions lets the launch function list accounts' enabled
// regions when the plan chooses regions at run time, and records why the
// member wildcard is accepted.
func (c *Construct) grantAccountRegions(props Props) {
	pl := props.Plan.parsed
	if !pl.RegionsAtRunTime() {
		return
	}
	resources := []*string{accountsInOrganization(props)}
	if pl.IncludeManagementAccount {
		resources = append(resources, awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":account::"), awscdk.Aws_ACCOUNT_ID(), jsii.String(":account"),
		}))
	}
	c.LaunchRole.AddToPrincipalPolicy(statement("ListAccountRegions", launchAccountRegionsActions, resources...))
	org := "o-*"
	if props.OrganizationID != "" {
		org = props.OrganizationID
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c.LaunchRole, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("account:ListRegions on the member accounts of this organization only (regions: enabled): accounts are created after deployment, " +
			"so they cannot be listed, and the ARN's management account part keeps it to this organization."),
		AppliesTo: &[]interface{}{"Resource::arn:<AWS::Partition>:account::<AWS::AccountId>:account/" + org + "/*"},
	}}, jsii.Bool(true))
}

// optInMemberStatements is what LandfallProvisioner needs for the plan's
// opt-in regions: read a region's opt status, and with enableOptInRegions
// enable it, in its own account (no AccountId: the resource type account,
// whose account part is "*" because one template serves every account).
// Nil when the plan names no opt-in region.
func optInMemberStatements(props Props) []memberStatement {
	pl := props.Plan.parsed
	if len(pl.OptInRegions()) == 0 {
		return nil
	}
	actions := []string{"account:GetRegionOptStatus"}
	if pl.EnableOptInRegions {
		actions = append(actions, "account:EnableRegion")
	}
	return []memberStatement{{"OptInRegions", actions, []string{"account::*:account"}}}
}

// optInMemberSuppression explains the opt-in statement's wildcard on the
// management account's copy of LandfallProvisioner (the StackSet's copies
// are in a template body cdk-nag does not read).
func (c *Construct) optInMemberSuppression(props Props) {
	if optInMemberStatements(props) == nil || c.MemberRoles == nil || c.MemberRoles.ManagementProvisioner == nil {
		return
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c.MemberRoles.ManagementProvisioner, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("The opt-in status (and, with enableOptInRegions, enabling) of a region in the role's own account: without an AccountId the " +
			"Account Management API acts on the caller's account only; the account part is \"*\" because the same statement serves every member account."),
		AppliesTo: &[]interface{}{"Resource::arn:<AWS::Partition>:account::*:account"},
	}}, nil)
}
