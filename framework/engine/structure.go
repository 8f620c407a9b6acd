package engine

import (
	"fmt"
	"maps"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// The engine follows two configurations, both immutable snapshots:
//
//   - snap (conf.go), the configuration in force, replaced by every change:
//     attribute values are read from it (e.conf(r), e.gconf(g));
//   - structure, the configuration whose names, groups and dependencies
//     the engine walks (e.topo()): group walks, fault propagation, views,
//     the tallies. It is replaced only by a structural change (a resource or
//     group added or deleted, a link added or removed), together with the
//     tallies of the groups that change, by restructure.
//
// A structural change (AddResource, DeleteResource, Link, Unlink, AddGroup,
// DeleteGroup) goes through change (validated as `vigil check` would, main.cf
// dumped, snapshot published), then restructure, all under modifyMu:
//
//	change(edit) ──▶ snap.Store(next)
//	restructure(next, groups):
//	  e.mu: cancel the operations of those groups; structure.Store(next)
//	  tallies: copy of the map, a new tally for each of those groups (built
//	           from next, its last published group state carried over)
//	  recount those groups from the agents (an event that raced the swap
//	           updated the old tally; the recount reads the agents after the
//	           swap, so the new tally holds their current state)
//	then the agents: Add (new resource; a new type gets its agent) or Remove
//
// Operations of other groups go on undisturbed: their walks hold entries of
// tallies that are kept as they are.

// topo returns the configuration whose structure the engine follows.
func (e *Engine) topo() *model.Config { return e.structure.Load() }

// tally returns the tally of group name, nil for a group the engine does
// not know.
func (e *Engine) tally(name string) *groupTally { return (*e.tallies.Load())[name] }

// gconf returns group g as the configuration in force holds it: its
// attributes (Enabled, Frozen, TFrozen, AutoStart) may have changed since
// the structure was taken.
func (e *Engine) gconf(g *model.Group) *model.Group {
	if c := e.snap.Load().Groups[g.Name]; c != nil {
		return c
	}
	return g
}

// frozen reports whether group g is frozen (Frozen or TFrozen).
func (e *Engine) frozen(g *model.Group) bool { return e.gconf(g).Frozen() }

// restructure makes next (already published) the structure the engine
// follows, for groups, the groups a structural change added, changed or
// deleted. It holds modifyMu (through the caller).
func (e *Engine) restructure(next *model.Config, groups []string, cause string) {
	why := errorf(ErrConflict, "the configuration of the group changed (%s)", cause)
	e.mu.Lock()
	for _, g := range groups {
		if next.Groups[g] == nil {
			continue // deleted: its groupRun stays, idle, in case it comes back
		}
		run := e.groups[g]
		if run == nil {
			e.groups[g] = &groupRun{}
			continue
		}
		if run.cancel != nil {
			run.cancel(why)
		}
	}
	e.structure.Store(next)
	e.mu.Unlock()

	old := *e.tallies.Load()
	m := maps.Clone(old)
	for _, g := range groups {
		ng := next.Groups[g]
		if ng == nil {
			delete(m, g)
			continue
		}
		t := newTally(ng)
		if o := old[g]; o != nil {
			o.mu.Lock()
			t.published = o.published
			o.mu.Unlock()
		}
		m[g] = t
	}
	e.tallies.Store(&m)
	for _, g := range groups {
		ng, t := next.Groups[g], m[g]
		if ng == nil {
			continue
		}
		t.mu.Lock()
		for _, r := range ng.Resources {
			t.set(r.Name, classOf(e.conf(r)))
			e.read(t, r)
		}
		e.settle(ng, t, cause)
		t.mu.Unlock()
	}
	e.wake()
}

// structural runs a structural change: edit on a clone of the snapshot,
// validated, dumped and published (changeLocked), then restructure for the
// groups it names, all under modifyMu.
func (e *Engine) structural(what string, edit func(next *model.Config) ([]string, error)) (*model.Config, error) {
	e.modifyMu.Lock()
	defer e.modifyMu.Unlock()
	var touched []string
	next, err := e.changeLocked(what, true, func(next *model.Config) error {
		var err error
		touched, err = edit(next)
		return err
	})
	if err != nil {
		return nil, err
	}
	e.restructure(next, touched, "admin")
	return next, nil
}

// idle returns an error when group g runs an operation: a structural change
// of a group waits for its operation to end (or for vigil grp flush).
func (e *Engine) idle(g, what string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if run := e.groups[g]; run != nil && run.op != "" {
		return errorf(ErrConflict, "%s: group %q is going %s; wait for it or flush it (vigil grp flush %s)", what, g, run.op, g)
	}
	return nil
}

// publishChange publishes the attr-changed event of a structural change.
func (e *Engine) publishChange(res, typ, group, detail string) {
	e.publish(events.Event{Kind: events.KindAttr, Resource: res, Type: typ, Group: group, Cause: "admin", Detail: detail})
}

// bareResource returns a new resource of type t in group g, with no
// attribute written but Enabled = 0, as hares -add leaves it: the agent
// does not open or probe it until its attributes are set and Enabled is 1.
func bareResource(name string, t *model.Type, g *model.Group, local string) *model.Resource {
	return &model.Resource{Name: name, Type: t, Group: g, Local: local,
		Values: map[string]model.Value{"Enabled": model.IntValue(0)}, Overrides: map[string]model.Value{}}
}

// errorfWhat prefixes a refusal with what was asked.
func errorfWhat(kind error, what, format string, args ...any) error {
	return errorf(kind, "%s: %s", what, fmt.Sprintf(format, args...))
}
