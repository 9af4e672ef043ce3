package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/awsid"
	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// What SNS accepts, written out here rather than taken from notify.go so
// that a wrong constant there fails: a message of at most 256 KiB counting
// the body and every attribute's name, data type and value, and a subject
// of 1 to 99 printable ASCII characters that does not start with a space.
const snsMaxBytes = 262144

// checkSNS fails on anything SNS would refuse in m, as Publish sends it to
// the summary topic and its chat form to the chat topic.
func checkSNS(t *testing.T, what string, m Message) {
	t.Helper()
	body, err := m.body()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(body) > MaxPublishedBytes {
		t.Errorf("%s: body is %d bytes, over the %d-byte budget", what, len(body), MaxPublishedBytes)
	}
	attrs := 0
	for name, a := range m.attributes() {
		v := *a.StringValue
		attrs += len(name) + len(*a.DataType) + len(v)
		if v == "" || len(v) > 256 {
			t.Errorf("%s: attribute %s is %d bytes", what, name, len(v))
		}
	}
	if n := len(body) + attrs; n > snsMaxBytes {
		t.Errorf("%s: %d bytes with attributes, over SNS's %d", what, n, snsMaxBytes)
	}
	s := m.Subject
	if len(s) < 1 || len(s) > 99 || s[0] == ' ' {
		t.Errorf("%s: subject %q is %d characters; SNS takes 1-99, not starting with a space", what, s, len(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			t.Errorf("%s: subject %q has the byte 0x%02x, not printable ASCII", what, s, s[i])
			break
		}
	}
	chat, err := Chat(m)
	if err != nil {
		t.Errorf("%s: chat form: %v", what, err)
		return
	}
	checkChat(t, what, chat)
}

// checkNames fails unless m names the run's account and outcome where a
// reader and a filter policy look for them.
func checkNames(t *testing.T, what string, r *runstate.Run, m Message) {
	t.Helper()
	outcome := r.Outcome()
	if m.Doc.Outcome != outcome || !strings.Contains(m.Text, "Outcome: "+outcome) || *m.attributes()[AttrOutcome].StringValue != outcome {
		t.Errorf("%s: outcome %s lost: doc %q, text has it: %v", what, outcome, m.Doc.Outcome, strings.Contains(m.Text, "Outcome: "+outcome))
	}
	if !awsid.IsAccountID(r.Account.ID) {
		return
	}
	id := r.Account.ID
	if m.Doc.Account == nil || m.Doc.Account.ID != id || !strings.Contains(m.Text, id) || !strings.Contains(m.Subject, id) {
		t.Errorf("%s: account ID %s lost from the document, the text or the subject %q", what, id, m.Subject)
	}
	if a, ok := m.attributes()[AttrAccount]; !ok || *a.StringValue != id {
		t.Errorf("%s: attribute %s must be the account ID", what, AttrAccount)
	}
	failed := 0
	for _, tg := range r.Targets {
		switch tg.Status {
		case runstate.Failed, runstate.Skipped, runstate.TimedOut:
			failed++
		}
	}
	if got := *m.attributes()[AttrFailed].StringValue; got != strconv.Itoa(failed) {
		t.Errorf("%s: attribute %s = %s, want %d: filter policies count every failed target, listed or not", what, AttrFailed, got, failed)
	}
}

// checkUTF8 fails when text that came in valid goes out cut inside a character.
func checkUTF8(t *testing.T, what string, m Message) {
	t.Helper()
	// encoding/json turns a split sequence into U+FFFD: decode the
	// document to find it.
	b, err := json.Marshal(m.Doc)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var split func(v any) bool
	split = func(v any) bool {
		switch v := v.(type) {
		case string:
			return strings.ContainsRune(v, utf8.RuneError)
		case []any:
			return slices.ContainsFunc(v, split)
		case map[string]any:
			for k, e := range v {
				if split(k) || split(e) {
					return true
				}
			}
		}
		return false
	}
	if !utf8.ValidString(m.Text) || strings.ContainsRune(m.Text, utf8.RuneError) || split(doc) {
		t.Errorf("%s: a cut split a UTF-8 sequence", what)
	}
}

// adversarial is a run whose every field something outside Landfall can
// make long: an odd organization, a hand-made event or run message.
func adversarial(edit func(r *runstate.Run)) *runstate.Run {
	r := sampleRun("LifeCycle1")
	edit(r)
	return r
}

// mb is s repeated to at least n bytes.
func mb(s string, n int) string { return strings.Repeat(s, n/len(s)+1) }

func manyTargets(n int, edit func(i int, t *runstate.Target)) func(r *runstate.Run) {
	return func(r *runstate.Run) {
		r.Targets = nil
		for i := range n {
			t := runstate.Target{Region: fmt.Sprintf("region-%02d", i%20), Product: fmt.Sprintf("product-%04d", i), Status: runstate.Failed,
				Version: "v1", RecordID: fmt.Sprintf("rec-%04d", i), Error: strings.Repeat("AccessDenied: an SCP denies it. ", 30)}
			if i%3 == 0 {
				t.Status, t.Error, t.ProvisionedProductID = runstate.Succeeded, "", fmt.Sprintf("pp-%04d", i)
			}
			if edit != nil {
				edit(i, &t)
			}
			r.Targets = append(r.Targets, t)
		}
	}
}

const huge = 1 << 20

// TestFitRunSummaryBoundsEveryField makes each field of a run huge in
// turn, then all of them, and checks that the fitted summary still goes
// through SNS and still says whose run it was and how it ended.
func TestFitRunSummaryBoundsEveryField(t *testing.T) {
	// Up to six bytes each once encoded (\u003c, \u0001), more once the
	// document is a string inside the body.
	const escapes = "<\x01\"\\"
	// Characters of 2, 3 and 4 bytes: the lengths below make cuts land
	// inside each of them.
	const wide = "é日🚀"
	cases := []struct {
		name string
		edit func(r *runstate.Run)
	}{
		{"account name", func(r *runstate.Run) { r.Account.Name = mb("n", huge) }},
		{"account name that escapes", func(r *runstate.Run) { r.Account.Name = mb(escapes, huge) }},
		{"account ID", func(r *runstate.Run) { r.Account.ID = mb("9", huge) }},
		{"OU name", func(r *runstate.Run) { r.Account.OU.Name = mb(escapes, huge) }},
		{"OU ID", func(r *runstate.Run) { r.Account.OU.ID = mb("ou-", huge) }},
		{"run ID", func(r *runstate.Run) { r.ID = mb("run-", huge) }},
		{"event ID", func(r *runstate.Run) { r.EventID = mb(escapes, huge) }},
		{"trigger", func(r *runstate.Run) { r.Trigger = runstate.Trigger(mb("t", huge)) }},
		{"one note", func(r *runstate.Run) { r.Notes = []string{mb(escapes, huge)} }},
		{"thousands of notes", func(r *runstate.Run) {
			for i := range 5000 {
				r.Notes = append(r.Notes, fmt.Sprintf("note %d: %s", i, mb("x", 900)))
			}
		}},
		{"product names of failed targets", func(r *runstate.Run) {
			for i := range r.Targets {
				r.Targets[i].Product = mb("p", huge/4) + strconv.Itoa(i)
			}
		}},
		{"regions of failed targets", func(r *runstate.Run) {
			for i := range r.Targets {
				r.Targets[i].Region = mb(escapes, huge/4) + strconv.Itoa(i)
			}
		}},
		{"versions and IDs", func(r *runstate.Run) {
			for i := range r.Targets {
				tg := &r.Targets[i]
				tg.Version, tg.ProvisionedProductID, tg.RecordID = mb("v", huge), mb("pp-", huge), mb("rec-", huge)
			}
		}},
		{"errors and notes", func(r *runstate.Run) {
			for i := range r.Targets {
				r.Targets[i].Error, r.Targets[i].Note = mb(escapes, huge), mb(escapes, huge)
			}
		}},
		{"statuses", func(r *runstate.Run) {
			for i := range r.Targets {
				r.Targets[i].Status = runstate.Status(mb("S", huge) + strconv.Itoa(i))
			}
		}},
		{"thousands of distinct statuses", manyTargets(3000, func(i int, t *runstate.Target) {
			t.Status = runstate.Status(fmt.Sprintf("%s-%d", mb("S", 200), i))
		})},
		{"thousands of targets", manyTargets(3000, nil)},
		{"thousands of targets with long product names", manyTargets(3000, func(i int, t *runstate.Target) {
			t.Product = fmt.Sprintf("%s-%04d", mb("p", 300), i)
		})},
		{"thousands of targets all failed", manyTargets(3000, func(_ int, t *runstate.Target) { t.Status, t.Error = runstate.Failed, mb(escapes, 2000) })},
		{"multi-byte text at every cut point", func(r *runstate.Run) {
			r.Account.Name, r.Account.OU.Name, r.EventID = mb(wide, huge), mb(wide, 1001), mb(wide, 999)
			r.Notes = []string{mb(wide, huge), mb(wide, 1002)}
			for i := range r.Targets {
				tg := &r.Targets[i]
				tg.Error, tg.Note, tg.Version = mb(wide, 1003+i), mb(wide, 201+i), mb(wide, 300+i)
			}
		}},
		{"every field at once", func(r *runstate.Run) {
			manyTargets(2000, func(i int, t *runstate.Target) {
				t.Region, t.Product, t.Version = mb(wide, 2000)+strconv.Itoa(i), mb(escapes, 2000)+strconv.Itoa(i), mb(escapes, 2000)
				t.ProvisionedProductID, t.RecordID, t.Error, t.Note = mb(wide, 2000), mb(escapes, 2000), mb(escapes, 2000), mb(wide, 2000)
			})(r)
			r.Account.Name, r.Account.OU.Name, r.Account.OU.ID = mb(escapes, huge), mb(wide, huge), mb(escapes, huge)
			r.ID, r.EventID, r.Trigger = mb(escapes, huge), mb(wide, huge), runstate.Trigger(mb(escapes, huge))
			for range 100 {
				r.Notes = append(r.Notes, mb(escapes, 50000))
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := adversarial(tc.edit)
			m := FitRunSummary(r, t0)
			checkSNS(t, tc.name, m)
			checkNames(t, tc.name, r, m)
			checkUTF8(t, tc.name, m)
		})
	}
}

// TestFitRunSummaryKeepsWhatFits lists as many failed targets as fit when
// not all of them do, rather than none, and re-runs them all with a
// broader payload when the exact one is too large to carry.
func TestFitRunSummaryKeepsWhatFits(t *testing.T) {
	// 150 products in 20 regions: the exact re-run payload (3000 pairs)
	// does not fit, the regions x products one does.
	r := adversarial(manyTargets(3000, func(i int, t *runstate.Target) {
		t.Status, t.Product = runstate.Failed, fmt.Sprintf("product-%03d", i/20)
	}))
	m := FitRunSummary(r, t0)
	checkSNS(t, "3000 failed", m)
	if n := len(m.Doc.Targets); n == 0 || n >= 3000 {
		t.Errorf("%d targets listed; want as many failed ones as fit", n)
	}
	if want := fmt.Sprintf("(%d more targets are not listed", 3000-len(m.Doc.Targets)); !strings.Contains(m.Text, want) {
		t.Errorf("the text must say %q", want)
	}
	type payload struct {
		Accounts    []string `json:"accounts"`
		Regions     []string `json:"regions"`
		Products    []string `json:"products"`
		OnlyMissing bool     `json:"onlyMissing"`
	}
	var rerun payload
	if err := json.Unmarshal(m.Doc.Rerun, &rerun); err != nil || !rerun.OnlyMissing || len(rerun.Regions) != 20 || len(rerun.Products) != 150 {
		t.Errorf("want the regions x products re-run, onlyMissing: %v %.300s", err, m.Doc.Rerun)
	}
	if !strings.Contains(m.Text, string(m.Doc.Rerun)) || !strings.Contains(m.Text, "missing or failed in the regions and products of the 3000 targets") {
		t.Errorf("the text must offer the wider re-run and say what it covers")
	}

	// 3000 distinct products do not fit either: the account, onlyMissing.
	r = adversarial(manyTargets(3000, func(_ int, t *runstate.Target) { t.Status = runstate.Failed }))
	m = FitRunSummary(r, t0)
	rerun = payload{}
	if err := json.Unmarshal(m.Doc.Rerun, &rerun); err != nil || !rerun.OnlyMissing || rerun.Regions != nil || len(rerun.Accounts) != 1 {
		t.Errorf("want the account-wide re-run: %v %.300s", err, m.Doc.Rerun)
	}
	if !strings.Contains(m.Text, "missing or failed in the account (3000 targets did not succeed") {
		t.Errorf("the text must say the re-run covers the account")
	}
	steps := ChatFor(m).Content.NextSteps
	if len(steps) < 2 || !strings.Contains(steps[0], string(m.Doc.Rerun)) || !strings.Contains(steps[0], "missing or failed in the account") {
		t.Errorf("the chat form must offer the same re-run: %q", steps)
	}
}

// FuzzFitRunSummary: whatever a run holds, its fitted summary fits SNS and
// names the account and the outcome.
func FuzzFitRunSummary(f *testing.F) {
	f.Add("LifeCycle1", "Custom", "ou-ab12-l3zc8b3h", "ct-1", "evt-1", "note", "baseline-vpc", "boom", uint16(4), uint32(1))
	f.Add("é日🚀", "<\x01\"\\", "ou", "run", "e", "<\x01", "p", "é", uint16(3000), uint32(300))
	f.Add("x", "y", "z", "r", "e", "n", "p", "\xff\xfe", uint16(1), uint32(200000))
	f.Fuzz(func(t *testing.T, name, ouName, ouID, runID, eventID, note, product, errText string, targets uint16, repeat uint32) {
		// Fields of the run up to 256 KiB, of each target up to 4 KiB:
		// thousands of targets of 256 KiB would only measure the fuzzer.
		repTo := func(s string, most uint32) string {
			if s == "" {
				return s
			}
			return strings.Repeat(s, int(repeat%most/uint32(len(s))+1))
		}
		rep := func(s string) string { return repTo(s, 1<<18) }
		r := sampleRun(rep(name))
		r.Account.OU = plan.OU{ID: rep(ouID), Name: rep(ouName)}
		r.ID, r.EventID = rep(runID), rep(eventID)
		r.Notes = []string{rep(note), note}
		base := r.Targets
		r.Targets = nil
		for i := range int(targets%5000) + 1 {
			tg := base[i%len(base)]
			tg.Region = fmt.Sprintf("%s-%d", tg.Region, i)
			if i%2 == 0 {
				tg.Product = repTo(product, 1<<12) + strconv.Itoa(i)
			}
			if tg.Error != "" {
				tg.Error = repTo(errText, 1<<12)
			}
			r.Targets = append(r.Targets, tg)
		}
		m := FitRunSummary(r, t0)
		checkSNS(t, "fuzzed run", m)
		checkNames(t, "fuzzed run", r, m)
		if utf8.ValidString(name+ouName+ouID+runID+eventID+note+product+errText) && !strings.ContainsRune(name+ouName+ouID+runID+eventID+note+product+errText, utf8.RuneError) {
			checkUTF8(t, "fuzzed run", m)
		}
	})
}

// TestNoticesFitWhateverTheirInputs feeds the other notices what a
// hand-made event, a long plan problem or an odd organization can hold.
func TestNoticesFitWhateverTheirInputs(t *testing.T) {
	big := mb("<\x01\"\\é日🚀", huge)
	acct := AccountRef{ID: "333333333333", Name: big, OUID: big, OUName: big}
	info, counts, rerun := sampleDrift()
	info.Plan = big
	for i := range info.Worst {
		info.Worst[i].Name, info.Worst[i].ID = big, big
	}
	bigRerun, err := json.Marshal(map[string]any{"accounts": strings.Split(mb("123456789012,", 400<<10), ",")})
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]Message{
		"account failed":          AccountFailed(acct, big, big, big),
		"account failed, no name": AccountFailed(AccountRef{ID: big}, "CreateManagedAccount", big, big),
		"refused":                 Refused(acct, big, big),
		"plan refused":            PlanRefused(big, errors.New(big)),
		"invalid event":           InvalidEvent(big, errors.New(big), []byte(big)),
		"drift":                   Drift(info, counts, rerun),
		"drift, huge re-run":      Drift(info, counts, bigRerun),
		"drift, bad re-run":       Drift(info, counts, json.RawMessage(`{"accounts":`)),
	} {
		checkSNS(t, name, m)
		checkUTF8(t, name, m)
	}
	for name, m := range map[string]Message{
		"account failed": AccountFailed(acct, big, big, big),
		"refused":        Refused(acct, big, big),
	} {
		if !strings.Contains(m.Subject, acct.ID) || !strings.Contains(m.Text, acct.ID) || m.Doc.Account.ID != acct.ID {
			t.Errorf("%s: the account ID must survive a long name: subject %q", name, m.Subject)
		}
	}
}

// TestBoundCountsKeepsKnownStatuses: a corrupted run's statuses beyond the
// bound are added up, never the ones readers and filters look for.
func TestBoundCountsKeepsKnownStatuses(t *testing.T) {
	counts := map[string]int{"SUCCEEDED": 2, "FAILED": 1, "TIMED_OUT": 4}
	for i := range 100 {
		counts[fmt.Sprintf("A%03d%s", i, mb("x", 100))] = 1
	}
	got := boundCounts(counts)
	total := 0
	for s, n := range got {
		total += n
		if len(s) > maxStatus+3 {
			t.Errorf("status %q is not bounded", s)
		}
	}
	if len(got) > maxCounts+1 || total != 107 || got["SUCCEEDED"] != 2 || got["FAILED"] != 1 || got["TIMED_OUT"] != 4 || got["OTHER"] == 0 {
		t.Errorf("counts = %v: want the known statuses kept, the rest under OTHER, 107 in all", got)
	}
}
