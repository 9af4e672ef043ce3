package manual

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/shape"
	"github.com/landfall/landfall/internal/suggest"
)

// RunsRequest asks for the runs in the ledger. Every field is optional:
// {"runs": {}} lists the last DefaultRunsSince of runs, any account.
type RunsRequest struct {
	// Account keeps one account's runs (a 12-digit ID).
	Account string `json:"account,omitempty"`
	// Since is how far back to look: a Go duration in h, m and s ("36h"),
	// or whole days ("7d"). It stays text so that a marshalled request
	// decodes back to itself; Filter reads it.
	Since string `json:"since,omitempty"`
	// Status keeps runs with this ledger status or outcome, one of
	// RunStatuses.
	Status string `json:"status,omitempty"`
	// Limit bounds the runs listed, 1 to MaxRunsLimit; 0 means
	// DefaultRunsLimit.
	Limit int `json:"limit,omitempty"`
}

// Bounds and defaults of a runs query.
const (
	DefaultRunsSince = 24 * time.Hour
	// MaxRunsSince is the longest retention the ledger can be deployed
	// with: no run is older, so looking further back finds nothing more.
	MaxRunsSince     = config.MaxRunRetentionDays * 24 * time.Hour
	DefaultRunsLimit = ledger.DefaultLimit
	MaxRunsLimit     = 1000
)

// RunStatuses are the values runs.status takes: the ledger's statuses,
// then the outcomes a finished run records (runstate.Run.Outcome).
var RunStatuses = []string{ledger.StatusRunning, ledger.StatusFinished, "SUCCEEDED", "CANCELLED", "PARTIAL", "FAILED"}

// Filter is the ledger query q asks for, looking back from now. It reads a
// validated request; a missing or unusable since counts as the default, so
// a nil request lists the last day.
func (q *RunsRequest) Filter(now time.Time) ledger.Filter {
	f := ledger.Filter{Since: now.Add(-DefaultRunsSince), Limit: DefaultRunsLimit}
	if q == nil {
		return f
	}
	f.Account, f.Status = q.Account, q.Status
	if q.Limit > 0 {
		f.Limit = q.Limit
	}
	if d, err := parseSince(q.Since); q.Since != "" && err == nil && d > 0 {
		f.Since = now.Add(-d)
	}
	return f
}

