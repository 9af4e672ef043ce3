package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Actions the functions call, by service. Each list is exactly what the code
// calls (no wildcards), so a new API call needs a visible change here.
var (
	// launchOrganizationsActions: the launch function resolves accounts, OUs
	// and their paths, walks OUs for backfills, and indexes every OU and
	// account to check the plan's selectors (internal/preflight).
	launchOrganizationsActions = []string{
		"organizations:DescribeAccount",
		"organizations:DescribeOrganizationalUnit",
		"organizations:ListAccounts",
		"organizations:ListAccountsForParent",
		"organizations:ListChildren",
		"organizations:ListOrganizationalUnitsForParent",
		"organizations:ListParents",
		"organizations:ListRoots",
	}
	// launchAccountTagActions: for plans that select accounts by tag or
	// render .Account.Tags, the launch function reads each account's tags
	// (internal/directory), on the account resources of this organization
	// only (organizationAccounts).
	launchAccountTagActions = []string{"organizations:ListTagsForResource"}
	// workerOrganizationsActions: before assuming any role the worker checks
	// that the run's account is an active member (internal/membership): a
	// listing, and a look-up for an account that joined since.
	workerOrganizationsActions = []string{
		"organizations:DescribeAccount",
		"organizations:ListAccounts",
	}
	// planCatalogActions: both functions check the plan against the
	// management account's catalog and resolve each product's ID within the
	// plan's portfolio (internal/preflight) before acting on it.
	planCatalogActions = []string{
		"servicecatalog:DescribePortfolio",
		"servicecatalog:DescribePortfolioShares",
		"servicecatalog:DescribeProvisioningArtifact",
		"servicecatalog:ListProvisioningArtifacts",
		"servicecatalog:SearchProductsAsAdmin",
	}
	// kmsForSNSAndSQS is what a principal needs to publish to an encrypted
	// topic or queue (GenerateDataKey) and to read from an encrypted queue
	// or reuse a cached data key (Decrypt). Its Decrypt is also what
	// DynamoDB asks KMS for as the caller when a function reads or writes
	// the ledger (ledgerKeyStatement).
	kmsForSNSAndSQS = []string{"kms:Decrypt", "kms:GenerateDataKey"}
	// ledgerItemActions: both functions read a run strongly consistent
	// (GetItem), create it once per trigger (PutItem: the launch function's
	// Create, the worker's Adopt of a run the ledger has lost) and update it
	// conditionally (UpdateItem: every step, claim, summary, cancellation,
	// request audit and observed duration). Nothing deletes, scans or
	// batches: TTL retires items.
	ledgerItemActions = []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
	// ledgerQueryActions: the launch function lists runs ({"runs": ...})
	// with a Query on one of the ledger's indexes, never on the table; the
	// worker reads the observed provisioning durations (the DURATIONS
	// partition) with a Query on the table, never on an index.
	ledgerQueryActions = []string{"dynamodb:Query"}
	// kmsForDynamoDB is the least DynamoDB's documentation requires of a
	// customer managed key (kms:Encrypt, kms:Decrypt, kms:ReEncrypt*,
	// kms:GenerateDataKey*, kms:DescribeKey, kms:CreateGrant), with the
	// wildcards spelled out.
	kmsForDynamoDB = []string{
		"kms:CreateGrant",
		"kms:Decrypt",
		"kms:DescribeKey",
		"kms:Encrypt",
		"kms:GenerateDataKey",
		"kms:GenerateDataKeyWithoutPlaintext",
		"kms:ReEncryptFrom",
		"kms:ReEncryptTo",
	}
	// workQueueConsumerActions are what Lambda's SQS poller calls with the
	// worker's role (the AWSLambdaSQSQueueExecutionRole set): it validates
	// the queue when the mapping is created, then receives and deletes.
	workQueueConsumerActions = []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
	// keyAdministrationActions keep the key manageable by the account (and
	// by CloudFormation) without the usual "kms:*": reading, tagging,
	// rotating, re-policying, disabling and scheduling deletion, and
	// listing and revoking the grant DynamoDB holds for the ledger (AWS's
	// example key policy for DynamoDB gives administrators both).
	keyAdministrationActions = []string{
		"kms:CancelKeyDeletion",
		"kms:DescribeKey",
		"kms:DisableKey",
		"kms:DisableKeyRotation",
		"kms:EnableKey",
		"kms:EnableKeyRotation",
		"kms:GetKeyPolicy",
		"kms:GetKeyRotationStatus",
		"kms:ListGrants",
		"kms:ListResourceTags",
		"kms:PutKeyPolicy",
		"kms:RevokeGrant",
		"kms:ScheduleKeyDeletion",
		"kms:TagResource",
		"kms:UntagResource",
		"kms:UpdateKeyDescription",
	}
)

