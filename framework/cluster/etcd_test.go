package cluster

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// testCluster is a real etcd cluster of embedded members on 127.0.0.1.
type testCluster struct {
	t       *testing.T
	opts    []EmbedOptions
	members []*Embedded
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startCluster starts n embedded members and waits until they serve.
func startCluster(t *testing.T, n int) *testCluster {
	t.Helper()
	tc := &testCluster{t: t}
	var initial []string
	for i := range n {
		o := EmbedOptions{Name: fmt.Sprintf("m%d", i), DataDir: t.TempDir(),
			PeerURL:   fmt.Sprintf("http://127.0.0.1:%d", freePort(t)),
			ClientURL: fmt.Sprintf("http://127.0.0.1:%d", freePort(t)), Logger: zap.NewNop()}
		initial = append(initial, o.Name+"="+o.PeerURL)
		tc.opts = append(tc.opts, o)
	}
	tc.members = make([]*Embedded, n)
	errs := make(chan error, n)
	for i := range tc.opts {
		tc.opts[i].InitialCluster = strings.Join(initial, ",")
		go func() {
			m, err := StartEmbedded(context.Background(), tc.opts[i])
			tc.members[i] = m
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, m := range tc.members {
			if m != nil {
				m.Close()
			}
		}
	})
	return tc
}

// stop stops member i.
func (tc *testCluster) stop(i int) {
	tc.members[i].Close()
	tc.members[i] = nil
}

// restart starts member i again on its data directory.
func (tc *testCluster) restart(i int) {
	m, err := StartEmbedded(context.Background(), tc.opts[i])
	if err != nil {
		tc.t.Fatal(err)
	}
	tc.members[i] = m
}

// client returns a client of the given members (all when none given).
func (tc *testCluster) client(idx ...int) *clientv3.Client {
	tc.t.Helper()
	if len(idx) == 0 {
		for i := range tc.opts {
			idx = append(idx, i)
		}
	}
	var eps []string
	for _, i := range idx {
		eps = append(eps, tc.opts[i].ClientURL)
	}
	c, err := clientv3.New(clientv3.Config{Endpoints: eps, DialTimeout: 5 * time.Second,
		Logger: zap.NewNop()})
	if err != nil {
		tc.t.Fatal(err)
	}
	tc.t.Cleanup(func() { c.Close() })
	return c
}

// eventually waits up to 30 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 30s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
