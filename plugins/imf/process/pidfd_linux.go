package process

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// ErrClosed is returned by Receive after Close.
var ErrClosed = errors.New("event source closed")

// ErrGone: the process is not alive (exited, a zombie, or its PID now
// names another process).
var ErrGone = errors.New("process is gone")

// Exit is one watched process that exited.
type Exit struct {
	ID  uint32 // from Add
	PID int
	Tag string
}

// PidSet watches processes for exit: one pidfd per process, all in one
// epoll set. Receive blocks until some exit; Close ends it.
type PidSet struct {
	ep, wake int
	mu       sync.Mutex
	next     uint32
	fds      map[uint32]pidEntry
	closed   bool
	inRecv   bool // Receive is running: it frees ep and wake when it sees closed
}

type pidEntry struct {
	fd, pid int
	tag     string
}

// NewPidSet opens the epoll set. It fails where pidfd_open is missing
// (kernels before 5.3), which makes PRON fall back to polling.
func NewPidSet() (*PidSet, error) {
	self, err := unix.PidfdOpen(unix.Getpid(), 0)
	if err != nil {
		return nil, fmt.Errorf("pidfd_open: %w", err)
	}
	unix.Close(self)
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: %w", err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(ep)
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, wake, &unix.EpollEvent{Events: unix.EPOLLIN}); err != nil {
		unix.Close(ep)
		unix.Close(wake)
		return nil, fmt.Errorf("epoll add: %w", err)
	}
	return &PidSet{ep: ep, wake: wake, next: 1, fds: map[uint32]pidEntry{}}, nil
}

// Add opens a pidfd for pid, then runs verify (which reads /proc to check
// the process is the expected one), then checks that the pidfd is still
// not readable: only then is the data verify read known to belong to the
// process the pidfd names. It returns the watch ID.
func (s *PidSet) Add(pid int, tag string, verify func(pid int) error) (uint32, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return 0, fmt.Errorf("pid %d: %w: %w", pid, ErrGone, err)
	}
	if verify != nil {
		if err := verify(pid); err != nil {
			unix.Close(fd)
			return 0, fmt.Errorf("pid %d: %w", pid, err)
		}
	}
	if exited(fd) {
		unix.Close(fd)
		return 0, fmt.Errorf("pid %d: %w", pid, ErrGone)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		unix.Close(fd)
		return 0, ErrClosed
	}
	id := s.next
	s.next++
	if err := unix.EpollCtl(s.ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(id)}); err != nil {
		unix.Close(fd)
		return 0, fmt.Errorf("pid %d: epoll add: %w", pid, err)
	}
	s.fds[id] = pidEntry{fd: fd, pid: pid, tag: tag}
	return id, nil
}

// exited reports whether a pidfd is readable (the process exited; a zombie
// counts as exited).
func exited(fd int) bool {
	p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(p, 0)
	return err == nil && n > 0
}

// Remove stops watching one process.
func (s *PidSet) Remove(id uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop(id)
}

func (s *PidSet) drop(id uint32) (pidEntry, bool) {
	e, ok := s.fds[id]
	if !ok {
		return e, false
	}
	delete(s.fds, id)
	unix.EpollCtl(s.ep, unix.EPOLL_CTL_DEL, e.fd, nil)
	unix.Close(e.fd)
	return e, true
}

// Len returns the number of watched processes.
func (s *PidSet) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.fds)
}

// Receive blocks until watched processes exit and returns them (they are
// no longer watched). After Close it returns ErrClosed.
func (s *PidSet) Receive() ([]Exit, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	s.inRecv = true
	s.mu.Unlock()
	evs := make([]unix.EpollEvent, 64)
	for {
		n, err := unix.EpollWait(s.ep, evs, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.inRecv = false
			s.release()
			s.mu.Unlock()
			return nil, ErrClosed
		}
		if err != nil {
			s.inRecv = false
			s.mu.Unlock()
			return nil, fmt.Errorf("epoll wait: %w", err)
		}
		var out []Exit
		for _, ev := range evs[:n] {
			if ev.Fd == 0 {
				continue // the wake eventfd
			}
			if e, ok := s.drop(uint32(ev.Fd)); ok {
				out = append(out, Exit{ID: uint32(ev.Fd), PID: e.pid, Tag: e.tag})
			}
		}
		if len(out) > 0 {
			s.inRecv = false
			s.mu.Unlock()
			return out, nil
		}
		s.mu.Unlock()
	}
}

// Close closes every pidfd and ends Receive.
func (s *PidSet) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	for id := range s.fds {
		s.drop(id)
	}
	if s.inRecv {
		unix.Write(s.wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	} else {
		s.release()
	}
	return nil
}

// release frees the epoll set and the wake descriptor. Callers hold mu.
func (s *PidSet) release() {
	unix.Close(s.ep)
	unix.Close(s.wake)
}
