package wire

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// PageTokens is one service's page-token format. Tokens are opaque to
// clients, but each AWS service spells them its own way and the emulated
// ones do too, so the format is the part of paging a service chooses; Page
// is the part they share.
type PageTokens[T any] interface {
	// Start returns the index of the first item of the page token names;
	// ok is false for a token this format would not have issued for items.
	Start(items []T, token string) (start int, ok bool)
	// Next returns the token of the page that starts at items[end].
	Next(items []T, end int) string
}

// Page returns the page of at most size items (size > 0) that token
// selects, an empty token meaning the first page, and the token of the next
// page, empty on the last one. ok is false for an invalid token: services
// answer it with their own error, as AWS services do.
func Page[T any](items []T, token string, size int, tokens PageTokens[T]) (page []T, next string, ok bool) {
	start := 0
	if token != "" {
		if start, ok = tokens.Start(items, token); !ok {
			return nil, "", false
		}
	}
	end := min(start+size, len(items))
	if end < len(items) {
		next = tokens.Next(items, end)
	}
	return items[start:end], next, true
}

// OffsetTokens are the decimal offset of the next item: simple, and stable
// for a listing that does not change between calls (Service Catalog).
type OffsetTokens[T any] struct{}

// Start implements PageTokens.
func (OffsetTokens[T]) Start(items []T, token string) (int, bool) {
	n, err := strconv.Atoi(token)
	return n, err == nil && n >= 0 && n <= len(items)
}

// Next implements PageTokens.
func (OffsetTokens[T]) Next(_ []T, end int) string { return strconv.Itoa(end) }

// ScopedTokens are an offset bound to the listing it was issued for
// (Organizations), so a token replayed against another operation or parent
// is refused rather than silently paging through the wrong list.
type ScopedTokens[T any] struct {
	// Scope names the listing, e.g. "ListChildren/<parent>/<type>".
	Scope string
}

// Start implements PageTokens.
func (s ScopedTokens[T]) Start(items []T, token string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	scope, n, found := strings.Cut(string(raw), "|")
	off, convErr := strconv.Atoi(n)
	return off, err == nil && found && scope == s.Scope && convErr == nil && off >= 0 && off <= len(items)
}

// Next implements PageTokens.
func (s ScopedTokens[T]) Next(_ []T, end int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(s.Scope + "|" + strconv.Itoa(end)))
}

// KeyTokens name the last item returned by its key (SNS, SQS), so that an
// item deleted between two calls does not shift the next page and skip one.
// Items must be in a stable order with unique keys.
type KeyTokens[T any] struct {
	// Key returns an item's unique key.
	Key func(T) string
}

// Start implements PageTokens.
func (k KeyTokens[T]) Start(items []T, token string) (int, bool) {
	last, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	i := slices.IndexFunc(items, func(it T) bool { return k.Key(it) == string(last) })
	return i + 1, i >= 0
}

// Next implements PageTokens.
func (k KeyTokens[T]) Next(items []T, end int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(k.Key(items[end-1])))
}

// StringKeys are KeyTokens for lists of keys themselves (ARNs, URLs).
func StringKeys() KeyTokens[string] {
	return KeyTokens[string]{Key: func(s string) string { return s }}
}
