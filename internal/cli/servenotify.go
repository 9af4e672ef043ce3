package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/landfall/landfall/internal/localaws/topics"
)

// writeNotification prints a published message in full, as an email
// subscriber would read it: topic, subject, attributes (what subscription
// filter policies see) and the text body.
func writeNotification(w io.Writer, m topics.Message) {
	topic := m.TopicARN[strings.LastIndex(m.TopicARN, ":")+1:]
	var b strings.Builder
	fmt.Fprintf(&b, "--- SNS %s, message %s ---\n", topic, m.MessageID)
	if m.Subject != "" {
		fmt.Fprintf(&b, "Subject: %s\n", m.Subject)
	}
	if len(m.Attributes) > 0 {
		names := make([]string, 0, len(m.Attributes))
		for n := range m.Attributes {
			names = append(names, n)
		}
		sort.Strings(names)
		attrs := make([]string, len(names))
		for i, n := range names {
			attrs[i] = n + "=" + m.Attributes[n].Value
		}
		fmt.Fprintf(&b, "Attributes: %s\n", strings.Join(attrs, ", "))
	}
	b.WriteString("\n" + strings.TrimRight(topics.Delivered(m, "email"), "\n") + "\n---\n")
	_, _ = io.WriteString(w, b.String()) // stdout of a server: nothing to do if it is gone
}
