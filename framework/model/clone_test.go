package model

import "testing"

func TestCloneSharesNothingWritable(t *testing.T) {
	typ := &Type{Name: "T", Attrs: map[string]*AttrDef{}}
	g := &Group{Name: "g", Attrs: map[string]Value{"Parallel": ScalarValue("0")}}
	child := &Resource{Name: "c", Type: typ, Group: g, Values: map[string]Value{"A": ScalarValue("1")}}
	parent := &Resource{Name: "p", Type: typ, Group: g, Requires: []*Resource{child}}
	g.Resources = []*Resource{child, parent}
	cfg := &Config{Types: map[string]*Type{"T": typ}, Groups: map[string]*Group{"g": g},
		Resources: map[string]*Resource{"c": child, "p": parent}}

	cp := cfg.Clone()
	cp.Resources["c"].Values["A"] = ScalarValue("2")
	cp.Groups["g"].Attrs["Parallel"] = ScalarValue("1")

	if got := cfg.Resources["c"].Str("A"); got != "1" {
		t.Fatalf("original value changed to %q", got)
	}
	if cfg.Groups["g"].Parallel() {
		t.Fatal("original group attribute changed")
	}
	pc := cp.Resources["p"]
	if pc.Requires[0] != cp.Resources["c"] || pc.Group != cp.Groups["g"] || cp.Groups["g"].Resources[1] != pc {
		t.Fatal("links of the copy point outside it")
	}
	if pc.Requires[0].Str("A") != "2" {
		t.Fatal("a dependency of the copy does not see the copy's value")
	}
	if cp.Types["T"] != typ {
		t.Fatal("types are not shared")
	}
}
