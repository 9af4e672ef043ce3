package shape

import (
	"regexp"
	"testing"
)

// Each shape is checked against the regular expression it replaces, on the
// edge cases of its counts and sets.
func TestShapesMatchTheirRegexps(t *testing.T) {
	lowerDigit, lowerDigitDash := Chars("a-z0-9"), Chars("a-z0-9-")
	cases := []struct {
		re     string
		shape  Shape
		inputs []string
	}{
		{`^[a-z0-9][a-z0-9-]{0,62}$`, Of(Run(lowerDigit, 1, 1), Run(lowerDigitDash, 0, 62)),
			[]string{"", "a", "-a", "a-", "A", "vpc-baseline", "é", string(make([]byte, 63)), rep("a", 63), rep("a", 64)}},
		{`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`, Of(Lit("ou-"), Run(lowerDigit, 4, 32), Lit("-"), Run(lowerDigit, 8, 32)),
			[]string{"ou-abcd-12345678", "ou-abc-12345678", "ou-abcd-1234567", "ou-" + rep("a", 33) + "-12345678", "ou-abcd-" + rep("1", 32), "ou-abcd-" + rep("1", 33), "ou-abcd-12345678-", "ou-abcd12345678", "r-abcd"}},
		{`^port-[a-z0-9]+$`, Of(Lit("port-"), Run(lowerDigit, 1, -1)),
			[]string{"port-", "port-abc123", "port-ABC", "por", "port-abc\n", "xport-a"}},
		{`^[\w+=,.@-]{1,64}$`, Of(Run(Chars("A-Za-z0-9_+=,.@-"), 1, 64)),
			[]string{"", "AWSControlTowerExecution", "a b", "a/b", rep("r", 64), rep("r", 65), "ö"}},
		{`^[0-9]{12}$`, Of(Run(Chars("0-9"), 12, 12)),
			[]string{"111111111111", "11111111111", "1111111111111", "11111111111a", "١١١١١١١١١١١١"}},
	}
	for _, c := range cases {
		re := regexp.MustCompile(c.re)
		for _, in := range c.inputs {
			if got, want := c.shape.MatchString(in), re.MatchString(in); got != want {
				t.Errorf("%s on %q: shape %v, regexp %v", c.re, in, got, want)
			}
		}
	}
}

func TestChars(t *testing.T) {
	s := Chars("a-c_-")
	for c, want := range map[byte]bool{'a': true, 'b': true, 'c': true, '_': true, '-': true, 'd': false, 0xC3: false} {
		if s.Has(c) != want {
			t.Errorf("Has(%q) = %v", c, !want)
		}
	}
	if !s.All("ab-", 1, 3) || s.All("abcd", 1, 3) || s.All("", 1, 3) || !s.All("", 0, -1) {
		t.Error("All's counts")
	}
}

func rep(s string, n int) string {
	b := make([]byte, 0, n*len(s))
	for range n {
		b = append(b, s...)
	}
	return string(b)
}
