package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"

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
	src, err := readRegular(path, MaxFileSize)
	if err != nil {
		return nil, syntax.ErrorList{{Pos: syntax.Pos{File: path, Line: 1, Col: 1},
			Msg: fmt.Sprintf("cannot read configuration: %v", err)}}
	}
	l := &loader{seen: map[string]bool{}, dir: filepath.Dir(path), total: int64(len(src))}
	return l.load(source{path: path}, src)
}

// LoadBytes loads a main.cf given as bytes and named file in diagnostics.
// Its includes are resolved against the bundled typedefs only; nothing is
// read from disk.
func LoadBytes(file string, src []byte) (*model.Config, error) {
	l := &loader{seen: map[string]bool{}, dir: ".", noDisk: true}
	return l.load(source{path: file}, src)
}

// MaxErrors is how many diagnostics a load returns; the rest are counted
// in a last "and N more errors" entry.
const MaxErrors = 100

func (l *loader) load(main source, src []byte) (*model.Config, error) {
	f := l.parse(main, src)
	syntaxErrs := len(l.errs)
	cfg := l.build(f)
	if syntaxErrs == 0 {
		l.errs = append(l.errs, model.Validate(cfg)...)
	}
	l.errs.Sort()
	if len(l.errs) > 0 {
		return cfg, l.errs.Cap(MaxErrors)
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
	total  int64 // bytes read from disk so far
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
		data, err := readRegular(p, MaxFileSize)
		switch {
		case err == nil:
			if l.total += int64(len(data)); l.total > MaxTotalSize {
				return source{}, nil, fmt.Errorf("cannot read include file %q: %w: the configuration's files "+
					"together pass the limit of %s", name, ErrTooLarge, sizeText(MaxTotalSize))
			}
			return source{path: p}, data, nil
		case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
			return source{}, nil, fmt.Errorf("cannot read include file %q: %w", name, err)
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
