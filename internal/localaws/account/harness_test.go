package account_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/org"
)

// Accounts of testdata/world.yaml.
const (
	mgmt      = "111111111111"
	member    = "222222222222" // af-south-1, me-south-1 and us-west-1 disabled
	other     = "333333333333"
	suspended = "444444444444"
)

// env is one emulator built from testdata/world.yaml, with clients as the
// management account's administrator and as a member account's role.
type env struct {
	t     *testing.T
	cloud *localaws.Cloud
	clock *clock.Manual
	// admin is the management account's administrator; memberAcct acts as
	// AWSControlTowerExecution in 222222222222 (sessions issued in
	// us-east-1).
	admin, memberAcct *account.Client
}

func newEnv(t *testing.T, edit ...func(*localaws.World)) *env {
	t.Helper()
	w, err := localaws.LoadWorld("testdata/world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edit {
		e(w)
	}
	cloud, err := localaws.New(w, localaws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := cloud.ManualClock()
	e := &env{t: t, cloud: cloud, clock: m}
	e.admin = account.NewFromConfig(cloud.Config("us-east-1", nil))
	e.memberAcct = account.NewFromConfig(e.roleConfig("us-east-1", member, "AWSControlTowerExecution"))
	return e
}

// roleConfig returns a config in region acting as role in acct, assumed by
// the management account's administrator through STS in us-east-1.
func (e *env) roleConfig(region, acct, role string) aws.Config {
	stsClient := sts.NewFromConfig(e.cloud.Config("us-east-1", nil))
	creds := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, "arn:aws:iam::"+acct+":role/"+role,
		func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "account-test" }))
	return e.cloud.Config(region, creds)
}

// assumeIn assumes AWSControlTowerExecution in acct through STS in region,
// once, without caching: what the emulator answers for the target account
// and region now.
func (e *env) assumeIn(region, acct string) error {
	_, err := sts.NewFromConfig(e.cloud.Config(region, nil)).AssumeRole(e.t.Context(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + acct + ":role/AWSControlTowerExecution"), RoleSessionName: aws.String("probe"),
	})
	return err
}

// status is the region's status by the emulator's state, not the API.
func (e *env) status(acct, region string) org.RegionOptStatus {
	e.t.Helper()
	st, err := e.cloud.RegionOptStatus(acct, region)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// errorCode returns the API error code of err, "" when it is not one.
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// errorMessage returns the API error message of err.
func errorMessage(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorMessage()
	}
	return ""
}
