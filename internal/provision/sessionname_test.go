package provision

import (
	"regexp"
	"testing"
)

// TestSessionNameAgreesWithTheRegexp checks the hand-written character rule
// against the regexp it replaced ([^\w+=,.@-] becomes "-").
func TestSessionNameAgreesWithTheRegexp(t *testing.T) {
	re := regexp.MustCompile(`[^\w+=,.@-]`)
	for _, in := range []string{"ct-e-1-222222222222", "manual 2026/01/01", "ünïcode", "a\xffb", "x+=,.@-_y", "tab\there", ""} {
		want := "landfall-" + re.ReplaceAllString(in, "-")
		if len(want) > 64 {
			want = want[:64]
		}
		if got := SessionName(in); got != want {
			t.Errorf("SessionName(%q) = %q, want %q", in, got, want)
		}
	}
}
