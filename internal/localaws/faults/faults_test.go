package faults_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/faults"
	"github.com/landfall/landfall/internal/localaws/identity"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/wire"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type env struct {
	clock  *clock.Manual
	srv    *wire.Server
	faults *faults.Faults
	// queues holds the management account's queue "work" in us-east-1
	// (workURL), for the faults that act on SQS.
	queues *queues.Queues
}

// workURL is the queue of env.queues.
var workURL = queues.URL("111111111111", "us-east-1", "work")

func newEnv(t *testing.T, spec faults.Spec) *env {
	t.Helper()
	o, err := org.New(org.Spec{
		ID: "o-ab12cd34ef", Root: "r-ab12", ManagementAccount: "111111111111", HomeRegion: "us-east-1",
		Accounts: []org.AccountSpec{
			{ID: "111111111111", Name: "Management", Parent: "r-ab12"},
			{ID: "222222222222", Name: "LifeCycle1", Parent: "r-ab12", Joined: start.Add(-time.Hour)},
			{ID: "888888888888", Name: "brand-new", Parent: "r-ab12", Joined: start},
			{ID: "777777777777", Name: "dev-sandbox", Parent: "r-ab12", DisabledRegions: []string{"ap-east-1"}},
		},
	}, start)
	if err != nil {
		t.Fatal(err)
	}
	c := clock.NewManual(start)
	f, err := faults.New(spec, o, c)
	if err != nil {
		t.Fatal(err)
	}
	q, err := queues.New(queues.Spec{Queues: []queues.QueueSpec{{Account: "111111111111", Region: "us-east-1", Name: "work"}}},
		queues.WithClock(c), queues.WithDuplicates(f.Duplicate))
	if err != nil {
		t.Fatal(err)
	}
	reg := identity.New(o, identity.Options{})
	srv := wire.NewServer(wire.ServerOptions{
		Services:   []wire.Service{identity.NewService(reg), org.NewService(o), q},
		Auth:       reg,
		Clock:      c,
		Middleware: []wire.Middleware{faults.DisabledRegions(o), f.Middleware()},
	})
	return &env{clock: c, srv: srv, faults: f, queues: q}
}

// config returns an SDK config using the standard retryer (3 attempts)
// without its backoff sleeps, through faults.Transport as the local AWS's
// clients are.
func (e *env) config(region string, creds aws.CredentialsProvider) aws.Config {
	if creds == nil {
		creds = credentials.NewStaticCredentialsProvider("test", "test", "")
	}
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String("http://localaws.internal"),
		HTTPClient:   &http.Client{Transport: faults.Transport(e.srv.Client().Transport)},
		Credentials:  creds,
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		},
	}
}

func apiCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

func TestThrottle(t *testing.T) {
	e := newEnv(t, faults.Spec{
		{Service: "organizations", Operation: "ListRoots", Throttle: &faults.Throttle{Rate: 1, Burst: 2}},
		{Service: "sts", Throttle: &faults.Throttle{Rate: 0.5}},
	})
	ctx := t.Context()
	orgc := organizations.NewFromConfig(e.config("us-east-1", nil))
	listRoots := func() error {
		_, err := orgc.ListRoots(ctx, &organizations.ListRootsInput{})
		return err
	}
	for i := range 2 {
		if err := listRoots(); err != nil {
			t.Fatalf("call %d within burst: %v", i, err)
		}
	}
	err := listRoots()
	if apiCode(err) != "ThrottlingException" || !strings.Contains(err.Error(), "Rate exceeded") {
		t.Errorf("third call = %v, want ThrottlingException after retries", err)
	}
	if got := e.srv.Calls().Count("organizations.ListRoots"); got != 5 {
		t.Errorf("ListRoots calls = %d, want 2 + 3 attempts", got)
	}
	// Other operations are not limited by the rule.
	if _, err := orgc.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil {
		t.Errorf("DescribeOrganization: %v", err)
	}
	// The bucket refills on the emulator clock.
	e.clock.Advance(time.Second)
	if err := listRoots(); err != nil {
		t.Errorf("after refill: %v", err)
	}

	// Query services spell it Throttling. Burst defaults to 1.
	stsc := sts.NewFromConfig(e.config("us-east-1", nil))
	if _, err := stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("first STS call: %v", err)
	}
	_, err = stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if apiCode(err) != "Throttling" {
		t.Errorf("STS throttled = %v, want Throttling", err)
	}
	// Buckets are per region.
	if _, err := sts.NewFromConfig(e.config("us-west-2", nil)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("STS in another region: %v", err)
	}
}

