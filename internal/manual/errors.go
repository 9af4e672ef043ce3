package manual

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// FieldError is one problem with a manual payload, located by its path in the
// payload ("accounts[1]", "targets[0].region", "status.ous") so that the
// operator can find and fix it from the Lambda console's error output.
type FieldError struct {
	// Field is the path of the value; empty when the problem is the payload
	// as a whole (such as naming both "accounts" and "all").
	Field string
	// Value is the offending value as text, empty when there is none to show.
	Value string
	// Problem says what is wrong, in lower case.
	Problem string
	// Fix says what to write instead.
	Fix string
}

// maxValueLen bounds how much of an offending value an error repeats.
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
