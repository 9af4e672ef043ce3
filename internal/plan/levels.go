package plan

import (
	"slices"
	"strings"
)

// Levels groups keys into stages that can run one after another, the keys
// within a stage in parallel: every key comes after the keys it depends on,
// directly or through products not in keys (so a narrowed run still keeps the
// plan's order). Within a stage keys keep plan order. Keys that are not
// products of the plan have no dependencies and land in the first stage;
// repeated keys are kept once.
func (pl *Plan) Levels(keys []string) [][]string {
	in := make(map[string]bool, len(keys))
	var unknown []string
	for _, k := range keys {
		if in[k] {
			continue
		}
		in[k] = true
		if _, ok := pl.byKey[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	// depth(k) is the number of keys (from the set) on the longest dependency
	// chain below k. Parse rejects cycles, so the recursion ends.
	depth := make(map[string]int, len(pl.Products))
	var walk func(p *Product) int
	walk = func(p *Product) int {
		if d, ok := depth[p.Key]; ok {
			return d
		}
		d := 0
		for _, dk := range p.DependsOn {
			dep := pl.byKey[dk]
			below := walk(dep)
			if in[dk] {
				below++
			}
			d = max(d, below)
		}
		depth[p.Key] = d
		return d
	}
	var levels [][]string
	for _, p := range pl.Products {
		if !in[p.Key] {
			continue
		}
		d := walk(p)
		for len(levels) <= d {
			levels = append(levels, nil)
		}
		levels[d] = append(levels[d], p.Key)
	}
	if len(unknown) > 0 {
		if len(levels) == 0 {
			levels = append(levels, nil)
		}
		levels[0] = append(levels[0], unknown...)
	}
	// Depths have no gaps by construction; compacting keeps that promise even
	// if the construction changes.
	return slices.DeleteFunc(levels, func(l []string) bool { return len(l) == 0 })
}

// Order returns every product key in an order where dependencies come first
// (the stages of Levels, concatenated).
func (pl *Plan) Order() []string {
	var out []string
	for _, l := range pl.Levels(pl.Keys()) {
		out = append(out, l...)
	}
	return out
}

// findCycles returns each dependency cycle once, as keys starting and ending
// with the cycle's first product in file order: [a b a].
func findCycles(pl *Plan) [][]string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var cycles [][]string
	seen := map[string]bool{}
	var visit func(p *Product)
	visit = func(p *Product) {
		color[p.Key] = grey
		stack = append(stack, p.Key)
		for _, dk := range p.DependsOn {
			dep, ok := pl.byKey[dk]
			if !ok {
				continue
			}
			switch color[dk] {
			case white:
				visit(dep)
			case grey:
				i := slices.Index(stack, dk)
				cycles = appendCycle(pl, cycles, seen, stack[i:])
			}
		}
		stack = stack[:len(stack)-1]
		color[p.Key] = black
	}
	for _, p := range pl.Products {
		if pl.byKey[p.Key] == p && color[p.Key] == white {
			visit(p)
		}
	}
	return cycles
}

// appendCycle rotates a cycle to start at its first product in file order, so
// the same cycle found from different starts is reported once.
func appendCycle(pl *Plan, cycles [][]string, seen map[string]bool, loop []string) [][]string {
	start := 0
	for i, k := range loop {
		if pl.byKey[k].index < pl.byKey[loop[start]].index {
			start = i
		}
	}
	c := append(slices.Clone(loop[start:]), loop[:start]...)
	c = append(c, c[0])
	id := strings.Join(c, " -> ")
	if seen[id] {
		return cycles
	}
	seen[id] = true
	return append(cycles, c)
}
