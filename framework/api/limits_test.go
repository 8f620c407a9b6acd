package api

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/events"
)

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors: %v", err)
	}
	return len(ents)
}

// TestIdleConnectionsBounded: 3,000 connections that send nothing (or a
// body that never ends) hold at most Limits.MaxConns descriptors of the
// server, are closed by its timeouts, and a client after them is served.
func TestIdleConnectionsBounded(t *testing.T) {
	const clients, limit = 3000, 64
	sock := filepath.Join(t.TempDir(), "v.sock")
	l, err := Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lim := Limits{MaxConns: limit, HeaderTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond,
		BodyTimeout: 300 * time.Millisecond}
	go func() {
		NewServer(ServerOptions{Backend: &fakeBackend{}, Bus: events.NewBus(10, nil), AllowUID: os.Getuid(),
			Limits: lim}).Serve(ctx, l)
		close(done)
	}()
	defer func() { cancel(); <-done }()

	base := openFDs(t)
	conns := make([]net.Conn, 0, clients)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range clients {
		c, err := net.Dial("unix", sock)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		if i%2 == 1 { // a slow body: headers, then nothing
			io.WriteString(c, "POST /v1/resources/r1/online HTTP/1.1\r\nHost: v\r\nContent-Length: 100\r\n\r\n{")
		}
		conns = append(conns, c)
	}
	// The client side holds `clients` descriptors; the server at most limit
	// (plus a few of its own) however many connect.
	if extra := openFDs(t) - base - clients; extra > limit+16 {
		t.Errorf("server holds %d descriptors for %d idle clients, over the limit of %d", extra, clients, limit)
	}
	// Every connection is closed by the server: over the limit at once,
	// the others by the header or body timeout.
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.ReadAll(c); err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("connection %d not closed by the server: %v", i, err)
		}
	}
	c := NewClient(sock)
	cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer ccancel()
	if _, err := c.Status(cctx); err != nil {
		t.Fatalf("a client after the idle ones: %v", err)
	}
}

// TestBodyTooLarge: a body over MaxBody is refused as too large.
func TestBodyTooLarge(t *testing.T) {
	_, _, _, sock := serve(t)
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	body := `{"attribute":"` + strings.Repeat("x", MaxBody) + `"}`
	go io.WriteString(c, "POST /v1/resources/r1/modify HTTP/1.1\r\nHost: v\r\nConnection: close\r\nContent-Length: "+
		itoa(len(body))+"\r\n\r\n"+body)
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	b, _ := io.ReadAll(c)
	if !strings.Contains(string(b), "too large") {
		t.Fatalf("answer to a body over %d bytes:\n%.300s", MaxBody, b)
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
