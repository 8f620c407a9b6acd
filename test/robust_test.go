package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hangMonitor never returns: it starts a sleep, records its pid where
// node.cleanup finds it, and waits for it.
const hangMonitor = `#!/bin/sh
sleep 1000 &
echo $! > "@DIR@/run/hang-$$.pid"
wait
`

// TestKill9KillsInFlightEntryPoints: the daemon is killed with SIGKILL
// while its monitors hang; the next start on the same state directory kills
// them (and their children) before it probes.
func TestKill9KillsInFlightEntryPoints(t *testing.T) {
	n := newNode(t, "hang")
	agent := filepath.Join(n.conf, "agents", "Hang")
	if err := os.MkdirAll(agent, 0o755); err != nil {
		t.Fatal(err)
	}
	script := []byte(strings.ReplaceAll(hangMonitor, "@DIR@", n.dir))
	if err := os.WriteFile(filepath.Join(agent, "monitor"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	n.start()
	if !exists(n.path("state/runner.cgroup")) {
		t.Skip("no per-run cgroups here (cgroup v2 needed): a killed daemon's entry points are left to init")
	}
	var first []int
	n.eventually("both probes hang", 30*time.Second, func() bool {
		first = liveHangs(n)
		return len(first) == 2
	})
	n.kill9()
	for _, pid := range first {
		if !alive(pid) {
			t.Fatalf("hung monitor child %d died with the daemon: nothing to test", pid)
		}
	}
	n.start()
	n.eventually("the old instance's hung monitors killed", 30*time.Second, func() bool {
		for _, pid := range first {
			if alive(pid) {
				return false
			}
		}
		return true
	})
	// The new instance's probes hang as well: end them, so it stops at once.
	n.eventually("the new instance's probes running", 30*time.Second, func() bool { return len(liveHangs(n)) == 2 })
	for _, pid := range liveHangs(n) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// liveHangs returns the pids of the live sleeps the hanging monitors
// recorded.
func liveHangs(n *node) []int {
	files, _ := filepath.Glob(n.path("run/hang-*.pid"))
	var out []int
	for _, f := range files {
		if pid, ok := livePid(f); ok {
			out = append(out, pid)
		}
	}
	return out
}

// alive reports whether pid is a live, non-zombie process.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndex(s, ") ")
	return i < 0 || len(s) <= i+2 || (s[i+2] != 'Z' && s[i+2] != 'X')
}
