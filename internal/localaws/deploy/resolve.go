package deploy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// resolver evaluates CloudFormation intrinsic functions against a
// deployment's pseudo parameters and the physical IDs and attributes of its
// resources. It knows the intrinsics CDK emits for the resources the
// emulator models; anything else is an error naming where it appeared, so a
// new construct shape fails the proof loudly instead of being skipped.
type resolver struct {
	pseudo    map[string]string            // AWS::Region, AWS::AccountId, ...
	refs      map[string]string            // logical ID -> Ref value
	attrs     map[string]map[string]string // logical ID -> attribute -> value
	refused   map[string]map[string]string // logical ID -> attribute -> why it is not modelled
	condition map[string]bool              // condition name -> value
}

// value resolves v (a decoded JSON value) to plain JSON: strings, numbers,
// booleans, lists and maps with no intrinsic left.
func (r *resolver) value(v any, path string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			for k, arg := range t {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					return r.intrinsic(k, arg, path)
				}
			}
		}
		out := make(map[string]any, len(t))
		for _, k := range sortedKeys(t) {
			rv, err := r.value(t[k], path+"."+k)
			if err != nil {
				return nil, err
			}
			if rv == noValue { // the property is left out, as CloudFormation does
				continue
			}
			out[k] = rv
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(t))
		for i, e := range t {
			rv, err := r.value(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			if rv == noValue {
				continue
			}
			out = append(out, rv)
		}
		return out, nil
	default:
		return v, nil
	}
}

// noValue is what AWS::NoValue resolves to: the element is dropped.
var noValue = &struct{ name string }{"AWS::NoValue"}

func (r *resolver) intrinsic(name string, arg any, path string) (any, error) {
	switch name {
	case "Ref":
		return r.ref(arg, path)
	case "Fn::GetAtt":
		return r.getAtt(arg, path)
	case "Fn::Join":
		return r.join(arg, path)
	case "Fn::Sub":
		return r.sub(arg, path)
	case "Fn::Select":
		return r.selectFn(arg, path)
	case "Fn::Split":
		return r.split(arg, path)
	case "Fn::If":
		return r.ifFn(arg, path)
	}
	return nil, fmt.Errorf("%s: intrinsic %s is not supported by the local deployment (supported: Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If)", path, name)
}

func (r *resolver) ref(arg any, path string) (any, error) {
	name, ok := arg.(string)
	if !ok {
		return nil, fmt.Errorf("%s: Ref takes a logical ID or pseudo parameter, got %s", path, compact(arg))
	}
	if name == "AWS::NoValue" {
		return noValue, nil
	}
	if v, ok := r.pseudo[name]; ok {
		return v, nil
	}
	if v, ok := r.refs[name]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("%s: Ref %s names no resource the local deployment models and no pseudo parameter", path, name)
}

func (r *resolver) getAtt(arg any, path string) (any, error) {
	var resource, attr string
	switch t := arg.(type) {
	case []any:
		if len(t) == 2 {
			resource, _ = t[0].(string)
			attr, _ = t[1].(string)
		}
	case string:
		resource, attr, _ = strings.Cut(t, ".")
	}
	if resource == "" || attr == "" {
		return nil, fmt.Errorf("%s: Fn::GetAtt takes [LogicalId, Attribute], got %s", path, compact(arg))
	}
	if v, ok := r.attrs[resource][attr]; ok {
		return v, nil
	}
	if why, ok := r.refused[resource][attr]; ok {
		return nil, fmt.Errorf("%s: Fn::GetAtt %s.%s: %s", path, resource, attr, why)
	}
	return nil, fmt.Errorf("%s: Fn::GetAtt %s.%s: the local deployment does not model that attribute", path, resource, attr)
}

func (r *resolver) join(arg any, path string) (any, error) {
	parts, ok := arg.([]any)
	if !ok || len(parts) != 2 {
		return nil, fmt.Errorf("%s: Fn::Join takes [delimiter, [values]], got %s", path, compact(arg))
	}
	sep, ok := parts[0].(string)
	if !ok {
		return nil, fmt.Errorf("%s: Fn::Join delimiter must be a string", path)
	}
	list, err := r.value(parts[1], path+".Fn::Join")
	if err != nil {
		return nil, err
	}
	items, ok := list.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: Fn::Join values must be a list, got %s", path, compact(list))
	}
	strs := make([]string, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, fmt.Errorf("%s: Fn::Join value %d is not a string: %s", path, i, compact(it))
		}
		strs[i] = s
	}
	return strings.Join(strs, sep), nil
}

