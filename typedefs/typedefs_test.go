package typedefs

import (
	"io/fs"
	"strings"
	"testing"
)

func TestTypesIncludesEveryFile(t *testing.T) {
	all, err := fs.ReadFile(FS, "types.cf")
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(FS, "*Types.cf")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Errorf("only %d type files embedded, want at least 8", len(files))
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			if !strings.Contains(string(all), "include \""+f+"\"") {
				t.Errorf("types.cf does not include %s", f)
			}
		})
	}
}
