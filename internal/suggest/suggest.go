// Package suggest finds the names closest to a mistyped one, for the "did you
// mean" part of an error: plan selectors, payload keys, regions.
package suggest

import (
	"strconv"
	"strings"
)

// maxSuggestInput bounds the words suggest compares: a longer word is not a
// typo of any key or region, and the comparison is quadratic.
const maxSuggestInput = 64

// maxSuggestions bounds how many candidates a hint lists.
const maxSuggestions = 3

// Closest returns the candidates closest to word, for a "did you mean" hint,
// or nil when none is close enough. Case, dashes, underscores and spaces are
// ignored first, so "dry_run" finds "dryRun" and "US-EAST-1" finds "us-east-1".
func Closest(word string, candidates []string) []string {
	if word == "" || len(word) > maxSuggestInput {
		return nil
	}
	w := normalize(word)
	if w == "" {
		return nil
	}
	// One edit (a transposition counts as one) for words up to eight
	// letters, two beyond: looser limits suggest "region" for "version".
	limit := 1
	if len(w) > 8 {
		limit = 2
	}
	best := limit + 1
	var out []string
	for _, c := range candidates {
		n := normalize(c)
		d := distance(w, n)
		// A long enough prefix counts as close: "includeManagement" for
		// "includeManagementAccount" is many edits away but clearly meant.
		if d > limit && len(w) >= 5 && (strings.HasPrefix(n, w) || strings.HasPrefix(w, n)) {
			d = limit
		}
		switch {
		case d < best:
			best, out = d, []string{c}
		case d == best && len(out) < maxSuggestions:
			out = append(out, c)
		}
	}
	return out
}

// DidYouMean renders suggestions as a hint, "" when there are none.
func DidYouMean(s []string) string {
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, c := range s {
		q[i] = strconv.Quote(c)
	}
	return "did you mean " + OrList(q) + "?"
}

// OrList joins items as `a`, `a or b`, `a, b or c`.
func OrList(items []string) string {
	return joinList(items, "or")
}

// AndList joins items as `a`, `a and b`, `a, b and c`.
func AndList(items []string) string {
	return joinList(items, "and")
}

func joinList(items []string, word string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + word + " " + items[len(items)-1]
}

// normalize lower-cases s and drops the separators people mix up.
func normalize(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', ' ', '.':
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// distance is the edit distance between a and b, by bytes, counting an
// adjacent transposition ("regoin") as one edit (optimal string alignment).
func distance(a, b string) int {
	// rows[i%3] is row i of the classic dynamic programming table; the
	// transposition case needs the row before the previous one.
	var rows [3][]int
	for k := range rows {
		rows[k] = make([]int, len(b)+1)
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur, prev, prev2 := rows[i%3], rows[(i-1)%3], rows[(i+1)%3]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
	}
	return rows[len(a)%3][len(b)]
}
