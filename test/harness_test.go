package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/events"
)

var vigilBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vigil-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	vigilBin = filepath.Join(dir, "vigil")
	args := []string{"build", "-o", vigilBin}
	if os.Getenv("VIGIL_E2E_RACE") != "" {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "../cmd/vigil")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build vigil:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// node is one test installation: a configuration copied from testdata with
// @DIR@ replaced, and at most one running daemon.
type node struct {
	t    *testing.T
	dir  string
	conf string
	sock string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan error
}

func newNode(t *testing.T, fixture string) *node {
	t.Helper()
	dir := t.TempDir()
	n := &node{t: t, dir: dir, conf: filepath.Join(dir, "conf"), sock: filepath.Join(dir, "vigil.sock")}
	if err := os.MkdirAll(filepath.Join(dir, "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyDir(t, filepath.Join("testdata", fixture), n.conf)
	copyDir(t, filepath.Join("testdata", "agents"), filepath.Join(n.conf, "agents"))
	copyFile(t, filepath.Join("testdata", "SleeperTypes.cf"), filepath.Join(n.conf, "SleeperTypes.cf"))
	main := filepath.Join(n.conf, "main.cf")
	b, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(main, bytes.ReplaceAll(b, []byte("@DIR@"), []byte(dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.cleanup)
	return n
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		copyFile(t, p, filepath.Join(dst, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(src)
	if err := os.WriteFile(dst, b, fi.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}

// start runs `vigil agent` and waits until it answers.
func (n *node) start() {
	n.t.Helper()
	n.out = &bytes.Buffer{}
	n.cmd = exec.Command(vigilBin, "agent", "--config", n.conf, "--socket", n.sock,
		"--state-dir", filepath.Join(n.dir, "state"), "--log-dir", filepath.Join(n.dir, "log"), "--system", "e2e1")
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	n.done = make(chan error, 1)
	go func(c *exec.Cmd, d chan error) { d <- c.Wait() }(n.cmd, n.done)
	n.eventually("daemon answers", 20*time.Second, func() bool {
		_, _, code := n.vigil("status")
		return code == 0
	})
}

// stop sends SIGTERM and waits for exit 0.
func (n *node) stop() {
	n.t.Helper()
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-n.done:
		if err != nil {
			n.t.Fatalf("vigil agent exited with %v; output:\n%s", err, n.out)
		}
	case <-time.After(60 * time.Second):
		n.cmd.Process.Kill()
		n.t.Fatalf("vigil agent did not stop on SIGTERM; output:\n%s", n.out)
	}
	n.cmd = nil
}

// kill9 kills the daemon with SIGKILL.
func (n *node) kill9() {
	n.t.Helper()
	n.cmd.Process.Kill()
	<-n.done
	n.cmd = nil
}

// cleanup stops the daemon and kills every sleep a Sleeper pid file names.
func (n *node) cleanup() {
	if n.cmd != nil {
		n.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.done:
		case <-time.After(30 * time.Second):
			n.cmd.Process.Kill()
		}
	}
	pids, _ := filepath.Glob(filepath.Join(n.dir, "run", "*.pid"))
	for _, p := range pids {
		if pid, ok := livePid(p); ok {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if n.t.Failed() && n.out != nil {
		n.t.Logf("daemon output:\n%s", n.out)
	}
}

// vigil runs a CLI command against the daemon.
func (n *node) vigil(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	c := exec.Command(vigilBin, append(args, "--socket", n.sock)...)
	c.Stdout, c.Stderr = &o, &e
	err := c.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		n.t.Fatalf("run vigil %v: %v", args, err)
	}
	return strings.TrimSpace(o.String()), strings.TrimSpace(e.String()), code
}

// must runs a CLI command that must succeed and returns its stdout.
func (n *node) must(args ...string) string {
	n.t.Helper()
	out, errOut, code := n.vigil(args...)
	if code != 0 {
		n.t.Fatalf("vigil %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func (n *node) eventually(what string, d time.Duration, cond func() bool) {
	n.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	n.t.Fatalf("timed out after %s waiting for %s", d, what)
}

func (n *node) state(kind, name string) string {
	out, _, _ := n.vigil(kind, "state", name)
	return out
}

// events returns the daemon's events via `vigil events --json`.
func (n *node) events() []events.Event {
	n.t.Helper()
	out := n.must("events", "--json", "-n", "10000")
	var evs []events.Event
	for _, line := range strings.Split(out, "\n") {
		if line == "" {
			continue
		}
		var e events.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			n.t.Fatalf("event line %q: %v", line, err)
		}
		evs = append(evs, e)
	}
	return evs
}

// requestOrder returns "online top", ... for every request event, in order.
func requestOrder(evs []events.Event) []string {
	var out []string
	for _, e := range evs {
		if e.Kind == "request" {
			out = append(out, strings.TrimSuffix(e.Detail, " requested")+" "+e.Resource)
		}
	}
	return out
}

func (n *node) path(rel string) string { return filepath.Join(n.dir, rel) }

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// livePid reads a pid file and reports whether that process is a live
// (non-zombie) sleep.
func livePid(pidFile string) (int, bool) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, false
	}
	var pid int
	if _, err := fmt.Sscan(string(b), &pid); err != nil || pid <= 0 {
		return 0, false
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil || strings.TrimSpace(string(comm)) != "sleep" {
		return pid, false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return pid, false
	}
	s := string(stat)
	if i := strings.LastIndex(s, ") "); i >= 0 && len(s) > i+2 && (s[i+2] == 'Z' || s[i+2] == 'X') {
		return pid, false
	}
	return pid, true
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// syncWriter serialises writes to a buffer read by the test goroutine.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
