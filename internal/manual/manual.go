// Package manual decodes and validates the payload an operator sends to the
// launch function by hand: from the Lambda console's Test tab, with
// `aws lambda invoke`, or built by the landfall CLI.
//
// Decoding is strict, because a lenient decoder turns a typo into a much
// larger run than intended: {"acounts": [...], "all": true} must not quietly
// become "provision every account". So unknown and repeated keys are
// rejected (with a did-you-mean hint for near misses), every value must have
// the right JSON type, and all problems are reported at once.
//
// The rules, and the choices made where the brief left room:
//   - Exactly one of "accounts", "ous", "all": true, "status", "drift",
//     "runs", "run" or "cancel" selects what the request is about.
//     "all": false selects nothing, so it counts as absent; so do the other
//     false booleans.
//   - "recursive": true only with "ous" (inside status: with status.ous).
//   - A list that is given must not be empty: an empty list is most likely a
//     template left unfilled, and "every region" is spelled by leaving
//     "regions" out.
//   - Account IDs are 12-digit strings. A JSON number is rejected with a hint
//     to quote it, since a number cannot keep an ID's leading zeros.
//   - OU IDs are "ou-…" IDs or the organization root "r-…".
//   - "targets" (explicit region/product pairs) and "regions"/"products"
//     (every combination) are mutually exclusive.
//   - A status query changes nothing, so "dryRun", "onlyMissing" and
//     "includeManagementAccount" are rejected next to "status" rather than
//     silently ignored: the operator would otherwise believe they had an
//     effect. Its filters belong inside it (status.regions, status.products).
//   - Duplicates in a list are errors, not silently merged: a repeated ID
//     is usually a copy-paste slip that hides a missing one.
//   - "runs" lists the run ledger, "run" shows one run and "cancel" cancels
//     one. They are about runs that exist, so every run option and filter
//     ("regions", "products", "targets", "recursive", "dryRun",
//     "onlyMissing", "includeManagementAccount") is rejected next to them,
//     as next to a status query. runs.since is a Go duration in h, m and s,
//     or whole days ("7d"), because a day is the unit operators think of
//     runs in; it is bounded by the longest retention the ledger allows, so
//     a listing never walks further back than any run can be. runs.status
//     is matched case-insensitively and normalised to upper case, the
//     ledger's spelling. runs.limit is 1 to 1000; a given 0 is an error,
//     not the default, since it cannot mean "no runs".
//   - "requestedBy" may accompany any kind: who asked, as the sender says.
//     It is self-asserted (anyone allowed to invoke the function can write
//     anything there), so it is recorded for readability, never trusted;
//     CloudTrail data events on the function are the authoritative record.
//     A given string must be non-blank and printable, at most 2048
//     characters: an IAM ARN fits, a pasted document does not.
//   - A string given empty ("run": "", "runs": {"since": ""}) is an error
//     rather than absent: it is a template left unfilled.
package manual

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/landfall/landfall/internal/suggest"
)

// Kind says what a request selects.
type Kind string

// The kinds of request; Decode accepts only requests of exactly one kind.
const (
	KindAccounts Kind = "accounts"
	KindOUs      Kind = "ous"
	KindAll      Kind = "all"
	KindStatus   Kind = "status"
	// KindDrift is a status query that also reports drift: one notification
	// when any target is not OK, and drift metrics either way. The drift
	// schedule sends {"drift": {"all": true}}.
	KindDrift Kind = "drift"
	// KindRuns lists the run ledger, KindRun shows one run with its
	// targets, KindCancel asks one running run to stop.
	KindRuns   Kind = "runs"
	KindRun    Kind = "run"
	KindCancel Kind = "cancel"
)

// Pair is one explicit target: a product (by its plan key) in a region.
type Pair struct {
	Region  string `json:"region"`
	Product string `json:"product"`
}

