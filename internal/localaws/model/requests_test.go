package model_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// Valid requests, one per emulated operation, with as many optional members
// set as the operation has constrained ones: the mutations break one
// constraint of one member present here. They need not succeed (a product
// may not be found): they only have to satisfy the model.
const (
	queueURL = "https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work"
	topicARN = "arn:aws:sns:us-east-1:111111111111:landfall-notifications"
	pp       = "pp-abcdefghijklm"
)

type sender func(ctx context.Context, cfg aws.Config) error

var baseRequests = map[string]map[string]sender{
	"servicecatalog": {
		"AcceptPortfolioShare": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
				PortfolioId: aws.String("port-ue1baseline0"), PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations, AcceptLanguage: aws.String("en"),
			})
			return err
		},
		"RejectPortfolioShare": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).RejectPortfolioShare(ctx, &servicecatalog.RejectPortfolioShareInput{
				PortfolioId: aws.String("port-ue1baseline0"), PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations,
			})
			return err
		},
		"ListAcceptedPortfolioShares": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).ListAcceptedPortfolioShares(ctx, &servicecatalog.ListAcceptedPortfolioSharesInput{
				PageSize: 5, PageToken: aws.String("0"), PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations,
			})
			return err
		},
		"ListPortfolios": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).ListPortfolios(ctx, &servicecatalog.ListPortfoliosInput{PageSize: 5, PageToken: aws.String("0")})
			return err
		},
		"DescribePortfolio": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).DescribePortfolio(ctx, &servicecatalog.DescribePortfolioInput{Id: aws.String("port-ue1baseline0")})
			return err
		},
		"AssociatePrincipalWithPortfolio": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
				PortfolioId: aws.String("port-ue1baseline0"), PrincipalARN: aws.String("arn:aws:iam:::role/AWSControlTowerExecution"),
				PrincipalType: sctypes.PrincipalTypeIamPattern,
			})
			return err
		},
		"DisassociatePrincipalFromPortfolio": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).DisassociatePrincipalFromPortfolio(ctx, &servicecatalog.DisassociatePrincipalFromPortfolioInput{
				PortfolioId: aws.String("port-ue1baseline0"), PrincipalARN: aws.String("arn:aws:iam:::role/AWSControlTowerExecution"),
				PrincipalType: sctypes.PrincipalTypeIamPattern,
			})
			return err
		},
		"ListPrincipalsForPortfolio": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).ListPrincipalsForPortfolio(ctx, &servicecatalog.ListPrincipalsForPortfolioInput{
				PortfolioId: aws.String("port-ue1baseline0"), PageSize: 5, PageToken: aws.String("0"),
			})
			return err
		},
		"SearchProducts": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).SearchProducts(ctx, &servicecatalog.SearchProductsInput{
				Filters: map[string][]string{"FullTextSearch": {"vpc"}}, PageSize: 5, PageToken: aws.String("0"),
				SortBy: sctypes.ProductViewSortByTitle, SortOrder: sctypes.SortOrderAscending,
			})
			return err
		},
		"DescribeProduct": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String("prod-ue1basevpc0")})
			return err
		},
		"DescribeProductAsAdmin": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).DescribeProductAsAdmin(ctx, &servicecatalog.DescribeProductAsAdminInput{
				Id: aws.String("prod-ue1basevpc0"), SourcePortfolioId: aws.String("port-ue1baseline0"),
			})
			return err
		},
		"SearchProductsAsAdmin": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{
				PortfolioId: aws.String("port-ue1baseline0"), Filters: map[string][]string{"FullTextSearch": {"vpc"}}, PageSize: 5,
				PageToken: aws.String("0"), SortBy: sctypes.ProductViewSortByTitle, SortOrder: sctypes.SortOrderAscending,
				ProductSource: sctypes.ProductSourceAccount,
			})
			return err
		},
		"DescribePortfolioShares": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).DescribePortfolioShares(ctx, &servicecatalog.DescribePortfolioSharesInput{
				PortfolioId: aws.String("port-ue1baseline0"), Type: sctypes.DescribePortfolioShareTypeOrganization, PageSize: 5, PageToken: aws.String("0"),
			})
			return err
		},
		"ListProvisioningArtifacts": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).ListProvisioningArtifacts(ctx, &servicecatalog.ListProvisioningArtifactsInput{ProductId: aws.String("prod-ue1basevpc0")})
			return err
		},
		"DescribeProvisioningArtifact": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).DescribeProvisioningArtifact(ctx, &servicecatalog.DescribeProvisioningArtifactInput{
				ProductId: aws.String("prod-ue1basevpc0"), ProvisioningArtifactId: aws.String("pa-ue1basevpc20"),
			})
			return err
		},
		"ListLaunchPaths": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).ListLaunchPaths(ctx, &servicecatalog.ListLaunchPathsInput{
				ProductId: aws.String("prod-ue1basevpc0"), PageSize: 5, PageToken: aws.String("0"),
			})
			return err
		},
		"DescribeProvisioningParameters": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).DescribeProvisioningParameters(ctx, &servicecatalog.DescribeProvisioningParametersInput{
				ProductId: aws.String("prod-ue1basevpc0"), ProvisioningArtifactId: aws.String("pa-ue1basevpc20"), PathId: aws.String("port-ue1baseline0"),
			})
			return err
		},
		"ProvisionProduct": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).ProvisionProduct(ctx, &servicecatalog.ProvisionProductInput{
				ProductId: aws.String("prod-ue1basevpc0"), ProvisioningArtifactId: aws.String("pa-ue1basevpc20"), PathId: aws.String("port-ue1baseline0"),
				ProvisionedProductName: aws.String("baseline-vpc"), ProvisionToken: aws.String("token-1"),
				ProvisioningParameters: []sctypes.ProvisioningParameter{{Key: aws.String("VpcCidr"), Value: aws.String("10.1.0.0/16")}},
				Tags:                   []sctypes.Tag{{Key: aws.String("team"), Value: aws.String("platform")}},
				NotificationArns:       []string{topicARN},
			})
			return err
		},
		"UpdateProvisionedProduct": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).UpdateProvisionedProduct(ctx, &servicecatalog.UpdateProvisionedProductInput{
				ProvisionedProductId: aws.String(pp), ProductId: aws.String("prod-ue1basevpc0"), ProvisioningArtifactId: aws.String("pa-ue1basevpc20"),
				PathId: aws.String("port-ue1baseline0"), UpdateToken: aws.String("token-2"),
				ProvisioningParameters: []sctypes.UpdateProvisioningParameter{{Key: aws.String("VpcCidr"), UsePreviousValue: true}},
				Tags:                   []sctypes.Tag{{Key: aws.String("team"), Value: aws.String("platform")}},
			})
			return err
		},
		"TerminateProvisionedProduct": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).TerminateProvisionedProduct(ctx, &servicecatalog.TerminateProvisionedProductInput{
				ProvisionedProductId: aws.String(pp), TerminateToken: aws.String("token-3"),
			})
			return err
		},
		"DescribeRecord": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).DescribeRecord(ctx, &servicecatalog.DescribeRecordInput{
				Id: aws.String("rec-abcdefghijklm"), PageSize: 5, PageToken: aws.String("0"),
			})
			return err
		},
		"ListRecordHistory": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).ListRecordHistory(ctx, &servicecatalog.ListRecordHistoryInput{
				AccessLevelFilter: &sctypes.AccessLevelFilter{Key: sctypes.AccessLevelFilterKeyAccount, Value: aws.String("self")},
				SearchFilter:      &sctypes.ListRecordHistorySearchFilter{Key: aws.String("provisionedproduct"), Value: aws.String(pp)},
				PageSize:          5, PageToken: aws.String("0"),
			})
			return err
		},
		"DescribeProvisionedProduct": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Id: aws.String(pp)})
			return err
		},
		"SearchProvisionedProducts": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).SearchProvisionedProducts(ctx, &servicecatalog.SearchProvisionedProductsInput{
				AccessLevelFilter: &sctypes.AccessLevelFilter{Key: sctypes.AccessLevelFilterKeyAccount, Value: aws.String("self")},
				Filters:           map[string][]string{"SearchQuery": {"name:baseline-vpc"}}, PageSize: 5, PageToken: aws.String("0"),
				SortBy: aws.String("name"), SortOrder: sctypes.SortOrderAscending,
			})
			return err
		},
		"ScanProvisionedProducts": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).ScanProvisionedProducts(ctx, &servicecatalog.ScanProvisionedProductsInput{
				AccessLevelFilter: &sctypes.AccessLevelFilter{Key: sctypes.AccessLevelFilterKeyAccount, Value: aws.String("self")},
				PageSize:          5, PageToken: aws.String("0"),
			})
			return err
		},
		"GetProvisionedProductOutputs": func(ctx context.Context, cfg aws.Config) error {
			_, err := servicecatalog.NewFromConfig(cfg).GetProvisionedProductOutputs(ctx, &servicecatalog.GetProvisionedProductOutputsInput{
				ProvisionedProductId: aws.String(pp), OutputKeys: []string{"VpcCidr"}, PageSize: 5, PageToken: aws.String("0"),
			})
			return err
		},
	},
	"organizations": {
		"DescribeOrganization": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
			return err
		},
		"DescribeAccount": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("222222222222")})
			return err
		},
		"ListAccounts": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(5)})
			return err
		},
		"ListAccountsForParent": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{
				ParentId: aws.String("ou-ab12-l3zc8b3h"), MaxResults: aws.Int32(5),
			})
			return err
		},
		"ListParents": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("222222222222"), MaxResults: aws.Int32(5)})
			return err
		},
		"ListChildren": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).ListChildren(ctx, &organizations.ListChildrenInput{
				ParentId: aws.String("r-ab12"), ChildType: orgtypes.ChildTypeOrganizationalUnit, MaxResults: aws.Int32(5),
			})
			return err
		},
		"ListRoots": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).ListRoots(ctx, &organizations.ListRootsInput{MaxResults: aws.Int32(5)})
			return err
		},
		"DescribeOrganizationalUnit": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{
				OrganizationalUnitId: aws.String("ou-ab12-l3zc8b3h"),
			})
			return err
		},
		"ListOrganizationalUnitsForParent": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{
				ParentId: aws.String("r-ab12"), MaxResults: aws.Int32(5),
			})
			return err
		},
		"MoveAccount": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).MoveAccount(ctx, &organizations.MoveAccountInput{
				AccountId: aws.String("222222222222"), SourceParentId: aws.String("ou-ab12-l3zc8b3h"), DestinationParentId: aws.String("r-ab12"),
			})
			return err
		},
		"CloseAccount": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String("222222222222")})
			return err
		},
		"RemoveAccountFromOrganization": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).RemoveAccountFromOrganization(ctx, &organizations.RemoveAccountFromOrganizationInput{AccountId: aws.String("222222222222")})
			return err
		},
		"ListTagsForResource": func(ctx context.Context, cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{
				ResourceId: aws.String("222222222222"), NextToken: aws.String("0"),
			})
			return err
		},
	},
	"sqs": {
		"CreateQueue": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).CreateQueue(ctx, &sqs.CreateQueueInput{
				QueueName: aws.String("validation-q"), Attributes: map[string]string{"VisibilityTimeout": "30"}, Tags: map[string]string{"team": "x"},
			})
			return err
		},
		"GetQueueUrl": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("landfall-work")})
			return err
		},
		"ListQueues": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("landfall")})
			return err
		},
		"GetQueueAttributes": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
				QueueUrl: aws.String(queueURL), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameVisibilityTimeout},
			})
			return err
		},
		"SetQueueAttributes": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{
				QueueUrl: aws.String(queueURL), Attributes: map[string]string{"VisibilityTimeout": "30"},
			})
			return err
		},
		"DeleteQueue": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(queueURL + "-nope")})
			return err
		},
		"PurgeQueue": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(queueURL + "-nope")})
			return err
		},
		"ListDeadLetterSourceQueues": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(queueURL + "-dlq")})
			return err
		},
		"SendMessage": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).SendMessage(ctx, &sqs.SendMessageInput{
				QueueUrl: aws.String(queueURL), MessageBody: aws.String("{}"),
				MessageAttributes: map[string]sqstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("run")}},
			})
			return err
		},
		"SendMessageBatch": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).SendMessageBatch(ctx, &sqs.SendMessageBatchInput{
				QueueUrl: aws.String(queueURL), Entries: []sqstypes.SendMessageBatchRequestEntry{{Id: aws.String("1"), MessageBody: aws.String("{}")}},
			})
			return err
		},
		"ReceiveMessage": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
				QueueUrl: aws.String(queueURL), MessageAttributeNames: []string{"All"},
				AttributeNames: []sqstypes.QueueAttributeName{"SentTimestamp"}, //nolint:staticcheck // the member the model checks
			})
			return err
		},
		"DeleteMessage": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: aws.String("nope")})
			return err
		},
		"DeleteMessageBatch": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{
				QueueUrl: aws.String(queueURL), Entries: []sqstypes.DeleteMessageBatchRequestEntry{{Id: aws.String("1"), ReceiptHandle: aws.String("nope")}},
			})
			return err
		},
		"ChangeMessageVisibility": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
				QueueUrl: aws.String(queueURL), ReceiptHandle: aws.String("nope"), VisibilityTimeout: 10,
			})
			return err
		},
		"ChangeMessageVisibilityBatch": func(ctx context.Context, cfg aws.Config) error {
			_, err := sqs.NewFromConfig(cfg).ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{
				QueueUrl: aws.String(queueURL), Entries: []sqstypes.ChangeMessageVisibilityBatchRequestEntry{{Id: aws.String("1"), ReceiptHandle: aws.String("nope")}},
			})
			return err
		},
	},
	"sns": {
		"CreateTopic": func(ctx context.Context, cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).CreateTopic(ctx, &sns.CreateTopicInput{
				Name: aws.String("validation-topic"), Tags: []snstypes.Tag{{Key: aws.String("team"), Value: aws.String("x")}},
			})
			return err
		},
		"DeleteTopic": func(ctx context.Context, cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(topicARN + "-nope")})
			return err
		},
		"ListTopics": func(ctx context.Context, cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).ListTopics(ctx, &sns.ListTopicsInput{})
			return err
		},
		"GetTopicAttributes": func(ctx context.Context, cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topicARN)})
			return err
		},
		"SetTopicAttributes": func(ctx context.Context, cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{
				TopicArn: aws.String(topicARN), AttributeName: aws.String("DisplayName"), AttributeValue: aws.String("Landfall"),
			})
			return err
		},
		"Subscribe": func(ctx context.Context, cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).Subscribe(ctx, &sns.SubscribeInput{
				TopicArn: aws.String(topicARN), Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com"),
			})
			return err
		},
		"Unsubscribe": func(ctx context.Context, cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(topicARN + ":nope")})
			return err
		},
		"ListSubscriptionsByTopic": func(ctx context.Context, cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topicARN)})
			return err
		},
		"Publish": func(ctx context.Context, cfg aws.Config) error {
			_, err := sns.NewFromConfig(cfg).Publish(ctx, &sns.PublishInput{
				TopicArn: aws.String(topicARN), Message: aws.String("hello"), Subject: aws.String("hi"),
				MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("run")}},
			})
			return err
		},
	},
	"sts": {
		"AssumeRole": func(ctx context.Context, cfg aws.Config) error {
			_, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
				RoleArn: aws.String("arn:aws:iam::222222222222:role/AWSControlTowerExecution"), RoleSessionName: aws.String("landfall"),
				DurationSeconds: aws.Int32(900), ExternalId: aws.String("external-1"), Policy: aws.String(`{"Version":"2012-10-17"}`),
				Tags:              []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("platform")}},
				TransitiveTagKeys: []string{"team"}, SourceIdentity: aws.String("landfall"),
				PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}},
			})
			return err
		},
		"GetCallerIdentity": func(ctx context.Context, cfg aws.Config) error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		},
	},
	"lambda": {
		"Invoke": func(ctx context.Context, cfg aws.Config) error {
			_, err := lambda.NewFromConfig(cfg).Invoke(ctx, &lambda.InvokeInput{
				FunctionName: aws.String("landfall-nope"), Qualifier: aws.String("live"), Payload: []byte(`{}`),
				InvocationType: lambdatypes.InvocationTypeRequestResponse, LogType: lambdatypes.LogTypeNone,
			})
			return err
		},
		"GetFunction": func(ctx context.Context, cfg aws.Config) error {
			_, err := lambda.NewFromConfig(cfg).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("landfall-nope"), Qualifier: aws.String("live")})
			return err
		},
	},
	"cloudformation": {
		"DescribeStacks": func(ctx context.Context, cfg aws.Config) error {
			_, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{
				StackName: aws.String("Landfall"), NextToken: aws.String("t"),
			})
			return err
		},
	},
	"dynamodb": dynamodbRequests,
	"account":  accountRequests,
}

