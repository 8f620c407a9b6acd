package runner_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/scripts"
)

var (
	homeOnce sync.Once
	homeDir  string
	homeErr  error
)

// vcsHome materialises the compatibility tree once per test binary.
func vcsHome(t testing.TB) string {
	t.Helper()
	homeOnce.Do(func() {
		homeDir, homeErr = os.MkdirTemp("", "vigil-vcshome-")
		if homeErr == nil {
			homeErr = scripts.Materialise(homeDir)
		}
	})
	if homeErr != nil {
		t.Fatalf("materialise VCS_HOME: %v", homeErr)
	}
	return homeDir
}

// interpreters are the shells every script test runs under.
var interpreters = []string{"/usr/bin/dash", "/usr/bin/bash"}

func needInterp(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not installed (make deps installs it): %v", path, err)
	}
}

// writeScript writes body with a #! line for interp to dir/name.
func writeScript(t testing.TB, dir, name, interp, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!"+interp+"\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// Tricky values: spaces, quotes, $, backticks, newlines, unicode, globs,
// leading dashes, empty strings and numbers that look like counts.
var (
	trickyStr   = "a  b \"q\" 'sq' $HOME `id` $(id) \\n\nline2\tTab * ? [x] ü€𝄞"
	trickyVec   = []string{"", "-1", "3", "has space", "new\nline", "`echo pwned`", "$1 $@", "-- --x", "é"}
	trickyKeys  = []string{"n1", "n 2", "ß"}
	trickyAssoc = []model.KV{{Key: "k 1", Value: "v\n1"}, {Key: "K2", Value: ""}, {Key: "$k", Value: "`v`"}}
)

// probeConfig returns a configuration with one resource of type Probe whose
// ArgList covers every dimension and a Ref:Attr entry.
func probeConfig(aep bool) (*model.Config, *model.Resource) {
	typ := &model.Type{Name: "Probe", Attrs: map[string]*model.AttrDef{}, Statics: map[string]model.Value{}}
	for _, d := range []model.AttrDef{
		{Name: "Str", Kind: model.Str, Dim: model.Scalar}, {Name: "Int", Kind: model.Int, Dim: model.Scalar},
		{Name: "Vec", Kind: model.Str, Dim: model.Vector}, {Name: "Key", Kind: model.Str, Dim: model.Keylist},
		{Name: "Assoc", Kind: model.Str, Dim: model.Assoc}, {Name: "Empty", Kind: model.Str, Dim: model.Vector},
		{Name: "Peer", Kind: model.Str, Dim: model.Scalar},
	} {
		d.Default = model.Zero(d.Dim)
		typ.Attrs[d.Name] = &d
		typ.Order = append(typ.Order, d.Name)
	}
	typ.Statics["ArgList"] = model.ListValue(model.Vector, "Str", "Int", "Vec", "Key", "Assoc", "Empty", "Peer:Str")
	if aep {
		typ.Statics["AEPTimeout"] = model.IntValue(1)
	}
	r := &model.Resource{Name: "probe res", Type: typ, Overrides: map[string]model.Value{}, Values: map[string]model.Value{
		"Str": model.ScalarValue(trickyStr), "Int": model.IntValue(-42),
		"Vec": model.ListValue(model.Vector, trickyVec...), "Key": model.ListValue(model.Keylist, trickyKeys...),
		"Assoc": model.AssocValue(trickyAssoc...), "Peer": model.ScalarValue("peer"),
	}}
	r.Overrides["MonitorTimeout"] = model.IntValue(17)
	peer := &model.Resource{Name: "peer", Type: typ, Values: map[string]model.Value{"Str": model.ScalarValue("peer's $tr")}}
	cfg := &model.Config{Types: map[string]*model.Type{"Probe": typ},
		Resources: map[string]*model.Resource{r.Name: r, "peer": peer}}
	return cfg, r
}

// splitNUL splits NUL-terminated records.
func splitNUL(b []byte) []string {
	s := string(b)
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\x00"), "\x00")
}