// sub resolves Fn::Sub in both forms: "text ${Name} ${Res.Attr}" and
// ["text ${Var}", {Var: value}].
func (r *resolver) sub(arg any, path string) (any, error) {
	text, vars := "", map[string]string{}
	switch t := arg.(type) {
	case string:
		text = t
	case []any:
		if len(t) != 2 {
			return nil, fmt.Errorf("%s: Fn::Sub takes a string or [string, {variables}]", path)
		}
		text, _ = t[0].(string)
		m, ok := t[1].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: Fn::Sub variables must be a map", path)
		}
		for k, v := range m {
			rv, err := r.value(v, path+".Fn::Sub."+k)
			if err != nil {
				return nil, err
			}
			s, ok := rv.(string)
			if !ok {
				return nil, fmt.Errorf("%s: Fn::Sub variable %s is not a string", path, k)
			}
			vars[k] = s
		}
	default:
		return nil, fmt.Errorf("%s: Fn::Sub takes a string or [string, {variables}]", path)
	}
	var b strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		b.WriteString(text[:i])
		j := strings.Index(text[i:], "}")
		if j < 0 {
			return nil, fmt.Errorf("%s: Fn::Sub has an unclosed ${", path)
		}
		name := text[i+2 : i+j]
		text = text[i+j+1:]
		if strings.HasPrefix(name, "!") { // ${!Literal} is the literal ${Literal}
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		v, err := r.subVar(name, vars, path)
		if err != nil {
			return nil, err
		}
		b.WriteString(v)
	}
}

func (r *resolver) subVar(name string, vars map[string]string, path string) (string, error) {
	if v, ok := vars[name]; ok {
		return v, nil
	}
	var v any
	var err error
	if res, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
		v, err = r.getAtt([]any{res, attr}, path)
	} else {
		v, err = r.ref(name, path)
	}
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: Fn::Sub ${%s} is not a string", path, name)
	}
	return s, nil
}

func (r *resolver) selectFn(arg any, path string) (any, error) {
	parts, ok := arg.([]any)
	if !ok || len(parts) != 2 {
		return nil, fmt.Errorf("%s: Fn::Select takes [index, list]", path)
	}
	idx, err := r.value(parts[0], path+".Fn::Select[0]")
	if err != nil {
		return nil, err
	}
	var n int
	switch t := idx.(type) {
	case float64:
		n = int(t)
	case string:
		if _, err := fmt.Sscanf(t, "%d", &n); err != nil {
			return nil, fmt.Errorf("%s: Fn::Select index %q is not a number", path, t)
		}
	default:
		return nil, fmt.Errorf("%s: Fn::Select index is not a number", path)
	}
	list, err := r.value(parts[1], path+".Fn::Select[1]")
	if err != nil {
		return nil, err
	}
	items, ok := list.([]any)
	if !ok || n < 0 || n >= len(items) {
		return nil, fmt.Errorf("%s: Fn::Select index %d out of range of %s", path, n, compact(list))
	}
	return items[n], nil
}

func (r *resolver) split(arg any, path string) (any, error) {
	parts, ok := arg.([]any)
	if !ok || len(parts) != 2 {
		return nil, fmt.Errorf("%s: Fn::Split takes [delimiter, string]", path)
	}
	sep, _ := parts[0].(string)
	v, err := r.value(parts[1], path+".Fn::Split")
	if err != nil {
		return nil, err
	}
	s, ok := v.(string)
	if !ok || sep == "" {
		return nil, fmt.Errorf("%s: Fn::Split takes a non-empty delimiter and a string", path)
	}
	var out []any
	for _, p := range strings.Split(s, sep) {
		out = append(out, p)
	}
	return out, nil
}

func (r *resolver) ifFn(arg any, path string) (any, error) {
	parts, ok := arg.([]any)
	if !ok || len(parts) != 3 {
		return nil, fmt.Errorf("%s: Fn::If takes [condition, then, else]", path)
	}
	name, _ := parts[0].(string)
	cond, ok := r.condition[name]
	if !ok {
		return nil, fmt.Errorf("%s: Fn::If condition %q is not a condition the local deployment evaluated", path, name)
	}
	if cond {
		return r.value(parts[1], path+".Fn::If[1]")
	}
	return r.value(parts[2], path+".Fn::If[2]")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// compact renders v for an error message, cut to a readable length.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}
