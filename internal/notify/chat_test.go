package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/landfall/landfall/internal/manual"
	"github.com/landfall/landfall/internal/metrics"
	"github.com/landfall/landfall/internal/runstate"
)

// The limits AWS documents for custom notifications ("Custom notifications
// using Amazon Q Developer in chat applications"), and the counts Landfall
// chose where it documents none. Written out here, not taken from chat.go,
// so that a wrong constant there fails.
const (
	docTitle       = 250
	docDescription = 8000
	docStep        = 350
	docKeyword     = 75
	ourSteps       = 5
	ourKeywords    = 10
)

// checkChat fails on anything Amazon Q Developer would drop or a channel
// would act on: a field over its limit, a mention or link, an open code block.
func checkChat(t *testing.T, what string, body []byte) ChatNotification {
	t.Helper()
	var n ChatNotification
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&n); err != nil {
		t.Fatalf("%s: not a custom notification: %v\n%s", what, err, body)
	}
	if n.Version != "1.0" || n.Source != "custom" || n.Content.TextType != "client-markdown" {
		t.Errorf("%s: version %q, source %q, textType %q", what, n.Version, n.Source, n.Content.TextType)
	}
	within := func(field, s string, limit int) {
		if c := utf8.RuneCountInString(s); c > limit {
			t.Errorf("%s: %s is %d characters, over %d", what, field, c, limit)
		}
		if !utf8.ValidString(s) {
			t.Errorf("%s: %s is not valid UTF-8", what, field)
		}
	}
	within("title", n.Content.Title, docTitle)
	within("description", n.Content.Description, docDescription)
	if n.Content.Title == "" || n.Content.Description == "" || n.Metadata.ThreadID == "" || n.Metadata.Summary == "" {
		t.Errorf("%s: empty title, description, threadId or summary: %+v", what, n)
	}
	if len(n.Content.NextSteps) > ourSteps || len(n.Content.Keywords) > ourKeywords {
		t.Errorf("%s: %d next steps, %d keywords", what, len(n.Content.NextSteps), len(n.Content.Keywords))
	}
	for i, s := range n.Content.NextSteps {
		within(fmt.Sprintf("nextSteps[%d]", i), s, docStep)
	}
	for i, k := range n.Content.Keywords {
		within(fmt.Sprintf("keywords[%d]", i), k, docKeyword)
	}
	within("threadId", n.Metadata.ThreadID, 128)
	within("summary", n.Metadata.Summary, 250)
	if len(n.Metadata.RelatedResources) > 10 || len(n.Metadata.AdditionalContext) > 10 {
		t.Errorf("%s: %d related resources, %d context keys", what, len(n.Metadata.RelatedResources), len(n.Metadata.AdditionalContext))
	}
	visible := []string{n.Content.Title, n.Content.Description, n.Metadata.Summary}
	visible = append(append(visible, n.Content.NextSteps...), n.Content.Keywords...)
	for _, s := range visible {
		if strings.ContainsAny(s, "<>@") {
			t.Errorf("%s: %q has a character chat markup turns into a link or a mention", what, s)
		}
	}
	if strings.Count(n.Content.Description, "```")%2 != 0 {
		t.Errorf("%s: a code block is left open:\n%s", what, n.Content.Description)
	}
	return n
}

func chatGolden(t *testing.T, name string, m Message) ChatNotification {
	t.Helper()
	body, err := Chat(m)
	if err != nil {
		t.Fatal(err)
	}
	n := checkChat(t, name, body)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden(t, "chat/"+name+".json", append(pretty.Bytes(), '\n'))
	return n
}

func TestChatSucceededGolden(t *testing.T) {
	r := sampleRun("LifeCycle1")
	r.Targets = []runstate.Target{
		{Region: "us-east-1", Product: "baseline-vpc", Status: runstate.Succeeded, Version: "v2.0", ProvisionedProductID: "pp-1", RecordID: "rec-1"},
		{Region: "us-west-1", Product: "baseline-vpc", Status: runstate.AlreadyProvisioned, Version: "v2.0", ProvisionedProductID: "pp-2"},
	}
	n := chatGolden(t, "succeeded", RunSummary(r, t0.Add(7*time.Minute)))
	if n.Metadata.ThreadID != r.ID {
		t.Errorf("threadId = %q, want the run ID %q", n.Metadata.ThreadID, r.ID)
	}
	if len(n.Content.NextSteps) != 1 || strings.Contains(n.Content.NextSteps[0], "invoke") {
		t.Errorf("a run that succeeded offers no re-run: %q", n.Content.NextSteps)
	}
}

