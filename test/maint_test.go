package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

// refused runs a command that must exit 1 with want in its message.
func (n *node) refused(want string, args ...string) {
	n.t.Helper()
	_, stderr, code := n.vigil(args...)
	if code != 1 || !strings.Contains(stderr, want) {
		n.t.Fatalf("vigil %s: exit %d, %q; want exit 1 with %q", strings.Join(args, " "), code, stderr, want)
	}
}

func (n *node) statusJSON() wire.StatusView {
	n.t.Helper()
	var st wire.StatusView
	if err := json.Unmarshal([]byte(n.must("status", "--json")), &st); err != nil {
		n.t.Fatal(err)
	}
	return st
}

// TestFrozenGroup: a frozen group's killed process is reported FAULTED and
// neither cleaned nor restarted, nothing is taken offline, online and
// offline are refused; a persistent freeze survives a restart; enable,
// disable, clear, flush and dep through the CLI.
func TestFrozenGroup(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("app", "ONLINE")
	n.waitGroup("web", "ONLINE")
	n.must("res", "modify", "mid", "RestartLimit", "2")
	n.must("grp", "freeze", "app")
	if b, _ := os.ReadFile(n.conf + "/main.cf"); bytes.Contains(b, []byte("Frozen =")) {
		t.Fatalf("a temporary freeze was written to main.cf:\n%s", b)
	}
	n.refused(`group "app" is frozen`, "grp", "offline", "app")
	n.refused(`group "app" is frozen`, "res", "offline", "top")
	pid, ok := livePid(n.path("run/mid.pid"))
	if !ok {
		t.Fatal("mid not running")
	}
	if err := syscallKill(pid); err != nil {
		t.Fatal(err)
	}
	n.eventually("mid FAULTED", 30*time.Second, func() bool { return n.state("res", "mid") == "FAULTED" })
	// FAULTED is where a frozen resource's fault ends (no clean, no
	// restart); the events say what was and was not done.
	for _, e := range n.events() {
		if e.Resource == "mid" && (e.Kind == "restart" || e.Kind == "clean") {
			t.Fatalf("frozen group: %s event for mid: %s", e.Kind, e.Detail)
		}
		if e.Group == "app" && e.Kind == "group-fault" {
			t.Fatalf("frozen group faulted: %s", e.Detail)
		}
	}
	if _, ok := livePid(n.path("run/mid.pid")); ok {
		t.Fatal("mid restarted in a frozen group")
	}
	for _, f := range []string{"run/leaf", "run/top", "run/side", "run/webfile"} {
		if !exists(n.path(f)) {
			t.Fatalf("%s taken offline after a fault in a frozen group", f)
		}
	}
	if s := n.state("grp", "web"); s != "ONLINE" {
		t.Fatalf("web = %s after a fault in a frozen group it requires", s)
	}
	c := n.statusJSON().Counts
	if c.FrozenGroups != 1 || c.FaultedResources != 1 || c.FaultedGroups != 1 {
		t.Fatalf("status counts = %+v", c)
	}
	if out := n.must("status"); !strings.Contains(out, "frozen 1") || !strings.Contains(out, "temporary") {
		t.Fatalf("status does not show the freeze:\n%s", out)
	}
	n.must("grp", "unfreeze", "app")
	n.must("grp", "clear", "app")
	if s := n.state("res", "mid"); s != "OFFLINE" {
		t.Fatalf("mid = %s after grp clear", s)
	}
	n.must("res", "online", "mid", "--wait")
	n.waitGroup("app", "ONLINE")

	// Dependencies both ways.
	var d wire.DepsView
	if err := json.Unmarshal([]byte(n.must("res", "dep", "mid", "--json")), &d); err != nil {
		t.Fatal(err)
	}
	if strings.Join(d.Requires, " ") != "leaf" || strings.Join(d.RequiredBy, " ") != "top" {
		t.Fatalf("res dep mid = %+v", d)
	}
	var gd wire.GroupDepsView
	if err := json.Unmarshal([]byte(n.must("grp", "dep", "app", "--json")), &gd); err != nil {
		t.Fatal(err)
	}
	if len(gd.RequiredBy) != 1 || gd.RequiredBy[0].Group != "web" {
		t.Fatalf("grp dep app = %+v", gd)
	}

	// Disable and enable.
	n.must("grp", "offline", "web", "--wait")
	n.must("grp", "disable", "web")
	n.refused(`group "web" is disabled`, "grp", "online", "web")
	n.must("grp", "enable", "web")
	n.must("grp", "online", "web", "--wait")

	// Flush: an online that waits for a slow resource is cancelled.
	n.must("grp", "offline", "web", "--wait")
	n.must("grp", "offline", "app", "--wait")
	n.must("res", "modify", "mid", "OnlineDelay", "15")
	n.must("grp", "online", "app")
	n.eventually("mid going online", 20*time.Second, func() bool {
		return strings.Contains(n.state("res", "mid"), "WAITING_TO_ONLINE")
	})
	n.must("grp", "flush", "app")
	n.eventually("app no longer starting", 20*time.Second, func() bool {
		return !strings.Contains(n.state("grp", "app"), "STARTING")
	})
	if s := n.state("res", "top"); s != "OFFLINE" {
		t.Fatalf("top = %s: the flushed online went on", s)
	}
	n.must("res", "modify", "mid", "OnlineDelay", "0")

	// Persistent freeze: saved, survives a restart, needs --persistent.
	n.must("grp", "freeze", "web", "--persistent")
	if b, _ := os.ReadFile(n.conf + "/main.cf"); !bytes.Contains(b, []byte("Frozen = 1")) {
		t.Fatalf("persistent freeze not in main.cf:\n%s", b)
	}
	n.stop()
	n.start()
	var g wire.GroupView
	if err := json.Unmarshal([]byte(n.must("grp", "display", "web", "--json")), &g); err != nil {
		t.Fatal(err)
	}
	if !g.Frozen {
		t.Fatal("web not frozen after a restart")
	}
	n.refused("frozen persistently", "grp", "unfreeze", "web")
	n.must("grp", "unfreeze", "web", "--persistent")
	if out, err := exec.Command(vigilBin, "check", n.conf).CombinedOutput(); err != nil {
		t.Fatalf("main.cf does not check: %v\n%s", err, out)
	}
	n.stop()
}

