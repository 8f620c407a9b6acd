package engine

import (
	"context"
	"fmt"
	"slices"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// AddResource adds resource name of type typ to group (hares -add). The
// resource is created with Enabled = 0, as VCS does: set its attributes with
// Modify, then Enabled 1, and its agent opens and probes it. A type with no
// agent yet gets one. The name must be new, the type and group must exist;
// the whole configuration is validated as `vigil check` would.
func (e *Engine) AddResource(name, typ, group string) error {
	what := fmt.Sprintf("add resource %q", name)
	if msg := model.NameError(name, false); msg != "" {
		return errorfWhat(ErrInvalid, what, "the name %q %s", name, msg)
	}
	next, err := e.structural(what, func(next *model.Config) ([]string, error) {
		if next.Resources[name] != nil {
			return nil, errorfWhat(ErrConflict, what, "resource %q exists (in group %s)", name, groupName(next.Resources[name]))
		}
		t, g := next.Types[typ], next.Groups[group]
		if t == nil {
			return nil, errorfWhat(ErrNotFound, what, "type %q not found", typ)
		}
		if g == nil {
			return nil, errorfWhat(ErrNotFound, what, "group %q not found", group)
		}
		r := bareResource(name, t, g, next.Local)
		next.Resources[name] = r
		g.Resources = append(g.Resources, r)
		return []string{group}, nil
	})
	if err != nil {
		return err
	}
	r := next.Resources[name]
	e.publishChange(name, typ, group, fmt.Sprintf("resource added to group %s (Enabled = 0)", group))
	if !e.onSystem(r.Group) {
		return nil
	}
	a, err := e.agentFor(next.Types[typ])
	if err != nil {
		return errorf(ErrFailed, "%s: configuration saved but %w", what, err)
	}
	if err := a.Add(r); err != nil {
		return errorf(ErrFailed, "%s: configuration saved but the agent refused it: %w", what, err)
	}
	e.refreshResource(r, "admin")
	return nil
}

// agentFor returns the agent of type t, starting it when the type has none.
func (e *Engine) agentFor(t *model.Type) (Agent, error) {
	e.mu.Lock()
	a, stopped := e.agents[t.Name], e.stopped
	e.mu.Unlock()
	if a != nil {
		return a, nil
	}
	if stopped {
		return nil, fmt.Errorf("the engine is stopping: no agent started for type %q", t.Name)
	}
	a, err := e.o.NewAgent(t, AgentHooks{Notify: e.notify, Snapshot: e.Snapshot})
	if err != nil {
		e.log.Error("agent not started", zap.String("type", t.Name), zap.Error(err))
		return nil, fmt.Errorf("the agent for type %q did not start: %w", t.Name, err)
	}
	e.mu.Lock()
	if cur := e.agents[t.Name]; cur != nil || e.stopped { // another change started one first, or Stop ran
		e.mu.Unlock()
		a.Stop(context.Background())
		if cur == nil {
			return nil, fmt.Errorf("the engine is stopping: no agent started for type %q", t.Name)
		}
		return cur, nil
	}
	e.agents[t.Name] = a
	e.mu.Unlock()
	e.publish(events.Event{Kind: events.KindEngine, Type: t.Name, Cause: "start", Detail: "agent started for a new resource"})
	return a, nil
}

// DeleteResource deletes a resource (hares -delete). It is refused while the
// resource is ONLINE or on its way somewhere, and while it has links (unlink
// it first), as VCS does; its agent closes and forgets it.
func (e *Engine) DeleteResource(name string) error {
	what := fmt.Sprintf("delete resource %q", name)
	r, err := e.resource(name)
	if err != nil {
		return err
	}
	if st, ok := e.status(r); ok && e.conf(r).enabled() && (st.State.State == state.Online || st.State.Flags&movingFlags != 0) {
		return errorfWhat(ErrConflict, what, "it is %s; take it offline first", st.State)
	}
	if r.Group != nil {
		if err := e.idle(r.Group.Name, what); err != nil {
			return err
		}
	}
	_, err = e.structural(what, func(next *model.Config) ([]string, error) {
		nr := next.Resources[name]
		if nr == nil {
			return nil, notFound("resource", name)
		}
		if len(nr.Requires) > 0 {
			return nil, errorfWhat(ErrConflict, what, "it requires %s; unlink it first (vigil res unlink %s %s)",
				nr.Requires[0].Name, name, nr.Requires[0].Name)
		}
		if ps := parents(nr); len(ps) > 0 {
			return nil, errorfWhat(ErrConflict, what, "%s requires it; unlink it first (vigil res unlink %s %s)",
				ps[0].Name, ps[0].Name, name)
		}
		delete(next.Resources, name)
		if nr.Group == nil {
			return nil, nil
		}
		nr.Group.Resources = slices.DeleteFunc(nr.Group.Resources, func(x *model.Resource) bool { return x == nr })
		return []string{nr.Group.Name}, nil
	})
	if err != nil {
		return err
	}
	e.publishChange(name, r.Type.Name, groupName(r), "resource deleted")
	e.mu.Lock()
	a := e.agents[r.Type.Name]
	delete(e.fails, name)
	e.mu.Unlock()
	if a != nil {
		if err := a.Remove(name); err != nil {
			e.log.Warn("remove from agent", zap.String("resource", name), zap.Error(err))
		}
	}
	return nil
}

// Link makes parent require child (hares -link): both in one group, no
// cycle, a parent that can be commanded (the rules of `vigil check`).
func (e *Engine) Link(parent, child string) error {
	return e.relink(parent, child, true)
}

// Unlink removes the dependency of parent on child (hares -unlink).
func (e *Engine) Unlink(parent, child string) error {
	return e.relink(parent, child, false)
}

func (e *Engine) relink(parent, child string, link bool) error {
	verb := map[bool]string{true: "link", false: "unlink"}[link]
	what := fmt.Sprintf("%s resource %q to %q", verb, parent, child)
	p, err := e.resource(parent)
	if err != nil {
		return err
	}
	if _, err := e.resource(child); err != nil {
		return err
	}
	if p.Group != nil {
		if err := e.idle(p.Group.Name, what); err != nil {
			return err
		}
	}
	_, err = e.structural(what, func(next *model.Config) ([]string, error) {
		np, nc := next.Resources[parent], next.Resources[child]
		i := slices.Index(np.Requires, nc)
		switch {
		case link && i >= 0:
			return nil, errorfWhat(ErrConflict, what, "%s already requires %s", parent, child)
		case !link && i < 0:
			return nil, errorfWhat(ErrNotFound, what, "%s does not require %s", parent, child)
		case link:
			np.Requires = append(slices.Clip(np.Requires), nc)
		default:
			np.Requires = slices.Delete(slices.Clone(np.Requires), i, i+1)
			if i < len(np.RequirePos) {
				np.RequirePos = slices.Delete(slices.Clone(np.RequirePos), i, i+1)
			}
		}
		groups := []string{}
		for _, r := range []*model.Resource{np, nc} {
			if r.Group != nil && !slices.Contains(groups, r.Group.Name) {
				groups = append(groups, r.Group.Name)
			}
		}
		return groups, nil
	})
	if err != nil {
		return err
	}
	e.publishChange(parent, p.Type.Name, groupName(p), fmt.Sprintf("%s %s requires %s", verb, parent, child))
	return nil
}

// AddGroup adds an empty group (hagrp -add); SystemList empty means every
// system, AutoStart stays off until set.
func (e *Engine) AddGroup(name string) error {
	what := fmt.Sprintf("add group %q", name)
	if msg := model.NameError(name, false); msg != "" {
		return errorfWhat(ErrInvalid, what, "the name %q %s", name, msg)
	}
	_, err := e.structural(what, func(next *model.Config) ([]string, error) {
		if next.Groups[name] != nil {
			return nil, errorfWhat(ErrConflict, what, "group %q exists", name)
		}
		next.Groups[name] = &model.Group{Name: name, Attrs: map[string]model.Value{}}
		return []string{name}, nil
	})
	if err != nil {
		return err
	}
	e.publish(events.Event{Kind: events.KindAttr, Group: name, Cause: "admin", Detail: "group added"})
	return nil
}

// DeleteGroup deletes a group with no resources that no group requires
// (hagrp -delete).
func (e *Engine) DeleteGroup(name string) error {
	what := fmt.Sprintf("delete group %q", name)
	if _, err := e.group(name); err != nil {
		return err
	}
	if err := e.idle(name, what); err != nil {
		return err
	}
	_, err := e.structural(what, func(next *model.Config) ([]string, error) {
		g := next.Groups[name]
		if g == nil {
			return nil, notFound("group", name)
		}
		if len(g.Resources) > 0 {
			return nil, errorfWhat(ErrConflict, what, "it has %d resource(s); delete them first (vigil res delete %s)",
				len(g.Resources), g.Resources[0].Name)
		}
		if ds := dependents(next, name); len(ds) > 0 {
			return nil, errorfWhat(ErrConflict, what, "group %s requires it", ds[0].Parent)
		}
		delete(next.Groups, name)
		return []string{name}, nil
	})
	if err != nil {
		return err
	}
	e.mu.Lock()
	delete(e.intent, name)
	e.mu.Unlock()
	e.publish(events.Event{Kind: events.KindAttr, Group: name, Cause: "admin", Detail: "group deleted"})
	return nil
}
