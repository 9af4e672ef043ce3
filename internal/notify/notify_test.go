package notify

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func sampleRun(name string) *runstate.Run {
	return &runstate.Run{
		Schema: runstate.SchemaVersion, ID: "ct-999cccaa-222222222222", Trigger: runstate.TriggerCreate, EventID: "999cccaa",
		Account:   plan.Account{ID: "222222222222", Name: name, OU: plan.OU{ID: "ou-ab12-l3zc8b3h", Name: "Custom"}},
		StartedAt: t0,
		Targets: []runstate.Target{
			{Region: "us-east-1", Product: "baseline-vpc", Status: runstate.Succeeded, Version: "v2.0", ProvisionedProductID: "pp-1", RecordID: "rec-1"},
			{Region: "us-west-1", Product: "baseline-vpc", Status: runstate.AlreadyProvisioned, Version: "v2.0", ProvisionedProductID: "pp-2", RecordID: "rec-2"},
			{Region: "us-west-1", Product: "security-audit", Status: runstate.Failed, Version: "2025.01", Error: "InvalidParametersException: Parameters: [AuditAccountId]\nmust have values"},
			{Region: "us-west-2", Product: "security-audit", Status: runstate.Skipped, Error: "not attempted: it depends on baseline-vpc, which is FAILED in us-west-2"},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from golden file (go test -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestRunSummaryGolden(t *testing.T) {
	m := RunSummary(sampleRun("LifeCycle1"), t0.Add(7*time.Minute))
	if m.Subject != "Landfall: LifeCycle1 (222222222222) 1 succeeded, 1 already provisioned, 1 failed, 1 skipped" {
		t.Errorf("subject = %q", m.Subject)
	}
	golden(t, "summary.txt", []byte(m.Text))
	doc, err := json.MarshalIndent(m.Doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.json", doc)
	if m.Doc.Outcome != "PARTIAL" {
		t.Errorf("outcome = %s", m.Doc.Outcome)
	}
	// The re-run payload names exactly the targets that did not end well.
	want := `{"accounts":["222222222222"],"targets":[{"region":"us-west-1","product":"security-audit"},{"region":"us-west-2","product":"security-audit"}]}`
	if string(m.Doc.Rerun) != want {
		t.Errorf("rerun = %s, want %s", m.Doc.Rerun, want)
	}
}

func TestSubjectSurvivesHostileNames(t *testing.T) {
	names := []string{
		`Quote"d 'name'`,
		"line\nbreak\r\nand\ttab",
		"Ünïcødé Café 日本語 🚀",
		strings.Repeat("very-long-account-name-", 10),
		"\x00\x07control",
	}
	for _, n := range names {
		m := RunSummary(sampleRun(n), t0)
		s := m.Subject
		if len(s) >= 100 {
			t.Errorf("%q: subject is %d characters, SNS needs under 100", n, len(s))
		}
		for _, r := range s {
			if r < 0x20 || r > 0x7e {
				t.Errorf("%q: subject %q has non-printable-ASCII %q", n, s, r)
			}
		}
		if !strings.HasSuffix(s, "1 failed, 1 skipped") {
			t.Errorf("%q: counts lost from subject %q", n, s)
		}
		var back Document
		b, err := json.Marshal(m.Doc)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &back); err != nil || back.Account.Name != n {
			t.Errorf("%q: JSON round trip lost the name (got %q, err %v)", n, back.Account.Name, err)
		}
	}
	if got := Subject("Café", " ok"); got != "Cafe ok" {
		t.Errorf("fold: %q", got)
	}
}

type fakeSNS struct {
	in  *sns.PublishInput
	err error
}

func (f *fakeSNS) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.in = in
	if f.err != nil {
		return nil, f.err
	}
	return &sns.PublishOutput{MessageId: aws.String("m-1")}, nil
}

func TestPublishStructure(t *testing.T) {
	f := &fakeSNS{}
	n := &Notifier{TopicARN: "arn:aws:sns:us-east-1:111111111111:t", SNS: f}
	m := RunSummary(sampleRun("LifeCycle1"), t0)
	if err := n.Publish(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if aws.ToString(f.in.MessageStructure) != "json" {
		t.Fatal("want MessageStructure json")
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(aws.ToString(f.in.Message)), &body); err != nil {
		t.Fatalf("message is not a JSON object: %v", err)
	}
	if body["email"] != m.Text {
		t.Error("email key must carry the text summary")
	}
	var doc Document
	if err := json.Unmarshal([]byte(body["default"]), &doc); err != nil || doc.Kind != "run-summary" {
		t.Errorf("default must be the JSON document: %v %+v", err, doc)
	}
	attrs := f.in.MessageAttributes
	if aws.ToString(attrs[AttrOutcome].StringValue) != "PARTIAL" || aws.ToString(attrs[AttrFailed].StringValue) != "2" ||
		aws.ToString(attrs[AttrAccount].StringValue) != "222222222222" || aws.ToString(attrs[AttrFailed].DataType) != "Number" {
		t.Errorf("attributes = %+v", attrs)
	}
	f.err = errors.New("boom")
	if err := n.Publish(context.Background(), m); err == nil || !strings.Contains(err.Error(), "publish") {
		t.Errorf("publish error not wrapped: %v", err)
	}
}

func TestAccountFailedAndInvalidEvent(t *testing.T) {
	m := AccountFailed(AccountRef{ID: "333333333333", Name: "LifeCycle2", OUID: "ou-ab12-l3zc8b3h", OUName: "Custom"}, "CreateManagedAccount", "evt-1", "AWS Control Tower failed to create a managed account.")
	if m.Subject != "Landfall: LifeCycle2 (333333333333) CreateManagedAccount FAILED in Control Tower" {
		t.Errorf("subject = %q", m.Subject)
	}
	if !strings.Contains(m.Text, "AWS Control Tower failed to create a managed account.") || m.Doc.Outcome != "ACCOUNT_FAILED" {
		t.Errorf("text/doc: %q %+v", m.Text, m.Doc)
	}
	noID := AccountFailed(AccountRef{}, "CreateManagedAccount", "", "")
	if !strings.Contains(noID.Subject, "unknown account") {
		t.Errorf("missing account must still give a clear subject: %q", noID.Subject)
	}
	inv := InvalidEvent("evt-2", errors.New(`source: "aws.ec2" is not aws.controltower`), []byte(`{"source":"aws.ec2"}`))
	if inv.Doc.Outcome != "INVALID_EVENT" || !strings.Contains(inv.Text, `{"source":"aws.ec2"}`) || !strings.Contains(inv.Text, "aws.ec2") {
		t.Errorf("invalid event message: %+v", inv)
	}
	big := InvalidEvent("", errors.New("x"), []byte(strings.Repeat("a", 300<<10)))
	if len(big.Text) > 100<<10 {
		t.Errorf("echoed event not truncated: %d bytes", len(big.Text))
	}
}

func TestFitRunSummaryStaysWithinSNSLimit(t *testing.T) {
	r := sampleRun("LifeCycle1")
	r.Targets = nil
	for i := range 300 {
		r.Targets = append(r.Targets, runstate.Target{Region: "us-east-1", Product: fmt.Sprintf("product-%03d", i), Status: runstate.Failed,
			Error: strings.Repeat("AccessDenied: an SCP denies servicecatalog:ProvisionProduct. ", 15)})
	}
	r.Targets = append(r.Targets, runstate.Target{Region: "us-east-1", Product: "ok", Status: runstate.Succeeded})
	full := RunSummary(r, t0)
	if full.Size() <= MaxPublishedBytes {
		t.Fatalf("the test run must not fit in full (%d bytes)", full.Size())
	}
	m := FitRunSummary(r, t0)
	if m.Size() > MaxPublishedBytes {
		t.Fatalf("fitted summary is %d bytes, over %d", m.Size(), MaxPublishedBytes)
	}
	if m.Doc.Counts["FAILED"] != 300 || m.Doc.Counts["SUCCEEDED"] != 1 || !strings.Contains(m.Subject, "300 failed") {
		t.Errorf("counts must cover every target: %v %q", m.Doc.Counts, m.Subject)
	}
	var rerun struct{ Targets []map[string]string }
	if err := json.Unmarshal(m.Doc.Rerun, &rerun); err != nil || len(rerun.Targets) != 300 {
		t.Errorf("the re-run payload must still name every failed target: %v, %d", err, len(rerun.Targets))
	}
	if !strings.Contains(m.Text, "not listed") {
		t.Error("the text must say that targets were left out")
	}
	small := sampleRun("LifeCycle1")
	if got, want := FitRunSummary(small, t0), RunSummary(small, t0); got.Text != want.Text {
		t.Error("a summary that fits must be sent in full")
	}
	if err := (&Notifier{TopicARN: "arn:aws:sns:us-east-1:111111111111:t", SNS: &fakeSNS{}}).Publish(context.Background(), full); err == nil {
		t.Error("Publish must refuse a message over the budget instead of letting SNS reject it")
	}
}

func TestInvalidEventFitsWhateverItEscapes(t *testing.T) {
	for _, raw := range [][]byte{
		[]byte(strings.Repeat("<", 70<<10)),         // escaped six times over in JSON
		[]byte(strings.Repeat(`"a",`, 70<<10)),      // quotes escaped twice
		[]byte(strings.Repeat("é\n\t\x01", 30<<10)), // control characters and non-ASCII
	} {
		m := InvalidEvent("e1", errors.New("bad"), raw)
		if m.Size() > MaxPublishedBytes || !strings.Contains(m.Text, "(truncated)") {
			t.Errorf("invalid-event notice is %d bytes (limit %d)", m.Size(), MaxPublishedBytes)
		}
	}
}

func TestRefusals(t *testing.T) {
	m := Refused(AccountRef{ID: "111111111111", Name: "Management"}, "CreateManagedAccount event e-1", "it is the organization's management account")
	if m.Doc.Kind != "refused" || m.Doc.Outcome != "REFUSED" || !strings.Contains(m.Text, "management account") || !strings.Contains(m.Subject, "Management (111111111111)") {
		t.Errorf("account refusal = %+v", m)
	}
	p := PlanRefused("manual payload", errors.New(`exclude.ous[0]: "Securty" is not an OU of this organization`))
	if p.Doc.Kind != "refused" || !strings.Contains(p.Text, `exclude.ous[0]`) || !strings.Contains(p.Text, "landfall validate --org") {
		t.Errorf("plan refusal = %+v", p)
	}
	for _, msg := range []Message{m, p} {
		if _, err := msg.body(); err != nil || msg.Size() > MaxPublishedBytes {
			t.Errorf("%s: body %v, size %d", msg.Subject, err, msg.Size())
		}
	}
}
