package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// KeyDriftSchedule turns on the scheduled drift check: an EventBridge
// Scheduler expression, rate(...) or cron(...). Absent or empty: no check.
const KeyDriftSchedule = "landfall:driftSchedule"

// driftScheduleFix is the example every drift schedule problem ends with.
const driftScheduleFix = `write a schedule such as "rate(1 day)", "rate(6 hours)" or "cron(0 6 ? * MON-FRI *)" (UTC), or remove the key to turn the drift check off`

var (
	ratePattern = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
	// cronField is a cron field's character set (EventBridge's wildcards
	// , - * ? / L W #, numbers and month or day names).
	cronField = regexp.MustCompile(`^[0-9A-Za-z,\-*?/#]+$`)
)

// MinDriftInterval is the shortest rate a drift check may run at, in
// minutes: each check assumes a role in every account and describes every
// planned product, and a check that finds drift notifies, so a check every
// few minutes would repeat the same notification and throttle the fleet.
const MinDriftInterval = 60

// CheckDriftSchedule reports whether expr is a schedule expression
// EventBridge Scheduler accepts, as a rate (value and unit, the unit
// singular for 1 and plural otherwise, at least MinDriftInterval minutes)
// or a cron of six fields (Day-of-month or Day-of-week "?", at most once
// an hour). "" is valid: the check is off.
func CheckDriftSchedule(expr string) error {
	switch {
	case expr == "":
		return nil
	case strings.HasPrefix(expr, "rate("):
		return checkRate(expr)
	case strings.HasPrefix(expr, "cron("):
		return checkCron(expr)
	}
	return fmt.Errorf("%q is not a schedule expression: %s", expr, driftScheduleFix)
}

func checkRate(expr string) error {
	m := ratePattern.FindStringSubmatch(expr)
	if m == nil {
		return fmt.Errorf("%q is not a rate expression: write rate(<whole number> <minute|minutes|hour|hours|day|days>), or %s", expr, driftScheduleFix)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return fmt.Errorf("%q: the value must be a positive whole number; %s", expr, driftScheduleFix)
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
	if minutes < MinDriftInterval {
		return fmt.Errorf("%q runs the drift check more often than once an hour, and each check reads every account: use rate(1 hour) or longer", expr)
	}
	return nil
}

func checkCron(expr string) error {
	if !strings.HasSuffix(expr, ")") {
		return fmt.Errorf("%q is not a cron expression: close it with \")\"; %s", expr, driftScheduleFix)
	}
	fields := strings.Fields(expr[len("cron(") : len(expr)-1])
	if len(fields) != 6 {
		return fmt.Errorf("%q has %d fields: a cron expression has six (minutes hours day-of-month month day-of-week year), such as cron(0 6 * * ? *)", expr, len(fields))
	}
	for i, f := range fields {
		if !cronField.MatchString(f) {
			return fmt.Errorf("%q: field %d (%s) has characters a cron field cannot: %s", expr, i+1, f, driftScheduleFix)
		}
	}
	dom, dow := fields[2], fields[4]
	if (dom == "?") == (dow == "?") {
		return fmt.Errorf("%q: exactly one of day-of-month (%s) and day-of-week (%s) must be \"?\", such as cron(0 6 * * ? *) or cron(0 6 ? * MON *)", expr, dom, dow)
	}
	if _, err := strconv.Atoi(fields[0]); err != nil {
		return fmt.Errorf("%q: the minutes field %q runs the drift check more than once an hour, and each check reads every account: give one minute, such as cron(0 6 * * ? *)", expr, fields[0])
	}
	return nil
}
