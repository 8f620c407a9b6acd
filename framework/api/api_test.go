package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/engine"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
)

// fakeBackend answers for one resource "web1" in group "g" and records
// modifications.
type fakeBackend struct {
	modified []string
}

var _ Backend = (*fakeBackend)(nil)

func nf(what, n string) error {
	return fmt.Errorf("%s %q not found%w", what, n, silent{engine.ErrNotFound})
}

// silent wraps a sentinel without adding text.
type silent struct{ error }

func (silent) Error() string   { return "" }
func (s silent) Unwrap() error { return s.error }

func (f *fakeBackend) Status() wire.StatusView {
	return wire.StatusView{System: "n1", Groups: f.Groups()}
}
func (f *fakeBackend) Resources() []wire.ResourceView {
	return []wire.ResourceView{{Name: "web1", Type: "Web", Group: "g", State: "ONLINE"}}
}
func (f *fakeBackend) Resource(n string) (wire.ResourceView, error) {
	if n != "web1" {
		return wire.ResourceView{}, nf("resource", n)
	}
	return f.Resources()[0], nil
}
func (f *fakeBackend) Value(res, attr string) (wire.AttrView, error) {
	if _, err := f.Resource(res); err != nil {
		return wire.AttrView{}, err
	}
	return wire.AttrView{Name: attr, Values: []string{"80"}}, nil
}
func (f *fakeBackend) OnlineResource(ctx context.Context, n string, wait bool) error {
	if wait {
		<-ctx.Done()
		return ctx.Err()
	}
	_, err := f.Resource(n)
	return err
}
func (f *fakeBackend) OfflineResource(ctx context.Context, n string, wait bool) error {
	_, err := f.Resource(n)
	return err
}
func (f *fakeBackend) Probe(n string) error       { _, err := f.Resource(n); return err }
func (f *fakeBackend) Clear(n string) error       { _, err := f.Resource(n); return err }
func (f *fakeBackend) RefreshInfo(n string) error { _, err := f.Resource(n); return err }
func (f *fakeBackend) Action(ctx context.Context, n, tok string, args []string) (ep.Result, error) {
	return ep.Result{Output: []byte(tok + " " + strings.Join(args, " "))}, nil
}
func (f *fakeBackend) Modify(res, attr string, v []string) error {
	if attr == "Port" && v[0] == "x" {
		return fmt.Errorf("attribute Port of type Web expects int, got \"x\"%w", silent{engine.ErrInvalid})
	}
	f.modified = append(f.modified, res+"."+attr)
	return nil
}
func (f *fakeBackend) Groups() []wire.GroupView {
	return []wire.GroupView{{Name: "g", State: "ONLINE", Resources: f.Resources()}}
}
func (f *fakeBackend) Group(n string) (wire.GroupView, error) {
	if n != "g" {
		return wire.GroupView{}, nf("group", n)
	}
	return f.Groups()[0], nil
}
func (f *fakeBackend) OnlineGroup(ctx context.Context, n string, wait bool) error {
	_, err := f.Group(n)
	return err
}
func (f *fakeBackend) OfflineGroup(ctx context.Context, n string, wait bool) error {
	return fmt.Errorf("group %q is required online by group \"p\"%w", n, silent{engine.ErrConflict})
}
func (f *fakeBackend) Types() []wire.TypeView { return []wire.TypeView{{Name: "Web"}} }
func (f *fakeBackend) Type(n string) (wire.TypeView, error) {
	return wire.TypeView{}, nf("type", n)
}

func serve(t *testing.T) (*Client, *fakeBackend, *events.Bus, string) {
	t.Helper()
	fb := &fakeBackend{}
	bus := events.NewBus(100, nil)
	sock := filepath.Join(t.TempDir(), "v.sock")
	l, err := Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		NewServer(ServerOptions{Backend: fb, Bus: bus, AllowUID: os.Getuid()}).Serve(ctx, l)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return NewClient(sock), fb, bus, sock
}

