// Package notify tells people what Landfall did: one SNS message per account
// run, readable in an email, parseable by machines, and filterable so a
// subscription can ask for failures only.
//
// Every message is published with MessageStructure=json: email subscribers get
// the text summary; every other protocol (sqs, lambda, https, email-json) gets
// the JSON document. Message attributes carry the outcome and the failure count
// for subscription filter policies, e.g. {"landfall.outcome": ["FAILED", "PARTIAL", "ACCOUNT_FAILED", "INVALID_EVENT"]}.
//
// An optional chat topic gets every message again as an Amazon Q Developer
// custom notification (Chat), the only form Slack and Teams channels show.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/landfall/landfall/internal/awsid"
)

// Publisher is the SNS call the notifier makes. *sns.Client satisfies it.
type Publisher interface {
	Publish(context.Context, *sns.PublishInput, ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var _ Publisher = (*sns.Client)(nil)

// Message is one notification, rendered.
type Message struct {
	// Subject is the email subject: printable ASCII, under 100 characters.
	Subject string
	// Text is the email body.
	Text string
	// Doc is the machine-readable document (encoded as JSON for non-email subscribers).
	Doc Document
}

// Document is the JSON form of a notification.
type Document struct {
	Source  string `json:"source"` // always "landfall"
	Version int    `json:"version"`
	// Kind is run-summary, account-failed, invalid-event, refused, drift or rollup.
	Kind string `json:"kind"`
	// Outcome is SUCCEEDED, PARTIAL, FAILED, ACCOUNT_FAILED, INVALID_EVENT, REFUSED or DRIFT.
	Outcome string         `json:"outcome"`
	Account *AccountRef    `json:"account,omitempty"`
	Run     *RunInfo       `json:"run,omitempty"`
	Counts  map[string]int `json:"counts,omitempty"`
	Targets []TargetLine   `json:"targets,omitempty"`
	// Rerun is the launch-function payload that re-runs just the failed
	// targets or, when naming them all would not fit in one SNS message, a
	// wider one (their regions x products, or the account) with
	// onlyMissing, which still re-runs every one of them.
	Rerun   json.RawMessage `json:"rerun,omitempty"`
	Message string          `json:"message,omitempty"`
	Error   string          `json:"error,omitempty"`
	// EventID is the event a notification without a run is about
	// (account-failed, invalid-event); a run summary has it in Run.
	EventID string `json:"eventId,omitempty"`
	// Drift is what a drift check found (kind drift).
	Drift *DriftInfo `json:"drift,omitempty"`
	// RollUp is what a finished backfill's runs did (kind rollup).
	RollUp *RollUpInfo `json:"rollup,omitempty"`
}

// AccountRef names an account.
type AccountRef struct {
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	OUID   string `json:"ouId,omitempty"`
	OUName string `json:"ouName,omitempty"`
}

// RunInfo describes the run a summary is about.
type RunInfo struct {
	ID      string `json:"id"`
	Trigger string `json:"trigger"`
	EventID string `json:"eventId,omitempty"`
	// RequestedBy is who asked for a manual run, as the invocation said
	// (self-asserted: `landfall invoke` sends the caller's ARN).
	RequestedBy string    `json:"requestedBy,omitempty"`
	StartedAt   time.Time `json:"startedAt"`
	FinishedAt  time.Time `json:"finishedAt"`
}

// TargetLine is one region x product of a summary.
type TargetLine struct {
	Region               string `json:"region"`
	Product              string `json:"product"`
	Status               string `json:"status"`
	Version              string `json:"version,omitempty"`
	ProvisionedProductID string `json:"provisionedProductId,omitempty"`
	RecordID             string `json:"recordId,omitempty"`
	Error                string `json:"error,omitempty"`
	Note                 string `json:"note,omitempty"`
	// Action and ProvisionedProductName tell a retirement candidate
	// (runstate's retire.go): terminate or retain, and the product's name.
	Action                 string `json:"action,omitempty"`
	ProvisionedProductName string `json:"provisionedProductName,omitempty"`
}

// Notifier publishes messages to the summary topic and, when one is
// configured, their chat form to the chat topic.
type Notifier struct {
	TopicARN string
	// ChatTopicARN, when set, gets every message again as an Amazon Q
	// Developer custom notification (Chat), after the summary topic has it.
	ChatTopicARN string
	SNS          Publisher
	// Logger reports a chat notification that could not be published
	// (default slog.Default()).
	Logger *slog.Logger
}

// Attribute names for subscription filter policies.
const (
	AttrOutcome = "landfall.outcome"
	AttrAccount = "landfall.account"
	AttrFailed  = "landfall.failed"
	AttrKind    = "landfall.kind"
	AttrRun     = "landfall.run"
	AttrRequest = "landfall.request"
)

// MaxPublishedBytes is the budget for a published message: SNS accepts 256 KiB
// including message attributes, and Landfall keeps a margin for them.
const MaxPublishedBytes = 240 << 10

// body is the MessageStructure=json body: the JSON document for every
// protocol by default, the text for email.
func (m Message) body() (string, error) {
	doc, err := json.Marshal(m.Doc)
	if err != nil {
		return "", fmt.Errorf("encode notification: %w", err)
	}
	structured, err := json.Marshal(map[string]string{
		"default": string(doc),
		"email":   m.Text,
	})
	if err != nil {
		return "", fmt.Errorf("encode notification: %w", err)
	}
	return string(structured), nil
}

// Size is the size of the message as published, in bytes.
func (m Message) Size() int {
	b, err := m.body()
	if err != nil {
		return 0
	}
	return len(b)
}

// Publish sends m to the summary topic, then its chat form to the chat
// topic (publishChat). Only the summary's failure is returned: the caller
// retries the whole notification on an error, and SNS cannot tell a
// retried summary from a new one.
func (n *Notifier) Publish(ctx context.Context, m Message) error {
	_, err := n.PublishSummary(ctx, m)
	return err
}

// PublishSummary is Publish, returning the summary topic's message ID, which
// the run ledger records as the proof that the run's story was told.
func (n *Notifier) PublishSummary(ctx context.Context, m Message) (messageID string, err error) {
	if messageID, err = n.publishSummary(ctx, m); err != nil {
		return "", err
	}
	if n.ChatTopicARN != "" {
		n.publishChat(ctx, m)
	}
	return messageID, nil
}

func (n *Notifier) publishSummary(ctx context.Context, m Message) (string, error) {
	structured, err := m.body()
	if err != nil {
		return "", err
	}
	if len(structured) > MaxPublishedBytes {
		return "", fmt.Errorf("publish %q: message is %d bytes, over the %d-byte budget", m.Subject, len(structured), MaxPublishedBytes)
	}
	out, err := n.SNS.Publish(ctx, &sns.PublishInput{
		TopicArn:          aws.String(n.TopicARN),
		Subject:           aws.String(m.Subject),
		Message:           aws.String(structured),
		MessageStructure:  aws.String("json"),
		MessageAttributes: m.attributes(),
	})
	if err != nil {
		return "", fmt.Errorf("publish %q to %s: %w", m.Subject, n.TopicARN, err)
	}
	return aws.ToString(out.MessageId), nil
}

// attributes are the message attributes subscription filter policies match
// on, the same on both topics.
func (m Message) attributes() map[string]snstypes.MessageAttributeValue {
	attrs := map[string]snstypes.MessageAttributeValue{
		AttrOutcome: {DataType: aws.String("String"), StringValue: aws.String(m.Doc.Outcome)},
		AttrKind:    {DataType: aws.String("String"), StringValue: aws.String(m.Doc.Kind)},
		AttrFailed:  {DataType: aws.String("Number"), StringValue: aws.String(strconv.Itoa(failedCount(m.Doc)))},
	}
	// IDs go in only when they are IDs: an attribute counts towards SNS's
	// size limit, and a filter policy cannot match a malformed one anyway
	// (the document carries it, bounded).
	if m.Doc.Account != nil && awsid.IsAccountID(m.Doc.Account.ID) {
		attrs[AttrAccount] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(m.Doc.Account.ID)}
	}
	if m.Doc.Run != nil && plainID(m.Doc.Run.ID, maxRunID) {
		// One summary per run: subscribers that must be exact drop a repeat
		// (SNS standard topics can deliver one twice) by this attribute.
		attrs[AttrRun] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(m.Doc.Run.ID)}
	}
	if m.Doc.RollUp != nil && plainID(m.Doc.RollUp.RequestID, maxRunID) {
		// One roll-up per backfill, told apart the same way.
		attrs[AttrRequest] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(m.Doc.RollUp.RequestID)}
	}
	return attrs
}

