package account_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/org"
)

// delay is regionEnablementDelay in testdata/world.yaml.
const delay = 3 * time.Minute

func wantConflict(t *testing.T, op string, err error) {
	t.Helper()
	var ce *types.ConflictException
	msg := "Account 222222222222 and region af-south-1 is currently being enabled or disabled. Please wait until it finishes and then try again."
	if !errors.As(err, &ce) || aws.ToString(ce.Message) != msg {
		t.Errorf("%s = %v, want ConflictException %q", op, err, msg)
	}
}

func wantCannotSwitch(t *testing.T, op string, err error) {
	t.Helper()
	var ve *types.ValidationException
	if !errors.As(err, &ve) || ve.Reason != types.ValidationExceptionReasonInvalidRegionOptTarget ||
		aws.ToString(ve.Message) != "Unable to switch region status because of its current opt-in status." ||
		len(ve.FieldList) != 1 || aws.ToString(ve.FieldList[0].Name) != "RegionName" {
		t.Errorf("%s = %v, want ValidationException invalidRegionOptTarget naming RegionName", op, err)
	}
}

func wantRegionDisabled(t *testing.T, when string, err error) {
	t.Helper()
	if errorCode(err) != "RegionDisabledException" {
		t.Errorf("%s: AssumeRole in af-south-1 = %v, want RegionDisabledException", when, err)
	}
}

// TestEnableThenDisable plays a member's opt-in region through its whole
// life, from the member account itself (no AccountId): STS refuses
// credentials there until the region is ENABLED, keeps issuing them while
// it is DISABLING, and the status moves on the emulator clock.
func TestEnableThenDisable(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	af := aws.String("af-south-1")
	enable := func() error {
		_, err := e.memberAcct.EnableRegion(ctx, &account.EnableRegionInput{RegionName: af})
		return err
	}
	disable := func() error {
		_, err := e.memberAcct.DisableRegion(ctx, &account.DisableRegionInput{RegionName: af})
		return err
	}
	get := func() types.RegionOptStatus {
		t.Helper()
		out, err := e.memberAcct.GetRegionOptStatus(ctx, &account.GetRegionOptStatusInput{RegionName: af})
		if err != nil {
			t.Fatal(err)
		}
		return out.RegionOptStatus
	}

	wantRegionDisabled(t, "DISABLED", e.assumeIn("af-south-1", member))
	wantCannotSwitch(t, "DisableRegion while DISABLED", disable())

	if err := enable(); err != nil {
		t.Fatalf("EnableRegion: %v", err)
	}
	if got := get(); got != types.RegionOptStatusEnabling {
		t.Errorf("after EnableRegion: %s, want ENABLING", got)
	}
	wantRegionDisabled(t, "ENABLING", e.assumeIn("af-south-1", member))
	wantConflict(t, "EnableRegion while ENABLING", enable())
	wantConflict(t, "DisableRegion while ENABLING", disable())

	e.clock.Advance(delay - time.Second)
	if got := get(); got != types.RegionOptStatusEnabling {
		t.Errorf("1s before the delay: %s, want ENABLING", got)
	}
	e.clock.Advance(time.Second)
	if got := get(); got != types.RegionOptStatusEnabled {
		t.Errorf("after the delay: %s, want ENABLED", got)
	}
	if err := e.assumeIn("af-south-1", member); err != nil {
		t.Errorf("ENABLED: AssumeRole in af-south-1 = %v", err)
	}
	wantCannotSwitch(t, "EnableRegion while ENABLED", enable())

	if err := disable(); err != nil {
		t.Fatalf("DisableRegion: %v", err)
	}
	if got := get(); got != types.RegionOptStatusDisabling {
		t.Errorf("after DisableRegion: %s, want DISABLING", got)
	}
	if err := e.assumeIn("af-south-1", member); err != nil {
		t.Errorf("DISABLING: AssumeRole in af-south-1 = %v; the region stays usable until DISABLED", err)
	}
	wantConflict(t, "EnableRegion while DISABLING", enable())
	e.clock.Advance(delay)
	if got := get(); got != types.RegionOptStatusDisabled {
		t.Errorf("after the delay: %s, want DISABLED", got)
	}
	wantRegionDisabled(t, "DISABLED again", e.assumeIn("af-south-1", member))
}

// TestEnableFromManagement enables a member's region from the management
// account (AccountId, trusted access on): the member's STS follows.
func TestEnableFromManagement(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if _, err := e.admin.EnableRegion(ctx, &account.EnableRegionInput{AccountId: aws.String(member), RegionName: aws.String("me-south-1")}); err != nil {
		t.Fatalf("EnableRegion: %v", err)
	}
	out, err := e.admin.ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String(member),
		RegionOptStatusContains: []types.RegionOptStatus{types.RegionOptStatusEnabling}})
	if err != nil || len(out.Regions) != 1 || aws.ToString(out.Regions[0].RegionName) != "me-south-1" {
		t.Fatalf("ListRegions(ENABLING) = %+v, %v", out, err)
	}
	if e.cloud.Org().RegionEnabled(member, "me-south-1", e.clock.Now()) {
		t.Error("RegionEnabled while ENABLING")
	}
	e.clock.Advance(delay)
	if got := e.status(member, "me-south-1"); got != org.OptStatusEnabled {
		t.Errorf("status = %s, want ENABLED", got)
	}
	if !e.cloud.Org().RegionEnabled(member, "me-south-1", e.clock.Now()) {
		t.Error("not RegionEnabled once ENABLED")
	}
	if err := e.assumeIn("me-south-1", member); err != nil {
		t.Errorf("AssumeRole in me-south-1 = %v", err)
	}
	// The other member is untouched.
	if got := e.status(other, "me-south-1"); got != org.OptStatusEnabled {
		t.Errorf("%s me-south-1 = %s", other, got)
	}
}

