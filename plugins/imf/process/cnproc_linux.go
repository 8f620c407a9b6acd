package process

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// ErrLost: the kernel dropped events (ENOBUFS): what the source knows may
// be stale, and every resource it serves must be monitored again.
var ErrLost = errors.New("events lost")

// Proc connector constants (linux/cn_proc.h, linux/connector.h); x/sys
// does not carry them.
const (
	cnIdxProc    = 1
	cnValProc    = 1
	mcastListen  = 1
	mcastIgnore  = 2
	procEvFork   = 0x00000001
	procEvExec   = 0x00000002
	procEvExit   = 0x80000000
	nlHdrLen     = 16
	cnMsgLen     = 20
	procEvHdrLen = 16
)

// ProcEventKind is the kind of a proc connector event.
type ProcEventKind int

// Proc connector event kinds the plugin subscribes to.
const (
	ProcFork ProcEventKind = iota + 1
	ProcExec
	ProcExit
)

// ProcEvent is one proc connector event. For ProcFork, PID/TGID are the
// child's and ParentTGID the parent's.
type ProcEvent struct {
	Kind       ProcEventKind
	PID, TGID  int
	ParentTGID int
}

// ConnOptions configure the proc connector.
type ConnOptions struct {
	// RcvBuf is the socket receive buffer in bytes; 0 means 8 MiB. It is set
	// with SO_RCVBUFFORCE where allowed, else SO_RCVBUF (capped by rmem_max).
	RcvBuf int
	// Legacy subscribes without the 6.6 kernel-side filter.
	Legacy bool
}

// Conn is a subscription to the netlink proc connector (fork, exec and exit
// of every process of the machine). It works only in the initial user and
// PID namespaces.
type Conn struct {
	fd, ep, wake int
	mu           sync.Mutex
	closed       bool
	inRecv       bool
	buf          []byte
}

// OpenConn subscribes to the proc connector.
func OpenConn(o ConnOptions) (*Conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_CONNECTOR)
	if err != nil {
		return nil, fmt.Errorf("proc connector socket: %w", err)
	}
	c := &Conn{fd: fd, ep: -1, wake: -1, buf: make([]byte, 64<<10)}
	if err := c.setup(o); err != nil {
		c.release()
		return nil, err
	}
	return c, nil
}

func (c *Conn) setup(o ConnOptions) error {
	size := o.RcvBuf
	if size <= 0 {
		size = 8 << 20
	}
	if err := unix.SetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, size); err != nil {
		if err := unix.SetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_RCVBUF, size); err != nil {
			return fmt.Errorf("proc connector receive buffer: %w", err)
		}
	}
	if err := unix.Bind(c.fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: cnIdxProc}); err != nil {
		return fmt.Errorf("proc connector bind: %w", err)
	}
	if err := c.control(mcastListen, o.Legacy || !kernelAtLeast(6, 6)); err != nil {
		return fmt.Errorf("proc connector subscribe: %w", err)
	}
	var err error
	if c.ep, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return fmt.Errorf("epoll: %w", err)
	}
	if c.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		return fmt.Errorf("eventfd: %w", err)
	}
	for _, fd := range []int{c.fd, c.wake} {
		if err := unix.EpollCtl(c.ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}); err != nil {
			return fmt.Errorf("epoll add: %w", err)
		}
	}
	return nil
}

// control sends a listen or ignore request; with the 6.6 filter, only
// fork, exec and exit events are queued for this socket.
func (c *Conn) control(op uint32, legacy bool) error {
	payload := 8
	if legacy {
		payload = 4
	}
	b := make([]byte, nlHdrLen+cnMsgLen+payload)
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(len(b)))
	le.PutUint16(b[4:], unix.NLMSG_DONE)
	le.PutUint32(b[12:], uint32(unix.Getpid()))
	le.PutUint32(b[16:], cnIdxProc)
	le.PutUint32(b[20:], cnValProc)
	le.PutUint16(b[32:], uint16(payload))
	le.PutUint32(b[36:], op)
	if !legacy {
		le.PutUint32(b[40:], procEvFork|procEvExec|procEvExit)
	}
	return unix.Sendto(c.fd, b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
}

