package org

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// Organizations tags accounts, OUs, the root and policies. The world file
// gives accounts and OUs tags; the root has none, and policies are not
// modelled. ListTagsForResource reads them, as the management account.

// Tag limits of Organizations (TagKey, TagValue; at most 50 tags per
// resource).
const (
	maxTagsPerResource = 50
	maxTagKeyLen       = 128
	maxTagValueLen     = 256
)

// taggableIDPattern is the model's TaggableResourceId: an account, OU,
// root, policy or resource policy ID (the model's own pattern anchors only
// its first and last alternatives; Organizations matches the whole value).
var taggableIDPattern = regexp.MustCompile(`^(r-[0-9a-z]{4,32}|[0-9]{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|p-[0-9a-zA-Z_]{8,128}|rp-[0-9a-zA-Z_]{4,128})$`)

// tagChar is a character of ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$, the model's
// TagKey and TagValue pattern.
func tagChar(r rune) bool {
	return unicode.In(r, unicode.L, unicode.Z, unicode.N) || strings.ContainsRune("_.:/=+-@", r)
}

func tagText(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !tagChar(r) }) < 0
}

// validateTags checks a world file's tags against what TagResource would
// accept: keys 1 to 128 characters and values up to 256, of the allowed
// characters, no aws: prefix (reserved for AWS), at most 50.
func validateTags(path string, tags map[string]string, add func(path, format string, args ...any)) {
	if len(tags) > maxTagsPerResource {
		add(path, "has %d tags; Organizations allows %d per resource", len(tags), maxTagsPerResource)
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		kp := fmt.Sprintf("%s[%q]", path, k)
		switch n := utf8.RuneCountInString(k); {
		case n == 0 || n > maxTagKeyLen:
			add(kp, "tag key is %d characters long; Organizations allows 1 to %d", n, maxTagKeyLen)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			add(kp, "tag keys starting with aws: are reserved for AWS")
		case !tagText(k):
			add(kp, "tag keys may only contain letters, digits, spaces and _.:/=+-@")
		}
		switch v := tags[k]; {
		case utf8.RuneCountInString(v) > maxTagValueLen:
			add(kp, "tag value is %d characters long; Organizations allows up to %d", utf8.RuneCountInString(v), maxTagValueLen)
		case !tagText(v):
			add(kp, "tag value %q may only contain letters, digits, spaces and _.:/=+-@", v)
		}
	}
}

// Tags returns the tags of an account, OU or the root (none), and whether
// the organization has that resource.
func (o *Organization) Tags(id string) (map[string]string, bool) {
	if id == o.root {
		return map[string]string{}, true
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if _, ok := o.accounts[id]; ok {
		for _, a := range o.spec.Accounts {
			if a.ID == id {
				return maps.Clone(orEmpty(a.Tags)), true
			}
		}
	}
	if _, ok := o.ous[id]; ok {
		for _, u := range o.spec.OUs {
			if u.ID == id {
				return maps.Clone(orEmpty(u.Tags)), true
			}
		}
	}
	return nil, false
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

type tagJSON struct {
	Key   string
	Value string
}

type listTagsInput struct {
	ResourceID string `json:"ResourceId"`
	NextToken  string
}

// listTagsForResource answers ListTagsForResource: the resource's tags in
// key order, paged (the operation takes no MaxResults; pages are the list
// operations' default size).
func (s *Service) listTagsForResource(_ *wire.Request, in *listTagsInput) (any, error) {
	if err := requireID("ResourceId", in.ResourceID, taggableIDPattern); err != nil {
		return nil, err
	}
	tags, ok := s.org.Tags(in.ResourceID)
	if !ok {
		return nil, &wire.Error{Code: "TargetNotFoundException", Message: "We can't find a root, OU, account, or policy with the TargetId that you specified."}
	}
	all := make([]tagJSON, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		all = append(all, tagJSON{Key: k, Value: tags[k]})
	}
	items, next, err := page(all, "ListTagsForResource/"+in.ResourceID, in.NextToken, nil)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []tagJSON{}
	}
	return struct {
		Tags      []tagJSON
		NextToken *string `json:",omitempty"`
	}{items, next}, nil
}
