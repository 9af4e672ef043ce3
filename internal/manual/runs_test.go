package manual

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/ledger"
	"github.com/landfall/landfall/internal/runstate"
)

const arn = "arn:aws:iam::111111111111:user/alice"

func TestDecodeLedgerKinds(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Request
		kind Kind
	}{
		{"runs of the last day", `{"runs": {}}`, &Request{Runs: &RunsRequest{}}, KindRuns},
		{"runs narrowed every way", `{"runs": {"account": "222222222222", "since": "7d", "status": "FAILED", "limit": 50}}`,
			&Request{Runs: &RunsRequest{Account: "222222222222", Since: "7d", Status: "FAILED", Limit: 50}}, KindRuns},
		{"status in lower case is normalised", `{"runs": {"status": "running"}}`, &Request{Runs: &RunsRequest{Status: "RUNNING"}}, KindRuns},
		{"status in mixed case", `{"runs": {"status": "Partial"}}`, &Request{Runs: &RunsRequest{Status: "PARTIAL"}}, KindRuns},
		{"since in hours and minutes", `{"runs": {"since": "1h30m"}}`, &Request{Runs: &RunsRequest{Since: "1h30m"}}, KindRuns},
		{"since at the retention maximum", `{"runs": {"since": "3650d"}}`, &Request{Runs: &RunsRequest{Since: "3650d"}}, KindRuns},
		{"since in hours at the maximum", `{"runs": {"since": "87600h"}}`, &Request{Runs: &RunsRequest{Since: "87600h"}}, KindRuns},
		{"limit bounds", `{"runs": {"limit": 1000}}`, &Request{Runs: &RunsRequest{Limit: 1000}}, KindRuns},
		{"one run", `{"run": "manual-0f8a4b1c-222222222222"}`, &Request{Run: "manual-0f8a4b1c-222222222222"}, KindRun},
		{"longest run ID", `{"run": "` + strings.Repeat("a", 96) + `"}`, &Request{Run: strings.Repeat("a", 96)}, KindRun},
		{"cancel", `{"cancel": "0f8a4b1c-3d2e.x_1-222222222222"}`, &Request{Cancel: "0f8a4b1c-3d2e.x_1-222222222222"}, KindCancel},
		{"cancel, who asked", `{"requestedBy": "` + arn + `", "cancel": "r1"}`, &Request{Cancel: "r1", RequestedBy: arn}, KindCancel},
		{"who asked, next to a backfill", `{"all": true, "requestedBy": "` + arn + `"}`, &Request{All: true, RequestedBy: arn}, KindAll},
		{"who asked, next to accounts", `{"accounts": ["222222222222"], "requestedBy": "alice"}`, &Request{Accounts: []string{"222222222222"}, RequestedBy: "alice"}, KindAccounts},
		{"who asked, next to ous", `{"ous": ["r-ab12"], "requestedBy": "alice"}`, &Request{OUs: []string{"r-ab12"}, RequestedBy: "alice"}, KindOUs},
		{"who asked, next to status", `{"status": {"all": true}, "requestedBy": "alice"}`, &Request{Status: &StatusRequest{All: true}, RequestedBy: "alice"}, KindStatus},
		{"who asked, next to drift", `{"drift": {"all": true}, "requestedBy": "alice"}`, &Request{Drift: &StatusRequest{All: true}, RequestedBy: "alice"}, KindDrift},
		{"who asked, next to runs", `{"runs": {}, "requestedBy": "Alice Example (on call) <alice@example.com>"}`,
			&Request{Runs: &RunsRequest{}, RequestedBy: "Alice Example (on call) <alice@example.com>"}, KindRuns},
		{"who asked, next to run", `{"run": "r1", "requestedBy": "ålice"}`, &Request{Run: "r1", RequestedBy: "ålice"}, KindRun},
		{"who asked, at the longest", `{"all": true, "requestedBy": "` + strings.Repeat("é", MaxRequestedBy) + `"}`,
			&Request{All: true, RequestedBy: strings.Repeat("é", MaxRequestedBy)}, KindAll},
		{"false booleans next to runs are absent", `{"runs": {}, "dryRun": false, "recursive": false, "all": false}`, &Request{Runs: &RunsRequest{}}, KindRuns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode:\ngot  %+v\nwant %+v", got, tt.want)
			}
			if k := got.Kind(); k != tt.kind {
				t.Errorf("Kind() = %q, want %q", k, tt.kind)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate() of a decoded request: %v", err)
			}
		})
	}
}