func TestErrorRate(t *testing.T) {
	tests := []struct {
		name     string
		rule     faults.Rule
		wantCode string
	}{
		{"internal failure", faults.Rule{Service: "organizations", ErrorRate: 1}, "InternalFailure"},
		{"service unavailable", faults.Rule{Operation: "DescribeOrganization", ErrorRate: 1, Error: faults.ErrServiceUnavailable}, "ServiceUnavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, faults.Spec{tt.rule})
			_, err := organizations.NewFromConfig(e.config("us-east-1", nil)).DescribeOrganization(t.Context(), &organizations.DescribeOrganizationInput{})
			if apiCode(err) != tt.wantCode {
				t.Errorf("error = %v, want %s", err, tt.wantCode)
			}
			if got := e.srv.Calls().Count("organizations.DescribeOrganization"); got != 3 {
				t.Errorf("attempts = %d, want 3 (5xx are retried)", got)
			}
		})
	}

	// A partial rate fails a repeatable subset of calls.
	pattern := func(seed uint64) string {
		e := newEnv(t, faults.Spec{{Service: "sts", ErrorRate: 0.5, Seed: seed}})
		cfg := e.config("us-east-1", nil)
		cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
		client := sts.NewFromConfig(cfg)
		var b strings.Builder
		for range 40 {
			if _, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}); err != nil {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	first, again, other := pattern(7), pattern(7), pattern(8)
	if first != again {
		t.Errorf("same seed, different failures:\n%s\n%s", first, again)
	}
	if !strings.Contains(first, "x") || !strings.Contains(first, ".") {
		t.Errorf("errorRate 0.5 failed all or none: %s", first)
	}
	if first == other {
		t.Errorf("different seeds gave the same sequence %s", first)
	}
}

func TestAssumeRoleDeniedFor(t *testing.T) {
	e := newEnv(t, faults.Spec{{AssumeRoleDeniedFor: 10 * time.Minute}})
	ctx := t.Context()
	stsc := sts.NewFromConfig(e.config("us-east-1", nil))
	assume := func(account string) error {
		_, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/AWSControlTowerExecution"), RoleSessionName: aws.String("landfall")})
		return err
	}
	err := assume("888888888888")
	if apiCode(err) != "AccessDenied" || !strings.Contains(err.Error(), "User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::888888888888:role/AWSControlTowerExecution") {
		t.Errorf("AssumeRole into a new account = %v, want AccessDenied", err)
	}
	if err := assume("222222222222"); err != nil {
		t.Errorf("AssumeRole into an account that joined an hour ago: %v", err)
	}
	e.clock.Advance(10 * time.Minute)
	if err := assume("888888888888"); err != nil {
		t.Errorf("AssumeRole after the window: %v", err)
	}

	// The rule's account selects the target account.
	e2 := newEnv(t, faults.Spec{{Account: "222222222222", AssumeRoleDeniedFor: 2 * time.Hour}})
	stsc = sts.NewFromConfig(e2.config("us-east-1", nil))
	if err := assume("888888888888"); err != nil {
		t.Errorf("AssumeRole into an account the rule does not name: %v", err)
	}
	if err := assume("222222222222"); apiCode(err) != "AccessDenied" {
		t.Errorf("AssumeRole into the named account = %v, want AccessDenied", err)
	}
}

