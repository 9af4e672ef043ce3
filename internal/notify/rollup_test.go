package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/region"
)

const (
	rollUpRequest = "5f1d7c2e-0b8a-4c3e-9d2f-6a7b8c9d0e1f"
	rollUpHash    = "3f2a1b9c8d7e"
)

// backfillRun is the run ID the launch function gives a backfill's run
// for account.
func backfillRun(account string) string {
	return "backfill-" + rollUpRequest + "-" + rollUpHash + "-" + account
}

// sampleRollUp is a backfill of 200 accounts: 3 failed for an SCP in
// us-west-2, each error with its own account, session, record and request
// ID; 1 failed for a parameter the plan does not give.
func sampleRollUp() RollUpInput {
	scp := func(account, record, request string) RollUpFailure {
		return RollUpFailure{Account: account, Run: backfillRun(account), Region: "us-west-2", Product: "baseline-vpc", Status: "FAILED",
			Error: "AccessDenied: User: arn:aws:sts::" + account + ":assumed-role/AWSControlTowerExecution/landfall-" + backfillRun(account) +
				" is not authorized to perform: servicecatalog:ProvisionProduct with an explicit deny in a service control policy (record " + record +
				", request ID: " + request + ")"}
	}
	failures := []RollUpFailure{
		scp("444444444444", "rec-4bcdefgh23456", "9a8b7c6d-1111-4e2f-8a9b-0c1d2e3f4a5b"),
		scp("222222222222", "rec-2bcdefgh23456", "9a8b7c6d-2222-4e2f-8a9b-0c1d2e3f4a5b"),
		scp("333333333333", "rec-3bcdefgh23456", "9a8b7c6d-3333-4e2f-8a9b-0c1d2e3f4a5b"),
		{Account: "555555555555", AccountName: "Data-Lake", Run: backfillRun("555555555555"), Region: "us-east-1", Product: "security-audit", Status: "FAILED",
			Error: "InvalidParametersException: Parameters: [AuditAccountId] must have values"},
	}
	failures[0].AccountName, failures[1].AccountName, failures[2].AccountName = "Payments", "LifeCycle1", "Sandbox <!channel> @here"
	return RollUpInput{
		RequestID: rollUpRequest, RequestedBy: "arn:aws:sts::111111111111:assumed-role/Ops/jane", Trigger: "backfill",
		StartedAt: t0, FinishedAt: t0.Add(42 * time.Minute), Runs: 200,
		Outcomes: map[string]int{"SUCCEEDED": 196, "PARTIAL": 4},
		Targets:  map[string]int{"SUCCEEDED": 604, "ALREADY_PROVISIONED": 192, "FAILED": 4},
		Failures: failures,
	}
}

func TestRollUpGolden(t *testing.T) {
	m := RollUp(sampleRollUp())
	if want := "Landfall: backfill of 200 accounts: 196 succeeded, 4 partly failed (2 causes)"; m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	golden(t, "rollup-text.golden", []byte(m.Text))
	doc, err := json.MarshalIndent(m.Doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "rollup-doc.golden", append(doc, '\n'))
	checkSNS(t, "sample roll-up", m)
	for attr, want := range map[string]string{AttrKind: "rollup", AttrOutcome: "PARTIAL", AttrFailed: "4"} {
		if got := *m.attributes()[attr].StringValue; got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	}
	causes := m.Doc.RollUp.Causes
	if len(causes) != 2 || causes[0].Count != 3 || len(causes[0].Accounts) != 3 || causes[1].Count != 1 {
		t.Fatalf("causes = %+v, want the SCP's 3 accounts as one cause, then the parameter's", causes)
	}
	if c := causes[0]; c.ExampleAccount != "222222222222" || !strings.Contains(c.Error, "arn:aws:sts::222222222222:") || c.Accounts[0].Name != "LifeCycle1" {
		t.Errorf("the example must be the lowest account's error as written: %+v", c)
	}
}

