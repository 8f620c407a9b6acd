package syntax

import (
	"sort"
	"testing"
)

// FuzzSyntax feeds arbitrary bytes to the parser alone: it may not panic,
// every diagnostic carries a position in the file, diagnostics are sorted,
// and every statement has a position. FuzzParse in package config goes
// further (load, print, reload).
func FuzzSyntax(f *testing.F) {
	f.Add([]byte("include \"types.cf\"\ngroup g (\n)\n\tPhantom p (\n\t)\n"))
	f.Add([]byte("type T (\n\tstatic str ArgList[] = { A, \"R:B\" };\n\tstr A;\n\tstr R;\n)\n"))
	f.Add([]byte("requires group g online local firm\n/* x */ a requires b // c\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, errs := Parse("fuzz.cf", src)
		if file == nil {
			t.Fatal("Parse returned no file")
		}
		if !sort.IsSorted(errs) {
			t.Fatalf("diagnostics not sorted:\n%v", errs)
		}
		for _, e := range errs {
			if e.Pos.File != "fuzz.cf" || e.Pos.Line < 1 || e.Pos.Col < 1 {
				t.Fatalf("diagnostic without a position: %q", e.Error())
			}
		}
		for _, s := range file.Stmts {
			if p := s.Position(); p.File != "fuzz.cf" || p.Line < 1 || p.Col < 1 {
				t.Fatalf("statement %T without a position: %v", s, p)
			}
		}
	})
}
