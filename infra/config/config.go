// Package config reads Landfall's deployment settings from the CDK context
// (cdk.json, or -c on the command line) into a typed Config, applies the
// defaults and validates every setting at once, so that a typo fails
// `cdk synth` with the key to fix instead of deploying something surprising.
//
// It does not import the CDK: the app passes a lookup function, which keeps
// these tests fast and lets the reusable construct share the limits below.
// The settings the functions read too (concurrency, log level) take their
// defaults, limits and checks from internal/config.
package config

import (
	"errors"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"

	fnconfig "github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/region"
)

// Context keys, as written in cdk.json's "context" object.
const (
	KeyHomeRegion          = "landfall:homeRegion"
	KeyManagementAccountID = "landfall:managementAccountId"
	KeyStackName           = "landfall:stackName"
	KeyPlanFile            = "landfall:planFile"
	KeyExecutionRoleName   = "landfall:executionRoleName"
	KeyOrganizationID      = "landfall:organizationId"
	KeyWorkerConcurrency   = "landfall:workerConcurrency"
	KeyTargetConcurrency   = "landfall:targetConcurrency"
	KeyNotificationEmails  = "landfall:notificationEmails"
	KeyAlarmEmails         = "landfall:alarmEmails"
	KeyLogRetentionDays    = "landfall:logRetentionDays"
	KeyLogLevel            = "landfall:logLevel"
	KeyLaunchCodeDir       = "landfall:launchCodeDir"
	KeyWorkerCodeDir       = "landfall:workerCodeDir"
	KeyMemberRoles         = "landfall:memberRoles"
	KeyMemberRoleTargets   = "landfall:memberRoleTargets"
	KeyChat                = "landfall:chat"
)

// Defaults for settings the context leaves out.
const (
	DefaultStackName        = "Landfall"
	DefaultPlanFile         = "internal/plan/example.yaml"
	DefaultLaunchCodeDir    = "build/launch"
	DefaultWorkerCodeDir    = "build/worker"
	DefaultLogRetentionDays = 90
)

// The functions' own settings take their defaults and limits from
// internal/config, the package the functions read them with, so that the
// stack and the functions cannot disagree. They are named here as well for
// apps that embed the construct: they cannot import an internal package.
const (
	DefaultLogLevel          = fnconfig.DefaultLogLevel
	DefaultWorkerConcurrency = fnconfig.DefaultWorkerConcurrency
	DefaultTargetConcurrency = fnconfig.DefaultTargetConcurrency
	MinWorkerConcurrency     = fnconfig.MinWorkerConcurrency
	MaxWorkerConcurrency     = fnconfig.MaxWorkerConcurrency
	MinTargetConcurrency     = fnconfig.MinTargetConcurrency
	MaxTargetConcurrency     = fnconfig.MaxTargetConcurrency
)

// MaxEmails bounds each email list: every address is a subscription that
// someone has to confirm.
const MaxEmails = 20