// TestDefaultRegionsCannotChange: a region enabled by default is not an
// opt-in target, from either context.
func TestDefaultRegionsCannotChange(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	for _, c := range []struct {
		name   string
		client *account.Client
		id     *string
	}{{"member", e.memberAcct, nil}, {"management for member", e.admin, aws.String(member)}, {"management itself", e.admin, nil}} {
		_, err := c.client.EnableRegion(ctx, &account.EnableRegionInput{AccountId: c.id, RegionName: aws.String("eu-west-1")})
		wantCannotSwitch(t, c.name+" EnableRegion(eu-west-1)", err)
		_, err = c.client.DisableRegion(ctx, &account.DisableRegionInput{AccountId: c.id, RegionName: aws.String("us-east-1")})
		wantCannotSwitch(t, c.name+" DisableRegion(us-east-1)", err)
	}
	_, err := e.memberAcct.EnableRegion(ctx, &account.EnableRegionInput{RegionName: aws.String("mars-east-1")})
	var ve *types.ValidationException
	if !errors.As(err, &ve) || ve.Reason != types.ValidationExceptionReasonFieldValidationFailed {
		t.Errorf("EnableRegion(mars-east-1) = %v, want ValidationException fieldValidationFailed", err)
	}
}

// TestStandInRegion: a default region listed in disabledRegions (here
// us-west-1) behaves as a disabled opt-in region of that account, so tests
// can play region enablement in a region they already use.
func TestStandInRegion(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if err := e.assumeIn("us-west-1", member); errorCode(err) != "RegionDisabledException" {
		t.Fatalf("AssumeRole in us-west-1 = %v, want RegionDisabledException", err)
	}
	if _, err := e.memberAcct.EnableRegion(ctx, &account.EnableRegionInput{RegionName: aws.String("us-west-1")}); err != nil {
		t.Fatalf("EnableRegion(us-west-1): %v", err)
	}
	e.clock.Advance(delay)
	if got := e.status(member, "us-west-1"); got != org.OptStatusEnabled {
		t.Errorf("status = %s, want ENABLED", got)
	}
	if err := e.assumeIn("us-west-1", member); err != nil {
		t.Errorf("AssumeRole in us-west-1 = %v", err)
	}
}

// TestGlobalEndpoint: the API answers in us-east-1 whatever region the
// client is configured with, so a member whose configured region is still
// disabled can enable it.
func TestGlobalEndpoint(t *testing.T) {
	e := newEnv(t)
	inAF := account.NewFromConfig(e.roleConfig("af-south-1", member, "AWSControlTowerExecution"))
	if _, err := inAF.EnableRegion(t.Context(), &account.EnableRegionInput{RegionName: aws.String("af-south-1")}); err != nil {
		t.Fatalf("EnableRegion from a client in af-south-1: %v", err)
	}
	if got := e.status(member, "af-south-1"); got != org.OptStatusEnabling {
		t.Errorf("status = %s, want ENABLING", got)
	}
}

// TestDelayDefault: a world without regionEnablementDelay takes five
// minutes.
func TestDelayDefault(t *testing.T) {
	e := newEnv(t, func(w *localaws.World) { w.Organization.RegionEnablementDelay = 0 })
	if _, err := e.memberAcct.EnableRegion(t.Context(), &account.EnableRegionInput{RegionName: aws.String("af-south-1")}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(org.DefaultRegionEnablementDelay - time.Second)
	if got := e.status(member, "af-south-1"); got != org.OptStatusEnabling {
		t.Errorf("before 5m: %s", got)
	}
	e.clock.Advance(time.Second)
	if got := e.status(member, "af-south-1"); got != org.OptStatusEnabled {
		t.Errorf("at 5m: %s", got)
	}
}

// TestSetRegionOptStatus: tests can set a region's status at once.
func TestSetRegionOptStatus(t *testing.T) {
	e := newEnv(t)
	o := e.cloud.Org()
	if err := o.SetRegionOptStatus(member, "af-south-1", org.OptStatusEnabled); err != nil {
		t.Fatal(err)
	}
	if err := e.assumeIn("af-south-1", member); err != nil {
		t.Errorf("AssumeRole after SetRegionOptStatus(ENABLED): %v", err)
	}
	if err := o.SetRegionOptStatus(other, "ap-east-1", org.OptStatusDisabled); err != nil {
		t.Fatal(err)
	}
	if got := e.status(other, "ap-east-1"); got != org.OptStatusDisabled {
		t.Errorf("status = %s", got)
	}
	for _, bad := range []struct {
		acct, region string
		status       org.RegionOptStatus
		want         string
	}{
		{member, "us-east-1", org.OptStatusDisabled, "enabled by default"},
		{member, "af-south-1", org.OptStatusEnabling, "is not ENABLED or DISABLED"},
		{"999999999999", "af-south-1", org.OptStatusEnabled, "not in the organization"},
		{member, "mars-1", org.OptStatusEnabled, "not a valid region"},
	} {
		if err := o.SetRegionOptStatus(bad.acct, bad.region, bad.status); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("SetRegionOptStatus(%s, %s, %s) = %v, want %q", bad.acct, bad.region, bad.status, err, bad.want)
		}
	}
}
