// Package config reads the functions' configuration from the environment,
// once, at cold start, and reports every problem at once.
package config

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/shape"
)

// Environment variable names. The CDK construct (infra/landfall) sets them
// from these constants; the README lists them.
const (
	EnvPlanFile          = "LANDFALL_PLAN_FILE"
	EnvQueueURL          = "LANDFALL_QUEUE_URL"
	EnvTopicARN          = "LANDFALL_TOPIC_ARN"
	EnvChatTopicARN      = "LANDFALL_CHAT_TOPIC_ARN"
	EnvExecutionRoleName = "LANDFALL_EXECUTION_ROLE_NAME"
	EnvReaderRoleName    = "LANDFALL_READER_ROLE_NAME"
	EnvWorkerConcurrency = "LANDFALL_WORKER_CONCURRENCY"
	EnvTargetConcurrency = "LANDFALL_TARGET_CONCURRENCY"
	EnvLogLevel          = "LANDFALL_LOG_LEVEL"
	EnvLedgerTable       = "LANDFALL_LEDGER_TABLE"
	EnvRunRetentionDays  = "LANDFALL_RUN_RETENTION_DAYS"
)

// Defaults for the settings the environment leaves out. The CDK app uses the
// same ones for the settings cdk.json leaves out.
const (
	// DefaultWorkerConcurrency keeps Service Catalog and STS calls from all
	// account runs together well under their (unpublished) rate limits.
	DefaultWorkerConcurrency = 5
	// DefaultTargetConcurrency is how many region x product targets one
	// account run works on at a time.
	DefaultTargetConcurrency = 8
	// DefaultLogLevel is the minimum level logged.
	DefaultLogLevel = "info"
)

// Limits of the numeric settings. Load and the CDK app's validation both
// check them with CheckWorkerConcurrency and CheckTargetConcurrency, so a
// value the stack accepts is one the functions accept, and the other way round.
const (
	// MinWorkerConcurrency is Lambda's floor for an SQS event source's
	// maximum concurrency.
	MinWorkerConcurrency = 2
	// MaxWorkerConcurrency is Lambda's ceiling for an SQS event source's
	// maximum concurrency.
	MaxWorkerConcurrency = 1000
	MinTargetConcurrency = 1
	// MaxTargetConcurrency bounds the calls one worker invocation makes at
	// once; beyond it throttling, not speed, is what grows.
	MaxTargetConcurrency = 64
)

// CheckWorkerConcurrency reports whether n is a valid SQS event source maximum concurrency.
func CheckWorkerConcurrency(n int) error {
	if n < MinWorkerConcurrency || n > MaxWorkerConcurrency {
		return fmt.Errorf("%d is out of range: Lambda accepts %d to %d (default %d)", n, MinWorkerConcurrency, MaxWorkerConcurrency, DefaultWorkerConcurrency)
	}
	return nil
}

// Run retention in the ledger, in days: at least a day, so a run's
// operators can look at it, and at most ten years.
const (
	DefaultRunRetentionDays = 90
	MinRunRetentionDays     = 1
	MaxRunRetentionDays     = 3650
)

// CheckRunRetentionDays reports whether n days is a valid retention for finished runs.
func CheckRunRetentionDays(n int) error {
	if n < MinRunRetentionDays || n > MaxRunRetentionDays {
		return fmt.Errorf("%d is out of range: use %d to %d days (default %d)", n, MinRunRetentionDays, MaxRunRetentionDays, DefaultRunRetentionDays)
	}
	return nil
}

// isTableName reports whether s is a DynamoDB table name: 3-255 of A-Z a-z 0-9 _ . -.
func isTableName(s string) bool { return tableName.All(s, 3, 255) }

// CheckTargetConcurrency reports whether n is a valid per-run target concurrency.
func CheckTargetConcurrency(n int) error {
	if n < MinTargetConcurrency || n > MaxTargetConcurrency {
		return fmt.Errorf("%d is out of range: use %d to %d (default %d)", n, MinTargetConcurrency, MaxTargetConcurrency, DefaultTargetConcurrency)
	}
	return nil
}

