package config

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/config/syntax"
)

// FuzzParse feeds arbitrary bytes to the parser and loader. Neither may
// panic; every diagnostic must carry a position; and whatever loads cleanly
// must print to text that loads cleanly and prints the same again. It lives
// here rather than beside the parser (syntax.FuzzSyntax) because it needs
// the loader and the printer; its corpus is testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte("include \"types.cf\"\ngroup g (\n)\n\tPhantom p (\n\t)\n"))
	f.Add([]byte("type T (\n\tstatic str ArgList[] = { A, \"R:B\" };\n\tstr A;\n\tstr R;\n)\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if f, _ := syntax.Parse("fuzz.cf", src); f == nil {
			t.Fatal("Parse returned no file")
		}
		cfg, err := LoadBytes("fuzz.cf", src)
		if err != nil {
			var list syntax.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %v", err)
			}
			for i, e := range list {
				if i == MaxErrors && strings.HasPrefix(e.Msg, "and ") {
					continue // the cap's count has no position
				}
				if e.Pos.Line < 1 || e.Pos.Col < 1 || e.Pos.File == "" {
					t.Fatalf("diagnostic without a position: %q", e.Error())
				}
			}
			return
		}
		var first bytes.Buffer
		if err := PrintMain(&first, cfg); err != nil {
			t.Fatal(err)
		}
		cfg2, err := LoadBytes("fuzz.cf", first.Bytes())
		if err != nil {
			t.Fatalf("printed configuration does not load: %v\n%s", err, first.Bytes())
		}
		var second bytes.Buffer
		if err := PrintMain(&second, cfg2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("printing is not a fixed point\nfirst:\n%s\nsecond:\n%s", first.Bytes(), second.Bytes())
		}
	})
}
