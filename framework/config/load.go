package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/typedefs"
)

// EmbeddedPrefix is how diagnostics name files of the bundled typedefs.
const EmbeddedPrefix = "typedefs/"

// Load reads a configuration: path is a directory (its main.cf is read) or
// a main.cf file. Includes are resolved against the including file's
// directory, then against the bundled typedefs. The configuration is
// validated (model.Validate); when anything is wrong the error is a
// syntax.ErrorList holding every diagnostic, sorted.
func Load(path string) (*model.Config, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "main.cf")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, syntax.ErrorList{{Pos: syntax.Pos{File: path, Line: 1, Col: 1},
			Msg: fmt.Sprintf("cannot read configuration: %v", unwrapPath(err))}}
	}
	return loadSource(source{path: path}, src, filepath.Dir(path), false)
}

// LoadBytes loads a main.cf given as bytes and named file in diagnostics.
// Its includes are resolved against the bundled typedefs only; nothing is
// read from disk.
func LoadBytes(file string, src []byte) (*model.Config, error) {
	return loadSource(source{path: file}, src, ".", true)
}

func loadSource(main source, src []byte, dir string, noDisk bool) (*model.Config, error) {
	l := &loader{seen: map[string]bool{}, dir: dir, noDisk: noDisk}
	f := l.parse(main, src)
	syntaxErrs := len(l.errs)
	cfg := l.build(f)
	if syntaxErrs == 0 {
		l.errs = append(l.errs, model.Validate(cfg)...)
	}
	l.errs.Sort()
	if len(l.errs) > 0 {
		return cfg, l.errs
	}
	return cfg, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// source names one configuration file: on disk, or in the embedded typedefs.
type source struct {
	path     string // as shown in diagnostics
	embedded bool   // path is EmbeddedPrefix + name in typedefs.FS
}

func (s source) key() string {
	if s.embedded {
		return "embed:" + s.path
	}
	if abs, err := filepath.Abs(s.path); err == nil {
		return "os:" + abs
	}
	return "os:" + s.path
}

// unit is one parsed file with the files it includes.
type unit struct {
	src      source
	file     *syntax.File
	includes []*unit
}

type loader struct {
	dir    string
	noDisk bool
	errs   syntax.ErrorList
	seen   map[string]bool
	parsed []*unit // every parsed file, in include (depth-first) order
}

// parse parses one file and, recursively, the files it includes.
func (l *loader) parse(s source, src []byte) *unit {
	l.seen[s.key()] = true
	f, errs := syntax.Parse(s.path, src)
	l.errs = append(l.errs, errs...)
	u := &unit{src: s, file: f}
	for _, st := range f.Stmts {
		inc, ok := st.(*syntax.Include)
		if !ok {
			continue
		}
		is, data, err := l.resolve(s, inc.Path)
		if err != nil {
			l.errs.Add(inc.Pos, err.Error())
			continue
		}
		if l.seen[is.key()] {
			continue
		}
		u.includes = append(u.includes, l.parse(is, data))
	}
	l.parsed = append(l.parsed, u)
	return u
}

// resolve finds an included file: beside the including file, then in the
// embedded typedefs (an embedded file's includes look only there).
func (l *loader) resolve(from source, name string) (source, []byte, error) {
	if name == "" {
		return source{}, nil, fmt.Errorf("empty include file name")
	}
	if !from.embedded && !l.noDisk {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(from.path), name)
		}
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return source{}, nil, fmt.Errorf("cannot read include file %q: %w", name, unwrapPath(err))
			}
			return source{path: p}, data, nil
		}
	}
	emb := name
	if from.embedded {
		emb = path.Join(path.Dir(from.path[len(EmbeddedPrefix):]), name)
	}
	if fs.ValidPath(emb) {
		if data, err := fs.ReadFile(typedefs.FS, emb); err == nil {
			return source{path: EmbeddedPrefix + emb, embedded: true}, data, nil
		}
	}
	return source{}, nil, fmt.Errorf("cannot find include file %q", name)
}
