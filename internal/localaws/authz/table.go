package authz

// rule is how IAM authorizes one operation: the action it needs and the
// resource it acts on, as the Service Authorization Reference lists them
// ("Actions, resources, and condition keys for <service>"). A nil resource
// means the action has no resource type: the request's resource is "*".
type rule struct {
	action   string
	resource resolver
	// kms is the KMS use of the operation on an encrypted queue or topic.
	kms kmsUse
	// free marks operations IAM never refuses (sts:GetCallerIdentity: "No
	// permissions are required to perform this operation", even under an
	// explicit deny).
	free bool
}

// rules holds every operation of every emulated service, by signing name
// and operation. Check makes sure no registered operation is missing, so a
// new operation cannot bypass IAM. Batch operations are authorized as their
// single-message action, as SQS documents.
var rules = map[string]map[string]rule{
	"sts": {
		"AssumeRole":        {action: "sts:AssumeRole", resource: roleFromForm},
		"GetCallerIdentity": {action: "sts:GetCallerIdentity", free: true},
	},
	"organizations": {
		"DescribeOrganization":             {action: "organizations:DescribeOrganization"},
		"DescribeAccount":                  {action: "organizations:DescribeAccount", resource: orgEntity("AccountId")},
		"ListAccounts":                     {action: "organizations:ListAccounts"},
		"ListAccountsForParent":            {action: "organizations:ListAccountsForParent", resource: orgEntity("ParentId")},
		"ListParents":                      {action: "organizations:ListParents", resource: orgEntity("ChildId")},
		"ListChildren":                     {action: "organizations:ListChildren", resource: orgEntity("ParentId")},
		"ListRoots":                        {action: "organizations:ListRoots"},
		"DescribeOrganizationalUnit":       {action: "organizations:DescribeOrganizationalUnit", resource: orgEntity("OrganizationalUnitId")},
		"ListOrganizationalUnitsForParent": {action: "organizations:ListOrganizationalUnitsForParent", resource: orgEntity("ParentId")},
		// A policy's ARN names its type, which the local AWS does not model:
		// policy IDs resolve to no resource and ListTagsForResource answers
		// TargetNotFoundException for them.
		"ListTagsForResource": {action: "organizations:ListTagsForResource", resource: orgEntity("ResourceId")},
		// The Service Authorization Reference lists the account (required)
		// and, for MoveAccount, the source and destination parents; the
		// account is what Landfall's tests grant on.
		"MoveAccount":                   {action: "organizations:MoveAccount", resource: orgEntity("AccountId")},
		"CloseAccount":                  {action: "organizations:CloseAccount", resource: orgEntity("AccountId")},
		"RemoveAccountFromOrganization": {action: "organizations:RemoveAccountFromOrganization", resource: orgEntity("AccountId")},
	},
	"servicecatalog": {
		"AcceptPortfolioShare":               {action: "servicecatalog:AcceptPortfolioShare", resource: portfolio("PortfolioId")},
		"RejectPortfolioShare":               {action: "servicecatalog:RejectPortfolioShare", resource: portfolio("PortfolioId")},
		"ListAcceptedPortfolioShares":        {action: "servicecatalog:ListAcceptedPortfolioShares"},
		"ListPortfolios":                     {action: "servicecatalog:ListPortfolios"},
		"DescribePortfolio":                  {action: "servicecatalog:DescribePortfolio", resource: portfolio("Id")},
		"AssociatePrincipalWithPortfolio":    {action: "servicecatalog:AssociatePrincipalWithPortfolio", resource: portfolio("PortfolioId")},
		"DisassociatePrincipalFromPortfolio": {action: "servicecatalog:DisassociatePrincipalFromPortfolio", resource: portfolio("PortfolioId")},
		"ListPrincipalsForPortfolio":         {action: "servicecatalog:ListPrincipalsForPortfolio", resource: portfolio("PortfolioId")},
		"DescribePortfolioShares":            {action: "servicecatalog:DescribePortfolioShares", resource: portfolio("PortfolioId")},
		"SearchProducts":                     {action: "servicecatalog:SearchProducts"},
		// Portfolio is an optional resource type of SearchProductsAsAdmin: a
		// search within one portfolio acts on it, a search of the account on "*".
		"SearchProductsAsAdmin":          {action: "servicecatalog:SearchProductsAsAdmin", resource: portfolio("PortfolioId")},
		"DescribeProduct":                {action: "servicecatalog:DescribeProduct", resource: product("Id")},
		"DescribeProductAsAdmin":         {action: "servicecatalog:DescribeProductAsAdmin", resource: product("Id")},
		"ListProvisioningArtifacts":      {action: "servicecatalog:ListProvisioningArtifacts", resource: product("ProductId")},
		"DescribeProvisioningArtifact":   {action: "servicecatalog:DescribeProvisioningArtifact", resource: product("ProductId")},
		"ListLaunchPaths":                {action: "servicecatalog:ListLaunchPaths", resource: product("ProductId")},
		"DescribeProvisioningParameters": {action: "servicecatalog:DescribeProvisioningParameters", resource: product("ProductId")},
		"ProvisionProduct":               {action: "servicecatalog:ProvisionProduct", resource: product("ProductId")},
		"UpdateProvisionedProduct":       {action: "servicecatalog:UpdateProvisionedProduct"},
		"TerminateProvisionedProduct":    {action: "servicecatalog:TerminateProvisionedProduct"},
		"DescribeRecord":                 {action: "servicecatalog:DescribeRecord"},
		"ListRecordHistory":              {action: "servicecatalog:ListRecordHistory"},
		"DescribeProvisionedProduct":     {action: "servicecatalog:DescribeProvisionedProduct"},
		"SearchProvisionedProducts":      {action: "servicecatalog:SearchProvisionedProducts"},
		"ScanProvisionedProducts":        {action: "servicecatalog:ScanProvisionedProducts"},
		"GetProvisionedProductOutputs":   {action: "servicecatalog:GetProvisionedProductOutputs"},
	},
	"sns": {
		"CreateTopic":              {action: "sns:CreateTopic", resource: topicFromName},
		"DeleteTopic":              {action: "sns:DeleteTopic", resource: topicFromForm},
		"ListTopics":               {action: "sns:ListTopics"},
		"GetTopicAttributes":       {action: "sns:GetTopicAttributes", resource: topicFromForm},
		"SetTopicAttributes":       {action: "sns:SetTopicAttributes", resource: topicFromForm},
		"Subscribe":                {action: "sns:Subscribe", resource: topicFromForm},
		"Unsubscribe":              {action: "sns:Unsubscribe"},
		"ListSubscriptionsByTopic": {action: "sns:ListSubscriptionsByTopic", resource: topicFromForm},
		"Publish":                  {action: "sns:Publish", resource: topicFromForm, kms: kmsWrite},
		// The subscription actions have no resource type; SNS itself lets
		// only the subscription's or the topic's owner use them.
		"GetSubscriptionAttributes": {action: "sns:GetSubscriptionAttributes"},
		"SetSubscriptionAttributes": {action: "sns:SetSubscriptionAttributes"},
	},
	"sqs": {
		"CreateQueue":                  {action: "sqs:CreateQueue", resource: queueFromName},
		"GetQueueUrl":                  {action: "sqs:GetQueueUrl", resource: queueFromName},
		"ListQueues":                   {action: "sqs:ListQueues"},
		"GetQueueAttributes":           {action: "sqs:GetQueueAttributes", resource: queueFromURL},
		"SetQueueAttributes":           {action: "sqs:SetQueueAttributes", resource: queueFromURL},
		"DeleteQueue":                  {action: "sqs:DeleteQueue", resource: queueFromURL},
		"PurgeQueue":                   {action: "sqs:PurgeQueue", resource: queueFromURL},
		"ListDeadLetterSourceQueues":   {action: "sqs:ListDeadLetterSourceQueues", resource: queueFromURL},
		"SendMessage":                  {action: "sqs:SendMessage", resource: queueFromURL, kms: kmsWrite},
		"SendMessageBatch":             {action: "sqs:SendMessage", resource: queueFromURL, kms: kmsWrite},
		"ReceiveMessage":               {action: "sqs:ReceiveMessage", resource: queueFromURL, kms: kmsRead},
		"DeleteMessage":                {action: "sqs:DeleteMessage", resource: queueFromURL},
		"DeleteMessageBatch":           {action: "sqs:DeleteMessage", resource: queueFromURL},
		"ChangeMessageVisibility":      {action: "sqs:ChangeMessageVisibility", resource: queueFromURL},
		"ChangeMessageVisibilityBatch": {action: "sqs:ChangeMessageVisibility", resource: queueFromURL},
	},
	"lambda": {
		"Invoke":      {action: "lambda:InvokeFunction", resource: function},
		"GetFunction": {action: "lambda:GetFunction", resource: function},
	},
	"cloudformation": {
		"DescribeStacks": {action: "cloudformation:DescribeStacks", resource: stack},
	},
	"account": {
		// The account (standalone) or accountInOrganization resource type;
		// account:TargetRegion is set for the single-region operations.
		"ListRegions":        {action: "account:ListRegions", resource: accountResource},
		"GetRegionOptStatus": {action: "account:GetRegionOptStatus", resource: accountResource},
		"EnableRegion":       {action: "account:EnableRegion", resource: accountResource},
		"DisableRegion":      {action: "account:DisableRegion", resource: accountResource},
	},
	"dynamodb": {
		"CreateTable":        {action: "dynamodb:CreateTable", resource: table},
		"DescribeTable":      {action: "dynamodb:DescribeTable", resource: table},
		"DeleteTable":        {action: "dynamodb:DeleteTable", resource: table},
		"UpdateTimeToLive":   {action: "dynamodb:UpdateTimeToLive", resource: table},
		"DescribeTimeToLive": {action: "dynamodb:DescribeTimeToLive", resource: table},
		"PutItem":            {action: "dynamodb:PutItem", resource: table},
		"GetItem":            {action: "dynamodb:GetItem", resource: table},
		"UpdateItem":         {action: "dynamodb:UpdateItem", resource: table},
		"DeleteItem":         {action: "dynamodb:DeleteItem", resource: table},
		// A read of a secondary index acts on the index resource type.
		"Query":                     {action: "dynamodb:Query", resource: tableOrIndex},
		"Scan":                      {action: "dynamodb:Scan", resource: tableOrIndex},
		"DescribeContinuousBackups": {action: "dynamodb:DescribeContinuousBackups", resource: table},
	},
}
