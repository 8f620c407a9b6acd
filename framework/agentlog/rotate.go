package agentlog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// letterFile is an append-only log file that rotates by size the VCS way:
// the current file is always <base>_A.log; when a write would take it past
// max bytes, <base>_B.log becomes <base>_C.log and so on (the oldest beyond
// keep is dropped), <base>_A.log becomes <base>_B.log and a new _A is
// started. Time-stamped names, as general-purpose rotators make them, would
// not be found by the scripts and habits that read engine_B.log after a
// rotation.
type letterFile struct {
	mu   sync.Mutex
	dir  string
	base string // file name up to "_A.log", e.g. "engine"
	max  int64
	keep int // rotated files kept: _B .. up to 25 letters
	f    *os.File
	size int64
	// report formats the line that tells a failed rotation, in the
	// file's own format; retryAt is the size at which a failed rotation
	// is tried again (0: rotate at max).
	report  func(err error) []byte
	retryAt int64
}

// openLetterFile opens (appending to) dir/name, which must end in "_A.log".
func openLetterFile(dir, name string, limit int64, keep int) (*letterFile, error) {
	base, ok := strings.CutSuffix(name, "_A.log")
	if !ok {
		return nil, fmt.Errorf("log file %q: name must end in _A.log", name)
	}
	l := &letterFile{dir: dir, base: base, max: limit, keep: min(max(keep, 1), 25)}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *letterFile) path(i int) string {
	return filepath.Join(l.dir, fmt.Sprintf("%s_%c.log", l.base, 'A'+i))
}

func (l *letterFile) open() error {
	f, err := os.OpenFile(l.path(0), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640) // logs hold attribute values: not world-readable
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log: %w", err)
	}
	l.f, l.size = f, st.Size()
	return nil
}

// Write appends p, rotating first when p would take the file past max.
func (l *letterFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, os.ErrClosed
	}
	var failed error
	if l.size > 0 && l.size+int64(len(p)) > max(l.max, l.retryAt) {
		if failed = l.rotate(); failed != nil {
			// Keep logging into the current file rather than losing every
			// later line; say so in the log, and try again only after
			// another max bytes.
			if l.f == nil {
				if err := l.open(); err != nil {
					return 0, errors.Join(failed, err)
				}
			}
			l.retryAt = l.size + l.max
		} else {
			l.retryAt = 0
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	if failed != nil && l.report != nil {
		m, _ := l.f.Write(l.report(failed))
		l.size += int64(m)
	}
	return n, err
}

// rotate shifts every letter up by one and starts a new _A file.
func (l *letterFile) rotate() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("rotate log: %w", err)
	}
	l.f = nil
	_ = os.Remove(l.path(l.keep))
	for i := l.keep - 1; i >= 0; i-- {
		if err := os.Rename(l.path(i), l.path(i+1)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("rotate log: %w", err)
		}
	}
	return l.open()
}

// Sync flushes the current file to disk.
func (l *letterFile) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	return l.f.Sync()
}

// Close closes the current file; later writes fail.
func (l *letterFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
