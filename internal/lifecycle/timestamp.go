package lifecycle

import (
	"errors"
	"time"
)

// timestampLayouts are the forms Control Tower and EventBridge write. The
// "Z0700" layout exists because Control Tower's own timestamps use offsets
// without a colon ("+0000"), which RFC 3339 and time.Time's JSON decoding
// reject. Go accepts a fractional second after the seconds field when parsing
// even if the layout does not mention one, so both layouts also take
// "…:18.123Z".
var timestampLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
}

// errBadTimestamp is returned for text that matches none of the layouts.
var errBadTimestamp = errors.New("not a timestamp")

// parseTimestamp reads a Control Tower timestamp and returns it in UTC, so
// that equal instants compare equal whatever offset they were written with.
func parseTimestamp(s string) (time.Time, error) {
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errBadTimestamp
}
