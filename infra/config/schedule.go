package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The scheduled jobs (the drift check, the reconcile) share one rule for
// their EventBridge Scheduler expressions: checkSchedule. Each names its
// key, what it runs and what a run costs, so that a problem reads in the
// job's own terms.

var (
	ratePattern = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
	// cronField is a cron field's character set (EventBridge's wildcards
	// , - * ? / L W #, numbers and month or day names).
	cronField = regexp.MustCompile(`^[0-9A-Za-z,\-*?/#]+$`)
)

// MinScheduleInterval is the shortest rate a scheduled job may run at, in
// minutes: each drift check or reconcile reaches every account the plan
// selects, so one every few minutes would throttle the fleet (and repeat
// its notification).
const MinScheduleInterval = 60

// scheduledJob is what a schedule runs, for its messages.
type scheduledJob struct {
	name string // "the drift check"
	cost string // why running it often is a problem: "each check reads every account"
}

// fix is the example every problem with the job's schedule ends with.
func (j scheduledJob) fix() string {
	return `write a schedule such as "rate(1 day)", "rate(6 hours)" or "cron(0 6 ? * MON-FRI *)" (UTC), or remove the key to turn ` + j.name + ` off`
}

// checkSchedule reports whether expr is a schedule expression EventBridge
// Scheduler accepts, as a rate (value and unit, the unit singular for 1
// and plural otherwise, at least MinScheduleInterval minutes) or a cron of
// six fields (Day-of-month or Day-of-week "?", at most once an hour). ""
// is valid: the job is off.
func checkSchedule(expr string, job scheduledJob) error {
	switch {
	case expr == "":
		return nil
	case strings.HasPrefix(expr, "rate("):
		return checkRate(expr, job)
	case strings.HasPrefix(expr, "cron("):
		return checkCron(expr, job)
	}
	return fmt.Errorf("%q is not a schedule expression: %s", expr, job.fix())
}

func checkRate(expr string, job scheduledJob) error {
	m := ratePattern.FindStringSubmatch(expr)
	if m == nil {
		return fmt.Errorf("%q is not a rate expression: write rate(<whole number> <minute|minutes|hour|hours|day|days>), or %s", expr, job.fix())
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return fmt.Errorf("%q: the value must be a positive whole number; %s", expr, job.fix())
	}
	unit := m[2]
	if plural := strings.HasSuffix(unit, "s"); plural != (n > 1) {
		want := strings.TrimSuffix(unit, "s")
		if n > 1 {
			want += "s"
		}
		return fmt.Errorf("%q: EventBridge wants a singular unit for 1 and a plural one otherwise: write rate(%d %s)", expr, n, want)
	}
	minutes := n
	switch strings.TrimSuffix(unit, "s") {
	case "hour":
		minutes = n * 60
	case "day":
		minutes = n * 24 * 60
	}
	if minutes < MinScheduleInterval {
		return fmt.Errorf("%q runs %s more often than once an hour, and %s: use rate(1 hour) or longer", expr, job.name, job.cost)
	}
	return nil
}

func checkCron(expr string, job scheduledJob) error {
	if !strings.HasSuffix(expr, ")") {
		return fmt.Errorf("%q is not a cron expression: close it with \")\"; %s", expr, job.fix())
	}
	fields := strings.Fields(expr[len("cron(") : len(expr)-1])
	if len(fields) != 6 {
		return fmt.Errorf("%q has %d fields: a cron expression has six (minutes hours day-of-month month day-of-week year), such as cron(0 6 * * ? *)", expr, len(fields))
	}
	for i, f := range fields {
		if !cronField.MatchString(f) {
			return fmt.Errorf("%q: field %d (%s) has characters a cron field cannot: %s", expr, i+1, f, job.fix())
		}
	}
	dom, dow := fields[2], fields[4]
	if (dom == "?") == (dow == "?") {
		return fmt.Errorf("%q: exactly one of day-of-month (%s) and day-of-week (%s) must be \"?\", such as cron(0 6 * * ? *) or cron(0 6 ? * MON *)", expr, dom, dow)
	}
	if _, err := strconv.Atoi(fields[0]); err != nil {
		return fmt.Errorf("%q: the minutes field %q runs %s more than once an hour, and %s: give one minute, such as cron(0 6 * * ? *)", expr, fields[0], job.name, job.cost)
	}
	return nil
}
