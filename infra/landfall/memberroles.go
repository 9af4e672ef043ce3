package landfall

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudformation"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/landfall/landfall/infra/config"
)

// Member roles (Props.MemberRoles) replace AWSControlTowerExecution, which is
// administrator in every member account, with two roles that can do only
// what each function calls there:
//
//   - LandfallProvisioner, assumed by the worker: Service Catalog end-user
//     provisioning of the plan's products. Products launch through the
//     portfolio's launch constraint, so Service Catalog does the
//     CloudFormation work as the constraint's launch role, and this role
//     needs no CloudFormation, S3 or resource rights, nor iam:PassRole.
//   - LandfallReader, assumed by the launch function for dry runs and fleet
//     status: two describe calls, so the launch function never holds a role
//     that can change anything. A member account shows a shared product
//     only to principals associated with its portfolio, so the worker,
//     told the reader's name (EnvReaderRoleName), associates it next to
//     itself wherever it opens a portfolio (LandfallProvisioner's
//     AssociatePrincipalWithPortfolio covers it).
//
// A service-managed StackSet deploys both to the plan's OUs, with automatic
// deployment to accounts that join them later. Service-managed StackSets never
// deploy to the management account, so when the plan includes it the same
// two roles are made directly in this stack, which is deployed there.
const (
	ProvisionerRoleName = "LandfallProvisioner"
	ReaderRoleName      = "LandfallReader"
)

// StackSet operation settings. They govern creating and updating the stack
// instances (CloudFormation's defaults are one account at a time and no
// failure tolerated), not automatic deployment to new accounts.
const (
	// MemberRolesMaxConcurrentPercentage deploys to a quarter of the
	// accounts at once: two IAM roles deploy in seconds, so this bounds
	// the IAM calls per second rather than the wait.
	MemberRolesMaxConcurrentPercentage = 25
	// MemberRolesFailureTolerancePercentage lets the deployment finish when
	// a few accounts refuse it (an SCP denying IAM, an account being closed):
	// those accounts' runs then fail saying the role cannot be assumed,
	// instead of the whole stack rolling back.
	MemberRolesFailureTolerancePercentage = 10
)

// Service Catalog actions of each member role, each one a call Landfall
// makes in member accounts (internal/provision's Catalog is the worker's;
// resolve.go and internal/status are the launch function's). DescribePortfolio
// is declared in provision.Catalog but never called, and Landfall never
// disassociates a principal, so neither is granted.
var (
	// provisionerPortfolioActions: portfolio.go's openPortfolio. Both take
	// the portfolio as their resource.
	provisionerPortfolioActions = []string{
		"servicecatalog:AcceptPortfolioShare",
		"servicecatalog:AssociatePrincipalWithPortfolio",
	}
	// provisionerProductActions: target.go and portfolio.go (DescribeProduct),
	// target.go (ProvisionProduct). Both take the product as their resource.
	provisionerProductActions = []string{
		"servicecatalog:DescribeProduct",
		"servicecatalog:ProvisionProduct",
	}
	// provisionerRecordActions: target.go and existing.go
	// (DescribeProvisionedProduct), poll.go (DescribeRecord), existing.go
	// (UpdateProvisionedProduct, TerminateProvisionedProduct), retire.go
	// (SearchProvisionedProducts: the retirement candidates a run looks
	// for) and terminate.go (TerminateProvisionedProduct of a candidate).
	// They take no resource ("*"); without a servicecatalog:*Level
	// condition they reach every provisioned product of the account
	// (account level), which is what finding a product an earlier run or
	// another role made needs.
	provisionerRecordActions = []string{
		"servicecatalog:DescribeProvisionedProduct",
		"servicecatalog:DescribeRecord",
		"servicecatalog:SearchProvisionedProducts",
		"servicecatalog:TerminateProvisionedProduct",
		"servicecatalog:UpdateProvisionedProduct",
	}
	// readerProductActions and readerRecordActions: resolve.go and status.go
	// (SearchProvisionedProducts: retirement candidates in dry runs and
	// fleet status, provision's and status's retire.go).
	readerProductActions = []string{"servicecatalog:DescribeProduct"}
	readerRecordActions  = []string{"servicecatalog:DescribeProvisionedProduct", "servicecatalog:SearchProvisionedProducts"}
)

