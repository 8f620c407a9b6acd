package engine

import (
	"fmt"
	"sort"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// FreezeGroup freezes a group (hagrp -freeze): its resources are still
// monitored and their states reported, but the engine and the agents take
// no online, offline, clean or restart action on them. persistent sets
// Frozen (saved in main.cf); otherwise TFrozen, which is never written and
// is gone after a daemon restart. A running operation of the group is
// cancelled.
func (e *Engine) FreezeGroup(name string, persistent bool) error {
	return e.setFrozen(name, persistent, true)
}

// UnfreezeGroup unfreezes a group (hagrp -unfreeze). A group frozen
// persistently needs persistent, as in VCS.
func (e *Engine) UnfreezeGroup(name string, persistent bool) error {
	return e.setFrozen(name, persistent, false)
}

func (e *Engine) setFrozen(name string, persistent, on bool) error {
	verb := map[bool]string{true: "freeze", false: "unfreeze"}[on]
	what := fmt.Sprintf("%s group %q", verb, name)
	g, err := e.group(name)
	if err != nil {
		return err
	}
	attr := map[bool]string{true: "Frozen", false: "TFrozen"}[persistent]
	cur := e.gconf(g)
	if !on && !persistent && cur.Attrs["Frozen"].Scalar == "1" {
		return errorfWhat(ErrConflict, what, "it is frozen persistently; use --persistent")
	}
	if err := e.freezePlaced(g, on); err != nil {
		return errorf(ErrConflict, "%s: %w", what, err)
	}
	if cur.Attrs[attr].Scalar == map[bool]string{true: "1", false: "0"}[on] ||
		(!on && cur.Attrs[attr].Scalar == "") {
		return nil // already so
	}
	e.modifyMu.Lock()
	next, err := e.changeLocked(what, persistent, func(next *model.Config) error {
		ng := next.Groups[name]
		if on {
			ng.Attrs[attr] = model.IntValue(1)
		} else {
			delete(ng.Attrs, attr)
		}
		return nil
	})
	e.modifyMu.Unlock()
	if err != nil {
		e.freezePlaced(g, !on) // undo the cluster's record, best effort
		return err
	}
	if on {
		e.mu.Lock()
		if run := e.groups[name]; run != nil && run.cancel != nil {
			run.cancel(errorf(ErrConflict, "group %q was frozen", name))
		}
		e.mu.Unlock()
	}
	e.publish(events.Event{Kind: events.KindAttr, Group: name, Cause: "admin",
		Detail: fmt.Sprintf("%s = %d", attr, map[bool]int{true: 1, false: 0}[on])})
	e.updateGroup(next.Groups[name], attr)
	return nil
}

// updateGroup tells the agents that an attribute of group g (a snapshot's)
// changed for every resource of g.
func (e *Engine) updateGroup(g *model.Group, attr string) {
	for _, r := range g.Resources {
		e.mu.Lock()
		a := e.agents[r.Type.Name]
		e.mu.Unlock()
		if a != nil {
			a.Update(r, []string{attr}) // a resource the agent does not have is not an error here
		}
	}
	e.wake()
}

// EnableGroup sets the group attribute Enabled (hagrp -enable / -disable):
// a disabled group cannot be brought online, by an administrator or
// AutoStart. The change is saved in main.cf.
func (e *Engine) EnableGroup(name string, on bool) error {
	what := fmt.Sprintf("%s group %q", map[bool]string{true: "enable", false: "disable"}[on], name)
	g, err := e.group(name)
	if err != nil {
		return err
	}
	if e.gconf(g).Enabled() == on {
		return nil
	}
	_, err = e.change(what, func(next *model.Config) error {
		if on {
			delete(next.Groups[name].Attrs, "Enabled")
		} else {
			next.Groups[name].Attrs["Enabled"] = model.IntValue(0)
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.publish(events.Event{Kind: events.KindAttr, Group: name, Cause: "admin",
		Detail: fmt.Sprintf("Enabled = %d", map[bool]int{true: 1, false: 0}[on])})
	return nil
}

// FlushGroup cancels the running online or offline of a group (hagrp
// -flush): nothing more is commanded; entry points already running finish
// and their resources settle where they get to. The caller of the cancelled
// operation is told it was flushed.
func (e *Engine) FlushGroup(name string) error {
	if _, err := e.group(name); err != nil {
		return err
	}
	e.mu.Lock()
	run := e.groups[name]
	op := ""
	if run != nil && run.cancel != nil {
		op = run.op
		run.cancel(errorf(ErrConflict, "group %q was flushed", name))
	}
	e.mu.Unlock()
	if op != "" {
		e.publish(events.Event{Kind: events.KindEngine, Group: name, Cause: "admin", Detail: "flushed: pending " + op + " cancelled"})
	}
	return nil
}

// ClearGroup clears every FAULTED or ADMIN_WAIT resource of a group and the
// group's fault (hagrp -clear), and returns once their re-probes reported.
func (e *Engine) ClearGroup(name string) error {
	g, err := e.group(name)
	if err != nil {
		return err
	}
	var cleared []*model.Resource
	for _, r := range g.Resources {
		st, ok := e.status(r)
		if !ok || (st.State.State != state.Faulted && !st.State.Flags.Has(state.AdminWait)) {
			continue
		}
		a, err := e.agentOf(r)
		if err != nil {
			continue
		}
		if err := a.Clear(r.Name); err != nil {
			return errorf(ErrConflict, "clear group %q: %w", name, err)
		}
		cleared = append(cleared, r)
	}
	e.clearGroupFault(name)
	for _, r := range cleared {
		e.waitCleared(r)
	}
	return nil
}

// ResourceDeps returns what a resource requires and what requires it,
// directly and transitively (hares -dep).
func (e *Engine) ResourceDeps(name string) (wire.DepsView, error) {
	r, err := e.resource(name)
	if err != nil {
		return wire.DepsView{}, err
	}
	v := wire.DepsView{Name: name, Requires: []string{}, RequiredBy: []string{}, AllRequires: []string{}, AllRequiredBy: []string{}}
	for _, c := range r.Requires {
		v.Requires = append(v.Requires, c.Name)
	}
	for _, p := range parents(r) {
		v.RequiredBy = append(v.RequiredBy, p.Name)
	}
	for _, a := range ancestors(r) {
		v.AllRequiredBy = append(v.AllRequiredBy, a.Name)
	}
	seen := map[string]bool{}
	var walk func(*model.Resource)
	walk = func(x *model.Resource) {
		for _, c := range x.Requires {
			if !seen[c.Name] {
				seen[c.Name] = true
				walk(c)
			}
		}
	}
	walk(r)
	v.AllRequires = sortedNames(seen)
	sort.Strings(v.Requires)
	return v, nil
}

// GroupDeps returns the groups a group requires and the groups that
// require it, with each dependency (hagrp -dep).
func (e *Engine) GroupDeps(name string) (wire.GroupDepsView, error) {
	g, err := e.group(name)
	if err != nil {
		return wire.GroupDepsView{}, err
	}
	v := wire.GroupDepsView{Name: name, Requires: []wire.GroupDepView{}, RequiredBy: []wire.GroupDepView{}}
	for _, d := range g.Requires {
		v.Requires = append(v.Requires, wire.GroupDepView{Group: d.Child, Category: d.Category,
			Location: d.Location, Rigidity: rigidity(d)})
	}
	for _, l := range dependents(e.topo(), name) {
		v.RequiredBy = append(v.RequiredBy, wire.GroupDepView{Group: l.Parent, Category: l.Dep.Category,
			Location: l.Dep.Location, Rigidity: rigidity(l.Dep)})
	}
	return v, nil
}

// checkNotFrozen refuses an action on a frozen group.
func (e *Engine) checkNotFrozen(g *model.Group, what string) error {
	if g != nil && e.frozen(g) {
		return errorf(ErrConflict, "%s: group %q is frozen (vigil grp unfreeze %s)", what, g.Name, g.Name)
	}
	return nil
}
