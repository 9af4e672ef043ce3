package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/landfall/landfall/internal/suggest"

	"go.yaml.in/yaml/v3"
)

// The plan is decoded by walking the yaml.Node tree instead of unmarshalling
// into structs: yaml.v3's KnownFields stops at type errors, names Go types in
// its messages and cannot say which list item was wrong. Walking the tree lets
// every problem carry its document path and line, and lets all of them be
// reported in one pass.

// maxAliases bounds alias expansion. Walking a node tree re-visits an aliased
// subtree at every reference, so a "billion laughs" document would otherwise
// take exponential time.
const maxAliases = 10_000

type decoder struct {
	problems []Problem
	aliases  int
	bombed   bool
}

// entry is one key/value of a YAML mapping, in file order.
type entry struct {
	Key     string
	Value   string
	KeyNode *yaml.Node
	ValNode *yaml.Node
}

type pair struct {
	key     string
	keyNode *yaml.Node
	val     *yaml.Node
}

func (d *decoder) add(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.problems = append(d.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...), Line: line})
}

// resolve follows aliases to the node they name. It returns nil (after
// reporting once) when the alias budget is spent.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		d.aliases++
		if d.aliases > maxAliases {
			if !d.bombed {
				d.bombed = true
				d.add(n, "", "more than %d alias expansions; use fewer nested aliases", maxAliases)
			}
			return nil
		}
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an explicit YAML null (`key:` with
// nothing after it), which the plan treats like an absent key.
func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "empty"
		case "!!bool":
			return "a boolean"
		case "!!int", "!!float":
			return "a number"
		}
		return fmt.Sprintf("the string %q", n.Value)
	}
	return "an unsupported YAML node"
}

func isMergeKey(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "<<" && (n.Tag == "" || n.Tag == "!" || n.ShortTag() == "!!merge")
}

// pairs returns a mapping's entries in file order, with `<<` merge keys
// expanded (explicit keys win over merged ones, as in YAML 1.1 merges).
// A null node yields no pairs and no problem.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	n = d.resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.add(n, path, "must be a mapping (key: value), not %s", describe(n))
		return nil
	}
	var out, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMergeKey(k) {
			merged = append(merged, d.mergePairs(v, path)...)
			continue
		}
		if k = d.resolve(k); k == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.add(k, path, "keys must be strings, not %s", describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.add(k, join(path, k.Value), "duplicate key; first defined on line %d", first.Line)
			continue
		}
		seen[k.Value] = k
		out = append(out, pair{key: k.Value, keyNode: k, val: v})
	}
	for _, m := range merged {
		if _, dup := seen[m.key]; !dup {
			seen[m.key] = m.keyNode
			out = append(out, m)
		}
	}
	return out
}

func (d *decoder) mergePairs(v *yaml.Node, path string) []pair {
	v = d.resolve(v)
	if v == nil {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		return d.pairs(v, path)
	case yaml.SequenceNode:
		var out []pair
		seen := map[string]bool{}
		for _, item := range v.Content {
			if r := d.resolve(item); r != nil && r.Kind != yaml.MappingNode {
				d.add(r, path, "<< must merge a mapping or a list of mappings, not %s", describe(r))
				continue
			}
			// Earlier mappings in a merge list win, as in YAML 1.1.
			for _, p := range d.pairs(item, path) {
				if !seen[p.key] {
					seen[p.key] = true
					out = append(out, p)
				}
			}
		}
		return out
	}
	d.add(v, path, "<< must merge a mapping or a list of mappings, not %s", describe(v))
	return nil
}

// fields returns the values of a mapping's known keys and reports unknown ones,
// suggesting the closest known key so that a typo is a one-line fix.
func (d *decoder) fields(n *yaml.Node, path string, known []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for _, p := range d.pairs(n, path) {
		// Top-level x- keys are ignored (as in Compose files) so that they
		// can hold anchors for the rest of the plan to alias.
		if path == "" && strings.HasPrefix(p.key, "x-") {
			continue
		}
		if !slices.Contains(known, p.key) {
			if s := closest(p.key, known); s != "" {
				d.add(p.keyNode, join(path, p.key), "unknown key; did you mean %q?", s)
			} else {
				d.add(p.keyNode, join(path, p.key), "unknown key; valid keys here: %s", strings.Join(known, ", "))
			}
			continue
		}
		out[p.key] = p.val
	}
	return out
}

// str decodes a scalar as a string. Numbers and booleans keep their source
// text, so `auditAccountId: 012345678901` stays "012345678901". Null decodes
// to "" (callers decide whether empty is allowed).
func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	n = d.resolve(n)
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		d.add(n, path, "must be a string, not %s", describe(n))
		return "", false
	}
	if n.ShortTag() == "!!null" {
		return "", true
	}
	return n.Value, true
}

// item is one string of a YAML list, with its node and its own path (which
// keeps the item's index in the file even when other items are rejected).
type item struct {
	Value string
	Node  *yaml.Node
	Path  string
}

// strList decodes a list of non-empty strings.
func (d *decoder) strList(n *yaml.Node, path string) []item {
	n = d.resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.add(n, path, "must be a list (for example [a, b]), not %s", describe(n))
		return nil
	}
	var out []item
	for i, in := range n.Content {
		p := index(path, i)
		s, ok := d.str(in, p)
		if !ok {
			continue
		}
		if s == "" {
			d.add(in, p, "is empty; remove it or fill it in")
			continue
		}
		out = append(out, item{Value: s, Node: d.resolve(in), Path: p})
	}
	return out
}

// strMap decodes a mapping of strings to strings, in file order.
func (d *decoder) strMap(n *yaml.Node, path string) []entry {
	var out []entry
	for _, p := range d.pairs(n, path) {
		v, ok := d.str(p.val, join(path, p.key))
		if !ok {
			continue
		}
		vn := d.resolve(p.val)
		if vn == nil {
			vn = p.keyNode
		}
		out = append(out, entry{Key: p.key, Value: v, KeyNode: p.keyNode, ValNode: vn})
	}
	return out
}

func (d *decoder) boolean(n *yaml.Node, path string) (bool, bool) {
	n = d.resolve(n)
	if n == nil {
		return false, false
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err == nil {
			return b, true
		}
	}
	d.add(n, path, "must be true or false, not %s", describe(n))
	return false, false
}

// join appends a mapping key to a path; keys that would make the path
// ambiguous are quoted: tags["team name"].
func join(path, key string) string {
	if !plainKey.MatchString(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// closest returns the known name closest to key, or "": the first of the
// closest, by the did-you-mean rule the whole project uses.
func closest(key string, known []string) string {
	if s := suggest.Closest(key, known); len(s) > 0 {
		return s[0]
	}
	return ""
}

// emptyList reports whether n is a list with no items ([]).
func (d *decoder) emptyList(n *yaml.Node) bool {
	n = d.resolve(n)
	return n != nil && n.Kind == yaml.SequenceNode && len(n.Content) == 0
}