// MemberRoles is what Props.MemberRoles adds to the construct.
type MemberRoles struct {
	// StackSet deploys the roles to Targets, in this stack's region (IAM is
	// global, so one region is enough).
	StackSet awscloudformation.CfnStackSet
	// Targets are the OU IDs or the root ID the StackSet deploys to.
	Targets []string
	// ManagementProvisioner and ManagementReader are the same roles made in
	// the management account itself; nil unless the plan includes it.
	ManagementProvisioner awsiam.CfnRole
	ManagementReader      awsiam.CfnRole
}

// AssumedRoleNames returns the roles the launch function and the worker
// assume in member accounts: their own member roles, or both the plan's
// execution role.
func (c *Construct) AssumedRoleNames() (launch, worker string) {
	if c.MemberRoles != nil {
		return ReaderRoleName, ProvisionerRoleName
	}
	return c.ExecutionRoleName, c.ExecutionRoleName
}

// checkMemberRoles reports a problem with MemberRoleTargets: targets
// without member roles, an entry that is not an OU or root ID, or no
// targets where the plan's include cannot supply them.
func (p Props) checkMemberRoles() error {
	if !p.MemberRoles {
		if len(p.MemberRoleTargets) > 0 {
			return errors.New("set, but MemberRoles is off: turn MemberRoles on or leave the targets out")
		}
		return nil
	}
	_, err := p.memberRoleTargets()
	return err
}

// memberRoleTargets returns where the StackSet deploys: the given targets,
// or the plan's include.ous when every entry is an OU ID. A StackSet deploys
// to whole OU trees, so a plan with `recursive: false` or exclusions gets the
// roles in a few more accounts than it provisions; they are unused there. A
// plan that selects every account, accounts by ID, name or tag, or OUs by
// name cannot name its targets before deployment: the operator must.
func (p Props) memberRoleTargets() ([]string, error) {
	if len(p.MemberRoleTargets) > 0 {
		return slices.Clone(p.MemberRoleTargets), config.CheckMemberRoleTargets(p.MemberRoleTargets)
	}
	inc := p.Plan.parsed.Include
	var by []string
	switch {
	case inc.IsZero():
		by = append(by, "none: it selects every account")
	default:
		for _, ou := range inc.OUs {
			if !strings.HasPrefix(ou, "ou-") {
				by = append(by, fmt.Sprintf("OU name %q", ou))
			}
		}
		if len(inc.Accounts) > 0 {
			by = append(by, "account IDs")
		}
		if len(inc.AccountNames) > 0 {
			by = append(by, "account names")
		}
		// A tags clause selects accounts wherever they sit, outside the
		// include's OUs too.
		if len(inc.Tags) > 0 {
			by = append(by, "account tags")
		}
	}
	if len(by) > 0 {
		return nil, fmt.Errorf("required: the plan's include (%s) names no OU IDs a StackSet could deploy to (%s); list the OU IDs (ou-…) that hold the planned accounts, or the organization root's ID (r-…, from `aws organizations list-roots`) for all of them",
			strings.Join(by, ", "), p.Plan.parsed.Source)
	}
	return slices.Clone(inc.OUs), nil
}

// memberRolesFor returns the member roles to deploy, without resources yet;
// nil when Props.MemberRoles is off. Props were validated.
func memberRolesFor(props Props) *MemberRoles {
	if !props.MemberRoles {
		return nil
	}
	targets, _ := props.memberRoleTargets()
	return &MemberRoles{Targets: targets}
}

