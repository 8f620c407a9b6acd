package host_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/procfs"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/host"
	"github.com/vigil-ha/vigil/plugins/sdk/sdktest"
)

const misbehaveCf = `
type Misbehave (
	static str ArgList[] = { Mode, PathName }
	str Mode
	str PathName
)
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } )
Misbehave ok ( Mode = ok
	PathName = "%[1]s/ok" )
Misbehave slow ( Mode = slow
	PathName = "%[1]s/ok" )
Misbehave hang ( Mode = hang )
Misbehave panics ( Mode = panic )
Misbehave escape ( Mode = escape
	PathName = "%[1]s/escape" )
`

// fixture starts the misbehave plugin with an observed log.
type fixture struct {
	cfg  *model.Config
	h    *host.Host
	logs *observer.ObservedLogs
	dir  string
}

func start(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	cfg := sdktest.LoadConfig(t, fmt.Sprintf(misbehaveCf, dir), map[string]string{})
	core, logs := observer.New(zap.DebugLevel)
	h, err := host.New(host.Options{Type: cfg.Types["Misbehave"], Path: bins["misbehave"], Logger: zap.New(core),
		MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pid := h.Pid()
		h.Close()
		if pid > 0 && !waitFor(func() bool { return !procfs.Alive(pid) }) {
			t.Errorf("plugin pid %d still alive after Close", pid)
		}
	})
	return &fixture{cfg: cfg, h: h, logs: logs, dir: dir}
}

func (f *fixture) monitor(t *testing.T, res string, timeout time.Duration) ep.Result {
	t.Helper()
	req, err := agent.BuildRequest(agent.RequestSpec{EP: ep.Monitor, Resource: f.cfg.Resources[res], Config: f.cfg,
		Version: arglist.V50})
	if err != nil {
		t.Fatal(err)
	}
	req.Timeout = timeout
	return f.h.Run(context.Background(), req)
}

// waitFor polls cond for up to 30 s.
func waitFor(cond func() bool) bool {
	for i := 0; i < 600; i++ {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cond()
}

func TestMonitorAndLog(t *testing.T) {
	f := start(t)
	if r := f.monitor(t, "ok", 10*time.Second); r.ExitCode != 100 {
		t.Fatalf("monitor ok without file: %s exit %d (%v), want 100", r.Outcome, r.ExitCode, r.Err)
	}
	os.WriteFile(filepath.Join(f.dir, "ok"), nil, 0o644)
	if r := f.monitor(t, "ok", 10*time.Second); r.ExitCode != 110 {
		t.Fatalf("monitor ok with file: %s exit %d (%v), want 110", r.Outcome, r.ExitCode, r.Err)
	}
	if !waitFor(func() bool { return f.logs.FilterMessage("monitor ran").Len() >= 2 }) {
		t.Fatalf("plugin log lines not forwarded: %v", f.logs.All())
	}
	e := f.logs.FilterMessage("monitor ran").All()[0]
	m := e.ContextMap()
	if m["msgid"] != "7001" || m["cat"] != "10000" || m["resource"] != "ok" || m["ep"] != "monitor" {
		t.Fatalf("forwarded log fields %v, want msgid 7001, cat 10000, resource ok, ep monitor", m)
	}
}

// TestKilledMidMonitor: SIGKILL while a monitor runs fails that call as a
// plugin exit, and the plugin is relaunched and its resources re-probed.
func TestKilledMidMonitor(t *testing.T) {
	f := start(t)
	reprobed := make(chan struct{}, 1)
	f.h.OnRelaunch(func() { reprobed <- struct{}{} })
	old := f.h.Pid()
	got := make(chan ep.Result, 1)
	go func() { got <- f.monitor(t, "slow", 30*time.Second) }()
	// The slow monitor marks its start, then sleeps 3 s: kill it then.
	if !waitFor(func() bool { _, err := os.Stat(filepath.Join(f.dir, "ok.in-monitor")); return err == nil }) {
		t.Fatal("slow monitor never reached the plugin")
	}
	unix.Kill(old, unix.SIGKILL)
	r := <-got
	if r.Outcome != ep.Signaled || !errors.Is(r.Err, host.ErrPluginExited) {
		t.Fatalf("monitor of a killed plugin: %s (%v), want signaled wrapping ErrPluginExited", r.Outcome, r.Err)
	}
	select {
	case <-reprobed:
	case <-time.After(30 * time.Second):
		t.Fatal("plugin not relaunched within 30 s")
	}
	if p := f.h.Pid(); p == 0 || p == old {
		t.Fatalf("pid after relaunch %d (old %d)", p, old)
	}
	if r := f.monitor(t, "ok", 10*time.Second); r.Outcome != ep.Exited || r.ExitCode != 100 {
		t.Fatalf("monitor after relaunch: %s exit %d (%v)", r.Outcome, r.ExitCode, r.Err)
	}
}

// TestHang: a monitor that ignores its deadline times out; a plugin that
// answers no ping at all (stopped) is killed and relaunched.
func TestHang(t *testing.T) {
	f := start(t)
	if r := f.monitor(t, "hang", 500*time.Millisecond); r.Outcome != ep.TimedOut {
		t.Fatalf("hanging monitor: %s (%v), want timed out", r.Outcome, r.Err)
	}
	old := f.h.Pid()
	unix.Kill(old, unix.SIGSTOP)
	if !waitFor(func() bool { st, err := procfs.ReadStat(old); return err == nil && st.State == 'T' }) {
		t.Fatal("plugin did not stop on SIGSTOP")
	}
	if r := f.monitor(t, "ok", 500*time.Millisecond); r.Outcome != ep.TimedOut {
		t.Fatalf("monitor of a stopped plugin: %s (%v), want timed out", r.Outcome, r.Err)
	}
	if !waitFor(func() bool { p := f.h.Pid(); return p != 0 && p != old }) {
		t.Fatal("stopped plugin was not replaced within 30 s")
	}
	if !waitFor(func() bool { return !procfs.Alive(old) }) {
		t.Fatalf("stopped plugin %d still alive", old)
	}
}

// TestPanic: a panicking plugin's panic is in the agent log.
func TestPanic(t *testing.T) {
	f := start(t)
	r := f.monitor(t, "panics", 10*time.Second)
	if r.Outcome != ep.Signaled {
		t.Fatalf("panicking monitor: %s (%v), want signaled", r.Outcome, r.Err)
	}
	if !waitFor(func() bool {
		return f.logs.FilterMessageSnippet("panic: misbehave: boom in monitor").Len() > 0
	}) {
		t.Fatalf("panic not in the agent log: %v", f.logs.All())
	}
}

// TestStartFailures: a binary that is not a plugin, and one that never
// answers within the start-up timeout, are refused with an error.
func TestStartFailures(t *testing.T) {
	dir := t.TempDir()
	slow := filepath.Join(dir, "slow")
	os.WriteFile(slow, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755)
	typ := &model.Type{Name: "X"}
	for _, tc := range []struct{ name, path string }{{"not a plugin", "/bin/true"}, {"start-up timeout", slow}} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := host.New(host.Options{Type: typ, Path: tc.path, StartTimeout: time.Second})
			if err == nil || !strings.Contains(err.Error(), tc.path) {
				t.Fatalf("New(%s): %v, want an error naming the binary", tc.path, err)
			}
		})
	}
}

