package config

import (
	"fmt"
	"strconv"

	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/model"
)

// build turns the parsed files into a model: types from every file first,
// then the cluster, systems, groups, resources and dependencies of main.cf.
func (l *loader) build(root *unit) *model.Config {
	cfg := &model.Config{
		Dir: l.dir, ClusterAt: map[string]model.Value{}, Types: map[string]*model.Type{},
		Groups: map[string]*model.Group{}, Resources: map[string]*model.Resource{},
		FileIncludes: map[string][]string{}, SystemPos: map[string]syntax.Pos{},
	}
	cfg.Files = append(cfg.Files, root.src.path)
	for _, u := range l.parsed {
		if u != root && !u.src.embedded {
			cfg.Files = append(cfg.Files, u.src.path)
		}
		for _, st := range u.file.Stmts {
			if td, ok := st.(*syntax.TypeDef); ok {
				l.addType(cfg, td)
			}
		}
		if u == root {
			continue
		}
		var incs []string
		for _, st := range u.file.Stmts {
			switch s := st.(type) {
			case *syntax.Include:
				incs = append(incs, s.Path)
			case *syntax.TypeDef:
			default:
				l.errs.Add(st.Position(), "only type definitions and include directives may appear in an included file")
			}
		}
		if !u.src.embedded && incs != nil {
			cfg.FileIncludes[u.src.path] = incs
		}
	}
	b := &mainBuilder{l: l, cfg: cfg, bad: map[string]bool{}}
	b.run(root.file)
	return cfg
}

func (l *loader) errorf(p syntax.Pos, format string, args ...any) {
	l.errs.Add(p, fmt.Sprintf(format, args...))
}

