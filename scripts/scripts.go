package scripts

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed ag_i18n_inc.sh ag_i18n_inc.pm vcsdecrypt all:agents
var tree embed.FS

// Agents returns the names of the bundled script agent types, sorted.
func Agents() []string {
	ents, _ := tree.ReadDir("agents")
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Materialise writes the compatibility tree into home (see the package
// documentation). Files already holding the right content are left alone;
// others are replaced atomically, so running entry points never see a
// half-written file. Entry points are made executable.
func Materialise(home string) error {
	bin := filepath.Join(home, "bin")
	for _, lib := range []string{"ag_i18n_inc.sh", "ag_i18n_inc.pm"} {
		if err := writeFrom(lib, filepath.Join(bin, lib), 0o644); err != nil {
			return err
		}
	}
	if err := writeFrom("vcsdecrypt", filepath.Join(bin, "vcsdecrypt"), 0o755); err != nil {
		return err
	}
	return fs.WalkDir(tree, "agents", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		mode := fs.FileMode(0o755)
		if ext := path.Ext(p); ext == ".cf" || ext == ".md" || ext == ".xml" {
			mode = 0o644
		}
		return writeFrom(p, filepath.Join(bin, filepath.FromSlash(strings.TrimPrefix(p, "agents/"))), mode)
	})
}

func writeFrom(src, dst string, mode fs.FileMode) error {
	data, err := tree.ReadFile(src)
	if err != nil {
		return fmt.Errorf("compatibility tree file %q: %w", src, err)
	}
	if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, data) {
		if st, err := os.Stat(dst); err == nil && st.Mode().Perm() == mode {
			return nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("compatibility tree %q: %w", dst, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".tmp-"+filepath.Base(dst))
	if err != nil {
		return fmt.Errorf("compatibility tree %q: %w", dst, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("compatibility tree %q: %w", dst, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("compatibility tree %q: %w", dst, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("compatibility tree %q: %w", dst, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("compatibility tree %q: %w", dst, err)
	}
	return nil
}
