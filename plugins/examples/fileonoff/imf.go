package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/plugins/sdk"
)

// watcher is the agent's IMF (sdk.IMF): one inotify instance watching the
// directory of every registered file, so that a file created, removed or
// renamed is reported at once instead of at the next poll. It is made at
// the first registration or notification stream, whichever comes first.
type watcher struct {
	mu   sync.Mutex
	f    *os.File          // the inotify instance
	wds  map[string]int    // directory -> watch descriptor
	dirs map[int]string    // watch descriptor -> directory
	res  map[string]string // registered file -> resource
}

var _ sdk.IMF = (*watcher)(nil)

func newWatcher() *watcher {
	return &watcher{wds: map[string]int{}, dirs: map[int]string{}, res: map[string]string{}}
}

// open makes the inotify instance; w.mu is held.
func (w *watcher) open() error {
	if w.f != nil {
		return nil
	}
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return fmt.Errorf("%w: inotify: %v", sdk.ErrIMFUnavailable, err)
	}
	w.f = os.NewFile(uintptr(fd), "inotify") // non-blocking: read through Go's poller
	return nil
}

// the changes that can turn a file into a regular file or take it away
const watchMask = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_ATTRIB |
	unix.IN_DELETE_SELF | unix.IN_MOVE_SELF

// IMFRegister starts or stops watching the resource's file (in either
// state: the same changes matter both ways).
func (w *watcher) IMFRegister(_ context.Context, r *sdk.Resource, on bool, _ bool) error {
	p, err := path(r)
	if err != nil {
		return err
	}
	p = filepath.Clean(p)
	dir := filepath.Dir(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !on {
		delete(w.res, p)
		for other := range w.res {
			if filepath.Dir(other) == dir {
				return nil // the directory still serves another file
			}
		}
		if wd, ok := w.wds[dir]; ok && w.f != nil {
			unix.InotifyRmWatch(int(w.f.Fd()), uint32(wd))
			delete(w.wds, dir)
			delete(w.dirs, wd)
		}
		return nil
	}
	if err := w.open(); err != nil {
		return err
	}
	if _, ok := w.wds[dir]; !ok {
		wd, err := unix.InotifyAddWatch(int(w.f.Fd()), dir, watchMask)
		if err != nil {
			return fmt.Errorf("watch %s: %w", dir, err)
		}
		w.wds[dir], w.dirs[wd] = wd, dir
	}
	w.res[p] = r.Name
	return nil
}

// IMFNotifications reads inotify events until ctx ends and names the
// resource of each registered file they concern; a queue overflow names
// every registered resource (a monitor of each tells the truth).
func (w *watcher) IMFNotifications(ctx context.Context, notify func(resource string)) error {
	w.mu.Lock()
	err := w.open()
	f := w.f
	w.mu.Unlock()
	if err != nil {
		return err
	}
	f.SetReadDeadline(time.Time{})
	stop := context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Now()) })
	defer stop()
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("read inotify: %w", err)
		}
		for _, name := range w.resources(buf[:n]) {
			notify(name)
		}
	}
}

// resources returns the registered resources the events in b concern.
func (w *watcher) resources(b []byte) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	seen := map[string]bool{}
	add := func(r string) {
		if r != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for len(b) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		size := unix.SizeofInotifyEvent + int(ev.Len)
		if size > len(b) {
			break
		}
		name := string(b[unix.SizeofInotifyEvent:size])
		for len(name) > 0 && name[len(name)-1] == 0 {
			name = name[:len(name)-1]
		}
		dir := w.dirs[int(ev.Wd)]
		if ev.Mask&unix.IN_IGNORED != 0 { // the watch is gone (its directory was removed)
			delete(w.wds, dir)
			delete(w.dirs, int(ev.Wd))
		}
		switch {
		case ev.Mask&unix.IN_Q_OVERFLOW != 0:
			for _, r := range w.res {
				add(r)
			}
		case name != "":
			add(w.res[filepath.Join(dir, name)])
		case dir != "": // the directory itself went away or moved
			for p, r := range w.res {
				if filepath.Dir(p) == dir {
					add(r)
				}
			}
		}
		b = b[size:]
	}
	return out
}
