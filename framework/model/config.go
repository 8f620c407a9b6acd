package model

import (
	"sort"
	"strconv"

	"github.com/vigil-ha/vigil/framework/config/syntax"
)

// AttrDef is one attribute declared by a type (or by the static catalogue).
type AttrDef struct {
	Name    string
	Kind    Kind
	Dim     Dimension
	Static  bool
	Temp    bool
	Default Value // zero value of Dim when not declared
	HasDef  bool  // a default was written in the declaration
	Pos     syntax.Pos
}

// Type is a resource type: its declared attributes and its static attribute
// values (those written in types.cf; catalogue defaults are applied by
// StaticValue, not stored here).
type Type struct {
	Name  string
	Attrs map[string]*AttrDef // declared attributes, static or not
	Order []string            // declaration order of Attrs
	// Statics holds type-level values of static attributes written in the
	// type (declared with a default, or assigned). Keys are attribute names.
	Statics map[string]Value
	Pos     syntax.Pos
	// StaticPos holds the position of each value in Statics.
	StaticPos map[string]syntax.Pos
}

// Attr returns the definition of an attribute of the type: a declared one,
// or else one from the static catalogue.
func (t *Type) Attr(name string) (*AttrDef, bool) {
	if d, ok := t.Attrs[name]; ok {
		return d, true
	}
	if d, ok := Catalogue[name]; ok {
		return d, true
	}
	return nil, false
}

// StaticValue returns the type-level value of a static attribute: the value
// written in the type, else the catalogue default.
func (t *Type) StaticValue(name string) (Value, bool) {
	if v, ok := t.Statics[name]; ok {
		return v, true
	}
	if d, ok := t.Attrs[name]; ok && d.Static {
		return d.Default, true
	}
	if d, ok := Catalogue[name]; ok {
		return d.Default, true
	}
	return Value{}, false
}

// ArgList returns the type's ArgList entries (names or Ref:Attr forms).
func (t *Type) ArgList() []string {
	v, _ := t.StaticValue("ArgList")
	return v.List
}

// IMFRegList returns the type's IMFRegList entries.
func (t *Type) IMFRegList() []string {
	v, _ := t.StaticValue("IMFRegList")
	return v.List
}

// Resource is one configured resource.
type Resource struct {
	Name  string
	Type  *Type
	Group *Group
	// Values holds attribute values written for this resource (non-static).
	Values map[string]Value
	// Overrides holds static attribute values overridden for this resource.
	Overrides map[string]Value
	// Requires lists the resources this one depends on (its children), in
	// configuration order.
	Requires []*Resource
	Pos      syntax.Pos
	// ValuePos holds the position of each attribute written in Values or
	// Overrides; RequirePos the position of each link in Requires.
	ValuePos   map[string]syntax.Pos
	RequirePos []syntax.Pos
	// PerSystem holds values written for one system only (`Attr@sys =
	// value`, vigil res modify --sys): attribute -> system -> value. On
	// system Local they take the place of Values and Overrides.
	PerSystem map[string]map[string]Value
	// SysValuePos holds the position of each per-system value, keyed
	// "Attr@sys".
	SysValuePos map[string]syntax.Pos
	// Local is the system whose per-system values Attr resolves (this
	// node's name, set by Config.SetLocal); "" resolves none.
	Local string
}

// Attr returns the resolved value of an attribute for the resource and
// whether the attribute exists for its type at all.
func (r *Resource) Attr(name string) (Value, bool) {
	if v, ok := r.PerSystem[name][r.Local]; ok && r.Local != "" {
		return v, true
	}
	if v, ok := r.Overrides[name]; ok {
		return v, true
	}
	if v, ok := r.Values[name]; ok {
		return v, true
	}
	if d, ok := r.Type.Attrs[name]; ok && !d.Static {
		return d.Default, true
	}
	if v, ok := r.Type.StaticValue(name); ok {
		return v, true
	}
	if d, ok := ResourceCatalogue[name]; ok {
		return d.Default, true
	}
	return Value{}, false
}

// Int returns the resolved integer value of a scalar attribute, or 0.
func (r *Resource) Int(name string) int {
	v, _ := r.Attr(name)
	n, _ := strconv.Atoi(v.Scalar)
	return n
}

