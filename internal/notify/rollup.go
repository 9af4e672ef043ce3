package notify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/region"
	"github.com/landfall/landfall/internal/runstate"
)

// A backfill (a manual invocation over OUs or the whole organization)
// queues one run per account. A summary per run would bury the failure
// worth reading under hundreds of emails, so the ledger waits until every
// run has finished and publishes one roll-up instead (RollUp): the counts,
// and the failed targets grouped by cause, so that an SCP denying one
// product in one region of 300 accounts is one line, not 300 messages.

// KindRollUp is the kind of a backfill's roll-up, as the document and the
// landfall.kind attribute carry it.
const KindRollUp = "rollup"

// RollUpFailure is one failed target of a backfill's runs.
type RollUpFailure struct {
	Account     string `json:"account"`
	AccountName string `json:"accountName,omitempty"`
	Run         string `json:"run"`
	Region      string `json:"region"`
	Product     string `json:"product"`
	Status      string `json:"status"` // FAILED, TIMED_OUT, SKIPPED, CANCELLED
	Error       string `json:"error,omitempty"`
	// Action is a retirement candidate's (runstate.Target.Action): its
	// account is re-run whole, never by naming the target (retire.go).
	Action string `json:"action,omitempty"`
}

// RollUpInput is what the ledger knows of a finished backfill.
type RollUpInput struct {
	RequestID             string
	RequestedBy           string
	Trigger               string // "backfill"
	StartedAt, FinishedAt time.Time
	Runs                  int             // runs the backfill queued (all finished)
	Outcomes              map[string]int  // run outcome (SUCCEEDED, PARTIAL, FAILED) -> runs
	Targets               map[string]int  // target status -> targets, over all runs
	Failures              []RollUpFailure // not-OK targets, as many as the ledger kept
	DroppedFailures       int             // not-OK targets the ledger did not keep (its item is bounded)
}

// RollUpInfo is the document's account of a finished backfill (kind
// rollup), beyond the target counts (Document.Counts) and the payload that
// re-runs its failed targets (Document.Rerun).
type RollUpInfo struct {
	RequestID string `json:"requestId"`
	// RequestedBy is who asked, as the invocation said (self-asserted).
	RequestedBy string    `json:"requestedBy,omitempty"`
	Trigger     string    `json:"trigger"`
	StartedAt   time.Time `json:"startedAt"`
	FinishedAt  time.Time `json:"finishedAt"`
	// Runs counts the runs the backfill queued, one per account; Outcomes
	// splits them by outcome.
	Runs     int            `json:"runs"`
	Outcomes map[string]int `json:"outcomes"`
	// FailedAccounts counts the distinct accounts of the failed targets the
	// ledger kept.
	FailedAccounts int `json:"failedAccounts"`
	// Causes group the failed targets, most failed targets first. A
	// roll-up shortened to fit SNS lists fewer: CausesNotListed and
	// FailuresNotListed count the rest.
	Causes            []RollUpCause `json:"causes"`
	CausesNotListed   int           `json:"causesNotListed,omitempty"`
	FailuresNotListed int           `json:"failuresNotListed,omitempty"`
	// DroppedFailures counts the failed targets the ledger did not keep:
	// they are in no cause and no re-run payload.
	DroppedFailures int `json:"droppedFailures,omitempty"`
}

// RollUpCause is failed targets that share a status, a product, a region
// and an error that differs at most in account-specific identifiers
// (account, record, provisioned product and run IDs, UUIDs, times).
type RollUpCause struct {
	Status  string `json:"status"`
	Product string `json:"product"`
	Region  string `json:"region"`
	// Error is one of the errors as written, from ExampleAccount's run
	// ExampleRun.
	Error          string `json:"error,omitempty"`
	ExampleAccount string `json:"exampleAccount,omitempty"`
	ExampleRun     string `json:"exampleRun,omitempty"`
	// Count is the number of failed targets; Accounts are their accounts
	// by ID, as many as fit, AccountsNotListed the rest.
	Count             int          `json:"count"`
	Accounts          []AccountRef `json:"accounts"`
	AccountsNotListed int          `json:"accountsNotListed,omitempty"`
}

