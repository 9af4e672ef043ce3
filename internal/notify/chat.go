package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/landfall/landfall/internal/runstate"
)

// Amazon Q Developer in chat applications (formerly AWS Chatbot) shows a
// message from an SNS topic in Slack, Microsoft Teams or Amazon Chime only
// when it is a custom notification: a JSON object with version "1.0",
// source "custom", a content object (title, description, nextSteps,
// keywords in client-markdown) and a metadata object (threadId, summary,
// eventType, relatedResources, additionalContext). Anything else is dropped
// silently, Landfall's MessageStructure=json summaries included, so a chat
// topic gets this form instead (Chat), published as the raw message body.

// Limits AWS documents for custom notifications, in characters.
const (
	maxChatTitle       = 250
	maxChatDescription = 8000
	maxChatStep        = 350 // each next step
	maxChatKeyword     = 75  // each keyword
)

// Bounds Landfall sets where the documentation gives none: small enough to
// read in a channel, and the whole notification stays far below SNS's
// 256 KiB (MaxPublishedBytes) however the text escapes.
const (
	maxChatSteps        = 5
	maxChatKeywords     = 10
	maxChatSummary      = 250
	maxChatThreadID     = 128
	maxChatEventType    = 100
	maxChatResources    = 10
	maxChatResource     = 256
	maxChatContextValue = 256 // additionalContext has at most 10 keys by construction
	maxChatName         = 100 // an account or OU name in a line (AWS allows 50)
	maxChatTableRow     = 220
	maxChatDetail       = 160 // a target's error in the table
	maxChatBlock        = 1500
	maxChatCounts       = 500 // the counts phrase: seven statuses take under 150
)

// ChatNotification is an Amazon Q Developer custom notification.
type ChatNotification struct {
	Version  string       `json:"version"`
	Source   string       `json:"source"`
	Content  ChatContent  `json:"content"`
	Metadata ChatMetadata `json:"metadata"`
}

// ChatContent is what the channel shows.
type ChatContent struct {
	TextType    string   `json:"textType"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	NextSteps   []string `json:"nextSteps,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
}

// ChatMetadata threads notifications and feeds custom actions.
type ChatMetadata struct {
	// ThreadID groups the messages of one run (or account, or event).
	ThreadID          string            `json:"threadId"`
	Summary           string            `json:"summary"`
	EventType         string            `json:"eventType"`
	RelatedResources  []string          `json:"relatedResources,omitempty"`
	AdditionalContext map[string]string `json:"additionalContext,omitempty"`
}

// Chat encodes m as the custom notification Amazon Q Developer reads
// (ChatFor), every field within its limit.
func Chat(m Message) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the markdown is read as it is written
	if err := enc.Encode(ChatFor(m)); err != nil {
		return nil, fmt.Errorf("encode chat notification %q: %w", m.Subject, err)
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(out) > MaxPublishedBytes {
		return nil, fmt.Errorf("chat notification %q is %d bytes, over the %d-byte budget", m.Subject, len(out), MaxPublishedBytes)
	}
	return out, nil
}

// ChatFor renders any kind of message as a custom notification from its
// document alone, so a message that fits the summary topic always has a
// chat form.
func ChatFor(m Message) ChatNotification {
	d := m.Doc
	if d.Kind == KindRollUp {
		return rollUpChat(d)
	}
	title := chatTitle(d)
	return ChatNotification{
		Version: "1.0",
		Source:  "custom",
		Content: ChatContent{
			TextType:    "client-markdown",
			Title:       clip(outcomeEmoji(d.Outcome)+" "+title, maxChatTitle),
			Description: clipSaying(chatDescription(d), maxChatDescription),
			NextSteps:   boundSteps(chatSteps(d)),
			Keywords:    chatKeywords(d),
		},
		Metadata: ChatMetadata{
			ThreadID:          threadID(d),
			Summary:           chatSummary(d, title),
			EventType:         clip("Landfall"+camel(d.Kind), maxChatEventType),
			RelatedResources:  relatedResources(d),
			AdditionalContext: additionalContext(d),
		},
	}
}

// outcomeEmoji marks the outcome where the eye lands first (the emoji
// short names Amazon Q Developer's own examples use).
func outcomeEmoji(outcome string) string {
	switch outcome {
	case "SUCCEEDED":
		return ":white_check_mark:"
	case "PARTIAL":
		return ":warning:"
	case "CANCELLED":
		return ":heavy_minus_sign:"
	case "FAILED", "ACCOUNT_FAILED":
		return ":x:"
	case "REFUSED":
		return ":no_entry:"
	case "INVALID_EVENT":
		return ":grey_question:"
	case OutcomeDrift:
		return ":mag:"
	}
	return ":information_source:"
}

// chatTitle says what happened and to which account, the account name
// shortened first so the outcome and the ID survive.
func chatTitle(d Document) string {
	who := accountLabel(d.Account)
	switch d.Kind {
	case "run-summary":
		return fmt.Sprintf("Landfall run %s for %s", line(d.Outcome, 40), who)
	case "account-failed":
		return fmt.Sprintf("Control Tower %s for %s", line(d.Error, 80), who)
	case "refused":
		if d.Account == nil {
			return "Landfall REFUSED a request: the plan does not hold against the organization"
		}
		return "Landfall REFUSED a request for " + who
	case "invalid-event":
		return "Landfall ignored an event it could not use (INVALID_EVENT)"
	case KindDrift:
		return driftTitle(d)
	}
	return fmt.Sprintf("Landfall %s %s for %s", line(d.Kind, 30), line(d.Outcome, 30), who)
}