// logLevels are the log level names the CDK app may set.
var logLevels = []string{"debug", "info", "warn", "error"}

// CheckLogLevel reports whether level is debug, info, warn or error: the CDK app's
// check. Load accepts the names slog.Level reads, which include these (and
// spellings such as "DEBUG" or "info+2" for environments set by hand).
func CheckLogLevel(level string) error {
	if !slices.Contains(logLevels, level) {
		return fmt.Errorf("%q is not a log level: use one of %s", level, strings.Join(logLevels, ", "))
	}
	return nil
}

// Config is the functions' configuration.
type Config struct {
	// PlanFile is the plan's path (in Lambda, inside the plan layer).
	PlanFile string
	// QueueURL is the work queue.
	QueueURL string
	// TopicARN is the run-summary topic.
	TopicARN string
	// ChatTopicARN, when set, is the topic Amazon Q Developer in chat
	// applications reads: every notification goes there too, in its
	// custom notification format.
	ChatTopicARN string
	// ExecutionRoleName overrides the plan's executionRoleName when set.
	ExecutionRoleName string
	// ReaderRoleName is the worker's only: the role the launch function
	// reads member accounts as for dry runs and status, when it is not the
	// worker's (member roles, LandfallReader). A member account shows a
	// shared product only to principals associated with its portfolio, so
	// the worker associates this role too wherever it opens a portfolio.
	// Empty when both functions assume one role.
	ReaderRoleName string
	// WorkerConcurrency is the worker's maximum concurrency, used to spread backfills.
	WorkerConcurrency int
	// TargetConcurrency bounds the targets one worker invocation works on at once.
	TargetConcurrency int
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
	// LedgerTable is the run ledger's DynamoDB table name.
	LedgerTable string
	// RunRetentionDays is how long finished runs stay in the ledger.
	RunRetentionDays int
}

// The shapes of the settings, hand-written rather than regexps compiled at
// every cold start (issue #14): what they accept is what
// ^https?://\S+/[0-9]{12}/[A-Za-z0-9_-]{1,80}$,
// ^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$ and
// ^[\w+=,.@-]{1,64}$ accept (config_test.go checks them against each other).
var (
	digits        = shape.Chars("0-9")
	queueName     = shape.Chars("A-Za-z0-9_-")
	tableName     = shape.Chars("A-Za-z0-9_.-")
	topicARNShape = shape.Of(shape.Lit("arn:aws"), shape.Run(shape.Chars("a-z-"), 0, -1), shape.Lit(":sns:"),
		shape.Run(shape.Chars("a-z0-9-"), 1, -1), shape.Lit(":"), shape.Run(digits, 12, 12), shape.Lit(":"),
		shape.Run(queueName, 1, 256))
)

// isQueueURL reports whether s is http(s)://<host and path>/<account>/<queue name>.
func isQueueURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	i := strings.LastIndexByte(rest, '/')
	if i < 0 || !queueName.All(rest[i+1:], 1, 80) {
		return false
	}
	rest = rest[:i]
	j := strings.LastIndexByte(rest, '/')
	// The host and path before the account: one or more non-space characters (\S+).
	return j > 0 && awsid.IsAccountID(rest[j+1:]) && !strings.ContainsAny(rest[:j], "\t\n\f\r ")
}

