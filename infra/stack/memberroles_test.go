package stack

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cloudformationinclude"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/infra/landfall"
	"github.com/landfall/landfall/internal/plan"
)

// The member roles (landfall:memberRoles): a StackSet whose template holds
// LandfallProvisioner and LandfallReader, and the functions assuming them.

// buildValidated builds with the CDK's CloudFormation schema validation as
// errors: the StackSet's properties are untyped in the CDK (a Go struct
// there is written with its JSON tags), so only the schema catches a
// property CloudFormation would refuse. jsii reports the failure by
// panicking; it comes back as the error.
func buildValidated(ctx map[string]any) (s *synthesized, err error) {
	ctx["@aws-cdk/core:validateAgainstDefaultRules"] = true
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("synth failed CloudFormation validation: %v", r)
		}
	}()
	return build(ctx)
}

// memberRolesFor is the default stack with member roles deployed to the
// organization root (the example plan selects every account).
var memberRolesFor = stackVariant("with member roles", func() (*synthesized, error) {
	return buildValidated(withContext(map[string]any{"landfall:memberRoles": true, "landfall:memberRoleTargets": []any{"r-ab12"}}))
})

// examplePlanFile writes the example plan with edits to a file of its own.
func examplePlanFile(t *testing.T, edit func(string) string) string {
	t.Helper()
	path := filepath.Join(tempDir("landfall-plan-"), "plan.yaml")
	if err := os.WriteFile(path, []byte(edit(string(plan.Example()))), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// templateBody decodes the StackSet's template body.
func templateBody(t *testing.T, stackSet map[string]any) map[string]any {
	t.Helper()
	body, ok := stackSet["TemplateBody"].(string)
	if !ok {
		t.Fatalf("TemplateBody is %T, want the template as a JSON string", stackSet["TemplateBody"])
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("TemplateBody is not JSON: %v", err)
	}
	return doc
}

func sub(arn string) map[string]any { return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:" + arn} }

// wantMemberRoles is the exact template body for the example plan.
func wantMemberRoles() map[string]any {
	products := []any{sub("catalog:us-east-1:*:product/*"), sub("catalog:us-west-2:*:product/*"), sub("catalog:us-west-1:*:product/*")}
	role := func(name, description, trustedBy string, stmts ...any) map[string]any {
		return map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{
			"RoleName":    name,
			"Description": description,
			"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Sid": "OnlyTheLandfallFunction", "Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"AWS": map[string]any{"Ref": trustedBy}},
			}}},
			"Policies": []any{map[string]any{"PolicyName": "ServiceCatalogEndUser", "PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": stmts}}},
		}}
	}
	allow := func(sid string, actions []string, resource any) map[string]any {
		return map[string]any{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resource}
	}
	param := func(fn string) map[string]any {
		return map[string]any{
			"Type":           "String",
			"Description":    "ARN of the Landfall " + fn + " function's role in the management account: the only principal the role trusts",
			"AllowedPattern": `^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`,
		}
	}
	return map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "Landfall member roles, deployed by the Landfall stack's StackSet: change them there",
		"Parameters":               map[string]any{"WorkerRoleArn": param("worker"), "LaunchRoleArn": param("launch")},
		"Resources": map[string]any{
			"Provisioner": role("LandfallProvisioner",
				"Landfall worker: opens the plan's portfolios and provisions, updates and terminates their products through Service Catalog (launch constraints do the CloudFormation work)",
				"WorkerRoleArn",
				allow("OpenPlanPortfolios", []string{"servicecatalog:AcceptPortfolioShare", "servicecatalog:AssociatePrincipalWithPortfolio"}, []any{
					sub("catalog:us-east-1:*:portfolio/port-ue1baseline0"), sub("catalog:us-west-2:*:portfolio/port-uw2baseline0"), sub("catalog:us-west-1:*:portfolio/port-uw1baseline0"),
				}),
				allow("LaunchPlanProducts", []string{"servicecatalog:DescribeProduct", "servicecatalog:ProvisionProduct"}, products),
				allow("FollowProvisionedProducts", []string{
					"servicecatalog:DescribeProvisionedProduct", "servicecatalog:DescribeRecord", "servicecatalog:SearchProvisionedProducts",
					"servicecatalog:TerminateProvisionedProduct", "servicecatalog:UpdateProvisionedProduct",
				}, "*"),
			),
			"Reader": role("LandfallReader",
				"Landfall launch function: reads products and provisioned products for dry runs and fleet status; changes nothing",
				"LaunchRoleArn",
				allow("DescribePlanProducts", []string{"servicecatalog:DescribeProduct"}, products),
				allow("DescribeProvisionedProducts", []string{"servicecatalog:DescribeProvisionedProduct", "servicecatalog:SearchProvisionedProducts"}, "*"),
			),
		},
	}
}