// RollUp renders a finished backfill's one notification; it always fits
// SNS. Every field from outside is bounded; when the whole roll-up does
// not fit, it lists fewer causes, fewer accounts per cause and shorter
// errors, and carries a wider re-run payload, until it does: the counts,
// the outcome and the request ID always survive.
func RollUp(in RollUpInput) Message {
	f := gatherRollUp(in)
	for _, c := range rollUpCuts[:len(rollUpCuts)-1] {
		if m := f.render(c); m.fits() {
			return m
		}
	}
	return f.render(rollUpCuts[len(rollUpCuts)-1])
}

// rollUpCut says how much of a roll-up a message shows.
type rollUpCut struct {
	// causes and accounts bound the causes listed and the accounts listed
	// per cause (negative: all).
	causes, accounts int
	// detail bounds each example error, in bytes.
	detail int
	// rerun bounds the re-run payload: past it, a wider one.
	rerun int
}

// rollUpCuts are the cuts RollUp tries, everything first. The re-run
// payload is what a reader acts on, so the causes and accounts listed
// shrink first and the payload only in the last cut, which fits whatever
// the backfill holds: three causes of three accounts, every field bounded,
// even if every byte of them escapes sevenfold (a control character in
// the document, encoded again as the body's string).
var rollUpCuts = []rollUpCut{
	{causes: -1, accounts: -1, detail: runstate.MaxMessage, rerun: maxRerunBytes},
	{causes: 500, accounts: 100, detail: 500, rerun: maxRerunBytes},
	{causes: 100, accounts: 50, detail: 300, rerun: maxRerunBytes},
	{causes: 50, accounts: 20, detail: 200, rerun: maxRerunBytes},
	{causes: 20, accounts: 10, detail: 200, rerun: maxRerunBytes},
	{causes: 3, accounts: 3, detail: 200, rerun: maxRerunBytes},
	{causes: 3, accounts: 3, detail: 200, rerun: 1 << 10},
}

// rollUpFacts is a roll-up before a cut: every field bounded, the failures
// grouped into causes.
type rollUpFacts struct {
	info    RollUpInfo // without causes
	counts  map[string]int
	outcome string
	notOK   int // not-OK targets, from the counts
	causes  []*rollUpGroup
	rerun   rerunTargets
}

// gatherRollUp bounds and groups in once, for every cut to render from.
func gatherRollUp(in RollUpInput) *rollUpFacts {
	f := &rollUpFacts{
		info: RollUpInfo{
			RequestID: bound(in.RequestID, maxRunID), RequestedBy: bound(in.RequestedBy, maxRequestedBy), Trigger: bound(in.Trigger, maxTrigger),
			StartedAt: in.StartedAt.UTC(), FinishedAt: in.FinishedAt.UTC(), Runs: in.Runs, Outcomes: boundCounts(in.Outcomes),
			DroppedFailures: max(in.DroppedFailures, 0),
		},
		counts: boundCounts(in.Targets),
		causes: groupCauses(in.Failures),
		rerun:  failedTargets(in.Failures),
	}
	f.outcome = rollUpOutcome(in.Runs, f.info.Outcomes)
	f.notOK = notOKCount(f.counts)
	f.info.FailedAccounts = f.rerun.accountsSeen
	return f
}

// rollUpOutcome is SUCCEEDED when every run succeeded, CANCELLED when every
// other run was cancelled, FAILED when none succeeded, PARTIAL otherwise, as
// a run's outcome is of its targets.
func rollUpOutcome(runs int, outcomes map[string]int) string {
	total := 0
	for _, n := range outcomes {
		total += n
	}
	switch ok, cancelled := outcomes["SUCCEEDED"], outcomes["CANCELLED"]; {
	case ok >= max(runs, total):
		return "SUCCEEDED"
	case cancelled > 0 && ok+cancelled >= max(runs, total):
		return "CANCELLED"
	case ok <= 0:
		return "FAILED"
	}
	return "PARTIAL"
}

