// Package conformance holds the AWS behaviours Landfall depends on, written
// once as a test suite against a Harness and run against every place that
// claims to behave like AWS: the local emulator in every `go test ./...`
// (and so in `make test` and CI), and a real sandbox organization when asked
// to. It is what keeps the emulator honest: a behaviour the emulator gets
// wrong fails the emulator run; an assumption AWS does not hold to fails the
// AWS run.
//
// RunServiceCatalog checks, each as its own subtest on a fresh Harness:
//
//   - NameClash: ProvisionProduct with a name already in use fails with
//     InvalidParametersException "A stack named <name> already exists.".
//   - ProvisionTokenReplay: the same ProvisionToken answers the same record
//     and provisioned product, and no second product.
//   - RefusedWhileUnderChange: UpdateProvisionedProduct and
//     TerminateProvisionedProduct on an UNDER_CHANGE product fail with
//     InvalidParametersException.
//   - ShareVisibility: a product of a portfolio shared with the
//     organization is invisible to a member principal (DescribeProduct and
//     SearchProducts) after the share is accepted and until the principal
//     is associated, then becomes visible.
//   - RecordSucceeds, RecordFails: DescribeRecord goes from CREATED or
//     IN_PROGRESS to SUCCEEDED, or to FAILED with RecordErrors for a
//     failing template.
//   - UnknownRecord: DescribeRecord of a record that does not exist fails
//     with ResourceNotFoundException.
//   - LaunchPathNamesItsPortfolio: the product's launch path through the
//     shared portfolio has the portfolio's ID as its ID and the
//     portfolio's display name as its name (DescribeProduct LaunchPaths and
//     ListLaunchPaths), so a PathId names a portfolio.
//
// # Running against AWS
//
// The AWS harness (aws_test.go) is skipped unless the test flag
// -conformance.aws is set. It uses the default credential chain for the
// management account (the portfolio owner) and assumes a role in one member
// account for the member side. Each subtest creates a portfolio named
// lfconf-<random>, adds the product, shares it with the organization, and
// removes all of it (and terminates what it provisioned) when done.
//
// The sandbox needs, in the region:
//
//   - a product owned by the management account with two versions whose
//     templates need no parameters beyond LANDFALL_CONFORMANCE_PARAMETERS:
//     one that succeeds and takes tens of seconds (a few resources are
//     enough), one that fails (for example a resource with an invalid
//     property). The product must not be in another portfolio the member
//     role is associated with, or launching it would need a PathId;
//   - organization sharing enabled for Service Catalog
//     (EnableAWSOrganizationsAccess);
//   - a role in a member account that the management credentials can
//     assume and that can run the templates (AWSControlTowerExecution can).
//
// Then:
//
//	AWS_PROFILE=sandbox-management AWS_REGION=eu-west-1 \
//	LANDFALL_CONFORMANCE_MEMBER_ROLE_ARN=arn:aws:iam::222222222222:role/AWSControlTowerExecution \
//	LANDFALL_CONFORMANCE_PRODUCT_ID=prod-... \
//	LANDFALL_CONFORMANCE_ARTIFACT_ID=pa-... \
//	LANDFALL_CONFORMANCE_FAILING_ARTIFACT_ID=pa-... \
//	go test ./internal/localaws/conformance -run TestAWS -conformance.aws -v -timeout 90m
//
// Optional: LANDFALL_CONFORMANCE_PARAMETERS=Key=Value,Key=Value for the
// templates' parameters; LANDFALL_CONFORMANCE_PRINCIPAL_TYPE=IAM to
// associate the member role's ARN instead of the IAM_PATTERN
// arn:aws:iam:::role/<name> Landfall associates. A run takes a few minutes
// per subtest, mostly waiting for CloudFormation. CI runs only the emulator.
package conformance
