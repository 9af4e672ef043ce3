// Package config reads the functions' configuration from the environment,
// once, at cold start, and reports every problem at once.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Environment variable names. The CDK construct sets them; the README lists them.
const (
	EnvPlanFile          = "LANDFALL_PLAN_FILE"
	EnvQueueURL          = "LANDFALL_QUEUE_URL"
	EnvTopicARN          = "LANDFALL_TOPIC_ARN"
	EnvExecutionRoleName = "LANDFALL_EXECUTION_ROLE_NAME"
	EnvWorkerConcurrency = "LANDFALL_WORKER_CONCURRENCY"
	EnvTargetConcurrency = "LANDFALL_TARGET_CONCURRENCY"
	EnvLogLevel          = "LANDFALL_LOG_LEVEL"
)

// Config is the functions' configuration.
type Config struct {
	// PlanFile is the plan's path (in Lambda, inside the plan layer).
	PlanFile string
	// QueueURL is the work queue.
	QueueURL string
	// TopicARN is the run-summary topic.
	TopicARN string
	// ExecutionRoleName overrides the plan's executionRoleName when set.
	ExecutionRoleName string
	// WorkerConcurrency is the worker's maximum concurrency, used to spread backfills.
	WorkerConcurrency int
	// TargetConcurrency bounds the targets one worker invocation works on at once.
	TargetConcurrency int
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
}

var (
	queueURLPattern = regexp.MustCompile(`^https?://\S+/[0-9]{12}/[A-Za-z0-9_-]{1,80}$`)
	topicARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$`)
	roleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// Load reads the configuration from getenv (os.Getenv in the functions).
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		PlanFile:          strings.TrimSpace(getenv(EnvPlanFile)),
		QueueURL:          strings.TrimSpace(getenv(EnvQueueURL)),
		TopicARN:          strings.TrimSpace(getenv(EnvTopicARN)),
		ExecutionRoleName: strings.TrimSpace(getenv(EnvExecutionRoleName)),
		WorkerConcurrency: 5,
		TargetConcurrency: 8,
		LogLevel:          slog.LevelInfo,
	}
	var errs []error
	if c.PlanFile == "" {
		errs = append(errs, fmt.Errorf("%s: not set; point it at the plan file (the CDK stack sets /opt/landfall/plan.yaml)", EnvPlanFile))
	}
	if !queueURLPattern.MatchString(c.QueueURL) {
		errs = append(errs, fmt.Errorf("%s: %q is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)", EnvQueueURL, c.QueueURL))
	}
	if !topicARNPattern.MatchString(c.TopicARN) {
		errs = append(errs, fmt.Errorf("%s: %q is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)", EnvTopicARN, c.TopicARN))
	}
	if c.ExecutionRoleName != "" && !roleNamePattern.MatchString(c.ExecutionRoleName) {
		errs = append(errs, fmt.Errorf("%s: %q is not an IAM role name (1-64 of letters, digits and +=,.@_-)", EnvExecutionRoleName, c.ExecutionRoleName))
	}
	errs = intVar(getenv, EnvWorkerConcurrency, 1, 1000, &c.WorkerConcurrency, errs)
	errs = intVar(getenv, EnvTargetConcurrency, 1, 64, &c.TargetConcurrency, errs)
	if v := strings.TrimSpace(getenv(EnvLogLevel)); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a log level (debug, info, warn, error)", EnvLogLevel, v))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return c, nil
}

func intVar(getenv func(string) string, name string, lo, hi int, dst *int, errs []error) []error {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return errs
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return append(errs, fmt.Errorf("%s: %q must be a whole number from %d to %d", name, v, lo, hi))
	}
	*dst = n
	return errs
}

// FromEnvironment is Load(os.Getenv).
func FromEnvironment() (Config, error) { return Load(os.Getenv) }
