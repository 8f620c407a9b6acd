package runner

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/procfs"
)

// A Runner's cgroup base holds two kinds of cgroups:
//
//	run-N   the cgroup of one run while its entry point runs (or is being
//	        killed): everything in it belongs to an entry point in flight
//	kept-N  what an entry point left behind when it exited normally: the
//	        resource (the daemon an online script starts), never killed
//
// When the Runner's process dies without Close (SIGKILL), its run-N cgroups
// still hold the entry points it had in flight, re-parented to init, and
// what entry points that ended after it left behind. The next instance
// on the same state directory kills the entry points still running
// (KillLeftovers, called by the daemon with the base it recorded) before it
// probes: nothing of the old instance's entry points survives it, and
// resources are left alone.

// keep moves the processes of run cgroup dir to the Runner's kept cgroup
// (kept-0, created at the first need and swept once it is empty) and
// returns dir. One kept cgroup serves every run: creating and removing a
// cgroup per run waits for RCU grace periods, 10 to 20 ms on a busy
// machine, in the middle of every online that starts a daemon.
func (p *cgroupPool) keep(dir string) string {
	if len(readProcs(dir)) == 0 {
		return dir
	}
	kept := filepath.Join(filepath.Dir(dir), "kept-0")
	if created, ok := migrate(dir, kept); ok && created {
		p.mu.Lock()
		p.stale = append(p.stale, kept)
		p.mu.Unlock()
	}
	return dir
}

// migrate creates cgroup to, when it does not exist yet, and moves every
// process of from into it; it reports whether it created to and whether to
// exists. A child forked while its parent moves lands in the old cgroup or
// the new one, never elsewhere: from is read again until it is empty (at
// most ten rounds).
func migrate(from, to string) (created, ok bool) {
	err := os.Mkdir(to, 0o755)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return false, false
	}
	for range 10 {
		procs := readProcs(from)
		if len(procs) == 0 {
			break
		}
		for _, pid := range procs {
			_ = os.WriteFile(filepath.Join(to, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0)
		}
	}
	return err == nil, true
}

// inFlight reports whether a run cgroup's entry point itself still runs: a
// live member leads its process group without leading a session. The
// runner starts every entry point in a process group of its own (Setpgid)
// in the daemon's session; what an entry point leaves behind is either in
// the entry point's process group (and not its leader) or, as daemons do,
// in a session of its own. (A resource that makes itself a process group
// leader without setsid would be taken for an entry point in flight.)
func inFlight(procs []int) bool {
	for _, pid := range procs {
		if st, err := procfs.ReadStat(pid); err == nil && !st.Dead() && st.PGID == pid && st.SID != pid {
			return true
		}
	}
	return false
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

// killLeftovers handles the run-N cgroups of a dead Runner's base: one
// whose entry point still runs (inFlight) is killed whole (cgroup.kill), as
// a timed-out entry point's tree is; one whose entry point has exited holds
// only what it left behind, the resource, which moves to a kept cgroup.
// Empty cgroups are removed, and the base when nothing is left in it. It
// returns how many processes it killed. kept-N cgroups are not touched.
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
			switch procs := readProcs(dir); {
			case len(procs) == 0:
			case inFlight(procs):
				killed += len(procs)
				_ = writeKill(dir)
				waitEmpty(dir)
			default:
				migrate(dir, filepath.Join(base, "kept-left-"+strings.TrimPrefix(e.Name(), "run-")))
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
