package model

import "maps"

// Clone returns a copy of the configuration that shares nothing that may be
// written: new Resources and Groups maps, a new Resource and Group for each
// (with their own Values, Overrides and Attrs maps), and every link between
// them (Resource.Group, Resource.Requires, Group.Resources) pointing into
// the copy. Types are shared: they do not change while a configuration is
// in use. Value elements are shared too; Values are replaced, never edited.
//
// The engine publishes a configuration once and never writes it again; a
// change is a Clone, edited, then published (copy on write).
func (c *Config) Clone() *Config {
	out := *c
	out.Resources = make(map[string]*Resource, len(c.Resources))
	for n, r := range c.Resources {
		x := *r
		x.Values, x.Overrides = maps.Clone(r.Values), maps.Clone(r.Overrides)
		if r.PerSystem != nil {
			x.PerSystem = make(map[string]map[string]Value, len(r.PerSystem))
			for a, m := range r.PerSystem {
				x.PerSystem[a] = maps.Clone(m)
			}
		}
		out.Resources[n] = &x
	}
	out.Groups = make(map[string]*Group, len(c.Groups))
	for n, g := range c.Groups {
		x := *g
		x.Attrs = maps.Clone(g.Attrs)
		x.Resources = make([]*Resource, len(g.Resources))
		for i, r := range g.Resources {
			x.Resources[i] = out.Resources[r.Name]
		}
		out.Groups[n] = &x
	}
	for _, r := range out.Resources {
		if r.Group != nil {
			r.Group = out.Groups[r.Group.Name]
		}
		reqs := make([]*Resource, len(r.Requires))
		for i, q := range r.Requires {
			reqs[i] = out.Resources[q.Name]
		}
		r.Requires = reqs
	}
	return &out
}
