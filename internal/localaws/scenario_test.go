package localaws_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/topics"
)

// TestFieldNoteFlow walks the flow of the AWS field notes by hand through the
// real SDK on the default world: as the management account's administrator,
// assume AWSControlTowerExecution in a new member account, and in an
// ungoverned region accept the organization share, associate the role, find
// the product and its latest version, provision it, follow the record to
// SUCCEEDED while the emulator clock advances, then publish the summary.
func TestFieldNoteFlow(t *testing.T) {
	cloud := newCloud(t, nil)
	ctx := t.Context()
	manual, _ := cloud.ManualClock()
	const (
		account   = "222222222222"
		region    = "us-west-1"
		portfolio = "port-uw1baseline0"
		roleARN   = "arn:aws:iam::222222222222:role/AWSControlTowerExecution"
	)
	sc := servicecatalog.NewFromConfig(memberConfig(cloud, region, account, "AWSControlTowerExecution"))

	if _, err := sc.AcceptPortfolioShare(ctx, &servicecatalog.AcceptPortfolioShareInput{
		PortfolioId: aws.String(portfolio), PortfolioShareType: sctypes.PortfolioShareTypeAwsOrganizations,
	}); err != nil {
		t.Fatalf("AcceptPortfolioShare: %v", err)
	}
	if _, err := sc.AssociatePrincipalWithPortfolio(ctx, &servicecatalog.AssociatePrincipalWithPortfolioInput{
		PortfolioId: aws.String(portfolio), PrincipalARN: aws.String(roleARN), PrincipalType: sctypes.PrincipalTypeIam,
	}); err != nil {
		t.Fatalf("AssociatePrincipalWithPortfolio: %v", err)
	}

	search, err := sc.SearchProducts(ctx, &servicecatalog.SearchProductsInput{
		Filters: map[string][]string{"FullTextSearch": {"baseline-vpc"}},
	})
	if err != nil {
		t.Fatalf("SearchProducts: %v", err)
	}
	i := slices.IndexFunc(search.ProductViewSummaries, func(p sctypes.ProductViewSummary) bool { return aws.ToString(p.Name) == "baseline-vpc" })
	if i < 0 {
		t.Fatalf("SearchProducts found %d products, not baseline-vpc", len(search.ProductViewSummaries))
	}
	productID := aws.ToString(search.ProductViewSummaries[i].ProductId)

	product, err := sc.DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String(productID)})
	if err != nil {
		t.Fatalf("DescribeProduct: %v", err)
	}
	latest := latestArtifact(product.ProvisioningArtifacts)
	if aws.ToString(latest.Name) != "v2.0" {
		t.Errorf("latest artifact = %s, want v2.0 (newest DEFAULT)", aws.ToString(latest.Name))
	}

	paths, err := sc.ListLaunchPaths(ctx, &servicecatalog.ListLaunchPathsInput{ProductId: aws.String(productID)})
	if err != nil || len(paths.LaunchPathSummaries) != 1 {
		t.Fatalf("ListLaunchPaths = %v, %v", paths, err)
	}

	provision := &servicecatalog.ProvisionProductInput{
		ProductId:              aws.String(productID),
		ProvisioningArtifactId: latest.Id,
		PathId:                 paths.LaunchPathSummaries[0].Id,
		ProvisionedProductName: aws.String("landfall-baseline-vpc"),
		ProvisionToken:         aws.String("landfall-222222222222-us-west-1-baseline-vpc"),
		ProvisioningParameters: []sctypes.ProvisioningParameter{
			{Key: aws.String("VpcCidr"), Value: aws.String("10.42.0.0/16")},
			{Key: aws.String("AccountName"), Value: aws.String("LifeCycle1")},
		},
	}
	out, err := sc.ProvisionProduct(ctx, provision)
	if err != nil {
		t.Fatalf("ProvisionProduct: %v", err)
	}
	recordID := out.RecordDetail.RecordId

	// The same token replays the same record instead of provisioning twice.
	again, err := sc.ProvisionProduct(ctx, provision)
	if err != nil || aws.ToString(again.RecordDetail.RecordId) != aws.ToString(recordID) {
		t.Errorf("replayed ProvisionProduct = %v, %v", again, err)
	}

	record := waitForRecord(ctx, t, sc, manual.Advance, recordID)
	if record.RecordDetail.Status != sctypes.RecordStatusSucceeded {
		t.Fatalf("record status = %s, errors %+v", record.RecordDetail.Status, record.RecordDetail.RecordErrors)
	}
	pp, err := sc.DescribeProvisionedProduct(ctx, &servicecatalog.DescribeProvisionedProductInput{Id: record.RecordDetail.ProvisionedProductId})
	if err != nil || pp.ProvisionedProductDetail.Status != sctypes.ProvisionedProductStatusAvailable {
		t.Fatalf("DescribeProvisionedProduct = %+v, %v", pp, err)
	}
	if got := cloud.Calls().CountFor("servicecatalog.ProvisionProduct", account, region); got != 2 {
		t.Errorf("ProvisionProduct calls in %s/%s = %d", account, region, got)
	}

	// The run summary goes to the management account's topic.
	topicARN := topics.ARN("111111111111", "us-east-1", "landfall-notifications")
	summary := fmt.Sprintf("account %s: %s provisioned %s", account, region, aws.ToString(pp.ProvisionedProductDetail.Name))
	if _, err := sns.NewFromConfig(cloud.Config("us-east-1", nil)).Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(topicARN), Subject: aws.String("Landfall: 222222222222 done"), Message: aws.String(summary),
	}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	msgs := cloud.Topics().Messages(topicARN)
	if len(msgs) != 1 || msgs[0].Message != summary || msgs[0].Subject != "Landfall: 222222222222 done" || msgs[0].PublisherAccount != "111111111111" {
		t.Errorf("published messages = %+v", msgs)
	}
}

