package api

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/events"
)

// TestPeerCheckFailsClosed is the regression test for a handler that let a
// request through when its connection carried no peer credentials at all:
// every way of lacking them must answer 403 with the JSON error body.
func TestPeerCheckFailsClosed(t *testing.T) {
	s := NewServer(ServerOptions{Backend: &fakeBackend{}, Bus: events.NewBus(1, nil), AllowUID: os.Getuid()})
	tests := []struct {
		name    string
		do      func(t *testing.T) *http.Response
		wantMsg string
	}{
		{"no credentials in the request context", func(t *testing.T) *http.Response {
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/v1/status", nil))
			return rec.Result()
		}, "peer credentials unavailable: none recorded for this connection"},
		{"served over tcp", func(t *testing.T) *http.Response {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { s.Serve(ctx, l); close(done) }()
			t.Cleanup(func() { cancel(); <-done })
			resp, err := http.Get("http://" + l.Addr().String() + "/v1/status")
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}, "is not a unix socket"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.do(t)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status = %d, want 403; body %s", resp.StatusCode, b)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var er wire.ErrorReply
			if err := json.Unmarshal(b, &er); err != nil || !strings.Contains(er.Error, tc.wantMsg) {
				t.Fatalf("body = %s (%v), want an error containing %q", b, err, tc.wantMsg)
			}
		})
	}
}

// TestPeerCred reads SO_PEERCRED of the connections the server may be
// handed: only a live Unix socket yields credentials.
func TestPeerCred(t *testing.T) {
	// accepted returns the server end of a fresh Unix socket connection.
	accepted := func(t *testing.T) net.Conn {
		t.Helper()
		l, err := net.Listen("unix", filepath.Join(t.TempDir(), "p.sock"))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		c, err := net.Dial("unix", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		s, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(); s.Close() })
		return s
	}
	tests := []struct {
		name    string
		conn    func(t *testing.T) net.Conn
		wantErr bool
	}{
		{"live unix socket", accepted, false},
		{"closed unix socket", func(t *testing.T) net.Conn {
			s := accepted(t)
			s.Close()
			return s
		}, true},
		{"pipe", func(t *testing.T) net.Conn {
			a, b := net.Pipe()
			t.Cleanup(func() { a.Close(); b.Close() })
			return a
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := peerCred(tc.conn(t))
			switch {
			case tc.wantErr && p.Err == nil:
				t.Fatalf("peerCred = %+v, want an error", p)
			case !tc.wantErr && p.Err != nil:
				t.Fatalf("peerCred: %v", p.Err)
			case !tc.wantErr && p.UID != os.Getuid():
				t.Fatalf("uid = %d, want %d", p.UID, os.Getuid())
			}
		})
	}
}