// notOKCount adds up the counts of the statuses that are not OK (OTHER,
// where boundCounts gathers unknown statuses, included).
func notOKCount(counts map[string]int) int {
	n := 0
	for s, c := range counts {
		if !runstate.Status(s).OK() {
			n += c
		}
	}
	return n
}

// rollUpGroup is one cause, every failure of it.
type rollUpGroup struct {
	status, product, region string
	count                   int
	// example is the failure of the lowest account and run: its error is
	// the one shown.
	example  RollUpFailure
	accounts []AccountRef // by ID, once each
	seen     map[string]bool
}

// groupCauses groups failures by status, product, region and normalised
// error, most failures first, then by product, region and status.
func groupCauses(failures []RollUpFailure) []*rollUpGroup {
	byKey := map[string]*rollUpGroup{}
	var groups []*rollUpGroup
	for _, raw := range failures {
		f := boundFailure(raw)
		key := strings.Join([]string{f.Status, f.Product, f.Region, normaliseError(f)}, "\x00")
		g := byKey[key]
		if g == nil {
			g = &rollUpGroup{status: f.Status, product: f.Product, region: f.Region, example: f, seen: map[string]bool{}}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.add(f)
	}
	for _, g := range groups {
		g.seen = nil
		slices.SortFunc(g.accounts, func(a, b AccountRef) int { return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Name, b.Name)) })
	}
	slices.SortStableFunc(groups, func(a, b *rollUpGroup) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.product, b.product), cmp.Compare(a.region, b.region),
			cmp.Compare(a.status, b.status), cmp.Compare(a.example.Error, b.example.Error))
	})
	return groups
}

func (g *rollUpGroup) add(f RollUpFailure) {
	g.count++
	if !g.seen[f.Account] {
		g.seen[f.Account] = true
		g.accounts = append(g.accounts, AccountRef{ID: f.Account, Name: f.AccountName})
	}
	if cmp.Or(cmp.Compare(f.Account, g.example.Account), cmp.Compare(f.Run, g.example.Run)) < 0 {
		g.example = f
	}
}

// boundFailure bounds every field of f; the error to what a run keeps.
func boundFailure(f RollUpFailure) RollUpFailure {
	return RollUpFailure{
		Account: bound(f.Account, maxAccountID), AccountName: bound(f.AccountName, maxName), Run: bound(f.Run, maxRunID),
		Region: bound(f.Region, maxRegion), Product: bound(f.Product, maxProduct), Status: bound(f.Status, maxStatus),
		Error: bound(f.Error, runstate.MaxMessage),
	}
}

// minRunLiteral is the shortest run ID normaliseError replaces where it
// appears: a shorter one (a hand-made run) could match ordinary words.
const minRunLiteral = 8

