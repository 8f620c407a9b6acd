package amfxml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/model"
)

// TestBundledDescriptors: every amfregister.xml shipped with a bundled
// agent parses and checks against the standard type of the same name.
func TestBundledDescriptors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.cf"), []byte("include \"types.cf\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../scripts/agents/*/" + FileName)
	if len(files) < 3 {
		t.Fatalf("bundled descriptors: %v", files)
	}
	for _, f := range files {
		typ := filepath.Base(filepath.Dir(f))
		t.Run(typ, func(t *testing.T) {
			d, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			ty, ok := cfg.Types[typ]
			if !ok {
				t.Fatalf("no standard type %s", typ)
			}
			if err := d.Check(ty); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestResolveLists(t *testing.T) {
	d, err := Parse(strings.NewReader(`<xml><Register><RegType>PRON</RegType><PidFile>${Files}</PidFile><ProcPattern>x ${Files}</ProcPattern></Register></xml>`), "l.xml")
	if err != nil {
		t.Fatal(err)
	}
	typ := &model.Type{Name: "A", Attrs: map[string]*model.AttrDef{"Files": {Name: "Files", Dim: model.Vector}}}
	r := &model.Resource{Name: "a", Type: typ, Values: map[string]model.Value{"Files": model.ListValue(model.Vector, "/a.pid", "/b.pid")}}
	got := d.Resolve(r, true)[0]
	if l := got.Lists["PidFile"]; len(l) != 2 || l[1] != "/b.pid" || got.Tags["PidFile"] != "/a.pid /b.pid" {
		t.Errorf("PidFile: %+v", got)
	}
	if _, ok := got.Lists["ProcPattern"]; ok || got.Tags["ProcPattern"] != "x /a.pid /b.pid" {
		t.Errorf("ProcPattern is not one ${Attr}: no list expected: %+v", got)
	}
}