// first formats the position of an earlier definition for a duplicate
// diagnostic: just line:col in the same file.
func first(p, dup syntax.Pos) string {
	if p.File == dup.File {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return p.String()
}

func (l *loader) addType(cfg *model.Config, td *syntax.TypeDef) {
	if old, ok := cfg.Types[td.Name]; ok {
		l.errorf(td.Pos, "type %s defined twice (first at %s)", td.Name, first(old.Pos, td.Pos))
		return
	}
	t := &model.Type{Name: td.Name, Attrs: map[string]*model.AttrDef{}, Statics: map[string]model.Value{},
		StaticPos: map[string]syntax.Pos{}, Pos: td.Pos}
	cfg.Types[td.Name] = t
	for _, d := range td.Decls {
		if old, ok := t.Attrs[d.Name]; ok {
			l.errorf(d.Pos, "attribute %s declared twice in type %s (first at %s)", d.Name, td.Name, first(old.Pos, d.Pos))
			continue
		}
		kind, dim := declType(d)
		def := &model.AttrDef{Name: d.Name, Kind: kind, Dim: dim, Static: d.Static, Temp: d.Temp,
			Default: model.Zero(dim), Pos: d.Pos}
		if d.Value != nil {
			def.Default, def.HasDef = l.value(d.Value, def), true
			if d.Static {
				t.Statics[d.Name] = def.Default
				t.StaticPos[d.Name] = d.Value.Pos
			}
		}
		t.Attrs[d.Name] = def
		t.Order = append(t.Order, d.Name)
	}
	for _, a := range td.Assigns {
		if a.System != "" {
			l.errorf(a.SysPos, "%s@%s: per-system values are allowed on resource attributes only, not in type %s", a.Name, a.System, td.Name)
			continue
		}
		if p, ok := t.StaticPos[a.Name]; ok {
			l.errorf(a.Pos, "attribute %s given a value twice in type %s (first at %s)", a.Name, td.Name, first(p, a.Pos))
			continue
		}
		def, _ := t.Attr(a.Name)
		t.Statics[a.Name] = l.value(a.Value, def)
		t.StaticPos[a.Name] = a.Pos
	}
}

// kindWords gives the type keywords of a declaration their kind and
// dimension (keylist is a dimension written in the kind's place).
var kindWords = map[string]struct {
	kind model.Kind
	dim  model.Dimension
}{
	"str": {model.Str, model.Scalar}, "i18nstr": {model.Str, model.Scalar},
	"int": {model.Int, model.Scalar}, "boolean": {model.Boolean, model.Scalar},
	"keylist": {model.Str, model.Keylist},
}

// declType returns the kind and dimension of a declaration: brackets make a
// vector or an association (the parser has reported them after keylist).
func declType(d *syntax.AttrDecl) (model.Kind, model.Dimension) {
	kw := kindWords[d.Kind]
	switch d.Shape {
	case syntax.Square:
		return kw.kind, model.Vector
	case syntax.Curly:
		return kw.kind, model.Assoc
	}
	return kw.kind, kw.dim
}

// value converts a value node to a model value. The dimension comes from the
// syntax (a scalar, a list, a list of k = v pairs); def, when known, decides
// between vector and keylist and gives an empty list its dimension.
func (l *loader) value(n *syntax.ValueNode, def *model.AttrDef) model.Value {
	if !n.List {
		return model.ScalarValue(n.Scalar.Text)
	}
	keyed := 0
	for _, e := range n.Elems {
		if e.Key != nil {
			keyed++
		}
	}
	switch {
	case keyed > 0 && keyed < len(n.Elems):
		l.errorf(n.Pos, "list mixes key = value pairs and plain values")
		return model.Zero(model.Assoc)
	case keyed > 0:
		v := model.Value{Dim: model.Assoc}
		for _, e := range n.Elems {
			v.Assoc = append(v.Assoc, model.KV{Key: e.Key.Text, Value: e.Scalar.Text})
		}
		return v
	}
	dim := model.Vector
	if def != nil && (def.Dim == model.Keylist || len(n.Elems) == 0 && def.Dim == model.Assoc) {
		dim = def.Dim
	}
	v := model.Value{Dim: dim}
	for _, e := range n.Elems {
		v.List = append(v.List, e.Scalar.Text)
	}
	return v
}

// mainBuilder builds the main.cf part of the model.
type mainBuilder struct {
	l     *loader
	cfg   *model.Config
	group *model.Group
	bad   map[string]bool // resources that failed to build; links to them are not reported again
	links []*syntax.Requires
}

func (b *mainBuilder) run(f *syntax.File) {
	for _, st := range f.Stmts {
		switch s := st.(type) {
		case *syntax.Include:
			b.cfg.Includes = append(b.cfg.Includes, s.Path)
		case *syntax.Block:
			b.block(s)
		case *syntax.ResourceDef:
			b.resource(s)
		case *syntax.Requires:
			if b.group == nil {
				b.l.errorf(s.Pos, "dependency %s requires %s outside a group", s.Parent, s.Child)
				continue
			}
			b.links = append(b.links, s)
		case *syntax.GroupRequires:
			if b.group == nil {
				b.l.errorf(s.Pos, "requires group %s outside a group", s.Group)
				continue
			}
			b.group.Requires = append(b.group.Requires, model.GroupDep{Child: s.Group, Category: s.Category,
				Location: s.Location, Rigidity: s.Rigidity, Pos: s.Pos})
		}
	}
	for _, s := range b.links {
		b.link(s)
	}
}

func (b *mainBuilder) block(s *syntax.Block) {
	switch s.Kind {
	case "cluster":
		if b.cfg.Cluster != "" {
			b.l.errorf(s.Pos, "second cluster %s (the configuration already names cluster %s)", s.Name, b.cfg.Cluster)
			return
		}
		b.cfg.Cluster = s.Name
		b.attrs(s.Attrs, b.cfg.ClusterAt, nil, "cluster "+s.Name)
	case "system":
		if p, ok := b.cfg.SystemPos[s.Name]; ok {
			b.l.errorf(s.Pos, "system %s declared twice (first at %s)", s.Name, first(p, s.Pos))
			return
		}
		b.cfg.Systems = append(b.cfg.Systems, s.Name)
		b.cfg.SystemPos[s.Name] = s.Pos
	case "group":
		b.group = nil
		if old, ok := b.cfg.Groups[s.Name]; ok {
			b.l.errorf(s.Pos, "group %s defined twice (first at %s)", s.Name, first(old.Pos, s.Pos))
			return
		}
		g := &model.Group{Name: s.Name, Attrs: map[string]model.Value{}, AttrPos: map[string]syntax.Pos{}, Pos: s.Pos}
		b.cfg.Groups[s.Name] = g
		b.group = g
		b.attrs(s.Attrs, g.Attrs, g.AttrPos, "group "+s.Name)
		if v, ok := g.Attrs["SystemList"]; ok && v.Dim == model.Vector {
			// The older form lists systems without priorities: number them in order.
			kv := make([]model.KV, len(v.List))
			for i, sys := range v.List {
				kv[i] = model.KV{Key: sys, Value: strconv.Itoa(i)}
			}
			g.Attrs["SystemList"] = model.AssocValue(kv...)
		}
	}
}

var groupAttrDims = map[string]*model.AttrDef{
	"SystemList":    {Name: "SystemList", Kind: model.Int, Dim: model.Assoc},
	"AutoStartList": {Name: "AutoStartList", Dim: model.Keylist},
}

func (b *mainBuilder) attrs(as []*syntax.Assign, into map[string]model.Value, pos map[string]syntax.Pos, owner string) {
	seen := map[string]syntax.Pos{}
	for _, a := range as {
		if a.System != "" {
			b.l.errorf(a.SysPos, "%s@%s: per-system values are allowed on resource attributes only, not on %s", a.Name, a.System, owner)
			continue
		}
		if p, ok := seen[a.Name]; ok {
			b.l.errorf(a.Pos, "attribute %s of %s given twice (first at %s)", a.Name, owner, first(p, a.Pos))
			continue
		}
		seen[a.Name] = a.Pos
		into[a.Name] = b.l.value(a.Value, groupAttrDims[a.Name])
		if pos != nil {
			pos[a.Name] = a.Pos
		}
	}
}

func (b *mainBuilder) resource(s *syntax.ResourceDef) {
	if old, ok := b.cfg.Resources[s.Name]; ok {
		b.l.errorf(s.Pos, "resource %s defined twice (first at %s)", s.Name, first(old.Pos, s.Pos))
		return
	}
	if b.group == nil {
		b.l.errorf(s.Pos, "resource %s outside a group", s.Name)
		b.bad[s.Name] = true
		return
	}
	t, ok := b.cfg.Types[s.Type]
	if !ok {
		b.l.errorf(s.Pos, "resource %s has unknown type %s%s", s.Name, s.Type, b.includeHint())
		b.bad[s.Name] = true
		return
	}
	r := &model.Resource{Name: s.Name, Type: t, Group: b.group, Values: map[string]model.Value{},
		Overrides: map[string]model.Value{}, ValuePos: map[string]syntax.Pos{}, Pos: s.Pos}
	b.cfg.Resources[s.Name] = r
	b.group.Resources = append(b.group.Resources, r)
	for _, a := range s.Attrs {
		if a.System != "" {
			b.perSystem(r, a)
			continue
		}
		if p, ok := r.ValuePos[a.Name]; ok {
			b.l.errorf(a.Pos, "attribute %s of resource %s given twice (first at %s)", a.Name, s.Name, first(p, a.Pos))
			continue
		}
		def, ok := t.Attr(a.Name)
		if !ok {
			def = model.ResourceCatalogue[a.Name]
		}
		v := b.l.value(a.Value, def)
		if def != nil && def.Static {
			r.Overrides[a.Name] = v
		} else {
			r.Values[a.Name] = v
		}
		r.ValuePos[a.Name] = a.Pos
	}
}

// perSystem records `Attr@sys = value` on r; validation checks the value
// and the system as it checks every other value.
func (b *mainBuilder) perSystem(r *model.Resource, a *syntax.Assign) {
	key := a.Name + "@" + a.System
	if p, ok := r.SysValuePos[key]; ok {
		b.l.errorf(a.Pos, "attribute %s of resource %s given twice (first at %s)", key, r.Name, first(p, a.Pos))
		return
	}
	def, ok := r.Type.Attr(a.Name)
	if !ok {
		def = model.ResourceCatalogue[a.Name]
	}
	if r.PerSystem == nil {
		r.PerSystem, r.SysValuePos = map[string]map[string]model.Value{}, map[string]syntax.Pos{}
	}
	if r.PerSystem[a.Name] == nil {
		r.PerSystem[a.Name] = map[string]model.Value{}
	}
	r.PerSystem[a.Name][a.System] = b.l.value(a.Value, def)
	r.SysValuePos[key] = a.Pos
}

func (b *mainBuilder) includeHint() string {
	if len(b.cfg.Includes) == 0 {
		return " (no include directive: did you mean include \"types.cf\"?)"
	}
	return ""
}

func (b *mainBuilder) link(s *syntax.Requires) {
	parent, okP := b.cfg.Resources[s.Parent]
	child, okC := b.cfg.Resources[s.Child]
	if !okP && !b.bad[s.Parent] {
		b.l.errorf(s.Pos, "dependency names unknown resource %s", s.Parent)
	}
	if !okC && !b.bad[s.Child] {
		b.l.errorf(s.ChildPos, "dependency names unknown resource %s", s.Child)
	}
	if !okP || !okC {
		return
	}
	for i, c := range parent.Requires {
		if c == child {
			b.l.errorf(s.Pos, "dependency %s requires %s given twice (first at %s)", s.Parent, s.Child,
				first(parent.RequirePos[i], s.Pos))
			return
		}
	}
	parent.Requires = append(parent.Requires, child)
	parent.RequirePos = append(parent.RequirePos, s.Pos)
}
