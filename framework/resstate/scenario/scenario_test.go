package scenario

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the scenario files with the output they produce")

// Dir is where the scenario files live, relative to this package.
const dir = "../../../testdata/scenarios"

// TestScenarios runs every scenario against the pure machine and compares
// the regenerated output with the file.
func TestScenarios(t *testing.T) {
	scripts, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatalf("no scenarios in %s", dir)
	}
	for _, s := range scripts {
		t.Run(filepath.Base(s.Name), func(t *testing.T) {
			out := Run(s)
			if *update {
				if err := os.WriteFile(s.Name, out.Text, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(s.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Text, want) {
				t.Errorf("output differs from %s (run with -update after checking):\n%s", s.Name, out.Text)
			}
			if bytes.Contains(out.Text, []byte("error: line")) {
				t.Errorf("scenario %s has a malformed step:\n%s", s.Name, out.Text)
			}
		})
	}
}
