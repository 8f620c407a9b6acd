package config

import (
	"errors"
	"fmt"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/config/syntax"
)

// hostileCase is one generated hostile configuration: setup writes it into
// dir and returns the path to load; want is a substring every run's
// diagnostics must hold.
type hostileCase struct {
	name  string
	setup func(t *testing.T, dir string) string
	want  string
}

const hostileTypes = "include \"types.cf\"\nsystem n1\ngroup g (\n\tSystemList = { n1 = 0 }\n)\n"

func writeMain(t *testing.T, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "main.cf")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mainWith(body string) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string { return writeMain(t, dir, hostileTypes+body) }
}

// includeOf makes main.cf include "x", made by mk.
func includeOf(mk func(t *testing.T, p string)) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		mk(t, filepath.Join(dir, "x"))
		return writeMain(t, dir, "include \"x\"\n"+hostileTypes)
	}
}

func mkfifo(t *testing.T, p string) {
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
}

func symlink(target string) func(t *testing.T, p string) {
	return func(t *testing.T, p string) {
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
}

func sparse(size int64) func(t *testing.T, p string) {
	return func(t *testing.T, p string) {
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
	}
}

func hostileCases(t *testing.T) []hostileCase {
	example, err := os.ReadFile(filepath.Join(testdataDir, "example", "main.cf"))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(12))
	binary := make([]byte, 64<<10)
	rng.Read(binary)
	cases := []hostileCase{
		{"binary", func(t *testing.T, dir string) string { return writeMain(t, dir, string(binary)) }, "unexpected character"},
		{"NUL megabyte", func(t *testing.T, dir string) string { return writeMain(t, dir, strings.Repeat("\x00", 1<<20)) },
			`unexpected character '\x00' (and 1048575 more unexpected bytes after it)`},
		{"NUL between words", func(t *testing.T, dir string) string {
			return writeMain(t, dir, strings.Repeat("a\x00", 1<<19))
		}, "more errors"},
		{"unicode character", mainWith("\tFileNone f ( PathName = «x» )\n"), "unexpected character '«'"},
		{"byte that is not UTF-8", mainWith("\tFileNone f ( PathName = \xff )\n"), "byte 0xff (not UTF-8)"},
		{"deep parentheses", mainWith(strings.Repeat("(", 100000)), "expected"},
		{"deep braces", mainWith("\tFileNone f ( PathName = " + strings.Repeat("{", 100000) + " )\n"), "expected"},
		{"huge sparse main.cf", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "main.cf")
			sparse(2<<30)(t, p)
			return p
		}, "too large: 2147483648 bytes, over the limit of 32 MiB"},
		{"huge sparse include", includeOf(sparse(2 << 30)), `cannot read include file "x": too large`},
		{"main.cf is /dev/zero", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "main.cf")
			symlink("/dev/zero")(t, p)
			return p
		}, "not a regular file: it is a character device"},
		{"main.cf is a FIFO", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "main.cf")
			mkfifo(t, p)
			return p
		}, "not a regular file: it is a named pipe (FIFO)"},
		{"include of a directory", includeOf(func(t *testing.T, p string) { os.Mkdir(p, 0o755) }),
			`cannot read include file "x": not a regular file: it is a directory`},
		{"include of a FIFO", includeOf(mkfifo), "it is a named pipe (FIFO)"},
		{"include of a device", includeOf(symlink("/dev/null")), "it is a character device"},
		{"include of a socket", includeOf(func(t *testing.T, p string) {
			l, err := net.Listen("unix", p)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
		}), "it is a socket"},
		{"include of a symlink loop", includeOf(func(t *testing.T, p string) {
			symlink(p+"2")(t, p)
			symlink(p)(t, p+"2")
		}), "it is a symbolic link loop"},
		{"include loop", func(t *testing.T, dir string) string {
			os.WriteFile(filepath.Join(dir, "a.cf"), []byte("include \"b.cf\"\ntype A ( str X )\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "b.cf"), []byte("include \"a.cf\"\ninclude \"main.cf\"\n"), 0o644)
			return writeMain(t, dir, "include \"a.cf\"\n"+hostileTypes+"\tA a ( X = 1 )\n\tBogus b ( )\n")
		}, "resource b has unknown type Bogus"},
		{"path-like type name", mainWith("type \"../../../../tmp/evil\" ( static i18nstr ArgList[] = { } )\n"),
			`type name "../../../../tmp/evil" must start with a letter`},
		{"path-like resource name", mainWith("\tFileNone \"a/../../b\" ( PathName = \"/tmp/f\" )\n"),
			`resource name "a/../../b" holds '/'`},
		{"int over 32 bits", mainWith("\tFileNone f ( PathName = x\n\t\tMonitorInterval = 2147483648 )\n"),
			"2147483648 is out of the 32-bit integer range"},
		{"negative limit", mainWith("\tFileNone f ( PathName = x\n\t\tRestartLimit = -1 )\n"), "-1 is out of range"},
		{"IMF Mode 9", mainWith("\tFileNone f ( PathName = x\n\t\tIMF = { Mode = 9 } )\n"), "Mode = 9 is out of range 0..3"},
		{"value over the argument limit", mainWith("\tFileNone f ( PathName = \"" + strings.Repeat("v", 200000) + "\" )\n"),
			"over the argument limit of 131071"},
		{"many errors", mainWith(strings.Repeat("\tFileNone f ( Bogus = 1 )\n", 5000)), "and "},
	}
	// Truncations of a valid configuration, at generated offsets.
	for i := 0; i < 12; i++ {
		n := rng.Intn(len(example))
		src := string(example[:n])
		cases = append(cases, hostileCase{fmt.Sprintf("truncated at %d", n),
			func(t *testing.T, dir string) string { return writeMain(t, dir, src) }, ""})
	}
	return cases
}

// TestHostileInput loads every generated hostile configuration: each ends,
// within a generous bound, in a precise error (every diagnostic but the
// cap's count has a file:line:col; at most MaxErrors of them) and within a
// memory bound, never a hang or a panic.
func TestHostileInput(t *testing.T) {
	const memBound = 256 << 20
	for _, tc := range hostileCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.setup(t, t.TempDir())
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			done := make(chan error, 1)
			go func() { _, err := Load(path); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Load still running after 30 s: it hangs")
			}
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > memBound {
				t.Errorf("Load allocated %d MiB, over the bound of %d MiB", alloc>>20, memBound>>20)
			}
			if err == nil {
				if tc.want != "" {
					t.Fatalf("loaded without error, want %q", tc.want)
				}
				return // a truncation may end on a statement boundary
			}
			var list syntax.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %v", err)
			}
			if len(list) > MaxErrors+1 {
				t.Errorf("%d diagnostics, over the cap of %d", len(list), MaxErrors)
			}
			for i, d := range list {
				if i == MaxErrors {
					if !strings.HasPrefix(d.Msg, "and ") || !strings.HasSuffix(d.Msg, " more errors") {
						t.Errorf("last diagnostic %q, want \"and N more errors\"", d.Msg)
					}
					continue
				}
				if d.Pos.File == "" || d.Pos.Line < 1 || d.Pos.Col < 1 {
					t.Errorf("diagnostic without a position: %q", d.Error())
				}
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("diagnostics lack %q:\n%.2000s", tc.want, err)
			}
		})
	}
}