// arn builds arn:<partition>:<service>:<region>:<account>:<resource> for this stack.
func arn(service, resource string) *string {
	return arnIn(service, awscdk.Aws_REGION(), resource)
}

// arnIn builds arn:<partition>:<service>:<region>:<this account>:<resource>.
func arnIn(service string, region *string, resource string) *string {
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("arn:"), awscdk.Aws_PARTITION(),
		jsii.String(":" + service + ":"), region,
		jsii.String(":"), awscdk.Aws_ACCOUNT_ID(),
		jsii.String(":" + resource),
	})
}

// organizationAccounts is every account of the organization this stack's
// account manages, as ListTagsForResource names them:
// arn:<partition>:organizations::<management account>:account/o-*/*. The
// Service Authorization Reference gives the action the account, OU, root,
// policy and resource policy resource types; Landfall reads accounts' tags
// only, and the organization's ID is not known at synth (o-*). The
// management account part keeps it to this organization.
func organizationAccounts() *string {
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("arn:"), awscdk.Aws_PARTITION(),
		jsii.String(":organizations::"), awscdk.Aws_ACCOUNT_ID(),
		jsii.String(":account/o-*/*"),
	})
}

// keyPolicy is the CMK's whole policy (CDK's default "kms:*" for the account
// is replaced, not extended). Services that encrypt with the key as
// themselves are each limited to the resources of this stack they act for,
// named by the physical names fixed at synth (see physicalNames).
func (c *Construct) keyPolicy(props Props) awsiam.PolicyDocument {
	account := awsiam.NewAccountRootPrincipal()
	statements := []awsiam.PolicyStatement{
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("KeyAdministration"),
			Principals: &[]awsiam.IPrincipal{account},
			Actions:    jsii.Strings(keyAdministrationActions...),
			Resources:  jsii.Strings("*"),
		}),
		// The account's IAM policies (the function roles, operators
		// reading a dead-letter queue) may use the key, but only through
		// SNS and SQS in this region.
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("UseThroughSNSAndSQS"),
			Principals: &[]awsiam.IPrincipal{account},
			Actions:    jsii.Strings(kmsForSNSAndSQS...),
			Resources:  jsii.Strings("*"),
			Conditions: &map[string]any{
				"StringEquals": map[string]any{"kms:ViaService": []*string{regional("sns"), regional("sqs")}},
			},
		}),
		ledgerKeyStatement(),
		// EventBridge writes undeliverable events to the encrypted
		// dead-letter queue as itself, for the lifecycle rule only.
		servicePolicy("EventBridgeDeadLetters", "events.amazonaws.com", kmsForSNSAndSQS, map[string]any{
			"ArnEquals": map[string]any{"aws:SourceArn": c.names.ruleARN()},
		}),
		// CloudWatch publishes alarms to the encrypted alarm topic as itself.
		servicePolicy("CloudWatchAlarms", "cloudwatch.amazonaws.com", kmsForSNSAndSQS, map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()},
		}),
	}
	if !props.UnencryptedLogs {
		statements = append(statements, c.logsKeyStatement())
	}
	if props.LaunchDataEvents {
		statements = append(statements, c.trailKeyStatements()...)
	}
	return awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &statements})
}