func TestChatPartialGolden(t *testing.T) {
	n := chatGolden(t, "partial", RunSummary(sampleRun("LifeCycle1"), t0.Add(7*time.Minute)))
	exact := `echo '{"accounts":["222222222222"],"targets":[{"region":"us-west-1","product":"security-audit"},{"region":"us-west-2","product":"security-audit"}]}' | landfall invoke -`
	if len(n.Content.NextSteps) < 2 || !strings.Contains(n.Content.NextSteps[0], "`"+exact+"`") {
		t.Errorf("the first step must be the exact re-run command %s: %q", exact, n.Content.NextSteps)
	}
}

// manyFailures is a run of 300 failed targets in 15 regions, each with a
// long error, and one success: over every limit of the chat format.
func manyFailures() *runstate.Run {
	regions := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
		"eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ca-central-1"}
	r := sampleRun("LifeCycle1")
	r.Targets = []runstate.Target{{Region: "us-east-1", Product: "ok", Status: runstate.Succeeded, ProvisionedProductID: "pp-ok"}}
	for i := range 300 {
		r.Targets = append(r.Targets, runstate.Target{Region: regions[i%len(regions)], Product: fmt.Sprintf("product-%03d", i), Status: runstate.Failed,
			Version: "v1", RecordID: fmt.Sprintf("rec-%03d", i), Error: strings.Repeat("AccessDenied: an SCP denies servicecatalog:ProvisionProduct. ", 6)})
	}
	return r
}

func TestChatManyFailuresGolden(t *testing.T) {
	r := manyFailures()
	n := chatGolden(t, "many-failures", FitRunSummary(r, t0.Add(time.Hour)))
	d := n.Content.Description
	listed := strings.Count(d, "  FAILED  ")
	if listed == 0 || listed >= 300 {
		t.Fatalf("%d failed targets listed; want as many as fit, fewer than 300", listed)
	}
	if want := fmt.Sprintf("… %d more targets not listed", 300-listed); !strings.Contains(d, want) {
		t.Errorf("description must say %q:\n%s", want, d)
	}
	if !strings.Contains(d, "Did not end well (300 of 301 targets)") || !strings.Contains(d, "300 failed") {
		t.Errorf("counts must cover every target:\n%s", d)
	}
	if last := n.Content.Keywords[len(n.Content.Keywords)-1]; last != "+9 regions" {
		t.Errorf("keywords must count the regions left out: %q", n.Content.Keywords)
	}
	// 300 targets do not fit a step: the account-wide re-run does, and
	// still re-runs every failed target.
	if len(n.Content.NextSteps) < 2 || !strings.Contains(n.Content.NextSteps[0], `{"accounts":["222222222222"],"onlyMissing":true}`) {
		t.Errorf("steps = %q", n.Content.NextSteps)
	}
}

// A summary shortened to its counts (FitRunSummary's last resort) still
// says in chat how many targets failed and where they are listed.
func TestChatOfCountsOnlySummary(t *testing.T) {
	r := manyFailures()
	m := summary(r, t0, cut{keep: noneOf})
	body, err := Chat(m)
	if err != nil {
		t.Fatal(err)
	}
	n := checkChat(t, "counts only", body)
	if !strings.Contains(n.Content.Description, "Did not end well (300 of 301 targets)") ||
		!strings.Contains(n.Content.Description, "… 300 more targets not listed") {
		t.Errorf("description:\n%s", n.Content.Description)
	}
}

func TestChatAccountFailedGolden(t *testing.T) {
	m := AccountFailed(AccountRef{ID: "333333333333", Name: "LifeCycle2", OUID: "ou-ab12-l3zc8b3h", OUName: "Custom"},
		"CreateManagedAccount", "evt-1", "AWS Control Tower failed to create a managed account.")
	n := chatGolden(t, "account-failed", m)
	if n.Metadata.ThreadID != "landfall-account-333333333333" || n.Metadata.AdditionalContext["eventId"] != "evt-1" {
		t.Errorf("metadata = %+v", n.Metadata)
	}
}

func TestChatRefusedGolden(t *testing.T) {
	chatGolden(t, "refused", Refused(AccountRef{ID: "111111111111", Name: "Management"}, "CreateManagedAccount event e-1",
		"it is the organization's management account, which the plan leaves out (includeManagementAccount: false)"))
	n := chatGolden(t, "plan-refused", PlanRefused("manual payload", errors.New(`exclude.ous[0]: "Securty" is not an OU of this organization; did you mean "Security"?`)))
	if n.Metadata.ThreadID != "landfall-refused" {
		t.Errorf("plan refusals thread together: %q", n.Metadata.ThreadID)
	}
}

