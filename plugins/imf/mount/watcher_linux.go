package mount

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"golang.org/x/sys/unix"
)

// ErrClosed is returned by Receive after Close.
var ErrClosed = errors.New("mount watcher closed")

// Watcher reports changes of the mount table: Receive blocks until
// /proc/self/mountinfo signals a change (EPOLLPRI) and returns the new
// table.
type Watcher struct {
	fd, ep, wake int
	mu           sync.Mutex
	closed       bool
	inRecv       bool
	buf          bytes.Buffer
}

// NewWatcher opens /proc/self/mountinfo and arms the epoll set.
func NewWatcher() (*Watcher, error) {
	w := &Watcher{fd: -1, ep: -1, wake: -1}
	var err error
	if w.fd, err = unix.Open("/proc/self/mountinfo", unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
		return nil, fmt.Errorf("open /proc/self/mountinfo: %w", err)
	}
	if w.ep, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		w.release()
		return nil, fmt.Errorf("epoll: %w", err)
	}
	if w.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		w.release()
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	for fd, evs := range map[int]uint32{w.fd: unix.EPOLLPRI | unix.EPOLLERR, w.wake: unix.EPOLLIN} {
		if err := unix.EpollCtl(w.ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: evs, Fd: int32(fd)}); err != nil {
			w.release()
			return nil, fmt.Errorf("epoll add: %w", err)
		}
	}
	return w, nil
}

// Table reads and parses the current table; it also re-arms readiness.
func (w *Watcher) Table() (Table, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, ErrClosed
	}
	return w.read()
}

func (w *Watcher) read() (Table, error) {
	if _, err := unix.Seek(w.fd, 0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("mountinfo seek: %w", err)
	}
	w.buf.Reset()
	chunk := make([]byte, 64<<10)
	for {
		n, err := unix.Read(w.fd, chunk)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("mountinfo read: %w", err)
		}
		if n == 0 {
			break
		}
		w.buf.Write(chunk[:n])
	}
	return ParseTable(bytes.NewReader(w.buf.Bytes()))
}

// Receive blocks until the table changes and returns it. After Close it
// returns ErrClosed.
func (w *Watcher) Receive() (Table, error) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil, ErrClosed
	}
	w.inRecv = true
	w.mu.Unlock()
	evs := make([]unix.EpollEvent, 2)
	for {
		n, err := unix.EpollWait(w.ep, evs, -1)
		if err != nil && !errors.Is(err, unix.EINTR) {
			w.mu.Lock()
			w.inRecv = false
			w.mu.Unlock()
			return nil, fmt.Errorf("epoll wait: %w", err)
		}
		w.mu.Lock()
		if w.closed {
			w.inRecv = false
			w.release()
			w.mu.Unlock()
			return nil, ErrClosed
		}
		changed := false
		for _, ev := range evs[:max(n, 0)] {
			changed = changed || int(ev.Fd) == w.fd
		}
		if !changed {
			w.mu.Unlock()
			continue
		}
		t, err := w.read()
		w.inRecv = false
		w.mu.Unlock()
		return t, err
	}
}

// Close ends Receive and closes the file.
func (w *Watcher) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	if w.inRecv {
		unix.Write(w.wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	} else {
		w.release()
	}
	return nil
}

func (w *Watcher) release() {
	for _, fd := range []*int{&w.fd, &w.ep, &w.wake} {
		if *fd >= 0 {
			unix.Close(*fd)
			*fd = -1
		}
	}
}
