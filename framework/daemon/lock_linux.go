package daemon

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// ErrLocked is wrapped when another daemon holds the state directory.
var ErrLocked = errors.New("state directory in use")

// lockFile is the name of the lock in the state directory.
const lockFile = "vigil.lock"

// stateLock is the exclusive lock of one state directory: a second daemon
// on the same directory would run every resource twice and overwrite the
// first one's intents.
type stateLock struct{ f *os.File }

// lockStateDir takes the lock of dir, without waiting, and writes this
// process's PID into it. The lock is an flock: the kernel drops it when
// the process dies, so a crashed daemon never blocks the next one.
func lockStateDir(dir string) (*stateLock, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock state directory: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		b, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			holder := "another process"
			if pid, perr := strconv.Atoi(string(bytes.TrimSpace(b))); perr == nil {
				holder = fmt.Sprintf("vigil agent pid %d", pid)
			}
			return nil, fmt.Errorf("%w: %s is held by %s (%s)", ErrLocked, dir, holder, path)
		}
		return nil, fmt.Errorf("lock state directory %s: %w", dir, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &stateLock{f: f}, nil
}

// unlock releases the lock. The file stays: removing it would let a third
// daemon lock a new file while a second still waits on the old one.
func (l *stateLock) unlock() {
	if l != nil && l.f != nil {
		l.f.Close()
		l.f = nil
	}
}
