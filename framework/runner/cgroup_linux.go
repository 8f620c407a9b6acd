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

var cgroups = struct {
	sync.Mutex
	enabled bool
	probed  bool
	base    string       // this process's directory for run cgroups
	stale   []string     // run cgroups still holding a left-behind process
	pool    []*runCgroup // empty run cgroups ready for reuse (fd open)
	seq     int
}{enabled: true}

// maxPool bounds the empty run cgroups kept for reuse.
const maxPool = 32

// SetCgroups turns the use of per-run cgroups on or off (default on, when
// available). It affects runs started afterwards.
func SetCgroups(on bool) {
	cgroups.Lock()
	cgroups.enabled = on
	cgroups.Unlock()
}

// CgroupsActive reports whether runs get their own cgroup.
func CgroupsActive() bool {
	cgroups.Lock()
	defer cgroups.Unlock()
	return cgroups.enabled && cgroupBaseLocked() != ""
}

func cgroupBaseLocked() string {
	if !cgroups.probed {
		cgroups.probed = true
		cgroups.base = probeCgroupBase()
	}
	return cgroups.base
}

// probeCgroupBase creates <cgroup2 mount><own cgroup>/vigil-<pid> and
// returns it, or "" when that is not possible.
func probeCgroupBase() string {
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
	base := filepath.Join(parent, "vigil-"+strconv.Itoa(os.Getpid()))
	if err := os.Mkdir(base, 0o755); err != nil && !os.IsExist(err) {
		return ""
	}
	return base
}

// sweepDead removes the run cgroups left by vigil processes that have
// exited without ReleaseCgroups (tests, a killed daemon), when empty.
func sweepDead(parent string) {
	ents, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(strings.TrimPrefix(e.Name(), "vigil-"))
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "vigil-") || err != nil {
			continue
		}
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			continue // still running (or the pid was reused: leave it)
		}
		dir := filepath.Join(parent, e.Name())
		runs, _ := os.ReadDir(dir)
		for _, r := range runs {
			if r.IsDir() {
				_ = unix.Rmdir(filepath.Join(dir, r.Name()))
			}
		}
		_ = unix.Rmdir(dir)
	}
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
	dir    string
	fd     int
	killed bool // cgroup.kill was written: never reused (a new child was seen killed in it)
}

// newRunCgroup creates the cgroup of a run, or returns nil.
func newRunCgroup() *runCgroup {
	cgroups.Lock()
	defer cgroups.Unlock()
	if !cgroups.enabled || cgroupBaseLocked() == "" {
		return nil
	}
	if n := len(cgroups.pool); n > 0 {
		c := cgroups.pool[n-1]
		cgroups.pool = cgroups.pool[:n-1]
		return c
	}
	sweepLocked()
	cgroups.seq++
	dir := filepath.Join(cgroups.base, "run-"+strconv.Itoa(cgroups.seq))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		_ = os.Remove(dir)
		return nil
	}
	return &runCgroup{dir: dir, fd: fd}
}

// sweepLocked removes run cgroups whose left-behind processes have gone.
func sweepLocked() {
	keep := cgroups.stale[:0]
	for _, d := range cgroups.stale {
		if err := unix.Rmdir(d); err != nil && err != unix.ENOENT {
			keep = append(keep, d)
		}
	}
	cgroups.stale = keep
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
	b, err := os.ReadFile(filepath.Join(c.dir, "cgroup.procs"))
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

// kill writes cgroup.kill (SIGKILL to every member, atomically).
func (c *runCgroup) kill() {
	if c != nil {
		c.killed = true
		_ = os.WriteFile(filepath.Join(c.dir, "cgroup.kill"), []byte("1"), 0)
	}
}

// release returns an empty cgroup to the pool for the next run, or keeps
// it for a later sweep while a left-behind process (the resource) still
// lives in it.
func (c *runCgroup) release() {
	if c == nil {
		return
	}
	if !c.killed && !c.populated() {
		cgroups.Lock()
		if len(cgroups.pool) < maxPool && c.fd >= 0 {
			cgroups.pool = append(cgroups.pool, c)
			cgroups.Unlock()
			return
		}
		cgroups.Unlock()
	}
	c.closeFD()
	if err := unix.Rmdir(c.dir); err != nil && err != unix.ENOENT {
		cgroups.Lock()
		cgroups.stale = append(cgroups.stale, c.dir)
		cgroups.Unlock()
	}
}

// ReleaseCgroups removes this process's run cgroups that are empty, and its
// base directory when nothing is left in it. Daemon shutdown calls it after
// Drain.
func ReleaseCgroups() {
	ReapOrphans(nil) // a zombie still counts as a member of its cgroup
	cgroups.Lock()
	defer cgroups.Unlock()
	for _, c := range cgroups.pool {
		c.closeFD()
		cgroups.stale = append(cgroups.stale, c.dir)
	}
	cgroups.pool = nil
	sweepLocked()
	if cgroups.base != "" && len(cgroups.stale) == 0 {
		if unix.Rmdir(cgroups.base) == nil {
			cgroups.base, cgroups.probed = "", false
		}
	}
}