func TestRollUpChatGolden(t *testing.T) {
	body, err := Chat(RollUp(sampleRollUp()))
	if err != nil {
		t.Fatal(err)
	}
	n := checkChat(t, "rollup", body)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden(t, "rollup-chat.golden", append(pretty.Bytes(), '\n'))
	if n.Metadata.ThreadID != rollUpRequest || n.Metadata.EventType != "LandfallRollup" {
		t.Errorf("threadId %q, eventType %q: want the request ID and LandfallRollup", n.Metadata.ThreadID, n.Metadata.EventType)
	}
	for _, want := range []string{"PARTIAL", "196 succeeded, 4 partly failed", "2 causes"} {
		if !strings.Contains(n.Content.Title, want) {
			t.Errorf("title %q does not say %q", n.Content.Title, want)
		}
	}
	if !strings.Contains(n.Content.Description, "FAILED baseline-vpc in us-west-2: 3 targets") {
		t.Errorf("description does not list the first cause:\n%s", n.Content.Description)
	}
	checkStepsRerun(t, n.Content.NextSteps, "targets")
}

// checkStepsRerun decodes the command and the console event the first two
// steps offer with the launch function's decoder, and checks their form.
func checkStepsRerun(t *testing.T, steps []string, form string) *manual.Request {
	t.Helper()
	payloads := codeSpans(steps[:min(2, len(steps))])
	if len(payloads) != 2 {
		t.Fatalf("want a command and a console event: %q", steps)
	}
	payload, ok := strings.CutPrefix(strings.TrimSuffix(payloads[0], "' | landfall invoke -"), "echo '")
	if !ok || payload != payloads[1] {
		t.Fatalf("command %q and console event %q differ", payloads[0], payloads[1])
	}
	req, err := manual.Decode([]byte(payload))
	if err != nil {
		t.Fatalf("the launch function would refuse %s: %v", payload, err)
	}
	if got := requestForm(req); got != form || !req.OnlyMissing {
		t.Errorf("steps offer %s (onlyMissing %v), want %s with onlyMissing", got, req.OnlyMissing, form)
	}
	return req
}

func requestForm(req *manual.Request) string {
	switch {
	case req.Targets != nil:
		return "targets"
	case req.Regions != nil || req.Products != nil:
		return "regions"
	}
	return "accounts"
}

// TestRollUpRerunPayload decodes the payload the sample's document and
// text carry with the launch function's own decoder: every failed account
// and failed pair, once each, sorted, with onlyMissing.
func TestRollUpRerunPayload(t *testing.T) {
	m := RollUp(sampleRollUp())
	req, err := manual.Decode(m.Doc.Rerun)
	if err != nil {
		t.Fatalf("the launch function would refuse %s: %v", m.Doc.Rerun, err)
	}
	want := &manual.Request{
		Accounts:    []string{"222222222222", "333333333333", "444444444444", "555555555555"},
		Targets:     []manual.Pair{{Region: "us-east-1", Product: "security-audit"}, {Region: "us-west-2", Product: "baseline-vpc"}},
		OnlyMissing: true,
	}
	if got, _ := json.Marshal(req); string(got) != string(mustJSON(t, want)) {
		t.Errorf("payload = %s, want %s", got, mustJSON(t, want))
	}
	if !strings.Contains(m.Text, string(m.Doc.Rerun)) {
		t.Error("the text must carry the payload")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRollUpRerunFallsBack grows the failures until each narrower payload
// no longer fits, and checks that each wider one still decodes and covers
// every failed target.
func TestRollUpRerunFallsBack(t *testing.T) {
	regions := region.All()
	for _, tt := range []struct {
		name     string
		accounts int // failed accounts, one failed target each
		want     string
	}{
		{"exact", 50, "targets"},
		{"regions and products", 1500, "regions"}, // 760 pairs do not fit
		{"accounts", 2150, "accounts"},            // nor do 38 regions and 40 products with them
		{"the backfill's selection", 3000, ""},    // nor do the accounts alone
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := sampleRollUp()
			in.Failures = nil
			for a := range tt.accounts {
				in.Failures = append(in.Failures, RollUpFailure{Account: fmt.Sprintf("%012d", 100000000000+a), Run: "r", Status: "FAILED",
					Region: regions[a%len(regions)], Product: fmt.Sprintf("product-%03d", a%40), Error: "boom"})
			}
			m := RollUp(in)
			checkSNS(t, tt.name, m)
			if tt.want == "" {
				if m.Doc.Rerun != nil || !strings.Contains(m.Text, `"onlyMissing": true`) || !strings.Contains(m.Text, "own selection") {
					t.Errorf("want no payload and the backfill's selection with onlyMissing:\n%s", m.Text[max(0, len(m.Text)-2000):])
				}
				return
			}
			req, err := manual.Decode(m.Doc.Rerun)
			if err != nil {
				t.Fatalf("the launch function would refuse the payload: %v", err)
			}
			if got := requestForm(req); got != tt.want || !req.OnlyMissing {
				t.Errorf("form %s (onlyMissing %v), want %s with onlyMissing", got, req.OnlyMissing, tt.want)
			}
			for _, f := range in.Failures {
				pair := manual.Pair{Region: f.Region, Product: f.Product}
				in := func(list []string, v string) bool { return list == nil || slices.Contains(list, v) }
				covered := slices.Contains(req.Accounts, f.Account) && in(req.Regions, f.Region) && in(req.Products, f.Product) &&
					(req.Targets == nil || slices.Contains(req.Targets, pair))
				if !covered {
					t.Fatalf("%s %s/%s failed and is not re-run by the payload", f.Account, f.Region, f.Product)
				}
			}
		})
	}
}