func TestShareDelay(t *testing.T) {
	e := newEnv(t, faults.Spec{
		{ShareInvisibleFor: 5 * time.Minute},
		{Service: "servicecatalog", Region: "us-west-1", Account: "888888888888", ShareInvisibleFor: time.Hour},
	})
	tests := []struct {
		account, region string
		want            time.Duration
	}{
		{"888888888888", "us-west-1", time.Hour},
		{"888888888888", "us-east-1", 5 * time.Minute},
		{"222222222222", "us-west-1", 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := e.faults.ShareDelay(tt.account, tt.region); got != tt.want {
			t.Errorf("ShareDelay(%s, %s) = %v, want %v", tt.account, tt.region, got, tt.want)
		}
	}
	if err := e.faults.Set(nil); err != nil {
		t.Fatal(err)
	}
	if got := e.faults.ShareDelay("888888888888", "us-west-1"); got != 0 {
		t.Errorf("ShareDelay after Set(nil) = %v", got)
	}
}

func TestDisabledRegions(t *testing.T) {
	e := newEnv(t, nil)
	ctx := t.Context()
	_, err := sts.NewFromConfig(e.config("ap-east-1", nil)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::777777777777:role/AWSControlTowerExecution"), RoleSessionName: aws.String("landfall"),
	})
	var disabled *ststypes.RegionDisabledException
	if !errors.As(err, &disabled) || !strings.Contains(err.Error(), "STS is not activated in this region for account:777777777777. Your account administrator can activate STS in this region using the IAM Console.") {
		t.Fatalf("AssumeRole in a disabled region = %v, want *types.RegionDisabledException", err)
	}

	// A session of that account, obtained in an enabled region, is refused
	// in the disabled one.
	out, err := sts.NewFromConfig(e.config("us-east-1", nil)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::777777777777:role/AWSControlTowerExecution"), RoleSessionName: aws.String("landfall"),
	})
	if err != nil {
		t.Fatalf("AssumeRole in an enabled region: %v", err)
	}
	session := credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
	_, err = organizations.NewFromConfig(e.config("ap-east-1", session)).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if apiCode(err) != "UnrecognizedClientException" || !strings.Contains(err.Error(), "The security token included in the request is invalid.") {
		t.Errorf("JSON call in a disabled region = %v", err)
	}
	// GetCallerIdentity does not model the error, so the SDK surfaces it generically.
	_, err = sts.NewFromConfig(e.config("ap-east-1", session)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if apiCode(err) != "RegionDisabledException" {
		t.Errorf("STS call in a disabled region = %v", err)
	}
	if _, err := organizations.NewFromConfig(e.config("ap-east-1", nil)).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil {
		t.Errorf("management account in ap-east-1: %v", err)
	}
}

