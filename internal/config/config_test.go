package config

import (
	"log/slog"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func valid() map[string]string {
	return map[string]string{
		EnvPlanFile: "/opt/landfall/plan.yaml",
		EnvQueueURL: "https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work",
		EnvTopicARN: "arn:aws:sns:us-east-1:111111111111:landfall-notifications",
	}
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(valid()))
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkerConcurrency != 5 || c.TargetConcurrency != 8 || c.LogLevel != slog.LevelInfo || c.ExecutionRoleName != "" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadOverrides(t *testing.T) {
	m := valid()
	m[EnvExecutionRoleName] = "CustomExecution"
	m[EnvWorkerConcurrency] = "20"
	m[EnvTargetConcurrency] = "4"
	m[EnvLogLevel] = "debug"
	c, err := Load(env(m))
	if err != nil {
		t.Fatal(err)
	}
	if c.ExecutionRoleName != "CustomExecution" || c.WorkerConcurrency != 20 || c.TargetConcurrency != 4 || c.LogLevel != slog.LevelDebug {
		t.Errorf("got %+v", c)
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(env(map[string]string{
		EnvQueueURL:          "landfall-work",
		EnvTopicARN:          "landfall-notifications",
		EnvExecutionRoleName: "bad role name",
		EnvWorkerConcurrency: "0",
		EnvTargetConcurrency: "many",
		EnvLogLevel:          "loud",
	}))
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{
		"LANDFALL_PLAN_FILE: not set",
		`LANDFALL_QUEUE_URL: "landfall-work" is not an SQS queue URL`,
		`LANDFALL_TOPIC_ARN: "landfall-notifications" is not an SNS topic ARN`,
		`LANDFALL_EXECUTION_ROLE_NAME: "bad role name" is not an IAM role name`,
		`LANDFALL_WORKER_CONCURRENCY: "0" must be a whole number from 1 to 1000`,
		`LANDFALL_TARGET_CONCURRENCY: "many" must be a whole number from 1 to 64`,
		`LANDFALL_LOG_LEVEL: "loud" is not a log level`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