// Config is the validated deployment configuration.
type Config struct {
	// HomeRegion is the Control Tower home region: the only region where the
	// lifecycle events arrive, so the stack is deployed there.
	HomeRegion string
	// ManagementAccountID pins the stack to the management account, so that
	// deploying with another account's credentials fails; empty leaves the
	// account to the CLI's credentials.
	ManagementAccountID string
	// StackName is the CloudFormation stack name.
	StackName string
	// PlanFile is the path of the plan, relative to the directory cdk runs in.
	PlanFile string
	// ExecutionRoleName, when set, must equal the plan's executionRoleName: a
	// guard against deploying a plan written for another role.
	ExecutionRoleName string
	// OrganizationID, when set, is the organization the assumed roles must
	// belong to; empty compares against the caller's own organization.
	OrganizationID string
	// WorkerConcurrency is the maximum number of concurrent worker invocations.
	WorkerConcurrency int
	// TargetConcurrency is how many targets one worker invocation works on at once.
	TargetConcurrency int
	// NotificationEmails subscribe to the run summary topic.
	NotificationEmails []string
	// AlarmEmails subscribe to the alarm topic.
	AlarmEmails []string
	// LogRetentionDays is how long the functions' logs are kept.
	LogRetentionDays int
	// LogLevel is the functions' log level: debug, info, warn or error.
	LogLevel string
	// LaunchReservedConcurrency is the launch function's reserved
	// concurrency (see DefaultLaunchReservedConcurrency).
	LaunchReservedConcurrency int
	// EncryptLogs encrypts the functions' log groups with the stack's key.
	EncryptLogs bool
	// LaunchDataEvents records every invocation of the launch function in a
	// CloudTrail trail of its own (data events, billed per event).
	LaunchDataEvents bool
	// RedrivePrincipals may send to the work queue besides the functions, so
	// that they can redrive the work dead-letter queue into it.
	RedrivePrincipals []string
	// LaunchCodeDir and WorkerCodeDir hold the functions' built `bootstrap` binaries.
	LaunchCodeDir string
	WorkerCodeDir string
	// MemberRoles deploys LandfallProvisioner and LandfallReader to member
	// accounts with a StackSet, and the functions assume those instead of
	// the plan's executionRoleName (see infra/landfall/memberroles.go).
	MemberRoles bool
	// MemberRoleTargets are the OU IDs or the root ID the StackSet deploys
	// to; empty derives them from the plan's include.ous.
	MemberRoleTargets []string
	// Chat adds the topic Amazon Q Developer in chat applications reads
	// (Slack, Microsoft Teams), with every notification in its format.
	Chat bool
	// DriftSchedule, when set, runs the drift check on this EventBridge
	// Scheduler expression (CheckDriftSchedule); empty turns it off.
	DriftSchedule string
	// ReconcileSchedule, when set, backfills the plan's whole scope with
	// onlyMissing on this EventBridge Scheduler expression
	// (CheckReconcileSchedule); empty turns it off.
	ReconcileSchedule string
	// RunRetentionDays is how long finished runs stay in the run ledger.
	RunRetentionDays int
}

// Lookup returns the context value of key, or nil when it is not set.
// cdk.json values arrive as JSON types (string, float64, bool, []any);
// values given with -c arrive as strings. Both are accepted.
type Lookup func(key string) any

// Env returns an environment variable (os.Getenv in the app).
type Env func(name string) string

// LogRetentionDaysAllowed lists the retention periods CloudWatch Logs accepts.
var LogRetentionDaysAllowed = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	orgIDPattern     = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	// roleNamePattern is IAM's role name syntax.
	roleNamePattern  = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	stackNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)
)

// Load reads every setting from the context, falls back to the CDK CLI's
// CDK_DEFAULT_REGION and CDK_DEFAULT_ACCOUNT for the region and account
// (a landfall:homeRegion that disagrees with CDK_DEFAULT_REGION is an
// error), and returns all problems at once, each naming its context key.
func Load(lookup Lookup, env Env) (Config, error) {
	r := reader{lookup: lookup}
	c := Config{
		HomeRegion:                r.homeRegion(env(EnvStackRegion)),
		ManagementAccountID:       r.str(KeyManagementAccountID, env("CDK_DEFAULT_ACCOUNT")),
		StackName:                 r.str(KeyStackName, DefaultStackName),
		PlanFile:                  r.str(KeyPlanFile, DefaultPlanFile),
		ExecutionRoleName:         r.str(KeyExecutionRoleName, ""),
		OrganizationID:            r.str(KeyOrganizationID, ""),
		WorkerConcurrency:         r.integer(KeyWorkerConcurrency, DefaultWorkerConcurrency),
		TargetConcurrency:         r.integer(KeyTargetConcurrency, DefaultTargetConcurrency),
		NotificationEmails:        r.list(KeyNotificationEmails),
		LogRetentionDays:          r.integer(KeyLogRetentionDays, DefaultLogRetentionDays),
		LogLevel:                  r.str(KeyLogLevel, DefaultLogLevel),
		LaunchReservedConcurrency: r.integer(KeyLaunchReservedConcurrency, DefaultLaunchReservedConcurrency),
		EncryptLogs:               r.boolean(KeyEncryptLogs, true),
		LaunchDataEvents:          r.boolean(KeyLaunchDataEvents, false),
		RedrivePrincipals:         r.list(KeyRedrivePrincipals),
		LaunchCodeDir:             r.str(KeyLaunchCodeDir, DefaultLaunchCodeDir),
		WorkerCodeDir:             r.str(KeyWorkerCodeDir, DefaultWorkerCodeDir),
		MemberRoles:               r.boolean(KeyMemberRoles, false),
		MemberRoleTargets:         r.list(KeyMemberRoleTargets),
		Chat:                      r.boolean(KeyChat, false),
		DriftSchedule:             strings.TrimSpace(r.str(KeyDriftSchedule, "")),
		ReconcileSchedule:         strings.TrimSpace(r.str(KeyReconcileSchedule, "")),
		RunRetentionDays:          r.integer(KeyRunRetentionDays, DefaultRunRetentionDays),
	}
	// One team often wants both kinds of mail: an absent alarm list means
	// "same as the notification list"; an explicit empty list means none.
	if lookup(KeyAlarmEmails) == nil {
		c.AlarmEmails = slices.Clone(c.NotificationEmails)
	} else {
		c.AlarmEmails = r.list(KeyAlarmEmails)
	}
	errs := append(r.errs, c.Validate())
	return c, errors.Join(errs...)
}

