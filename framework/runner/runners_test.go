package runner_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
)

// TestRunnersSeparateCgroupBases runs children through two Runners at the
// same time and checks, from each child's /proc/self/cgroup, that each
// Runner puts its runs below a cgroup base of its own, and that closing one
// Runner removes its base and leaves the other's.
func TestRunnersSeparateCgroupBases(t *testing.T) {
	a, b := newRunner(t, runner.Options{}), newRunner(t, runner.Options{})
	if !a.CgroupsActive() || !b.CgroupsActive() {
		t.Skip("no writable cgroup v2 hierarchy below this process's cgroup: run cgroups cannot be tested here")
	}
	mnt := cgroup2Mount(t)
	const runs = 8
	bases := [2]map[string]bool{{}, {}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, r := range []*runner.Runner{a, b} {
		for range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				base := childCgroupBase(t, r)
				mu.Lock()
				bases[i][base] = true
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if len(bases[0]) != 1 || len(bases[1]) != 1 {
		t.Fatalf("each Runner should use one cgroup base: %v and %v", bases[0], bases[1])
	}
	baseA, baseB := onlyKey(bases[0]), onlyKey(bases[1])
	prefix := "vigil-" + strconv.Itoa(os.Getpid()) + "-"
	if baseA == baseB {
		t.Fatalf("both Runners run children below %s", baseA)
	}
	for _, base := range []string{baseA, baseB} {
		if !strings.HasPrefix(path.Base(base), prefix) {
			t.Errorf("cgroup base %s is not named %s<token>", base, prefix)
		}
	}
	a.Close()
	if _, err := os.Stat(filepath.Join(mnt, baseA)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("base %s of the closed Runner is still there (stat: %v)", baseA, err)
	}
	if _, err := os.Stat(filepath.Join(mnt, baseB)); err != nil {
		t.Errorf("base %s of the other Runner: %v", baseB, err)
	}
	if got := childCgroupBase(t, b); got != baseB {
		t.Errorf("after the other Runner closed, a child runs below %s, want %s", got, baseB)
	}
}

// childCgroupBase runs cat /proc/self/cgroup through r and returns the
// parent of the child's cgroup (the Runner's base), or "" after an error.
func childCgroupBase(t *testing.T, r *runner.Runner) string {
	res := r.RunCommand(context.Background(), "/bin/cat", []string{"/proc/self/cgroup"},
		runner.RunOptions{Timeout: 10 * time.Second})
	if res.Outcome != ep.Exited || res.ExitCode != 0 {
		t.Errorf("cat: %v exit %d (%v)", res.Outcome, res.ExitCode, res.Err)
		return ""
	}
	for _, l := range strings.Split(string(res.Output), "\n") {
		if p, ok := strings.CutPrefix(l, "0::"); ok {
			return path.Dir(p)
		}
	}
	t.Errorf("no cgroup v2 line in %q", res.Output)
	return ""
}

func onlyKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}

// cgroup2Mount returns the mount point of the cgroup v2 hierarchy.
func cgroup2Mount(t *testing.T) string {
	t.Helper()
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, _ := strings.Cut(sc.Text(), " - ")
		if pf, qf := strings.Fields(pre), strings.Fields(post); len(pf) >= 5 && len(qf) >= 1 && qf[0] == "cgroup2" {
			return pf[4]
		}
	}
	t.Fatal("no cgroup2 mount in /proc/self/mountinfo, yet the Runner uses cgroups")
	return ""
}