// Request is a validated manual invocation. The JSON tags are the payload's
// keys; with omitempty, a marshalled Request decodes back to itself.
type Request struct {
	// Accounts selects accounts by 12-digit ID.
	Accounts []string `json:"accounts,omitempty"`
	// OUs selects the accounts directly in these OUs ("ou-…", or the root "r-…").
	OUs []string `json:"ous,omitempty"`
	// Recursive extends OUs to the accounts of nested OUs.
	Recursive bool `json:"recursive,omitempty"`
	// All selects every account of the organization.
	All bool `json:"all,omitempty"`
	// Regions and Products narrow the plan to these regions and product keys;
	// absent means everything the plan names.
	Regions  []string `json:"regions,omitempty"`
	Products []string `json:"products,omitempty"`
	// Targets narrows the plan to exactly these region/product pairs.
	Targets []Pair `json:"targets,omitempty"`
	// DryRun resolves what would be done and changes nothing.
	DryRun bool `json:"dryRun,omitempty"`
	// OnlyMissing skips targets already AVAILABLE on the wanted version.
	OnlyMissing bool `json:"onlyMissing,omitempty"`
	// IncludeManagement lets the selection include the management account,
	// which Landfall otherwise leaves out.
	IncludeManagement bool `json:"includeManagementAccount,omitempty"`
	// Status asks for the recorded state of accounts instead of a run.
	Status *StatusRequest `json:"status,omitempty"`
	// Drift asks for the same report as Status and publishes one drift
	// notification when a target is not OK (the scheduled drift check).
	Drift *StatusRequest `json:"drift,omitempty"`
	// Runs lists the runs in the ledger.
	Runs *RunsRequest `json:"runs,omitempty"`
	// Run shows the run with this ID, with its targets.
	Run string `json:"run,omitempty"`
	// Cancel asks the running run with this ID to stop at its next step.
	Cancel string `json:"cancel,omitempty"`
	// RequestedBy says who asked, as the sender asserts it: the landfall
	// CLI sends the caller's ARN. It is recorded, never trusted; the
	// launch function's CloudTrail data events are the authoritative record.
	RequestedBy string `json:"requestedBy,omitempty"`
}

// StatusRequest asks what Landfall has recorded for a set of accounts; its
// fields mean what they mean in Request.
type StatusRequest struct {
	Accounts  []string `json:"accounts,omitempty"`
	OUs       []string `json:"ous,omitempty"`
	Recursive bool     `json:"recursive,omitempty"`
	All       bool     `json:"all,omitempty"`
	Regions   []string `json:"regions,omitempty"`
	Products  []string `json:"products,omitempty"`
}

// Kind says what the request selects. It is meaningful for a request that
// Decode returned or that Validate accepts, which select exactly one thing;
// for others it returns the first kind found, or "".
func (r *Request) Kind() Kind {
	switch {
	case r.Status != nil:
		return KindStatus
	case r.Drift != nil:
		return KindDrift
	case r.Runs != nil:
		return KindRuns
	case r.Run != "":
		return KindRun
	case r.Cancel != "":
		return KindCancel
	case r.All:
		return KindAll
	case r.OUs != nil:
		return KindOUs
	case r.Accounts != nil:
		return KindAccounts
	}
	return ""
}

// Kind says what the status query selects: KindAccounts, KindOUs or KindAll,
// with the same caveat as Request.Kind.
func (s *StatusRequest) Kind() Kind {
	switch {
	case s.All:
		return KindAll
	case s.OUs != nil:
		return KindOUs
	case s.Accounts != nil:
		return KindAccounts
	}
	return ""
}

// payloadFix is the fix offered when the payload as a whole is unusable.
const payloadFix = `send a JSON object such as {"accounts": ["123456789012"]}`

// Decode parses and validates a manual payload. On any problem it returns a
// nil request and a *FieldError, or an errors.Join of all of them.
func Decode(raw []byte) (*Request, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil, &FieldError{Problem: "empty", Fix: payloadFix}
	}
	if !json.Valid(trimmed) {
		var v any
		problem := "is not valid JSON"
		if se, ok := errors.AsType[*json.SyntaxError](json.Unmarshal(raw, &v)); ok {
			problem = fmt.Sprintf("is not valid JSON: %s at byte %d", se.Error(), se.Offset)
		}
		return nil, &FieldError{Problem: problem, Fix: payloadFix}
	}
	d := &decoder{bad: map[string]bool{}}
	r := d.request(trimmed)
	if r == nil {
		return nil, errors.Join(d.problems...)
	}
	d.problems = append(d.problems, validate(r, d.bad)...)
	if len(d.problems) > 0 {
		return nil, errors.Join(d.problems...)
	}
	return r, nil
}

// Validate checks a request built in code (by the CLI, say) by the rules
// Decode applies, returning every problem joined.
func (r *Request) Validate() error {
	return errors.Join(validate(r, nil)...)
}

