// Package shape matches strings against the simple anchored syntaxes
// Landfall validates (account and OU IDs, role names, product keys, queue
// URLs): literals and counted runs of ASCII character sets. It does what
// `regexp.MustCompile("^port-[a-z0-9]+$").MatchString` does without compiling
// a regular expression at package init: counted repetition such as {0,254}
// makes regexp programs large and slow to build, and the functions pay for
// every package init at each cold start.
package shape

// Set is a set of ASCII bytes. A byte outside ASCII is never in a set, as a
// non-ASCII character never matches an ASCII regexp class.
type Set struct{ in [128]bool }

// Chars returns the set of the characters in spec, where "a-z" is a range
// and a '-' first or last stands for itself: Chars("a-z0-9_-").
func Chars(spec string) *Set {
	s := &Set{}
	for i := 0; i < len(spec); i++ {
		lo, hi := spec[i], spec[i]
		if i+2 < len(spec) && spec[i+1] == '-' {
			hi = spec[i+2]
			i += 2
		}
		for c := lo; c <= hi && c < 128; c++ {
			s.in[c] = true
		}
	}
	return s
}

// Has reports whether c is in the set.
func (s *Set) Has(c byte) bool { return c < 128 && s.in[c] }

// Prefix returns the length of the longest prefix of s, at most max bytes
// (no limit when max < 0), made of characters in the set.
func (s *Set) Prefix(str string, max int) int {
	n := 0
	for n < len(str) && (max < 0 || n < max) && s.Has(str[n]) {
		n++
	}
	return n
}

// All reports whether every byte of str is in the set and there are min to
// max of them (no upper limit when max < 0).
func (s *Set) All(str string, min, max int) bool {
	return len(str) >= min && (max < 0 || len(str) <= max) && s.Prefix(str, -1) == len(str)
}

// Part is one piece of a Shape: a literal, or a run of min to max characters
// from a set.
type Part struct {
	lit      string
	set      *Set
	min, max int
}

// Lit is the literal s.
func Lit(s string) Part { return Part{lit: s} }

// Run is min to max characters from set; max < 0 means no limit.
func Run(set *Set, min, max int) Part { return Part{set: set, min: min, max: max} }

// Shape is a sequence of parts matched against a whole string. Runs are
// matched greedily, so a run's set must not contain the first character of
// the part after it (true of every shape here: "ou-" Run "-" Run).
type Shape []Part

// Of returns the shape made of parts.
func Of(parts ...Part) Shape { return parts }

// MatchString reports whether the whole of s has the shape.
func (sh Shape) MatchString(s string) bool {
	for _, p := range sh {
		if p.set == nil {
			if len(s) < len(p.lit) || s[:len(p.lit)] != p.lit {
				return false
			}
			s = s[len(p.lit):]
			continue
		}
		n := p.set.Prefix(s, p.max)
		if n < p.min {
			return false
		}
		s = s[n:]
	}
	return s == ""
}