// normaliseError is f's error with what differs from account to account
// replaced by placeholders, so that one cause is one group: the run's ID,
// then UUIDs (request and stack IDs), record and provisioned product IDs,
// times, and 12-digit account IDs (in ARNs too), whitespace collapsed.
func normaliseError(f RollUpFailure) string {
	s := f.Error
	if len(f.Run) >= minRunLiteral {
		s = strings.ReplaceAll(s, f.Run, "<run-id>")
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		placeholder, n := identifierAt(s, i)
		if n == 0 {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(placeholder)
		i += n
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// identifierAt recognises an account-specific identifier at s[i:]: its
// placeholder and length, or the length of a run of digits to copy as it
// is (placeholder s[i:i+n]), or 0. Hand-written rather than a regexp: the
// functions that publish a roll-up would compile it at every cold start.
func identifierAt(s string, i int) (string, int) {
	start := i == 0 || !isAlnum(s[i-1])
	switch {
	case start && uuidAt(s[i:]):
		return "<uuid>", 36
	case start && strings.HasPrefix(s[i:], "rec-"):
		if n := serviceCatalogIDAt(s[i:], len("rec-")); n > 0 {
			return "<record-id>", n
		}
	case start && strings.HasPrefix(s[i:], "pp-"):
		if n := serviceCatalogIDAt(s[i:], len("pp-")); n > 0 {
			return "<provisioned-product-id>", n
		}
	}
	if !isDigit(s[i]) {
		return "", 0
	}
	if n := timeAt(s[i:]); n > 0 {
		return "<time>", n
	}
	n := digitsAt(s[i:])
	if n == 12 {
		return "<account-id>", n
	}
	return s[i : i+n], n
}

// uuidAt reports whether s starts with a UUID (8-4-4-4-12 hex digits) that
// ends there.
func uuidAt(s string) bool {
	const n = 36
	if len(s) < n || (len(s) > n && isAlnum(s[n])) {
		return false
	}
	for j := range n {
		if j == 8 || j == 13 || j == 18 || j == 23 {
			if s[j] != '-' {
				return false
			}
		} else if !isHex(s[j]) {
			return false
		}
	}
	return true
}

// serviceCatalogIDAt is the length of the record or provisioned product ID
// (prefix, then at least four [a-z0-9]) s starts with, or 0.
func serviceCatalogIDAt(s string, prefix int) int {
	n := prefix
	for n < len(s) && (isDigit(s[n]) || 'a' <= s[n] && s[n] <= 'z') {
		n++
	}
	if n-prefix < 4 || (n < len(s) && isAlnum(s[n])) {
		return 0
	}
	return n
}

// timeAt is the length of the RFC 3339 time s starts with
// (2006-01-02T15:04:05, fractional seconds, a zone), or 0.
func timeAt(s string) int {
	const layout = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(layout) {
		return 0
	}
	for j := range len(layout) {
		if layout[j] == 'd' && !isDigit(s[j]) || layout[j] != 'd' && s[j] != layout[j] {
			return 0
		}
	}
	n := len(layout)
	if n < len(s) && s[n] == '.' {
		n += 1 + digitsAt(s[n+1:])
	}
	switch {
	case n < len(s) && s[n] == 'Z':
		n++
	case n+6 <= len(s) && (s[n] == '+' || s[n] == '-') && digitsAt(s[n+1:]) >= 2 && s[n+3] == ':' && digitsAt(s[n+4:]) >= 2:
		n += 6
	}
	return n
}

func digitsAt(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
func isAlnum(c byte) bool { return alnum(rune(c)) }

// rerunTargets are what a payload re-running a backfill's failed targets
// names.
type rerunTargets struct {
	// accounts are the failed accounts that are account IDs, sorted, once
	// each; accountsSeen counts every distinct failed account.
	accounts     []string
	accountsSeen int
	// unnamable counts the failures of accounts that are not account IDs:
	// no payload can name them.
	unnamable int
	// pairs are the failed regions x products, sorted, once each; namable
	// says each is a region and a product key, as a payload must name them.
	pairs   []rerunPair
	namable bool
}

// failedTargets collects what the re-run payload names, from every
// failure the ledger kept (listed or not).
func failedTargets(failures []RollUpFailure) rerunTargets {
	r := rerunTargets{namable: true}
	accounts, pairs := map[string]bool{}, map[rerunPair]bool{}
	for _, f := range failures {
		if !accounts[f.Account] {
			accounts[f.Account] = true
			r.accountsSeen++
		}
		if !awsid.IsAccountID(f.Account) {
			r.unnamable++
			continue
		}
		if f.Action != "" {
			// A payload naming targets retires nothing: the account's
			// re-run must name none (the wider forms below).
			r.namable = false
			continue
		}
		p := rerunPair{Region: f.Region, Product: f.Product}
		if !region.Known(p.Region) || !plan.IsKey(p.Product) {
			r.namable = false
			continue
		}
		pairs[p] = true
	}
	for a := range accounts {
		if awsid.IsAccountID(a) {
			r.accounts = append(r.accounts, a)
		}
	}
	slices.Sort(r.accounts)
	for p := range pairs {
		r.pairs = append(r.pairs, p)
	}
	slices.SortFunc(r.pairs, func(a, b rerunPair) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Product, b.Product))
	})
	return r
}

// Forms of a roll-up's re-run payload, narrowest first. Each has
// onlyMissing, which leaves alone whatever is already on the planned
// version: naming every failed account with every failed target (or
// region and product) re-runs what failed and nothing that is fine.
const (
	// rollUpTargets names the failed accounts and the failed region/product pairs.
	rollUpTargets = iota
	// rollUpSpans names the failed accounts, regions and products.
	rollUpSpans
	// rollUpAccounts names the failed accounts alone.
	rollUpAccounts
	// rollUpSelection names nothing: no payload fits, and the text says
	// to re-run the backfill's own selection with onlyMissing.
	rollUpSelection
)

// rollUpRerun is a roll-up's re-run payload, in the launch function's keys.
type rollUpRerun struct {
	Accounts    []string    `json:"accounts"`
	Regions     []string    `json:"regions,omitempty"`
	Products    []string    `json:"products,omitempty"`
	Targets     []rerunPair `json:"targets,omitempty"`
	OnlyMissing bool        `json:"onlyMissing"`
}

// rollUpPayload encodes the payload of form for accounts and pairs.
func rollUpPayload(accounts []string, pairs []rerunPair, form int) string {
	p := rollUpRerun{Accounts: accounts, OnlyMissing: true}
	switch form {
	case rollUpTargets:
		p.Targets = pairs
	case rollUpSpans:
		p.Regions, p.Products = spans(pairs)
		slices.Sort(p.Products)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "" // cannot happen: strings and a bool
	}
	return string(b)
}

// payload is the narrowest re-run payload of at most budget bytes and its
// form: nil and rollUpSelection when none fits or no failed account can
// be named.
func (r rerunTargets) payload(budget int) (json.RawMessage, int) {
	if len(r.accounts) == 0 {
		return nil, rollUpSelection
	}
	first := rollUpTargets
	if !r.namable || len(r.pairs) == 0 {
		first = rollUpAccounts
	}
	// Each account takes 15 bytes ("123456789012",): skip encoding forms
	// that cannot fit.
	if 15*len(r.accounts) > budget {
		return nil, rollUpSelection
	}
	for form := first; form < rollUpSelection; form++ {
		if p := rollUpPayload(r.accounts, r.pairs, form); len(p) <= budget {
			return json.RawMessage(p), form
		}
	}
	return nil, rollUpSelection
}

// render renders the roll-up as c cuts it. The counts, the outcome and the
// request ID are always whole.
func (f *rollUpFacts) render(c rollUpCut) Message {
	info := f.info
	info.Causes = []RollUpCause{}
	for i, g := range f.causes {
		if c.causes >= 0 && i >= c.causes {
			info.CausesNotListed++
			info.FailuresNotListed += g.count
			continue
		}
		info.Causes = append(info.Causes, g.cut(c))
	}
	rerun, form := f.rerun.payload(c.rerun)
	return Message{
		Subject: f.subject(),
		Text:    f.text(&info, rerun, form),
		Doc: Document{
			Source: "landfall", Version: 1, Kind: KindRollUp, Outcome: f.outcome,
			Counts: f.counts, Rerun: rerun, Message: f.message(), RollUp: &info,
		},
	}
}

// cut is what c shows of g.
func (g *rollUpGroup) cut(c rollUpCut) RollUpCause {
	accounts := g.accounts
	if c.accounts >= 0 && len(accounts) > c.accounts {
		accounts = accounts[:c.accounts]
	}
	return RollUpCause{
		Status: g.status, Product: g.product, Region: g.region,
		Error: bound(g.example.Error, c.detail), ExampleAccount: g.example.Account, ExampleRun: g.example.Run,
		Count: g.count, Accounts: slices.Clone(accounts), AccountsNotListed: len(g.accounts) - len(accounts),
	}
}

// outcomeLabel is a run outcome and the words a roll-up counts it with.
type outcomeLabel struct{ outcome, label string }

// outcomeLabels are in the order a roll-up counts runs, failures last.
var outcomeLabels = []outcomeLabel{{"SUCCEEDED", "succeeded"}, {"CANCELLED", "cancelled"}, {"PARTIAL", "partly failed"}, {"FAILED", "failed"}}

// outcomesPhrase says "196 succeeded, 3 partly failed, 1 failed"; outcomes
// Landfall does not write are added up as "other".
func outcomesPhrase(outcomes map[string]int) string {
	var parts []string
	other := 0
	for o, n := range outcomes {
		if !slices.ContainsFunc(outcomeLabels, func(l outcomeLabel) bool { return l.outcome == o }) {
			other += n
		}
	}
	for _, l := range outcomeLabels {
		if n := outcomes[l.outcome]; n != 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, l.label))
		}
	}
	if other != 0 {
		parts = append(parts, fmt.Sprintf("%d other", other))
	}
	if len(parts) == 0 {
		return "no runs"
	}
	return strings.Join(parts, ", ")
}

