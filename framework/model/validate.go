package model

import (
	"fmt"
	"strings"

	"github.com/vigil-ha/vigil/framework/config/syntax"
)

// MaxArgListValues is the most values ArgListValues may hold for one
// resource, counting every element of vectors, keylists and associations
// (attribute names and counts of the V50 tuples are not counted).
const MaxArgListValues = 425

// NotOverridable lists the static attributes a resource cannot override.
var NotOverridable = map[string]bool{
	"ArgList": true, "AEPTimeout": true, "NumThreads": true, "AgentClass": true, "AgentPriority": true,
	"AgentDirectory": true, "AgentFile": true, "SupportedActions": true, "Operations": true, "FireDrill": true,
}

// Validate checks a configuration built by the loader and returns every
// problem found, sorted: unknown attributes, values of the wrong dimension
// or type, out-of-range static attributes, ArgList and IMFRegList entries
// that name no attribute, the ArgListValues limits, names that are not
// identifiers (NameError), strings no entry point can receive (StringError),
// dependency rules and cycles. It never panics on a configuration whose maps are filled.
func Validate(c *Config) syntax.ErrorList {
	v := &validator{c: c}
	v.names()
	for _, n := range c.TypeNames() {
		v.typ(c.Types[n])
	}
	for _, n := range c.ResourceNames() {
		v.resource(c.Resources[n])
	}
	for _, n := range c.GroupNames() {
		v.group(c.Groups[n])
	}
	v.resourceCycles()
	v.groupCycles()
	v.errs.Sort()
	return v.errs
}

type validator struct {
	c    *Config
	errs syntax.ErrorList
}

func (v *validator) errorf(p syntax.Pos, format string, args ...any) {
	v.errs.Add(p, fmt.Sprintf(format, args...))
}

func (v *validator) typ(t *Type) {
	for _, n := range t.Order {
		d := t.Attrs[n]
		what := fmt.Sprintf("attribute %s of type %s", n, t.Name)
		if cd, ok := Catalogue[n]; ok && (cd.Kind != d.Kind || cd.Dim != d.Dim || !d.Static) {
			v.errorf(d.Pos, "%s redeclares the static attribute as %s; it is static %s %s", what,
				describeDecl(d), cd.Kind, cd.Dim)
			continue
		}
		if d.HasDef && v.value(d.Default, d, d.Pos, what) && d.Static {
			v.static(n, d.Default, t.StaticPos[n], what)
		}
	}
	for _, n := range sortedKeys(t.Statics) {
		if d, declared := t.Attrs[n]; declared && d.HasDef && d.Static {
			continue // checked as the declaration's default
		}
		p := t.StaticPos[n]
		d, ok := t.Attr(n)
		switch {
		case !ok:
			v.errorf(p, "type %s has no attribute %s", t.Name, n)
		case !d.Static:
			v.errorf(p, "attribute %s of type %s is not static; give it a value as a default in its declaration", n, t.Name)
		default:
			what := fmt.Sprintf("attribute %s of type %s", n, t.Name)
			if v.value(t.Statics[n], d, p, what) {
				v.static(n, t.Statics[n], p, what)
			}
		}
	}
	for _, list := range []string{"ArgList", "IMFRegList"} {
		val, _ := t.StaticValue(list)
		p, ok := t.StaticPos[list]
		if !ok {
			p = t.Pos
		}
		for _, e := range val.List {
			v.listEntry(t, list, e, p)
		}
	}
}

func describeDecl(d *AttrDef) string {
	s := d.Kind.String() + " " + d.Dim.String()
	if !d.Static {
		s = "non-static " + s
	}
	return s
}

