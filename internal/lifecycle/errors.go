package lifecycle

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// FieldError is one problem with a lifecycle event, located by its JSON path
// so that whoever reads the Lambda error or the DLQ message can find the bad
// value in the event without guessing.
type FieldError struct {
	// Field is the JSON path of the value, such as
	// "detail.serviceEventDetails.createManagedAccountStatus.account.accountId".
	// It is empty when the problem is the payload as a whole.
	Field string
	// Value is the offending value as text, empty when it is missing.
	Value string
	// Problem says what is wrong, in lower case.
	Problem string
	// Fix says what a correct value looks like or what to do instead.
	Fix string
}

// maxValueLen bounds how much of an offending value an error repeats: events
// can be large, and the error ends up in logs and notifications.
const maxValueLen = 80

// Error renders `<field>: <problem> (got "x"); <fix>`, leaving out the parts
// that are empty. A problem with the whole payload is reported as "(payload)".
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Field == "" {
		b.WriteString("(payload)")
	} else {
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Problem)
	if e.Value != "" {
		b.WriteString(" (got ")
		b.WriteString(strconv.Quote(truncate(e.Value, maxValueLen)))
		b.WriteString(")")
	}
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// truncate shortens s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