// validate checks values and combinations. Paths in bad were reported by
// the decoder already (the wrong JSON type, or a string given empty), so
// their values are not checked again; "run" and "cancel" among them still
// count as given, as a broken list does.
func validate(r *Request, bad map[string]bool) []error {
	v := &validator{bad: bad}
	v.selection("", []selector{
		{"accounts", r.Accounts != nil}, {"ous", r.OUs != nil},
		{"all", r.All}, {"status", r.Status != nil}, {"drift", r.Drift != nil},
		{"runs", r.Runs != nil}, {"run", r.Run != "" || v.bad["run"]}, {"cancel", r.Cancel != "" || v.bad["cancel"]},
	})
	v.requestedBy("requestedBy", r.RequestedBy)
	ledgerKinds := ledgerQueries(r, v.bad)
	for _, q := range ledgerKinds {
		v.ledgerExtras(r, q)
	}
	// Next to runs, run or cancel, ledgerExtras reports "recursive" already.
	if r.Recursive && r.OUs == nil && len(ledgerKinds) == 0 {
		v.add(&FieldError{Field: "recursive", Problem: `applies only to "ous"`, Fix: recursiveFix(queryKey(r), "")})
	}
	if r.Targets != nil && (r.Regions != nil || r.Products != nil) {
		var with []string
		if r.Regions != nil {
			with = append(with, `"regions"`)
		}
		if r.Products != nil {
			with = append(with, `"products"`)
		}
		v.add(&FieldError{
			Field: "targets", Problem: "cannot be combined with " + suggest.AndList(with),
			Fix: `either list region/product pairs in "targets", or use "regions" and "products" for every combination`,
		})
	}
	for _, q := range queries(r) {
		v.queryExtras(r, q.key)
	}
	v.accounts("accounts", r.Accounts)
	v.ous("ous", r.OUs)
	v.regions("regions", r.Regions)
	v.products("products", r.Products)
	v.targets("targets", r.Targets)
	for _, q := range queries(r) {
		v.query(q.key, q.req)
	}
	v.runs("runs", r.Runs)
	v.runID("run", r.Run)
	v.runID("cancel", r.Cancel)
	return v.problems
}

// recursiveFix says where "recursive" belongs: inside the payload's status
// or drift query (named by query), or next to prefix+"ous".
func recursiveFix(query, prefix string) string {
	if query != "" {
		return "inside a " + query + " query, write it as " + query + ".recursive next to " + query + ".ous"
	}
	return "remove it, or select OUs with " + strconv.Quote(prefix+"ous")
}

// queryKey is the key of the payload's first status or drift query, or "".
func queryKey(r *Request) string {
	if q := queries(r); len(q) > 0 {
		return q[0].key
	}
	return ""
}

// query is a status query given in a payload, under its key.
type query struct {
	key string
	req *StatusRequest
}

// queries returns the status and drift queries a payload gives.
func queries(r *Request) []query {
	var out []query
	if r.Status != nil {
		out = append(out, query{"status", r.Status})
	}
	if r.Drift != nil {
		out = append(out, query{"drift", r.Drift})
	}
	return out
}

// queryExtras rejects run options next to a status or drift query: it
// changes nothing, so they would only mislead the operator.
func (v *validator) queryExtras(r *Request, key string) {
	for _, f := range []struct {
		key   string
		given bool
		fix   string
	}{
		{"regions", r.Regions != nil, "put it inside " + key + ", as " + key + ".regions"},
		{"products", r.Products != nil, "put it inside " + key + ", as " + key + ".products"},
		{"targets", r.Targets != nil, "a " + key + " query filters with " + key + ".regions and " + key + ".products"},
		{"dryRun", r.DryRun, "remove it: a " + key + " query changes nothing anyway"},
		{"onlyMissing", r.OnlyMissing, "remove it: a " + key + " query reports every target"},
		{"includeManagementAccount", r.IncludeManagement, "remove it"},
	} {
		if f.given {
			v.add(&FieldError{Field: f.key, Problem: "does not apply to a " + key + " query", Fix: f.fix})
		}
	}
}

// query checks the selection and filters of a status or drift query.
func (v *validator) query(key string, s *StatusRequest) {
	v.selection(key, []selector{
		{"accounts", s.Accounts != nil}, {"ous", s.OUs != nil}, {"all", s.All},
	})
	if s.Recursive && s.OUs == nil {
		v.add(&FieldError{Field: key + ".recursive", Problem: `applies only to "ous"`, Fix: recursiveFix("", key+".")})
	}
	v.accounts(key+".accounts", s.Accounts)
	v.ous(key+".ous", s.OUs)
	v.regions(key+".regions", s.Regions)
	v.products(key+".products", s.Products)
}
