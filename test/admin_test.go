package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScriptSafeCLI: usage errors exit 2 without a daemon; a request the
// daemon refuses exits 1; --json on an operation prints one JSON object;
// shell completion lists names from the daemon.
func TestScriptSafeCLI(t *testing.T) {
	n := newNode(t, "tree")
	for _, args := range [][]string{
		{"res", "ofline", "app"}, {"res"}, {}, {"bogus"}, {"res", "state"}, {"res", "state", "a", "b"},
		{"grp", "online", "--bogus", "app"}, {"grp", "frobnicate", "app"},
	} {
		_, stderr, code := n.vigil(args...)
		if code != 2 || stderr == "" {
			t.Errorf("vigil %s: exit %d (%q), want 2 with a message", strings.Join(args, " "), code, stderr)
		}
	}
	n.start()
	n.waitGroup("app", "ONLINE")
	if _, stderr, code := n.vigil("res", "online", "nosuch"); code != 1 || !strings.Contains(stderr, `"nosuch"`) {
		t.Errorf("res online nosuch: exit %d %q, want 1 naming it", code, stderr)
	}
	var ok struct {
		OK bool `json:"ok"`
	}
	out := n.must("res", "probe", "leaf", "--json")
	if err := json.Unmarshal([]byte(out), &ok); err != nil || !ok.OK {
		t.Errorf("res probe --json printed %q (%v), want {\"ok\": true}", out, err)
	}
	complete := func(args ...string) string {
		c := exec.Command(vigilBin, append([]string{"__complete"}, args...)...)
		c.Env = append(os.Environ(), "VIGIL_SOCKET="+n.sock)
		b, err := c.Output()
		if err != nil {
			t.Fatalf("vigil __complete %v: %v", args, err)
		}
		return string(b)
	}
	out = complete("res", "state", "")
	for _, name := range []string{"leaf", "mid", "top", "webfile"} {
		if !strings.Contains(out, name+"\n") {
			t.Errorf("completion of res state lacks %s:\n%s", name, out)
		}
	}
	if out := complete("grp", "online", ""); !strings.Contains(out, "app\n") || !strings.Contains(out, "web\n") {
		t.Errorf("completion of grp online:\n%s", out)
	}
	if out := complete("type", "display", ""); !strings.Contains(out, "Sleeper\n") {
		t.Errorf("completion of type display:\n%s", out)
	}
}

// TestFaultLogsAndClear: after a fault, `grep "VCS ERROR" engine_A.log`
// finds it under its own message id; the agent log of a type with LogDbg
// empty holds no state-machine step lines; an online of the faulted group
// is refused at once (exit 1); `res clear` followed at once by `grp online`
// works.
func TestFaultLogsAndClear(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("app", "ONLINE")
	pid, ok := livePid(n.path("run/mid.pid"))
	if !ok {
		t.Fatal("mid not running")
	}
	if err := syscallKill(pid); err != nil {
		t.Fatal(err)
	}
	n.waitGroup("app", "OFFLINE|FAULTED")
	start := time.Now()
	_, stderr, code := n.vigil("grp", "online", "app")
	if code != 1 || !strings.Contains(stderr, `resource "mid" is faulted`) {
		t.Errorf("grp online of a faulted group: exit %d %q, want 1 at once", code, stderr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("refusal took %s", d) // a bound against hanging, not a timing assertion
	}
	logs := n.path("log")
	var engine string
	n.eventually("fault in engine_A.log", 10*time.Second, func() bool {
		b, _ := os.ReadFile(filepath.Join(logs, "engine_A.log"))
		engine = string(b)
		return strings.Contains(engine, "VCS ERROR V-16-1-10303 ")
	})
	var errLines []string
	for _, l := range strings.Split(engine, "\n") {
		if strings.Contains(l, "VCS ERROR") {
			errLines = append(errLines, l)
		}
	}
	if !strings.Contains(strings.Join(errLines, "\n"), "mid") {
		t.Errorf(`grep "VCS ERROR" engine_A.log does not name mid:\n%s`, strings.Join(errLines, "\n"))
	}
	for _, l := range strings.Split(engine, "\n") {
		if strings.Contains(l, " kind=") && strings.Contains(l, " V-16-1-0 ") {
			t.Errorf("event logged without its message id: %s", l)
		}
	}
	b, err := os.ReadFile(filepath.Join(logs, "Sleeper_A.log"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), ":step ") || strings.Contains(string(b), " step ") {
		t.Errorf("Sleeper_A.log has step lines with LogDbg empty:\n%s", b)
	}
	lb, err := exec.Command(vigilBin, "log", "--log-dir", logs, "--severity", "ERROR", "--resource", "mid").Output()
	if out := string(lb); err != nil || !strings.Contains(out, "V-16-1-10303") || strings.Contains(out, "VCS INFO") {
		t.Errorf("vigil log --severity ERROR --resource mid: %v\n%s", err, out)
	}
	n.must("res", "clear", "mid")
	n.must("grp", "online", "app", "--wait")
	n.must("grp", "offline", "web", "--wait")
	n.must("grp", "offline", "app", "--wait")
}
