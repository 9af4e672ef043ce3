package fielderror

import (
	"strings"
	"testing"
)

func TestError(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{Field: "accounts[1]", Value: "2222", Problem: "is not a 12-digit account ID", Fix: "use all 12 digits"},
			`accounts[1]: is not a 12-digit account ID (got "2222"); use all 12 digits`},
		{Error{Problem: "must be a JSON object"}, `(payload): must be a JSON object`},
		{Error{Field: "source", Problem: "missing"}, `source: missing`},
		{Error{Field: "x", Value: strings.Repeat("é", 100), Problem: "bad"}, `x: bad (got "` + strings.Repeat("é", 80) + `…")`},
		{Error{Field: "x", Value: "a\"b\n", Problem: "bad"}, `x: bad (got "a\"b\n")`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}