// deployMemberRoles adds the StackSet (and the management account's roles
// when the plan includes it), and orders the functions and their policies
// after them: a deployment that switches to member roles (or changes them)
// reaches the functions only once the roles exist everywhere, so no step of
// a run in flight looks for a role that is not there yet.
func (c *Construct) deployMemberRoles(props Props) {
	m := c.MemberRoles
	if m == nil {
		return
	}
	roles := memberRoleSpecs(props)
	m.StackSet = c.newMemberRolesStackSet(roles)
	after := []constructs.IDependable{m.StackSet}
	if props.Plan.parsed.IncludeManagementAccount {
		principals := map[string]*string{workerRoleParameter: c.WorkerRole.RoleArn(), launchRoleParameter: c.LaunchRole.RoleArn()}
		m.ManagementProvisioner = roles[0].cfnRole(c.Construct, "ManagementProvisionerRole", principals[roles[0].trustedBy])
		m.ManagementReader = roles[1].cfnRole(c.Construct, "ManagementReaderRole", principals[roles[1].trustedBy])
		after = append(after, m.ManagementProvisioner, m.ManagementReader)
		c.suppressManagementRoleFindings(props)
	}
	for _, dependent := range []constructs.IConstruct{
		c.LaunchFunction, c.WorkerFunction,
		c.LaunchRole.Node().TryFindChild(jsii.String("DefaultPolicy")),
		c.WorkerRole.Node().TryFindChild(jsii.String("DefaultPolicy")),
	} {
		if dependent != nil {
			dependent.Node().AddDependency(after...)
		}
	}
}

// StackSet template parameters: the function roles each member role trusts.
const (
	workerRoleParameter = "WorkerRoleArn"
	launchRoleParameter = "LaunchRoleArn"
)

func (c *Construct) newMemberRolesStackSet(roles []memberRole) awscloudformation.CfnStackSet {
	return awscloudformation.NewCfnStackSet(c.Construct, jsii.String("MemberRoles"), &awscloudformation.CfnStackSetProps{
		StackSetName:    awscdk.Fn_Join(jsii.String("-"), &[]*string{awscdk.Aws_STACK_NAME(), jsii.String("MemberRoles")}),
		Description:     jsii.String("Landfall member roles: " + ProvisionerRoleName + " (the worker's, Service Catalog end-user provisioning) and " + ReaderRoleName + " (the launch function's, read-only)"),
		PermissionModel: jsii.String("SERVICE_MANAGED"),
		CallAs:          jsii.String("SELF"),
		AutoDeployment: &awscloudformation.CfnStackSet_AutoDeploymentProperty{
			Enabled:                      jsii.Bool(true),
			RetainStacksOnAccountRemoval: jsii.Bool(false),
		},
		Capabilities: jsii.Strings("CAPABILITY_NAMED_IAM"),
		// The property is untyped in the CDK (any), so a struct would be
		// written with its JSON tags ("active"): give CloudFormation's key.
		ManagedExecution: map[string]any{"Active": true},
		OperationPreferences: &awscloudformation.CfnStackSet_OperationPreferencesProperty{
			ConcurrencyMode:            jsii.String("SOFT_FAILURE_TOLERANCE"),
			FailureTolerancePercentage: jsii.Number(MemberRolesFailureTolerancePercentage),
			MaxConcurrentPercentage:    jsii.Number(MemberRolesMaxConcurrentPercentage),
		},
		Parameters: &[]any{
			&awscloudformation.CfnStackSet_ParameterProperty{ParameterKey: jsii.String(workerRoleParameter), ParameterValue: c.WorkerRole.RoleArn()},
			&awscloudformation.CfnStackSet_ParameterProperty{ParameterKey: jsii.String(launchRoleParameter), ParameterValue: c.LaunchRole.RoleArn()},
		},
		StackInstancesGroup: &[]any{&awscloudformation.CfnStackSet_StackInstancesProperty{
			DeploymentTargets: &awscloudformation.CfnStackSet_DeploymentTargetsProperty{OrganizationalUnitIds: jsii.Strings(c.MemberRoles.Targets...)},
			Regions:           &[]*string{awscdk.Aws_REGION()},
		}},
		TemplateBody: jsii.String(memberRolesTemplate(roles)),
	})
}

