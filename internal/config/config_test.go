package config

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func valid() map[string]string {
	return map[string]string{
		EnvPlanFile:    "/opt/landfall/plan.yaml",
		EnvQueueURL:    "https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work",
		EnvTopicARN:    "arn:aws:sns:us-east-1:111111111111:landfall-notifications",
		EnvLedgerTable: "landfall-ledger",
	}
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(valid()))
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkerConcurrency != 5 || c.TargetConcurrency != 8 || c.LogLevel != slog.LevelInfo || c.ExecutionRoleName != "" || c.ReaderRoleName != "" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadOverrides(t *testing.T) {
	m := valid()
	m[EnvExecutionRoleName] = "CustomExecution"
	m[EnvReaderRoleName] = " LandfallReader "
	m[EnvWorkerConcurrency] = "20"
	m[EnvTargetConcurrency] = "4"
	m[EnvLogLevel] = "debug"
	c, err := Load(env(m))
	if err != nil {
		t.Fatal(err)
	}
	if c.ExecutionRoleName != "CustomExecution" || c.ReaderRoleName != "LandfallReader" || c.WorkerConcurrency != 20 || c.TargetConcurrency != 4 || c.LogLevel != slog.LevelDebug {
		t.Errorf("got %+v", c)
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(env(map[string]string{
		EnvQueueURL:          "landfall-work",
		EnvTopicARN:          "landfall-notifications",
		EnvExecutionRoleName: "bad role name",
		EnvReaderRoleName:    "arn:aws:iam::222222222222:role/LandfallReader",
		EnvWorkerConcurrency: "0",
		EnvTargetConcurrency: "many",
		EnvLogLevel:          "loud",
		EnvLedgerTable:       "ledger table",
		EnvRunRetentionDays:  "0",
	}))
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{
		"LANDFALL_PLAN_FILE: not set",
		`LANDFALL_QUEUE_URL: "landfall-work" is not an SQS queue URL`,
		`LANDFALL_TOPIC_ARN: "landfall-notifications" is not an SNS topic ARN`,
		`LANDFALL_EXECUTION_ROLE_NAME: "bad role name" is not an IAM role name`,
		`LANDFALL_READER_ROLE_NAME: "arn:aws:iam::222222222222:role/LandfallReader" is not an IAM role name`,
		`LANDFALL_WORKER_CONCURRENCY: "0" must be a whole number from 2 to 1000`,
		`LANDFALL_TARGET_CONCURRENCY: "many" must be a whole number from 1 to 64`,
		`LANDFALL_LEDGER_TABLE: "ledger table" is not a DynamoDB table name`,
		`LANDFALL_RUN_RETENTION_DAYS: "0" must be a whole number from 1 to 3650`,
		`LANDFALL_LOG_LEVEL: "loud" is not a log level`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestLoadRefusesWorkerConcurrencyOne: Lambda's SQS event source takes a
// maximum concurrency of 2 or more, so the stack can never deploy 1; the
// functions refuse it too rather than plan backfills for a concurrency that
// cannot exist.
func TestLoadRefusesWorkerConcurrencyOne(t *testing.T) {
	m := valid()
	m[EnvWorkerConcurrency] = "1"
	_, err := Load(env(m))
	want := `LANDFALL_WORKER_CONCURRENCY: "1" must be a whole number from 2 to 1000`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Load(%s=1) = %v, want an error containing %q", EnvWorkerConcurrency, err, want)
	}
}

// TestLoadAgreesWithTheChecks feeds Load the limits and one past each: Load
// must accept exactly what CheckWorkerConcurrency and CheckTargetConcurrency
// (the CDK app's validation) accept.
func TestLoadAgreesWithTheChecks(t *testing.T) {
	settings := []struct {
		name   string
		lo, hi int
		check  func(int) error
		got    func(Config) int
	}{
		{EnvWorkerConcurrency, MinWorkerConcurrency, MaxWorkerConcurrency, CheckWorkerConcurrency, func(c Config) int { return c.WorkerConcurrency }},
		{EnvTargetConcurrency, MinTargetConcurrency, MaxTargetConcurrency, CheckTargetConcurrency, func(c Config) int { return c.TargetConcurrency }},
	}
	for _, s := range settings {
		for _, n := range []int{s.lo - 1, s.lo, s.hi, s.hi + 1} {
			m := valid()
			m[s.name] = strconv.Itoa(n)
			c, err := Load(env(m))
			if wantOK := s.check(n) == nil; (err == nil) != wantOK {
				t.Errorf("%s=%d: Load error %v, but the check says ok=%v", s.name, n, err, wantOK)
			} else if err == nil && s.got(c) != n {
				t.Errorf("%s=%d: loaded %d", s.name, n, s.got(c))
			}
		}
	}
}

func TestDefaultsPassTheChecks(t *testing.T) {
	if err := CheckWorkerConcurrency(DefaultWorkerConcurrency); err != nil {
		t.Error(err)
	}
	if err := CheckTargetConcurrency(DefaultTargetConcurrency); err != nil {
		t.Error(err)
	}
	if err := CheckLogLevel(DefaultLogLevel); err != nil {
		t.Error(err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(DefaultLogLevel)); err != nil || level != slog.LevelInfo {
		t.Errorf("DefaultLogLevel %q = %v, %v: want info", DefaultLogLevel, level, err)
	}
}

// TestLoadTakesEveryLogLevelTheStackSets: the CDK app accepts logLevels only,
// and the functions must read each of them.
func TestLoadTakesEveryLogLevelTheStackSets(t *testing.T) {
	for _, name := range logLevels {
		m := valid()
		m[EnvLogLevel] = name
		if _, err := Load(env(m)); err != nil {
			t.Errorf("%s=%s: %v", EnvLogLevel, name, err)
		}
	}
}
