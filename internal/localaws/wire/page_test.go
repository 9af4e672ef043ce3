package wire_test

import (
	"slices"
	"testing"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// walk pages through items to the end and returns every item seen.
func walk[T any](t *testing.T, items []T, size int, tokens wire.PageTokens[T]) []T {
	t.Helper()
	var all []T
	token := ""
	for range len(items) + 1 {
		page, next, ok := wire.Page(items, token, size, tokens)
		if !ok {
			t.Fatalf("token %q refused", token)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		token = next
	}
	t.Fatalf("paging did not end")
	return nil
}

func TestPageFormats(t *testing.T) {
	items := []string{"a", "b", "c", "d", "e"}
	formats := map[string]wire.PageTokens[string]{
		"offset": wire.OffsetTokens[string]{},
		"scoped": wire.ScopedTokens[string]{Scope: "ListThings"},
		"key":    wire.StringKeys(),
	}
	for name, tokens := range formats {
		t.Run(name, func(t *testing.T) {
			for _, size := range []int{1, 2, 5, 9} {
				if got := walk(t, items, size, tokens); !slices.Equal(got, items) {
					t.Errorf("size %d: pages = %v, want %v", size, got, items)
				}
			}
			if _, _, ok := wire.Page(items, "not-a-token!", 2, tokens); ok {
				t.Error("a foreign token was accepted")
			}
		})
	}
}

func TestPageTokensFormats(t *testing.T) {
	items := []string{"a", "b", "c"}
	tests := []struct {
		name   string
		tokens wire.PageTokens[string]
		want   string
	}{
		{"offset is decimal", wire.OffsetTokens[string]{}, "2"},
		{"scoped is base64 scope|offset", wire.ScopedTokens[string]{Scope: "S"}, "U3wy"},
		{"key is base64 of the last key", wire.StringKeys(), "Yg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, next, _ := wire.Page(items, "", 2, tt.tokens); next != tt.want {
				t.Errorf("next = %q, want %q", next, tt.want)
			}
		})
	}
	if _, _, ok := wire.Page(items, "U3wy", 2, wire.ScopedTokens[string]{Scope: "T"}); ok {
		t.Error("a token of another scope was accepted")
	}
}