// Validate checks every setting and returns all problems at once.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	switch {
	case c.HomeRegion == "":
		add(KeyHomeRegion, "%s", homeRegionUnset())
	case !region.Known(c.HomeRegion):
		add(KeyHomeRegion, "%q is not an AWS region: use your Control Tower home region (for example \"us-east-1\")", c.HomeRegion)
	}
	if c.ManagementAccountID != "" && !accountIDPattern.MatchString(c.ManagementAccountID) {
		add(KeyManagementAccountID, "%q is not a 12-digit account ID: use the management account's ID or remove the key", c.ManagementAccountID)
	}
	if !stackNamePattern.MatchString(c.StackName) {
		add(KeyStackName, "%q is not a stack name: start with a letter, then letters, digits and hyphens, at most 128 characters", c.StackName)
	}
	if strings.TrimSpace(c.PlanFile) == "" {
		add(KeyPlanFile, "empty: set it to your plan's path (copy %s to start)", DefaultPlanFile)
	}
	if c.ExecutionRoleName != "" && !roleNamePattern.MatchString(c.ExecutionRoleName) {
		add(KeyExecutionRoleName, "%q is not an IAM role name (1-64 of letters, digits and +=,.@_-): fix it or remove the key to use the plan's", c.ExecutionRoleName)
	}
	if c.OrganizationID != "" && !orgIDPattern.MatchString(c.OrganizationID) {
		add(KeyOrganizationID, "%q is not an organization ID (o- followed by 10-32 lower-case letters or digits): fix it or remove the key", c.OrganizationID)
	}
	if err := CheckWorkerConcurrency(c.WorkerConcurrency); err != nil {
		add(KeyWorkerConcurrency, "%v", err)
	}
	if err := CheckTargetConcurrency(c.TargetConcurrency); err != nil {
		add(KeyTargetConcurrency, "%v", err)
	}
	if err := CheckEmails(c.NotificationEmails); err != nil {
		add(KeyNotificationEmails, "%v", err)
	}
	if err := CheckEmails(c.AlarmEmails); err != nil {
		add(KeyAlarmEmails, "%v", err)
	}
	if err := CheckLogRetentionDays(c.LogRetentionDays); err != nil {
		add(KeyLogRetentionDays, "%v", err)
	}
	if err := CheckLogLevel(c.LogLevel); err != nil {
		add(KeyLogLevel, "%v", err)
	}
	if err := c.runRetentionProblem(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.hardeningProblems()...)
	if strings.TrimSpace(c.LaunchCodeDir) == "" {
		add(KeyLaunchCodeDir, "empty: set it to the directory holding the launch function's bootstrap (default %s)", DefaultLaunchCodeDir)
	}
	if strings.TrimSpace(c.WorkerCodeDir) == "" {
		add(KeyWorkerCodeDir, "empty: set it to the directory holding the worker function's bootstrap (default %s)", DefaultWorkerCodeDir)
	}
	if err := CheckDriftSchedule(c.DriftSchedule); err != nil {
		add(KeyDriftSchedule, "%v", err)
	}
	if err := CheckReconcileSchedule(c.ReconcileSchedule); err != nil {
		add(KeyReconcileSchedule, "%v", err)
	}
	for _, err := range c.memberRoleTargetProblems() {
		add(KeyMemberRoleTargets, "%v", err)
	}
	return errors.Join(errs...)
}