// TestDrainIsPerRunner times out a child that ignores SIGTERM in one Runner
// (its kill waits KillGrace, then sends SIGKILL) and a plain child in
// another, at the same time, and checks that Drain of the second returns
// while the first Runner's kill is still pending, and that Drain of the
// first then waits until its tree is gone.
func TestDrainIsPerRunner(t *testing.T) {
	const grace = 3 * time.Second
	slow, quick := newRunner(t, runner.Options{}), newRunner(t, runner.Options{})
	o := runner.RunOptions{Timeout: 300 * time.Millisecond, KillGrace: grace, Env: []string{"PATH=/usr/bin:/bin"}}
	var wg sync.WaitGroup
	var slowRes, quickRes ep.Result
	wg.Add(2)
	go func() {
		defer wg.Done()
		slowRes = slow.RunCommand(context.Background(), "/bin/sh",
			[]string{"-c", `trap "" TERM; echo "ready $$"; exec sleep 1000`}, o)
	}()
	go func() {
		defer wg.Done()
		quickRes = quick.RunCommand(context.Background(), "/bin/sh", []string{"-c", `echo "ready $$"; exec sleep 1000`}, o)
	}()
	wg.Wait()
	pids := make([]int, 2)
	for i, res := range []ep.Result{slowRes, quickRes} {
		f := strings.Fields(string(res.Output))
		if res.Outcome != ep.TimedOut || len(f) != 2 || f[0] != "ready" {
			t.Fatalf("run %d: %v, output %q; want timed out after ready", i, res.Outcome, res.Output)
		}
		pids[i], _ = strconv.Atoi(f[1])
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), grace-time.Second)
	defer cancel()
	if err := quick.Drain(ctx); err != nil {
		t.Fatalf("drain of the quick Runner after %v: %v (did it wait for the other Runner's kill?)", time.Since(start), err)
	}
	if alive(pids[1]) {
		t.Errorf("pid %d of the quick Runner survived its drain", pids[1])
	}
	short, cancelShort := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancelShort()
	if err := slow.Drain(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("drain of the slow Runner = %v during its kill grace, want context.DeadlineExceeded", err)
	}
	if !alive(pids[0]) {
		t.Fatalf("pid %d, which ignores SIGTERM, died before the kill grace ended", pids[0])
	}
	long, cancelLong := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancelLong()
	if err := slow.Drain(long); err != nil {
		t.Fatalf("drain of the slow Runner: %v", err)
	}
	if alive(pids[0]) {
		t.Errorf("pid %d survived the slow Runner's drain", pids[0])
	}
}

// TestCloseEndsSubreaper re-executes the test binary (a process of its own,
// where no other Runner reaps) and there checks that Close of a Runner that
// became a subreaper clears the attribute and stops its reaping, so that a
// later Runner with a Reaper of its own becomes a subreaper in turn and
// every one of its children's exit status reaches its own Wait.
func TestCloseEndsSubreaper(t *testing.T) {
	if os.Getenv("VIGIL_SUBREAPER_CHILD") == "1" {
		closeEndsSubreaper(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCloseEndsSubreaper$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "VIGIL_SUBREAPER_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestCloseEndsSubreaper") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func closeEndsSubreaper(t *testing.T) {
	isSubreaper := func() bool {
		var v int32
		if _, _, e := unix.Syscall(unix.SYS_PRCTL, unix.PR_GET_CHILD_SUBREAPER, uintptr(unsafe.Pointer(&v)), 0); e != 0 {
			t.Fatalf("prctl(PR_GET_CHILD_SUBREAPER): %v", e)
		}
		return v != 0
	}
	first := runner.New(runner.Options{})
	if err := first.BecomeSubreaper(); err != nil {
		t.Fatalf("become subreaper: %v", err)
	}
	if !isSubreaper() {
		t.Fatal("not a subreaper after BecomeSubreaper")
	}
	first.Close()
	if isSubreaper() {
		t.Fatal("still a subreaper after Close of the only Runner that asked")
	}
	second := runner.New(runner.Options{})
	defer second.Close()
	if err := second.BecomeSubreaper(); err != nil {
		t.Fatalf("become subreaper again: %v", err)
	}
	for i := range 100 {
		res := second.RunCommand(context.Background(), "/bin/sh", []string{"-c", "exit 7"},
			runner.RunOptions{Timeout: 10 * time.Second})
		if res.Outcome != ep.Exited || res.ExitCode != 7 {
			t.Fatalf("run %d: %v exit %d (%v), want exit 7", i, res.Outcome, res.ExitCode, res.Err)
		}
	}
}
