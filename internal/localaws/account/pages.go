package account

import (
	"encoding/base64"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/localaws/org"
)

// ListRegions page sizes: 20 regions when MaxResults is not given, as AWS
// answers, and at most 50 (the model's bound).
const (
	defaultPageSize = 20
	maxPageSize     = 50
)

// pageTokens are ListRegions' NextTokens: the listing they were issued for
// (account and status filter) and the name of the last region returned,
// base64url-encoded. Naming the last region rather than an offset keeps the
// next page right when a region's status changes between calls and a
// filtered listing grows or shrinks; binding the account and filter makes a
// token replayed against another listing malformed, as AWS's are.
type pageTokens struct {
	scope string
}

// listScope names a listing: the account and the sorted statuses it keeps.
func listScope(account string, want map[org.RegionOptStatus]bool) string {
	keep := make([]string, 0, len(want))
	for st := range want {
		keep = append(keep, string(st))
	}
	slices.Sort(keep)
	return "ListRegions/" + account + "/" + strings.Join(keep, ",")
}

// Start implements wire.PageTokens: the first region after the token's.
func (t pageTokens) Start(items []regionJSON, token string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	scope, last, found := strings.Cut(string(raw), "|")
	if !found || scope != t.scope || !org.IsOptInTarget(last) {
		return 0, false
	}
	i, _ := slices.BinarySearchFunc(items, last, func(it regionJSON, name string) int { return strings.Compare(it.RegionName, name) })
	if i < len(items) && items[i].RegionName == last {
		i++
	}
	return i, true
}

// Next implements wire.PageTokens.
func (t pageTokens) Next(items []regionJSON, end int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(t.scope + "|" + items[end-1].RegionName))
}
