package awsid

import (
	"regexp"
	"testing"
)

// TestAgreesWithTheRegexps checks each shape against the regexp it replaces.
func TestAgreesWithTheRegexps(t *testing.T) {
	checks := []struct {
		name string
		is   func(string) bool
		re   *regexp.Regexp
	}{
		{"account", IsAccountID, regexp.MustCompile(`^[0-9]{12}$`)},
		{"ou", IsOUID, regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)},
		{"root", IsRootID, regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)},
		{"role", IsRoleName, regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)},
	}
	inputs := []string{
		"", "123456789012", "12345678901", "1234567890123", "12345678901a", "１23456789012",
		"ou-ab12-l3zc8b3h", "ou-ab1-l3zc8b3h", "ou-ab12-l3zc8b3", "ou-AB12-l3zc8b3h", "ou-ab12-l3zc8b3h-", "ou-ab12l3zc8b3h",
		"r-ab12", "r-ab1", "r-" + string(make([]byte, 33)), "r-abcdefghijklmnopqrstuvwxyz0123456", "r-ab12\n",
		"AWSControlTowerExecution", "a", "role/with/slash", "name with space", "é", "x@y.z+=,-_",
		"0123456789012345678901234567890123456789012345678901234567890123", "01234567890123456789012345678901234567890123456789012345678901234",
	}
	for _, c := range checks {
		for _, in := range inputs {
			if got, want := c.is(in), c.re.MatchString(in); got != want {
				t.Errorf("%s(%q) = %v, the regexp says %v", c.name, in, got, want)
			}
		}
	}
}