func (f *rollUpFacts) causesPhrase() string {
	return causesPhrase(len(f.causes), f.info.DroppedFailures)
}

// causesPhrase says "2 causes"; "at least" when the ledger dropped
// failures, which may have causes of their own.
func causesPhrase(causes, dropped int) string {
	s := plural(causes, "cause")
	if dropped > 0 {
		s = "at least " + s
	}
	return s
}

// subject is "Landfall: backfill of 200 accounts: 197 succeeded, 3 failed
// (1 cause)". The start is what a reader must see, so it is built whole
// and the end is cut if anything is.
func (f *rollUpFacts) subject() string {
	s := fmt.Sprintf("Landfall: %s of %d accounts: %s", bound(f.trigger(), 20), f.info.Runs, outcomesPhrase(f.info.Outcomes))
	if len(f.causes) > 0 || f.info.DroppedFailures > 0 {
		s += " (" + f.causesPhrase() + ")"
	}
	return Subject("", s)
}

// trigger names the backfill's trigger, "backfill" when the ledger had none.
func (f *rollUpFacts) trigger() string {
	if f.info.Trigger == "" {
		return string(runstate.TriggerBackfill)
	}
	return f.info.Trigger
}

// message is the document's one-line account of the backfill.
func (f *rollUpFacts) message() string {
	return fmt.Sprintf("backfill of %d accounts: %s; %d targets did not succeed (%s)",
		f.info.Runs, outcomesPhrase(f.info.Outcomes), f.notOK, f.causesPhrase())
}