// TestRollUpChatStepsFallBack: a payload too long for a chat step gives
// way to a wider one that fits, or to the backfill's selection.
func TestRollUpChatStepsFallBack(t *testing.T) {
	in := sampleRollUp()
	for i := range 8 {
		f := in.Failures[0]
		f.Account, f.Region = fmt.Sprintf("9000000000%02d", i), []string{"eu-west-1", "eu-west-2", "eu-west-3"}[i%3]
		in.Failures = append(in.Failures, f)
	}
	steps := ChatFor(RollUp(in)).Content.NextSteps
	checkStepsRerun(t, steps, "accounts")

	for i := range 40 {
		f := in.Failures[0]
		f.Account = fmt.Sprintf("8000000000%02d", i)
		in.Failures = append(in.Failures, f)
	}
	steps = ChatFor(RollUp(in)).Content.NextSteps
	if len(steps) == 0 || !strings.Contains(steps[0], "own selection") || !strings.Contains(steps[0], `{"all":true,"onlyMissing":true}`) {
		t.Errorf("want the backfill's selection with onlyMissing first: %q", steps)
	}
}

// TestRollUpGroupsByCause: errors that differ only in what is specific to
// an account are one cause; anything else splits it.
func TestRollUpGroupsByCause(t *testing.T) {
	base := RollUpFailure{Account: "222222222222", Run: backfillRun("222222222222"), Region: "us-west-2", Product: "baseline-vpc", Status: "FAILED"}
	other := base
	other.Account, other.Run = "333333333333", backfillRun("333333333333")
	for _, tt := range []struct {
		name   string
		a, b   string // errors of base and other
		edit   func(f *RollUpFailure)
		causes int
	}{
		{"account IDs in ARNs", "denied for arn:aws:iam::222222222222:role/x", "denied for arn:aws:iam::333333333333:role/x", nil, 1},
		{"account ID inside a name", "stack SC-222222222222-pp-abcd1234efgh5 failed", "stack SC-333333333333-pp-zyxw9876vuts4 failed", nil, 1},
		{"record IDs", "record rec-abcd1234efgh5 FAILED", "record rec-zyxw9876vuts4 FAILED", nil, 1},
		{"run IDs", "run " + base.Run + " timed out", "run " + other.Run + " timed out", nil, 1},
		{"UUIDs", "Request ID: 9a8b7c6d-1111-4e2f-8a9b-0c1d2e3f4a5b", "Request ID: 0F8B7C6D-2222-4E2F-8A9B-0C1D2E3F4A5B", nil, 1},
		{"times", "cancelled by jane at 2026-01-01T00:00:05Z", "cancelled by jane at 2026-01-01T00:03:41.5+02:00", nil, 1},
		{"whitespace", "a\n  b", "a b", nil, 1},
		{"different errors", "AccessDenied", "Throttling", nil, 2},
		{"different numbers", "limit of 5 exceeded", "limit of 50 exceeded", nil, 2},
		{"a 13-digit number is no account ID", "quota 2222222222222", "quota 3333333333333", nil, 2},
		{"different regions", "boom", "boom", func(f *RollUpFailure) { f.Region = "eu-west-1" }, 2},
		{"different products", "boom", "boom", func(f *RollUpFailure) { f.Product = "security-audit" }, 2},
		{"different statuses", "boom", "boom", func(f *RollUpFailure) { f.Status = "TIMED_OUT" }, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := base, other
			a.Error, b.Error = tt.a, tt.b
			if tt.edit != nil {
				tt.edit(&b)
			}
			in := sampleRollUp()
			in.Failures = []RollUpFailure{b, a}
			info := RollUp(in).Doc.RollUp
			if got := len(info.Causes); got != tt.causes {
				t.Fatalf("%d causes, want %d: %+v", got, tt.causes, info.Causes)
			}
			if tt.causes == 1 && (info.Causes[0].Error != tt.a || len(info.Causes[0].Accounts) != 2) {
				t.Errorf("want one cause with the lowest account's error as written (%q) and both accounts: %+v", tt.a, info.Causes[0])
			}
		})
	}
}

