package localaws_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/faults"
)

// defaultWorld returns a fresh default world.
func defaultWorld(t testing.TB) *localaws.World {
	t.Helper()
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// newFromDefault builds a Cloud on the default world.
func newFromDefault() (*localaws.Cloud, error) {
	w, err := localaws.DefaultWorld()
	if err != nil {
		return nil, err
	}
	return localaws.New(w, localaws.Options{})
}

func newCloud(t *testing.T, w *localaws.World) *localaws.Cloud {
	t.Helper()
	if w == nil {
		w = defaultWorld(t)
	}
	cloud, err := localaws.New(w, localaws.Options{})
	if err != nil {
		t.Fatalf("localaws.New: %v", err)
	}
	return cloud
}

// memberConfig returns a config acting as role in account through stscreds,
// the way Landfall's worker does.
func memberConfig(cloud *localaws.Cloud, region, account, role string) aws.Config {
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cloud.Config(region, nil)), "arn:aws:iam::"+account+":role/"+role,
		func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "landfall-test" })
	return cloud.Config(region, aws.NewCredentialsCache(provider))
}

func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

func TestCloudIdentities(t *testing.T) {
	cloud := newCloud(t, nil)
	ctx := t.Context()

	admin, err := sts.NewFromConfig(cloud.Config("us-east-1", nil)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(admin.Arn) != "arn:aws:iam::111111111111:user/admin" {
		t.Fatalf("admin GetCallerIdentity = %v, %v", admin, err)
	}

	member := memberConfig(cloud, "us-west-1", "222222222222", "AWSControlTowerExecution")
	who, err := sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::222222222222:assumed-role/AWSControlTowerExecution/landfall-test" {
		t.Fatalf("member GetCallerIdentity = %v, %v", who, err)
	}
	if got := cloud.Calls().CountFor("sts.AssumeRole", "111111111111", "us-west-1"); got != 1 {
		t.Errorf("AssumeRole calls = %d, want 1", got)
	}

	// The management account reads the organization; a member cannot.
	orgs := organizations.NewFromConfig(cloud.Config("us-east-1", nil))
	accounts, err := orgs.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(accounts.Accounts) != 8 {
		t.Errorf("ListAccounts = %v, %v", accounts, err)
	}
	if _, err := organizations.NewFromConfig(member).ListAccounts(ctx, &organizations.ListAccountsInput{}); errorCode(err) != "AccessDeniedException" {
		t.Errorf("member ListAccounts = %v, want AccessDeniedException", err)
	}
	if cloud.Org().ManagementAccount() != "111111111111" || cloud.Identity() == nil || cloud.Handler() == nil || cloud.Clock() == nil {
		t.Error("accessors")
	}
}

