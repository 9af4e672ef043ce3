package iampolicy

import "strings"

// gkind says what one character of a glob matches.
type gkind uint8

const (
	gLit  gkind = iota // the character itself
	gStar              // any run of characters, including none
	gOne               // exactly one character
)

// gchar is one character of a glob.
type gchar struct {
	r rune
	k gkind
}

// glob is a wildcard pattern whose wildcards are decided when it is built, so
// that escaped or substituted * and ? stay literal.
type glob []gchar

// appendText adds s to g; with wild, its * and ? are wildcards.
func (g glob) appendText(s string, wild bool) glob {
	for _, r := range s {
		k := gLit
		if wild && r == '*' {
			k = gStar
		} else if wild && r == '?' {
			k = gOne
		}
		g = append(g, gchar{r: r, k: k})
	}
	return g
}

// match reports whether g matches all of s. It is the classic greedy
// matcher that backtracks to the last star only: linear in practice and
// O(len(g)*len(s)) at worst.
func (g glob) match(s string) bool {
	rs := []rune(s)
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(rs) {
		switch {
		case p < len(g) && g[p].k == gStar:
			starP, starI = p, i
			p++
		case p < len(g) && (g[p].k == gOne || g[p].r == rs[i]):
			p++
			i++
		case starP >= 0:
			starI++
			p, i = starP+1, starI
		default:
			return false
		}
	}
	for p < len(g) && g[p].k == gStar {
		p++
	}
	return p == len(g)
}

// matchesAll reports whether g is made of stars only, the pattern that
// matches anything, ARN or not.
func (g glob) matchesAll() bool {
	if len(g) == 0 {
		return false
	}
	for _, c := range g {
		if c.k != gStar {
			return false
		}
	}
	return true
}

// arnParts is the number of colon-separated parts of an ARN:
// arn:partition:service:region:account:resource.
const arnParts = 6

// splitARN cuts g at its first five literal colons.
func (g glob) splitARN() []glob {
	parts := make([]glob, 0, arnParts)
	start := 0
	for i, c := range g {
		if len(parts) == arnParts-1 {
			break
		}
		if c.k == gLit && c.r == ':' {
			parts = append(parts, g[start:i])
			start = i + 1
		}
	}
	return append(parts, g[start:])
}

// matchARN matches an ARN part by part, so that a wildcard in one part never
// swallows a colon: arn:aws:iam::*:role/X does not match
// arn:aws:iam::1:2:role/X. A pattern of stars only matches anything; any
// other pattern matches only a value with all six parts.
func (g glob) matchARN(v string) bool {
	if g.matchesAll() {
		return true
	}
	pp := g.splitARN()
	vp := strings.SplitN(v, ":", arnParts)
	if len(pp) != arnParts || len(vp) != arnParts {
		return false
	}
	for i := range pp {
		if !pp[i].match(vp[i]) {
			return false
		}
	}
	return true
}