func failedCount(d Document) int {
	switch d.Outcome {
	case "ACCOUNT_FAILED", "INVALID_EVENT":
		return 1
	case OutcomeDrift:
		return d.Counts["FAILED"] + d.Counts["TAINTED"]
	}
	if d.Kind == KindRollUp {
		return notOKCount(d.Counts) // every target not OK, CANCELLED included
	}
	if d.Kind == "run-summary" {
		// The counts cover every target; a summary shortened to fit SNS
		// lists only some of them.
		return d.Counts["FAILED"] + d.Counts["SKIPPED"] + d.Counts["TIMED_OUT"]
	}
	n := 0
	for _, t := range d.Targets {
		switch t.Status {
		case "FAILED", "SKIPPED", "TIMED_OUT":
			n++
		}
	}
	return n
}

// maxSubject is SNS's limit: subjects must be under 100 characters.
const maxSubject = 99

// Subject builds a subject from a prefix that may be shortened (an account
// name) and a suffix that must survive (the counts), cleaned to what SNS and
// mail clients accept: printable ASCII, no line breaks.
func Subject(shortenable, suffix string) string {
	s, suf := clean(shortenable), clean(suffix)
	if room := maxSubject - len(suf); len(s) > room {
		if room > 3 {
			s = strings.TrimSpace(s[:room-3]) + "..."
		} else {
			s = ""
		}
	}
	out := s + suf
	if len(out) > maxSubject {
		out = out[:maxSubject]
	}
	return strings.TrimSpace(out)
}

// clean maps a string to printable ASCII on one line: accented letters lose
// their accents where that is obvious, everything else non-ASCII becomes '?'.
func clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		case r < 0x20 || r == 0x7f:
			continue
		case r < 0x80:
			b.WriteRune(r)
		default:
			if a, ok := fold[r]; ok {
				b.WriteString(a)
			} else {
				b.WriteByte('?')
			}
		}
		space = false
	}
	return b.String()
}

// fold covers the common Latin letters; a full transliteration table would be
// a dependency for a subject line.
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ù': "u",
	'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
	'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ä': "A", 'Å': "A", 'Æ': "AE", 'Ç': "C",
	'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E", 'Ì': "I", 'Í': "I", 'Î': "I", 'Ï': "I",
	'Ñ': "N", 'Ò': "O", 'Ó': "O", 'Ô': "O", 'Õ': "O", 'Ö': "O", 'Ø': "O", 'Ù': "U",
	'Ú': "U", 'Û': "U", 'Ü': "U", 'Ý': "Y",
	'–': "-", '—': "-", '‘': "'", '’': "'", '“': "\"", '”': "\"",
}
