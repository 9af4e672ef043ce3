package localaws

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var (
	worldType    = reflect.TypeFor[World]()
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	unmarshaler  = reflect.TypeFor[yaml.Unmarshaler]()
)

// locator maps paths of a world file to lines, so errors can say where.
type locator struct {
	// lines is the line of each path (for mapping members, the key's line).
	lines map[string]int
	// leaves lists, per line, the paths whose values (scalars, or nodes of
	// the wrong kind) start there: yaml.v3 type errors name those lines.
	leaves map[int][]string
}

func newLocator() *locator {
	return &locator{lines: map[string]int{}, leaves: map[int][]string{}}
}

// walk walks a decoded YAML tree alongside the Go type it will be decoded
// into, recording the lines of paths and reporting keys the type does not
// have. yaml.v3's own unknown-field errors name a Go type and a line; these
// name the path and the keys allowed there.
func (loc *locator) walk(n *yaml.Node, t reflect.Type, path string, report func(line int, path, msg string)) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if _, seen := loc.lines[path]; !seen {
		loc.lines[path] = n.Line
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType || t == durationType || reflect.PointerTo(t).Implements(unmarshaler) {
		loc.leaves[n.Line] = append(loc.leaves[n.Line], path)
		// yaml.v3 reports a bad timestamp without its line: check it here.
		var tm time.Time
		if t == timeType && n.Kind == yaml.ScalarNode && n.Tag != "!!null" && n.Decode(&tm) != nil {
			report(n.Line, path, fmt.Sprintf("%q is not a time; use RFC 3339, e.g. 2026-01-01T00:00:00Z", n.Value))
		}
		return
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			child := joinPath(path, key.Value)
			loc.lines[child] = key.Line
			f, ok := fields[key.Value]
			if !ok {
				report(key.Line, child, fmt.Sprintf("unknown key %q; allowed here: %s", key.Value, strings.Join(sortedKeys(fields), ", ")))
				continue
			}
			loc.walk(value, f, child, report)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			loc.walk(item, t.Elem(), path+"["+strconv.Itoa(i)+"]", report)
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			child := joinPath(path, n.Content[i].Value)
			loc.lines[child] = n.Content[i].Line
			loc.walk(n.Content[i+1], t.Elem(), child, report)
		}
	default:
		loc.leaves[n.Line] = append(loc.leaves[n.Line], path)
	}
}

// yamlFields maps the YAML keys of a struct type to their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-":
			continue
		case strings.Contains(opts, "inline"):
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		case name == "":
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func sortedKeys(m map[string]reflect.Type) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// lineOf returns the line of path, or of its nearest ancestor that has one.
func (loc *locator) lineOf(path string) (int, bool) {
	for path != "" {
		if l, ok := loc.lines[path]; ok && l > 0 {
			return l, true
		}
		cut := max(strings.LastIndexByte(path, '.'), strings.LastIndexByte(path, '['))
		if cut < 0 {
			break
		}
		path = path[:cut]
	}
	return 0, false
}

// locate prefixes each validation problem ("<path>: <problem>") with the
// file name and the line of its path.
func (loc *locator) locate(err error, name string) error {
	var out []error
	for _, e := range flatten(err) {
		msg := e.Error()
		path, _, _ := strings.Cut(msg, ": ")
		if l, ok := loc.lineOf(path); ok {
			out = append(out, fmt.Errorf("%s:%d: %w", name, l, e))
		} else {
			out = append(out, fmt.Errorf("%s: %w", name, e))
		}
	}
	return errors.Join(out...)
}

var decodeLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// locateDecodeError rewrites yaml.v3 type errors ("line 12: cannot unmarshal
// !!str `abc` into int") as "<name>:12: <path>: cannot unmarshal ...".
func (loc *locator) locateDecodeError(err error, name string) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("%s: %w", name, err)
	}
	var out []error
	for _, msg := range te.Errors {
		m := decodeLine.FindStringSubmatch(msg)
		if m == nil {
			out = append(out, fmt.Errorf("%s: %s", name, msg))
			continue
		}
		l, _ := strconv.Atoi(m[1])
		if p, ok := loc.pathAt(l); ok {
			out = append(out, fmt.Errorf("%s:%d: %s: %s", name, l, p, m[2]))
		} else {
			out = append(out, fmt.Errorf("%s:%d: %s", name, l, m[2]))
		}
	}
	return errors.Join(out...)
}

// pathAt returns the path of the value starting on line l: the only one, or
// the nearest common ancestor when a flow mapping puts several on one line.
func (loc *locator) pathAt(l int) (string, bool) {
	paths := loc.leaves[l]
	if len(paths) == 0 {
		return "", false
	}
	common := paths[0]
	for _, p := range paths[1:] {
		common = commonPath(common, p)
	}
	return common, common != ""
}

// commonPath returns the longest path that is an ancestor of (or equal to)
// both a and b.
func commonPath(a, b string) string {
	for a != "" && b != a && !strings.HasPrefix(b, a+".") && !strings.HasPrefix(b, a+"[") {
		cut := max(strings.LastIndexByte(a, '.'), strings.LastIndexByte(a, '['))
		if cut < 0 {
			return ""
		}
		a = a[:cut]
	}
	return a
}
