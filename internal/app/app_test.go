package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/app/launchfn"
	"github.com/landfall/landfall/internal/app/workerfn"
	"github.com/landfall/landfall/internal/config"
)

func setEnv(t *testing.T, planFile string) {
	t.Helper()
	t.Setenv(config.EnvPlanFile, planFile)
	t.Setenv(config.EnvQueueURL, "https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work")
	t.Setenv(config.EnvTopicARN, "arn:aws:sns:us-east-1:111111111111:landfall-notifications")
	t.Setenv(config.EnvLedgerTable, "landfall-ledger")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestLoad(t *testing.T) {
	setEnv(t, "../plan/example.yaml")
	t.Setenv(config.EnvExecutionRoleName, "CustomExecution")
	d, err := app.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.AWS.Region != "us-east-1" || len(d.Plan.Products) != 2 || d.Plan.ExecutionRoleName != "CustomExecution" {
		t.Errorf("deployment = region %q, %d products, role %q", d.AWS.Region, len(d.Plan.Products), d.Plan.ExecutionRoleName)
	}
	// The handlers wire without calling AWS.
	if launchfn.New(d.AWS, d.Config, d.Plan, app.Options{}).Status == nil || workerfn.New(d.AWS, d.Config, d.Plan, app.Options{}).Engine == nil {
		t.Error("handlers not fully wired")
	}
}

func TestLoadRefusesAnInvalidPlan(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(bad, []byte("regions: [us-west-9]\nproducts: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	setEnv(t, bad)
	_, err := app.Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), `"us-west-9" is not a region`) {
		t.Errorf("want the validator's message, got %v", err)
	}
}

func TestLoadReportsConfiguration(t *testing.T) {
	setEnv(t, "../plan/example.yaml")
	t.Setenv(config.EnvQueueURL, "")
	_, err := app.Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), config.EnvQueueURL) {
		t.Errorf("want the configuration problem named, got %v", err)
	}
}

// Each function's binary links only its own handler's packages (issue #14):
// the worker never links launch, status or directory, launch never links worker.
func TestFunctionsLinkOnlyTheirOwnHandler(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for fn, banned := range map[string][]string{
		"worker": {"internal/launch", "internal/status", "internal/directory", "internal/app/launchfn"},
		"launch": {"internal/worker", "internal/app/workerfn"},
	} {
		out, err := exec.Command("go", "list", "-deps", "github.com/landfall/landfall/functions/"+fn).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", fn, err)
		}
		for _, pkg := range banned {
			if slices.Contains(strings.Fields(string(out)), "github.com/landfall/landfall/"+pkg) {
				t.Errorf("functions/%s links %s", fn, pkg)
			}
		}
	}
}
