package engine

import (
	"context"
	"slices"
	"sort"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

func (e *Engine) resourceView(r *model.Resource, attrs bool) wire.ResourceView {
	st, _ := e.status(r)
	c := e.conf(r)
	v := wire.ResourceView{Name: r.Name, Type: r.Type.Name, Group: groupName(r), State: st.State.State.String(),
		Flags: st.State.Flags.Names(), Internal: st.Internal, Confidence: st.Confidence, Counters: st.Counters,
		ResourceInfo: st.ResourceInfo, Enabled: c.enabled(), Critical: c.critical()}
	if !st.LastMonitor.IsZero() {
		t := st.LastMonitor
		v.LastMonitor = &t
	}
	for _, c := range r.Requires {
		v.Requires = append(v.Requires, c.Name)
	}
	if attrs {
		v.Attributes = resourceAttrs(c)
	}
	return v
}

// resourceAttrs lists every attribute of the resource: the type's
// non-static ones, the common resource ones, then the static ones.
func resourceAttrs(r conf) []wire.AttrView {
	seen := map[string]bool{}
	var out []wire.AttrView
	add := func(d *model.AttrDef) {
		if seen[d.Name] {
			return
		}
		seen[d.Name] = true
		v, _ := r.Attr(d.Name)
		out = append(out, wire.AttrView{Name: d.Name, Kind: d.Kind.String(), Dim: d.Dim.String(),
			Static: d.Static, Values: nonNil(v.Elements())})
	}
	for _, n := range r.Type.Order {
		if d := r.Type.Attrs[n]; !d.Static {
			add(d)
		}
	}
	for _, n := range sortedNames(model.ResourceCatalogue) {
		add(model.ResourceCatalogue[n])
	}
	for _, a := range typeAttrs(r.Type) {
		if !seen[a.Name] {
			v, _ := r.Attr(a.Name)
			a.Values = nonNil(v.Elements())
			seen[a.Name] = true
			out = append(out, a)
		}
	}
	return out
}

// typeAttrs lists the type's static attributes with their type-level values.
func typeAttrs(t *model.Type) []wire.AttrView {
	names := map[string]*model.AttrDef{}
	for n, d := range model.Catalogue {
		names[n] = d
	}
	for n, d := range t.Attrs {
		if d.Static {
			names[n] = d
		}
	}
	var out []wire.AttrView
	for _, n := range sortedNames(names) {
		d := names[n]
		v, _ := t.StaticValue(n)
		out = append(out, wire.AttrView{Name: n, Kind: d.Kind.String(), Dim: d.Dim.String(), Static: true,
			Values: nonNil(v.Elements())})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (e *Engine) groupView(g *model.Group) wire.GroupView {
	gs := e.groupState(g)
	e.mu.Lock()
	intent := e.intent[g.Name]
	e.mu.Unlock()
	c := e.gconf(g)
	v := wire.GroupView{Name: g.Name, State: gs.State.String(), Flags: gs.Flags.Names(), Parallel: g.Parallel(), Enabled: c.Enabled(),
		Frozen: c.Attrs["Frozen"].Scalar == "1", TFrozen: c.Attrs["TFrozen"].Scalar == "1",
		AutoStart: c.Attrs["AutoStart"].Scalar != "0", Intent: intent, Resources: []wire.ResourceView{}}
	for _, kv := range g.SystemList() {
		v.SystemList = append(v.SystemList, kv.Key)
	}
	for _, d := range g.Requires {
		v.Requires = append(v.Requires, wire.GroupDepView{Group: d.Child, Category: d.Category,
			Location: d.Location, Rigidity: rigidity(d)})
	}
	rs := append([]*model.Resource(nil), g.Resources...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Name < rs[j].Name })
	for _, r := range rs {
		v.Resources = append(v.Resources, e.resourceView(r, false))
	}
	return v
}

// Status returns every group on this system with its resources.
func (e *Engine) Status() wire.StatusView {
	v := wire.StatusView{Cluster: e.topo().Cluster, System: e.o.System, Groups: e.Groups()}
	for _, g := range v.Groups {
		v.Counts.Groups++
		if g.Frozen || g.TFrozen {
			v.Counts.FrozenGroups++
		}
		if !g.Enabled {
			v.Counts.DisabledGroups++
		}
		if slices.Contains(g.Flags, state.GroupFaulted.String()) {
			v.Counts.FaultedGroups++
		}
		for _, r := range g.Resources {
			v.Counts.Resources++
			if r.State == state.Faulted.String() {
				v.Counts.FaultedResources++
			}
			if !r.Enabled {
				v.Counts.DisabledResources++
			}
		}
	}
	return v
}

// Groups lists the groups configured on this system.
func (e *Engine) Groups() []wire.GroupView {
	out := []wire.GroupView{}
	for _, n := range e.topo().GroupNames() {
		if g := e.topo().Groups[n]; e.onSystem(g) {
			out = append(out, e.groupView(g))
		}
	}
	return out
}

// Group returns one group.
func (e *Engine) Group(name string) (wire.GroupView, error) {
	g, err := e.group(name)
	if err != nil {
		return wire.GroupView{}, err
	}
	return e.groupView(g), nil
}

// Resources lists every resource.
func (e *Engine) Resources() []wire.ResourceView {
	out := []wire.ResourceView{}
	for _, n := range e.topo().ResourceNames() {
		out = append(out, e.resourceView(e.topo().Resources[n], false))
	}
	return out
}

// Resource returns one resource with all its attributes.
func (e *Engine) Resource(name string) (wire.ResourceView, error) {
	r, err := e.resource(name)
	if err != nil {
		return wire.ResourceView{}, err
	}
	return e.resourceView(r, true), nil
}

// Value returns the resolved value of one attribute of a resource.
func (e *Engine) Value(res, attr string) (wire.AttrView, error) {
	r, err := e.resource(res)
	if err != nil {
		return wire.AttrView{}, err
	}
	d, ok := attrDef(r, attr)
	if !ok {
		return wire.AttrView{}, errorf(ErrNotFound, "resource %q (type %s) has no attribute %q", res, r.Type.Name, attr)
	}
	v, _ := e.conf(r).Attr(attr)
	return wire.AttrView{Name: attr, Kind: d.Kind.String(), Dim: d.Dim.String(), Static: d.Static,
		Values: nonNil(v.Elements())}, nil
}

func attrDef(r *model.Resource, name string) (*model.AttrDef, bool) {
	if d, ok := r.Type.Attr(name); ok {
		return d, true
	}
	d, ok := model.ResourceCatalogue[name]
	return d, ok
}

// Types lists the types that have resources or are defined.
func (e *Engine) Types() []wire.TypeView {
	out := []wire.TypeView{}
	for _, n := range e.topo().TypeNames() {
		out = append(out, e.typeView(e.topo().Types[n], false))
	}
	return out
}

// Type returns one type with its resolved static attributes.
func (e *Engine) Type(name string) (wire.TypeView, error) {
	t, ok := e.topo().Types[name]
	if !ok {
		return wire.TypeView{}, notFound("type", name)
	}
	return e.typeView(t, true), nil
}

func (e *Engine) typeView(t *model.Type, attrs bool) wire.TypeView {
	v := wire.TypeView{Name: t.Name, Resources: []string{}}
	for _, r := range e.topo().ResourcesOfType(t.Name) {
		v.Resources = append(v.Resources, r.Name)
	}
	if attrs {
		v.Attributes = typeAttrs(t)
		for _, n := range t.Order {
			if d := t.Attrs[n]; !d.Static {
				v.Attributes = append(v.Attributes, wire.AttrView{Name: n, Kind: d.Kind.String(),
					Dim: d.Dim.String(), Values: nonNil(d.Default.Elements())})
			}
		}
	}
	return v
}

// Probe asks the agent to monitor a resource now.
func (e *Engine) Probe(name string) error { return e.simple(name, "probe", Agent.Probe) }

// Clear clears a FAULTED resource (and its group's fault flag) and returns
// once the re-probe the clear starts has reported (waitCleared).
func (e *Engine) Clear(name string) error {
	if err := e.simple(name, "clear", Agent.Clear); err != nil {
		return err
	}
	r, _ := e.resource(name)
	if r.Group != nil {
		e.clearGroupFault(r.Group.Name)
	}
	e.waitCleared(r)
	return nil
}

// RefreshInfo runs the info entry point of a resource now.
func (e *Engine) RefreshInfo(name string) error {
	return e.simple(name, "refreshinfo", Agent.RefreshInfo)
}

func (e *Engine) simple(name, verb string, f func(Agent, string) error) error {
	r, err := e.resource(name)
	if err != nil {
		return err
	}
	a, err := e.agentOf(r)
	if err != nil {
		return err
	}
	if err := f(a, name); err != nil {
		return errorf(ErrConflict, "%w", err) // the agent's message names the request
	}
	return nil
}

// Action runs the action entry point with a token and arguments.
func (e *Engine) Action(ctx context.Context, name, token string, args []string) (ep.Result, error) {
	r, err := e.resource(name)
	if err != nil {
		return ep.Result{}, err
	}
	if token == "" {
		return ep.Result{}, errorf(ErrInvalid, "action on resource %q: no action token given", name)
	}
	a, err := e.agentOf(r)
	if err != nil {
		return ep.Result{}, err
	}
	res, err := a.Action(ctx, name, token, args)
	if err != nil {
		return res, errorf(ErrConflict, "%w", err) // the agent's message names the action
	}
	return res, nil
}
