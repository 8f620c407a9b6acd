package runner_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/runner"
)

const leftoverHelperEnv = "VIGIL_LEFTOVER_HELPER"

// TestLeftoverHelper is not a test: run by TestKillLeftovers as a child
// (leftoverHelperEnv set), it plays a daemon. It runs one entry point that
// leaves a resource behind and exits, and one that hangs with a child of
// its own; it prints its cgroup base and the pids, then waits to be killed.
func TestLeftoverHelper(t *testing.T) {
	dir := os.Getenv(leftoverHelperEnv)
	if dir == "" {
		t.Skip("helper process of TestKillLeftovers")
	}
	r := runner.New(runner.Options{})
	base := r.CgroupBase()
	res := r.RunCommand(context.Background(), "/bin/sh",
		[]string{"-c", "sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >" + filepath.Join(dir, "resource")},
		runner.RunOptions{})
	if res.Err != nil {
		fmt.Println("error", res.Err)
		return
	}
	_, err := r.Start(context.Background(), "/bin/sh",
		[]string{"-c", "sleep 1000 & echo $! >" + filepath.Join(dir, "hung-child") + "; wait"}, runner.RunOptions{})
	if err != nil {
		fmt.Println("error", err)
		return
	}
	// An entry point that ends after the "daemon" dies, leaving a resource
	// in a session of its own.
	_, err = r.Start(context.Background(), "/bin/sh", []string{"-c", "while [ ! -e " + filepath.Join(dir, "go") +
		" ]; do sleep 0.05; done; setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >" + filepath.Join(dir, "late.tmp") +
		"; mv " + filepath.Join(dir, "late.tmp") + " " + filepath.Join(dir, "late")}, runner.RunOptions{})
	if err != nil {
		fmt.Println("error", err)
		return
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "hung-child")); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Println("base", base)
	select {} // killed by the test
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// TestKillLeftovers: a "daemon" killed with SIGKILL while an entry point
// hangs leaves it (and its child) running; the next instance's
// KillLeftovers kills them before anything else, and the resources entry
// points left behind stay: one left before the crash, and one left by an
// entry point that ended after it.
func TestKillLeftovers(t *testing.T) {
	if !testRunner.CgroupsActive() {
		t.Skip("per-run cgroups unavailable (needs cgroup v2 and permission to create cgroups below our own)")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLeftoverHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), leftoverHelperEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	base := ""
	for sc.Scan() {
		if b, ok := strings.CutPrefix(sc.Text(), "base "); ok {
			base = b
			break
		}
		if strings.HasPrefix(sc.Text(), "error") {
			t.Fatal(sc.Text())
		}
	}
	if base == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("helper printed no cgroup base")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o644); err != nil { // the late entry point ends now
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, err := os.Stat(filepath.Join(dir, "late")); err != nil && time.Now().Before(deadline); _, err = os.Stat(filepath.Join(dir, "late")) {
		time.Sleep(10 * time.Millisecond)
	}
	resource, hung := readPid(t, filepath.Join(dir, "resource")), readPid(t, filepath.Join(dir, "hung-child"))
	late := readPid(t, filepath.Join(dir, "late"))
	t.Cleanup(func() { syscall.Kill(resource, syscall.SIGKILL); syscall.Kill(late, syscall.SIGKILL) })
	// The late entry point's shell writes the file just before it exits:
	// wait until its run cgroup holds only the resource it left, as the
	// test means (an entry point still running is in flight and killed).
	deadline = time.Now().Add(30 * time.Second)
	for !aloneInRun(base, late) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !alive(hung) {
		t.Fatal("the hung entry point's child died with the daemon: nothing to test")
	}
	r := newRunner(t, runner.Options{})
	if n := r.KillLeftovers(base); n < 2 {
		t.Errorf("KillLeftovers killed %d processes, want the hung entry point and its child", n)
	}
	deadline = time.Now().Add(30 * time.Second)
	for alive(hung) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(hung) {
		t.Errorf("child %d of the hung entry point survives the restart", hung)
	}
	if !alive(resource) {
		t.Errorf("resource %d left behind by an entry point that exited was killed", resource)
	}
	if !alive(late) {
		t.Errorf("resource %d left behind by an entry point that exited after the crash was killed", late)
	}
}

// aloneInRun reports whether pid is the only process of the run cgroup of
// base that holds it.
func aloneInRun(base string, pid int) bool {
	runs, _ := filepath.Glob(filepath.Join(base, "run-*", "cgroup.procs"))
	for _, f := range runs {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		procs := strings.Fields(string(b))
		for _, p := range procs {
			if p == strconv.Itoa(pid) {
				return len(procs) == 1
			}
		}
	}
	return false
}
