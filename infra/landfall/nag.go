package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// suppressNagFindings records, on the resources themselves, why each cdk-nag
// AwsSolutions finding Landfall accepts is acceptable. Each suppression names
// the exact finding (appliesTo) so that any new wildcard is still reported.
// They travel with the construct, so embedding apps that run cdk-nag see the
// same reasons.
func (c *Construct) suppressNagFindings() {
	c.suppressPackFindings()
	for _, q := range []struct {
		queue interface{}
		role  string
	}{
		{c.EventDeadLetterQueue, "the EventBridge rule target's dead-letter queue (events EventBridge could not deliver to the launch function)"},
		{c.LaunchFailureQueue, "the launch function's asynchronous on-failure destination (events the function failed on after Lambda's retries)"},
	} {
		cdknag.NagSuppressions_AddResourceSuppressions(q.queue, &[]*cdknag.NagPackSuppression{{
			Id: jsii.String("AwsSolutions-SQS3"),
			Reason: jsii.String("This queue is itself a dead-letter queue: " + q.role +
				". cdk-nag only recognises queues named in another queue's redrive policy; a dead-letter queue of its own would only move the same messages again, and the queue's alarm already reports any message in it."),
		}}, nil)
	}

	assumeLaunch, assumeWorker := c.AssumedRoleNames()
	cdknag.NagSuppressions_AddResourceSuppressions(c.LaunchRole, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("Organizations read actions only, each named (no wildcard actions): ListRoots and ListAccounts accept only \"*\"; " +
			"DescribeAccount, DescribeOrganizationalUnit, ListParents, ListChildren, ListOrganizationalUnitsForParent and ListAccountsForParent must reach accounts and OUs created after deployment, so their ARNs cannot be listed. " +
			"Called from the management account, Organizations reads only this organization, so \"*\" reaches nothing outside it."),
		AppliesTo: &[]interface{}{"Resource::*"},
	}}, jsii.Bool(true))
	cdknag.NagSuppressions_AddResourceSuppressions(c.LaunchRole, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("organizations:ListTagsForResource on the accounts of this organization only (ARNs under this management account, of resource type account): " +
			"accounts are created after deployment and the organization ID is not known at synth, so neither can be listed; no OU, root or policy is reachable."),
		AppliesTo: &[]interface{}{"Resource::arn:<AWS::Partition>:organizations::<AWS::AccountId>:account/o-*/*"},
	}}, jsii.Bool(true))
	cdknag.NagSuppressions_AddResourceSuppressions(c.WorkerRole, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("Organizations membership reads only: ListAccounts accepts only \"*\", and DescribeAccount must reach accounts created after deployment. " +
			"Called from the management account, Organizations reads only this organization, so \"*\" reaches nothing outside it."),
		AppliesTo: &[]interface{}{"Resource::*"},
	}}, jsii.Bool(true))
	var products []interface{}
	for _, region := range c.planRegions {
		products = append(products, "Resource::arn:<AWS::Partition>:catalog:"+region+":<AWS::AccountId>:product/*")
	}
	for _, r := range []struct {
		role    awsiam.Role
		assumes string
	}{{c.LaunchRole, assumeLaunch}, {c.WorkerRole, assumeWorker}} {
		cdknag.NagSuppressions_AddResourceSuppressions(r.role, &[]*cdknag.NagPackSuppression{{
			Id: jsii.String("AwsSolutions-IAM5"),
			Reason: jsii.String("Service Catalog admin reads of the products in the plan's portfolios, in this account and the plan's regions only: " +
				"product IDs are not known at synth (the preflight resolves them within the plan's portfolios, which are named exactly)."),
			AppliesTo: &products,
		}}, jsii.Bool(true))
		cdknag.NagSuppressions_AddResourceSuppressions(r.role, &[]*cdknag.NagPackSuppression{
			{
				Id: jsii.String("AwsSolutions-IAM5"),
				Reason: jsii.String("sts:AssumeRole on the " + r.assumes +
					" role in every account: member accounts are created after deployment, so the account part of the ARN cannot be listed. The statement's aws:ResourceOrgID condition limits it to roles in this organization."),
				AppliesTo: &[]interface{}{"Resource::arn:<AWS::Partition>:iam::*:role/" + r.assumes},
			},
		}, jsii.Bool(true))
	}
}