// text is the email body.
func (f *rollUpFacts) text(info *RollUpInfo, rerun json.RawMessage, form int) string {
	var b strings.Builder
	f.writeHeader(&b)
	writeCauses(&b, info)
	if f.notOK > 0 || len(f.causes) > 0 || info.DroppedFailures > 0 {
		f.writeRerun(&b, rerun, form)
	}
	return b.String()
}

func (f *rollUpFacts) writeHeader(b *strings.Builder) {
	in := &f.info
	fmt.Fprintf(b, "Landfall finished a %s of %d accounts: %s.\n", f.trigger(), in.Runs, outcomesPhrase(in.Outcomes))
	switch {
	case f.notOK == 0 && len(f.causes) == 0 && in.DroppedFailures == 0:
		fmt.Fprintf(b, "Outcome: %s - every target ended well.\n", f.outcome)
	case in.DroppedFailures > 0:
		fmt.Fprintf(b, "Outcome: %s - %d targets did not succeed, in at least %d accounts (%s).\n", f.outcome, f.notOK, in.FailedAccounts, f.causesPhrase())
	default:
		fmt.Fprintf(b, "Outcome: %s - %d targets did not succeed, in %d accounts (%s).\n", f.outcome, f.notOK, in.FailedAccounts, f.causesPhrase())
	}
	fmt.Fprintf(b, "Targets: %s.\n", countsPhrase(f.counts))
	fmt.Fprintf(b, "Trigger: %s", f.trigger())
	if in.RequestedBy != "" {
		fmt.Fprintf(b, ", requested by %s (as the invocation said)", in.RequestedBy)
	}
	fmt.Fprintf(b, "; request %s; started %s, finished %s.\n", dash(in.RequestID), in.StartedAt.Format(time.RFC3339), in.FinishedAt.Format(time.RFC3339))
}

