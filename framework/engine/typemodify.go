package engine

import (
	"fmt"
	"path/filepath"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// ModifyType sets the type-level value of a static attribute (hatype
// -modify): every resource of the type that does not override it gets the
// new value at once (agent.Update), and the types file is rewritten. Only a
// type defined in a file of the configuration directory can be changed: a
// change to a bundled type would not survive a restart.
func (e *Engine) ModifyType(typ, attr string, words []string) error {
	what := fmt.Sprintf("modify type %q", typ)
	cur := e.snap.Load()
	t := cur.Types[typ]
	if t == nil {
		return notFound("type", typ)
	}
	d, ok := t.Attr(attr)
	if !ok || !d.Static {
		return errorfWhat(ErrNotFound, what, "type %s has no static attribute %q", typ, attr)
	}
	if d.Temp {
		return errorfWhat(ErrInvalid, what, "attribute %s is temporary and cannot be modified", attr)
	}
	if !e.ownTypesFile(cur, t) {
		return errorfWhat(ErrConflict, what, "type %s comes from the bundled type definitions (%s); copy that file into %s to change it",
			typ, t.Pos.File, cur.Dir)
	}
	v, err := model.ParseValue(typ, d, words)
	if err != nil {
		return errorf(ErrInvalid, "%w", err)
	}
	old, _ := t.StaticValue(attr)
	if old.Equal(v) {
		return nil
	}
	next, err := e.change(what, func(next *model.Config) error {
		nt := *next.Types[typ]
		nt.Statics = withValue(cloneValues(nt.Statics), attr, v)
		next.Types[typ] = &nt
		for _, r := range next.Resources {
			if r.Type.Name == typ {
				r.Type = &nt
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.publish(events.Event{Kind: events.KindAttr, Type: typ, Cause: "admin",
		Detail: fmt.Sprintf("type %s: %s = %v (was %v)", typ, attr, v.Elements(), old.Elements())})
	e.mu.Lock()
	a := e.agents[typ]
	e.mu.Unlock()
	if a == nil {
		return nil
	}
	for _, r := range next.ResourcesOfType(typ) {
		if _, over := r.Overrides[attr]; over {
			continue
		}
		if err := a.Update(r, []string{attr}); err != nil {
			e.log.Sugar().Warnw("type change not applied", "resource", r.Name, "error", err)
		}
		e.refreshResource(r, "admin")
	}
	return nil
}

// ownTypesFile reports whether t is defined in a file of the configuration
// directory (main.cf or a types file Dump rewrites).
func (e *Engine) ownTypesFile(cfg *model.Config, t *model.Type) bool {
	for _, f := range cfg.Files {
		if f == t.Pos.File {
			rel, err := filepath.Rel(cfg.Dir, f)
			return err == nil && filepath.IsLocal(rel)
		}
	}
	return false
}

// cloneValues returns a copy of m that may be written.
func cloneValues(m map[string]model.Value) map[string]model.Value {
	out := make(map[string]model.Value, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
