package runner_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
)

// TestStart streams the lines of a long-running child and stops it.
func TestStart(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	got := make(chan struct{}, 10)
	p, err := testRunner.Start(context.Background(), "/bin/sh",
		[]string{"-c", `echo "res1 online"; echo "res 2"; exec sleep 1000`},
		runner.RunOptions{Env: []string{"PATH=/usr/bin:/bin"}, Lines: func(b []byte) {
			mu.Lock()
			lines = append(lines, string(b))
			mu.Unlock()
			got <- struct{}{}
		}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case <-got:
		case <-time.After(5 * time.Second):
			t.Fatal("lines did not arrive")
		}
	}
	r := p.Stop()
	if r.Outcome != ep.Canceled {
		t.Errorf("outcome %v, want canceled", r.Outcome)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 2 || lines[0] != "res1 online" || lines[1] != "res 2" {
		t.Errorf("lines %q", lines)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := testRunner.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if alive(p.Pid()) {
		t.Errorf("pid %d survived Stop", p.Pid())
	}
}
