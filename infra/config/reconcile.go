package config

// KeyReconcileSchedule turns on the scheduled reconcile: an EventBridge
// Scheduler expression, rate(...) or cron(...), on which the launch
// function backfills the plan's whole scope with onlyMissing, so accounts
// whose Control Tower events were missed converge. Absent or empty: no
// reconcile.
const KeyReconcileSchedule = "landfall:reconcileSchedule"

var reconcileJob = scheduledJob{name: "the reconcile", cost: "each reconcile queues a run for every account"}

// CheckReconcileSchedule reports whether expr is a schedule expression
// EventBridge Scheduler accepts, by the rule the drift schedule follows
// (checkSchedule): a rate of at least MinScheduleInterval minutes, or a
// cron of six fields at most once an hour. "" is valid: the reconcile is
// off.
func CheckReconcileSchedule(expr string) error { return checkSchedule(expr, reconcileJob) }
