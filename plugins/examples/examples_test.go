package examples_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/daemon"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/procfs"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/agents/proc"
	"github.com/vigil-ha/vigil/plugins/sdk/sdktest"
	"github.com/vigil-ha/vigil/scripts"
)

// install writes an example's agent directory under cfgDir/agents/<typ>:
// the plugin binary as <typ>Agent and the example's agent/ files.
func install(t *testing.T, cfgDir, typ, example string) string {
	t.Helper()
	dir := filepath.Join(cfgDir, "agents", typ)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, bins[example], filepath.Join(dir, typ+"Agent"), 0o755)
	extra, _ := os.ReadDir(filepath.Join(example, "agent"))
	for _, e := range extra {
		copyFile(t, filepath.Join(example, "agent", e.Name()), filepath.Join(dir, e.Name()), 0o755)
	}
	return dir
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

func typesOf(t *testing.T, example string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(example, "types.cf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExamplesConformance opens each example through the registry's
// plugin kind, as the daemon does, and runs the conformance suite on it.
func TestExamplesConformance(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	run := runner.New(runner.Options{Logger: zaptest.NewLogger(t)})
	defer run.Close()
	vcsHome := t.TempDir()
	if err := scripts.Materialise(vcsHome); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		example, typ, attrs string
		probe               ep.MonitorState
		imf                 bool // the example has IMF: removing %s/f is a change
	}{
		{"fileonoff", "ExFileOnOff", `PathName = "%s/f"`, ep.StateOffline, true},
		{"tcpport", "TCPPort", "Port = " + strconv.Itoa(port), ep.StateOnline, false},
		{"mixed", "MixedFile", `PathName = "%s/f"`, ep.StateOffline, false},
	} {
		t.Run(tc.example, func(t *testing.T) {
			cfgDir := t.TempDir()
			install(t, cfgDir, tc.typ, tc.example)
			attrs, dir := tc.attrs, t.TempDir()
			if strings.Contains(attrs, "%s") {
				attrs = fmt.Sprintf(attrs, dir)
			}
			var change func(t *testing.T)
			if tc.imf {
				change = func(t *testing.T) {
					if err := os.Remove(filepath.Join(dir, "f")); err != nil {
						t.Fatal(err)
					}
				}
			}
			cfg := sdktest.LoadConfig(t, typesOf(t, tc.example)+fmt.Sprintf(`
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } )
%s r1 ( %s )
`, tc.typ, attrs), map[string]string{})
			env := &daemon.Env{ConfigDir: cfgDir, VCSHome: vcsHome, Search: []string{filepath.Join(cfgDir, "agents")}}
			impl, err := daemon.PluginKind(daemon.PluginOptions{}).Open(cfg.Types[tc.typ],
				daemon.OpenContext{Env: env, Runner: run, Logger: zaptest.NewLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer impl.(io.Closer).Close()
			sdktest.Run(t, sdktest.Subject{Impl: impl, Config: cfg, Resource: "r1", ProbeState: tc.probe, IMFChange: change})
		})
	}
}

// node is a daemon run as its own process (bin vigil agent).
type node struct {
	cfgDir, sock string
	cmd          *exec.Cmd
	client       *api.Client
}

func startNode(t *testing.T, cfgDir string) *node {
	t.Helper()
	tmp := t.TempDir()
	n := &node{cfgDir: cfgDir, sock: filepath.Join(tmp, "vigil.sock")}
	n.cmd = exec.Command(bins["vigil"], "agent", "--config", cfgDir, "--socket", n.sock, "--state-dir",
		filepath.Join(tmp, "state"), "--log-dir", filepath.Join(tmp, "log"), "--system", "s1")
	n.cmd.Stderr = &testWriter{t: t}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.cmd.Process.Kill()
		n.cmd.Wait()
	})
	n.client = api.NewClient(n.sock)
	if !waitFor(func() bool { _, err := n.client.Status(context.Background()); return err == nil }) {
		t.Fatal("daemon did not serve its API within 30 s")
	}
	return n
}

type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (n *node) state(t *testing.T, res string) string {
	t.Helper()
	s, err := n.client.State(context.Background(), res)
	if err != nil {
		return "error: " + err.Error()
	}
	return s.State
}

func waitFor(cond func() bool) bool {
	for i := 0; i < 600; i++ {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cond()
}

// pluginOf returns the pid of the daemon's child running path.
func pluginOf(daemonPid int, path string) int {
	pids, _ := procfs.Pids()
	for _, p := range pids {
		argv, err := procfs.Cmdline(p)
		if err != nil || len(argv) == 0 || argv[0] != path {
			continue
		}
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:])); len(f) > 1 && f[1] == strconv.Itoa(daemonPid) {
			return p
		}
	}
	return 0
}

const mixedMain = `
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } )
MixedFile m1 ( PathName = "%s" )
`

