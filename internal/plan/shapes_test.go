package plan

import (
	"regexp"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/awsid"
)

// The hand-written shapes accept exactly what the regexps they replace accept.
func TestShapesMatchTheirRegexps(t *testing.T) {
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	inputs := []string{
		"", "a", "A", "_", "-", "a-", "-a", "a.b", "a_b", "a b", "é", "\xff", "a\n",
		"port-", "port-abc1", "port-ABC", "prod-x9", "prod-", "pa-1", "pa-", "xpa-1",
		"111111111111", "11111111111", "1111111111111",
		"ou-abcd-12345678", "ou-abc-12345678", "ou-abcd-1234567", "ou-" + long("a", 32) + "-" + long("1", 32),
		"ou-" + long("a", 33) + "-12345678", "ou-abcd-" + long("1", 33), "ou-abcd12345678",
		"AWSControlTowerExecution", "+=,.@-_", long("r", 63), long("r", 64), long("r", 65),
		long("p", 127), long("p", 128), long("p", 129), "_" + long("k", 254), "_" + long("k", 255), "9key", "Key-1",
	}
	cases := []struct {
		re    string
		match func(string) bool
	}{
		{`^[a-z0-9][a-z0-9-]{0,62}$`, reKey.MatchString},
		{`^port-[a-z0-9]+$`, rePortfolioID.MatchString},
		{`^prod-[a-z0-9]+$`, reProductID.MatchString},
		{`^pa-[a-z0-9]+$`, reArtifactID.MatchString},
		{`^[0-9]{12}$`, awsid.IsAccountID},
		{`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`, awsid.IsOUID},
		{`^[\w+=,.@-]{1,64}$`, awsid.IsRoleName},
		{`^([a-zA-Z0-9][a-zA-Z0-9._-]*)?$`, rePrefix.MatchString},
		{`^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$`, reProvisioned.MatchString},
		{`^[A-Za-z_][A-Za-z0-9_]*$`, reValueName.MatchString},
		{`^[A-Za-z_][A-Za-z0-9_-]{0,254}$`, reParameterKey.MatchString},
		{`^[A-Za-z0-9_-]+$`, plainKey.MatchString},
		{`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`, reTagChars.MatchString},
	}
	tags := []string{"Acme, Inc. (prod)", "Ünïcode 名前 ٣", "a\u00a0b\u2028c", "x\xffy\xc3", "tab\there", "\ufffd", "a/b:c=d+e-f@g_h.i"}
	for _, c := range cases {
		re := regexp.MustCompile(c.re)
		for _, in := range append(inputs, tags...) {
			if got, want := c.match(in), re.MatchString(in); got != want {
				t.Errorf("%s on %q: %v, regexp %v", c.re, in, got, want)
			}
		}
	}
	unsafe := regexp.MustCompile(`[^\p{L}\p{Z}\p{N}_.:/=+\-@]`)
	for _, in := range append(inputs, tags...) {
		if got, want := reTagChars.replaceOthers(in, '-'), unsafe.ReplaceAllString(in, "-"); got != want {
			t.Errorf("tag characters of %q: %q, regexp %q", in, got, want)
		}
	}
}