// memberRole is one role of the StackSet's template.
type memberRole struct {
	logicalID, name, description string
	trustedBy                    string // the template parameter naming the function role it trusts
	statements                   []memberStatement
}

// memberStatement is an Allow of exact actions on resources written after
// "arn:<partition>:", or "*".
type memberStatement struct {
	sid       string
	actions   []string
	resources []string
}

// memberRoleSpecs returns the provisioner, then the reader, scoped to the
// plan's portfolios and regions. The account part of catalog ARNs is "*":
// the portfolios and products are the management account's, shared to the
// member account, and the plan's IDs already pin them.
func memberRoleSpecs(props Props) []memberRole {
	pl := props.Plan.parsed
	var portfolios []string
	for _, p := range pl.Products {
		for _, region := range p.Regions {
			arn := "catalog:" + region + ":*:portfolio/" + p.Portfolios[region]
			if !slices.Contains(portfolios, arn) {
				portfolios = append(portfolios, arn)
			}
		}
	}
	var products []string
	for _, region := range pl.Regions {
		products = append(products, "catalog:"+region+":*:product/*")
	}
	return []memberRole{
		{
			logicalID: "Provisioner", name: ProvisionerRoleName, trustedBy: workerRoleParameter,
			description: "Landfall worker: opens the plan's portfolios and provisions, updates and terminates their products through Service Catalog (launch constraints do the CloudFormation work)",
			statements: append([]memberStatement{
				{"OpenPlanPortfolios", provisionerPortfolioActions, portfolios},
				{"LaunchPlanProducts", provisionerProductActions, products},
				{"FollowProvisionedProducts", provisionerRecordActions, []string{"*"}},
			}, optInMemberStatements(props)...), // regions.go: the plan's opt-in regions
		},
		{
			logicalID: "Reader", name: ReaderRoleName, trustedBy: launchRoleParameter,
			description: "Landfall launch function: reads products and provisioned products for dry runs and fleet status; changes nothing",
			statements: []memberStatement{
				{"DescribePlanProducts", readerProductActions, products},
				{"DescribeProvisionedProducts", readerRecordActions, []string{"*"}},
			},
		},
	}
}

// arnRenderer writes a resource given after "arn:<partition>:" in the
// template's own terms.
type arnRenderer func(rest string) any

// policy returns the role's permissions policy document.
func (r memberRole) policy(arn arnRenderer) map[string]any {
	stmts := make([]any, len(r.statements))
	for i, s := range r.statements {
		var res []any
		for _, rest := range s.resources {
			if rest == "*" {
				res = append(res, "*")
				continue
			}
			res = append(res, arn(rest))
		}
		var resource any = res
		if len(res) == 1 {
			resource = res[0]
		}
		stmts[i] = map[string]any{"Sid": s.sid, "Effect": "Allow", "Action": s.actions, "Resource": resource}
	}
	return map[string]any{"Version": "2012-10-17", "Statement": stmts}
}

// trust returns the role's trust policy: only the one function role.
func trust(principal any) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Sid": "OnlyTheLandfallFunction", "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"AWS": principal},
	}}}
}

// policyName names each role's one inline policy.
const policyName = "ServiceCatalogEndUser"

