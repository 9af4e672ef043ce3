package notify

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/runstate"
)

// Every text a notification repeats from outside Landfall is bounded, so a
// message always fits SNS (MaxPublishedBytes) whatever an organization, a
// hand-made event or a hand-made run message holds: a message SNS refuses
// is a summary lost, or a launch function Lambda retries until it gives up.
// The bounds are bytes, cut on a character boundary (runstate.ClipTo), and
// far above what AWS writes, so real values pass whole. What is only
// commentary (errors, notes, reasons, echoed events) is shortened further
// when a message still does not fit (FitRunSummary, shrinkToFit).
const (
	maxAccountID    = 64  // 12 digits; an event's may be anything
	maxName         = 256 // account names (AWS: 50 characters), OU names (128)
	maxOUID         = 128 // ou-xxxx-xxxxxxxx, r-xxxx
	maxRunID        = 128 // run IDs are at most 96 characters
	maxTrigger      = 64
	maxRequestedBy  = 512 // an IAM ARN; self-asserted, so anything up to 2048
	maxEventName    = 64
	maxStatus       = 40
	maxRegion       = 64
	maxProduct      = 128 // plan keys are at most 63 characters
	maxVersion      = 256
	maxResourceID   = 128 // provisioned product and record IDs
	maxCounts       = 16  // distinct statuses a document counts; runs have nine
	maxPlanLabel    = 1024
	maxSource       = 1024 // what asked for a refused request
	maxProblem      = 16 << 10
	maxCTMessage    = 4096 // lifecycle clips Control Tower's message to this too
	maxRerunBytes   = 32 << 10
	minCommentary   = 512 // the least shrinkToFit leaves of a commentary field
	firstCommentary = 64 << 10
)

// bound cuts s to at most n bytes (plus "..."), on a character boundary.
func bound(s string, n int) string { return runstate.ClipTo(s, n) }

// boundAccount bounds every field of an account reference.
func boundAccount(a AccountRef) AccountRef {
	return AccountRef{ID: bound(a.ID, maxAccountID), Name: bound(a.Name, maxName), OUID: bound(a.OUID, maxOUID), OUName: bound(a.OUName, maxName)}
}