func TestMemberRolesStackSet(t *testing.T) {
	s := memberRolesFor(t)
	p := maps.Clone(s.props(t, "MemberRoles")) // the template is shared
	equalJSON(t, "member role template", templateBody(t, p), wantMemberRoles())
	delete(p, "TemplateBody")
	equalJSON(t, "StackSet", p, map[string]any{
		"StackSetName":     map[string]any{"Fn::Join": []any{"-", []any{pseudo("AWS::StackName"), "MemberRoles"}}},
		"Description":      "Landfall member roles: LandfallProvisioner (the worker's, Service Catalog end-user provisioning) and LandfallReader (the launch function's, read-only)",
		"PermissionModel":  "SERVICE_MANAGED",
		"CallAs":           "SELF",
		"AutoDeployment":   map[string]any{"Enabled": true, "RetainStacksOnAccountRemoval": false},
		"Capabilities":     []string{"CAPABILITY_NAMED_IAM"},
		"ManagedExecution": map[string]any{"Active": true},
		"OperationPreferences": map[string]any{
			"ConcurrencyMode": "SOFT_FAILURE_TOLERANCE", "FailureTolerancePercentage": 10, "MaxConcurrentPercentage": 25,
		},
		"Parameters": []any{
			map[string]any{"ParameterKey": "WorkerRoleArn", "ParameterValue": s.getAtt(t, "WorkerRole", "Arn")},
			map[string]any{"ParameterKey": "LaunchRoleArn", "ParameterValue": s.getAtt(t, "LaunchRole", "Arn")},
		},
		"StackInstancesGroup": []any{map[string]any{
			"DeploymentTargets": map[string]any{"OrganizationalUnitIds": []string{"r-ab12"}},
			"Regions":           []any{pseudo("AWS::Region")},
		}},
	})
	// The example plan leaves the management account out: no roles there.
	for _, r := range s.resourcesOf("AWS::IAM::Role") {
		if name, _ := r["Properties"].(map[string]any)["RoleName"].(string); strings.HasPrefix(name, "Landfall") {
			t.Errorf("role %s made in the management account, which the plan leaves out", name)
		}
	}
	assert(t, "one StackSet", func() { s.template.ResourceCountIs(jsii.String("AWS::CloudFormation::StackSet"), jsii.Number(1)) })
}

// TestMemberRolesTemplateIsValid loads the StackSet's template body the way
// CloudFormation would read it, as a template of its own, under the CDK's
// CloudFormation schema validation: a property IAM would refuse fails here.
func TestMemberRolesTemplateIsValid(t *testing.T) {
	s := memberRolesFor(t)
	path := filepath.Join(tempDir("landfall-member-template-"), "member-roles.json")
	if err := os.WriteFile(path, []byte(s.props(t, "MemberRoles")["TemplateBody"].(string)), 0o644); err != nil {
		t.Fatal(err)
	}
	app := awscdk.NewApp(&awscdk.AppProps{
		Outdir:  jsii.String(tempDir("landfall-member-cdkout-")),
		Context: &map[string]any{"@aws-cdk/core:validateAgainstDefaultRules": true},
	})
	member := awscdk.NewStack(app, jsii.String("MemberAccount"), &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("222222222222"), Region: jsii.String("us-east-1")}})
	var tmpl assertions.Template
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("the template body does not load as a valid template: %v", r)
			}
		}()
		cloudformationinclude.NewCfnInclude(member, jsii.String("MemberRoles"), &cloudformationinclude.CfnIncludeProps{
			TemplateFile: jsii.String(path),
			Parameters: &map[string]any{
				"WorkerRoleArn": "arn:aws:iam::111111111111:role/Landfall-WorkerRole",
				"LaunchRoleArn": "arn:aws:iam::111111111111:role/Landfall-LaunchRole",
			},
		})
		tmpl = assertions.Template_FromStack(member, nil)
	}()
	assert(t, "two roles", func() { tmpl.ResourceCountIs(jsii.String("AWS::IAM::Role"), jsii.Number(2)) })
	assert(t, "the provisioner trusts the worker's role", func() {
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), assertions.Match_ObjectLike(&map[string]any{
			"RoleName": "LandfallProvisioner",
			"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{
				"Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:role/Landfall-WorkerRole"},
			}}},
		}))
	})
}

