package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDumpRotatesPrevious: every dump that changes main.cf keeps the copy
// it replaces as main.cf.previous and shifts the older ones, up to
// Generations copies; a dump that changes nothing rotates nothing.
func TestDumpRotatesPrevious(t *testing.T) {
	dir := t.TempDir()
	mainCF := filepath.Join(dir, "main.cf")
	if err := os.WriteFile(mainCF, []byte("include \"types.cf\"\n\ngroup g0 (\n\t)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(mainCF)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= Generations+2; i++ {
		cfg.Cluster = fmt.Sprintf("c%d", i)
		if err := Dump(cfg, dir); err != nil {
			t.Fatal(err)
		}
	}
	if err := Dump(cfg, dir); err != nil { // unchanged
		t.Fatal(err)
	}
	want := map[string]string{"main.cf": "c7", "main.cf.previous": "c6", "main.cf.previous.1": "c5",
		"main.cf.previous.4": "c2"}
	for f, c := range want {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !strings.Contains(string(b), "cluster "+c) {
			t.Errorf("%s: want cluster %s, got %v:\n%s", f, c, err, b)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("main.cf.previous.%d", Generations))); err == nil {
		t.Errorf("more than %d generations kept", Generations)
	}
}
