package amfxml

import (
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/model"
)

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"syntax", "<xml>\n<Register>\n</xml>", "d.xml:3:1: XML:"},
		{"root", "<top/>", "d.xml:1:1: the root element must be <xml>"},
		{"unknown RegType", "<xml>\n <Register>\n  <RegType>PRFOO</RegType>\n </Register>\n</xml>", `d.xml:3:1: unknown RegType "PRFOO"`},
		{"missing RegType", "<xml>\n<Register><ProcPattern>x</ProcPattern></Register></xml>", "d.xml:2:1: <Register> without <RegType>"},
		{"unknown tag", "<xml><Register>\n<RegType>PRON</RegType>\n<ProcPattern>a</ProcPattern>\n<Path>/x</Path></Register></xml>", "d.xml:4:1: unknown tag <Path> in a PRON block"},
		{"missing tag", "<xml><Register>\n<RegType>MNTON</RegType></Register></xml>", "MNTON block needs <MountPoint>"},
		{"duplicate block", "<xml>\n<Register><RegType>PRON</RegType><PidFile>/p</PidFile></Register>\n<Register><RegType>PRON</RegType><PidFile>/q</PidFile></Register></xml>", "d.xml:3:1: second PRON block (the first is at line 2)"},
		{"other element", "<xml>\n<Foo/></xml>", "d.xml:2:1: unknown element <Foo>"},
		{"empty", "<xml></xml>", "no <Register> block"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.in), "d.xml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func processType() *model.Type {
	return &model.Type{Name: "Process", Attrs: map[string]*model.AttrDef{
		"PathName": {Name: "PathName"}, "Arguments": {Name: "Arguments"}, "PidFile": {Name: "PidFile"},
		"Users": {Name: "Users", Dim: model.Vector},
	}}
}

func TestCheckAndResolve(t *testing.T) {
	in := `<xml>
  <Register>
    <RegType>PRON</RegType>
    <ProcPattern>${PathName} ${Arguments}</ProcPattern>
    <PidFile>${PidFile}</PidFile>
  </Register>
  <Register>
    <RegType>PROFF</RegType>
    <Path>${PathName}</Path>
    <args>${Arguments} ${Users}</args>
    <Owner>${NoSuchAttr}</Owner>
  </Register>
</xml>`
	d, err := Parse(strings.NewReader(in), "amfregister.xml")
	if err != nil {
		t.Fatal(err)
	}
	typ := processType()
	err = d.Check(typ)
	if err == nil || err.Error() != "amfregister.xml:11:1: <Owner>: ${NoSuchAttr}: type Process has no attribute NoSuchAttr" {
		t.Fatalf("check: %v", err)
	}
	r := &model.Resource{Name: "p1", Type: typ, Values: map[string]model.Value{
		"PathName": model.ScalarValue("/bin/sleep"), "Arguments": model.ScalarValue("100"),
		"Users": {Dim: model.Vector, List: []string{"a", "b"}}}}
	on := d.Resolve(r, true)
	if len(on) != 1 || on[0].RegType != "PRON" || on[0].Tags["ProcPattern"] != "/bin/sleep 100" || on[0].Tags["PidFile"] != "" {
		t.Errorf("online: %+v", on)
	}
	off := d.Resolve(r, false)
	if len(off) != 1 || off[0].Tags["args"] != "100 a b" || off[0].Tags["Path"] != "/bin/sleep" {
		t.Errorf("offline: %+v", off)
	}
}

// FuzzParse: no input makes Parse panic; an accepted descriptor has blocks
// of known RegTypes only.
func FuzzParse(f *testing.F) {
	f.Add("<xml><Register><RegType>PRON</RegType><ProcPattern>${A} x</ProcPattern></Register></xml>")
	f.Add("<xml>\n<Register><RegType>MNTOFF</RegType><MountPoint>/m</MountPoint></Register><Foo/></xml>")
	f.Add("<xml><Register><RegType>PROFF</RegType><Path>${}</Path></Register>")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Parse(strings.NewReader(in), "f.xml")
		if err != nil {
			return
		}
		for _, b := range d.Blocks {
			if _, ok := tags[b.RegType]; !ok {
				t.Fatalf("accepted unknown RegType %q", b.RegType)
			}
		}
	})
}
