// Package fielderror is the error Landfall gives for bad input it decodes
// (Control Tower events, manual payloads): one problem, located by its path
// in the JSON, with what was found and how to fix it, so whoever reads the
// Lambda console, a log line or a notification can find the bad value
// without guessing.
package fielderror

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is one problem with one field of an input.
type Error struct {
	// Field is the JSON path of the value, such as "accounts[1]" or
	// "detail.serviceEventDetails.createManagedAccountStatus.account.accountId".
	// It is empty when the problem is the input as a whole.
	Field string
	// Value is the offending value as text, empty when it is missing.
	Value string
	// Problem says what is wrong, in lower case.
	Problem string
	// Fix says what a correct value looks like or what to do instead.
	Fix string
}

// maxValueLen bounds how much of an offending value an error repeats: inputs
// can be large, and the error ends up in logs and notifications.
const maxValueLen = 80

// Error renders `<field>: <problem> (got "x"); <fix>`, leaving out the parts
// that are empty. A problem with the whole input is reported as "(payload)".
func (e *Error) Error() string {
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
		b.WriteString(strconv.Quote(Truncate(e.Value, maxValueLen)))
		b.WriteString(")")
	}
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Truncate shortens s to at most n runes, marking the cut.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