// Str returns the resolved scalar value of an attribute, or "".
func (r *Resource) Str(name string) string {
	v, _ := r.Attr(name)
	return v.Scalar
}

// AssocInt returns key of an integer association attribute (IMF,
// MonitorStatsParam), falling back to the catalogue default for that key.
func (r *Resource) AssocInt(name, key string) int {
	v, _ := r.Attr(name)
	s, ok := v.Get(key)
	if !ok {
		if d, ok2 := Catalogue[name]; ok2 {
			s, _ = d.Default.Get(key)
		}
	}
	n, _ := strconv.Atoi(s)
	return n
}

// GroupDep is a service-group dependency: `requires group Child Category Location [Rigidity]`.
type GroupDep struct {
	Child    string // name of the group depended on
	Category string // online | offline
	Location string // local | global | remote
	Rigidity string // soft | firm | hard ("" when not written)
	Pos      syntax.Pos
}

// OfflineBlocks reports whether, for an offline dependency with location
// global or remote, one of the two groups online on system on keeps the
// other from going online on system sys: global, online anywhere; remote,
// online on another system. It is false for any other dependency.
func (d GroupDep) OfflineBlocks(on, sys string) bool {
	if d.Category != "offline" || on == "" {
		return false
	}
	return d.Location == "global" || (d.Location == "remote" && on != sys)
}

// Group is a service group.
type Group struct {
	Name      string
	Attrs     map[string]Value // group attributes as written (SystemList, AutoStartList, Parallel, ...)
	Resources []*Resource      // in configuration order
	Requires  []GroupDep
	Pos       syntax.Pos
	AttrPos   map[string]syntax.Pos // position of each attribute in Attrs
}

// Parallel reports whether the group is a parallel group.
func (g *Group) Parallel() bool { return g.Attrs["Parallel"].Scalar == "1" }

// Frozen reports whether the group is frozen, persistently (Frozen = 1, in
// main.cf) or temporarily (TFrozen = 1, never dumped): its resources are
// monitored and their states reported, but nothing is done to them.
func (g *Group) Frozen() bool {
	return g.Attrs["Frozen"].Scalar == "1" || g.Attrs["TFrozen"].Scalar == "1"
}

// Enabled reports whether the group may be brought online (Enabled is not 0).
func (g *Group) Enabled() bool { return g.Attrs["Enabled"].Scalar != "0" }

// SystemList returns the group's systems with their priorities, in order.
func (g *Group) SystemList() []KV { return g.Attrs["SystemList"].Assoc }

// AutoStartList returns the systems the group starts on automatically.
func (g *Group) AutoStartList() []string { return g.Attrs["AutoStartList"].List }

// Config is a whole loaded configuration.
type Config struct {
	Dir       string // directory of main.cf
	Cluster   string
	ClusterAt map[string]Value // cluster attributes
	Systems   []string
	Types     map[string]*Type
	Groups    map[string]*Group
	Resources map[string]*Resource
	Includes  []string // include directives of main.cf, in order
	// FileIncludes holds the include directives of each included file of
	// the configuration directory, keyed by its path.
	FileIncludes map[string][]string
	// Files lists the configuration files read from disk, the main file
	// first, then included files in include order (bundled ones excluded).
	Files []string
	// SystemPos holds the position of each system declaration.
	SystemPos map[string]syntax.Pos
	// Local is this node's system name (SetLocal); resources resolve its
	// per-system values.
	Local string
}

// SetLocal makes every resource resolve the per-system values of system
// sys (Resource.Local); call it before the configuration is published.
func (c *Config) SetLocal(sys string) {
	c.Local = sys
	for _, r := range c.Resources {
		r.Local = sys
	}
}

// TypeNames returns the type names, sorted.
func (c *Config) TypeNames() []string { return sortedKeys(c.Types) }

// GroupNames returns the group names, sorted.
func (c *Config) GroupNames() []string { return sortedKeys(c.Groups) }

// ResourceNames returns the resource names, sorted.
func (c *Config) ResourceNames() []string { return sortedKeys(c.Resources) }

// ResourcesOfType returns the resources of a type, sorted by name.
func (c *Config) ResourcesOfType(t string) []*Resource {
	var out []*Resource
	for _, n := range c.ResourceNames() {
		if r := c.Resources[n]; r.Type.Name == t {
			out = append(out, r)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