// CheckWorkerConcurrency reports whether n is a valid SQS event source
// maximum concurrency: the functions' own check (internal/config).
func CheckWorkerConcurrency(n int) error { return fnconfig.CheckWorkerConcurrency(n) }

// CheckTargetConcurrency reports whether n is a valid per-run target
// concurrency: the functions' own check (internal/config).
func CheckTargetConcurrency(n int) error { return fnconfig.CheckTargetConcurrency(n) }

// CheckLogRetentionDays reports whether days is a retention CloudWatch Logs accepts.
func CheckLogRetentionDays(days int) error {
	if !slices.Contains(LogRetentionDaysAllowed, days) {
		return fmt.Errorf("%d is not a retention CloudWatch Logs accepts: use one of %v", days, LogRetentionDaysAllowed)
	}
	return nil
}

// CheckLogLevel reports whether level is one the functions understand: the
// functions' own check (internal/config).
func CheckLogLevel(level string) error { return fnconfig.CheckLogLevel(level) }

// CheckEmails reports every address that SNS would not accept as an email
// endpoint, and duplicates (which SNS would merge silently).
func CheckEmails(addrs []string) error {
	var errs []error
	if len(addrs) > MaxEmails {
		errs = append(errs, fmt.Errorf("%d addresses: at most %d (use a mailing list)", len(addrs), MaxEmails))
	}
	seen := map[string]bool{}
	for i, a := range addrs {
		parsed, err := mail.ParseAddress(a)
		switch {
		case err != nil || parsed.Address != a:
			errs = append(errs, fmt.Errorf("[%d]: %q is not a bare email address (write name@example.com, without a display name)", i, a))
		case seen[strings.ToLower(a)]:
			errs = append(errs, fmt.Errorf("[%d]: %q is listed twice", i, a))
		}
		seen[strings.ToLower(a)] = true
	}
	return errors.Join(errs...)
}

// reader converts context values to Go types, collecting conversion errors.
type reader struct {
	lookup Lookup
	errs   []error
}

func (r *reader) fail(key, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
}

func (r *reader) str(key, def string) string {
	switch v := r.lookup(key).(type) {
	case nil:
		return def
	case string:
		return strings.TrimSpace(v)
	default:
		r.fail(key, "got %s %v: want a string", kind(v), v)
		return def
	}
}

func (r *reader) integer(key string, def int) int {
	switch v := r.lookup(key).(type) {
	case nil:
		return def
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1e9 {
			r.fail(key, "got %v: want a whole number", v)
			return def
		}
		return int(v)
	case int:
		return v
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			r.fail(key, "got %q: want a whole number", v)
			return def
		}
		return n
	default:
		r.fail(key, "got %s %v: want a whole number", kind(v), v)
		return def
	}
}

// boolean accepts a JSON boolean (cdk.json) or "true"/"false" (-c key=true).
func (r *reader) boolean(key string, def bool) bool {
	switch v := r.lookup(key).(type) {
	case nil:
		return def
	case bool:
		return v
	case string:
		switch strings.TrimSpace(v) {
		case "true":
			return true
		case "false":
			return false
		}
		r.fail(key, "got %q: want true or false (unquoted in cdk.json)", v)
		return def
	default:
		r.fail(key, "got %s %v: want true or false", kind(v), v)
		return def
	}
}

// list accepts a JSON array of strings (cdk.json) or a comma-separated
// string (-c key=a@x.com,b@y.com); an empty string is an empty list.
func (r *reader) list(key string) []string {
	switch v := r.lookup(key).(type) {
	case nil:
		return nil
	case string:
		var out []string
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
		return out
	case []string:
		return slices.Clone(v)
	case []any:
		out := make([]string, 0, len(v))
		for i, item := range v {
			s, ok := item.(string)
			if !ok {
				r.fail(key, "[%d]: got %s %v: want a string", i, kind(item), item)
				continue
			}
			out = append(out, strings.TrimSpace(s))
		}
		return out
	default:
		r.fail(key, "got %s %v: want a list of strings or a comma-separated string", kind(v), v)
		return nil
	}
}

func kind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64, int:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	default:
		return fmt.Sprintf("%T", v)
	}
}
