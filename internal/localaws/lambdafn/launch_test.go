package lambdafn_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/landfall/landfall/internal/launch"
	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/lambdafn"
	"github.com/landfall/landfall/internal/localrun"
	"github.com/landfall/landfall/internal/plan"
)

// TestInvokeRealLaunchHandler invokes Landfall's launch handler, wired as
// the deployed function is, through the SDK client an operator's tooling
// uses, with a manual dry-run payload.
func TestInvokeRealLaunchHandler(t *testing.T) {
	world, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	env, err := localrun.New(t.Context(), world, pl, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.Cloud.RegisterFunction("landfall-launch", lambda.NewHandler(env.Launch.Handle))

	client := awslambda.NewFromConfig(env.Cloud.Config("us-east-1", nil))
	if _, err := client.GetFunction(t.Context(), &awslambda.GetFunctionInput{FunctionName: aws.String("landfall-launch")}); err != nil {
		t.Fatalf("GetFunction: %v", err)
	}
	out, err := client.Invoke(t.Context(), &awslambda.InvokeInput{
		FunctionName: aws.String("landfall-launch"),
		Payload:      []byte(`{"accounts":["222222222222"],"dryRun":true}`),
	})
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if out.FunctionError != nil {
		t.Fatalf("launch failed: %s: %s", aws.ToString(out.FunctionError), out.Payload)
	}
	var resp launch.Response
	if err := json.Unmarshal(out.Payload, &resp); err != nil {
		t.Fatalf("decode launch response %s: %v", out.Payload, err)
	}
	if resp.Outcome != launch.OutcomeDryRun || len(resp.DryRun) != 1 || resp.DryRun[0].Account.ID != "222222222222" || len(resp.DryRun[0].Targets) == 0 {
		t.Errorf("launch response = %s, want a dry run of 222222222222 with targets", out.Payload)
	}
	if invs := env.Cloud.Functions().Invocations("landfall-launch"); len(invs) != 1 || invs[0].Error != nil {
		t.Errorf("Invocations = %+v, want one successful", invs)
	}
	if n := env.Cloud.Calls().Count("lambda.Invoke"); n != 1 {
		t.Errorf("call log counts %d lambda.Invoke, want 1", n)
	}
}

// TestCloudRegisterFunctionIn registers a function in a member account and
// invokes it as a role of that account, through the Cloud's STS.
func TestCloudRegisterFunctionIn(t *testing.T) {
	world, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	cloud, err := localaws.New(world, localaws.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cloud.RegisterFunctionIn(member, "us-west-2", "member-fn", echo(), lambdafn.WithTimeout(time.Minute))
	role := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cloud.Config("us-west-2", nil)), "arn:aws:iam::"+member+":role/AWSControlTowerExecution")
	asMember := awslambda.NewFromConfig(cloud.Config("us-west-2", aws.NewCredentialsCache(role)))
	out, err := asMember.Invoke(t.Context(), &awslambda.InvokeInput{FunctionName: aws.String("member-fn")})
	if err != nil {
		t.Fatalf("Invoke as the member account: %v", err)
	}
	var got seen
	if err := json.Unmarshal(out.Payload, &got); err != nil || got.FunctionARN != lambdafn.ARN(member, "us-west-2", "member-fn") {
		t.Errorf("handler saw %+v (%v)", got, err)
	}
	// The management account's administrator has no function of that name.
	_, err = awslambda.NewFromConfig(cloud.Config("us-west-2", nil)).Invoke(t.Context(), &awslambda.InvokeInput{FunctionName: aws.String("member-fn")})
	_ = wantError[*types.ResourceNotFoundException](t, err)
}