// TestCgroupKillsEscapedChildren: a plugin started in a cgroup of its own
// (Options.Cgroup) whose monitor started a child in a session of its own:
// Close kills that child too (a process-group kill would miss it) and
// removes the cgroup; a plugin killed by hand is relaunched in a new one.
func TestCgroupKillsEscapedChildren(t *testing.T) {
	run := runner.New(runner.Options{})
	defer run.Close()
	var cgroups []string
	cg := func() string { d := run.HelperCgroup("plugin-Misbehave"); cgroups = append(cgroups, d); return d }
	if probe := cg(); probe == "" {
		t.Skip("per-run cgroups unavailable (needs cgroup v2 and permission to create cgroups below our own)")
	}
	dir := t.TempDir()
	cfg := sdktest.LoadConfig(t, fmt.Sprintf(misbehaveCf, dir), map[string]string{})
	h, err := host.New(host.Options{Type: cfg.Types["Misbehave"], Path: bins["misbehave"], Cgroup: cg,
		Env: []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{cfg: cfg, h: h, dir: dir}
	first := h.Pid()
	unix.Kill(first, unix.SIGKILL)
	if !waitFor(func() bool { p := h.Pid(); return p != 0 && p != first }) {
		h.Close()
		t.Fatal("plugin killed by hand not relaunched within 30 s")
	}
	if r := f.monitor(t, "escape", 10*time.Second); r.Outcome != ep.Exited {
		h.Close()
		t.Fatalf("monitor: %s (%v)", r.Outcome, r.Err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "escape.escaped"))
	if err != nil {
		h.Close()
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(string(b))
	t.Cleanup(func() { unix.Kill(child, unix.SIGKILL) })
	// setsid(1) runs as the child until it has called setsid(2) and
	// exec'd sleep: wait for the new session.
	if !waitFor(func() bool { st, err := procfs.ReadStat(child); return err == nil && st.SID == child }) {
		h.Close()
		t.Fatalf("the plugin's child %d does not lead its own session", child)
	}
	h.Close()
	if !waitFor(func() bool { return !procfs.Alive(child) }) {
		t.Fatalf("the plugin's setsid child %d survives Close", child)
	}
	for _, d := range cgroups[1:] { // [0] was the probe
		if _, err := os.Stat(d); err == nil {
			t.Errorf("cgroup %s not removed by Close", d)
		}
	}
	runner.RemoveCgroup(cgroups[0])
}