// latestArtifact picks the newest DEFAULT artifact: the field notes' "latest".
func latestArtifact(artifacts []sctypes.ProvisioningArtifact) sctypes.ProvisioningArtifact {
	var latest sctypes.ProvisioningArtifact
	for _, a := range artifacts {
		if a.Guidance == sctypes.ProvisioningArtifactGuidanceDeprecated {
			continue
		}
		if latest.CreatedTime == nil || aws.ToTime(a.CreatedTime).After(aws.ToTime(latest.CreatedTime)) {
			latest = a
		}
	}
	return latest
}

// waitForRecord polls DescribeRecord, advancing the emulator clock a minute
// between polls, for at most half an hour of emulated time.
func waitForRecord(ctx context.Context, t *testing.T, sc *servicecatalog.Client, advance func(time.Duration), id *string) *servicecatalog.DescribeRecordOutput {
	t.Helper()
	for range 30 {
		rec, err := sc.DescribeRecord(ctx, &servicecatalog.DescribeRecordInput{Id: id})
		if err != nil {
			t.Fatalf("DescribeRecord: %v", err)
		}
		switch rec.RecordDetail.Status {
		case sctypes.RecordStatusSucceeded, sctypes.RecordStatusFailed:
			return rec
		}
		advance(time.Minute)
	}
	t.Fatalf("record %s not finished after 30 emulated minutes", aws.ToString(id))
	return nil
}

// Accepting an organization share with the default share type (IMPORTED)
// fails the way it does in AWS: the portfolio is not found.
func ExampleCloud_acceptShareWithDefaultType() {
	cloud, err := newFromDefault()
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := memberConfig(cloud, "us-west-1", "222222222222", "AWSControlTowerExecution")
	_, err = servicecatalog.NewFromConfig(cfg).AcceptPortfolioShare(context.Background(), &servicecatalog.AcceptPortfolioShareInput{
		PortfolioId: aws.String("port-uw1baseline0"),
	})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.ErrorCode()+":", apiErr.ErrorMessage())
	}
	// Output: ResourceNotFoundException: Portfolio not found.
}
