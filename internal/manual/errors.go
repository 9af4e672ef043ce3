package manual

import "github.com/landfall/landfall/internal/fielderror"

// FieldError is one problem with one field, located by its JSON path, with
// what was found and how to fix it (see package fielderror).
type FieldError = fielderror.Error

// maxValueLen bounds how much of an offending value a message repeats.
const maxValueLen = 80

// truncate shortens s to at most n runes, marking the cut.
func truncate(s string, n int) string { return fielderror.Truncate(s, n) }
