package model

import (
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/config/syntax"
)

// testConfig builds a small configuration by hand: type Web with a str Root
// and a str NicRes, resources in group g, no positions but file names.
func testConfig() (*Config, *Type) {
	web := &Type{Name: "Web", Attrs: map[string]*AttrDef{
		"Root":   {Name: "Root", Kind: Str, Dim: Scalar},
		"Port":   {Name: "Port", Kind: Int, Dim: Scalar},
		"NicRes": {Name: "NicRes", Kind: Str, Dim: Scalar},
	}, Order: []string{"Root", "Port", "NicRes"}, Statics: map[string]Value{
		"ArgList": ListValue(Vector, "Root", "Port"),
	}, StaticPos: map[string]syntax.Pos{}, Pos: syntax.Pos{File: "types.cf", Line: 1, Col: 1}}
	g := &Group{Name: "g", Attrs: map[string]Value{}, AttrPos: map[string]syntax.Pos{}, Pos: syntax.Pos{File: "main.cf", Line: 1, Col: 1}}
	c := &Config{Types: map[string]*Type{"Web": web}, Groups: map[string]*Group{"g": g},
		Resources: map[string]*Resource{}, SystemPos: map[string]syntax.Pos{}}
	return c, web
}

func addResource(c *Config, name string, line int, values map[string]Value) *Resource {
	g := c.Groups["g"]
	r := &Resource{Name: name, Type: c.Types["Web"], Group: g, Values: map[string]Value{}, Overrides: map[string]Value{},
		ValuePos: map[string]syntax.Pos{}, Pos: syntax.Pos{File: "main.cf", Line: line, Col: 2}}
	for k, v := range values {
		if _, static := Catalogue[k]; static {
			r.Overrides[k] = v
		} else {
			r.Values[k] = v
		}
	}
	c.Resources[name] = r
	g.Resources = append(g.Resources, r)
	return r
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		setup func(c *Config, web *Type)
		want  []string
	}{
		{"valid", func(c *Config, web *Type) {
			addResource(c, "a", 2, map[string]Value{"Root": ScalarValue("/srv"), "Port": IntValue(80)})
		}, nil},
		{"int and boolean kinds", func(c *Config, web *Type) {
			addResource(c, "a", 2, map[string]Value{"Port": ScalarValue("eighty"), "Critical": ScalarValue("2")})
		}, []string{`main.cf:2:2: attribute Critical of resource a: "2" is not a boolean (0 or 1)`,
			`main.cf:2:2: attribute Port of resource a: "eighty" is not an integer`}},
		{"IMF override ranges", func(c *Config, web *Type) {
			addResource(c, "a", 2, map[string]Value{"IMF": AssocValue(KV{"Mode", "7"}, KV{"X", "1"})})
		}, []string{"main.cf:2:2: attribute IMF of resource a: Mode = 7 is out of range 0..3",
			"main.cf:2:2: attribute IMF of resource a: unknown key X (keys are Mode, MonitorFreq, RegisterRetryLimit)"}},
		{"cycle through three resources", func(c *Config, web *Type) {
			a := addResource(c, "a", 2, nil)
			b := addResource(c, "b", 3, nil)
			d := addResource(c, "d", 4, nil)
			a.Requires, a.RequirePos = []*Resource{b}, []syntax.Pos{{File: "main.cf", Line: 5, Col: 2}}
			b.Requires, b.RequirePos = []*Resource{d}, []syntax.Pos{{File: "main.cf", Line: 6, Col: 2}}
			d.Requires, d.RequirePos = []*Resource{a}, []syntax.Pos{{File: "main.cf", Line: 7, Col: 2}}
		}, []string{"main.cf:7:2: dependency cycle: a requires b requires d requires a"}},
		{"Ref:Attr entry with unknown reference attribute", func(c *Config, web *Type) {
			web.Statics["ArgList"] = ListValue(Vector, "Root", "Nic:Device")
		}, []string{"types.cf:1:1: ArgList entry Nic:Device of type Web: Nic is not an attribute of the type"}},
		{"ArgListValues limit counts vector elements", func(c *Config, web *Type) {
			web.Attrs["Many"] = &AttrDef{Name: "Many", Kind: Str, Dim: Vector}
			web.Statics["ArgList"] = ListValue(Vector, "Root", "Many")
			addResource(c, "a", 2, map[string]Value{"Many": ListValue(Vector, make([]string, 425)...)})
		}, []string{"main.cf:2:2: resource a: ArgListValues would hold 426 values, over the limit of 425"}},
		{"exactly 425 values is allowed", func(c *Config, web *Type) {
			web.Attrs["Many"] = &AttrDef{Name: "Many", Kind: Str, Dim: Vector}
			web.Statics["ArgList"] = ListValue(Vector, "Many")
			addResource(c, "a", 2, map[string]Value{"Many": ListValue(Vector, make([]string, 425)...)})
		}, nil},
		{"NumThreads at type level", func(c *Config, web *Type) {
			web.Statics["NumThreads"] = IntValue(31)
			web.StaticPos["NumThreads"] = syntax.Pos{File: "types.cf", Line: 3, Col: 2}
		}, []string{"types.cf:3:2: attribute NumThreads of type Web: 31 is out of range 1..30"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, web := testConfig()
			tc.setup(c, web)
			var got []string
			for _, e := range Validate(c) {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
