package identity_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/authz"
	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/identity"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

var (
	start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// wallNow is the fixed "real" time the SDK would judge expiry by.
	wallNow = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
)

func testOrg(t *testing.T) *org.Organization {
	t.Helper()
	o, err := org.New(org.Spec{
		ID: "o-ab12cd34ef", Root: "r-ab12", ManagementAccount: "111111111111", HomeRegion: "us-east-1",
		OUs: []org.OUSpec{{ID: "ou-ab12-l3zc8b3h", Name: "Custom", Parent: "r-ab12"}},
		Accounts: []org.AccountSpec{
			{ID: "111111111111", Name: "Management", Parent: "r-ab12"},
			{ID: "222222222222", Name: "LifeCycle1", Parent: "ou-ab12-l3zc8b3h"},
			{ID: "333333333333", Name: "LifeCycle2", Parent: "ou-ab12-l3zc8b3h", Roles: []string{"AWSControlTowerExecution"}, IAMRoles: []org.RoleSpec{
				{Name: "ReadOnly", TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"sts:AssumeRole"}]}`},
			}},
			{ID: "444444444444", Name: "Gone", Parent: "ou-ab12-l3zc8b3h", Status: org.StatusSuspended},
		},
	}, start)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

type env struct {
	clock *clock.Manual
	srv   *wire.Server
	reg   *identity.Registry
}

func newEnv(t *testing.T) *env {
	t.Helper()
	o := testOrg(t)
	reg := identity.New(o, identity.Options{Wall: clock.NewManual(wallNow)})
	c := clock.NewManual(start)
	srv := wire.NewServer(wire.ServerOptions{
		Services:   []wire.Service{identity.NewService(reg), org.NewService(o)},
		Auth:       reg,
		Clock:      c,
		Middleware: []wire.Middleware{authz.New(authz.Config{Org: o, Identities: reg}).Middleware()},
	})
	return &env{clock: c, srv: srv, reg: reg}
}

func (e *env) config(creds aws.CredentialsProvider) aws.Config {
	if creds == nil {
		creds = credentials.NewStaticCredentialsProvider("test", "test", "")
	}
	return aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://localaws.internal"),
		HTTPClient:   e.srv.Client(),
		Credentials:  creds,
		Retryer:      func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), 1) },
	}
}

func TestAdminIdentity(t *testing.T) {
	e := newEnv(t)
	out, err := sts.NewFromConfig(e.config(nil)).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "111111111111" || aws.ToString(out.Arn) != "arn:aws:iam::111111111111:user/admin" || !strings.HasPrefix(aws.ToString(out.UserId), "AIDA") {
		t.Errorf("GetCallerIdentity = %s %s %s", aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId))
	}
}

func TestAssumeRoleAndUseSession(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	client := sts.NewFromConfig(e.config(nil))
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/AWSControlTowerExecution"), RoleSessionName: aws.String("landfall-run"),
		DurationSeconds: aws.Int32(900), ExternalId: aws.String("ignored"),
	})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	creds := out.Credentials
	if !strings.HasPrefix(aws.ToString(creds.AccessKeyId), "ASIA") || len(aws.ToString(creds.AccessKeyId)) != 20 ||
		aws.ToString(creds.SecretAccessKey) == "" || aws.ToString(creds.SessionToken) == "" {
		t.Errorf("credentials = %+v", creds)
	}
	if got, want := aws.ToTime(creds.Expiration), wallNow.Add(15*time.Minute); !got.Equal(want) {
		t.Errorf("Expiration = %v, want %v (wall clock + duration)", got, want)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::222222222222:assumed-role/AWSControlTowerExecution/landfall-run" {
		t.Errorf("AssumedRoleUser.Arn = %s", got)
	}
	roleID := aws.ToString(out.AssumedRoleUser.AssumedRoleId)
	if !strings.HasPrefix(roleID, "AROA") || !strings.HasSuffix(roleID, ":landfall-run") {
		t.Errorf("AssumedRoleId = %s", roleID)
	}

	session := credentials.NewStaticCredentialsProvider(aws.ToString(creds.AccessKeyId), aws.ToString(creds.SecretAccessKey), aws.ToString(creds.SessionToken))
	who, err := sts.NewFromConfig(e.config(session)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity as session: %v", err)
	}
	if aws.ToString(who.Account) != "222222222222" || aws.ToString(who.Arn) != aws.ToString(out.AssumedRoleUser.Arn) || aws.ToString(who.UserId) != roleID {
		t.Errorf("GetCallerIdentity as session = %+v", who)
	}

	// The session resolves to a caller with the role's IAM ARN, which
	// Service Catalog principal association matches on.
	caller, err := e.reg.Authenticate(aws.ToString(creds.AccessKeyId), start)
	if err != nil || caller.RoleARN != "arn:aws:iam::222222222222:role/AWSControlTowerExecution" || caller.RoleName != "AWSControlTowerExecution" || caller.SessionName != "landfall-run" || caller.Admin {
		t.Errorf("Authenticate(session) = %+v, %v", caller, err)
	}

	// A member session may not reach into the organization's management APIs.
	_, err = organizations.NewFromConfig(e.config(session)).ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantAPIError(t, err, "AccessDeniedException", "permissions")

	// Expiry is on the emulator clock.
	e.clock.Advance(15 * time.Minute)
	_, err = sts.NewFromConfig(e.config(session)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ExpiredToken", "expired")
	_, err = organizations.NewFromConfig(e.config(session)).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantAPIError(t, err, "ExpiredTokenException", "expired")
	if n := e.reg.Sessions(e.clock.Now()); n != 0 {
		t.Errorf("valid sessions after expiry = %d", n)
	}
}

func TestStscredsProvider(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(e.config(nil)), "arn:aws:iam::333333333333:role/AWSControlTowerExecution",
		func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "landfall" })
	member := sts.NewFromConfig(e.config(aws.NewCredentialsCache(provider)))
	for range 3 {
		out, err := member.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity via stscreds: %v", err)
		}
		if aws.ToString(out.Arn) != "arn:aws:sts::333333333333:assumed-role/AWSControlTowerExecution/landfall" {
			t.Errorf("Arn = %s", aws.ToString(out.Arn))
		}
	}
	if got := e.srv.Calls().Count("sts.AssumeRole"); got != 1 {
		t.Errorf("AssumeRole calls = %d, want 1: the SDK cache must keep the session", got)
	}
}

func TestAssumeRoleErrors(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	admin := sts.NewFromConfig(e.config(nil))
	assume := func(client *sts.Client, arn, session string, duration *int32) error {
		_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String(session), DurationSeconds: duration})
		return err
	}
	// A session in 333333333333, to test chaining.
	out, err := admin.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::333333333333:role/AWSControlTowerExecution"), RoleSessionName: aws.String("member")})
	if err != nil {
		t.Fatal(err)
	}
	member := sts.NewFromConfig(e.config(credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), "")))
	memberARN := "arn:aws:sts::333333333333:assumed-role/AWSControlTowerExecution/member"

	tests := []struct {
		name     string
		err      error
		wantCode string
		wantMsg  string
	}{
		{"role missing", assume(admin, "arn:aws:iam::222222222222:role/NoSuchRole", "s1", nil), "AccessDenied",
			"User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/NoSuchRole"},
		{"account not in org", assume(admin, "arn:aws:iam::999999999999:role/AWSControlTowerExecution", "s1", nil), "AccessDenied", "on resource: arn:aws:iam::999999999999:role/AWSControlTowerExecution"},
		{"suspended account", assume(admin, "arn:aws:iam::444444444444:role/AWSControlTowerExecution", "s1", nil), "AccessDenied", "not authorized"},
		{"management has no roles", assume(admin, "arn:aws:iam::111111111111:role/AWSControlTowerExecution", "s1", nil), "AccessDenied", "not authorized"},
		{"member chains into another account", assume(member, "arn:aws:iam::222222222222:role/AWSControlTowerExecution", "s2", nil), "AccessDenied", "User: " + memberARN + " is not authorized"},
		{"session name too short", assume(admin, "arn:aws:iam::222222222222:role/AWSControlTowerExecution", "x", nil), "ValidationError", "roleSessionName"},
		{"session name pattern", assume(admin, "arn:aws:iam::222222222222:role/AWSControlTowerExecution", "bad name", nil), "ValidationError", `[\w+=,.@-]*`},
		{"session name too long", assume(admin, "arn:aws:iam::222222222222:role/AWSControlTowerExecution", strings.Repeat("a", 65), nil), "ValidationError", "less than or equal to 64"},
		{"bad role arn", assume(admin, "arn:aws:iam::2222:role/AWSControlTowerExecution", "s1", nil), "ValidationError", "is invalid"},
		{"duration too short", assume(admin, "arn:aws:iam::222222222222:role/AWSControlTowerExecution", "s1", aws.Int32(60)), "ValidationError", "greater than or equal to 900"},
		{"duration above role max", assume(admin, "arn:aws:iam::222222222222:role/AWSControlTowerExecution", "s1", aws.Int32(7200)), "ValidationError", "MaxSessionDuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantAPIError(t, tt.err, tt.wantCode, tt.wantMsg) })
	}

	// Same-account chaining is allowed where the trust policy says so:
	// ReadOnly trusts its own account, and the session's
	// AdministratorAccess allows sts:AssumeRole. The administrator of the
	// management account is not trusted by ReadOnly.
	if err := assume(member, "arn:aws:iam::333333333333:role/ReadOnly", "s3", nil); err != nil {
		t.Errorf("same-account chaining: %v", err)
	}
	wantAPIError(t, assume(admin, "arn:aws:iam::333333333333:role/ReadOnly", "s4", nil), "AccessDenied",
		"User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/ReadOnly")
	// Keys that look issued but are unknown are rejected, not promoted to admin.
	forged := sts.NewFromConfig(e.config(credentials.NewStaticCredentialsProvider("ASIAFORGEDFORGED1234", "x", "")))
	_, err = forged.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "invalid")
}

func TestParseRoleARN(t *testing.T) {
	tests := []struct {
		arn           string
		account, role string
		ok            bool
	}{
		{"arn:aws:iam::222222222222:role/AWSControlTowerExecution", "222222222222", "AWSControlTowerExecution", true},
		{"arn:aws:iam::222222222222:role/service-role/Launch", "222222222222", "Launch", true},
		{"arn:aws:iam:::role/AWSControlTowerExecution", "", "", false},
		{"arn:aws:iam::222222222222:user/admin", "", "", false},
	}
	for _, tt := range tests {
		account, role, ok := identity.ParseRoleARN(tt.arn)
		if account != tt.account || role != tt.role || ok != tt.ok {
			t.Errorf("ParseRoleARN(%s) = %s, %s, %v", tt.arn, account, role, ok)
		}
	}
}

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if apiErr.ErrorCode() != code || !strings.Contains(apiErr.ErrorMessage(), msg) {
		t.Errorf("error = %s: %s; want %s containing %q", apiErr.ErrorCode(), apiErr.ErrorMessage(), code, msg)
	}
}

func TestReportedExpiryOnSpedUpClock(t *testing.T) {
	o := testOrg(t)
	reg := identity.New(o, identity.Options{Wall: clock.NewManual(wallNow), Speed: 60})
	srv := wire.NewServer(wire.ServerOptions{Services: []wire.Service{identity.NewService(reg)}, Auth: reg, Clock: clock.NewManual(start)})
	out, err := sts.NewFromConfig(aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String("http://localaws.internal"), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}).AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/AWSControlTowerExecution"), RoleSessionName: aws.String("fast")})
	if err != nil {
		t.Fatal(err)
	}
	// One emulated hour passes in one real minute.
	if got, want := aws.ToTime(out.Credentials.Expiration), wallNow.Add(time.Minute); !got.Equal(want) {
		t.Errorf("Expiration = %v, want %v", got, want)
	}
}

func TestPolicies(t *testing.T) {
	e := newEnv(t)
	if got := e.reg.Policies(e.reg.Admin()); len(got) != 1 || got[0] != org.AdministratorPolicy() {
		t.Errorf("administrator's policies = %v, want AdministratorAccess", got)
	}
	// ReadOnly was declared without identity policies: it may do nothing.
	session := wire.Caller{Account: "333333333333", RoleName: "ReadOnly", RoleARN: "arn:aws:iam::333333333333:role/ReadOnly"}
	if got := e.reg.Policies(session); len(got) != 0 {
		t.Errorf("ReadOnly's policies = %v, want none", got)
	}
	session.RoleName = "AWSControlTowerExecution"
	if got := e.reg.Policies(session); len(got) != 1 || got[0] != org.AdministratorPolicy() {
		t.Errorf("default role's policies = %v, want AdministratorAccess", got)
	}
	session.RoleName = "Gone"
	if got := e.reg.Policies(session); got != nil {
		t.Errorf("policies of a role that does not exist = %v, want none", got)
	}
}

func TestServiceCredentials(t *testing.T) {
	o := testOrg(t)
	reg := identity.New(o, identity.Options{})
	c := clock.NewManual(start)
	if _, err := reg.NewServiceCredentials(c, identity.LambdaService, "arn:aws:iam::333333333333:role/ReadOnly", "fn"); err == nil ||
		!strings.Contains(err.Error(), "User: lambda.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/ReadOnly") {
		t.Errorf("a role that does not trust Lambda = %v, want AccessDenied", err)
	}
}
