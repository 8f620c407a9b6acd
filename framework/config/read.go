package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxFileSize is the largest configuration file (main.cf or an include)
// the loader reads, in bytes. A main.cf of 5,000 resources is about 1 MiB.
const MaxFileSize = 32 << 20

// MaxTotalSize bounds the bytes read for one configuration, every include
// counted.
const MaxTotalSize = 128 << 20

// ErrNotRegular is wrapped by the errors of a configuration file that is
// not a regular file (a directory, named pipe, device, socket or symbolic
// link loop); the loader never opens one for reading.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the errors of a configuration file over
// MaxFileSize, or of the file that takes a configuration over MaxTotalSize.
var ErrTooLarge = errors.New("too large")

// readRegular reads a configuration file: only a regular file (following
// symbolic links), at most limit bytes. The file is opened non-blocking, so
// a named pipe swapped in after the check cannot hang the loader, and
// checked again once open.
func readRegular(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, statError(err)
	}
	if err := regular(st, limit); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, statError(err)
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, unwrapPath(err)
	}
	if err := regular(st, limit); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: it grew past the limit of %s while being read", ErrTooLarge, sizeText(limit))
	}
	return data, nil
}

// regular returns an error naming what st is unless it is a regular file
// of at most limit bytes.
func regular(st fs.FileInfo, limit int64) error {
	m := st.Mode()
	switch {
	case m.IsDir():
		return fmt.Errorf("%w: it is a directory", ErrNotRegular)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("%w: it is a named pipe (FIFO)", ErrNotRegular)
	case m&fs.ModeSocket != 0:
		return fmt.Errorf("%w: it is a socket", ErrNotRegular)
	case m&fs.ModeCharDevice != 0:
		return fmt.Errorf("%w: it is a character device", ErrNotRegular)
	case m&fs.ModeDevice != 0:
		return fmt.Errorf("%w: it is a block device", ErrNotRegular)
	case !m.IsRegular():
		return fmt.Errorf("%w: it is a %v", ErrNotRegular, m.Type())
	case st.Size() > limit:
		return fmt.Errorf("%w: %d bytes, over the limit of %s", ErrTooLarge, st.Size(), sizeText(limit))
	}
	return nil
}

// statError turns a failed stat or open into the reason alone, naming a
// symbolic link loop as such.
func statError(err error) error {
	if errors.Is(err, syscall.ELOOP) {
		return fmt.Errorf("%w: it is a symbolic link loop", ErrNotRegular)
	}
	return unwrapPath(err)
}

func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
