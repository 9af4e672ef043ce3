package org

import (
	"fmt"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// maxPageSize is the largest MaxResults the Organizations list operations
// accept; it is also the page size when MaxResults is not given.
const maxPageSize = 20

// invalidInput is Organizations' InvalidInputException with its Reason member.
func invalidInput(reason, format string, args ...any) *wire.Error {
	return &wire.Error{
		Code:    "InvalidInputException",
		Message: fmt.Sprintf(format, args...),
		Fields:  map[string]any{"Reason": reason},
	}
}

// page returns the page of items that token and maxResults select, and the
// token of the next page (nil on the last page). Tokens are opaque to
// clients; they carry the operation and the parent they were issued for
// (wire.ScopedTokens) so a token cannot be replayed against another listing.
func page[T any](items []T, scope, token string, maxResults *int32) ([]T, *string, error) {
	size := maxPageSize
	if maxResults != nil {
		switch n := *maxResults; {
		case n < 1:
			return nil, nil, invalidInput("MIN_VALUE_EXCEEDED", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
		case n > maxPageSize:
			return nil, nil, invalidInput("MAX_VALUE_EXCEEDED", "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", n, maxPageSize)
		default:
			size = int(n)
		}
	}
	pg, next, ok := wire.Page(items, token, size, wire.ScopedTokens[T]{Scope: scope})
	if !ok {
		return nil, nil, invalidInput("INVALID_NEXT_TOKEN", "The specified NextToken is invalid; pass the NextToken of the previous response of the same call unchanged.")
	}
	if next == "" {
		return pg, nil, nil
	}
	return pg, &next, nil
}
