package cluster

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// startExternal runs Debian's etcd (etcd-server) on 127.0.0.1, or skips.
func startExternal(t *testing.T) *clientv3.Client {
	t.Helper()
	bin, err := exec.LookPath("etcd")
	if err != nil {
		t.Skip("etcd (Debian's etcd-server) is not installed: make deps installs it")
	}
	client := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	peer := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	cmd := exec.Command(bin, "--name", "ext", "--data-dir", t.TempDir(),
		"--listen-client-urls", client, "--advertise-client-urls", client,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
		"--initial-cluster", "ext="+peer, "--log-level", "error")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{client}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	eventually(t, "external etcd serves", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := c.Get(ctx, "x")
		return err == nil
	})
	return c
}

// TestExternalEtcd: ownership, tokens and lease expiry against Debian's etcd
// server rather than the embedded member.
func TestExternalEtcd(t *testing.T) {
	c := startExternal(t)
	mk := func(sys string) (*Member, context.CancelFunc) {
		m, err := New(Options{Client: c, System: sys, TTL: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Join(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); m.Run(ctx) }()
		stop := func() { cancel(); <-done }
		t.Cleanup(stop)
		return m, stop
	}
	a, crashA := mk("A")
	b, _ := mk("B")
	ctx := context.Background()
	t1, err := a.Acquire(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Acquire(ctx, "g"); !errors.Is(err, ErrOwned) {
		t.Fatalf("B acquired A's group: %v", err)
	}
	crashA()
	var t2 int64
	eventually(t, "B owns g after A's lease expired", func() bool {
		t2, err = b.Acquire(ctx, "g")
		return err == nil
	})
	if t2 <= t1 {
		t.Fatalf("token %d after failover not above %d", t2, t1)
	}
}
