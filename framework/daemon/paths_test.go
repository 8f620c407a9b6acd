package daemon

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRelativePathsMadeAbsolute: a relative --config (and state, log and
// socket paths) is made absolute once, so triggers and entry points, which
// run in other working directories, find their files.
func TestRelativePathsMadeAbsolute(t *testing.T) {
	cfgDir := fixture(t)
	t.Chdir(filepath.Dir(cfgDir))
	s := settings(t, filepath.Base(cfgDir), "state")
	s.LogDir = "log"
	d, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for name, p := range map[string]string{"config dir": d.cfg.Dir, "config": d.s.Config, "state": d.s.StateDir,
		"log": d.s.LogDir, "socket": d.s.Socket} {
		if !filepath.IsAbs(p) {
			t.Errorf("%s path %q is not absolute", name, p)
		}
	}
	if d.cfg.Dir != cfgDir {
		t.Errorf("configuration directory %q, want %q", d.cfg.Dir, cfgDir)
	}
}

// TestLeftoversCleanedAtStart: the temporary files of writes a crash
// interrupted are removed at start; directories and logs the daemon
// creates are not world-readable.
func TestLeftoversCleanedAtStart(t *testing.T) {
	cfgDir := fixture(t)
	state := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	left := []string{filepath.Join(cfgDir, ".main.cf.tmp-12345"), filepath.Join(cfgDir, ".types.cf.tmp-9"),
		filepath.Join(state, ".tmp-intent.json123")}
	for _, p := range left {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := settings(t, cfgDir, state)
	d, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, p := range left {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("leftover %s still there", p)
		}
	}
	if fi, err := os.Stat(s.LogDir); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("log directory mode %v, %v; want 0750", fi.Mode().Perm(), err)
	}
	if fi, err := os.Stat(filepath.Join(s.LogDir, "engine_A.log")); err != nil || fi.Mode().Perm()&0o007 != 0 {
		t.Errorf("engine_A.log mode %v, %v; want no access for others (0640 before the umask)", fi.Mode().Perm(), err)
	}
}