// listEntry checks that an ArgList or IMFRegList entry names an attribute;
// for a Ref:Attr entry, that Ref is a scalar attribute of the type.
func (v *validator) listEntry(t *Type, list, e string, p syntax.Pos) {
	ref, attr, isRef := strings.Cut(e, ":")
	if !isRef {
		if _, ok := t.Attr(e); !ok && ResourceCatalogue[e] == nil {
			v.errorf(p, "%s of type %s names %s, which is not an attribute of the type", list, t.Name, e)
		}
		return
	}
	d, ok := t.Attr(ref)
	switch {
	case ref == "" || attr == "" || strings.Contains(attr, ":"):
		v.errorf(p, "%s of type %s has malformed reference entry %q (want RefAttr:Attr)", list, t.Name, e)
	case !ok:
		v.errorf(p, "%s entry %s of type %s: %s is not an attribute of the type", list, e, t.Name, ref)
	case d.Dim != Scalar || d.Kind != Str:
		v.errorf(p, "%s entry %s of type %s: %s must be a str scalar naming a resource", list, e, t.Name, ref)
	}
}

func (v *validator) resource(r *Resource) {
	t := r.Type
	names := append(sortedKeys(r.Values), sortedKeys(r.Overrides)...)
	for _, n := range names {
		val, isOverride := r.Overrides[n]
		if !isOverride {
			val = r.Values[n]
		}
		p, ok := r.ValuePos[n]
		if !ok {
			p = r.Pos
		}
		what := fmt.Sprintf("attribute %s of resource %s", n, r.Name)
		d, ok := t.Attr(n)
		if !ok {
			d = ResourceCatalogue[n]
		}
		switch {
		case d == nil:
			v.errorf(p, "resource %s: type %s has no attribute %s", r.Name, t.Name, n)
		case d.Temp:
			v.errorf(p, "%s is temporary and cannot be set in the configuration", what)
		case d.Static && NotOverridable[n]:
			v.errorf(p, "static attribute %s cannot be overridden for resource %s", n, r.Name)
		default:
			if v.value(val, d, p, what) {
				v.static(n, val, p, what)
			}
		}
	}
	v.perSystem(r)
	v.references(r)
	v.argListSize(r)
	v.links(r)
}

// perSystem checks the values of r written for one system: the attribute
// and value as any other, and a system that is declared (when main.cf
// declares systems).
func (v *validator) perSystem(r *Resource) {
	for _, n := range sortedKeys(r.PerSystem) {
		for _, sys := range sortedKeys(r.PerSystem[n]) {
			key := n + "@" + sys
			p, ok := r.SysValuePos[key]
			if !ok {
				p = r.Pos
			}
			what := fmt.Sprintf("attribute %s of resource %s", key, r.Name)
			d, ok := r.Type.Attr(n)
			if !ok {
				d = ResourceCatalogue[n]
			}
			if _, declared := v.c.SystemPos[sys]; !declared && len(v.c.Systems) > 0 {
				v.errorf(p, "%s: system %s is not declared", what, sys)
			}
			switch {
			case d == nil:
				v.errorf(p, "resource %s: type %s has no attribute %s", r.Name, r.Type.Name, n)
			case d.Temp:
				v.errorf(p, "%s is temporary and cannot be set in the configuration", what)
			case d.Static && NotOverridable[n]:
				v.errorf(p, "static attribute %s cannot be overridden for resource %s", n, r.Name)
			default:
				if val := r.PerSystem[n][sys]; v.value(val, d, p, what) {
					v.static(n, val, p, what)
				}
			}
		}
	}
}

// references checks, for each Ref:Attr entry of ArgList and IMFRegList,
// that the resource named by Ref exists and has Attr.
func (v *validator) references(r *Resource) {
	for _, list := range []string{"ArgList", "IMFRegList"} {
		val, _ := r.Type.StaticValue(list)
		for _, e := range val.List {
			ref, attr, isRef := strings.Cut(e, ":")
			if !isRef || ref == "" || attr == "" {
				continue
			}
			target := r.Str(ref)
			if target == "" {
				continue
			}
			p, ok := r.ValuePos[ref]
			if !ok {
				p = r.Pos
			}
			tr, ok := v.c.Resources[target]
			if !ok {
				v.errorf(p, "resource %s: %s names resource %s, which does not exist (%s entry %s)", r.Name, ref, target, list, e)
				continue
			}
			if _, ok := tr.Attr(attr); !ok {
				v.errorf(p, "resource %s: resource %s named by %s has no attribute %s (%s entry %s)", r.Name, target, ref, attr, list, e)
			}
		}
	}
}