func TestRollUpOutcome(t *testing.T) {
	for _, tt := range []struct {
		runs     int
		outcomes map[string]int
		want     string
	}{
		{200, map[string]int{"SUCCEEDED": 200}, "SUCCEEDED"},
		{200, map[string]int{"SUCCEEDED": 199, "FAILED": 1}, "PARTIAL"},
		{200, map[string]int{"SUCCEEDED": 199, "PARTIAL": 1}, "PARTIAL"},
		{200, map[string]int{"PARTIAL": 100, "FAILED": 100}, "FAILED"},
		{200, map[string]int{"SUCCEEDED": 199}, "PARTIAL"}, // a run not counted did not succeed
		{0, nil, "SUCCEEDED"}, // as a run with no targets
	} {
		in := sampleRollUp()
		in.Runs, in.Outcomes = tt.runs, tt.outcomes
		if m := RollUp(in); m.Doc.Outcome != tt.want || !strings.Contains(m.Text, "Outcome: "+tt.want) {
			t.Errorf("%d runs, %v: outcome %s, want %s", tt.runs, tt.outcomes, m.Doc.Outcome, tt.want)
		}
	}
}

func TestRollUpAllSucceeded(t *testing.T) {
	in := sampleRollUp()
	in.Outcomes, in.Targets, in.Failures = map[string]int{"SUCCEEDED": 200}, map[string]int{"SUCCEEDED": 800}, nil
	m := RollUp(in)
	if m.Subject != "Landfall: backfill of 200 accounts: 200 succeeded" || m.Doc.Rerun != nil || strings.Contains(m.Text, "re-run") {
		t.Errorf("a backfill that succeeded has nothing to re-run: %q\n%s", m.Subject, m.Text)
	}
	if n := ChatFor(m); len(n.Content.NextSteps) != 0 || !strings.HasPrefix(n.Content.Title, ":white_check_mark:") {
		t.Errorf("chat: title %q, steps %q: want success and nothing to do", n.Content.Title, n.Content.NextSteps)
	}
	checkSNS(t, "all succeeded", m)
}

func TestRollUpDroppedFailures(t *testing.T) {
	in := sampleRollUp()
	in.DroppedFailures = 37
	in.Targets["FAILED"] += 37
	m := RollUp(in)
	for _, want := range []string{"37 more failed targets are in no cause above", "To re-run the 37 it did not keep too", "own selection"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text does not say %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.Subject, "(at least 2 causes)") || *m.attributes()[AttrFailed].StringValue != "41" || m.Doc.RollUp.DroppedFailures != 37 {
		t.Errorf("subject %q, failed %s: the dropped failures count", m.Subject, *m.attributes()[AttrFailed].StringValue)
	}
	checkSNS(t, "dropped failures", m)
	steps := ChatFor(m).Content.NextSteps
	checkStepsRerun(t, steps, "targets")
	if !slices.ContainsFunc(steps, func(s string) bool {
		return strings.Contains(s, "ledger kept") && strings.Contains(s, `"onlyMissing":true`)
	}) {
		t.Errorf("chat steps must say how to re-run the failures the ledger did not keep: %q", steps)
	}
}

