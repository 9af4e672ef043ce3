package plan

import (
	"strings"
	"testing"
)

func TestTagsafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Acme, Inc. (prod)", "Acme- Inc. -prod-"},
		{"O'Brien & Co", "O-Brien - Co"},
		{"Zürich team_1:a/b=c+d-e@f", "Zürich team_1:a/b=c+d-e@f"},
		{strings.Repeat("é", 300), strings.Repeat("é", 256)},
	}
	for _, tt := range tests {
		got := tagsafe(tt.in)
		if got != tt.want {
			t.Errorf("tagsafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if msg := tagValueProblem(got); msg != "" {
			t.Errorf("tagsafe(%q) = %q is still not a valid tag value: %s", tt.in, got, msg)
		}
	}
}