func TestChatInvalidEventGolden(t *testing.T) {
	m := InvalidEvent("evt-2", errors.New(`source: "aws.ec2" is not aws.controltower`), []byte(`{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification"}`))
	n := chatGolden(t, "invalid-event", m)
	if n.Metadata.ThreadID != "landfall-event-evt-2" {
		t.Errorf("threadId = %q", n.Metadata.ThreadID)
	}
}

// TestChatHostileInputsFit feeds every field a value over every limit, and
// what chat markup would act on: mentions, links, code fences.
func TestChatHostileInputsFit(t *testing.T) {
	huge := strings.Repeat("<!channel> @here ```x``` 日本語🚀 ", 3000)
	r := manyFailures()
	r.Targets = r.Targets[:41] // more than a description lists, with errors this long
	r.Account.Name, r.Account.OU.Name, r.Account.OU.ID = huge, huge, huge
	r.ID, r.EventID = "run-"+huge, huge
	for i := range r.Targets {
		// Cut mid-rune on purpose; errors are clipped before they reach a
		// run, so 20 KB each is already more than a run holds.
		r.Targets[i].Error, r.Targets[i].Product = huge[:20001], "p"+huge[:200]+fmt.Sprint(i)
	}
	acct := AccountRef{ID: huge, Name: huge, OUID: huge, OUName: huge}
	for name, m := range map[string]Message{
		"run summary":    FitRunSummary(r, t0),
		"account failed": AccountFailed(acct, huge, huge, huge),
		"refused":        Refused(acct, huge, huge),
		"plan refused":   PlanRefused(huge, errors.New(huge)),
		"invalid event":  InvalidEvent(huge, errors.New(huge), []byte(huge)),
		"unknown kind":   {Doc: Document{Kind: "drift", Outcome: "DRIFT", Account: &acct, Message: huge, Error: huge, Counts: map[string]int{huge: 3}}},
	} {
		body, err := Chat(m)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		n := checkChat(t, name, body)
		if len(body) > 64<<10 {
			t.Errorf("%s: %d bytes; the bounded fields should keep it far below SNS's limit", name, len(body))
		}
		if id := n.Metadata.ThreadID; !regexp.MustCompile(`^[A-Za-z0-9._:-]+$`).MatchString(id) {
			t.Errorf("%s: threadId %q", name, id)
		}
	}
}

// TestChatRerunPayloadsAreValid decodes every re-run payload the steps
// offer with the launch function's own decoder, and checks that it re-runs
// every target that did not succeed (exactly, or within a wider selection
// that only touches what is missing or failed).
func TestChatRerunPayloadsAreValid(t *testing.T) {
	sized := func(regions, products int) *runstate.Run {
		r := sampleRun("LifeCycle1")
		r.Targets = nil
		for i := range regions * products {
			r.Targets = append(r.Targets, runstate.Target{Region: []string{"us-east-1", "us-west-2", "eu-west-1", "ap-south-1"}[i%regions],
				Product: fmt.Sprintf("product-%02d", i/regions), Status: runstate.Failed, Error: "boom"})
		}
		return r
	}
	for _, tt := range []struct {
		name string
		run  *runstate.Run
		want string // the payload form expected
	}{
		{"exact", sampleRun("LifeCycle1"), "targets"},
		{"regions x products", sized(2, 6), "regions"},
		{"account", manyFailures(), "account"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := RunSummary(tt.run, t0)
			steps := ChatFor(m).Content.NextSteps
			payloads := codeSpans(steps[:2])
			if len(payloads) != 2 {
				t.Fatalf("want a command and a console event: %q", steps)
			}
			cmd, event := payloads[0], payloads[1]
			payload, ok := strings.CutPrefix(strings.TrimSuffix(cmd, "' | landfall invoke -"), "echo '")
			if !ok || payload != event {
				t.Fatalf("command %q and console event %q differ", cmd, event)
			}
			req, err := manual.Decode([]byte(payload))
			if err != nil {
				t.Fatalf("the launch function would refuse %s: %v", payload, err)
			}
			covers(t, tt.run, req, tt.want)
		})
	}
}

// covers checks that req re-runs every target of run that did not end
// well, in the form want names.
func covers(t *testing.T, run *runstate.Run, req *manual.Request, want string) {
	t.Helper()
	if !slices.Equal(req.Accounts, []string{run.Account.ID}) || req.DryRun {
		t.Errorf("request %+v is not a run of account %s", req, run.Account.ID)
	}
	form := "account"
	switch {
	case req.Targets != nil:
		form = "targets"
	case req.Regions != nil:
		form = "regions"
	}
	if form != want || (form != "targets") != req.OnlyMissing {
		t.Errorf("form %s (onlyMissing %v), want %s", form, req.OnlyMissing, want)
	}
	for _, tg := range run.Targets {
		if tg.Status.OK() {
			continue
		}
		in := func(list []string, v string) bool { return list == nil || slices.Contains(list, v) }
		ok := in(req.Regions, tg.Region) && in(req.Products, tg.Product)
		if req.Targets != nil {
			ok = slices.Contains(req.Targets, manual.Pair{Region: tg.Region, Product: tg.Product})
		}
		if !ok {
			t.Errorf("%s/%s did not succeed and is not re-run by %+v", tg.Region, tg.Product, req)
		}
	}
}

