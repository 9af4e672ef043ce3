package deploy

import "fmt"

// evalConditions evaluates a template's Conditions section: Fn::Equals,
// Fn::And, Fn::Or, Fn::Not and Condition references, over resolved values.
func evalConditions(defs map[string]any, r *resolver) (map[string]bool, error) {
	out := map[string]bool{}
	visiting := map[string]bool{}
	var eval func(name string) (bool, error)
	var expr func(v any, path string) (bool, error)
	eval = func(name string) (bool, error) {
		if v, ok := out[name]; ok {
			return v, nil
		}
		def, ok := defs[name]
		if !ok {
			return false, fmt.Errorf("condition %s is referenced but not defined under Conditions", name)
		}
		if visiting[name] {
			return false, fmt.Errorf("condition %s refers to itself", name)
		}
		visiting[name] = true
		v, err := expr(def, "Conditions."+name)
		if err != nil {
			return false, err
		}
		out[name] = v
		return v, nil
	}
	expr = func(v any, path string) (bool, error) {
		m, ok := v.(map[string]any)
		if !ok || len(m) != 1 {
			return false, fmt.Errorf("%s: a condition is one of Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition", path)
		}
		for op, arg := range m {
			args, _ := arg.([]any)
			switch op {
			case "Condition":
				name, _ := arg.(string)
				return eval(name)
			case "Fn::Equals":
				if len(args) != 2 {
					return false, fmt.Errorf("%s: Fn::Equals takes two values", path)
				}
				a, err := r.value(args[0], path)
				if err != nil {
					return false, err
				}
				b, err := r.value(args[1], path)
				if err != nil {
					return false, err
				}
				return str(a) == str(b), nil
			case "Fn::Not":
				if len(args) != 1 {
					return false, fmt.Errorf("%s: Fn::Not takes one condition", path)
				}
				x, err := expr(args[0], path)
				return !x, err
			case "Fn::And", "Fn::Or":
				want := op == "Fn::Or"
				for _, a := range args {
					x, err := expr(a, path)
					if err != nil {
						return false, err
					}
					if x == want {
						return want, nil
					}
				}
				return !want, nil
			}
			return false, fmt.Errorf("%s: %s is not a condition function", path, op)
		}
		return false, nil
	}
	r.condition = out
	for name := range defs {
		if _, err := eval(name); err != nil {
			return nil, err
		}
	}
	return out, nil
}
