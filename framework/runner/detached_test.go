package runner_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/procfs"
	"github.com/vigil-ha/vigil/framework/runner"
)

// TestStartDetachedAndKillTree: KillTree of a Runner's cgroup base kills the
// resource an entry point left behind and an entry point in flight with its
// child, and spares a helper started with StartDetached, which runs in a
// session of its own outside the base and reads the descriptor it was
// given.
func TestStartDetachedAndKillTree(t *testing.T) {
	if !testRunner.CgroupsActive() {
		t.Skip("per-run cgroups unavailable (needs cgroup v2 and permission to create cgroups below our own)")
	}
	dir := t.TempDir()
	r := newRunner(t, runner.Options{})
	res := r.RunCommand(context.Background(), "/bin/sh",
		[]string{"-c", "setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >" + filepath.Join(dir, "resource")},
		runner.RunOptions{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	inflight, err := r.Start(context.Background(), "/bin/sh",
		[]string{"-c", "sleep 1000 & echo $! >" + filepath.Join(dir, "child") + "; wait"}, runner.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	helper, err := r.StartDetached("/bin/sh", []string{"-c", "read x <&3; echo \"$x\" >" + filepath.Join(dir, "said")},
		[]*os.File{pr}, nil)
	pr.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	waitFile(t, filepath.Join(dir, "child"))
	resource, child := readPid(t, filepath.Join(dir, "resource")), readPid(t, filepath.Join(dir, "child"))
	t.Cleanup(func() { killPid(resource); killPid(child) })

	base := r.CgroupBase()
	if cg, _ := os.ReadFile("/proc/" + strconv.Itoa(helper.Pid()) + "/cgroup"); strings.Contains(string(cg), filepath.Base(base)) {
		t.Fatalf("the detached helper is in the runner's cgroup base: %s", cg)
	}
	if st, err := procfs.ReadStat(helper.Pid()); err != nil || st.SID != helper.Pid() {
		t.Fatalf("the detached helper does not lead a session of its own: %+v %v", st, err)
	}
	n, err := runner.KillTree(base)
	if err != nil || n < 3 {
		t.Fatalf("KillTree = %d, %v; want the resource, the entry point and its child", n, err)
	}
	for _, pid := range []int{resource, child} {
		deadline := time.Now().Add(30 * time.Second)
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("process %d survives KillTree of its cgroup base", pid)
		}
	}
	select {
	case <-inflight.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the entry point in flight survives KillTree")
	}
	if !alive(helper.Pid()) {
		t.Fatal("the detached helper was killed with the tree")
	}
	if _, err := pw.WriteString("hello\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-helper.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the detached helper did not exit after reading its descriptor")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "said")); string(b) != "hello\n" {
		t.Fatalf("the helper read %q from descriptor 3", b)
	}
	if n, err := runner.KillTree(filepath.Join(base, "no-such-cgroup")); n != 0 || err != nil {
		t.Errorf("KillTree of a missing cgroup = %d, %v; want 0, nil", n, err)
	}
	if _, err := runner.KillTree("relative/path"); err == nil {
		t.Error("KillTree of a relative path accepted")
	}
	if _, err := r.StartDetached("/nonexistent/guard", nil, nil, nil); err == nil {
		t.Error("StartDetached of a missing program succeeded")
	}
}

func waitFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not written", path)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func killPid(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
}

// TestKillMarked: without cgroups, KillMarked of a Runner's marker prefix
// kills the resource its entry point left behind (in a session of its own)
// and spares another Runner's.
func TestKillMarked(t *testing.T) {
	dir := t.TempDir()
	r := newRunner(t, runner.Options{NoCgroups: true})
	other := newRunner(t, runner.Options{NoCgroups: true})
	leave := func(r *runner.Runner, name string) int {
		res := r.RunCommand(context.Background(), "/bin/sh",
			[]string{"-c", "setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >" + filepath.Join(dir, name)},
			runner.RunOptions{})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		pid := readPid(t, filepath.Join(dir, name))
		t.Cleanup(func() { killPid(pid) })
		return pid
	}
	mine, theirs := leave(r, "mine"), leave(other, "theirs")
	n, err := runner.KillMarked(r.MarkerPrefix())
	if err != nil || n != 1 {
		t.Fatalf("KillMarked = %d, %v; want the one resource", n, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for alive(mine) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(mine) {
		t.Error("the marked resource survives KillMarked")
	}
	if !alive(theirs) {
		t.Error("another Runner's resource was killed")
	}
	if _, err := runner.KillMarked(""); err == nil {
		t.Error("KillMarked with an empty prefix accepted")
	}
}