func TestDecodeLedgerKindErrors(t *testing.T) {
	long := strings.Repeat("a", 97)
	tests := []struct {
		name string
		in   string
		want []string
	}{
		// runs: shape and keys.
		{"runs true", `{"runs": true}`, []string{
			`runs: must be an object, got boolean; write "runs": {} for the last 24 hours, or narrow it: {"account": "123456789012", "since": "7d", "status": "FAILED", "limit": 50}`,
		}},
		{"runs null", `{"runs": null}`, []string{
			`runs: must be an object, got null; write "runs": {} for the last 24 hours, or narrow it: {"account": "123456789012", "since": "7d", "status": "FAILED", "limit": 50}`,
		}},
		{"runs keys", `{"runs": {"acount": "222222222222", "sinse": "1h", "limit": 5, "limit": 6, "accounts": ["222222222222"], "x": 1}}`, []string{ //nolint:misspell // deliberate typo
			`runs.acount: unknown key; did you mean "account"?`,
			`runs.sinse: unknown key; did you mean "since"?`,
			`runs.limit: given more than once; keep one`,
			`runs.accounts: unknown key; did you mean "account"?`,
			`runs.x: unknown key; known keys: account, since, status, limit`,
		}},
		{"misspelt runs", `{"rusn": {}}`, []string{
			`rusn: unknown key; did you mean "runs" or "run"?`,
			`(payload): selects nothing; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"`,
		}},

		// runs.account.
		{"account a number", `{"runs": {"account": 222222222222}}`, []string{
			`runs.account: is the number 222222222222, not a string; write it in quotes, "222222222222": a JSON number cannot keep an account ID's leading zeros`,
		}},
		{"account a list", `{"runs": {"account": ["222222222222"]}}`, []string{
			`runs.account: must be a string, got list; write an account ID such as "123456789012" in quotes`,
		}},
		{"account empty", `{"runs": {"account": ""}}`, []string{`runs.account: is empty; write the 12-digit account ID, such as "123456789012"`}},
		{"account with dashes", `{"runs": {"account": "2222-2222-2222"}}`, []string{`runs.account: is not a 12-digit account ID (got "2222-2222-2222"); did you mean "222222222222"?`}},
		{"account an OU", `{"runs": {"account": "ou-ab12-l3zc8b3h"}}`, []string{`runs.account: is not a 12-digit account ID (got "ou-ab12-l3zc8b3h"); that is an OU ID: select it with "ous"`}},

		// runs.since.
		{"since a number", `{"runs": {"since": 24}}`, []string{`runs.since: must be a string, got number; write a duration such as "24h" or "7d" in quotes`}},
		{"since empty", `{"runs": {"since": ""}}`, []string{`runs.since: is empty; leave "since" out for the last 24 hours, or write a duration such as "7d"`}},
		{"since without unit", `{"runs": {"since": "24"}}`, []string{
			`runs.since: is not a duration (got "24"); did you mean "24h"? use a duration in h, m and s such as "36h" or "90m", or whole days such as "7d"`,
		}},
		{"since in capitals", `{"runs": {"since": "7D"}}`, []string{
			`runs.since: is not a duration (got "7D"); did you mean "7d"? use a duration in h, m and s such as "36h" or "90m", or whole days such as "7d"`,
		}},
		{"since with a space", `{"runs": {"since": "12 h"}}`, []string{
			`runs.since: is not a duration (got "12 h"); did you mean "12h"? use a duration in h, m and s such as "36h" or "90m", or whole days such as "7d"`,
		}},
		{"since in weeks", `{"runs": {"since": "1w"}}`, []string{
			`runs.since: is not a duration (got "1w"); use a duration in h, m and s such as "36h" or "90m", or whole days such as "7d"`,
		}},
		{"since in milliseconds", `{"runs": {"since": "5ms"}}`, []string{
			`runs.since: is not a duration (got "5ms"); use a duration in h, m and s such as "36h" or "90m", or whole days such as "7d"`,
		}},
		{"since in fractional days", `{"runs": {"since": "1.5d"}}`, []string{
			`runs.since: is not a duration (got "1.5d"); use a duration in h, m and s such as "36h" or "90m", or whole days such as "7d"`,
		}},
		{"since zero", `{"runs": {"since": "0s"}}`, []string{`runs.since: must be positive (got "0s"); write how far back to look, such as "24h" or "7d"`}},
		{"since zero days", `{"runs": {"since": "0d"}}`, []string{`runs.since: must be positive (got "0d"); write how far back to look, such as "24h" or "7d"`}},
		{"since negative", `{"runs": {"since": "-24h"}}`, []string{`runs.since: must be positive (got "-24h"); write how far back to look, such as "24h" or "7d"`}},
		{"since past the retention", `{"runs": {"since": "3651d"}}`, []string{
			`runs.since: is longer than the ledger keeps any run (3650 days at most) (got "3651d"); write at most "3650d"`,
		}},
		{"since past the retention in hours", `{"runs": {"since": "87601h"}}`, []string{
			`runs.since: is longer than the ledger keeps any run (3650 days at most) (got "87601h"); write at most "3650d"`,
		}},
		{"since absurd days", `{"runs": {"since": "99999999999999999999d"}}`, []string{
			`runs.since: is not a duration (got "99999999999999999999d"); use a duration in h, m and s such as "36h" or "90m", or whole days such as "7d"`,
		}},

		// runs.status.
		{"status a list", `{"runs": {"status": ["FAILED"]}}`, []string{`runs.status: must be a string, got list; write a run status such as "FAILED" in quotes`}},
		{"status empty", `{"runs": {"status": ""}}`, []string{
			`runs.status: is empty; leave "status" out for every run, or write one of "RUNNING", "FINISHED", "SUCCEEDED", "CANCELLED", "PARTIAL" or "FAILED"`,
		}},
		{"status misspelt", `{"runs": {"status": "suceeded"}}`, []string{`runs.status: is not a run status (got "suceeded"); did you mean "SUCCEEDED"?`}}, //nolint:misspell // deliberate typo
		{"status unknown", `{"runs": {"status": "STOPPED"}}`, []string{
			`runs.status: is not a run status (got "STOPPED"); use "RUNNING", "FINISHED", "SUCCEEDED", "CANCELLED", "PARTIAL" or "FAILED"`,
		}},

		// runs.limit.
		{"limit a string", `{"runs": {"limit": "50"}}`, []string{`runs.limit: must be a number, got string; write "limit": 50, without quotes`}},
		{"limit a word", `{"runs": {"limit": "all"}}`, []string{`runs.limit: must be a number, got string; write "limit": 50, a number without quotes`}},
		{"limit zero", `{"runs": {"limit": 0}}`, []string{`runs.limit: is out of range 1 to 1000 (got "0"); write a whole number from 1 to 1000, or leave "limit" out for 100`}},
		{"limit too high", `{"runs": {"limit": 1001}}`, []string{`runs.limit: is out of range 1 to 1000 (got "1001"); write a whole number from 1 to 1000, or leave "limit" out for 100`}},
		{"limit negative", `{"runs": {"limit": -5}}`, []string{`runs.limit: is out of range 1 to 1000 (got "-5"); write a whole number from 1 to 1000, or leave "limit" out for 100`}},
		{"limit huge", `{"runs": {"limit": 99999999999999999999}}`, []string{
			`runs.limit: is out of range 1 to 1000 (got "99999999999999999999"); write a whole number from 1 to 1000, or leave "limit" out for 100`,
		}},
		{"limit a fraction", `{"runs": {"limit": 2.5}}`, []string{`runs.limit: must be a whole number (got "2.5"); write a whole number from 1 to 1000, or leave "limit" out for 100`}},
		{"limit with an exponent", `{"runs": {"limit": 1e2}}`, []string{`runs.limit: must be a whole number (got "1e2"); write a whole number from 1 to 1000, or leave "limit" out for 100`}},

		// run and cancel.
		{"run empty", `{"run": ""}`, []string{`run: is empty; name the run by its ID; {"runs": {}} lists runs`}},
		{"cancel empty", `{"cancel": ""}`, []string{`cancel: is empty; name the run to cancel by its ID; {"runs": {"status": "RUNNING"}} lists running runs`}},
		{"run a number", `{"run": 12}`, []string{`run: must be a string, got number; write the run ID in quotes`}},
		{"cancel an object", `{"cancel": {"run": "r1"}}`, []string{`cancel: must be a string, got object; write the run ID in quotes`}},
		{"run too long", `{"run": "` + long + `"}`, []string{
			`run: is not a run ID (got "` + long[:80] + `…"); run IDs are 1 to 96 letters, digits and "_.-", starting with a letter or digit; {"runs": {}} lists them`,
		}},
		{"run starting with a dash", `{"run": "-r1"}`, []string{
			`run: is not a run ID (got "-r1"); run IDs are 1 to 96 letters, digits and "_.-", starting with a letter or digit; {"runs": {}} lists them`,
		}},
		{"run with a slash", `{"cancel": "manual/r1"}`, []string{
			`cancel: is not a run ID (got "manual/r1"); run IDs are 1 to 96 letters, digits and "_.-", starting with a letter or digit; {"runs": {}} lists them`,
		}},
		{"run pasted with blanks", `{"run": " r1\n"}`, []string{`run: is not a run ID (got " r1\n"); did you mean "r1"?`}},
		{"run and cancel together", `{"run": "r1", "cancel": "r1"}`, []string{
			`(payload): gives "run" and "cancel" together; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"; send separate requests for separate selections`,
		}},
		{"runs next to accounts", `{"runs": {}, "accounts": ["222222222222"]}`, []string{
			`(payload): gives "accounts" and "runs" together; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"; send separate requests for separate selections`,
		}},
		{"a bad run still counts as given", `{"run": 5, "all": true}`, []string{
			`run: must be a string, got number; write the run ID in quotes`,
			`(payload): gives "all" and "run" together; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"; send separate requests for separate selections`,
		}},

		// Run options next to the ledger kinds.
		{"runs with run options", `{"runs": {}, "recursive": true, "regions": ["us-east-1"], "products": ["baseline-vpc"], "dryRun": true, "onlyMissing": true, "includeManagementAccount": true}`, []string{
			`recursive: does not apply to a runs query; remove it`,
			`regions: does not apply to a runs query; remove it: runs are listed whole; narrow the list with runs.account, runs.since, runs.status or runs.limit`,
			`products: does not apply to a runs query; remove it: runs are listed whole; narrow the list with runs.account, runs.since, runs.status or runs.limit`,
			`dryRun: does not apply to a runs query; remove it: a runs query changes nothing anyway`,
			`onlyMissing: does not apply to a runs query; remove it: it is an option of a run`,
			`includeManagementAccount: does not apply to a runs query; remove it: it is an option of a run`,
		}},
		{"run with targets", `{"run": "r1", "targets": [{"region": "us-east-1", "product": "baseline-vpc"}], "dryRun": true}`, []string{
			`targets: does not apply to a run query; remove it: a run is shown whole`,
			`dryRun: does not apply to a run query; remove it: a run query changes nothing anyway`,
		}},
		{"cancel with a dry run", `{"cancel": "r1", "dryRun": true, "recursive": true, "regions": ["us-west-2"]}`, []string{
			`recursive: does not apply to a cancel request; remove it`,
			`regions: does not apply to a cancel request; remove it: a run is cancelled whole`,
			`dryRun: does not apply to a cancel request; remove it: cancel has no dry run; {"run": ID} shows the run without changing it`,
		}},

		// requestedBy.
		{"requestedBy empty", `{"all": true, "requestedBy": ""}`, []string{`requestedBy: is empty; say who asked, such as your IAM ARN, or leave "requestedBy" out`}},
		{"requestedBy blank", `{"all": true, "requestedBy": "  "}`, []string{`requestedBy: is blank (got "  "); say who asked, such as your IAM ARN, or leave "requestedBy" out`}},
		{"requestedBy a number", `{"all": true, "requestedBy": 111111111111}`, []string{`requestedBy: must be a string, got number; write who asked (your IAM ARN) in quotes`}},
		{"requestedBy with bytes that were not UTF-8", "{\"all\": true, \"requestedBy\": \"al\xffice\"}", []string{
			"requestedBy: holds the non-printable character U+FFFD at character 3 (got \"al\ufffdice\"); send one line of printable text, such as your IAM ARN",
		}},
		{"requestedBy an object", `{"runs": {}, "requestedBy": {"arn": "x"}}`, []string{`requestedBy: must be a string, got object; write who asked (your IAM ARN) in quotes`}},
		{"requestedBy with a newline", `{"all": true, "requestedBy": "alice\nFORGED: bob"}`, []string{
			`requestedBy: holds the non-printable character U+000A at character 6 (got "alice\nFORGED: bob"); send one line of printable text, such as your IAM ARN`,
		}},
		{"requestedBy with an escape", `{"all": true, "requestedBy": "\u001b[2Jalice"}`, []string{
			`requestedBy: holds the non-printable character U+001B at character 1 (got "\x1b[2Jalice"); send one line of printable text, such as your IAM ARN`,
		}},
		{"requestedBy too long", `{"all": true, "requestedBy": "` + strings.Repeat("a", MaxRequestedBy+1) + `"}`, []string{
			`requestedBy: is 2049 characters long, more than 2048 (got "` + strings.Repeat("a", 80) + `…"); send who asked, such as an IAM ARN, not a document`,
		}},
		{"requestedBy repeated", `{"all": true, "requestedBy": "a", "requestedBy": "b"}`, []string{`requestedBy: given more than once; keep one`}},
		{"requestedBy misspelt", `{"all": true, "requested_by": "a"}`, []string{`requested_by: unknown key; did you mean "requestedBy"?`}},
		{"requestedBy alone selects nothing", `{"requestedBy": "alice"}`, []string{
			`(payload): selects nothing; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if got != nil || err == nil {
				t.Fatalf("Decode = %+v, %v; want errors:\n%s", got, err, strings.Join(tt.want, "\n"))
			}
			var msgs []string
			for _, p := range problems(err) {
				msgs = append(msgs, p.Error())
			}
			if !slices.Equal(msgs, tt.want) {
				t.Errorf("problems:\ngot\n  %s\nwant\n  %s", strings.Join(msgs, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// TestValidateBuiltLedgerRequests checks requests the CLI builds, which do
// not pass through the decoder's normalising and empty checks.
func TestValidateBuiltLedgerRequests(t *testing.T) {
	tests := []struct {
		name string
		r    Request
		want []string
	}{
		{"valid", Request{Runs: &RunsRequest{Account: "222222222222", Since: "36h", Status: "RUNNING", Limit: 5}, RequestedBy: arn}, nil},
		{"lower-case status", Request{Runs: &RunsRequest{Status: "running"}}, []string{`runs.status: is not a run status (got "running"); did you mean "RUNNING"?`}},
		{"limit out of range", Request{Runs: &RunsRequest{Limit: 1001}}, []string{
			`runs.limit: is out of range 1 to 1000 (got "1001"); write a whole number from 1 to 1000, or leave "limit" out for 100`,
		}},
		{"empty strings are absent", Request{Run: "r1", Cancel: "", RequestedBy: ""}, nil},
		{"bad run ID", Request{Cancel: "r 1"}, []string{
			`cancel: is not a run ID (got "r 1"); run IDs are 1 to 96 letters, digits and "_.-", starting with a letter or digit; {"runs": {}} lists them`,
		}},
		{"run options", Request{Run: "r1", OnlyMissing: true}, []string{`onlyMissing: does not apply to a run query; remove it: it is an option of a run`}},
		{"invalid UTF-8 in requestedBy", Request{All: true, RequestedBy: "al\xffice"}, []string{
			`requestedBy: is not valid UTF-8 (got "al\xffice"); send one line of printable text, such as your IAM ARN`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var msgs []string
			if err := tt.r.Validate(); err != nil {
				for _, p := range problems(err) {
					msgs = append(msgs, p.Error())
				}
			}
			if !slices.Equal(msgs, tt.want) {
				t.Errorf("Validate():\ngot\n  %s\nwant\n  %s", strings.Join(msgs, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestCheckRequestedBy(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{arn, ""},
		{"arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com", ""},
		{"", `requestedBy: is empty; say who asked, such as your IAM ARN, or leave "requestedBy" out`},
		{"\t", `requestedBy: is blank (got "\t"); say who asked, such as your IAM ARN, or leave "requestedBy" out`},
	} {
		got := ""
		if err := CheckRequestedBy(tt.in); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("CheckRequestedBy(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRunsFilter(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    *RunsRequest
		want ledger.Filter
	}{
		{"defaults", &RunsRequest{}, ledger.Filter{Since: now.Add(-24 * time.Hour), Limit: 100}},
		{"nil is the defaults", nil, ledger.Filter{Since: now.Add(-24 * time.Hour), Limit: 100}},
		{"days", &RunsRequest{Account: "222222222222", Since: "7d", Status: "FAILED", Limit: 5},
			ledger.Filter{Account: "222222222222", Since: now.AddDate(0, 0, -7), Status: "FAILED", Limit: 5}},
		{"hours and minutes", &RunsRequest{Since: "1h30m"}, ledger.Filter{Since: now.Add(-90 * time.Minute), Limit: 100}},
		{"an unvalidated since is the default", &RunsRequest{Since: "soon"}, ledger.Filter{Since: now.Add(-24 * time.Hour), Limit: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.Filter(now); got != tt.want {
				t.Errorf("Filter = %+v, want %+v", got, tt.want)
			}
		})
	}
	if DefaultRunsLimit != ledger.DefaultLimit {
		t.Errorf("DefaultRunsLimit %d differs from the ledger's %d", DefaultRunsLimit, ledger.DefaultLimit)
	}
}

// TestRunIDMatchesRunstate keeps the copy of runstate's run-ID rule
// honest: every ID must be judged alike by both.
func TestRunIDMatchesRunstate(t *testing.T) {
	for _, id := range []string{
		"r", "R", "0", "manual-0f8a4b1c-222222222222", "a.b_c-d", strings.Repeat("a", 96),
		"", "-r", "_r", ".r", strings.Repeat("a", 97), "r 1", "r/1", "r:1", "ré", "r\n",
	} {
		err := (&runstate.Run{ID: id}).Validate()
		runstateOK := err == nil || !strings.Contains(err.Error(), "id: "+strconv.Quote(id)+" is not a run ID")
		if got := runIDShape.MatchString(id); got != runstateOK {
			t.Errorf("run ID %q: manual says %v, runstate says %v", id, got, runstateOK)
		}
	}
}

func TestLedgerKindsRoundTrip(t *testing.T) {
	for _, r := range []*Request{
		{Runs: &RunsRequest{}},
		{Runs: &RunsRequest{Account: "012345678901", Since: "7d", Status: "RUNNING", Limit: 1}, RequestedBy: arn},
		{Run: "manual-0f8a4b1c-222222222222", RequestedBy: "alice"},
		{Cancel: "r1"},
		{Accounts: []string{"222222222222"}, RequestedBy: arn},
	} {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(raw)
		if err != nil {
			t.Errorf("Decode(%s): %v", raw, err)
			continue
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("Decode(%s) = %+v, want %+v", raw, got, r)
		}
	}
}

func TestIsPayloadKeyLedgerKinds(t *testing.T) {
	for _, k := range []string{"runs", "run", "cancel", "requestedBy"} {
		if !IsPayloadKey(k) {
			t.Errorf("IsPayloadKey(%q) = false", k)
		}
	}
}
