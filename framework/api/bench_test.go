package api

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkStateRoundTrip measures `GET /v1/resources/web1/state` through
// the Client and Server (routing, peer-credential check, JSON both ways)
// against a bare net/http handler answering constant JSON on another Unix
// socket, measured alternately in the same loop.
func BenchmarkStateRoundTrip(b *testing.B) {
	c := serveB(b)
	bare := bareServer(b)
	ctx := context.Background()
	var apiT, bareT time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := c.State(ctx, "web1"); err != nil {
			b.Fatal(err)
		}
		apiT += time.Since(t0)
		t0 = time.Now()
		resp, err := bare.Get("http://bare/v1/resources/web1/state")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		bareT += time.Since(t0)
	}
	b.ReportMetric(float64(apiT.Nanoseconds())/float64(b.N)/1000, "api-µs/op")
	b.ReportMetric(float64(bareT.Nanoseconds())/float64(b.N)/1000, "bare-µs/op")
	b.ReportMetric(float64(apiT)/float64(bareT), "ratio")
}

func serveB(b *testing.B) *Client {
	fb := &fakeBackend{}
	sock := filepath.Join(b.TempDir(), "v.sock")
	l, err := Listen(sock)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go NewServer(ServerOptions{Backend: fb, Bus: nil, AllowUID: 0}).Serve(ctx, l)
	b.Cleanup(cancel)
	return NewClient(sock)
}

func bareServer(b *testing.B) *http.Client {
	sock := filepath.Join(b.TempDir(), "bare.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"resource":"web1","state":"ONLINE"}`+"\n")
	})}
	go srv.Serve(l)
	b.Cleanup(func() { srv.Close() })
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
}
