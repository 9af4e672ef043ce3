package metrics

// Namespace is the CloudWatch namespace of every Landfall metric.
const Namespace = "Landfall"

// Dimensions. Both are low-cardinality on purpose: each combination of
// values is a custom metric billed every month, so no account, run or
// product ever becomes a dimension (they are in the log lines instead).
const (
	// DimFunction is the Lambda function's name: one value per deployed
	// function, so two Landfall stacks in one account stay apart.
	DimFunction = "FunctionName"
	// DimOutcome is a run's outcome (SUCCEEDED, CANCELLED, PARTIAL, FAILED) or a launch
	// invocation's (queued, dry-run, ignored, invalid, refused, ..., error).
	DimOutcome = "Outcome"
)

// Worker metrics, one line per finished run (at the summary). Dimensions:
// FunctionName; Runs also FunctionName and Outcome.
const (
	// Runs counts finished runs (Count).
	Runs = "Runs"
	// RunDuration is the time from the run's start (its trigger, or its
	// release in a backfill) to its summary (Seconds).
	RunDuration = "RunDuration"
	// RunSteps counts the worker steps that advanced the run (Count).
	RunSteps = "RunSteps"
	// TargetWaits counts the times a target was deferred to a later step
	// (Count): mostly waiting for a portfolio share, principal association
	// or product to become visible after propagation, and also for a
	// provisioned product another change holds (runstate.Target.Waits).
	TargetWaits = "TargetWaits"
	// Targets by final status (Count), all six on every run line.
	TargetsSucceeded          = "TargetsSucceeded"
	TargetsAlreadyProvisioned = "TargetsAlreadyProvisioned"
	TargetsOutdated           = "TargetsOutdated"
	TargetsFailed             = "TargetsFailed"
	TargetsSkipped            = "TargetsSkipped"
	TargetsTimedOut           = "TargetsTimedOut"
)

// Per-invocation metrics. Dimension: FunctionName.
const (
	// ThrottlesAbsorbed counts the SDK's retries of throttling errors in
	// one invocation (Count): both functions. The worker writes it only
	// when non-zero.
	ThrottlesAbsorbed = "ThrottlesAbsorbed"
	// RoleWaits counts worker steps that found the execution role not yet
	// assumable (IAM propagation in a new account) and waited (Count);
	// written only when non-zero.
	RoleWaits = "RoleWaits"
	// LaunchInvocations counts launch invocations (Count); also by Outcome.
	LaunchInvocations = "LaunchInvocations"
	// RunsQueued counts the runs a launch invocation sent to the worker,
	// including those sent before a failure (Count).
	RunsQueued = "RunsQueued"
)

// ChatNotPublished counts chat notifications that did not reach the chat
// topic (Count; dimension FunctionName): the summary topic has them, but a
// chat channel misses them, so the chat alarm watches it.
const ChatNotPublished = "ChatNotPublished"

// Drift metrics, one line per drift check (the launch function's
// {"drift": ...} payload, sent by the optional schedule). Dimension:
// FunctionName. Each counts targets in that status state (Count), written on
// every check, zero included, so an alarm can tell "no drift" from "no check".
const (
	DriftMissing     = "DriftMissing"
	DriftOutdated    = "DriftOutdated"
	DriftFailed      = "DriftFailed"
	DriftTainted     = "DriftTainted"
	DriftUnreachable = "DriftUnreachable"
	// DriftAccounts counts the accounts with at least one target not OK.
	DriftAccounts = "DriftAccounts"
)

// targetMetrics maps a final target status to its metric, in the order
// lines carry them.
var targetMetrics = []struct{ status, metric string }{
	{"SUCCEEDED", TargetsSucceeded},
	{"ALREADY_PROVISIONED", TargetsAlreadyProvisioned},
	{"OUTDATED", TargetsOutdated},
	{"FAILED", TargetsFailed},
	{"SKIPPED", TargetsSkipped},
	{"TIMED_OUT", TargetsTimedOut},
}

// TargetMetric is the metric counting targets that ended in status (a
// runstate.Status), and false for a status no finished run has.
func TargetMetric(status string) (string, bool) {
	for _, tm := range targetMetrics {
		if tm.status == status {
			return tm.metric, true
		}
	}
	return "", false
}

// TargetMetrics are the six target metrics, in the order lines carry them.
func TargetMetrics() []string {
	out := make([]string, len(targetMetrics))
	for i, tm := range targetMetrics {
		out[i] = tm.metric
	}
	return out
}
