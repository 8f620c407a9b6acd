package engine

import (
	"maps"
	"sync/atomic"

	"github.com/vigil-ha/vigil/framework/model"
)

// A resource's attributes change while the engine runs (Modify), and are
// read by goroutines that hold no engine lock: fault handling, group walks,
// views, resource commands. So the engine never reads the attributes of a
// configuration's resource outside e.mu; it reads a conf instead.
//
// A conf is a shallow copy of the resource whose Values and Overrides maps
// are never written once it is published. Every resource of the
// configuration has one atomic pointer to its current conf (the confs map,
// built by New and never changed, so looked up without a lock). Modify,
// under e.mu, builds the next conf with new maps, writes the resource of
// the configuration (which config.Dump prints, under e.mu) and then stores
// the pointer; the store publishes the new maps, fully written, to every
// later Load. Agents get a copy of the same conf.
//
//	Modify (e.mu held)                       readers (no lock)
//	  next := copy of conf, new map             c := e.conf(r)   // atomic load
//	  next.Values[attr] = v                     c.enabled(), c.Int("X") ...
//	  r.Values = next.Values  (for Dump)
//	  Dump(cfg) ok ──▶ confs[r].Store(next)
//
// Name, Type, Group and Requires never change, so code that follows
// dependencies may keep using the configuration's resources; only their
// attributes go through conf.

// conf is one resource's configuration as last set: its maps are never
// written.
type conf struct{ *model.Resource }

// conf returns r's current configuration.
func (e *Engine) conf(r *model.Resource) conf {
	if p := e.confs[r.Name]; p != nil {
		return conf{p.Load()}
	}
	return conf{r} // not in the configuration: Modify cannot reach it
}

// newConfs returns the first conf of every resource of cfg.
func newConfs(cfg *model.Config) map[string]*atomic.Pointer[model.Resource] {
	out := make(map[string]*atomic.Pointer[model.Resource], len(cfg.Resources))
	for name, r := range cfg.Resources {
		p := &atomic.Pointer[model.Resource]{}
		p.Store(snapshot(r))
		out[name] = p
	}
	return out
}

// with returns a new conf with attribute attr set to v, as a per-resource
// override when the attribute is static; c is left as it is.
func (c conf) with(attr string, v model.Value, static bool) conf {
	next := snapshot(c.Resource)
	m := &next.Values
	if static {
		m = &next.Overrides
	}
	*m = maps.Clone(*m)
	if *m == nil {
		*m = map[string]model.Value{}
	}
	(*m)[attr] = v
	return conf{next}
}

// operations returns the Operations value, OnOff when unset.
func (c conf) operations() string {
	if v := c.Str("Operations"); v != "" {
		return v
	}
	return opsOnOff
}

// enabled reports whether the resource is managed (Enabled=1).
func (c conf) enabled() bool { return c.Str("Enabled") != "0" }

// critical reports whether a fault of the resource faults its group.
func (c conf) critical() bool { return c.Str("Critical") != "0" }

// snapshot returns a shallow copy of r: sharing its maps, which are never
// written in place.
func snapshot(r *model.Resource) *model.Resource {
	c := *r
	return &c
}