func TestClientServer(t *testing.T) {
	c, fb, _, sock := serve(t)
	ctx := context.Background()
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	tests := []struct {
		name       string
		call       func() error
		wantStatus int
		wantMsg    string
	}{
		{"status", func() error { _, err := c.Status(ctx); return err }, 0, ""},
		{"unknown resource", func() error { _, err := c.Resource(ctx, "nope"); return err },
			404, `resource "nope" not found`},
		{"unknown resource state", func() error { _, err := c.State(ctx, "x"); return err },
			404, `resource "x" not found`},
		{"bad value", func() error {
			return c.Modify(ctx, "web1", wire.ModifyRequest{Attribute: "Port", Values: []string{"x"}})
		}, 400, `attribute Port of type Web expects int, got "x"`},
		{"no attribute", func() error { return c.Modify(ctx, "web1", wire.ModifyRequest{}) },
			400, "malformed request body: no attribute given"},
		{"good modify", func() error {
			return c.Modify(ctx, "web1", wire.ModifyRequest{Attribute: "Port", Values: []string{"81"}})
		}, 0, ""},
		{"conflict", func() error { return c.GroupOp(ctx, "g", "offline", wire.OpRequest{}) }, 409, ""},
		{"bad verb", func() error { return c.GroupOp(ctx, "g", "explode", wire.OpRequest{}) }, 404, ""},
		{"bad timeout", func() error {
			return c.ResourceOp(ctx, "web1", "online", wire.OpRequest{Wait: true, Timeout: "soon"})
		}, 400, `malformed request body: timeout "soon" is not a positive duration`},
		{"wait timeout", func() error {
			return c.ResourceOp(ctx, "web1", "online", wire.OpRequest{Wait: true, Timeout: "20ms"})
		}, 504, ""},
		{"action", func() error {
			r, err := c.Action(ctx, "web1", wire.ActionRequest{Token: "t", Args: []string{"a"}})
			if err == nil && r.Output != "t a" {
				return fmt.Errorf("output %q", r.Output)
			}
			return err
		}, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var ae *Error
			switch {
			case tc.wantStatus == 0 && err != nil:
				t.Fatalf("err = %v", err)
			case tc.wantStatus != 0 && (!errors.As(err, &ae) || ae.Status != tc.wantStatus):
				t.Fatalf("err = %v, want status %d", err, tc.wantStatus)
			case tc.wantMsg != "" && err.Error() != tc.wantMsg:
				t.Fatalf("message = %q, want %q", err.Error(), tc.wantMsg)
			}
		})
	}
	if len(fb.modified) != 1 {
		t.Fatalf("modified = %v, want one change", fb.modified)
	}
}

func TestMalformedRequests(t *testing.T) {
	_, _, _, sock := serve(t)
	c := NewClient(sock)
	tests := []struct {
		name, path, body string
		want             int
	}{
		{"not json", "/v1/resources/web1/modify", "{Port", 400},
		{"unknown field", "/v1/resources/web1/modify", `{"attr":"Port"}`, 400},
		{"trailing data", "/v1/groups/g/online", `{} {}`, 400},
		{"no such endpoint", "/v2/status", ``, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", "http://vigil"+tc.path, strings.NewReader(tc.body))
			resp, err := c.hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

func TestPeerCheck(t *testing.T) {
	s := NewServer(ServerOptions{Backend: &fakeBackend{}, Bus: events.NewBus(1, nil), AllowUID: 1000})
	tests := []struct {
		name string
		p    peer
		want int
	}{
		{"root", peer{UID: 0}, 200},
		{"daemon user", peer{UID: 1000}, 200},
		{"other user", peer{UID: 1001}, 403},
		{"credentials unreadable", peer{Err: errors.New("x")}, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/v1/status", nil)
			req = req.WithContext(context.WithValue(req.Context(), credKey{}, tc.p))
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("code = %d, want %d", rec.Code, tc.want)
			}
		})
	}
}

func TestEventsFollow(t *testing.T) {
	c, _, bus, _ := serve(t)
	bus.Publish(events.Event{Kind: "old"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got []string
	go func() {
		time.Sleep(50 * time.Millisecond)
		bus.Publish(events.Event{Kind: "new", Resource: "web1", Time: time.Now()})
	}()
	err := c.Events(ctx, 10, true, func(e events.Event) error {
		got = append(got, string(e.Kind))
		if e.Kind == "new" {
			return errors.New("done")
		}
		return nil
	})
	if err == nil || err.Error() != "done" || strings.Join(got, ",") != "old,new" {
		t.Fatalf("err = %v, got %v", err, got)
	}
}

func TestListenRefusesLiveSocket(t *testing.T) {
	_, _, _, sock := serve(t)
	if _, err := Listen(sock); err == nil || !strings.Contains(err.Error(), "another daemon") {
		t.Fatalf("err = %v", err)
	}
}
