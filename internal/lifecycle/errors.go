package lifecycle

import "github.com/landfall/landfall/internal/fielderror"

// FieldError is one problem with one field, located by its JSON path, with
// what was found and how to fix it (see package fielderror).
type FieldError = fielderror.Error

// maxValueLen is how much of an offending value a FieldError repeats.
const maxValueLen = 80
