package application

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCksumMatchesCksum1 compares with the system's cksum(1).
func TestCksumMatchesCksum1(t *testing.T) {
	tool, err := exec.LookPath("cksum")
	if err != nil {
		t.Skip("cksum(1) is not installed: nothing to compare with")
	}
	dir := t.TempDir()
	for name, content := range map[string]string{"empty": "", "short": "hello\n", "long": strings.Repeat("vigil ", 20000)} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		want, err := exec.Command(tool, "--", p).Output()
		if err != nil {
			t.Fatal(err)
		}
		got, err := cksum(p)
		if err != nil || got != strings.TrimSpace(string(want)) {
			t.Errorf("%s: cksum %q (%v), cksum(1) %q", name, got, err, want)
		}
	}
}