// checkRollUp fails unless m fits SNS and names the backfill's outcome and
// request ID where a reader and a filter policy look for them.
func checkRollUp(t *testing.T, what string, in RollUpInput, m Message) {
	t.Helper()
	checkSNS(t, what, m)
	outcome := m.Doc.Outcome
	if outcome != "SUCCEEDED" && outcome != "PARTIAL" && outcome != "FAILED" || !strings.Contains(m.Text, "Outcome: "+outcome) ||
		*m.attributes()[AttrOutcome].StringValue != outcome {
		t.Errorf("%s: outcome %q lost", what, outcome)
	}
	id := bound(in.RequestID, maxRunID)
	if m.Doc.RollUp == nil || m.Doc.RollUp.RequestID != id || !strings.Contains(m.Text, "request "+id) {
		t.Errorf("%s: request ID lost", what)
	}
	if got, want := *m.attributes()[AttrFailed].StringValue, strconv.Itoa(notOKCount(boundCounts(in.Targets))); got != want {
		t.Errorf("%s: %s = %s, want %s", what, AttrFailed, got, want)
	}
}

// TestRollUpFitsWhateverItsInputs feeds RollUp what a corrupted ledger
// item or a huge organization can hold.
func TestRollUpFitsWhateverItsInputs(t *testing.T) {
	const escapes = "<\x01\"\\"
	const wide = "é日🚀"
	// One of each: a megabyte per failure would only measure the allocator.
	nines, bigEscapes, bigRun, bigProduct, bigStatus := mb("9", huge), mb(escapes, huge), mb("r", huge), mb("p", huge), mb("S", huge)
	many := func(n int, edit func(i int, f *RollUpFailure)) func(in *RollUpInput) {
		return func(in *RollUpInput) {
			in.Failures = nil
			for i := range n {
				f := RollUpFailure{Account: fmt.Sprintf("%012d", 100000000000+i), AccountName: fmt.Sprintf("account %d", i), Run: "run-" + strconv.Itoa(i),
					Region: "us-east-1", Product: "baseline-vpc", Status: "FAILED", Error: "AccessDenied: an SCP denies it"}
				if edit != nil {
					edit(i, &f)
				}
				in.Failures = append(in.Failures, f)
			}
			in.Targets = map[string]int{"FAILED": n, "SUCCEEDED": 3 * n}
		}
	}
	for _, tt := range []struct {
		name string
		edit func(in *RollUpInput)
	}{
		{"10,000 failures, one cause", many(10000, nil)},
		{"10,000 failures, 10,000 causes", many(10000, func(i int, f *RollUpFailure) { f.Error = fmt.Sprintf("error %d: %s", i, mb(escapes, 900)) })},
		{"10,000 failures, 10,000 products", many(10000, func(i int, f *RollUpFailure) { f.Product = fmt.Sprintf("%s-%d", mb("p", 200), i) })},
		{"10,000 failures of 100 accounts", many(10000, func(i int, f *RollUpFailure) {
			f.Account, f.Region = fmt.Sprintf("%012d", 100000000000+i%100), region.All()[i%len(region.All())]
			f.Product = fmt.Sprintf("product-%03d", i/100)
		})},
		{"huge errors", many(100, func(i int, f *RollUpFailure) { f.Error = bigEscapes + strconv.Itoa(i) })},
		{"huge names and IDs", many(50, func(i int, f *RollUpFailure) {
			f.Account, f.AccountName, f.Run, f.Region, f.Product, f.Status = nines+strconv.Itoa(i), bigEscapes, bigRun, bigEscapes, bigProduct, bigStatus
		})},
		{"multi-byte text at every cut point", many(300, func(i int, f *RollUpFailure) {
			f.AccountName, f.Error, f.Product = mb(wide, 255+i%4), mb(wide, 999+i%4)+strconv.Itoa(i), mb(wide, 127+i%4)
		})},
		{"huge request fields", func(in *RollUpInput) {
			in.RequestID, in.RequestedBy, in.Trigger = mb(escapes, huge), mb(wide, huge), mb(escapes, huge)
		}},
		{"thousands of statuses and outcomes", func(in *RollUpInput) {
			for i := range 3000 {
				in.Targets[fmt.Sprintf("%s-%d", mb("S", 300), i)] = i
				in.Outcomes[fmt.Sprintf("%s-%d", mb("O", 300), i)] = i
			}
		}},
		{"counts that make no sense", func(in *RollUpInput) {
			in.Runs, in.DroppedFailures = -5, -7
			in.Outcomes, in.Targets = map[string]int{"SUCCEEDED": -1, "FAILED": 1 << 40}, map[string]int{"FAILED": -3}
		}},
		{"accounts that are not IDs", many(20, func(i int, f *RollUpFailure) { f.Account = "acct-" + strconv.Itoa(i) })},
		{"regions and products a payload cannot name", many(20, func(i int, f *RollUpFailure) { f.Region, f.Product = "mars-1", "Bad Key" })},
		{"no failures kept, many dropped", func(in *RollUpInput) { in.Failures, in.DroppedFailures = nil, 5000 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := sampleRollUp()
			tt.edit(&in)
			m := RollUp(in)
			checkRollUp(t, tt.name, in, m)
			checkUTF8(t, tt.name, m)
			if m.Doc.Rerun != nil {
				if _, err := manual.Decode(m.Doc.Rerun); err != nil {
					t.Errorf("the launch function would refuse the payload: %v", err)
				}
			}
		})
	}
}