// parseSince reads a runs.since value: a Go duration whose units are h, m
// and s, or a whole number of days ("7d"). It does not check the bounds.
func parseSince(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok && days != "" && onlyDigits(days) == days {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n > math.MaxInt64/int64(24*time.Hour) {
			return 0, fmt.Errorf("%q: too many days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	// time.ParseDuration also takes ms, us and ns: a listing of runs has
	// no use for them, and "5ms" for "5m" is a slip worth catching.
	if strings.ContainsAny(s, "nuµμ") || strings.Contains(s, "ms") {
		return 0, fmt.Errorf("%q: use the units h, m and s, or d for days", s)
	}
	return time.ParseDuration(s)
}

// Keys of a runs query, in the order help texts list them.
var runsKeys = []string{"account", "since", "status", "limit"}

const runsFix = `write "runs": {} for the last 24 hours, or narrow it: {"account": "123456789012", "since": "7d", "status": "FAILED", "limit": 50}`

// runs decodes a runs query. Like status, it returns a non-nil request
// even when the value is unusable, so that validation counts it as given.
func (d *decoder) runs(path string, raw json.RawMessage) *RunsRequest {
	q := &RunsRequest{}
	ms, ok := d.object(path, raw, "must be an object", runsFix)
	if !ok {
		return q
	}
	seen := map[string]bool{}
	for _, m := range ms {
		p := keyPath(path, m.key)
		if !d.unique(seen, p, m.key) {
			continue
		}
		switch m.key {
		case "account":
			q.Account = d.account(p, m.value)
		case "since":
			q.Since = d.text(p, m.value, `a duration such as "24h" or "7d"`, `leave "since" out for the last 24 hours, or write a duration such as "7d"`)
		case "status":
			q.Status = normalStatus(d.text(p, m.value, `a run status such as "FAILED"`, `leave "status" out for every run, or write one of `+statusList()))
		case "limit":
			q.Limit = d.limit(p, m.value)
		default:
			d.unknown(p, m.key, runsKeys)
		}
	}
	return q
}

// normalStatus upper-cases a known status written in another case; an
// unknown one is kept as written, for its error to quote.
func normalStatus(s string) string {
	if up := strings.ToUpper(s); slices.Contains(RunStatuses, up) {
		return up
	}
	return s
}

func statusList() string {
	q := make([]string, len(RunStatuses))
	for i, s := range RunStatuses {
		q[i] = strconv.Quote(s)
	}
	return suggest.OrList(q)
}

// account decodes one account ID, explaining a number as stringList does.
func (d *decoder) account(path string, raw json.RawMessage) string {
	if kindOf(raw) == "number" {
		d.fail(path, numberAccountID(path, string(raw)))
		return ""
	}
	s, ok := d.given(path, raw, `an account ID such as "123456789012"`)
	if ok && s == "" {
		d.fail(path, checkAccount(path, ""))
	}
	return s
}

// text decodes a string that must not be empty when given: an empty one is
// a template left unfilled, and emptyFix says what to do instead.
func (d *decoder) text(path string, raw json.RawMessage, example, emptyFix string) string {
	s, ok := d.given(path, raw, example)
	if ok && s == "" {
		d.fail(path, &FieldError{Field: path, Problem: "is empty", Fix: emptyFix})
	}
	return s
}

// given decodes a string; ok is false when it was not one (and reported).
func (d *decoder) given(path string, raw json.RawMessage, example string) (string, bool) {
	before := len(d.problems)
	s := d.str(path, raw, example)
	return s, len(d.problems) == before
}

// limit decodes runs.limit, a whole number. Zero is reported here: the
// request cannot tell a given 0 from an absent limit.
func (d *decoder) limit(path string, raw json.RawMessage) int {
	if kind := kindOf(raw); kind != "number" {
		fix := `write "limit": 50, a number without quotes`
		var s string
		if json.Unmarshal(raw, &s) == nil && onlyDigits(s) == s && s != "" {
			fix = `write "limit": ` + s + `, without quotes`
		}
		d.fail(path, &FieldError{Field: path, Problem: "must be a number, got " + kind, Fix: fix})
		return 0
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	switch {
	case err != nil && strings.ContainsAny(string(raw), ".eE"):
		d.fail(path, &FieldError{Field: path, Value: string(raw), Problem: "must be a whole number", Fix: limitFix})
		return 0
	case err != nil, n < math.MinInt32, n > math.MaxInt32, n == 0:
		d.fail(path, limitError(path, string(raw)))
		return 0
	}
	return int(n)
}

var limitFix = fmt.Sprintf("write a whole number from 1 to %d, or leave \"limit\" out for %d", MaxRunsLimit, DefaultRunsLimit)

func limitError(path, value string) *FieldError {
	return &FieldError{Field: path, Value: value, Problem: fmt.Sprintf("is out of range 1 to %d", MaxRunsLimit), Fix: limitFix}
}

// runs checks a runs query's values.
func (v *validator) runs(path string, q *RunsRequest) {
	if q == nil || v.bad[path] {
		return
	}
	for _, f := range []struct {
		key, value string
		check      func(path, s string) *FieldError
	}{
		{"account", q.Account, checkAccount},
		{"since", q.Since, checkSince},
		{"status", q.Status, checkRunStatus},
	} {
		p := path + "." + f.key
		if f.value == "" || v.bad[p] {
			continue
		}
		if e := f.check(p, f.value); e != nil {
			v.add(e)
		}
	}
	if p := path + ".limit"; !v.bad[p] && (q.Limit < 0 || q.Limit > MaxRunsLimit) {
		v.add(limitError(p, strconv.Itoa(q.Limit)))
	}
}

func checkSince(path, s string) *FieldError {
	d, err := parseSince(s)
	switch {
	case err != nil:
		return &FieldError{Field: path, Value: s, Problem: "is not a duration", Fix: sinceFix(s)}
	case d <= 0:
		return &FieldError{Field: path, Value: s, Problem: "must be positive", Fix: `write how far back to look, such as "24h" or "7d"`}
	case d > MaxRunsSince:
		return &FieldError{
			Field: path, Value: s, Problem: fmt.Sprintf("is longer than the ledger keeps any run (%d days at most)", config.MaxRunRetentionDays),
			Fix: fmt.Sprintf(`write at most "%dd"`, config.MaxRunRetentionDays),
		}
	}
	return nil
}

// sinceFix suggests the duration a near miss meant: "24" for "24h", "7D"
// for "7d", "1 h" for "1h".
func sinceFix(s string) string {
	const rule = `use a duration in h, m and s such as "36h" or "90m", or whole days such as "7d"`
	cands := []string{strings.ToLower(strings.ReplaceAll(s, " ", ""))}
	if onlyDigits(s) == s {
		cands = append([]string{s + "h"}, cands...)
	}
	for _, c := range cands {
		if c != s && checkSince("", c) == nil {
			return suggest.DidYouMean([]string{c}) + " " + rule
		}
	}
	return rule
}

func checkRunStatus(path, s string) *FieldError {
	if slices.Contains(RunStatuses, s) {
		return nil
	}
	fix := suggest.DidYouMean(suggest.Closest(s, RunStatuses))
	if fix == "" {
		fix = "use " + statusList()
	}
	return &FieldError{Field: path, Value: s, Problem: "is not a run status", Fix: fix}
}

// runIDShape is runstate's rule for run IDs (isRunID, unexported there):
// 1 to 96 of A-Za-z0-9_.-, starting with a letter or digit.
var runIDShape = shape.Of(shape.Run(shape.Chars("A-Za-z0-9"), 1, 1), shape.Run(shape.Chars("A-Za-z0-9_.-"), 0, 95))

// runID checks the run ID of "run" or "cancel" (key); an empty one was
// reported by the decoder or was not given.
func (v *validator) runID(key, id string) {
	if id == "" || v.bad[key] {
		return
	}
	if runIDShape.MatchString(id) {
		return
	}
	fix := `run IDs are 1 to 96 letters, digits and "_.-", starting with a letter or digit; {"runs": {}} lists them`
	if trimmed := strings.TrimSpace(id); trimmed != id && runIDShape.MatchString(trimmed) {
		fix = suggest.DidYouMean([]string{trimmed})
	}
	v.add(&FieldError{Field: key, Value: id, Problem: "is not a run ID", Fix: fix})
}

// MaxRequestedBy bounds requestedBy, in characters: an IAM ARN is at most
// 2048.
const MaxRequestedBy = 2048

// CheckRequestedBy reports whether s is usable as requestedBy, the way
// Decode checks it: the CLI checks the caller ARN it is about to send.
func CheckRequestedBy(s string) error {
	if s == "" {
		return &FieldError{Field: "requestedBy", Problem: "is empty", Fix: requestedByFix}
	}
	if e := checkRequestedBy("requestedBy", s); e != nil {
		return e
	}
	return nil
}

const requestedByFix = `say who asked, such as your IAM ARN, or leave "requestedBy" out`

func (v *validator) requestedBy(path, s string) {
	if s == "" || v.bad[path] {
		return
	}
	if e := checkRequestedBy(path, s); e != nil {
		v.add(e)
	}
}

func checkRequestedBy(path, s string) *FieldError {
	if strings.TrimSpace(s) == "" {
		return &FieldError{Field: path, Value: s, Problem: "is blank", Fix: requestedByFix}
	}
	if !utf8.ValidString(s) {
		return &FieldError{Field: path, Value: s, Problem: "is not valid UTF-8", Fix: "send one line of printable text, such as your IAM ARN"}
	}
	n := 0
	for _, r := range s {
		n++
		if !printable(r) {
			return &FieldError{
				Field: path, Value: s, Problem: fmt.Sprintf("holds the non-printable character %U at character %d", r, n),
				Fix: "send one line of printable text, such as your IAM ARN",
			}
		}
	}
	if n > MaxRequestedBy {
		return &FieldError{
			Field: path, Value: s, Problem: fmt.Sprintf("is %d characters long, more than %d", n, MaxRequestedBy),
			Fix: "send who asked, such as an IAM ARN, not a document",
		}
	}
	return nil
}

// printable is strconv.IsPrint without U+FFFD, which JSON decoding puts
// for bytes that were not UTF-8: bytes the sender did not mean.
func printable(r rune) bool { return r != '\uFFFD' && strconv.IsPrint(r) }

// ledgerQueries returns the keys of the ledger kinds a payload gives.
func ledgerQueries(r *Request, bad map[string]bool) []string {
	var out []string
	for _, q := range []struct {
		key   string
		given bool
	}{
		{"runs", r.Runs != nil}, {"run", r.Run != "" || bad["run"]}, {"cancel", r.Cancel != "" || bad["cancel"]},
	} {
		if q.given {
			out = append(out, q.key)
		}
	}
	return out
}

// ledgerWhat names a ledger kind in messages.
var ledgerWhat = map[string]string{"runs": "a runs query", "run": "a run query", "cancel": "a cancel request"}

// ledgerExtras rejects run options and filters next to runs, run or
// cancel (key): they are about runs that exist, so an option would only
// mislead the operator into thinking it had an effect.
func (v *validator) ledgerExtras(r *Request, key string) {
	what := ledgerWhat[key]
	whole := `remove it: a run is shown whole`
	switch key {
	case "runs":
		whole = "remove it: runs are listed whole; narrow the list with runs.account, runs.since, runs.status or runs.limit"
	case "cancel":
		whole = "remove it: a run is cancelled whole"
	}
	dryRun := "remove it: " + what + " changes nothing anyway"
	if key == "cancel" {
		dryRun = `remove it: cancel has no dry run; {"run": ID} shows the run without changing it`
	}
	for _, f := range []struct {
		key   string
		given bool
		fix   string
	}{
		{"recursive", r.Recursive, "remove it"},
		{"regions", r.Regions != nil, whole},
		{"products", r.Products != nil, whole},
		{"targets", r.Targets != nil, whole},
		{"dryRun", r.DryRun, dryRun},
		{"onlyMissing", r.OnlyMissing, "remove it: it is an option of a run"},
		{"includeManagementAccount", r.IncludeManagement, "remove it: it is an option of a run"},
	} {
		if f.given {
			v.add(&FieldError{Field: f.key, Problem: "does not apply to " + what, Fix: f.fix})
		}
	}
}
