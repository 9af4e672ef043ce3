package catalog

import (
	"fmt"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// Error codes the Service Catalog API returns. The SDK turns each into its
// typed error (types.ResourceNotFoundException, ...) for the operations that
// model it.
const (
	codeNotFound      = "ResourceNotFoundException"
	codeInvalidParams = "InvalidParametersException"
	codeLimitExceeded = "LimitExceededException"
	codeDuplicate     = "DuplicateResourceException"
)

func notFound(format string, args ...any) *wire.Error {
	return wire.Errorf(codeNotFound, format, args...)
}

func invalidParams(format string, args ...any) *wire.Error {
	return wire.Errorf(codeInvalidParams, format, args...)
}

// handle registers a catalog operation in the one wire.Op shape, run under
// the catalog's lock so every call sees and leaves a consistent catalog.
func handle[In, Out any](c *Catalog, fn func(*wire.Request, *In) (Out, error)) wire.Operation {
	return wire.Op(func(r *wire.Request, in *In) (Out, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.now = r.Now
		return fn(r, in)
	})
}

// defaultPageSize is the page size of a listing called without PageSize.
const defaultPageSize = 20

// page returns one page of items. maxSize is the operation's model maximum
// (20, or 100 for the PageSizeMax100 listings); without a PageSize a page
// has at most defaultPageSize items. Page tokens are the decimal offset of
// the next item (wire.OffsetTokens): opaque to clients, stable for a catalog
// that does not change between calls.
func page[T any](items []T, in pagedInput, maxSize int) ([]T, *string, error) {
	size := int(in.PageSize)
	switch {
	case size < 0 || size > maxSize:
		return nil, nil, invalidParams("PageSize %d is out of range: use 0 to %d", size, maxSize)
	case size == 0:
		size = min(maxSize, defaultPageSize)
	}
	token := deref(in.PageToken)
	pg, next, ok := wire.Page(items, token, size, wire.OffsetTokens[T]{})
	if !ok {
		return nil, nil, invalidParams("The page token %q is not valid; pass the NextPageToken of the previous page", token)
	}
	return pg, str(next), nil
}

// exactlyOne checks that exactly one of an ID and a name identifies a
// resource, as AWS requires where both are accepted.
func exactlyOne(idField, id, nameField, name string) error {
	switch {
	case id != "" && name != "":
		return invalidParams("Specify either %s or %s, not both", idField, nameField)
	case id == "" && name == "":
		return invalidParams("Either %s or %s must be specified", idField, nameField)
	}
	return nil
}

func required(field, value string) error {
	if value == "" {
		return invalidParams("%s is required", field)
	}
	return nil
}

func describe(what, id, name string) string {
	if id != "" {
		return fmt.Sprintf("%s %s", what, id)
	}
	return fmt.Sprintf("%s named %q", what, name)
}