func TestSetValidatesAndIsAtomic(t *testing.T) {
	e := newEnv(t, faults.Spec{{Service: "sts", Latency: time.Millisecond}})
	err := e.faults.Set(faults.Spec{{Service: "sts", ErrorRate: 1}, {Service: "s3", ErrorRate: 2}})
	if err == nil || !strings.Contains(err.Error(), `[1].service: "s3" is not an emulated service`) || !strings.Contains(err.Error(), "[1].errorRate: 2 is not between 0 and 1") {
		t.Errorf("Set(invalid) = %v", err)
	}
	if got := e.faults.Rules(); len(got) != 1 || got[0].Latency != time.Millisecond {
		t.Errorf("rules after failed Set = %+v", got)
	}
	if err := e.faults.Add(faults.Rule{Operation: "ListRoots"}); err == nil || !strings.Contains(err.Error(), "rule: has no effect") {
		t.Errorf("Add(no effect) = %v", err)
	}

	// Replacing rules while calls are in flight is safe.
	var wg sync.WaitGroup
	client := sts.NewFromConfig(e.config("us-east-1", nil))
	for range 8 {
		wg.Go(func() {
			for range 5 {
				_, _ = client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
			}
		})
	}
	for i := range 20 {
		if err := e.faults.Set(faults.Spec{{Service: "sts", ErrorRate: float64(i%2+1) / 4, Seed: uint64(i)}}); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		spec faults.Spec
		want []string
	}{
		{"bad selectors", faults.Spec{{Service: "ec2", Operation: "describe", Region: "mars-1", Account: "12", ErrorRate: 0.1}}, []string{
			`[0].service: "ec2" is not an emulated service`, `[0].operation: "describe" is not an API operation name`,
			`[0].region: "mars-1" is not an AWS region`, `[0].account: "12" is not an account ID`,
		}},
		{"bad effects", faults.Spec{{}, {Latency: time.Minute, Throttle: &faults.Throttle{Rate: 0, Burst: -1}, Error: "Boom", ErrorRate: -1}}, []string{
			"[0].rule: has no effect", "[1].latency: 1m0s is above the 30s maximum", "[1].throttle.rate: 0 must be above 0",
			"[1].throttle.burst: -1 is negative", `[1].error: "Boom" is not InternalFailure or ServiceUnavailable`, "[1].errorRate: -1 is not between 0 and 1",
		}},
		{"misplaced propagation faults", faults.Spec{{Service: "sns", AssumeRoleDeniedFor: time.Minute}, {Operation: "AcceptPortfolioShare", ShareInvisibleFor: time.Minute}, {Error: "InternalFailure"}}, []string{
			"[0].assumeRoleDeniedFor: applies to sts AssumeRole", "[1].shareInvisibleFor: applies to Service Catalog shares", "[2].error: is set but errorRate is 0",
		}},
		{"bad windows", faults.Spec{{ErrorRate: 1, From: -time.Second, Until: -time.Minute}, {ErrorRate: 1, From: 10 * time.Minute, Until: 5 * time.Minute}}, []string{
			"[0].from: -1s is negative", "[0].until: -1m0s is negative", "[1].until: 5m0s is not after from (10m0s); the window would be empty",
		}},
		{"bad operations", faults.Spec{{Operation: "ListRoots", Operations: []string{"ListRoots", "list"}, Throttle: &faults.Throttle{Rate: 1, Shared: true}}}, []string{
			`[0].operations: is set with operation "ListRoots"; set operation for one operation or operations for several, not both`,
			`[0].operations[1]: "list" is not an API operation name`,
		}},
		{"bad lost responses", faults.Spec{{LoseResponseRate: 1.5, LoseResponseAs: "hang"}, {Service: "sqs", LoseResponseAs: "timeout", Latency: time.Millisecond}}, []string{
			"[0].loseResponseRate: 1.5 is not between 0 and 1", `[0].loseResponseAs: "hang" is not error or timeout`,
			"[1].loseResponseAs: is set but loseResponseRate is 0",
		}},
		{"misplaced duplicates", faults.Spec{{Service: "sns", DuplicateRate: 0.1}, {Service: "sqs", Operations: []string{"SendMessage"}, DuplicateRate: 0.1}, {DuplicateRate: -1}}, []string{
			"[0].duplicateRate: applies to sqs ReceiveMessage", "[1].duplicateRate: applies to sqs ReceiveMessage", "[2].duplicateRate: -1 is not between 0 and 1",
		}},
		{"propagation faults take no operations", faults.Spec{{Operations: []string{"ListPortfolios"}, ShareInvisibleFor: time.Minute}}, []string{
			"[0].shareInvisibleFor: applies to Service Catalog shares",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
	if err := (faults.Spec{{Service: "servicecatalog", Operation: "ProvisionProduct", Region: "us-west-1", Account: "222222222222", Latency: time.Second, Throttle: &faults.Throttle{Rate: 2, Burst: 5}, ErrorRate: 0.1, Error: "ServiceUnavailable", Seed: 3}}).Validate(); err != nil {
		t.Errorf("valid rule: %v", err)
	}
	gameDay := faults.Spec{
		{Service: "servicecatalog", Operations: []string{"DescribeRecord", "DescribeProvisionedProduct"}, Throttle: &faults.Throttle{Rate: 1, Shared: true}, From: time.Minute, Until: time.Hour},
		{Service: "sqs", Operation: "SendMessage", LoseResponseRate: 0.3, LoseResponseAs: faults.LoseAsTimeout, Seed: 3},
		{Service: "sqs", Operation: "ReceiveMessage", DuplicateRate: 0.2, Until: 10 * time.Minute},
	}
	if err := gameDay.Validate(); err != nil {
		t.Errorf("valid game day rules: %v", err)
	}
}
