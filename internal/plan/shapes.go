package plan

import (
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/landfall/landfall/internal/shape"
)

// The syntaxes the plan checks. The functions validate the plan at every cold
// start, so these are hand-written shapes rather than regexps compiled at
// package init (issue #14: counted repetition such as {0,254} made this
// package's init 2.4 ms). Each accepts exactly what the regexp in its comment
// accepts; shapes_test.go checks them against each other.
var (
	lowerDigit = shape.Chars("a-z0-9")
	alnum      = shape.Chars("a-zA-Z0-9")
	nameChars  = shape.Chars("a-zA-Z0-9._-")
	identStart = shape.Chars("A-Za-z_")

	reKey          = shape.Of(shape.Run(lowerDigit, 1, 1), shape.Run(shape.Chars("a-z0-9-"), 0, 62))    // ^[a-z0-9][a-z0-9-]{0,62}$
	rePortfolioID  = shape.Of(shape.Lit("port-"), shape.Run(lowerDigit, 1, -1))                         // ^port-[a-z0-9]+$
	reProductID    = shape.Of(shape.Lit("prod-"), shape.Run(lowerDigit, 1, -1))                         // ^prod-[a-z0-9]+$
	reArtifactID   = shape.Of(shape.Lit("pa-"), shape.Run(lowerDigit, 1, -1))                           // ^pa-[a-z0-9]+$
	rePrefix       = emptyOr(shape.Of(shape.Run(alnum, 1, 1), shape.Run(nameChars, 0, -1)))             // ^([a-zA-Z0-9][a-zA-Z0-9._-]*)?$
	reProvisioned  = shape.Of(shape.Run(alnum, 1, 1), shape.Run(nameChars, 0, 127))                     // ^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$
	reValueName    = shape.Of(shape.Run(identStart, 1, 1), shape.Run(shape.Chars("A-Za-z0-9_"), 0, -1)) // ^[A-Za-z_][A-Za-z0-9_]*$
	reParameterKey = shape.Of(shape.Run(identStart, 1, 1), shape.Run(shape.Chars("A-Za-z0-9_-"), 0, 254))
	plainKey       = shape.Of(shape.Run(shape.Chars("A-Za-z0-9_-"), 1, -1)) // ^[A-Za-z0-9_-]+$

	// reTagChars is the character set AWS allows in tag keys and values:
	// ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$.
	reTagChars = runeSet(func(r rune) bool {
		return unicode.In(r, unicode.L, unicode.Z, unicode.N) || strings.ContainsRune("_.:/=+-@", r)
	})

	// Only error messages use these: compiled on first use.
	reYAMLLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^line (\d+): `) })
	rePosition = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d+(:\d+)?: `) })
)

// emptyOr matches "" or what sh matches.
type emptyOr shape.Shape

func (e emptyOr) MatchString(s string) bool { return s == "" || shape.Shape(e).MatchString(s) }

// runeSet is a set of characters.
type runeSet func(rune) bool

// MatchString reports whether every character of s is in the set (an invalid
// UTF-8 byte is U+FFFD, as in regexp).
func (in runeSet) MatchString(s string) bool {
	for _, r := range s {
		if !in(r) {
			return false
		}
	}
	return true
}

// replaceOthers replaces each character of s outside the set, and each
// invalid UTF-8 byte, with repl.
func (in runeSet) replaceOthers(s string, repl rune) string {
	return strings.Map(func(r rune) rune {
		if in(r) {
			return r
		}
		return repl
	}, s)
}

// IsKey reports whether s is a valid product key (^[a-z0-9][a-z0-9-]{0,62}$):
// payloads naming products are checked by the rule the plan uses.
func IsKey(s string) bool { return reKey.MatchString(s) }
