package e2e

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWatchdog: under a systemd watchdog (WATCHDOG_USEC) the daemon sends
// WATCHDOG=1 after READY=1, from the loop that asks the engine for its
// status.
func TestWatchdog(t *testing.T) {
	n := newNode(t, "tree")
	addr := &net.UnixAddr{Name: n.path("notify.sock"), Net: "unixgram"}
	conn, err := net.ListenUnixgram("unixgram", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", addr.Name)
	t.Setenv("WATCHDOG_USEC", "400000")
	n.start()
	buf := make([]byte, 256)
	var got []string
	for !strings.Contains(strings.Join(got, ","), "WATCHDOG=1") {
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		k, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("notifications %v, then %v; want WATCHDOG=1", got, err)
		}
		got = append(got, string(buf[:k]))
	}
	if got[0] != "READY=1" {
		t.Errorf("first notification %q, want READY=1", got[0])
	}
}

// runAgent runs `vigil agent` with args until it exits (bounded) and
// returns its exit code and output.
func runAgent(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	c := exec.Command(bin, append([]string{"agent"}, args...)...)
	c.Stdout, c.Stderr = &out, &out
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		c.Process.Kill()
		<-done
		t.Fatalf("vigil agent %v did not exit; output:\n%s", args, out.String())
	}
	return c.ProcessState.ExitCode(), out.String()
}

// TestMetricsAddressRefused: the daemon does not start when the metrics
// address it was asked for cannot be bound, and says why.
func TestMetricsAddressRefused(t *testing.T) {
	n := newNode(t, "tree")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	code, out := runAgent(t, vigilBin, "--config", n.conf, "--socket", n.sock, "--state-dir", n.path("state"),
		"--log-dir", n.path("log"), "--system", "e2e1", "--metrics-addr", busy.Addr().String())
	if code != 1 || !strings.Contains(out, "metrics address "+busy.Addr().String()) {
		t.Fatalf("exit %d, output:\n%s\nwant exit 1 naming the metrics address", code, out)
	}
	if _, err := os.Stat(n.sock); err == nil {
		t.Errorf("the API socket exists after a refused start")
	}
}

// TestSettingsFile: vigil agent reads its settings from --config-file, a
// flag wins over the file, and an unknown key stops the start.
func TestSettingsFile(t *testing.T) {
	n := newNode(t, "tree")
	file := n.path("vigil.yaml")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("log-dir: " + n.path("filelog") + "\nsystem: e2e1\nstate-dir: " + n.path("state") + "\nbogus-key: 1\n")
	code, out := runAgent(t, vigilBin, "--config-file", file, "--config", n.conf, "--socket", n.sock)
	if code != 1 || !strings.Contains(out, `unknown setting "bogus-key"`) {
		t.Fatalf("unknown key: exit %d, output:\n%s", code, out)
	}
	write("log-dir: " + n.path("filelog") + "\nsystem: e2e1\nstate-dir: " + n.path("state") + "\nsocket: /nonexistent/x.sock\n")
	var o bytes.Buffer
	c := exec.Command(vigilBin, "agent", "--config-file", file, "--config", n.conf, "--socket", n.sock)
	c.Stdout, c.Stderr = &o, &o
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		c.Process.Signal(syscall.SIGTERM)
		c.Wait()
	}()
	n.eventually("daemon answers on the flag's socket", 20*time.Second, func() bool {
		_, _, code := n.vigil("status")
		return code == 0
	})
	if _, err := os.Stat(filepath.Join(n.path("filelog"), "engine_A.log")); err != nil {
		t.Errorf("log-dir of the settings file not used: %v\n%s", err, o.String())
	}
}
