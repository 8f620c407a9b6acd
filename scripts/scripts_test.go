package scripts_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-ha/vigil/scripts"
)

// TestMaterialise checks the tree layout, modes, and that a second call
// leaves unchanged files alone.
func TestMaterialise(t *testing.T) {
	home := t.TempDir()
	if err := scripts.Materialise(home); err != nil {
		t.Fatal(err)
	}
	for path, mode := range map[string]os.FileMode{
		"bin/ag_i18n_inc.sh": 0o644, "bin/ag_i18n_inc.pm": 0o644,
		"bin/FileOnOff/monitor": 0o755, "bin/FileOnOff/online": 0o755, "bin/FileNone/monitor": 0o755,
		"bin/ElifNone/monitor": 0o755, "bin/FileOnOnly/clean": 0o755, "bin/FileData/actions/checksum": 0o755,
		"bin/FileData/FileDataTypes.cf": 0o644,
	} {
		st, err := os.Stat(filepath.Join(home, path))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %04o, want %04o", path, st.Mode().Perm(), mode)
		}
	}
	before, _ := os.Stat(filepath.Join(home, "bin/ag_i18n_inc.sh"))
	if err := scripts.Materialise(home); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(filepath.Join(home, "bin/ag_i18n_inc.sh"))
	if !os.SameFile(before, after) {
		t.Error("an unchanged file was rewritten")
	}
	want := []string{"Application", "ElifNone", "FileData", "FileNone", "FileOnOff", "FileOnOnly", "Mount", "Phantom", "Process"}
	if got := scripts.Agents(); len(got) != len(want) {
		t.Errorf("Agents() = %v, want %v", got, want)
	}
}
