package engine

import (
	"fmt"
	"sort"

	"github.com/vigil-ha/vigil/framework/model"
)

// operations is a type's Operations value: which of online and offline the
// engine may command.
type operations uint8

// Operations values of a type.
const (
	opsOnOff operations = iota
	opsOnOnly
	opsNone
)

// String returns the value as written in types.cf.
func (o operations) String() string {
	switch o {
	case opsOnOnly:
		return "OnOnly"
	case opsNone:
		return "None"
	}
	return "OnOff"
}

// parents returns the resources of the same group that require r, sorted.
func parents(r *model.Resource) []*model.Resource {
	var out []*model.Resource
	if r.Group == nil {
		return nil
	}
	for _, p := range r.Group.Resources {
		for _, c := range p.Requires {
			if c == r {
				out = append(out, p)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ancestors returns every resource that depends on r directly or through
// others (the resources a fault of r takes down), sorted by name.
func ancestors(r *model.Resource) []*model.Resource {
	seen := map[*model.Resource]bool{}
	var walk func(*model.Resource)
	walk = func(x *model.Resource) {
		for _, p := range parents(x) {
			if !seen[p] {
				seen[p] = true
				walk(p)
			}
		}
	}
	walk(r)
	out := make([]*model.Resource, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// faultTakesGroup reports whether a fault of r faults its whole group: r or
// any resource depending on it is Critical.
func (e *Engine) faultTakesGroup(r *model.Resource) bool {
	if e.conf(r).critical() {
		return true
	}
	for _, a := range ancestors(r) {
		if c := e.conf(a); c.enabled() && c.critical() {
			return true
		}
	}
	return false
}

// groupOrder returns the groups in an order where every group comes after
// the groups it requires (children first); it fails on a cycle.
func groupOrder(cfg *model.Config) ([]string, error) {
	const (
		unseen = iota
		visiting
		done
	)
	mark := map[string]int{}
	var out []string
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		switch mark[name] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("group dependency cycle: %v", append(path, name))
		}
		mark[name] = visiting
		g := cfg.Groups[name]
		if g != nil {
			deps := append([]model.GroupDep(nil), g.Requires...)
			sort.Slice(deps, func(i, j int) bool { return deps[i].Child < deps[j].Child })
			for _, d := range deps {
				if _, ok := cfg.Groups[d.Child]; !ok {
					continue
				}
				if err := visit(d.Child, append(path, name)); err != nil {
					return err
				}
			}
		}
		mark[name] = done
		out = append(out, name)
		return nil
	}
	for _, name := range cfg.GroupNames() {
		if err := visit(name, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dependents returns, for group name, the groups that require it, with the
// dependency each declares, sorted by parent name.
func dependents(cfg *model.Config, name string) []groupLink {
	var out []groupLink
	for _, pn := range cfg.GroupNames() {
		for _, d := range cfg.Groups[pn].Requires {
			if d.Child == name {
				out = append(out, groupLink{Parent: pn, Dep: d})
			}
		}
	}
	return out
}

// groupLink is one group dependency seen from the child's side.
type groupLink struct {
	Parent string
	Dep    model.GroupDep
}

// rigidity returns the dependency's rigidity, "firm" when not written (the
// VCS default for online dependencies).
func rigidity(d model.GroupDep) string {
	if d.Rigidity == "" {
		return "firm"
	}
	return d.Rigidity
}

func depString(d model.GroupDep) string {
	return d.Category + " " + d.Location + " " + rigidity(d)
}
