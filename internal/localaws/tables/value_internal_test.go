package tables

import (
	"encoding/json"
	"testing"
)

func TestNumbersAreCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.50", "1.5"}, {"007", "7"}, {"-0.0", "0"}, {"1e3", "1000"}, {"1E-130", "0." + zeros(129) + "1"},
		{"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"}, {"-2.250", "-2.25"},
	}
	for _, tc := range tests {
		if got := Number(tc.in).normalized().str; got != tc.want {
			t.Errorf("%s → %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestItemSizeOfNumbers(t *testing.T) {
	// One byte per two significant digits, plus one; zeros at either end are free.
	for in, want := range map[string]int{"1": 2, "12": 2, "123": 3, "1000": 2, "0.001": 2, "-12.34": 3} {
		if got := numberSize(in); got != want {
			t.Errorf("numberSize(%s) = %d, want %d", in, got, want)
		}
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

// TestCanonicalIntAgreesWithParsing checks the big.Rat-free fast path: a
// string it accepts is a valid number whose canonical form and key are the
// string itself, and what it refuses still goes through parseNumber.
func TestCanonicalIntAgreesWithParsing(t *testing.T) {
	for _, s := range []string{
		"0", "7", "-7", "1765000000", "-0", "00", "007", "+7", " 7", "7 ", "1.0", "1e3", "", "-",
		"12345678901234567890123456789012345678", "123456789012345678901234567890123456789", "0x1f", "1_000",
	} {
		fast := isCanonicalInt(s)
		r, ok := parseNumber(s)
		if !fast {
			continue
		}
		if !ok || formatNumber(r) != s || r.RatString() != s {
			t.Errorf("isCanonicalInt(%q) = true, but parseNumber gives ok=%v, form %q", s, ok, formatNumber(r))
		}
	}
	for s, want := range map[string]bool{"0": true, "-7": true, "-0": false, "007": false, "1.0": false, " 7": false} {
		if got := isCanonicalInt(s); got != want {
			t.Errorf("isCanonicalInt(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestScalarFastPathAgreesWithJSON: the shortcut for plain S and N values
// decodes exactly what encoding/json does, and leaves everything else to it.
func TestScalarFastPathAgreesWithJSON(t *testing.T) {
	for _, in := range []string{
		`{"S":"run-1"}`, `{"N":"1765000000"}`, `{"S":""}`, `{"S":"a\"b"}`, `{"S":"a\\nb"}`, `{"S":"é"}`,
		`{"S":"x","N":"1"}`, `{"B":"AAE="}`, `{"S":"a"} `, `{ "S":"a"}`, `{"SS":["a"]}`, `{"S":"\u00e9"}`, "{\"S\":\"a\x01\"}",
	} {
		kind, str, ok := scalar([]byte(in))
		if !ok {
			continue
		}
		var raw map[string]string
		if err := json.Unmarshal([]byte(in), &raw); err != nil || len(raw) != 1 || raw[kind] != str {
			t.Errorf("scalar(%s) = %s %q; encoding/json reads %v (%v)", in, kind, str, raw, err)
		}
	}
	for in, want := range map[string]bool{`{"S":"plain"}`: true, `{"N":"-1.5"}`: true, `{"S":"a\"b"}`: false, `{"S":"x","N":"1"}`: false, `{"BOOL":true}`: false} {
		if _, _, ok := scalar([]byte(in)); ok != want {
			t.Errorf("scalar(%s) ok = %v, want %v", in, ok, want)
		}
	}
}
