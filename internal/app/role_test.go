package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/app/launchfn"
	"github.com/landfall/landfall/internal/app/workerfn"
	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/provision"
	"github.com/landfall/landfall/internal/status"
)

// TestEachFunctionAssumesItsOwnRole: with member roles the launch function
// is configured with LandfallReader and the worker with LandfallProvisioner.
// Even sharing one plan (as the local runner does), each opens accounts, and
// names the role in status messages, with its own configuration's role.
func TestEachFunctionAssumesItsOwnRole(t *testing.T) {
	pl, err := plan.ExamplePlan()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                 string
		launchRole, workRole string
		readerRole           string // the worker's LANDFALL_READER_ROLE_NAME
		wantLaunch, wantWork string
	}{
		{"member roles", "LandfallReader", "LandfallProvisioner", "LandfallReader", "LandfallReader", "LandfallProvisioner"},
		{"the plan's role", "", "", "", "AWSControlTowerExecution", "AWSControlTowerExecution"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := aws.Config{Region: "us-east-1"}
			launch := launchfn.New(cfg, config.Config{ExecutionRoleName: tt.launchRole}, pl, app.Options{})
			worker := workerfn.New(cfg, config.Config{ExecutionRoleName: tt.workRole, ReaderRoleName: tt.readerRole}, pl, app.Options{})
			dry, ok := launch.DryRunner.(provision.DryRunner)
			if !ok {
				t.Fatalf("launch DryRunner is %T", launch.DryRunner)
			}
			reporter, ok := launch.Status.(*status.Reporter)
			if !ok {
				t.Fatalf("launch Status is %T", launch.Status)
			}
			for _, c := range []struct {
				what, got, want string
			}{
				{"dry runs", dry.Accounts.(*provision.Sessions).RoleName, tt.wantLaunch},
				{"status", reporter.Accounts.(status.Opened).Opener.(*provision.Sessions).RoleName, tt.wantLaunch},
				{"status messages", reporter.RoleName, tt.wantLaunch},
				{"worker", worker.Accounts.(*provision.Sessions).RoleName, tt.wantWork},
				// The worker associates the launch function's role with the
				// portfolios it opens, so dry runs and status see the products.
				{"worker associates", worker.Engine.ReaderRoleName, tt.readerRole},
			} {
				if c.got != c.want {
					t.Errorf("%s assume %q, want %q", c.what, c.got, c.want)
				}
			}
			if pl.ExecutionRoleName != "AWSControlTowerExecution" {
				t.Errorf("wiring changed the shared plan's role to %q", pl.ExecutionRoleName)
			}
		})
	}
}