// accountRequests name a member account (organization context) and an
// opt-in region; trusted access is off in the default world, so they are
// refused once they pass the model.
var accountRequests = map[string]sender{
	"ListRegions": func(ctx context.Context, cfg aws.Config) error {
		_, err := account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String("222222222222"),
			MaxResults: aws.Int32(5), NextToken: aws.String("t"), RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled}})
		return err
	},
	"GetRegionOptStatus": func(ctx context.Context, cfg aws.Config) error {
		_, err := account.NewFromConfig(cfg).GetRegionOptStatus(ctx, &account.GetRegionOptStatusInput{AccountId: aws.String("222222222222"), RegionName: aws.String("af-south-1")})
		return err
	},
	"EnableRegion": func(ctx context.Context, cfg aws.Config) error {
		_, err := account.NewFromConfig(cfg).EnableRegion(ctx, &account.EnableRegionInput{AccountId: aws.String("222222222222"), RegionName: aws.String("af-south-1")})
		return err
	},
	"DisableRegion": func(ctx context.Context, cfg aws.Config) error {
		_, err := account.NewFromConfig(cfg).DisableRegion(ctx, &account.DisableRegionInput{AccountId: aws.String("222222222222"), RegionName: aws.String("af-south-1")})
		return err
	},
}

// ledgerKey is a key of the DynamoDB base requests' table.
var ledgerKey = map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "run#1"}}