// TestMemberRolesFunctions checks that each function assumes only its own
// member role: the launch function never holds a role that can change
// anything.
func TestMemberRolesFunctions(t *testing.T) {
	s := memberRolesFor(t)
	stackSetID, _ := s.resource(t, "MemberRoles")
	for _, tt := range []struct{ fn, role, assumes, other string }{
		{"LaunchFunction", "LaunchRole", "LandfallReader", "LandfallProvisioner"},
		{"WorkerFunction", "WorkerRole", "LandfallProvisioner", "LandfallReader"},
	} {
		t.Run(tt.fn, func(t *testing.T) {
			env := s.props(t, tt.fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
			if env["LANDFALL_EXECUTION_ROLE_NAME"] != tt.assumes {
				t.Errorf("LANDFALL_EXECUTION_ROLE_NAME = %v, want %s", env["LANDFALL_EXECUTION_ROLE_NAME"], tt.assumes)
			}
			doc := s.props(t, tt.role+"/DefaultPolicy")["PolicyDocument"].(map[string]any)
			var assume []any
			for _, st := range doc["Statement"].([]any) {
				if strings.Contains(jsonOf(st), "sts:AssumeRole") {
					assume = append(assume, st)
				}
			}
			want := assumeStatement("${aws:PrincipalOrgID}")
			want["Resource"] = join("arn:", pseudo("AWS::Partition"), ":iam::*:role/"+tt.assumes)
			equalJSON(t, tt.role+" assume statements", assume, []any{want})
			for _, never := range []string{tt.other, "AWSControlTowerExecution"} {
				if strings.Contains(jsonOf(doc), never) {
					t.Errorf("%s's policy names %s", tt.role, never)
				}
			}
			// A deployment reaches the function, and its new policy, only
			// once the roles exist in the member accounts.
			for _, path := range []string{tt.fn, tt.role + "/DefaultPolicy"} {
				_, body := s.resource(t, path)
				deps, _ := body["DependsOn"].([]any)
				if !slices.Contains(deps, any(stackSetID)) {
					t.Errorf("%s does not depend on the StackSet %s: DependsOn %v", path, stackSetID, deps)
				}
			}
		})
	}
	if launch, worker := s.stack.Landfall.AssumedRoleNames(); launch != "LandfallReader" || worker != "LandfallProvisioner" {
		t.Errorf("AssumedRoleNames = %s, %s", launch, worker)
	}
	noNagFindings(t, s)
}

// TestMemberRolesInManagementAccount: a plan that includes the management
// account gets the two roles made in this stack (StackSets never deploy
// there), with the StackSet's policies; a plan that selects OU IDs gives the
// StackSet its targets.
func TestMemberRolesInManagementAccount(t *testing.T) {
	ctx := cdkJSONContext()
	ctx["landfall:memberRoles"] = true
	ctx["landfall:planFile"] = examplePlanFile(t, func(doc string) string {
		return strings.Replace(doc, "includeManagementAccount: false", "includeManagementAccount: true", 1) +
			"\ninclude:\n  ous: [ou-ab12-l3zc8b3h, ou-ab12-w0rkl0ad]\n"
	})
	s, err := buildValidated(ctx)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	stackSet := s.props(t, "MemberRoles")
	equalJSON(t, "targets from the plan's include.ous", stackSet["StackInstancesGroup"], []any{map[string]any{
		"DeploymentTargets": map[string]any{"OrganizationalUnitIds": []string{"ou-ab12-l3zc8b3h", "ou-ab12-w0rkl0ad"}},
		"Regions":           []any{pseudo("AWS::Region")},
	}})
	body := templateBody(t, stackSet)["Resources"].(map[string]any)
	stackSetID, _ := s.resource(t, "MemberRoles")
	for _, tt := range []struct{ path, inTemplate, trusted string }{
		{"ManagementProvisionerRole", "Provisioner", "WorkerRole"},
		{"ManagementReaderRole", "Reader", "LaunchRole"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			id, _ := s.resource(t, tt.path)
			// The StackSet's copy, with the management account's principal
			// and Fn::Join for Fn::Sub, is exactly the local one.
			want := asManagementRole(body[tt.inTemplate].(map[string]any)["Properties"].(map[string]any), s.getAtt(t, tt.trusted, "Arn"))
			equalJSON(t, tt.path, s.props(t, tt.path), want)
			for _, fn := range []string{"LaunchFunction", "WorkerFunction"} {
				_, fnBody := s.resource(t, fn)
				if deps, _ := fnBody["DependsOn"].([]any); !slices.Contains(deps, any(id)) || !slices.Contains(deps, any(stackSetID)) {
					t.Errorf("%s does not depend on %s and the StackSet: DependsOn %v", fn, id, deps)
				}
			}
		})
	}
	noNagFindings(t, s)
}

