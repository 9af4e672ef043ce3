package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/config"
)

func setEnv(t *testing.T, planFile string) {
	t.Helper()
	t.Setenv(config.EnvPlanFile, planFile)
	t.Setenv(config.EnvQueueURL, "https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work")
	t.Setenv(config.EnvTopicARN, "arn:aws:sns:us-east-1:111111111111:landfall-notifications")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestLoad(t *testing.T) {
	setEnv(t, "../plan/example.yaml")
	t.Setenv(config.EnvExecutionRoleName, "CustomExecution")
	d, err := Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.AWS.Region != "us-east-1" || len(d.Plan.Products) != 2 || d.Plan.ExecutionRoleName != "CustomExecution" {
		t.Errorf("deployment = region %q, %d products, role %q", d.AWS.Region, len(d.Plan.Products), d.Plan.ExecutionRoleName)
	}
	// The handlers wire without calling AWS.
	if Launch(d.AWS, d.Config, d.Plan, Options{}).Status == nil || Worker(d.AWS, d.Config, d.Plan, Options{}).Engine == nil {
		t.Error("handlers not fully wired")
	}
}

func TestLoadRefusesAnInvalidPlan(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(bad, []byte("regions: [us-west-9]\nproducts: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	setEnv(t, bad)
	_, err := Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), `"us-west-9" is not a region`) {
		t.Errorf("want the validator's message, got %v", err)
	}
}

func TestLoadReportsConfiguration(t *testing.T) {
	setEnv(t, "../plan/example.yaml")
	t.Setenv(config.EnvQueueURL, "")
	_, err := Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), config.EnvQueueURL) {
		t.Errorf("want the configuration problem named, got %v", err)
	}
}
