package model

import "strings"

// resourceCycles reports each dependency cycle once, at the link that
// closes it.
func (v *validator) resourceCycles() {
	const (
		white = iota
		grey
		black
	)
	color := map[*Resource]int{}
	var stack []*Resource
	var visit func(r *Resource)
	visit = func(r *Resource) {
		color[r] = grey
		stack = append(stack, r)
		for i, c := range r.Requires {
			switch color[c] {
			case white:
				visit(c)
			case grey:
				p := r.Pos
				if i < len(r.RequirePos) {
					p = r.RequirePos[i]
				}
				v.errorf(p, "dependency cycle: %s", cyclePath(stack, c, func(x *Resource) string { return x.Name }))
			}
		}
		stack = stack[:len(stack)-1]
		color[r] = black
	}
	for _, n := range v.c.ResourceNames() {
		if r := v.c.Resources[n]; color[r] == white {
			visit(r)
		}
	}
}

// groupCycles reports each group dependency cycle once.
func (v *validator) groupCycles() {
	color := map[string]int{}
	var stack []string
	var visit func(g *Group)
	visit = func(g *Group) {
		color[g.Name] = 1
		stack = append(stack, g.Name)
		for _, d := range g.Requires {
			c := v.c.Groups[d.Child]
			if c == nil || c == g {
				continue
			}
			switch color[c.Name] {
			case 0:
				visit(c)
			case 1:
				v.errorf(d.Pos, "group dependency cycle: %s", cyclePath(stack, c.Name, func(x string) string { return x }))
			}
		}
		stack = stack[:len(stack)-1]
		color[g.Name] = 2
	}
	for _, n := range v.c.GroupNames() {
		if color[n] == 0 {
			visit(v.c.Groups[n])
		}
	}
}

// cyclePath renders the part of stack from start, closed by start again.
func cyclePath[T comparable](stack []T, start T, name func(T) string) string {
	var parts []string
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i] == start {
			for _, x := range stack[i:] {
				parts = append(parts, name(x))
			}
			break
		}
	}
	parts = append(parts, name(start))
	return strings.Join(parts, " requires ")
}
