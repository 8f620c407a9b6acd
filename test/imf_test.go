package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/events"
)

// imfRows returns `vigil imf status --json`.
func (n *node) imfRows() []wire.IMFWatch {
	n.t.Helper()
	var rows []wire.IMFWatch
	if err := json.Unmarshal([]byte(n.must("imf", "status", "--json")), &rows); err != nil {
		n.t.Fatal(err)
	}
	return rows
}

// registeredOnline waits until res is registered for online monitoring
// and returns what is watched.
func (n *node) registeredOnline(res string) string {
	n.t.Helper()
	var watch string
	n.eventually(res+" registered with IMF", 30*time.Second, func() bool {
		for _, r := range n.imfRows() {
			if r.Resource == res && r.State == "registered online" {
				watch = r.Watch
				return true
			}
		}
		return false
	})
	return watch
}

// pidOf returns the live PID whose command line is argv.
func pidOf(t *testing.T, argv ...string) int {
	t.Helper()
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && strings.TrimRight(string(b), "\x00") == strings.Join(argv, "\x00") {
			return pid
		}
	}
	t.Fatalf("no process %q", argv)
	return 0
}

// killAndRecover kills pid and waits for the resource's state change with
// cause imf and for the local restart to bring it ONLINE again; polling
// (MonitorInterval 300) cannot explain either within the wait.
func killAndRecover(n *node, res string, pid int) {
	n.t.Helper()
	seen := len(n.events())
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		n.t.Fatal(err)
	}
	var imfState, restart bool
	n.eventually(res+": state change with cause imf, then ONLINE again", 30*time.Second, func() bool {
		evs := n.events()
		for _, e := range evs[min(seen, len(evs)):] {
			if e.Resource != res {
				continue
			}
			switch {
			case e.Kind == events.KindState && e.Cause == "imf" && strings.HasPrefix(e.From, "ONLINE") &&
				!strings.HasPrefix(e.To, "ONLINE"):
				imfState = true
			case e.Kind == events.KindRestart:
				restart = true
			}
		}
		return imfState && restart && n.state("res", res) == "ONLINE"
	})
}

// TestIMFKillRestart: a built-in Process resource and a script agent whose
// directory carries amfregister.xml (and no imf_* script) are registered
// once online; killing their process is noticed by IMF (state event with
// cause imf) and RestartLimit brings each back, registered again.
func TestIMFKillRestart(t *testing.T) {
	n := newNode(t, "imf")
	n.start()
	n.waitGroup("gp", "ONLINE")
	n.waitGroup("gs", "ONLINE")

	watch := n.registeredOnline("proc1")
	pid := pidOf(t, "/usr/bin/sleep", "97531")
	if !strings.Contains(watch, strconv.Itoa(pid)) {
		t.Errorf("imf status watch of proc1 %q does not name pid %d", watch, pid)
	}
	killAndRecover(n, "proc1", pid)
	if w := n.registeredOnline("proc1"); strings.Contains(w, "["+strconv.Itoa(pid)+"]") {
		t.Errorf("proc1 registered again with the dead pid: %q", w)
	}

	n.registeredOnline("sl1")
	spid, ok := livePid(n.path("run/sl1.pid"))
	if !ok {
		t.Fatal("sl1: no live sleep in its pid file")
	}
	killAndRecover(n, "sl1", spid)
	n.registeredOnline("sl1")

	text := n.must("imf", "status")
	for _, want := range []string{"process", "mount", "proc1", "sl1", "registered online"} {
		if !strings.Contains(text, want) {
			t.Errorf("vigil imf status lacks %q:\n%s", want, text)
		}
	}
	var kinds = map[events.Kind]bool{}
	for _, e := range n.events() {
		kinds[e.Kind] = true
	}
	for _, k := range []events.Kind{events.KindIMFRegistered, events.KindIMFUnregistered, events.KindIMFEvent} {
		if !kinds[k] {
			t.Errorf("no %s event", k)
		}
	}
	n.must("grp", "offline", "gp", "--wait")
	n.must("grp", "offline", "gs", "--wait")
	n.stop()
}

// TestIMFStartedByHand: an OFFLINE Process resource registered for offline
// monitoring (PROFF) is seen ONLINE, with cause imf, as soon as its
// process is started by hand (OfflineMonitorInterval 300 cannot explain it).
func TestIMFStartedByHand(t *testing.T) {
	n := newNode(t, "imf")
	n.start()
	n.eventually("proc2 registered for offline monitoring", 30*time.Second, func() bool {
		for _, r := range n.imfRows() {
			if r.Resource == "proc2" && r.State == "registered offline" {
				return true
			}
		}
		return false
	})
	c := exec.Command("/usr/bin/sleep", "97532")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	n.eventually("proc2 ONLINE through an imf monitor", 30*time.Second, func() bool {
		for _, e := range n.events() {
			if e.Resource == "proc2" && e.Kind == events.KindState && e.Cause == "imf" && e.To == "ONLINE" {
				return true
			}
		}
		return false
	})
	n.stop()
}

// TestIMFScriptProtocol: a script agent with imf_register and
// imf_getnotification (and no amfregister.xml) is registered through
// imf_register once online; a line naming it on imf_getnotification's
// output brings a monitor with cause imf, which sees the killed process,
// and RestartLimit brings it back; stopping unregisters it.
func TestIMFScriptProtocol(t *testing.T) {
	n := newNode(t, "imf")
	agentDir := n.path("conf/agents/ScriptImf")
	n.start()
	n.must("grp", "online", "gsc", "--wait")
	n.registeredOnline("sl2")
	regs, _ := os.ReadFile(agentDir + "/registrations")
	if !strings.Contains(string(regs), "sl2 start online") {
		t.Fatalf("imf_register not run as <res> start online: %q", regs)
	}
	pid, ok := livePid(n.path("run/sl2.pid"))
	if !ok {
		t.Fatal("sl2: no live sleep")
	}
	seen := len(n.events())
	syscall.Kill(pid, syscall.SIGKILL)
	// Nothing watches the process but the agent's own notifier: tell it.
	n.eventually("imf_getnotification following its events file", 20*time.Second, func() bool {
		f, err := os.OpenFile(agentDir+"/events", os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return false
		}
		f.WriteString("sl2\n")
		f.Close()
		for _, e := range n.events()[seen:] {
			if e.Resource == "sl2" && e.Kind == events.KindState && e.Cause == "imf" {
				return true
			}
		}
		return false
	})
	n.eventually("sl2 ONLINE again", 30*time.Second, func() bool { return n.state("res", "sl2") == "ONLINE" })
	n.must("grp", "offline", "gsc", "--wait")
	regs, _ = os.ReadFile(agentDir + "/registrations")
	if !strings.Contains(string(regs), "sl2 stop online") {
		t.Errorf("no imf_register stop: %q", regs)
	}
	n.stop()
}