var dynamodbRequests = map[string]sender{
	"CreateTable": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName: aws.String("landfall-ledger"), BillingMode: ddbtypes.BillingModePayPerRequest,
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		})
		return err
	},
	"DescribeTable": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("landfall-ledger")})
		return err
	},
	"DeleteTable": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("landfall-ledger")})
		return err
	},
	"UpdateTimeToLive": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("landfall-ledger"),
			TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String("expiresAt"), Enabled: aws.Bool(true)}})
		return err
	},
	"DescribeTimeToLive": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("landfall-ledger")})
		return err
	},
	"PutItem": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("landfall-ledger"), Item: ledgerKey,
			ConditionExpression: aws.String("attribute_not_exists(pk)"), ReturnValues: ddbtypes.ReturnValueAllOld,
			ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal, ReturnItemCollectionMetrics: ddbtypes.ReturnItemCollectionMetricsNone})
		return err
	},
	"GetItem": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("landfall-ledger"), Key: ledgerKey,
			ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityNone})
		return err
	},
	"UpdateItem": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("landfall-ledger"), Key: ledgerKey,
			UpdateExpression: aws.String("SET n = :n"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":n": &ddbtypes.AttributeValueMemberN{Value: "1"}},
			ReturnValues: ddbtypes.ReturnValueAllNew, ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityNone, ReturnItemCollectionMetrics: ddbtypes.ReturnItemCollectionMetricsNone})
		return err
	},
	"DeleteItem": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("landfall-ledger"), Key: ledgerKey,
			ReturnValues: ddbtypes.ReturnValueAllOld, ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityNone, ReturnItemCollectionMetrics: ddbtypes.ReturnItemCollectionMetricsNone})
		return err
	},
	"Query": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).Query(ctx, &dynamodb.QueryInput{TableName: aws.String("landfall-ledger"),
			KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":p": &ddbtypes.AttributeValueMemberS{Value: "x"}},
			Limit: aws.Int32(10), Select: ddbtypes.SelectAllAttributes, ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityNone})
		return err
	},
	"Scan": func(ctx context.Context, cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("landfall-ledger"),
			Limit: aws.Int32(10), Select: ddbtypes.SelectAllAttributes, ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityNone})
		return err
	},
}
