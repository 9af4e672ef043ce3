package plan

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Account tags as selectors: a selector's tags clause maps tag keys to the
// value (or any of the values) an account's Organizations tag must have.
//
//	include:
//	  tags: {environment: [prod, staging], cost-center: "4100"}
//
// Every key of the clause must match (AND); a key's values are
// alternatives (OR); matching is exact and case-sensitive, as AWS compares
// tag values. The clause is one more kind of selector entry: an account
// matches the selector when its OU, its ID, its name or its tags match, as
// for the other kinds.

// Limits AWS Organizations puts on account tags (TagKey, TagValue; 50 tags
// per resource): a clause outside them could never match.
const (
	maxAccountTags        = 50
	maxAccountTagKeyLen   = 128
	maxAccountTagValueLen = 256
)

// TagMatch is one key of a tags clause: the account's tag Key must have one
// of Values.
type TagMatch struct {
	Key    string
	Values []string
}

// tagsMatch reports whether tags carry every key of clause with one of its values.
func tagsMatch(clause []TagMatch, tags map[string]string) bool {
	for _, m := range clause {
		v, ok := tags[m.Key]
		if !ok || !slices.Contains(m.Values, v) {
			return false
		}
	}
	return true
}

// tagClause renders a clause for messages: environment="prod", team="a"|"b".
func tagClause(clause []TagMatch) string {
	parts := make([]string, 0, len(clause))
	for _, m := range clause {
		vals := make([]string, len(m.Values))
		for i, v := range m.Values {
			vals[i] = fmt.Sprintf("%q", v)
		}
		parts = append(parts, m.Key+"="+strings.Join(vals, "|"))
	}
	return strings.Join(parts, ", ")
}

// accountTagValues renders the account's values of the clause's keys, as
// they matched: environment="prod", team="b".
func accountTagValues(clause []TagMatch, tags map[string]string) string {
	parts := make([]string, 0, len(clause))
	for _, m := range clause {
		parts = append(parts, fmt.Sprintf("%s=%q", m.Key, tags[m.Key]))
	}
	return strings.Join(parts, ", ")
}

// tagMismatch says why read tags fail a clause, at its first failing key:
// `: its environment tag is "dev"`; "" when there is no clause, the tags
// were not read, or they match.
func tagMismatch(clause []TagMatch, tags map[string]string) string {
	if tags == nil {
		return ""
	}
	for _, m := range clause {
		v, ok := tags[m.Key]
		switch {
		case !ok:
			return fmt.Sprintf(": it has no %s tag", m.Key)
		case !slices.Contains(m.Values, v):
			return fmt.Sprintf(": its %s tag is %q", m.Key, v)
		}
	}
	return ""
}

// NeedsTags reports whether Landfall must read accounts' tags from
// Organizations for this plan: a selector (the plan's or a product's) has a
// tags clause, or a template names Tags (.Account.Tags). Otherwise no
// account's tags are read: each read is one ListTagsForResource call per
// account, which a backfill of a large organization would pay for nothing.
func (pl *Plan) NeedsTags() bool {
	return pl.SelectsByTag() || pl.templatesName("Tags")
}

// SelectsByTag reports whether any selector of the plan has a tags clause.
func (pl *Plan) SelectsByTag() bool {
	for _, r := range pl.SelectorRefs() {
		if r.Kind == RefTags {
			return true
		}
	}
	return false
}

// selectorTags decodes a selector's tags clause (at is its path, such as
// include.tags): tag key to a value or a list of values, each within what
// AWS allows for account tags, so a clause that could never match is
// refused with the fix.
func (p *parser) selectorTags(n *yaml.Node, at string) []TagMatch {
	n = p.resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.add(n, at, "must be a mapping of tag key to value, such as {environment: prod}, not %s", describe(n))
		return nil
	}
	pairs := p.pairs(n, at)
	if len(pairs) == 0 {
		p.add(n, at, "is empty; give at least one tag key and value, such as {environment: prod}, or remove tags")
		return nil
	}
	if len(pairs) > maxAccountTags {
		p.add(n, at, "has %d keys; an account carries at most %d tags, so every key must match and this could never match", len(pairs), maxAccountTags)
		return nil
	}
	var out []TagMatch
	for _, pr := range pairs {
		ep := join(at, pr.key)
		if msg := accountTagKeyProblem(pr.key); msg != "" {
			p.add(pr.keyNode, ep, "%s", msg)
			continue
		}
		if values, ok := p.tagValues(pr, ep); ok {
			out = append(out, TagMatch{Key: pr.key, Values: values})
		}
	}
	return out
}

// tagValues decodes one key's value: a string, or a list of alternatives.
func (p *parser) tagValues(pr pair, at string) ([]string, bool) {
	vn := p.resolve(pr.val)
	switch {
	case vn == nil:
		return nil, false
	case isNull(vn):
		p.add(pr.keyNode, at, `has no value; give the value to match (quote "" for a tag whose value is empty), or a list of values`)
		return nil, false
	case vn.Kind == yaml.ScalarNode:
		if msg := accountTagValueProblem(vn.Value); msg != "" {
			p.add(vn, at, "%s", msg)
			return nil, false
		}
		return []string{vn.Value}, true
	case vn.Kind != yaml.SequenceNode:
		p.add(vn, at, "must be a tag value or a list of values, not %s", describe(vn))
		return nil, false
	case len(vn.Content) == 0:
		p.add(vn, at, "is empty; list at least one value, or remove %s", pr.key)
		return nil, false
	}
	var values []string
	ok := true
	for i, in := range vn.Content {
		ip := index(at, i)
		s, sok := p.str(in, ip)
		switch {
		case !sok:
			ok = false
		case isNull(p.resolve(in)):
			p.add(in, ip, `has no value; quote "" for a tag whose value is empty, or remove it`)
			ok = false
		case accountTagValueProblem(s) != "":
			p.add(in, ip, "%s", accountTagValueProblem(s))
			ok = false
		case slices.Contains(values, s):
			p.add(in, ip, "%q is listed twice; remove one", s)
			ok = false
		default:
			values = append(values, s)
		}
	}
	return values, ok
}

// accountTagKeyProblem checks a key against Organizations' TagKey: 1 to 128
// characters of ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$, and not AWS's aws: prefix,
// which no account tag a user can set carries.
func accountTagKeyProblem(k string) string {
	switch n := utf8.RuneCountInString(k); {
	case n == 0:
		return "tag key is empty; AWS tag keys have 1 to 128 characters"
	case n > maxAccountTagKeyLen:
		return fmt.Sprintf("tag key is %d characters; AWS allows 1 to %d, so no account can carry it", n, maxAccountTagKeyLen)
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		return "tag keys starting with aws: are reserved for AWS and never set on accounts; use the key as your accounts carry it"
	case !reTagChars.MatchString(k):
		return "tag keys may only contain letters, digits, spaces and _.:/=+-@ (as AWS allows), so no account can carry this one; write the key exactly as your accounts carry it"
	}
	return ""
}

// accountTagValueProblem checks a value against Organizations' TagValue: 0
// to 256 characters of the same set as keys.
func accountTagValueProblem(v string) string {
	switch n := utf8.RuneCountInString(v); {
	case n > maxAccountTagValueLen:
		return fmt.Sprintf("tag value is %d characters; AWS allows up to %d, so no account can carry it", n, maxAccountTagValueLen)
	case !reTagChars.MatchString(v):
		return fmt.Sprintf("%q: tag values may only contain letters, digits, spaces and _.:/=+-@ (as AWS allows), so no account can carry it", v)
	}
	return ""
}