// memberRolesTemplate is the StackSet's template body, as JSON.
func memberRolesTemplate(roles []memberRole) string {
	sub := func(rest string) any { return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:" + rest} }
	resources := map[string]any{}
	for _, r := range roles {
		resources[r.logicalID] = map[string]any{
			"Type": "AWS::IAM::Role",
			"Properties": map[string]any{
				"RoleName":                 r.name,
				"Description":              r.description,
				"AssumeRolePolicyDocument": trust(map[string]any{"Ref": r.trustedBy}),
				"Policies":                 []any{map[string]any{"PolicyName": policyName, "PolicyDocument": r.policy(sub)}},
			},
		}
	}
	param := func(fn string) map[string]any {
		return map[string]any{
			"Type":           "String",
			"Description":    "ARN of the Landfall " + fn + " function's role in the management account: the only principal the role trusts",
			"AllowedPattern": `^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`,
		}
	}
	doc, err := json.Marshal(map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "Landfall member roles, deployed by the Landfall stack's StackSet: change them there",
		"Parameters":               map[string]any{workerRoleParameter: param("worker"), launchRoleParameter: param("launch")},
		"Resources":                resources,
	})
	if err != nil {
		panic(fmt.Sprintf("member roles template: %v", err)) // maps of strings always marshal
	}
	return string(doc)
}

// cfnRole makes the role in this stack (the management account), trusting
// principal, with the same policy as the StackSet's copy.
func (r memberRole) cfnRole(scope constructs.Construct, id string, principal *string) awsiam.CfnRole {
	join := func(rest string) any {
		return awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":" + rest)})
	}
	return awsiam.NewCfnRole(scope, jsii.String(id), &awsiam.CfnRoleProps{
		RoleName:                 jsii.String(r.name),
		Description:              jsii.String(r.description),
		AssumeRolePolicyDocument: trust(principal),
		Policies: &[]any{&awsiam.CfnRole_PolicyProperty{
			PolicyName:     jsii.String(policyName),
			PolicyDocument: r.policy(join),
		}},
	})
}

// suppressManagementRoleFindings explains the wildcards of the management
// account's copies of the member roles (the StackSet's copies are in a
// template body cdk-nag does not read; the reasons are the same).
func (c *Construct) suppressManagementRoleFindings(props Props) {
	products := []any{"Resource::*"}
	for _, region := range props.Plan.parsed.Regions {
		products = append(products, "Resource::arn:<AWS::Partition>:catalog:"+region+":*:product/*")
	}
	reason := "Service Catalog end-user calls Landfall makes, each action named: DescribeProvisionedProduct, DescribeRecord, UpdateProvisionedProduct and " +
		"TerminateProvisionedProduct accept only \"*\" (no resource type in the Service Authorization Reference); DescribeProduct and ProvisionProduct " +
		"reach products in the plan's regions only, whose IDs are resolved at run time within the plan's portfolios. A launch constraint's role does the CloudFormation work."
	var portfolios []any
	for _, arn := range memberRoleSpecs(props)[0].statements[0].resources {
		portfolios = append(portfolios, "Resource::arn:<AWS::Partition>:"+arn)
	}
	inline := jsii.String("The role's one policy is written for this role alone and must stay identical to the member accounts' copy in the StackSet's template: " +
		"inline, it lives and dies with the role, and no other principal can be given it by attaching it.")
	for _, role := range []awsiam.CfnRole{c.MemberRoles.ManagementProvisioner, c.MemberRoles.ManagementReader} {
		cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{
			{Id: jsii.String("AwsSolutions-IAM5"), Reason: jsii.String(reason), AppliesTo: &products},
			{Id: jsii.String("NIST.800.53.R5-IAMNoInlinePolicy"), Reason: inline},
			{Id: jsii.String("HIPAA.Security-IAMNoInlinePolicy"), Reason: inline},
			{Id: jsii.String("PCI.DSS.321-IAMNoInlinePolicy"), Reason: inline},
		}, nil)
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c.MemberRoles.ManagementProvisioner, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("The plan's portfolios, each named by ID and region; the account part is \"*\" because the same statement serves member accounts, " +
			"where the portfolios are shares from this account, and a portfolio ID names one portfolio."),
		AppliesTo: &portfolios,
	}}, nil)
	c.optInMemberSuppression(props) // regions.go
}
