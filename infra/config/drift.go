package config

// KeyDriftSchedule turns on the scheduled drift check: an EventBridge
// Scheduler expression, rate(...) or cron(...). Absent or empty: no check.
const KeyDriftSchedule = "landfall:driftSchedule"

// MinDriftInterval is the shortest rate a drift check may run at, in
// minutes (MinScheduleInterval): each check assumes a role in every account
// and describes every planned product, and a check that finds drift
// notifies, so a check every few minutes would repeat the same notification
// and throttle the fleet.
const MinDriftInterval = MinScheduleInterval

var driftJob = scheduledJob{name: "the drift check", cost: "each check reads every account"}

// CheckDriftSchedule reports whether expr is a schedule expression
// EventBridge Scheduler accepts, by the rule every schedule follows
// (checkSchedule): a rate of at least MinDriftInterval minutes, or a cron
// of six fields at most once an hour. "" is valid: the check is off.
func CheckDriftSchedule(expr string) error { return checkSchedule(expr, driftJob) }