func (v *validator) argListSize(r *Resource) {
	n, size := 0, 0
	add := func(val Value) {
		for _, s := range val.Elements() {
			n++
			size += len(s) + 1
		}
	}
	for _, e := range r.Type.ArgList() {
		size += len(e) + 12 // the tuple's name and count
		if ref, attr, isRef := strings.Cut(e, ":"); isRef {
			if tr, ok := v.c.Resources[r.Str(ref)]; ok {
				val, _ := tr.Attr(attr)
				add(val)
			} else {
				n++
			}
			continue
		}
		val, _ := r.Attr(e)
		add(val)
	}
	if n > MaxArgListValues {
		v.errorf(r.Pos, "resource %s: ArgListValues would hold %d values, over the limit of %d", r.Name, n, MaxArgListValues)
	}
	if size > MaxArgListBytes {
		v.errorf(r.Pos, "resource %s: ArgListValues would be %d bytes long, over the limit of %d", r.Name, size, MaxArgListBytes)
	}
}

func (v *validator) links(r *Resource) {
	for i, c := range r.Requires {
		p := r.Pos
		if i < len(r.RequirePos) {
			p = r.RequirePos[i]
		}
		if c.Group != r.Group && c.Group != nil && r.Group != nil {
			v.errorf(p, "dependency %s requires %s links resources of different groups (%s and %s)",
				r.Name, c.Name, r.Group.Name, c.Group.Name)
		}
		if op := r.Str("Operations"); op == "None" || op == "OnOnly" {
			v.errorf(p, "dependency %s requires %s: resource %s of type %s (Operations = %s) cannot be a parent",
				r.Name, c.Name, r.Name, r.Type.Name, op)
		}
	}
}

func (v *validator) group(g *Group) {
	sl := g.Attrs["SystemList"]
	if _, ok := g.Attrs["SystemList"]; ok && v.value(sl, &AttrDef{Kind: Int, Dim: Assoc}, g.AttrPos["SystemList"],
		"attribute SystemList of group "+g.Name) && len(v.c.Systems) > 0 {
		for _, kv := range sl.Assoc {
			if _, ok := v.c.SystemPos[kv.Key]; !ok {
				v.errorf(g.AttrPos["SystemList"], "group %s: SystemList names system %s, which is not declared", g.Name, kv.Key)
			}
		}
	}
	if as, ok := g.Attrs["AutoStartList"]; ok && v.value(as, &AttrDef{Kind: Str, Dim: Keylist},
		g.AttrPos["AutoStartList"], "attribute AutoStartList of group "+g.Name) {
		for _, s := range as.List {
			if _, ok := sl.Get(s); !ok {
				v.errorf(g.AttrPos["AutoStartList"], "group %s: AutoStartList names system %s, which is not in its SystemList", g.Name, s)
			}
		}
	}
	if p, ok := g.Attrs["Parallel"]; ok && v.value(p, &AttrDef{Kind: Int}, g.AttrPos["Parallel"],
		"attribute Parallel of group "+g.Name) && p.Scalar != "0" && p.Scalar != "1" && p.Scalar != "2" {
		v.errorf(g.AttrPos["Parallel"], "attribute Parallel of group %s must be 0, 1 or 2, not %s", g.Name, p.Scalar)
	}
	seen := map[string]bool{}
	for _, d := range g.Requires {
		switch {
		case v.c.Groups[d.Child] == nil:
			v.errorf(d.Pos, "group %s requires group %s, which does not exist", g.Name, d.Child)
		case d.Child == g.Name:
			v.errorf(d.Pos, "group %s requires itself", g.Name)
		case seen[d.Child]:
			v.errorf(d.Pos, "group %s requires group %s twice", g.Name, d.Child)
		}
		seen[d.Child] = true
	}
}