// ledgerKeyStatement lets the account's principals use the key through
// DynamoDB in this region, and nowhere else, for the run ledger. DynamoDB
// calls KMS on behalf of whoever calls DynamoDB, so what each principal
// may do still takes its own IAM policy:
//
//   - Creating the table (CloudFormation, as the deploying role) makes
//     DynamoDB call DescribeKey, CreateGrant and GenerateDataKey as that
//     role: the grant, limited to the table's encryption context, lets
//     DynamoDB itself use the key for its background maintenance and
//     continuous data protection of the table from then on.
//   - Reading or writing items does not: DynamoDB encrypts with a table key
//     it keeps, and decrypts that table key with a Decrypt call it makes as
//     the caller (AWS's documentation: the Decrypt event's user "is the
//     principal in your AWS account who is accessing the table"), on a
//     connection's first use and again after five minutes without one. A
//     function's role therefore needs kms:Decrypt on the key, which
//     EncryptMessages already grants it. The table's grant does not cover
//     callers; the table key itself is generated by DynamoDB as itself.
//
// The actions are DynamoDB's documented minimum (kmsForDynamoDB); the
// condition is the one AWS's own key for DynamoDB (aws/dynamodb) uses, the
// service in this region (no global tables here). The statement cannot name
// the table: its name is CloudFormation's to choose (see ledger.go), so the
// encryption context (aws:dynamodb:tableName) is not pinned.
func ledgerKeyStatement() awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("UseThroughDynamoDB"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewAccountRootPrincipal()},
		Actions:    jsii.Strings(kmsForDynamoDB...),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"kms:ViaService": regional("dynamodb")},
		},
	})
}

// kmsForCloudWatchLogs spells out the actions CloudWatch Logs' documented
// key policy grants with wildcards (kms:Encrypt*, kms:Decrypt*,
// kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*): the same grant, with
// no wildcard action in the template.
var kmsForCloudWatchLogs = []string{
	"kms:Decrypt",
	"kms:DescribeKey",
	"kms:Encrypt",
	"kms:GenerateDataKey",
	"kms:GenerateDataKeyPair",
	"kms:GenerateDataKeyPairWithoutPlaintext",
	"kms:GenerateDataKeyWithoutPlaintext",
	"kms:ReEncryptFrom",
	"kms:ReEncryptTo",
}

// logsKeyStatement lets CloudWatch Logs (its regional service principal)
// encrypt and decrypt the two function log groups, and no other: the
// encryption context names the log group (CloudWatch Logs' documented
// condition, kms:EncryptionContext:aws:logs:arn).
func (c *Construct) logsKeyStatement() awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchLogsFunctionLogs"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(regional("logs"), nil)},
		Actions:    jsii.Strings(kmsForCloudWatchLogs...),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{
			"ArnEquals": map[string]any{"kms:EncryptionContext:aws:logs:arn": []*string{
				logGroupARN(c.names.launchLogs), logGroupARN(c.names.workerLogs),
			}},
		},
	})
}

// servicePolicy lets an AWS service principal use the key under conditions.
func servicePolicy(sid, service string, actions []string, conditions map[string]any) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String(sid),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String(service), nil)},
		Actions:    jsii.Strings(actions...),
		Resources:  jsii.Strings("*"),
		Conditions: &conditions,
	})
}

// regional is <service>.<this region>.amazonaws.com.
func regional(service string) *string {
	return awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String(service + "."), awscdk.Aws_REGION(), jsii.String(".amazonaws.com")})
}

func newFunctionRole(scope constructs.Construct, id, description string) awsiam.Role {
	return awsiam.NewRole(scope, jsii.String(id), &awsiam.RoleProps{
		Description: jsii.String(description),
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
}

// assumeExecutionRole lets a function assume roleName (the execution role,
// or with member roles its own one) in any
// account of the organization: accounts are created after deployment, so
// the account cannot be named, and the organization condition keeps the
// wildcard inside it.
func (c *Construct) assumeExecutionRole(props Props, roleName string) awsiam.PolicyStatement {
	org := "${aws:PrincipalOrgID}"
	if props.OrganizationID != "" {
		org = props.OrganizationID
	}
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("AssumeExecutionRoleInOrganization"),
		Actions: jsii.Strings("sts:AssumeRole"),
		Resources: &[]*string{awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":iam::*:role/" + roleName),
		})},
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:ResourceOrgID": org},
		},
	})
}

