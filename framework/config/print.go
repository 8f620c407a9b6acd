package config

import (
	"bufio"
	"io"
	"sort"
	"strings"

	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/model"
)

// PrintMain writes the main.cf text of cfg in the style of hacf: include
// directives, the cluster, the systems, the types defined in main.cf itself,
// then each group with its group dependencies, its resources in
// configuration order and their dependencies. Temporary attributes are not
// written.
func PrintMain(w io.Writer, cfg *model.Config) error {
	bw := bufio.NewWriter(w)
	p := &printer{w: bw}
	for _, inc := range cfg.Includes {
		p.line("include ", quote(inc))
	}
	if len(cfg.Includes) > 0 {
		p.line()
	}
	if cfg.Cluster != "" {
		p.line("cluster ", name(cfg.Cluster), " (")
		for _, k := range sortedNames(cfg.ClusterAt) {
			p.line("\t", k, " = ", value(cfg.ClusterAt[k]))
		}
		p.line("\t)\n")
	}
	for _, s := range cfg.Systems {
		p.line("system ", name(s), " (\n\t)\n")
	}
	if len(cfg.Files) > 0 {
		for _, t := range typesOf(cfg, cfg.Files[0]) {
			p.typ(t)
		}
	}
	for _, gn := range groupOrder(cfg) {
		p.group(cfg.Groups[gn])
	}
	return bw.Flush()
}

// PrintTypes writes a types file: its include directives, then the types.
func PrintTypes(w io.Writer, includes []string, types []*model.Type) error {
	bw := bufio.NewWriter(w)
	p := &printer{w: bw}
	for _, inc := range includes {
		p.line("include ", quote(inc))
	}
	if len(includes) > 0 {
		p.line()
	}
	for _, t := range types {
		p.typ(t)
	}
	return bw.Flush()
}

// typesOf returns the types defined in file, in file order.
func typesOf(cfg *model.Config, file string) []*model.Type {
	var out []*model.Type
	for _, t := range cfg.Types {
		if t.Pos.File == file {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// groupOrder returns the groups in the order they were defined (name order
// for groups without a position).
func groupOrder(cfg *model.Config) []string {
	names := cfg.GroupNames()
	sort.SliceStable(names, func(i, j int) bool {
		a, b := cfg.Groups[names[i]].Pos, cfg.Groups[names[j]].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return names
}

type printer struct {
	w *bufio.Writer
}

func (p *printer) line(parts ...string) {
	for _, s := range parts {
		p.w.WriteString(s)
	}
	p.w.WriteByte('\n')
}

func (p *printer) typ(t *model.Type) {
	p.line("type ", name(t.Name), " (")
	for _, n := range t.Order {
		d := t.Attrs[n]
		var b strings.Builder
		b.WriteString("\t" + declText(d))
		if v, ok := t.Statics[n]; ok && d.Static && d.HasDef {
			b.WriteString(" = " + value(v))
		} else if d.HasDef {
			b.WriteString(" = " + value(d.Default))
		}
		p.line(b.String())
	}
	for _, n := range sortedNames(t.Statics) {
		if d, declared := t.Attrs[n]; !declared || !d.HasDef || !d.Static {
			p.line("\t", n, " = ", value(t.Statics[n]))
		}
	}
	p.line(")\n")
}

func (p *printer) group(g *model.Group) {
	p.line("group ", name(g.Name), " (")
	for _, k := range groupAttrOrder(g.Attrs) {
		if k == "TFrozen" {
			continue // temporary (vigil grp freeze without --persistent): never written
		}
		p.line("\t", k, " = ", value(g.Attrs[k]))
	}
	p.line("\t)\n")
	for _, d := range g.Requires {
		s := "\trequires group " + name(d.Child) + " " + d.Category + " " + d.Location
		if d.Rigidity != "" {
			s += " " + d.Rigidity
		}
		p.line(s)
	}
	if len(g.Requires) > 0 {
		p.line()
	}
	for _, r := range g.Resources {
		p.resource(r)
	}
	links := false
	for _, r := range g.Resources {
		for _, c := range r.Requires {
			p.line("\t", name(r.Name), " requires ", name(c.Name))
			links = true
		}
	}
	if links {
		p.line()
	}
}

func groupAttrOrder(attrs map[string]model.Value) []string {
	var out []string
	for _, k := range []string{"SystemList", "AutoStartList"} {
		if _, ok := attrs[k]; ok {
			out = append(out, k)
		}
	}
	for _, k := range sortedNames(attrs) {
		if k != "SystemList" && k != "AutoStartList" {
			out = append(out, k)
		}
	}
	return out
}

func (p *printer) resource(r *model.Resource) {
	p.line("\t", name(r.Type.Name), " ", name(r.Name), " (")
	all := map[string]model.Value{}
	for k, v := range r.Values {
		all[k] = v
	}
	for k, v := range r.Overrides {
		all[k] = v
	}
	var order []string
	for _, k := range r.Type.Order {
		if _, ok := all[k]; ok {
			order = append(order, k)
		}
	}
	for _, k := range sortedNames(all) {
		if _, declared := r.Type.Attrs[k]; !declared {
			order = append(order, k)
		}
	}
	for _, k := range order {
		if d, ok := r.Type.Attr(k); ok && d.Temp {
			continue
		}
		p.line("\t\t", k, " = ", value(all[k]))
	}
	for _, k := range sortedNames(r.PerSystem) {
		for _, sys := range sortedNames(r.PerSystem[k]) {
			p.line("\t\t", k, "@", name(sys), " = ", value(r.PerSystem[k][sys]))
		}
	}
	p.line("\t\t)\n")
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// value renders a value: a scalar, or a braced list of elements or pairs.
func value(v model.Value) string {
	switch v.Dim {
	case model.Scalar:
		return text(v.Scalar)
	case model.Assoc:
		if len(v.Assoc) == 0 {
			return "{}"
		}
		parts := make([]string, len(v.Assoc))
		for i, kv := range v.Assoc {
			parts[i] = text(kv.Key) + " = " + text(kv.Value)
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	default:
		if len(v.List) == 0 {
			return "{}"
		}
		parts := make([]string, len(v.List))
		for i, s := range v.List {
			parts[i] = text(s)
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
}

// text writes a scalar bare when it is a plain word or an integer, else quoted.
func text(s string) string {
	if isPlainWord(s) || syntax.IsInt(s) {
		return s
	}
	return quote(s)
}

// name writes a name bare unless it needs quotes or is a statement keyword.
func name(s string) string {
	if isPlainWord(s) && !syntax.IsKeyword(s) {
		return s
	}
	return quote(s)
}

func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// isPlainWord: a word as the lexer reads it, without '.' or ':' (hacf
// quotes those).
func isPlainWord(s string) bool { return syntax.IsWord(s) && !strings.ContainsAny(s, ".:") }
