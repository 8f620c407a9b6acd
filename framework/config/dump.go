package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigil-ha/vigil/framework/model"
)

// Dump writes cfg to dir: main.cf, and each types file that was read from
// the configuration directory (not the bundled typedefs) whose text changed. Every file is
// written atomically: to a temporary file in dir, synced, then renamed over
// the old one, whose content is kept as <name>.previous (and, for main.cf,
// the earlier ones as main.cf.previous.1 .. .4, rotatePrevious). A crash leaves
// either the old or the new file, never a half-written one. A value the
// language cannot hold (a string with a newline) is refused before anything
// is written.
func Dump(cfg *model.Config, dir string) error {
	if err := checkPrintable(cfg); err != nil {
		return fmt.Errorf("dump configuration: %w", err)
	}
	var buf bytes.Buffer
	if err := PrintMain(&buf, cfg); err != nil {
		return fmt.Errorf("print main.cf: %w", err)
	}
	files := map[string][]byte{"main.cf": append([]byte(nil), buf.Bytes()...)}
	for _, f := range cfg.Files[min(1, len(cfg.Files)):] {
		rel, err := filepath.Rel(cfg.Dir, f)
		if err != nil || rel == "main.cf" || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
			continue
		}
		buf.Reset()
		if err := PrintTypes(&buf, cfg.FileIncludes[f], typesOf(cfg, f)); err != nil {
			return fmt.Errorf("print %s: %w", rel, err)
		}
		files[rel] = append([]byte(nil), buf.Bytes()...)
	}
	// Types files first, so main.cf never names a types file that is not there yet.
	for _, rel := range sortedNames(files) {
		if rel == "main.cf" {
			continue
		}
		if cur, err := os.ReadFile(filepath.Join(dir, rel)); err == nil && bytes.Equal(cur, files[rel]) {
			continue // unchanged types files are left as they are, with no .previous copy
		}
		if err := WriteAtomic(filepath.Join(dir, rel), files[rel]); err != nil {
			return err
		}
	}
	mainCF := filepath.Join(dir, "main.cf")
	if cur, err := os.ReadFile(mainCF); err == nil {
		if bytes.Equal(cur, files["main.cf"]) {
			return nil // unchanged: the copies are left as they are
		}
		rotatePrevious(mainCF)
	}
	return WriteAtomic(mainCF, files["main.cf"])
}

// Generations is how many earlier copies of main.cf a dump keeps:
// main.cf.previous (the one just replaced), then main.cf.previous.1 (the
// one before) up to main.cf.previous.<Generations-1>.
const Generations = 5

// rotatePrevious shifts main.cf.previous to .previous.1, .1 to .2 and so
// on, dropping the oldest, so that the coming write's previous copy does not
// replace the last one. Each step is a rename; a failure leaves the older
// copies as they were and is not an error (the new write still keeps
// main.cf.previous).
func rotatePrevious(path string) {
	prev := path + ".previous"
	for i := Generations - 2; i >= 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", prev, i), fmt.Sprintf("%s.%d", prev, i+1))
	}
	os.Rename(prev, prev+".1")
}

// WriteAtomic replaces path with data atomically, keeping the old content
// as path.previous.
func WriteAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	mode := os.FileMode(0o644)
	old, statErr := os.Stat(path)
	if statErr == nil {
		mode = old.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if statErr == nil {
		if err := keepPrevious(path); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	done = true
	return syncDir(dir)
}

// CleanTemp removes the temporary files an interrupted WriteAtomic left in
// dir (.<name>.tmp-*). Call it only when no other writer can be at work
// (the daemon does, once it holds its state directory lock).
func CleanTemp(dir string) {
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	for _, p := range leftovers {
		os.Remove(p)
	}
}

// keepPrevious makes path.previous hold the current content of path: a hard
// link when the file system allows it, else a synced copy.
func keepPrevious(path string) error {
	prev := path + ".previous"
	if err := os.Remove(prev); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("remove %s: %w", prev, err)
	}
	if os.Link(path, prev) == nil {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("keep %s: %w", prev, err)
	}
	f, err := os.OpenFile(prev, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("keep %s: %w", prev, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("keep %s: %w", prev, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("keep %s: %w", prev, err)
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
