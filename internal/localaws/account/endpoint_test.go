package account_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/faults"
)

// TestEndpointURL: a client configured the way Landfall's CLI and binaries
// are against `landfall local serve` (AWS_ENDPOINT_URL, read by
// config.LoadDefaultConfig) reaches the emulated Account Management.
func TestEndpointURL(t *testing.T) {
	e := newEnv(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.cloud.Serve(ctx, l) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

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
	out, err := account.NewFromConfig(cfg).GetRegionOptStatus(ctx, &account.GetRegionOptStatusInput{
		AccountId: aws.String(member), RegionName: aws.String("af-south-1"),
	})
	if err != nil || out.RegionOptStatus != types.RegionOptStatusDisabled {
		t.Errorf("GetRegionOptStatus over a socket = %+v, %v", out, err)
	}
	// Answered at the global endpoint's region, whatever the client's.
	if got := e.cloud.Calls().CountFor("account.GetRegionOptStatus", mgmt, "eu-west-1"); got != 1 {
		t.Errorf("calls logged = %d", got)
	}
}

// TestThrottled: fault rules apply to Account Management like to the other
// services, with its own throttling error.
func TestThrottled(t *testing.T) {
	e := newEnv(t, func(w *localaws.World) {
		w.Faults = append(w.Faults, faults.Rule{Service: "account", Operation: "ListRegions", Throttle: &faults.Throttle{Rate: 0.001, Burst: 1}})
	})
	if _, err := e.memberAcct.ListRegions(t.Context(), &account.ListRegionsInput{}); err != nil {
		t.Fatalf("first ListRegions: %v", err)
	}
	_, err := e.memberAcct.ListRegions(t.Context(), &account.ListRegionsInput{})
	var tm *types.TooManyRequestsException
	if !errors.As(err, &tm) {
		t.Errorf("second ListRegions = %v, want TooManyRequestsException", err)
	}
	// The rule selects ListRegions only.
	if _, err := e.memberAcct.GetRegionOptStatus(t.Context(), &account.GetRegionOptStatusInput{RegionName: aws.String("af-south-1")}); err != nil {
		t.Errorf("GetRegionOptStatus: %v", err)
	}
}