func TestCloudErrorPaths(t *testing.T) {
	w := defaultWorld(t)
	w.Organization.Accounts[7].DisabledRegions = []string{"ap-east-1"} // 777777777777
	cloud := newCloud(t, w)
	ctx := t.Context()
	manual, ok := cloud.ManualClock()
	if !ok {
		t.Fatal("default clock is not manual")
	}
	admin := sts.NewFromConfig(cloud.Config("us-east-1", nil))
	assume := func(client *sts.Client, arn string) (*sts.AssumeRoleOutput, error) {
		return client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("landfall")})
	}

	t.Run("role missing", func(t *testing.T) {
		_, err := assume(admin, "arn:aws:iam::222222222222:role/LandfallLaunch")
		if errorCode(err) != "AccessDenied" || !strings.Contains(err.Error(), "User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/LandfallLaunch") {
			t.Errorf("AssumeRole = %v", err)
		}
	})
	t.Run("not assumable from a member", func(t *testing.T) {
		_, err := sts.NewFromConfig(memberConfig(cloud, "us-east-1", "222222222222", "AWSControlTowerExecution")).
			AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::333333333333:role/AWSControlTowerExecution"), RoleSessionName: aws.String("hop")})
		if errorCode(err) != "AccessDenied" {
			t.Errorf("chained AssumeRole = %v", err)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		out, err := assume(admin, "arn:aws:iam::333333333333:role/AWSControlTowerExecution")
		if err != nil {
			t.Fatal(err)
		}
		session := credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
		manual.Advance(time.Hour)
		_, err = sts.NewFromConfig(cloud.Config("us-east-1", session)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if errorCode(err) != "ExpiredToken" {
			t.Errorf("expired session = %v", err)
		}
	})
	t.Run("region disabled", func(t *testing.T) {
		_, err := assume(sts.NewFromConfig(cloud.Config("ap-east-1", nil)), "arn:aws:iam::777777777777:role/AWSControlTowerExecution")
		var disabled *ststypes.RegionDisabledException
		if !errors.As(err, &disabled) {
			t.Errorf("AssumeRole in a disabled region = %v", err)
		}
	})
	t.Run("throttled after retries", func(t *testing.T) {
		if err := cloud.Faults().Set(faults.Spec{{Service: "sns", Operation: "Publish", Throttle: &faults.Throttle{Rate: 1}}}); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = cloud.Faults().Set(nil) }()
		cloud.Calls().Reset()
		client := sns.NewFromConfig(cloud.Config("us-east-1", nil))
		publish := func() error {
			_, err := client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-east-1:111111111111:landfall-notifications"), Message: aws.String("hi")})
			return err
		}
		if err := publish(); err != nil {
			t.Fatalf("first publish: %v", err)
		}
		if err := publish(); errorCode(err) != "Throttling" {
			t.Errorf("second publish = %v, want Throttling", err)
		}
		if got := cloud.Calls().Count("sns.Publish"); got != 4 {
			t.Errorf("Publish calls = %d, want 1 + 3 attempts", got)
		}
	})
	t.Run("5xx retried", func(t *testing.T) {
		if err := cloud.Faults().Set(faults.Spec{{Service: "organizations", ErrorRate: 0.5, Seed: 4}}); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = cloud.Faults().Set(nil) }()
		cloud.Calls().Reset()
		orgs := organizations.NewFromConfig(cloud.Config("us-east-1", nil))
		succeeded := 0
		for range 10 {
			if _, err := orgs.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err == nil {
				succeeded++
			} else if errorCode(err) != "InternalFailure" {
				t.Errorf("unexpected error %v", err)
			}
		}
		if calls := cloud.Calls().Count("organizations.DescribeOrganization"); calls <= 10 || succeeded < 8 {
			t.Errorf("%d of 10 succeeded in %d calls; retries should hide most 50%% failures", succeeded, calls)
		}
	})
}

func TestServeWithEndpointURL(t *testing.T) {
	cloud := newCloud(t, nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- cloud.Serve(ctx, l) }()

	// What the package documentation tells users to do.
	dir := t.TempDir()
	t.Setenv("AWS_ENDPOINT_URL", "http://"+l.Addr().String())
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(out.Account) != "111111111111" {
		t.Errorf("GetCallerIdentity over a socket = %v, %v", out, err)
	}
	if got := cloud.Calls().CountFor("sts.GetCallerIdentity", "111111111111", "eu-west-1"); got != 1 {
		t.Errorf("calls over the socket = %d", got)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after cancel = %v, want nil", err)
	}
}

// BenchmarkAssumedRoleCall measures one API call through the in-memory
// transport with cached assumed-role credentials, the unit of work of the
// 200-account tests.
func BenchmarkAssumedRoleCall(b *testing.B) {
	cloud, err := newFromDefault()
	if err != nil {
		b.Fatal(err)
	}
	client := sts.NewFromConfig(memberConfig(cloud, "us-east-1", "222222222222", "AWSControlTowerExecution"))
	ctx := b.Context()
	for b.Loop() {
		if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			b.Fatal(err)
		}
	}
}