// TestMixedThroughDaemon: a Mixed type end to end through the daemon: the
// plugin monitors, the scripts bring online and take offline; a plugin
// killed with SIGKILL is relaunched and its resource re-probed, keeping
// its state; after kill -9 of the daemon no plugin process remains.
func TestMixedThroughDaemon(t *testing.T) {
	cfgDir := t.TempDir()
	dir := install(t, cfgDir, "MixedFile", "mixed")
	file := filepath.Join(t.TempDir(), "m1")
	os.WriteFile(filepath.Join(cfgDir, "main.cf"), []byte(typesOf(t, "mixed")+fmt.Sprintf(mixedMain, file)), 0o644)
	n := startNode(t, cfgDir)
	ctx := context.Background()
	if !waitFor(func() bool { return n.state(t, "m1") == "OFFLINE" }) {
		t.Fatalf("m1 = %s after probe, want OFFLINE", n.state(t, "m1"))
	}
	if err := n.client.ResourceOp(ctx, "m1", "online", wire.OpRequest{Wait: true, Timeout: "30s"}); err != nil {
		t.Fatalf("online m1: %v", err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("online script did not run: %v", err)
	}
	plugin := filepath.Join(dir, "MixedFileAgent")
	pid := pluginOf(n.cmd.Process.Pid, plugin)
	if pid == 0 {
		t.Fatal("no plugin process under the daemon")
	}
	proc.Signal([]int{pid}, 9)
	if !waitFor(func() bool { p := pluginOf(n.cmd.Process.Pid, plugin); return p != 0 && p != pid }) {
		t.Fatal("plugin not relaunched within 30 s")
	}
	if s := n.state(t, "m1"); s != "ONLINE" {
		t.Fatalf("m1 = %s after the plugin's relaunch, want ONLINE", s)
	}
	if err := n.client.ResourceOp(ctx, "m1", "offline", wire.OpRequest{Wait: true, Timeout: "30s"}); err != nil {
		t.Fatalf("offline m1: %v", err)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("offline script did not remove the file")
	}
	pid = pluginOf(n.cmd.Process.Pid, plugin)
	n.cmd.Process.Kill() // SIGKILL: no clean-up in the daemon
	n.cmd.Wait()
	if !waitFor(func() bool { return !procfs.Alive(pid) }) {
		t.Fatalf("plugin %d still alive after kill -9 of the daemon", pid)
	}
}

func wireWait() wire.OpRequest { return wire.OpRequest{Wait: true, Timeout: "60s"} }

const fileIMFMain = `
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } AutoStartList = { s1 } )
ExFileOnOff f1 ( PathName = "%s" MonitorInterval = 300 OfflineMonitorInterval = 300 )
`

// TestPluginIMFThroughDaemon: a plugin agent implementing sdk.IMF, end to
// end through the daemon and the plugin transport: f1 online is
// registered with the plugin; the file removed by hand is noticed by the
// plugin's notification stream (state change with cause imf), which a
// MonitorInterval of 300 s cannot explain; created by hand while offline,
// likewise.
func TestPluginIMFThroughDaemon(t *testing.T) {
	cfgDir := t.TempDir()
	install(t, cfgDir, "ExFileOnOff", "fileonoff")
	file := filepath.Join(t.TempDir(), "f1")
	os.WriteFile(filepath.Join(cfgDir, "main.cf"), []byte(typesOf(t, "fileonoff")+fmt.Sprintf(fileIMFMain, file)), 0o644)
	n := startNode(t, cfgDir)
	ctx := context.Background()
	registered := func(state string) func() bool {
		return func() bool {
			rows, err := n.client.IMF(ctx)
			if err != nil {
				return false
			}
			for _, r := range rows {
				if r.Resource == "f1" && r.State == "registered "+state {
					return true
				}
			}
			return false
		}
	}
	if !waitFor(func() bool { return n.state(t, "f1") == "ONLINE" }) {
		t.Fatalf("f1 = %s, want ONLINE (AutoStart)", n.state(t, "f1"))
	}
	if !waitFor(registered("online")) {
		t.Fatal("f1 not registered for online monitoring within 30 s")
	}
	imfChange := func(from, to string) func() bool {
		return func() bool {
			found := false
			n.client.Events(ctx, 1000, false, func(e wire.Event) error {
				if e.Resource == "f1" && e.Kind == "state" && e.Cause == "imf" && strings.HasPrefix(e.From, from) &&
					strings.HasPrefix(e.To, to) {
					found = true
				}
				return nil
			})
			return found
		}
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if !waitFor(imfChange("ONLINE", "OFFLINE")) && !waitFor(imfChange("ONLINE", "FAULTED")) {
		t.Fatal("no state change of f1 with cause imf after its file was removed")
	}
	// RestartLimit 0: f1 faults; cleared, it is OFFLINE and registered for
	// offline monitoring.
	if !waitFor(func() bool { return n.state(t, "f1") == "FAULTED" }) {
		t.Fatalf("f1 = %s after the removal, want FAULTED", n.state(t, "f1"))
	}
	if err := n.client.ResourceOp(ctx, "f1", "clear", wire.OpRequest{}); err != nil {
		t.Fatalf("clear f1: %v", err)
	}
	if !waitFor(registered("offline")) {
		t.Fatal("f1 not registered for offline monitoring within 30 s")
	}
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if !waitFor(imfChange("OFFLINE", "ONLINE")) {
		t.Fatal("no state change of f1 OFFLINE -> ONLINE with cause imf after its file was created by hand")
	}
}
