package runner

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
)

// A Runner's cgroup base holds two kinds of cgroups:
//
//	run-N   the cgroup of one run while its entry point runs (or is being
//	        killed): everything in it belongs to an entry point in flight
//	kept-N  what an entry point left behind when it exited normally: the
//	        resource (the daemon an online script starts), never killed
//
// When the Runner's process dies without Close (SIGKILL), its run-N cgroups
// still hold the entry points it had in flight, re-parented to init. The
// next instance kills them (KillLeftovers, sweepDead) before it probes:
// nothing of the old instance's entry points survives it, and its
// resources are left alone.

// keep moves the processes of run cgroup dir to a new kept cgroup and
// returns the cgroup to remove: dir once it is empty, else (moves failed,
// e.g. a process forking faster than it is moved) dir itself.
func (p *cgroupPool) keep(dir string) string {
	procs := readProcs(dir)
	if len(procs) == 0 {
		return dir
	}
	p.mu.Lock()
	p.seq++
	kept := filepath.Join(filepath.Dir(dir), "kept-"+strconv.Itoa(p.seq))
	p.mu.Unlock()
	if err := os.Mkdir(kept, 0o755); err != nil {
		return dir
	}
	// A child forked while its parent moves lands in the old cgroup or the
	// new one, never elsewhere: read again until the run cgroup is empty.
	for range 10 {
		for _, pid := range procs {
			_ = os.WriteFile(filepath.Join(kept, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0)
		}
		if procs = readProcs(dir); len(procs) == 0 {
			break
		}
	}
	p.mu.Lock()
	p.stale = append(p.stale, kept)
	p.mu.Unlock()
	if len(procs) > 0 {
		return kept
	}
	return dir
}

func readProcs(dir string) []int {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// killLeftovers kills (cgroup.kill) every process in the run-N cgroups of
// a dead Runner's base, removes the cgroups that are empty, and the base
// when nothing is left in it. It returns how many processes it killed.
// kept-N cgroups (resources) are not touched.
func killLeftovers(base string) int {
	ents, err := os.ReadDir(base)
	if err != nil {
		return 0
	}
	killed := 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(base, e.Name())
		if strings.HasPrefix(e.Name(), "run-") {
			if n := len(readProcs(dir)); n > 0 {
				killed += n
				_ = os.WriteFile(filepath.Join(dir, "cgroup.kill"), []byte("1"), 0)
				waitEmpty(dir)
			}
		}
		_ = unix.Rmdir(dir)
	}
	_ = unix.Rmdir(base)
	return killed
}

// waitEmpty waits, for at most 2 s, until a killed cgroup has no member left (the
// kill is asynchronous; an unreaped zombie of a dead parent is reaped by
// init).
func waitEmpty(dir string) {
	for range 200 {
		if b, err := os.ReadFile(filepath.Join(dir, "cgroup.events")); err != nil ||
			strings.Contains(string(b), "populated 0") {
			return
		}
		<-clock.Real{}.After(10 * time.Millisecond)
	}
}

// KillLeftovers kills what a previous, dead instance's Runner left running
// in its cgroup base (the entry points it had in flight) and removes its
// empty cgroups; the processes that instance's entry points left behind as
// resources stay. base is what that Runner's CgroupBase returned; the
// caller knows the instance is dead (the daemon holds its state directory
// lock). It returns the number of processes killed.
func (r *Runner) KillLeftovers(base string) int {
	if base == "" || filepath.Base(base) == r.cg.name || !strings.HasPrefix(filepath.Base(base), "vigil-") {
		return 0
	}
	return killLeftovers(base)
}

// CgroupBase returns the directory of r's run cgroups, creating it (and
// sweeping the leftovers of dead vigil processes beside it) if needed; ""
// when runs get no cgroup. The daemon records it in its state directory so
// that the next instance finds it (KillLeftovers).
func (r *Runner) CgroupBase() string {
	r.cg.mu.Lock()
	defer r.cg.mu.Unlock()
	if !r.cg.enabled {
		return ""
	}
	return r.cg.baseLocked()
}
