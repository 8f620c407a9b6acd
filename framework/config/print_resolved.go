package config

import (
	"bufio"
	"io"
	"sort"
	"strings"

	"github.com/vigil-ha/vigil/framework/model"
)

// PrintResolvedTypes writes every type of cfg, sorted by name, in types.cf
// form with all its static attributes resolved: the value written in the
// type, else the catalogue default. Non-static attributes follow in
// declaration order. This is what `vigil check --print` shows.
func PrintResolvedTypes(w io.Writer, cfg *model.Config) error {
	bw := bufio.NewWriter(w)
	p := &printer{w: bw}
	for _, tn := range cfg.TypeNames() {
		t := cfg.Types[tn]
		p.line("type ", name(tn), " (")
		statics := map[string]bool{}
		for n := range model.Catalogue {
			statics[n] = true
		}
		for n, d := range t.Attrs {
			if d.Static {
				statics[n] = true
			}
		}
		names := make([]string, 0, len(statics))
		for n := range statics {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			d, _ := t.Attr(n)
			v, _ := t.StaticValue(n)
			p.line("\t", declText(d), " = ", value(v))
		}
		for _, n := range t.Order {
			if d := t.Attrs[n]; !d.Static {
				s := "\t" + declText(d)
				if d.HasDef {
					s += " = " + value(d.Default)
				}
				p.line(s)
			}
		}
		p.line(")\n")
	}
	return bw.Flush()
}

// declText renders `[static] [temp] kind Name[dim]`.
func declText(d *model.AttrDef) string {
	var b strings.Builder
	if d.Static {
		b.WriteString("static ")
	}
	if d.Temp {
		b.WriteString("temp ")
	}
	if d.Dim == model.Keylist {
		b.WriteString("keylist ")
	} else {
		b.WriteString(d.Kind.String() + " ")
	}
	b.WriteString(d.Name)
	switch d.Dim {
	case model.Vector:
		b.WriteString("[]")
	case model.Assoc:
		b.WriteString("{}")
	}
	return b.String()
}