// accountLabel is "Name (ID)", "ID", or "unknown account".
func accountLabel(a *AccountRef) string {
	if a == nil || (a.ID == "" && a.Name == "") {
		return "unknown account"
	}
	id := line(a.ID, 40)
	if a.Name == "" {
		return id
	}
	return line(a.Name, maxChatName) + " (" + id + ")"
}

func chatSummary(d Document, title string) string {
	if d.Kind == "run-summary" {
		return clip(fmt.Sprintf("%s: %s, %s", accountLabel(d.Account), line(d.Outcome, 40), countsPhrase(d.Counts)), maxChatSummary)
	}
	return clip(title, maxChatSummary)
}

// countsPhrase says "1 succeeded, 2 failed" from a document's counts, in
// the order of the email.
func countsPhrase(counts map[string]int) string {
	var parts []string
	seen := map[string]bool{}
	for _, o := range countOrder {
		seen[string(o.status)] = true
		if n := counts[string(o.status)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o.label))
		}
	}
	var other []string
	for s, n := range counts {
		if !seen[s] && n > 0 {
			other = append(other, fmt.Sprintf("%d %s", n, line(s, 40)))
		}
	}
	slices.Sort(other)
	parts = append(parts, other...)
	if len(parts) == 0 {
		return "no targets"
	}
	return strings.Join(parts, ", ")
}

// threadID threads a run's messages by the run ID; messages without a run
// thread by account, then by event.
func threadID(d Document) string {
	id := "landfall-" + d.Kind
	switch {
	case d.Run != nil && d.Run.ID != "":
		id = d.Run.ID
	case d.Account != nil && d.Account.ID != "":
		id = "landfall-account-" + d.Account.ID
	case d.EventID != "":
		id = "landfall-event-" + d.EventID
	}
	return chatThreadID(id)
}

// chatThreadID is id as a thread ID: bounded, in the characters IDs are
// written with.
func chatThreadID(id string) string {
	if len(id) > maxChatThreadID {
		id = id[:maxChatThreadID]
	}
	return strings.Map(func(r rune) rune {
		if alnum(r) || strings.ContainsRune("-_.:", r) {
			return r
		}
		return '-'
	}, id)
}

// alnum reports whether r is an ASCII letter or digit.
func alnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'
}

// camel turns a kind ("run-summary") into an event type suffix ("RunSummary").
func camel(kind string) string {
	var b strings.Builder
	for part := range strings.FieldsFuncSeq(kind, func(r rune) bool { return !alnum(r) }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// chatKeywords are the outcome, the kind, the account ID and the regions
// of the targets the message is about; regions beyond the bound are counted
// in a last keyword.
func chatKeywords(d Document) []string {
	kw := []string{d.Outcome, d.Kind}
	if d.Account != nil && d.Account.ID != "" {
		kw = append(kw, d.Account.ID)
	}
	var regions []string
	for _, t := range listedTargets(d) {
		if !slices.Contains(regions, t.Region) {
			regions = append(regions, t.Region)
		}
	}
	if room := maxChatKeywords - len(kw); len(regions) > room {
		regions = append(regions[:room-1], fmt.Sprintf("+%d regions", len(regions)-room+1))
	}
	kw = append(kw, regions...)
	out := kw[:0]
	for _, k := range kw {
		if k = line(k, maxChatKeyword); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// relatedResources are the account and the provisioned products (or, when
// none was created, the records) of the targets the message is about.
func relatedResources(d Document) []string {
	var out []string
	add := func(s string) {
		if s = line(s, maxChatResource); s != "" && len(out) < maxChatResources && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if d.Account != nil {
		add(d.Account.ID)
	}
	for _, t := range listedTargets(d) {
		if t.ProvisionedProductID != "" {
			add(t.ProvisionedProductID)
		} else {
			add(t.RecordID)
		}
	}
	return out
}

// additionalContext carries the run's facts for custom actions and search:
// at most ten keys, each value bounded.
func additionalContext(d Document) map[string]string {
	ctx := map[string]string{"kind": d.Kind, "outcome": d.Outcome}
	if d.Account != nil {
		ctx["accountId"], ctx["ouId"] = d.Account.ID, d.Account.OUID
	}
	if d.Run != nil {
		ctx["runId"], ctx["trigger"], ctx["eventId"] = d.Run.ID, d.Run.Trigger, d.Run.EventID
		ctx["startedAt"], ctx["finishedAt"] = stamp(d.Run.StartedAt), stamp(d.Run.FinishedAt)
	} else if d.EventID != "" {
		ctx["eventId"] = d.EventID
	}
	switch {
	case d.Kind == KindDrift:
		ctx["counts"] = driftPhrase(d.Counts)
	case len(d.Counts) > 0:
		ctx["counts"] = countsPhrase(d.Counts)
	}
	return boundContext(ctx)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// listedTargets are the targets a message is about: those that did not end
// well when there are any, else all of them.
func listedTargets(d Document) []TargetLine {
	var bad []TargetLine
	for _, t := range d.Targets {
		if !runstate.Status(t.Status).OK() {
			bad = append(bad, t)
		}
	}
	if len(bad) > 0 {
		return bad
	}
	return d.Targets
}

// boundSteps keeps the first maxChatSteps steps, each within its limit.
func boundSteps(steps []string) []string {
	if len(steps) > maxChatSteps {
		steps = steps[:maxChatSteps]
	}
	out := make([]string, 0, len(steps))
	for _, s := range steps {
		out = append(out, clip(s, maxChatStep))
	}
	return out
}

// boundContext makes every additionalContext value one line within the
// format's limit, and drops the keys left empty.
func boundContext(ctx map[string]string) map[string]string {
	for k, v := range ctx {
		if v = line(v, maxChatContextValue); v == "" {
			delete(ctx, k)
		} else {
			ctx[k] = v
		}
	}
	return ctx
}