// readPlanCatalog lets a function read the plan's portfolios and the
// products in them, in the management account, in the plan's regions only.
func readPlanCatalog(props Props) awsiam.PolicyStatement {
	pl := props.Plan.parsed
	var resources []*string
	seen := map[string]bool{}
	add := func(r *string, key string) {
		if !seen[key] {
			seen[key] = true
			resources = append(resources, r)
		}
	}
	for _, p := range pl.Products {
		for _, region := range p.Regions {
			add(arnIn("catalog", jsii.String(region), "portfolio/"+p.Portfolios[region]), region+"/"+p.Portfolios[region])
		}
	}
	for _, region := range pl.Regions {
		add(arnIn("catalog", jsii.String(region), "product/*"), region+"/product")
	}
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("ReadPlanCatalog"), Actions: jsii.Strings(planCatalogActions...), Resources: &resources,
	})
}

func statement(sid string, actions []string, resources ...*string) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String(sid),
		Actions:   jsii.Strings(actions...),
		Resources: &resources,
	})
}

// grantLaunch gives the launch function what it calls, and what Lambda
// needs to deliver a failed event to the failure queue on its behalf. Of
// the ledger it reads, creates and updates items (runs and the audit of
// manual invocations) and queries only its indexes.
func (c *Construct) grantLaunch(props Props) {
	r := c.LaunchRole
	// Organizations' read APIs used here take no resource-level permissions
	// that would survive new accounts and OUs: "*" (see the nag suppression).
	r.AddToPrincipalPolicy(statement("ReadOrganization", launchOrganizationsActions, jsii.String("*")))
	r.AddToPrincipalPolicy(statement("ReadAccountTags", launchAccountTagActions, organizationAccounts()))
	r.AddToPrincipalPolicy(readPlanCatalog(props))
	r.AddToPrincipalPolicy(statement("QueueAccountRuns", []string{"sqs:SendMessage"}, c.WorkQueue.QueueArn()))
	r.AddToPrincipalPolicy(statement("ParkFailedEvents", []string{"sqs:SendMessage"}, c.LaunchFailureQueue.QueueArn()))
	r.AddToPrincipalPolicy(statement("PublishSummaries", []string{"sns:Publish"}, c.SummaryTopic.TopicArn()))
	r.AddToPrincipalPolicy(statement("RecordRuns", ledgerItemActions, c.Ledger.AttrArn()))
	r.AddToPrincipalPolicy(statement("ListRuns", ledgerQueryActions, c.ledgerIndexARNs()...))
	r.AddToPrincipalPolicy(statement("EncryptMessages", kmsForSNSAndSQS, c.Key.KeyArn()))
	launch, _ := c.AssumedRoleNames()
	r.AddToPrincipalPolicy(c.assumeExecutionRole(props, launch))
	c.grantAccountRegions(props) // regions.go: only for regions: enabled
}

// grantWorker gives the worker what it calls. Of Organizations it only reads
// membership: the launch function puts the account's name and OU path in
// the run, but a queued run may be stale or injected. Of the ledger it
// reads, creates (adopting a run the ledger has lost) and updates items,
// and queries the table (not an index) for the observed durations that
// time its first read of a record.
func (c *Construct) grantWorker(props Props) {
	r := c.WorkerRole
	r.AddToPrincipalPolicy(statement("CheckMembership", workerOrganizationsActions, jsii.String("*")))
	r.AddToPrincipalPolicy(readPlanCatalog(props))
	r.AddToPrincipalPolicy(statement("ContinueAccountRuns", []string{"sqs:SendMessage"}, c.WorkQueue.QueueArn()))
	// What Lambda's poller calls as the function's role (the event source
	// mapping); KMS Decrypt for the encrypted queue is in EncryptMessages.
	r.AddToPrincipalPolicy(statement("ReceiveAccountRuns", workQueueConsumerActions, c.WorkQueue.QueueArn()))
	r.AddToPrincipalPolicy(statement("PublishSummaries", []string{"sns:Publish"}, c.SummaryTopic.TopicArn()))
	r.AddToPrincipalPolicy(statement("RecordRuns", ledgerItemActions, c.Ledger.AttrArn()))
	r.AddToPrincipalPolicy(statement("ReadDurations", ledgerQueryActions, c.Ledger.AttrArn()))
	r.AddToPrincipalPolicy(statement("EncryptMessages", kmsForSNSAndSQS, c.Key.KeyArn()))
	_, worker := c.AssumedRoleNames()
	r.AddToPrincipalPolicy(c.assumeExecutionRole(props, worker))
}
