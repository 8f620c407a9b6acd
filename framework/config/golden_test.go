package config

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/model"
)

var update = flag.Bool("update", false, "rewrite the .err golden files of testdata/config/invalid")

const testdataDir = "../../testdata/config"

// cases lists the inputs of a testdata directory: each .cf file and each
// subdirectory (a configuration directory with main.cf).
func cases(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".cf") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestInvalidGolden(t *testing.T) {
	dir := filepath.Join(testdataDir, "invalid")
	names := cases(t, dir)
	if len(names) < 40 {
		t.Errorf("only %d invalid inputs, want at least 40", len(names))
	}
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			_, err := Load(filepath.Join(dir, n))
			var list syntax.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("Load: got %v, want an ErrorList", err)
			}
			got := strings.ReplaceAll(list.Error(), dir+string(filepath.Separator), "") + "\n"
			golden := filepath.Join(dir, strings.TrimSuffix(n, ".cf")+".err")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("diagnostics differ\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestValidRoundTrip(t *testing.T) {
	dir := filepath.Join(testdataDir, "valid")
	names := cases(t, dir)
	if len(names) < 15 {
		t.Errorf("only %d valid configurations, want at least 15", len(names))
	}
	names = append(names, "../example")
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			cfg1, err := Load(filepath.Join(dir, n))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			out1 := t.TempDir()
			if err := Dump(cfg1, out1); err != nil {
				t.Fatalf("Dump: %v", err)
			}
			cfg2, err := Load(out1)
			if err != nil {
				t.Fatalf("Load of the printed configuration: %v\n%s", err, readAll(t, out1))
			}
			out2 := t.TempDir()
			if err := Dump(cfg2, out2); err != nil {
				t.Fatalf("Dump: %v", err)
			}
			if a, b := normalize(cfg1), normalize(cfg2); !reflect.DeepEqual(a, b) {
				t.Errorf("models differ after parse → print → parse\nprinted:\n%s", readAll(t, out1))
			}
			if a, b := readAll(t, out1), readAll(t, out2); a != b {
				t.Errorf("printing is not a fixed point\nfirst:\n%s\nsecond:\n%s", a, b)
			}
		})
	}
}

// readAll concatenates the .cf files of dir with their names.
func readAll(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".cf") {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		b.WriteString("== " + rel + "\n")
		b.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// normalize clears what legitimately differs between two loads of the same
// configuration from different places: positions and file paths.
func normalize(c *model.Config) *model.Config {
	c.Dir, c.Files, c.SystemPos = "", nil, nil
	incs := map[string][]string{}
	for f, v := range c.FileIncludes {
		incs[filepath.Base(f)] = v
	}
	c.FileIncludes = incs
	for _, t := range c.Types {
		t.Pos, t.StaticPos = syntax.Pos{}, nil
		for _, d := range t.Attrs {
			d.Pos = syntax.Pos{}
		}
	}
	for _, r := range c.Resources {
		r.Pos, r.ValuePos, r.RequirePos, r.SysValuePos = syntax.Pos{}, nil, nil, nil
	}
	for _, g := range c.Groups {
		g.Pos, g.AttrPos = syntax.Pos{}, nil
		for i := range g.Requires {
			g.Requires[i].Pos = syntax.Pos{}
		}
	}
	return c
}

func TestDumpKeepsPrevious(t *testing.T) {
	cfg, err := Load(filepath.Join(testdataDir, "example"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	main := filepath.Join(dir, "main.cf")
	if err := os.WriteFile(main, []byte("// old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Dump(cfg, dir); err != nil {
		t.Fatal(err)
	}
	prev, err := os.ReadFile(main + ".previous")
	if err != nil || string(prev) != "// old\n" {
		t.Errorf("main.cf.previous = %q, %v; want the old content", prev, err)
	}
	if st, err := os.Stat(main); err != nil {
		t.Error(err)
	} else if st.Mode().Perm() != 0o600 {
		t.Errorf("main.cf mode = %v, want the old file's 0600", st.Mode())
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestDumpRefusesNewline(t *testing.T) {
	cfg, err := Load(filepath.Join(testdataDir, "example"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Resources["httpd"].Values["Arguments"] = model.ScalarValue("-a\n-b")
	dir := t.TempDir()
	if err := Dump(cfg, dir); err == nil || !strings.Contains(err.Error(), "attribute Arguments of resource httpd holds a newline") {
		t.Fatalf("Dump: got %v, want a refusal naming the attribute", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "main.cf")); !os.IsNotExist(err) {
		t.Errorf("main.cf written despite the refusal (stat: %v)", err)
	}
}
