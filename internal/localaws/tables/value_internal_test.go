package tables

import "testing"

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
