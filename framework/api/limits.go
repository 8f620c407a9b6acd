package api

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"
)

// Limits bound what API clients may hold in the daemon, so that no number
// of idle, slow or abandoned clients can take the descriptors entry points
// need (a monitor needs pipes to run).
type Limits struct {
	// MaxConns is the most connections served at once; one over it gets a
	// 503 answer and is closed at once.
	MaxConns int
	// HeaderTimeout bounds the wait for a request's headers, on a new
	// connection or between requests of a kept-alive one.
	HeaderTimeout time.Duration
	// IdleTimeout closes a kept-alive connection with no request for so
	// long.
	IdleTimeout time.Duration
	// BodyTimeout bounds the reading of a request body.
	BodyTimeout time.Duration
}

// DefaultLimits are the daemon's limits: 128 connections (fewer when the
// descriptor limit is low: at most a quarter of it), 10 s for headers and
// bodies, 30 s idle.
func DefaultLimits() Limits {
	n := 128
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil && rl.Cur/4 < uint64(n) {
		n = max(int(rl.Cur/4), 1)
	}
	return Limits{MaxConns: n, HeaderTimeout: 10 * time.Second, IdleTimeout: 30 * time.Second,
		BodyTimeout: 10 * time.Second}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxConns <= 0 {
		l.MaxConns = d.MaxConns
	}
	if l.HeaderTimeout <= 0 {
		l.HeaderTimeout = d.HeaderTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = d.IdleTimeout
	}
	if l.BodyTimeout <= 0 {
		l.BodyTimeout = d.BodyTimeout
	}
	return l
}

// MaxBody is the largest request body, in bytes.
const MaxBody = 1 << 20

// readBody reads a request body of at most MaxBody bytes.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if len(b) > MaxBody {
		return nil, fmt.Errorf("request body too large (over %d bytes)", MaxBody)
	}
	return b, nil
}

// bodyDeadline makes the body of r arrive within d: a read deadline on the
// connection, cleared once the body has been read (a long --wait request
// must not be cut afterwards).
func bodyDeadline(w http.ResponseWriter, r *http.Request, d time.Duration) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(d)) != nil {
		return
	}
	r.Body = &deadlineBody{ReadCloser: r.Body, clear: func() { rc.SetReadDeadline(time.Time{}) }} //nolint:errcheck
}

// deadlineBody clears the connection's read deadline once the whole body
// has been read.
type deadlineBody struct {
	io.ReadCloser
	once  sync.Once
	clear func()
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF { // a body cut short keeps the deadline: the connection is closed
		b.once.Do(b.clear)
	}
	return n, err
}

// limitListener serves at most max connections at once; it answers one
// over the limit with 503 and closes it.
type limitListener struct {
	net.Listener
	sem chan struct{}
	log *zap.Logger
}

func newLimitListener(l net.Listener, max int, log *zap.Logger) net.Listener {
	return &limitListener{Listener: l, sem: make(chan struct{}, max), log: log}
}

const overLimitReply = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n" +
	"Content-Length: 53\r\n\r\n{\"error\":\"too many API connections; try again later\"}"

// Accept returns the next connection within the limit.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.sem <- struct{}{}:
			return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
		default:
			c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond)) //nolint:errcheck // best effort
			io.WriteString(c, overLimitReply)                          //nolint:errcheck // best effort
			c.Close()
			l.log.Warn("API connection refused: too many connections", zap.Int("limit", cap(l.sem)))
		}
	}
}

// limitConn gives back its slot once closed.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

// Close closes the connection and frees its slot.
func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