// boundCounts copies counts with each status bounded. Past maxCounts
// distinct statuses (only a corrupted run has more than nine), the rest are
// added up under OTHER, so the counts still cover every target; the
// statuses Landfall knows are kept first.
func boundCounts(counts map[string]int) map[string]int {
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		if ka, kb := knownStatus(a), knownStatus(b); ka != kb {
			if ka {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	out := make(map[string]int, min(len(counts), maxCounts+1))
	for _, s := range keys {
		key := bound(s, maxStatus)
		if _, seen := out[key]; !seen && len(out) >= maxCounts {
			key = "OTHER"
		}
		out[key] += counts[s]
	}
	return out
}

// knownStatus reports whether s is a target status or a drift state.
func knownStatus(s string) bool {
	if s == "OK" || s == string(runstate.Pending) || s == string(runstate.InProgress) || slices.Contains(driftOrder, s) {
		return true
	}
	return slices.ContainsFunc(countOrder, func(o countLabel) bool { return string(o.status) == s })
}

// fits reports whether m can be published: its body encodes and, with its
// attributes, stays within MaxPublishedBytes.
func (m Message) fits() bool {
	if len(m.Text) > MaxPublishedBytes {
		return false // the body carries the text, escaped: no need to encode it
	}
	body, err := m.body()
	if err != nil {
		return false
	}
	n := len(body)
	for name, a := range m.attributes() {
		n += len(name) + len(*a.DataType) + len(*a.StringValue)
	}
	return n <= MaxPublishedBytes
}

// shrinkToFit renders a message with at most limit bytes of each
// commentary field, halving limit until the message fits. render must
// bound every other field, so that the smallest limit always fits.
func shrinkToFit(render func(limit int) Message) Message {
	for limit := firstCommentary; limit > minCommentary; limit /= 2 {
		if m := render(limit); m.fits() {
			return m
		}
	}
	return render(minCommentary)
}

// accountSubject is "Landfall: Name (ID) what", cleaned for SNS: the name
// is shortened first, so that the account ID and what happened survive.
func accountSubject(name, id, what string) string {
	id = clean(bound(id, 20))
	if name == "" {
		if id == "" {
			id = "unknown account"
		}
		return Subject("Landfall:", " "+id+" "+what)
	}
	return Subject("Landfall: "+bound(name, maxName), " ("+id+") "+what)
}

// rerunPair is one target of an exact re-run payload.
type rerunPair struct {
	Region  string `json:"region"`
	Product string `json:"product"`
}

// rerunAlternative is a payload that re-runs the failed targets, with the
// words that say what it covers.
type rerunAlternative struct {
	intro   string
	payload string
}

// rerunForms are the payloads that re-run pairs, the targets of accounts
// that did not end well, widest last: exactly them; the regions x products
// they span, onlyMissing (which leaves alone whatever is already
// provisioned on the planned version); the whole account, onlyMissing.
// Each still re-runs every one of the pairs.
func rerunForms(accounts []string, pairs []rerunPair) []rerunAlternative {
	var out []rerunAlternative
	for form := range rerunAccount + 1 {
		out = append(out, rerunForm(accounts, pairs, form))
	}
	return out
}

// rerunForm is one of rerunForms.
func rerunForm(accounts []string, pairs []rerunPair, form int) rerunAlternative {
	n := len(pairs)
	var v any
	var intro string
	switch form {
	case rerunExact:
		v = struct {
			Accounts []string    `json:"accounts"`
			Targets  []rerunPair `json:"targets"`
		}{accounts, pairs}
		intro = fmt.Sprintf("Re-run the %d targets that did not succeed: ", n)
	case rerunRegionsProducts:
		regions, products := spans(pairs)
		v = map[string]any{"accounts": accounts, "regions": regions, "products": products, "onlyMissing": true}
		intro = fmt.Sprintf("Re-run what is missing or failed in the regions and products of the %d targets that did not succeed: ", n)
	default:
		v = map[string]any{"accounts": accounts, "onlyMissing": true}
		intro = fmt.Sprintf("Re-run what is missing or failed in the account (%d targets did not succeed): ", n)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return rerunAlternative{} // cannot happen: strings and a bool
	}
	return rerunAlternative{intro, string(b)}
}

// spans are the distinct regions and products of pairs, in order.
func spans(pairs []rerunPair) (regions, products []string) {
	seenRegion, seenProduct := map[string]bool{}, map[string]bool{}
	for _, p := range pairs {
		if !seenRegion[p.Region] {
			seenRegion[p.Region] = true
			regions = append(regions, p.Region)
		}
		if !seenProduct[p.Product] {
			seenProduct[p.Product] = true
			products = append(products, p.Product)
		}
	}
	return regions, products
}

// leastSize is a lower bound of the size of form's payload, to skip
// encoding a form that cannot fit.
func leastSize(pairs []rerunPair, form int) int {
	n := 0
	switch form {
	case rerunExact:
		for _, p := range pairs {
			n += len(p.Region) + len(p.Product)
		}
	case rerunRegionsProducts:
		regions, products := spans(pairs)
		for _, s := range append(regions, products...) {
			n += len(s)
		}
	}
	return n
}

// Forms of a re-run payload, in rerunForms' order.
const (
	rerunExact = iota
	rerunRegionsProducts
	rerunAccount
)

// failedPairs are the targets of r that did not end well. A retirement
// candidate is none of them: a payload naming targets looks for no
// candidates (its product may not even be the plan's), so a failed
// termination is re-run with the account's own payload (retire.go).
func failedPairs(r *runstate.Run) []rerunPair {
	var pairs []rerunPair
	for i := range r.Targets {
		t := &r.Targets[i]
		if !t.Status.OK() && !t.Retiring() {
			pairs = append(pairs, rerunPair{t.Region, t.Product})
		}
	}
	return pairs
}

// fittingRerun is the narrowest re-run payload of r of at most budget
// bytes (budget 0: the exact one, whatever its size) and its form; nil
// when the run has nothing to re-run or no form fits (an account ID that
// is not one: no payload could re-run it anyway).
func fittingRerun(r *runstate.Run, budget int) (json.RawMessage, int) {
	pairs := failedPairs(r)
	if len(pairs) == 0 {
		if retireFailed(r) && awsid.IsAccountID(r.Account.ID) {
			return json.RawMessage(rerunForm([]string{r.Account.ID}, nil, rerunAccount).payload), rerunAccount
		}
		return nil, 0
	}
	accounts := []string{r.Account.ID}
	for form := range rerunAccount + 1 {
		if budget > 0 && len(r.Account.ID)+leastSize(pairs, form) > budget {
			continue
		}
		if alt := rerunForm(accounts, pairs, form); budget == 0 || len(alt.payload) <= budget {
			return json.RawMessage(alt.payload), form
		}
	}
	return nil, 0
}

// plainID reports whether s is 1 to max bytes of the characters AWS and
// Landfall write IDs with (A-Za-z0-9 and _.:-).
func plainID(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !alnum(rune(c)) && c != '_' && c != '.' && c != ':' && c != '-' {
			return false
		}
	}
	return true
}