// kernelAtLeast compares the running kernel's release with major.minor.
func kernelAtLeast(major, minor int) bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	var ma, mi int
	fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &ma, &mi)
	return ma > major || (ma == major && mi >= minor)
}

// Receive blocks until events arrive and returns them. When the kernel
// dropped events it returns what it read with an error wrapping ErrLost;
// the subscription stays usable. After Close it returns ErrClosed.
func (c *Conn) Receive() ([]ProcEvent, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	c.inRecv = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.inRecv = false
		if c.closed {
			c.release()
		}
		c.mu.Unlock()
	}()
	evs := make([]unix.EpollEvent, 2)
	for {
		if _, err := unix.EpollWait(c.ep, evs, -1); err != nil && !errors.Is(err, unix.EINTR) {
			return nil, fmt.Errorf("epoll wait: %w", err)
		}
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if closed {
			return nil, ErrClosed
		}
		out, err := c.drain()
		if len(out) > 0 || err != nil {
			return out, err
		}
	}
}

// drain reads every queued datagram without blocking.
func (c *Conn) drain() ([]ProcEvent, error) {
	var out []ProcEvent
	for {
		n, from, err := unix.Recvfrom(c.fd, c.buf, unix.MSG_DONTWAIT)
		switch {
		case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
			return out, nil
		case errors.Is(err, unix.ENOBUFS):
			return out, fmt.Errorf("proc connector: %w (receive buffer overrun)", ErrLost)
		case err != nil:
			return out, fmt.Errorf("proc connector receive: %w", err)
		}
		if nl, ok := from.(*unix.SockaddrNetlink); !ok || nl.Pid != 0 {
			continue // only the kernel speaks on this group
		}
		for b := c.buf[:n]; len(b) >= nlHdrLen; {
			l := int(binary.LittleEndian.Uint32(b[0:]))
			if l < nlHdrLen || l > len(b) {
				break
			}
			if ev, ok := parseProcEvent(b[nlHdrLen:l]); ok {
				out = append(out, ev)
			}
			b = b[min((l+3)&^3, len(b)):]
		}
	}
}

// parseProcEvent decodes cn_msg + proc_event.
func parseProcEvent(b []byte) (ProcEvent, bool) {
	le := binary.LittleEndian
	if len(b) < cnMsgLen+procEvHdrLen+8 || le.Uint32(b[0:]) != cnIdxProc || le.Uint32(b[4:]) != cnValProc {
		return ProcEvent{}, false
	}
	ev := b[cnMsgLen:]
	d := ev[procEvHdrLen:]
	u := func(i int) int { return int(le.Uint32(d[4*i:])) }
	switch le.Uint32(ev[0:]) {
	case procEvFork:
		if len(d) < 16 {
			return ProcEvent{}, false
		}
		return ProcEvent{Kind: ProcFork, ParentTGID: u(1), PID: u(2), TGID: u(3)}, true
	case procEvExec:
		return ProcEvent{Kind: ProcExec, PID: u(0), TGID: u(1)}, true
	case procEvExit:
		return ProcEvent{Kind: ProcExit, PID: u(0), TGID: u(1)}, true
	}
	return ProcEvent{}, false
}

// Close unsubscribes and ends Receive.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	c.control(mcastIgnore, !kernelAtLeast(6, 6))
	if c.inRecv {
		unix.Write(c.wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	} else {
		c.release()
	}
	return nil
}

// release closes the descriptors. Callers hold mu (or own c alone).
func (c *Conn) release() {
	for _, fd := range []*int{&c.fd, &c.ep, &c.wake} {
		if *fd >= 0 {
			unix.Close(*fd)
			*fd = -1
		}
	}
}
