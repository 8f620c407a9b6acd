package runner

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Per-run cgroups (cgroup v2), used when this process may create cgroups
// below its own: each child is cloned straight into its own cgroup
// (CLONE_INTO_CGROUP), which no descendant can leave, so a timed-out tree is
// found completely even when a process cut every other link (double fork,
// setsid, cleared environment). The /proc scan of tree.members still runs;
// the cgroup only adds members. Without cgroup v2 the scan alone applies.

// cgroupPool is the cgroup state of one Runner: its base directory, the
// empty run cgroups kept for reuse and those still holding a left-behind
// process.
type cgroupPool struct {
	mu      sync.Mutex
	enabled bool
	name    string // the base's directory name: vigil-<pid>-<runner token>
	probed  bool
	base    string       // the Runner's directory for run cgroups ("" = none)
	stale   []string     // run cgroups still holding a left-behind process
	pool    []*runCgroup // empty run cgroups ready for reuse (fd open)
	seq     int
}

// maxPool bounds the empty run cgroups kept for reuse.
const maxPool = 32

// active reports whether runs get their own cgroup.
func (p *cgroupPool) active() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.enabled && p.baseLocked() != ""
}

func (p *cgroupPool) baseLocked() string {
	if !p.probed {
		p.probed = true
		p.base = probeCgroupBase(p.name)
	}
	return p.base
}

// probeCgroupBase creates <cgroup2 mount><own cgroup>/<name> and returns
// it, or "" when that is not possible.
func probeCgroupBase(name string) string {
	mnt := cgroup2Mount()
	if mnt == "" {
		return ""
	}
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	self := ""
	for _, l := range strings.Split(string(b), "\n") {
		if p, ok := strings.CutPrefix(l, "0::"); ok {
			self = p
		}
	}
	parent := filepath.Join(mnt, self)
	sweepDead(parent)
	base := filepath.Join(parent, name)
	if err := os.Mkdir(base, 0o755); err != nil && !os.IsExist(err) {
		return ""
	}
	return base
}

// sweepDead removes the empty cgroups left by vigil processes that have
// exited without Runner.Close (tests, a killed daemon). It kills nothing:
// which dead instance's entry points are whose to kill is known only to
// the daemon that takes over its state directory (Runner.KillLeftovers); a
// test or another daemon beside it must not kill them. A base is named
// vigil-<pid>-<runner token> (vigil-<pid> before Runner values).
func sweepDead(parent string) {
	ents, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), "vigil-")
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !e.IsDir() || !ok || err != nil {
			continue
		}
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			continue // still running (or the pid was reused: leave it)
		}
		removeEmpty(filepath.Join(parent, e.Name()))
	}
}

// removeEmpty removes the empty cgroups of a base, and the base when
// nothing is left in it.
func removeEmpty(base string) {
	runs, _ := os.ReadDir(base)
	for _, r := range runs {
		if r.IsDir() {
			_ = unix.Rmdir(filepath.Join(base, r.Name()))
		}
	}
	_ = unix.Rmdir(base)
}

// cgroup2Mount returns the mount point of the cgroup v2 hierarchy, or "".
func cgroup2Mount() string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		if pf, qf := strings.Fields(pre), strings.Fields(post); len(pf) >= 5 && len(qf) >= 1 && qf[0] == "cgroup2" {
			return pf[4]
		}
	}
	return ""
}

// runCgroup is the cgroup of one run.
type runCgroup struct {
	pool   *cgroupPool // the Runner's, to which release returns it
	dir    string
	fd     int
	killed bool // cgroup.kill was written: never reused (a new child was seen killed in it)
}

// newRun creates the cgroup of a run, or returns nil.
func (p *cgroupPool) newRun() *runCgroup {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.enabled || p.baseLocked() == "" {
		return nil
	}
	if n := len(p.pool); n > 0 {
		c := p.pool[n-1]
		p.pool = p.pool[:n-1]
		return c
	}
	p.sweepLocked()
	p.seq++
	dir := filepath.Join(p.base, "run-"+strconv.Itoa(p.seq))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		_ = os.Remove(dir)
		return nil
	}
	return &runCgroup{pool: p, dir: dir, fd: fd}
}

// sweepLocked removes run cgroups whose left-behind processes have gone.
func (p *cgroupPool) sweepLocked() {
	keep := p.stale[:0]
	for _, d := range p.stale {
		if err := unix.Rmdir(d); err != nil && err != unix.ENOENT {
			keep = append(keep, d)
		}
	}
	p.stale = keep
}

func (c *runCgroup) closeFD() {
	if c != nil && c.fd >= 0 {
		_ = unix.Close(c.fd)
		c.fd = -1
	}
}

// populated reports whether a process (or a zombie) is still in the cgroup.
func (c *runCgroup) populated() bool {
	b, err := os.ReadFile(filepath.Join(c.dir, "cgroup.events"))
	return err != nil || !strings.Contains(string(b), "populated 0")
}

// procs lists the processes in the cgroup.
func (c *runCgroup) procs() []int {
	if c == nil {
		return nil
	}
	return readProcs(c.dir)
}

// kill writes cgroup.kill (SIGKILL to every member, atomically).
func (c *runCgroup) kill() {
	if c != nil {
		c.killed = true
		_ = writeKill(c.dir)
	}
}

// writeKill writes cgroup.kill of cgroup dir: SIGKILL to every process of
// it and of the cgroups below it at once, a process forking at that moment
// included. A cgroup killed so is not started into again: the kernel may
// kill what joins it.
func writeKill(dir string) error {
	return os.WriteFile(filepath.Join(dir, "cgroup.kill"), []byte("1"), 0)
}

// release returns an empty cgroup to the pool for the next run. Processes
// an entry point left behind when it exited (the resource) move to a kept
// cgroup (keep), swept once they are gone; so a run-N cgroup holds only an
// entry point in flight, which a later instance kills if this one dies.
//
// A run cgroup emptied that way goes back to the pool too: removing a
// cgroup waits for an RCU grace period (10 to 20 ms on a busy machine),
// which would otherwise hold up every online that starts a daemon.
func (c *runCgroup) release() {
	if c == nil {
		return
	}
	p := c.pool
	if !c.killed && c.populated() {
		p.keep(c.dir) // what is left is the resource: out of the run cgroups
	}
	if !c.killed && !c.populated() {
		p.mu.Lock()
		if len(p.pool) < maxPool && c.fd >= 0 {
			p.pool = append(p.pool, c)
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
	c.closeFD()
	dir := c.dir
	if err := unix.Rmdir(dir); err != nil && err != unix.ENOENT {
		p.mu.Lock()
		p.stale = append(p.stale, dir)
		p.mu.Unlock()
	}
}

// close removes the empty run cgroups, and the base directory when nothing
// is left in it (a later run probes it again).
func (p *cgroupPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.pool {
		c.closeFD()
		p.stale = append(p.stale, c.dir)
	}
	p.pool = nil
	p.sweepLocked()
	if p.base != "" && len(p.stale) == 0 {
		if unix.Rmdir(p.base) == nil {
			p.base, p.probed = "", false
		}
	}
}