var codeSpan = regexp.MustCompile("`([^`]+)`")

func codeSpans(steps []string) []string {
	var out []string
	for _, s := range steps {
		if m := codeSpan.FindStringSubmatch(s); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// chatSNS records every publish and fails those to the topics in fail.
type chatSNS struct {
	calls []*sns.PublishInput
	fail  map[string]error
}

func (f *chatSNS) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.calls = append(f.calls, in)
	if err := f.fail[aws.ToString(in.TopicArn)]; err != nil {
		return nil, err
	}
	return &sns.PublishOutput{MessageId: aws.String("m")}, nil
}

const (
	summaryTopic = "arn:aws:sns:us-east-1:111111111111:summaries"
	chatTopic    = "arn:aws:sns:us-east-1:111111111111:chat"
)

func TestPublishToChatTopic(t *testing.T) {
	f := &chatSNS{}
	n := &Notifier{TopicARN: summaryTopic, ChatTopicARN: chatTopic, SNS: f}
	m := RunSummary(sampleRun("LifeCycle1"), t0)
	if err := n.Publish(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 2 || aws.ToString(f.calls[0].TopicArn) != summaryTopic || aws.ToString(f.calls[1].TopicArn) != chatTopic {
		t.Fatalf("want the summary topic, then the chat topic: %d calls", len(f.calls))
	}
	chat := f.calls[1]
	if chat.MessageStructure != nil || chat.Subject != nil {
		t.Errorf("the chat message must be the raw body: MessageStructure %v, Subject %v", chat.MessageStructure, chat.Subject)
	}
	want, err := Chat(m)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(chat.Message) != string(want) {
		t.Errorf("chat body = %s, want Chat(m)", aws.ToString(chat.Message))
	}
	if aws.ToString(chat.MessageAttributes[AttrOutcome].StringValue) != "PARTIAL" || aws.ToString(chat.MessageAttributes[AttrFailed].StringValue) != "2" {
		t.Errorf("chat attributes must match the summary's for filter policies: %+v", chat.MessageAttributes)
	}

	f.calls = nil
	if err := (&Notifier{TopicARN: summaryTopic, SNS: f}).Publish(t.Context(), m); err != nil || len(f.calls) != 1 {
		t.Errorf("without a chat topic: %v, %d calls", err, len(f.calls))
	}
}

func TestChatFailureKeepsTheSummary(t *testing.T) {
	var logs bytes.Buffer
	f := &chatSNS{fail: map[string]error{chatTopic: errors.New("AuthorizationError: not authorized to perform SNS:Publish")}}
	n := &Notifier{TopicARN: summaryTopic, ChatTopicARN: chatTopic, SNS: f, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	if err := n.Publish(t.Context(), RunSummary(sampleRun("LifeCycle1"), t0)); err != nil {
		t.Errorf("a chat failure must not fail the notification (the caller would publish the summary again): %v", err)
	}
	if len(f.calls) != 2 || aws.ToString(f.calls[0].TopicArn) != summaryTopic {
		t.Fatalf("the summary must be published first: %d calls", len(f.calls))
	}
	// Two JSON lines: the error, then the EMF line the chat alarm counts.
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want the error line and the metric line, got %d:\n%s", len(lines), logs.String())
	}
	var entry map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &entry); err != nil {
		t.Fatalf("want a JSON log line: %v\n%s", err, lines[0])
	}
	if entry["level"] != "ERROR" || entry["msg"] != ChatNotPublished || entry["chatTopic"] != chatTopic ||
		!strings.Contains(fmt.Sprint(entry["error"]), "AuthorizationError") {
		t.Errorf("log line = %v", entry)
	}
	if err := metrics.Check([]byte(lines[1])); err != nil || !strings.Contains(lines[1], `"ChatNotPublished":1`) {
		t.Errorf("metric line %s: %v", lines[1], err)
	}

	// A summary that fails is returned, and no chat message goes out
	// ahead of the retry that will send both.
	f = &chatSNS{fail: map[string]error{summaryTopic: errors.New("throttled")}}
	n.SNS = f
	if err := n.Publish(t.Context(), RunSummary(sampleRun("LifeCycle1"), t0)); err == nil || len(f.calls) != 1 {
		t.Errorf("summary failure: err %v, %d calls (want an error and no chat publish)", err, len(f.calls))
	}
}