// FuzzRollUp: whatever the ledger hands over, the roll-up fits SNS and
// its chat form fits Amazon Q Developer's limits, and it names the outcome
// and the request ID.
func FuzzRollUp(f *testing.F) {
	f.Add(rollUpRequest, "arn:aws:sts::111111111111:assumed-role/Ops/jane", "LifeCycle1", "baseline-vpc", "us-west-2", "FAILED", "AccessDenied", uint16(4), uint16(2), uint32(1))
	f.Add("é日🚀", "<\x01\"\\", "<!channel>", "p", "r", "S", "arn:aws:iam::222222222222:x", uint16(3000), uint16(3000), uint32(300))
	f.Add("x", "", "", "", "", "", "\xff\xfe", uint16(10000), uint16(1), uint32(200000))
	f.Fuzz(func(t *testing.T, requestID, requestedBy, name, product, regionCode, status, errText string, failures, accounts uint16, repeat uint32) {
		// Request fields up to 256 KiB, up to 3,000 failures of up to 4
		// KiB each (TestRollUpFitsWhateverItsInputs has 10,000): more
		// would only measure the fuzzer.
		repTo := func(s string, most uint32) string {
			if s == "" {
				return s
			}
			return strings.Repeat(s, int(repeat%most/uint32(len(s))+1))
		}
		in := sampleRollUp()
		in.RequestID, in.RequestedBy = repTo(requestID, 1<<18), repTo(requestedBy, 1<<18)
		in.Failures = nil
		for i := range int(failures % 3001) {
			a := i % (int(accounts)%3000 + 1)
			f := RollUpFailure{Account: fmt.Sprintf("%012d", 100000000000+a), AccountName: repTo(name, 1<<12), Run: backfillRun(strconv.Itoa(a)),
				Region: regionCode, Product: product, Status: status, Error: repTo(errText, 1<<12) + strconv.Itoa(i%7)}
			if i%2 == 0 {
				f.Region, f.Product = region.All()[i%len(region.All())], "baseline-vpc"
			}
			in.Failures = append(in.Failures, f)
		}
		in.Targets = map[string]int{"FAILED": len(in.Failures), "SUCCEEDED": 600, status: 1}
		m := RollUp(in)
		checkRollUp(t, "fuzzed roll-up", in, m)
		all := requestID + requestedBy + name + product + regionCode + status + errText
		if utf8.ValidString(all) && !strings.ContainsRune(all, utf8.RuneError) {
			checkUTF8(t, "fuzzed roll-up", m)
		}
	})
}