// TestRuntimeConfiguration: res add + modify + link + online of a new
// resource without a restart, surviving a daemon restart; refused changes
// leave main.cf byte-identical; unlink, delete, grp add and delete.
func TestRuntimeConfiguration(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("app", "ONLINE")
	mainCF := n.conf + "/main.cf"
	n.must("res", "add", "extra", "Sleeper", "app")
	if s := n.state("res", "extra"); s != "UNKNOWN" {
		t.Fatalf("a new (disabled) resource is %s", s)
	}
	n.must("res", "modify", "extra", "PidFile", n.path("run/extra.pid"))
	n.must("res", "link", "extra", "mid")
	n.must("res", "modify", "extra", "Enabled", "1")
	n.eventually("extra probed", 20*time.Second, func() bool { return n.state("res", "extra") == "OFFLINE" })
	n.must("res", "online", "extra", "--wait")
	if _, ok := livePid(n.path("run/extra.pid")); !ok {
		t.Fatal("extra's process is not running")
	}
	n.waitGroup("app", "ONLINE")
	if out, err := exec.Command(vigilBin, "check", n.conf).CombinedOutput(); err != nil {
		t.Fatalf("main.cf does not check: %v\n%s", err, out)
	}
	// Partial changes of lists and associations, and undoing an override.
	n.must("res", "modify", "mid", "LogDbg", "--add", "DBG_1", "DBG_2")
	n.must("res", "modify", "mid", "LogDbg", "--delete", "DBG_1")
	if v := n.must("res", "value", "mid", "LogDbg"); v != "DBG_2" {
		t.Fatalf("LogDbg = %q after --add and --delete", v)
	}
	n.must("res", "modify", "mid", "MonitorStatsParam", "--update", "Frequency", "5")
	if v := n.must("res", "value", "mid", "MonitorStatsParam"); !strings.Contains(v, "Frequency 5") {
		t.Fatalf("MonitorStatsParam = %q after --update", v)
	}
	n.must("res", "modify", "mid", "MonitorStatsParam", "--undo-override")
	if b, _ := os.ReadFile(mainCF); bytes.Contains(b, []byte("MonitorStatsParam")) {
		t.Fatalf("override still in main.cf after --undo-override:\n%s", b)
	}
	// A value for this system only (Attr@sys).
	n.must("res", "modify", "extra", "OnlineDelay", "1", "--sys", "e2e1")
	if v := n.must("res", "value", "extra", "OnlineDelay"); v != "1" {
		t.Fatalf("OnlineDelay of extra = %q after modify --sys", v)
	}
	if b, _ := os.ReadFile(mainCF); !bytes.Contains(b, []byte("OnlineDelay@e2e1 = 1")) {
		t.Fatalf("per-system value not in main.cf:\n%s", b)
	}
	orig, _ := os.ReadFile(mainCF)
	for _, tc := range []struct {
		want string
		args []string
	}{
		{"dependency cycle", []string{"res", "link", "mid", "extra"}},
		{`type "Nope" not found`, []string{"res", "add", "x1", "Nope", "app"}},
		{`resource "extra" exists`, []string{"res", "add", "extra", "Sleeper", "app"}},
		{"take it offline first", []string{"res", "delete", "extra"}},
		{"it has 5 resource(s)", []string{"grp", "delete", "app"}},
		{"must start with a letter", []string{"grp", "add", "1g"}},
		{"expects int", []string{"res", "modify", "extra", "OnlineDelay", "x"}},
		{"different groups", []string{"res", "link", "webfile", "extra"}},
		{`key "DBG_2" is already there`, []string{"res", "modify", "mid", "LogDbg", "--add", "DBG_2"}},
		{`key "Nope" is not there`, []string{"res", "modify", "mid", "MonitorStatsParam", "--update", "Nope", "1"}},
		{"is not overridden", []string{"res", "modify", "mid", "MonitorStatsParam", "--undo-override"}},
		{"system other is not declared", []string{"res", "modify", "mid", "OnlineDelay", "5", "--sys", "other"}},
		{"there is no value of OnlineDelay for system e2e1", []string{"res", "modify", "mid", "OnlineDelay", "--delete", "--sys", "e2e1"}},
	} {
		n.refused(tc.want, tc.args...)
		if now, _ := os.ReadFile(mainCF); !bytes.Equal(now, orig) {
			t.Fatalf("refused %v changed main.cf", tc.args)
		}
	}
	// Type-level values: applied to every resource of the type, written to
	// the types file; a bundled type or a bad value changes nothing.
	typesCF := n.conf + "/SleeperTypes.cf"
	n.must("type", "modify", "Sleeper", "OfflineMonitorInterval", "3")
	if v := n.must("res", "value", "extra", "OfflineMonitorInterval"); v != "3" {
		t.Fatalf("OfflineMonitorInterval of extra = %q after type modify", v)
	}
	if b, _ := os.ReadFile(typesCF); !bytes.Contains(b, []byte("OfflineMonitorInterval = 3")) {
		t.Fatalf("types file does not hold the change:\n%s", b)
	}
	origTypes, _ := os.ReadFile(typesCF)
	n.refused("bundled type definitions", "type", "modify", "FileOnOff", "MonitorInterval", "5")
	n.refused("expects int", "type", "modify", "Sleeper", "MonitorInterval", "x")
	n.refused("has no static attribute", "type", "modify", "Sleeper", "PidFile", "x")
	if now, _ := os.ReadFile(typesCF); !bytes.Equal(now, origTypes) {
		t.Fatal("a refused type modify changed the types file")
	}
	if now, _ := os.ReadFile(mainCF); !bytes.Equal(now, orig) {
		t.Fatal("a type modify changed main.cf")
	}
	n.stop()
	n.start()
	n.waitGroup("app", "ONLINE")
	if v := n.must("res", "value", "mid", "OfflineMonitorInterval"); v != "3" {
		t.Fatalf("OfflineMonitorInterval = %q after a restart", v)
	}
	if s := n.state("res", "extra"); s != "ONLINE" {
		t.Fatalf("extra = %s after a restart", s)
	}
	if v := n.must("res", "value", "extra", "OnlineDelay"); v != "1" {
		t.Fatalf("OnlineDelay@e2e1 of extra = %q after a restart", v)
	}
	n.must("res", "modify", "extra", "OnlineDelay", "--delete", "--sys", "e2e1")
	if v := n.must("res", "value", "extra", "OnlineDelay"); v != "0" {
		t.Fatalf("OnlineDelay of extra = %q after the per-system value was removed", v)
	}
	var d wire.DepsView
	if err := json.Unmarshal([]byte(n.must("res", "dep", "extra", "--json")), &d); err != nil {
		t.Fatal(err)
	}
	if strings.Join(d.Requires, " ") != "mid" || strings.Join(d.AllRequires, " ") != "leaf mid" {
		t.Fatalf("res dep extra after restart = %+v", d)
	}
	n.must("res", "offline", "extra", "--wait")
	n.must("res", "unlink", "extra", "mid")
	n.must("res", "delete", "extra")
	if b, _ := os.ReadFile(mainCF); bytes.Contains(b, []byte("extra")) {
		t.Fatalf("deleted resource still in main.cf:\n%s", b)
	}
	n.must("grp", "add", "spare")
	n.must("grp", "delete", "spare")
	if !exists(mainCF + ".previous") {
		t.Fatal("main.cf.previous not kept")
	}
	n.waitGroup("app", "ONLINE")
	n.stop()
}