// Load reads the configuration from getenv (os.Getenv in the functions).
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		PlanFile:          strings.TrimSpace(getenv(EnvPlanFile)),
		QueueURL:          strings.TrimSpace(getenv(EnvQueueURL)),
		TopicARN:          strings.TrimSpace(getenv(EnvTopicARN)),
		ChatTopicARN:      strings.TrimSpace(getenv(EnvChatTopicARN)),
		ExecutionRoleName: strings.TrimSpace(getenv(EnvExecutionRoleName)),
		ReaderRoleName:    strings.TrimSpace(getenv(EnvReaderRoleName)),
		LedgerTable:       strings.TrimSpace(getenv(EnvLedgerTable)),
		WorkerConcurrency: DefaultWorkerConcurrency,
		TargetConcurrency: DefaultTargetConcurrency,
		RunRetentionDays:  DefaultRunRetentionDays,
	}
	var errs []error
	if c.PlanFile == "" {
		errs = append(errs, fmt.Errorf("%s: not set; point it at the plan file (the CDK stack sets /opt/landfall/plan.yaml)", EnvPlanFile))
	}
	if !isQueueURL(c.QueueURL) {
		errs = append(errs, fmt.Errorf("%s: %q is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)", EnvQueueURL, c.QueueURL))
	}
	if !topicARNShape.MatchString(c.TopicARN) {
		errs = append(errs, fmt.Errorf("%s: %q is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)", EnvTopicARN, c.TopicARN))
	}
	errs = append(errs, checkChatTopic(c)...)
	if c.ExecutionRoleName != "" && !awsid.IsRoleName(c.ExecutionRoleName) {
		errs = append(errs, fmt.Errorf("%s: %q is not an IAM role name (1-64 of letters, digits and +=,.@_-)", EnvExecutionRoleName, c.ExecutionRoleName))
	}
	if c.ReaderRoleName != "" && !awsid.IsRoleName(c.ReaderRoleName) {
		errs = append(errs, fmt.Errorf("%s: %q is not an IAM role name (1-64 of letters, digits and +=,.@_-); the CDK stack sets it to LandfallReader with member roles, else leave it unset", EnvReaderRoleName, c.ReaderRoleName))
	}
	if !isTableName(c.LedgerTable) {
		errs = append(errs, fmt.Errorf("%s: %q is not a DynamoDB table name (3-255 of letters, digits and _.-); the CDK stack sets it to the run ledger's", EnvLedgerTable, c.LedgerTable))
	}
	errs = intVar(getenv, EnvRunRetentionDays, MinRunRetentionDays, MaxRunRetentionDays, CheckRunRetentionDays, &c.RunRetentionDays, errs)
	errs = intVar(getenv, EnvWorkerConcurrency, MinWorkerConcurrency, MaxWorkerConcurrency, CheckWorkerConcurrency, &c.WorkerConcurrency, errs)
	errs = intVar(getenv, EnvTargetConcurrency, MinTargetConcurrency, MaxTargetConcurrency, CheckTargetConcurrency, &c.TargetConcurrency, errs)
	if v := cmp.Or(strings.TrimSpace(getenv(EnvLogLevel)), DefaultLogLevel); c.LogLevel.UnmarshalText([]byte(v)) != nil {
		errs = append(errs, fmt.Errorf("%s: %q is not a log level (%s)", EnvLogLevel, v, strings.Join(logLevels, ", ")))
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return c, nil
}

// checkChatTopic checks the optional chat topic: an SNS topic ARN, and not
// the summary topic, whose email subscribers would get the raw JSON while
// Amazon Q Developer dropped the summaries it cannot read.
func checkChatTopic(c Config) []error {
	switch {
	case c.ChatTopicARN == "":
		return nil
	case !topicARNShape.MatchString(c.ChatTopicARN):
		return []error{fmt.Errorf("%s: %q is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>): set the chat topic's ARN, or leave it unset for no chat notifications", EnvChatTopicARN, c.ChatTopicARN)}
	case c.ChatTopicARN == c.TopicARN:
		return []error{fmt.Errorf("%s: %q is the summary topic (%s): use a topic of its own for Amazon Q Developer, or leave it unset", EnvChatTopicARN, c.ChatTopicARN, EnvTopicARN)}
	}
	return nil
}

// intVar reads a whole-number setting into dst when it is set; check decides
// whether the number is allowed, lo and hi are check's limits, for the message.
func intVar(getenv func(string) string, name string, lo, hi int, check func(int) error, dst *int, errs []error) []error {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return errs
	}
	n, err := strconv.Atoi(v)
	if err != nil || check(n) != nil {
		return append(errs, fmt.Errorf("%s: %q must be a whole number from %d to %d", name, v, lo, hi))
	}
	*dst = n
	return errs
}

// FromEnvironment is Load(os.Getenv).
func FromEnvironment() (Config, error) { return Load(os.Getenv) }