// noNagFindings fails on any unsuppressed cdk-nag error or warning, of
// whichever packs the stack applies.
func noNagFindings(t *testing.T, s *synthesized) {
	t.Helper()
	packs := assertions.Match_StringLikeRegexp(jsii.String(`(AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security|PCI\.DSS\.321|Serverless)-`))
	for _, m := range append(*s.annotations.FindError(jsii.String("*"), packs), *s.annotations.FindWarning(jsii.String("*"), packs)...) {
		t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
	}
}

// asManagementRole rewrites a role of the StackSet's template into what the
// same role is in this stack: trusting principal, ARNs joined with the
// stack's partition.
func asManagementRole(props map[string]any, principal any) map[string]any {
	var rewrite func(v any) any
	rewrite = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["Fn::Sub"].(string); ok && len(x) == 1 {
				return join("arn:", pseudo("AWS::Partition"), ":"+strings.TrimPrefix(s, "arn:${AWS::Partition}:"))
			}
			if _, ok := x["Ref"]; ok && len(x) == 1 {
				return principal
			}
			out := map[string]any{}
			for k, e := range x {
				out[k] = rewrite(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = rewrite(e)
			}
			return out
		}
		return v
	}
	return rewrite(props).(map[string]any)
}

func TestMemberRolesRefused(t *testing.T) {
	tests := []struct {
		name string
		set  map[string]any
		plan func(string) string
		want string
	}{
		{"every account and no targets", map[string]any{"landfall:memberRoles": true}, nil,
			"landfall:memberRoleTargets: required: the plan's include (none: it selects every account) names no OU IDs a StackSet could deploy to"},
		{"OUs by name and accounts by ID", map[string]any{"landfall:memberRoles": "true"},
			func(doc string) string {
				return doc + "\ninclude:\n  ous: [Custom, ou-ab12-w0rkl0ad]\n  accounts: [\"222222222222\"]\n"
			},
			`landfall:memberRoleTargets: required: the plan's include (OU name "Custom", account IDs) names no OU IDs`},
		{"OUs by ID and accounts by tag", map[string]any{"landfall:memberRoles": true},
			func(doc string) string {
				return doc + "\ninclude:\n  ous: [ou-ab12-w0rkl0ad]\n  tags: {environment: prod}\n"
			},
			`landfall:memberRoleTargets: required: the plan's include (account tags) names no OU IDs`},
		{"a target by name", map[string]any{"landfall:memberRoles": true, "landfall:memberRoleTargets": "Custom"}, nil,
			`landfall:memberRoleTargets: [0]: "Custom" is not an OU ID (ou-xxxx-xxxxxxxx) or root ID (r-xxxx)`},
		{"not a boolean", map[string]any{"landfall:memberRoles": float64(1)}, nil,
			"landfall:memberRoles: got number 1: want true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := cdkJSONContext()
			for k, v := range tt.set {
				ctx[k] = v
			}
			if tt.plan != nil {
				ctx["landfall:planFile"] = examplePlanFile(t, tt.plan)
			}
			_, err := build(ctx)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Build: got %v, want an error with %q", err, tt.want)
			}
		})
	}
	launch, worker := codeDirs()
	err := landfall.Props{Plan: examplePlan(t), LaunchCodeDir: launch, WorkerCodeDir: worker, MemberRoleTargets: []string{"r-ab12"}}.Validate()
	var fe *landfall.FieldError
	if !errors.As(err, &fe) || fe.Field != "MemberRoleTargets" {
		t.Errorf("targets without MemberRoles: got %v, want a MemberRoleTargets field error", err)
	}
}

// TestNoMemberRolesByDefault: without the flag the stack is as before, both
// functions assuming the plan's execution role.
func TestNoMemberRolesByDefault(t *testing.T) {
	s := stackFor(t)
	if n := len(s.resourcesOf("AWS::CloudFormation::StackSet")); n != 0 {
		t.Errorf("%d StackSets without landfall:memberRoles", n)
	}
	if s.stack.Landfall.MemberRoles != nil {
		t.Error("MemberRoles is set without landfall:memberRoles")
	}
	if launch, worker := s.stack.Landfall.AssumedRoleNames(); launch != "AWSControlTowerExecution" || worker != launch {
		t.Errorf("AssumedRoleNames = %s, %s; want the plan's role for both", launch, worker)
	}
	for _, r := range s.resourcesOf("AWS::IAM::Role") {
		if name, _ := r["Properties"].(map[string]any)["RoleName"].(string); strings.HasPrefix(name, "Landfall") {
			t.Errorf("role %s made without landfall:memberRoles", name)
		}
	}
}
