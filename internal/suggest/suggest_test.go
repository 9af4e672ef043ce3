package suggest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/region"
)

// requestKeys are the launch function's payload keys, the words operators
// mistype most.
var (
	requestKeys = []string{"accounts", "ous", "recursive", "all", "regions", "products", "targets", "dryRun", "onlyMissing", "includeManagementAccount", "status"}
	pairKeys    = []string{"region", "product"}
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"accounts", "accounts", 0},
		{"acounts", "accounts", 1},
		{"regoin", "region", 1},
		{"version", "region", 3},
		{"kitten", "sitting", 3},
		{"ab", "ba", 1},
		{"ca", "abc", 3},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := distance(tt.b, tt.a); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d (symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		word       string
		candidates []string
		want       []string
	}{
		{"acounts", requestKeys, []string{"accounts"}},
		{"account", requestKeys, []string{"accounts"}},
		{"accountIds", requestKeys, []string{"accounts"}},
		{"ou", requestKeys, []string{"ous"}},
		{"OUs", requestKeys, []string{"ous"}},
		{"dry-run", requestKeys, []string{"dryRun"}},
		{"DRY_RUN", requestKeys, []string{"dryRun"}},
		{"onlymising", requestKeys, []string{"onlyMissing"}},
		{"includeManagement", requestKeys, []string{"includeManagementAccount"}},
		{"include_management_account", requestKeys, []string{"includeManagementAccount"}},
		{"regoin", pairKeys, []string{"region"}},
		{"version", pairKeys, nil},
		{"key1", requestKeys, nil},
		{"", requestKeys, nil},
		{"--", requestKeys, nil},
		{strings.Repeat("a", maxSuggestInput+1), requestKeys, nil},
		{"us-west-9", region.All(), []string{"us-west-1", "us-west-2"}},
		{"uswest2", region.All(), []string{"us-west-2"}},
		{"eu-west-4", region.All(), []string{"eu-west-1", "eu-west-2", "eu-west-3"}},
		{"ap-southeast-9", region.All(), []string{"ap-southeast-1", "ap-southeast-2", "ap-southeast-3"}},
		{"moon-1", region.All(), nil},
	}
	for _, tt := range tests {
		if got := Closest(tt.word, tt.candidates); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestLists(t *testing.T) {
	for _, tt := range []struct {
		items []string
		or    string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a or b"},
		{[]string{"a", "b", "c"}, "a, b or c"},
	} {
		if got := OrList(tt.items); got != tt.or {
			t.Errorf("OrList(%q) = %q, want %q", tt.items, got, tt.or)
		}
	}
	if got := DidYouMean([]string{"a", "b"}); got != `did you mean "a" or "b"?` {
		t.Errorf("didYouMean = %q", got)
	}
	if got := DidYouMean(nil); got != "" {
		t.Errorf("DidYouMean(nil) = %q, want empty", got)
	}
}