// writeCauses lists the causes, each with its example error and accounts,
// and says what a shortened roll-up left out.
func writeCauses(b *strings.Builder, info *RollUpInfo) {
	if len(info.Causes) > 0 {
		b.WriteString("\nCauses, most failed targets first:\n")
	}
	for i, c := range info.Causes {
		fmt.Fprintf(b, "\n%d. %s %s in %s: %s\n", i+1, dash(c.Status), dash(c.Product), dash(c.Region), plural(c.Count, "target"))
		fmt.Fprintf(b, "   Error, as written for %s (run %s):\n     %s\n", dash(c.ExampleAccount), dash(c.ExampleRun), dash(oneLine(c.Error)))
		fmt.Fprintf(b, "   Accounts (%d):\n", len(c.Accounts)+c.AccountsNotListed)
		for _, a := range c.Accounts {
			fmt.Fprintf(b, "     %s\n", strings.TrimSpace(dash(a.ID)+"  "+oneLine(a.Name)))
		}
		if c.AccountsNotListed > 0 {
			fmt.Fprintf(b, "     (%d more accounts are not listed: they did not fit in one SNS message.)\n", c.AccountsNotListed)
		}
	}
	if info.CausesNotListed > 0 {
		fmt.Fprintf(b, "\n(%d more causes, %s, are not listed: they did not fit in one SNS message. `landfall runs --status FAILED` and `landfall runs --status PARTIAL` list the runs that did not succeed.)\n",
			info.CausesNotListed, plural(info.FailuresNotListed, "failed target"))
	}
	if info.DroppedFailures > 0 {
		fmt.Fprintf(b, "\n(%s are in no cause above: the ledger keeps a bounded number of a backfill's failures. `landfall runs --status FAILED` and `landfall runs --status PARTIAL` list the runs that did not succeed.)\n",
			plural(info.DroppedFailures, "more failed target"))
	}
}

// plural says "1 target", "3 targets".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

const invokeLaunch = "invoke the launch function (landfall invoke, or the Lambda console's Test tab) with"

// selectionAdvice says how to re-run a backfill's failed targets without
// naming them: its own selection again, with onlyMissing.
const selectionAdvice = `re-run the backfill's own selection (its "ous", with "recursive" if it had it, or "all": true) with "onlyMissing": true, ` +
	"which leaves alone whatever is already on the planned version; for the whole organization:\n" +
	`echo '{"all": true, "onlyMissing": true}' | landfall invoke -` + "\n"

// rollUpRerunIntro says what a payload of form re-runs.
func rollUpRerunIntro(form int) string {
	switch form {
	case rollUpTargets:
		return "To re-run every failed target and nothing that is fine, " + invokeLaunch
	case rollUpSpans:
		return "To re-run what is missing or failed in the failed regions and products of the failed accounts (naming each failed target would not fit in one message), " + invokeLaunch
	}
	return "To re-run what is missing or failed in the failed accounts (naming their failed targets would not fit in one message), " + invokeLaunch
}

func (f *rollUpFacts) writeRerun(b *strings.Builder, rerun json.RawMessage, form int) {
	if rerun == nil {
		if f.rerun.unnamable > 0 && len(f.rerun.accounts) == 0 {
			fmt.Fprintf(b, "\nNo payload can name the failed accounts: their IDs are not 12-digit account IDs. To re-run them, %s", selectionAdvice)
			return
		}
		fmt.Fprintf(b, "\nThe failed accounts are too many to name in one message. To re-run them, %s", selectionAdvice)
		return
	}
	fmt.Fprintf(b, "\n%s:\n%s\n", rollUpRerunIntro(form), rerun)
	b.WriteString("onlyMissing leaves alone whatever is already on the planned version, so naming every failed account with every failed target re-runs only what is missing or failed.\n")
	if f.rerun.unnamable > 0 {
		fmt.Fprintf(b, "It leaves out %s of accounts whose IDs are not 12-digit account IDs: no payload can name them.\n", plural(f.rerun.unnamable, "failed target"))
	}
	if f.info.DroppedFailures > 0 {
		fmt.Fprintf(b, "It names only the failed targets the ledger kept. To re-run the %d it did not keep too, %s", f.info.DroppedFailures, selectionAdvice)
	}
}
